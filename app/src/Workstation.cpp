#include "dokuei/app/Workstation.h"

#include "dokuei/app/ChangePasswordDialog.h"
#include "dokuei/app/LockScreen.h"
#include "dokuei/app/LoginWindow.h"
#include "dokuei/app/MainWindow.h"
#include "dokuei/app/PriorReportFinder.h"
#include "dokuei/app/SignInForm.h"
#include "dokuei/app/StudyReport.h"
#include "dokuei/app/Translations.h"
#include "dokuei/app/WorkspaceReferences.h"
#include "dokuei/reporting/DraftStore.h"
#include "dokuei/reporting/ReportSession.h"
#include "dokuei/reporting/TemplateLibrary.h"
#include "dokuei/reporting/ui/ReportEditor.h"
#include "dokuei/security/AccountStore.h"
#include "dokuei/security/AuditTrail.h"
#include "dokuei/security/CardPresenceMonitor.h"
#include "dokuei/security/CertificateVerifier.h"
#include "dokuei/security/Pkcs11Module.h"
#include "dokuei/security/Roles.h"
#include "dokuei/security/Session.h"
#include "dokuei/security/SmartCard.h"
#include "dokuei/security/SystemVault.h"
#include "dokuei/security/UserKeyring.h"
#include "dokuei/security/Vault.h"
#include "dokuei/security/WipeRegistry.h"
#include "dokuei/viewer/core/ReadingSession.h"
#include "dokuei/viewer/ui/ReadingWorkspace.h"

#include <algorithm>
#include <dokuei/exchange/CardClientKey.h>
#include <dokuei/exchange/DicomWebClient.h>

#include <QApplication>
#include <QEvent>
#include <QGuiApplication>
#include <QLocale>
#include <QScreen>
#include <QStatusBar>

namespace dokuei::app {

using security::Session;
using security::SignInService;

namespace {

/// A record of the current session's user (user, role, card, session ID).
security::AuditRecord sessionRecord(const Session& session, security::AuditEventId event,
                                    const QString& eventType)
{
    security::AuditRecord record;
    record.userId = session.identity().userId;
    record.role = session.identity().role;
    record.cardFingerprint = session.identity().cardFingerprint;
    record.sessionId = session.sessionId();
    record.event = event;
    record.eventType = eventType;
    record.outcome = security::AuditOutcome::Success;
    return record;
}

} // namespace

struct Workstation::Services
{
    WorkstationPaths paths;
    Configuration config;
    std::unique_ptr<security::WipeRegistry> wipeRegistry;
    std::unique_ptr<security::Vault> systemVault;
    std::unique_ptr<security::WipeRegistration> systemVaultWipe; ///< its page cache (audit records) at lock
    std::unique_ptr<security::AuditTrail> audit;
    std::unique_ptr<security::AccountStore> accounts;
    std::unique_ptr<security::UserKeyring> keyring;
    std::unique_ptr<security::Pkcs11Module> module;
    std::unique_ptr<security::CertificateVerifier> verifier;
    std::unique_ptr<SignInService> signIn;
    std::unique_ptr<Session> session;
    std::unique_ptr<exchange::DicomWebClient> readingCentre; ///< null when none is configured

    // Session-bound state, dropped on lock and sign-out.
    std::unique_ptr<security::SmartCard> card;
    std::unique_ptr<security::CardPresenceMonitor> cardMonitor;
    std::optional<security::SecretKey> userDataKey;
    QString role;
    /// The reading of this session (studies, series, the load), shown by the main window.
    std::unique_ptr<viewer::ReadingSession> reading;
    /// The report templates (shipped, then the administrator's), loaded once at start-up.
    reporting::TemplateLibrary templates;
    /// The user's own vault (drafts, phrases): open while the session is unlocked, closed at lock and
    /// sign-out after the report session saved into it (its decrypted pages go with the connection).
    std::unique_ptr<security::Vault> userVault;
    std::unique_ptr<reporting::DraftStore> drafts;
    /// The report of this session, its link to the reading and the viewer's side of its references.
    std::unique_ptr<reporting::ReportSession> report;
    std::unique_ptr<StudyReport> studyReport;
    std::unique_ptr<WorkspaceReferences> references;
    /// The patient's previous report from the reading centre, shown read-only beside the report.
    std::unique_ptr<PriorReportFinder> priors;

