#include "dokuei/security/Session.h"

#include "dokuei/security/WipeRegistry.h"

#include <QMetaEnum>
#include <QUuid>

namespace dokuei::security {

struct Session::WipeState
{
    WipeReport report;
};

Session::Session(WipeRegistry& wipeRegistry, QObject* parent)
    : QObject(parent), m_wipeRegistry(wipeRegistry), m_lastWipe(std::make_unique<WipeState>())
{
    m_idleTimer.setSingleShot(true);
    m_idleTimer.setTimerType(Qt::CoarseTimer);
    m_idleTimer.setInterval(std::chrono::minutes(10));
    connect(&m_idleTimer, &QTimer::timeout, this, [this] { lock(LockReason::Idle); });

    m_reauthenticationTimer.setSingleShot(true);
    m_reauthenticationTimer.setTimerType(Qt::CoarseTimer);
    m_reauthenticationTimer.setInterval(std::chrono::hours(12));
    connect(&m_reauthenticationTimer, &QTimer::timeout, this, [this] {
        if (m_state == State::Active) {
            lock(LockReason::ReauthenticationDue);
        }
    });
}

Session::~Session()
{
    if (m_state != State::SignedOut) {
        end(EndReason::ApplicationExit);
    }
}

void Session::setIdleTimeout(std::chrono::milliseconds timeout)
{
    m_idleTimer.setInterval(timeout);
    if (m_state == State::Active) {
        m_idleTimer.start();
    }
}

std::chrono::milliseconds Session::idleTimeout() const
{
    return m_idleTimer.intervalAsDuration();
}

std::chrono::milliseconds Session::reauthenticationInterval() const
{
    return m_reauthenticationTimer.intervalAsDuration();
}

void Session::setReauthenticationInterval(std::chrono::milliseconds interval)
{
    m_reauthenticationTimer.setInterval(interval);
}

void Session::begin(const SessionIdentity& identity, const QString& sessionId)
{
    if (m_state != State::SignedOut) {
        end(EndReason::AnotherUserSignedIn);
    }
    m_identity = identity;
    m_sessionId = sessionId.isEmpty() ? QUuid::createUuid().toString(QUuid::WithoutBraces) : sessionId;
    m_startedUtc = QDateTime::currentDateTimeUtc();
    m_reauthenticationTimer.start();
    m_idleTimer.start();
    setState(State::Active);
}

void Session::lock(LockReason reason)
{
    if (m_state != State::Active) {
        return;
    }
    m_idleTimer.stop();
    emit aboutToLock(reason);
    wipe();
    setState(State::Locked);
    emit locked(reason);
}

void Session::unlock()
{
    if (m_state != State::Locked) {
        return;
    }
    if (!m_reauthenticationTimer.isActive()) {
        // The re-authentication deadline passed while locked: a fresh full sign-in restarts the clock.
        m_reauthenticationTimer.start();
    }
    m_idleTimer.start();
    setState(State::Active);
}

void Session::end(EndReason reason)
{
    if (m_state == State::SignedOut) {
        return;
    }
    m_idleTimer.stop();
    m_reauthenticationTimer.stop();
    wipe();
    const SessionSummary summary{m_identity, m_sessionId, m_startedUtc, QDateTime::currentDateTimeUtc()};
    m_identity = {};
    m_sessionId.clear();
    m_startedUtc = {};
    setState(State::SignedOut);
    emit ended(reason, summary);
}

void Session::noteActivity()
{
    if (m_state == State::Active) {
        m_idleTimer.start();
    }
}

const WipeReport& Session::lastWipe() const
{
    return m_lastWipe->report;
}

void Session::wipe()
{
    m_lastWipe->report = m_wipeRegistry.wipeAll();
    const auto& report = m_lastWipe->report;
    emit wiped(report.bytesWiped, report.components, static_cast<qint64>(report.duration.count()));
}

void Session::setState(State state)
{
    if (m_state == state) {
        return;
    }
    m_state = state;
    emit stateChanged(state);
}

QString Session::lockReasonName(LockReason reason)
{
    return QString::fromLatin1(QMetaEnum::fromType<LockReason>().valueToKey(static_cast<int>(reason)));
}

QString Session::endReasonName(EndReason reason)
{
    return QString::fromLatin1(QMetaEnum::fromType<EndReason>().valueToKey(static_cast<int>(reason)));
}

} // namespace dokuei::security
