#include "dokuei/security/ClockStatus.h"

#include <sys/timex.h>

namespace dokuei::security {

ClockStatus::State ClockStatus::current()
{
    timex status{};
    status.modes = 0; // read only
    const int state = ::adjtimex(&status);
    if (state < 0) {
        return State::Unknown;
    }
    if (state == TIME_ERROR || (status.status & STA_UNSYNC) != 0) {
        return State::Unsynchronised;
    }
    return State::Synchronised;
}

QString ClockStatus::name(State state)
{
    switch (state) {
    case State::Synchronised:
        return QStringLiteral("synchronised");
    case State::Unsynchronised:
        return QStringLiteral("unsynchronised");
    case State::Unknown:
        break;
    }
    return QStringLiteral("unknown");
}

} // namespace dokuei::security
