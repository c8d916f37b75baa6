#pragma once

#include "dokuei/common/Configuration.h"
#include "dokuei/common/Error.h"
#include "dokuei/common/WorkstationPaths.h"
#include "dokuei/security/SignInService.h"
#include "dokuei/viewer/core/IReadingAudit.h"

#include <memory>

#include <QObject>
#include <QPointer>
#include <QTimer>

namespace dokuei::security {
class AccountStore;
class AuditTrail;
class CardPresenceMonitor;
class CertificateVerifier;
class Pkcs11Module;
class Session;
struct SessionSummary;
class SignInService;
class SmartCard;
class UserKeyring;
class Vault;
class WipeRegistry;
} // namespace dokuei::security

namespace dokuei::viewer {
class ReadingSession;
}

namespace dokuei::reporting {
class ReportSession;
class TemplateLibrary;
} // namespace dokuei::reporting

namespace dokuei::app {

class LockScreen;
class SignInForm;
class LoginWindow;
class MainWindow;

/// The composition root of the dokuei executable: builds every service once (vault, audit trail,
/// accounts, smart card module, certificate verifier, wipe registry, session), and per signed-in session the
/// reading (viewer::ReadingSession: studies, series, loading) that the reading window shows; drives the
/// windows through the session's states: sign-in -> reading window -> lock screen -> reading window |
/// sign-in. Records the reading's patient access in the audit trail (IReadingAudit).
class Workstation : public QObject, public viewer::IReadingAudit
{
    Q_OBJECT

public:
    ~Workstation() override;

    /// Opens the system vault and loads the smart card module named in the configuration; fails with a
    /// message an administrator can act on (e.g. no PKCS#11 module configured, vault key missing).
    static Expected<std::unique_ptr<Workstation>> create(const WorkstationPaths& paths,
                                                         const Configuration& config);

    /// Shows the sign-in window.
    void start();

    security::Session& session() const;
    security::WipeRegistry& wipeRegistry() const;
    security::AuditTrail& auditTrail() const;
    security::AccountStore& accounts() const;
    LoginWindow* loginWindow() const;
    MainWindow* mainWindow() const;
    LockScreen* lockScreen() const;
    /// The reading of the signed-in session (null while nobody is signed in).
    viewer::ReadingSession* readingSession() const;
    /// The report of the signed-in session (null while nobody is signed in).
    reporting::ReportSession* reportSession() const;
    /// The report templates loaded at start-up (shipped, then the administrator's).
    const reporting::TemplateLibrary& templates() const;

    /// Patient access (guideline: who accessed which patient's data, when): 110112 queries, 110103 a
    /// series opened, 110104 a series retrieved, with the session's user, role, card and session ID.
    void auditQuery(const QString& filterDescription, int resultCount, const QString& patientId,
                    const QString& studyUid, const QString& problem) override;
    void auditSeriesOpened(const QString& patientId, const QString& studyUid, const QString& seriesUid,
                           int instances) override;
    void auditSeriesRetrieved(const QString& patientId, const QString& studyUid, const QString& seriesUid,
                              int instances, bool success, const QString& problem) override;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    Workstation();
    void submitSignIn();
    void submitLockScreen();
    void beginSession(security::SignInService::Success success);
    /// Whether the signed-in account may read images here (Right::View). If not, shows why on `form`,
    /// logs the card out, audits the refusal and returns false: no session begins, nothing was loaded.
    /// `newSession`: `success` is a new sign-in (its "Login" is closed), not the unlock of a locked session.
    bool mayRead(security::SignInService::Success& success, SignInForm* form, bool newSession);
    /// Runs the change-password dialog until the new password is accepted or the user cancels.
    Expected<security::SignInService::Success>
    changePasswordAndSignIn(const security::SignInService::Request& request, const Error& reason,
                            QWidget* parent);
    void showReadingWindow();
    /// Presents the card's key to the reading centre from now on (zeroes `pin`).
    void connectReadingCentre(QByteArray& pin);
    void showRefusal(SignInForm* form, const Error& error);
    void onLocked(int reason);
    /// Covers every screen with the lock screen and paints it now (before the wipe).
    void showLockScreen(int reason);
    void onEnded(int reason);
    void refreshCardStatus();
    void auditActivity(const QString& eventType, const QString& details);
    /// Builds the session's report (ReportSession, its link to the reading, the editor's references) and
    /// opens the user's vault for its drafts.
    void beginReporting(const QString& userId, const QString& displayName, security::Role role);
    /// Opens the signed-in user's vault with the session's data key for the report's drafts (false and
    /// audited when it cannot be opened).
    bool openUserVault();
    /// Detaches and closes the user vault (after the wipe saved the draft into it).
    void closeUserVault();
    /// Offers the user's unfinished reports (e.g. after a crash) in the reading window.
    void offerUnfinishedReports();
    void auditSessionEnd(int reason, const security::SessionSummary& summary);

    struct Services;
    std::unique_ptr<Services> m_services;
};

} // namespace dokuei::app
