#pragma once

#include <chrono>

#include <QDateTime>
#include <QObject>
#include <QString>
#include <QTimer>

namespace dokuei::security {

class WipeRegistry;
struct WipeReport;

/// Who is signed in: never a secret, never patient data.
struct SessionIdentity
{
    QString userId;
    QString displayName;
    QString role;
    QString cardSerial;
    QString cardFingerprint;
};

/// What an ended session was: for the sign-out audit record (login time, logout time, duration).
struct SessionSummary
{
    SessionIdentity identity;
    QString sessionId;
    QDateTime startedUtc;
    QDateTime endedUtc;
};

/// The session state machine: signed out -> active -> locked -> active | signed out.
///
/// Locking (idle timeout, privacy lock, card removed, re-authentication due) and signing out wipe every
/// registered PHI holder through the WipeRegistry before anything else happens, synchronously and without
/// waiting for the network. Idle time is measured from the last noteActivity() (the UI reports input).
class Session : public QObject
{
    Q_OBJECT

public:
    enum class State
    {
        SignedOut,
        Active,
        Locked,
    };
    Q_ENUM(State)

    enum class LockReason
    {
        Idle,                ///< no input for the idle timeout
        Privacy,             ///< the user's instant privacy lock (shortcut or toolbar)
        CardRemoved,         ///< the smart card left the reader
        ReauthenticationDue, ///< the maximum session age passed
    };
    Q_ENUM(LockReason)

    enum class EndReason
    {
        SignOut,             ///< the user signed out
        AnotherUserSignedIn, ///< someone else signed in at the lock screen
        ApplicationExit,
    };
    Q_ENUM(EndReason)

    explicit Session(WipeRegistry& wipeRegistry, QObject* parent = nullptr);
    ~Session() override;

    State state() const { return m_state; }
    const SessionIdentity& identity() const { return m_identity; }
    QString sessionId() const { return m_sessionId; }
    QDateTime startedUtc() const { return m_startedUtc; }

    /// Idle timeout (policy: 1-60 minutes; tests use milliseconds). Takes effect immediately.
    void setIdleTimeout(std::chrono::milliseconds timeout);
    std::chrono::milliseconds idleTimeout() const;
    /// Maximum time between full authentications (policy: 12 h). When it passes, the session locks and
    /// unlocking needs the full sign-in again.
    void setReauthenticationInterval(std::chrono::milliseconds interval);
    std::chrono::milliseconds reauthenticationInterval() const;

    /// Starts a session for `identity` (an active or locked session is ended first, AnotherUserSignedIn).
    /// The session ID is `sessionId` (give SignInService::Success::sessionId, already on the "Login" audit
    /// record, so that the audit report pairs it with the "Logout"); a new one when empty.
    void begin(const SessionIdentity& identity, const QString& sessionId = {});
    /// Locks an active session: wipes PHI, stops the idle timer. No effect when not active.
    void lock(LockReason reason);
    /// Returns a locked session to active (the caller has re-authenticated the same user).
    void unlock();
    /// Ends the session (active or locked): wipes PHI, forgets the identity.
    void end(EndReason reason);

    /// User input happened: restarts the idle timer.
    void noteActivity();

    /// The report of the last wipe (lock or end).
    const WipeReport& lastWipe() const;

    static QString lockReasonName(LockReason reason);
    static QString endReasonName(EndReason reason);

signals:
    void stateChanged(dokuei::security::Session::State state);
    /// Emitted when a lock starts, BEFORE the wipe: the lock screen goes up first, so that while and after
    /// the views are wiped nothing of the session is on screen.
    void aboutToLock(dokuei::security::Session::LockReason reason);
    void locked(dokuei::security::Session::LockReason reason);
    void ended(dokuei::security::Session::EndReason reason, const dokuei::security::SessionSummary& summary);
    /// Emitted after every wipe with its report (bytes, components, duration).
    void wiped(std::size_t bytes, int components, qint64 microseconds);

private:
    void wipe();
    void setState(State state);

    WipeRegistry& m_wipeRegistry;
    State m_state = State::SignedOut;
    SessionIdentity m_identity;
    QString m_sessionId;
    QDateTime m_startedUtc;
    QTimer m_idleTimer;
    QTimer m_reauthenticationTimer;
    struct WipeState;
    std::unique_ptr<WipeState> m_lastWipe;
};

} // namespace dokuei::security