    std::unique_ptr<LoginWindow> loginWindow;
    std::unique_ptr<MainWindow> mainWindow;
    std::unique_ptr<LockScreen> lockScreen;
    QTimer cardStatusTimer;
    bool mainWindowPlaced = false;
};

Workstation::Workstation() : m_services(std::make_unique<Services>())
{}

Workstation::~Workstation()
{
    qApp->removeEventFilter(this);
    if (m_services->session) {
        // Closing the application ends the session like a sign-out: PHI wiped, session recorded.
        m_services->session->end(Session::EndReason::ApplicationExit);
    }
}

Expected<std::unique_ptr<Workstation>> Workstation::create(const WorkstationPaths& paths,
                                                           const Configuration& config)
{
    std::unique_ptr<Workstation> workstation(new Workstation());
    Services& s = *workstation->m_services;
    s.paths = paths;
    s.config = config;
    s.wipeRegistry = std::make_unique<security::WipeRegistry>();

    auto vault = security::openSystemVault(paths);
    if (!vault) {
        return std::unexpected(vault.error());
    }
    s.systemVault = std::move(*vault);
    s.systemVaultWipe = std::make_unique<security::WipeRegistration>(*s.wipeRegistry, s.systemVault.get());
    s.audit = std::make_unique<security::AuditTrail>(*s.systemVault);
    s.accounts = std::make_unique<security::AccountStore>(*s.systemVault, *s.audit);
    s.keyring = std::make_unique<security::UserKeyring>(*s.systemVault);

    auto module = security::Pkcs11Module::load(config.pkcs11Module);
    if (!module) {
        return std::unexpected(module.error());
    }
    s.module = std::move(*module);

    if (config.cardTrustAnchorFile.isEmpty()) {
        return fail(ErrorCode::ConfigurationInvalid,
                    QStringLiteral("No trust anchors for smart card certificates are configured: set "
                                   "smart_card/trust_anchors (and smart_card/crl_file) in %1")
                        .arg(paths.systemConfigFile()));
    }
    QStringList crls;
    if (!config.cardCrlFile.isEmpty()) {
        crls << config.cardCrlFile;
    }
    auto verifier = security::CertificateVerifier::create({config.cardTrustAnchorFile}, crls);
    if (!verifier) {
        return std::unexpected(verifier.error());
    }
    s.verifier = std::make_unique<security::CertificateVerifier>(std::move(*verifier));

    security::Pkcs11Module* modulePtr = s.module.get();
    s.signIn = std::make_unique<SignInService>(*s.accounts, *s.audit, *s.keyring, *s.verifier, [modulePtr] {
        // A card inserted after start-up is only seen after the module is re-initialised.
        auto card = security::SmartCard::open(*modulePtr);
        if (!card && card.error().code == ErrorCode::CardAbsent && modulePtr->reload()) {
            card = security::SmartCard::open(*modulePtr);
        }
        return card;
    });

    if (config.readingCentreUrl.isValid() && !config.readingCentreCaFile.isEmpty()) {
        auto policy =
            exchange::TlsPolicy::load({config.readingCentreCaFile, config.readingCentreCrlFile, {}});
        if (!policy) {
            return std::unexpected(policy.error());
        }
        exchange::DicomWebClientSettings settings;
        settings.baseUrl = config.readingCentreUrl;
        settings.audit = s.audit.get();
        s.readingCentre = std::make_unique<exchange::DicomWebClient>(*policy, settings);
    }

    s.templates =
        reporting::TemplateLibrary::load({reporting::shippedTemplateDirectory(), config.templateDirectory});
    for (const reporting::TemplateProblem& problem : s.templates.problems()) {
        qWarning("report template refused: %s", qUtf8Printable(problem.toString()));
    }

    s.session = std::make_unique<Session>(*s.wipeRegistry);
    Workstation* self = workstation.get();
    connect(s.session.get(), &Session::aboutToLock, self,
            [self](Session::LockReason reason) { self->showLockScreen(static_cast<int>(reason)); });
    connect(s.session.get(), &Session::locked, self,
            [self](Session::LockReason reason) { self->onLocked(static_cast<int>(reason)); });
    connect(s.session.get(), &Session::ended, self,
            [self](Session::EndReason reason, const security::SessionSummary& summary) {
                self->auditSessionEnd(static_cast<int>(reason), summary);
                self->onEnded(static_cast<int>(reason));
            });

    s.loginWindow = std::make_unique<LoginWindow>();
    s.mainWindow = std::make_unique<MainWindow>(*s.wipeRegistry);
    s.lockScreen = std::make_unique<LockScreen>();
    connect(s.loginWindow->form(), &SignInForm::submitted, self, &Workstation::submitSignIn);
    connect(s.lockScreen.get(), &LockScreen::submitted, self, &Workstation::submitLockScreen);
    connect(s.mainWindow.get(), &MainWindow::lockRequested, self,
            [self] { self->m_services->session->lock(Session::LockReason::Privacy); });
    connect(s.mainWindow.get(), &MainWindow::signOutRequested, self,
            [self] { self->m_services->session->end(Session::EndReason::SignOut); });

    s.cardStatusTimer.setInterval(1000);
    connect(&s.cardStatusTimer, &QTimer::timeout, self, &Workstation::refreshCardStatus);
    qApp->installEventFilter(self);
    return workstation;
}

void Workstation::start()
{
    LoginWindow* login = m_services->loginWindow.get();
    login->adjustSize();
    if (const QScreen* screen = QGuiApplication::primaryScreen()) {
        login->move(screen->availableGeometry().center() - login->rect().center());
    }
    login->show();
    refreshCardStatus();
    m_services->cardStatusTimer.start();
}

security::Session& Workstation::session() const
{
    return *m_services->session;
}

security::WipeRegistry& Workstation::wipeRegistry() const
{
    return *m_services->wipeRegistry;
}

security::AuditTrail& Workstation::auditTrail() const
{
    return *m_services->audit;
}

security::AccountStore& Workstation::accounts() const
{
    return *m_services->accounts;
}

LoginWindow* Workstation::loginWindow() const
{
    return m_services->loginWindow.get();
}

MainWindow* Workstation::mainWindow() const
{
    return m_services->mainWindow.get();
}

LockScreen* Workstation::lockScreen() const
{
    return m_services->lockScreen.get();
}

viewer::ReadingSession* Workstation::readingSession() const
{
    return m_services->reading.get();
}

reporting::ReportSession* Workstation::reportSession() const
{
    return m_services->report.get();
}

const reporting::TemplateLibrary& Workstation::templates() const
{
    return m_services->templates;
}

bool Workstation::eventFilter(QObject* watched, QEvent* event)
{
    switch (event->type()) {
    case QEvent::KeyPress:
    case QEvent::MouseButtonPress:
    case QEvent::MouseMove:
    case QEvent::Wheel:
    case QEvent::TouchBegin:
        if (m_services->session) {
            m_services->session->noteActivity();
        }
        break;
    default:
        break;
    }
    return QObject::eventFilter(watched, event);
}

void Workstation::refreshCardStatus()
{
    SignInForm* forms[] = {m_services->loginWindow->form(), m_services->lockScreen->form()};
    auto tokens = m_services->module->tokens();
    if (tokens && tokens->isEmpty() && m_services->session->state() == Session::State::SignedOut) {
        // Only re-initialise the module while nobody is signed in: a signed-in session holds a card session.
        if (m_services->module->reload()) {
            tokens = m_services->module->tokens();
        }
    }
    QString text;
    bool present = false;
    if (!tokens) {
        text = tr("Card reader error: %1").arg(tokens.error().message);
    } else if (tokens->isEmpty()) {
        text = tr("No smart card: insert your card.");
    } else {
        present = true;
        const auto& token = tokens->front();
        text = tr("Smart card ready: %1").arg(token.label);
        if (token.userPinCountLow || token.userPinFinalTry) {
            text += tr(" — warning: few PIN tries left");
        }
    }
    for (SignInForm* form : forms) {
        if (form) {
            form->setCardStatus(text, present);
        }
    }
}

Expected<SignInService::Success> Workstation::changePasswordAndSignIn(const SignInService::Request& request,
                                                                      const Error& reason, QWidget* parent)
{
    ChangePasswordDialog dialog(SignInService::userMessage(reason), parent);
    while (dialog.exec() == QDialog::Accepted) {
        auto result = m_services->signIn->signInChangingPassword(request, dialog.newPassword());
        if (result) {
            return result;
        }
        if (result.error().code != ErrorCode::PasswordPolicyViolation) {
            return result;
        }
        dialog.showError(result.error().message);
    }
    return fail(ErrorCode::PasswordChangeRequired, QStringLiteral("password change cancelled"));
}

void Workstation::submitSignIn()
{
    SignInForm* form = m_services->loginWindow->form();
    const SignInService::Request request{form->userId(), form->password(), form->pin()};
    form->clearSecrets();
    auto result = m_services->signIn->signIn(request);
    if (!result && (result.error().code == ErrorCode::PasswordChangeRequired ||
                    result.error().code == ErrorCode::PasswordExpired)) {
        result = changePasswordAndSignIn(request, result.error(), m_services->loginWindow.get());
    }
    if (!result) {
        showRefusal(form, result.error());
        return;
    }
    form->showInfo({});
    if (!mayRead(*result, form, true)) {
        return;
    }
    QByteArray pin = request.pin.toUtf8();
    beginSession(std::move(*result));
    connectReadingCentre(pin);
}

bool Workstation::mayRead(SignInService::Success& success, SignInForm* form, bool newSession)
{
    if (security::hasRight(success.account.role, security::Right::View)) {
        return true;
    }
    // Administrators and auditors never see patient data: no session, no reading window. A new sign-in was
    // recorded as "Login" with its session ID: this closes that session with the refusal. An unlock (the
    // role changed while locked) is refused on the locked session's ID, which stays locked.
    const QString role = security::roleName(success.account.role);
    if (success.card) {
        success.card->logout();
    }
    success.card.reset();
    security::AuditRecord record;
    record.userId = success.account.id;
    record.role = role;
    record.cardFingerprint = success.certificate.fingerprintSha256Hex;
    record.sessionId = success.sessionId;
    record.event = security::AuditEventId::UserAuthentication;
    record.eventType = newSession ? QStringLiteral("Logout") : QStringLiteral("Failure");
    record.outcome = security::AuditOutcome::MinorFailure;
    record.details = QStringLiteral("RightMissing: role %1 has no right %2 (reading images); %3")
                         .arg(role, security::rightName(security::Right::View),
                              newSession ? QStringLiteral("refused at sign-in, no session begun")
                                         : QStringLiteral("unlock refused, the session stays locked"));
    (void)m_services->audit->record(record);
    form->showError(tr("This account has no right to read images on this workstation (role: %1). "
                       "Sign in with a radiologist's account; accounts and policy are managed with "
                       "dokuei-admin.")
                        .arg(role));
    return false;
}

void Workstation::beginSession(SignInService::Success success)
{
    Services& s = *m_services;
    s.cardMonitor.reset();
    s.card = std::move(success.card);
    s.userDataKey.emplace(std::move(success.dataKey));
    s.role = security::roleName(success.account.role);
    const security::SessionIdentity identity{success.account.id, success.account.displayName, s.role,
                                             s.card->info().serialNumber,
                                             success.certificate.fingerprintSha256Hex};
    if (auto policy = s.accounts->policy()) {
        s.session->setIdleTimeout(std::chrono::minutes(policy->idleLockMinutes));
        s.session->setReauthenticationInterval(std::chrono::hours(policy->reauthenticateHours));
    }
    // The session ID the sign-in service already wrote on the "Login" record: the report pairs the two.
    s.session->begin(identity, success.sessionId);
    auditActivity(QStringLiteral("SessionStart"), QStringLiteral("session started"));

    // The reading of this session: patient access is audited here (IReadingAudit), never in the widgets.
    s.mainWindow->setReadingSession(nullptr);
    s.reading = std::make_unique<viewer::ReadingSession>(*s.wipeRegistry, this);
    s.mainWindow->setReadingSession(s.reading.get());
    beginReporting(success.account.id, success.account.displayName, success.account.role);

    s.loginWindow->hide();
    s.mainWindow->setSignedInUser(identity.userId, s.role);
    showReadingWindow();
}

void Workstation::showReadingWindow()
{
    Services& s = *m_services;
    // Pulling the card locks the session: watch the card the session was opened (or unlocked) with.
    s.cardMonitor = std::make_unique<security::CardPresenceMonitor>(*s.module, s.card->info().serialNumber);
    connect(s.cardMonitor.get(), &security::CardPresenceMonitor::cardRemoved, this,
            [this] { m_services->session->lock(Session::LockReason::CardRemoved); });
    s.cardMonitor->start();
    s.lockScreen->hide();
    if (!s.mainWindow->isVisible() && !s.mainWindowPlaced) {
        // The images and the report side by side need the screen: most of it, the first time.
        if (const QScreen* screen = QGuiApplication::primaryScreen()) {
            const QRect area = screen->availableGeometry();
            s.mainWindow->resize(std::max(std::min(1280, area.width()), area.width() * 9 / 10),
                                 std::max(std::min(800, area.height()), area.height() * 9 / 10));
            s.mainWindow->move(area.center() - s.mainWindow->rect().center());
        }
        s.mainWindowPlaced = true;
    }
    s.mainWindow->show();
    s.mainWindow->raise();
}

void Workstation::showRefusal(SignInForm* form, const Error& error)
{
    if (error.code == ErrorCode::Throttled) {
        form->holdFor(error.message.toInt());
    } else {
        form->showError(SignInService::userMessage(error));
    }
}

void Workstation::onLocked(int reason)
{
    Services& s = *m_services;
    const auto lockReason = static_cast<Session::LockReason>(reason);
    // The session already wiped every registered PHI holder (the report session saved its draft into the
    // user vault first); close that vault and drop the session's keys and card session too.
    closeUserVault();
    s.userDataKey.reset();
    if (s.priors) {
        s.priors->setReadingCentre(nullptr);
    }
    if (s.reading) {
        s.reading->setReadingCentre(nullptr);
    }
    if (s.readingCentre) {
        s.readingCentre->clearClientCredentials();
    }
    if (s.card) {
        s.card->logout();
    }
    // The views repainted themselves black during the wipe; repaint the rest of the window too (banner,
    // study list) so that its backing store keeps no patient data, then take it off the screen (the lock
    // screen has covered it since before the wipe).
    s.mainWindow->repaint();
    s.mainWindow->hide();
    const auto& wipe = s.session->lastWipe();
    auditActivity(QStringLiteral("Lock"), QStringLiteral("%1; wiped %2 bytes from %3 components in %4 us")
                                              .arg(Session::lockReasonName(lockReason))
                                              .arg(wipe.bytesWiped)
                                              .arg(wipe.components)
                                              .arg(wipe.duration.count()));
    if (!s.lockScreen->isShown()) {
        showLockScreen(reason);
    }
}

void Workstation::showLockScreen(int reason)
{
    Services& s = *m_services;
    QString text;
    switch (static_cast<Session::LockReason>(reason)) {
    case Session::LockReason::Idle:
        text = tr("Locked after a period without input.");
        break;
    case Session::LockReason::Privacy:
        text = tr("Locked by the user.");
        break;
    case Session::LockReason::CardRemoved:
        text = tr("Locked because the smart card was removed. Insert it to unlock.");
        break;
    case Session::LockReason::ReauthenticationDue:
        text = tr("Locked: the maximum session time has passed. Sign in again.");
        break;
    }
    s.lockScreen->show(s.session->identity().userId, text);
    s.lockScreen->repaintNow();
}

void Workstation::submitLockScreen()
{
    Services& s = *m_services;
    SignInForm* form = s.lockScreen->form();
    if (!form) {
        return;
    }
    SignInService::Request request{form->userId(), form->password(), form->pin()};
    form->clearSecrets();
    const QString sessionUser = s.session->identity().userId;
    // IDs are case-insensitive: "Sato.K" at the lock screen is the locked user, not another person.
    const bool sameUser = request.userId.trimmed().compare(sessionUser, Qt::CaseInsensitive) == 0;
    if (sameUser) {
        request.sessionId = s.session->sessionId(); // the service audits the unlock with it
    }
    // The card in the reader may have changed: its monitor and session belong to the locked session.
    s.cardMonitor.reset();
    s.card.reset();
    auto result = sameUser ? s.signIn->reauthenticate(sessionUser, request) : s.signIn->signIn(request);
    if (!result && (result.error().code == ErrorCode::PasswordChangeRequired ||
                    result.error().code == ErrorCode::PasswordExpired)) {
        result = changePasswordAndSignIn(request, result.error(), s.lockScreen->windows().value(0));
    }
    if (!result) {
        showRefusal(form, result.error());
        return;
    }
    if (!mayRead(*result, form, !sameUser)) {
        return; // the locked session stays locked
    }
    QByteArray pin = request.pin.toUtf8();
    if (!sameUser) {
        // Another person signs in at the lock screen: the locked session ends first (already wiped).
        s.session->end(Session::EndReason::AnotherUserSignedIn);
        beginSession(std::move(*result));
        connectReadingCentre(pin);
        return;
    }
    s.card = std::move(result->card);
    s.userDataKey.emplace(std::move(result->dataKey));
    s.session->unlock(); // audited by the sign-in service ("Unlock" with the session's ID)
    // The draft that was open at the lock comes back from the vault.
    if (openUserVault() && s.report && s.report->restore()) {
        auditActivity(QStringLiteral("ReportDraftRestored"), QStringLiteral("report restored after unlock"));
    }
    showReadingWindow();
    connectReadingCentre(pin);
}

void Workstation::connectReadingCentre(QByteArray& pin)
{
    Services& s = *m_services;
    if (!s.readingCentre || !s.card) {
        pin.fill('\0');
        return;
    }
    // The card's authentication key through OpenSSL's pkcs11 engine (the PIN was just entered in our form;
    // loadPrivateKey zeroes it), the certificate from the card.
    exchange::CardClientKeySettings settings;
    settings.modulePath = s.config.pkcs11Module;
    settings.keyUri =
        QStringLiteral("pkcs11:token=%1;object=auth;type=private").arg(s.card->info().tokenLabel);
    auto credentials = exchange::CardClientKey::load(settings, *s.card, pin);
    pin.fill('\0');
    if (!credentials) {
        if (s.reading) {
            s.reading->setReadingCentre(nullptr);
        }
        auditActivity(QStringLiteral("ReadingCentreUnavailable"), credentials.error().message);
        return;
    }
    s.readingCentre->setClientCredentials(*credentials);
    if (s.priors) {
        s.priors->setReadingCentre(s.readingCentre.get());
    }
    if (s.reading) {
        s.reading->setReadingCentre(s.readingCentre.get());
        s.reading->refreshStudies();
    }
}

void Workstation::onEnded(int reason)
{
    Services& s = *m_services;
    const auto endReason = static_cast<Session::EndReason>(reason);
    s.cardMonitor.reset();
    if (s.card) {
        s.card->logout();
    }
    s.card.reset();
    s.userDataKey.reset();
    if (s.reading) {
        s.reading->setReadingCentre(nullptr);
    }
    if (s.readingCentre) {
        s.readingCentre->clearClientCredentials();
    }
    // The session's reading and report go with it (already wiped by the session's end, the draft saved).
    s.mainWindow->setReportSession(nullptr, {}, nullptr);
    s.priors.reset();
    s.studyReport.reset();
    s.references.reset();
    closeUserVault();
    s.report.reset();
    s.mainWindow->setReadingSession(nullptr);
    s.reading.reset();
    s.mainWindow->setSignedInUser({}, {});
    if (endReason == Session::EndReason::ApplicationExit) {
        return;
    }
    s.mainWindow->hide();
    if (endReason == Session::EndReason::SignOut) {
        s.lockScreen->hide();
        s.loginWindow->show();
    }
}

bool Workstation::openUserVault()
{
    Services& s = *m_services;
    if (s.userVault) {
        return true;
    }
    if (!s.userDataKey || !s.report) {
        return false;
    }
    auto vault = security::openUserVault(s.paths, s.session->identity().userId, *s.userDataKey);
    if (!vault) {
        // Without the vault there is nowhere to keep a draft: the editor stays empty, the reason is audited.
        auditActivity(QStringLiteral("ReportVaultUnavailable"), vault.error().message);
        s.mainWindow->statusBar()->showMessage(
            tr("Reports cannot be written: your encrypted vault could not be opened (%1).")
                .arg(vault.error().message));
        return false;
    }
    s.userVault = std::move(*vault);
    s.drafts = std::make_unique<reporting::DraftStore>(*s.userVault);
    s.report->setStore(s.drafts.get());
    return true;
}

void Workstation::closeUserVault()
{
    Services& s = *m_services;
    if (s.report) {
        s.report->setStore(nullptr);
    }
    s.drafts.reset();
    s.userVault.reset();
}

void Workstation::beginReporting(const QString& userId, const QString& displayName, security::Role role)
{
    Services& s = *m_services;
    s.mainWindow->setReportSession(nullptr, {}, nullptr);
    s.priors.reset();
    s.studyReport.reset();
    s.references.reset();
    closeUserVault();
    // Registered for wipe after the reading: at lock it saves the draft into the user vault, then zeroes.
    s.report = std::make_unique<reporting::ReportSession>(*s.wipeRegistry);
    s.report->setAuthor({userId, displayName, s.config.reportingOrganisation, security::roleName(role)},
                        role);
    s.report->setAuditor([this](const reporting::ReportAuditEvent& event) {
        security::AuditRecord record =
            sessionRecord(*m_services->session, security::AuditEventId::ApplicationActivity, event.eventType);
        record.patientId = event.patientId;
        record.studyUid = event.studyUid;
        record.details = event.details;
        (void)m_services->audit->record(record);
    });
    connect(s.report.get(), &reporting::ReportSession::saveFailed, this, [this](const QString& message) {
        m_services->mainWindow->statusBar()->showMessage(tr("The draft could not be saved: %1").arg(message));
        auditActivity(QStringLiteral("ReportSaveFailed"), message);
    });
    openUserVault();
    s.studyReport =
        std::make_unique<StudyReport>(*s.reading, *s.report, s.templates, resolveLanguage(s.config.language));
    connect(s.studyReport.get(), &StudyReport::openFailed, this, [this](const QString& message) {
        m_services->mainWindow->statusBar()->showMessage(message, 10000);
    });
    MainWindow* window = s.mainWindow.get();
    s.references = std::make_unique<WorkspaceReferences>(*s.reading, *window->readingWorkspace(),
                                                         [window] { window->showReadingPage(); });
    window->setReportSession(s.report.get(), s.templates.templates(), s.references.get());
    s.priors = std::make_unique<PriorReportFinder>(*s.reading, this);
    connect(s.priors.get(), &PriorReportFinder::found, window,
            [window](const QString& title, const QString& text) {
                if (window->reportEditor()) {
                    window->reportEditor()->setPriorReport(title, text);
                }
            });
    connect(s.priors.get(), &PriorReportFinder::cleared, window, [window] {
        if (window->reportEditor()) {
            window->reportEditor()->setPriorReport({}, {});
        }
    });
    offerUnfinishedReports();
}

void Workstation::offerUnfinishedReports()
{
    Services& s = *m_services;
    if (!s.drafts) {
        return;
    }
    auto unfinished = s.drafts->unfinished();
    if (!unfinished) {
        auditActivity(QStringLiteral("ReportSaveFailed"), unfinished.error().message);
        return;
    }
    QList<std::pair<QString, QString>> offers;
    for (const reporting::DraftSummary& draft : *unfinished) {
        const QString state =
            draft.state == reporting::ReportState::Preliminary ? tr("preliminary") : tr("draft");
        offers.append({draft.reportId,
                       tr("Patient %1 — %2, saved %3")
                           .arg(draft.patientId, state,
                                QLocale().toString(draft.modified.toLocalTime(), QLocale::ShortFormat))});
    }
    s.mainWindow->offerUnfinishedReports(offers, [this](const QString& reportId) {
        Services& services = *m_services;
        if (!services.report || !services.drafts) {
            return;
        }
        if (auto opened = services.report->openStored(reportId); !opened) {
            services.mainWindow->statusBar()->showMessage(
                tr("The report could not be opened: %1").arg(opened.error().message), 10000);
            return;
        }
        // The images of its study: the series the draft was written on (the first opened), else the study.
        const QString studyUid = services.report->document().header.studyUid;
        const QStringList opened = services.report->document().openedSeriesUids;
        if (services.reading->study(studyUid)) {
            if (!opened.isEmpty()) {
                services.reading->openSeries(opened.front(), studyUid);
            } else {
                services.reading->openStudy(studyUid);
            }
        }
        services.mainWindow->showReadingPage();
    });
}

void Workstation::auditSessionEnd(int reason, const security::SessionSummary& summary)
{
    security::AuditRecord record;
    record.userId = summary.identity.userId;
    record.role = summary.identity.role;
    record.cardFingerprint = summary.identity.cardFingerprint;
    record.sessionId = summary.sessionId;
    record.event = security::AuditEventId::UserAuthentication;
    record.eventType = QStringLiteral("Logout");
    record.outcome = security::AuditOutcome::Success;
    const qint64 seconds = summary.startedUtc.secsTo(summary.endedUtc);
    record.details =
        QStringLiteral("%1; signed in %2, signed out %3, duration %4 s")
            .arg(Session::endReasonName(static_cast<Session::EndReason>(reason)),
                 summary.startedUtc.toString(Qt::ISODate), summary.endedUtc.toString(Qt::ISODate))
            .arg(seconds);
    (void)m_services->audit->record(record);
}

void Workstation::auditActivity(const QString& eventType, const QString& details)
{
    security::AuditRecord record =
        sessionRecord(*m_services->session, security::AuditEventId::ApplicationActivity, eventType);
    record.details = details;
    (void)m_services->audit->record(record);
}

void Workstation::auditQuery(const QString& filterDescription, int resultCount, const QString& patientId,
                             const QString& studyUid, const QString& problem)
{
    security::AuditRecord record =
        sessionRecord(*m_services->session, security::AuditEventId::Query, QStringLiteral("Query"));
    record.patientId = patientId;
    record.studyUid = studyUid;
    const QString source = m_services->config.readingCentreUrl.host();
    if (resultCount < 0) {
        record.outcome = security::AuditOutcome::SeriousFailure;
        record.details =
            QStringLiteral("QIDO-RS %1 at %2 failed: %3").arg(filterDescription, source, problem);
    } else {
        record.details =
            QStringLiteral("QIDO-RS %1 at %2: %3 results").arg(filterDescription, source).arg(resultCount);
    }
    (void)m_services->audit->record(record);
}

void Workstation::auditSeriesOpened(const QString& patientId, const QString& studyUid,
                                    const QString& seriesUid, int instances)
{
    security::AuditRecord record = sessionRecord(
        *m_services->session, security::AuditEventId::InstancesAccessed, QStringLiteral("SeriesOpened"));
    record.patientId = patientId;
    record.studyUid = studyUid;
    record.details = QStringLiteral("series %1 opened (%2 instances listed)").arg(seriesUid).arg(instances);
    (void)m_services->audit->record(record);
}

void Workstation::auditSeriesRetrieved(const QString& patientId, const QString& studyUid,
                                       const QString& seriesUid, int instances, bool success,
                                       const QString& problem)
{
    security::AuditRecord record =
        sessionRecord(*m_services->session, security::AuditEventId::InstancesTransferred,
                      QStringLiteral("SeriesRetrieved"));
    record.patientId = patientId;
    record.studyUid = studyUid;
    const QString source = m_services->config.readingCentreUrl.host();
    if (success) {
        record.details = QStringLiteral("series %1: %2 instances retrieved (WADO-RS from %3) into memory")
                             .arg(seriesUid)
                             .arg(instances)
                             .arg(source);
    } else {
        record.outcome = security::AuditOutcome::SeriousFailure;
        record.details =
            QStringLiteral("series %1: retrieval (WADO-RS from %2) failed after %3 instances: %4")
                .arg(seriesUid, source)
                .arg(instances)
                .arg(problem);
    }
    (void)m_services->audit->record(record);
}

} // namespace dokuei::app
