#pragma once

#include <QString>

namespace dokuei::security {

/// Whether the system clock is disciplined by NTP (PTP, chrony, systemd-timesyncd), from the kernel's
/// adjtimex status: the guideline asks for trustworthy time in the access log.
class ClockStatus
{
public:
    enum class State
    {
        Synchronised,
        Unsynchronised,
        Unknown,
    };
    /// Reads adjtimex(2) (read-only, no privileges needed): STA_UNSYNC or TIME_ERROR -> Unsynchronised.
    static State current();
    /// "synchronised", "unsynchronised", "unknown".
    static QString name(State state);
};

} // namespace dokuei::security
