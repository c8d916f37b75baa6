#include "../PrivateCardReader.h"
#include "../ReadingCenterEnv.h"
#include "dokuei/security/AccountStore.h"
#include "dokuei/security/AuditTrail.h"
#include "dokuei/security/CertificateInfo.h"
#include "dokuei/security/CertificateVerifier.h"
#include "dokuei/security/Pkcs11Module.h"
#include "dokuei/security/Session.h"
#include "dokuei/security/SignInService.h"
#include "dokuei/security/SmartCard.h"
#include "dokuei/security/SystemVault.h"
#include "dokuei/security/UserKeyring.h"
#include "dokuei/security/Vault.h"
#include "dokuei/security/WipeRegistry.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QThread>
#include <QUuid>

#include <gtest/gtest.h>

namespace {

using namespace dokuei;
using namespace dokuei::security;
using dokuei::integration::ReadingCenterEnv;

const QString kSatoPassword = QStringLiteral("Kx9#mQ2v!Lp-sato");
const QString kTanakaPassword = QStringLiteral("Rw7$eT4y@Zn-tanaka");
const QString kOtherPassword = QStringLiteral("Hb3%uI8o^Xc-test");

/// Reads a whole file.
QByteArray readFile(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

class SignInIntegrationTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        auto env = ReadingCenterEnv::load();
        ASSERT_TRUE(env) << env.error().toStdString();
        m_env = *env;
        ASSERT_TRUE(m_home.isValid());

        m_reader = std::make_unique<dokuei::integration::PrivateCardReader>(m_env);
        ASSERT_TRUE(m_reader->error().isEmpty()) << m_reader->error().toStdString();

        m_paths.configDir = m_home.filePath(QStringLiteral("home"));
        m_paths.dataDir = m_paths.configDir;
        m_paths.systemDir = m_home.filePath(QStringLiteral("etc"));
        ASSERT_TRUE(m_paths.ensureUserDirectories());
        auto vault = openSystemVault(m_paths);
        ASSERT_TRUE(vault) << vault.error().toString().toStdString();
        m_vault = std::move(*vault);
        m_audit = std::make_unique<AuditTrail>(*m_vault);
        AccountStoreOptions options;
        options.hashParams = Argon2Params{1, 8192, 1};
        options.clock = [this] { return QDateTime::currentDateTimeUtc().addDays(m_daysAhead); };
        m_accounts = std::make_unique<AccountStore>(*m_vault, *m_audit, options);
        m_keyring = std::make_unique<UserKeyring>(*m_vault);
        auto verifier =
            CertificateVerifier::create({m_env.caFile()}, {m_env.value(QStringLiteral("DOKUEI_RC_CRL"))});
        ASSERT_TRUE(verifier) << verifier.error().toString().toStdString();
        m_verifier = std::make_unique<CertificateVerifier>(std::move(*verifier));
        m_service = std::make_unique<SignInService>(*m_accounts, *m_audit, *m_keyring, *m_verifier,
                                                    [this] { return SmartCard::open(*m_module); });

        addBoundUser(QStringLiteral("dr.sato"), kSatoPassword);
        addBoundUser(QStringLiteral("dr.tanaka"), kTanakaPassword);
        for (const char* id : {"test.expired", "test.revoked", "test.untrusted"}) {
            addBoundUser(QString::fromLatin1(id), kOtherPassword);
        }
    }

    void addBoundUser(const QString& id, const QString& password)
    {
        const QString initial = password + QStringLiteral("-initial");
        ASSERT_TRUE(m_accounts->addUser(id, id, Role::Radiologist, initial, QStringLiteral("test")));
        ASSERT_TRUE(m_accounts->changePassword(id, initial, password));
        auto certificate = parseCertificate(readFile(m_env.user(id).authCert));
        ASSERT_TRUE(certificate) << id.toStdString();
        ASSERT_TRUE(m_accounts->bindCard(id, certificate->der, QStringLiteral("test")));
    }

    /// "Inserts" exactly these cards and loads the module afresh (SoftHSM2 reads its store at C_Initialize).
    void insertCards(const QStringList& labels)
    {
        m_module.reset();
        ASSERT_TRUE(m_reader->insertOnly(labels));
        auto module = Pkcs11Module::load(m_env.value(QStringLiteral("DOKUEI_PKCS11_MODULE")));
        ASSERT_TRUE(module) << module.error().toString().toStdString();
        m_module = std::move(*module);
        auto present = m_module->tokens();
        ASSERT_TRUE(present);
        ASSERT_EQ(present->size(), labels.size()) << "cards inserted";
    }

    QString pin(const QString& id) const { return m_env.user(id).pin; }

    Expected<SignInService::Success> signIn(const QString& id, const QString& password,
                                            const QString& cardPin)
    {
        return m_service->signIn({id, password, cardPin});
    }

    /// The last audit record about `userId` with this event type.
    std::optional<AuditRecord> lastAudit(const QString& userId, const QString& eventType)
    {
        auto records = m_audit->records(QDateTime::currentDateTimeUtc().addDays(-1),
                                        QDateTime::currentDateTimeUtc().addDays(400));
        EXPECT_TRUE(records);
        std::optional<AuditRecord> found;
        for (const AuditRecord& record : *records) {
            if (record.userId == userId && record.eventType == eventType) {
                found = record;
            }
        }
        return found;
    }

    void expectRefused(const Expected<SignInService::Success>& result, ErrorCode code, const QString& userId)
    {
        ASSERT_FALSE(result) << "signed in although it must be refused with "
                             << errorCodeName(code).toStdString();
        EXPECT_EQ(result.error().code, code) << result.error().toString().toStdString();
        auto record = lastAudit(userId, QStringLiteral("Failure"));
        ASSERT_TRUE(record) << "no audit record for the refusal";
        EXPECT_EQ(record->event, AuditEventId::UserAuthentication);
        EXPECT_NE(record->outcome, AuditOutcome::Success);
        EXPECT_TRUE(record->details.contains(errorCodeName(code)) ||
                    (code == ErrorCode::AccountLocked && record->details.contains(QStringLiteral("Failed"))))
            << record->details.toStdString();
        EXPECT_FALSE(SignInService::userMessage(result.error()).isEmpty());
    }

    ReadingCenterEnv m_env;
    QTemporaryDir m_home;
    std::unique_ptr<dokuei::integration::PrivateCardReader> m_reader;
    WorkstationPaths m_paths;
    int m_daysAhead = 0;
    std::unique_ptr<Vault> m_vault;
    std::unique_ptr<AuditTrail> m_audit;
    std::unique_ptr<AccountStore> m_accounts;
    std::unique_ptr<UserKeyring> m_keyring;
    std::unique_ptr<CertificateVerifier> m_verifier;
    std::unique_ptr<Pkcs11Module> m_module;
    std::unique_ptr<SignInService> m_service;
};

TEST_F(SignInIntegrationTest, AllFourFactorsSignIn)
{
    insertCards({QStringLiteral("dr.sato")});
    auto result = signIn(QStringLiteral("dr.sato"), kSatoPassword, pin(QStringLiteral("dr.sato")));
    ASSERT_TRUE(result) << result.error().toString().toStdString();
    EXPECT_EQ(result->account.id, QStringLiteral("dr.sato"));
    EXPECT_TRUE(result->certificate.hcRoles.contains(QStringLiteral("Medical Doctor")));
    auto login = lastAudit(QStringLiteral("dr.sato"), QStringLiteral("Login"));
    ASSERT_TRUE(login);
    EXPECT_EQ(login->outcome, AuditOutcome::Success);
    EXPECT_EQ(login->cardFingerprint, result->certificate.fingerprintSha256Hex);
}

TEST_F(SignInIntegrationTest, WrongPasswordAndUnknownIdLookTheSame)
{
    insertCards({QStringLiteral("dr.sato")});
    QElapsedTimer timer;
    timer.start();
    auto wrong =
        signIn(QStringLiteral("dr.sato"), QStringLiteral("Wrong#Pass1word"), pin(QStringLiteral("dr.sato")));
    const qint64 wrongMs = timer.restart();
    auto unknown = signIn(QStringLiteral("dr.nobody"), QStringLiteral("Wrong#Pass1word"),
                          pin(QStringLiteral("dr.sato")));
    const qint64 unknownMs = timer.elapsed();
    expectRefused(wrong, ErrorCode::AuthenticationFailed, QStringLiteral("dr.sato"));
    expectRefused(unknown, ErrorCode::AuthenticationFailed, QStringLiteral("dr.nobody"));
    EXPECT_EQ(SignInService::userMessage(wrong.error()), SignInService::userMessage(unknown.error()));
    // Same work for both (a dummy hash for the unknown ID): within a factor of 3 of each other.
    EXPECT_LT(unknownMs, 3 * std::max<qint64>(wrongMs, 5));
    EXPECT_LT(wrongMs, 3 * std::max<qint64>(unknownMs, 5));
}

TEST_F(SignInIntegrationTest, WrongPinIsRefused)
{
    insertCards({QStringLiteral("dr.sato")});
    expectRefused(signIn(QStringLiteral("dr.sato"), kSatoPassword, QStringLiteral("00000000")),
                  ErrorCode::CardPinIncorrect, QStringLiteral("dr.sato"));
}

TEST_F(SignInIntegrationTest, AnotherUsersCardIsRefused)
{
    insertCards({QStringLiteral("dr.tanaka")});
    expectRefused(signIn(QStringLiteral("dr.sato"), kSatoPassword, pin(QStringLiteral("dr.tanaka"))),
                  ErrorCode::CardNotBound, QStringLiteral("dr.sato"));
    EXPECT_TRUE(lastAudit(QStringLiteral("dr.sato"), QStringLiteral("AuthenticationAlert")))
        << "security alert";
}

TEST_F(SignInIntegrationTest, ExpiredRevokedAndUntrustedCertificatesAreRefused)
{
    const std::pair<const char*, ErrorCode> cases[] = {{"test.expired", ErrorCode::CertificateExpired},
                                                       {"test.revoked", ErrorCode::CertificateRevoked},
                                                       {"test.untrusted", ErrorCode::CertificateUntrusted}};
    for (const auto& [id, code] : cases) {
        SCOPED_TRACE(id);
        const QString user = QString::fromLatin1(id);
        insertCards({user});
        expectRefused(signIn(user, kOtherPassword, pin(user)), code, user);
    }
}

TEST_F(SignInIntegrationTest, NoCardOrNoPinIsRefused)
{
    insertCards({});
    // PIN without card: its own message (the PIN went nowhere) and its own audit detail.
    auto pinWithoutCard = signIn(QStringLiteral("dr.sato"), kSatoPassword, pin(QStringLiteral("dr.sato")));
    expectRefused(pinWithoutCard, ErrorCode::CardAbsent, QStringLiteral("dr.sato"));
    const QString pinNotUsed = SignInService::userMessage(pinWithoutCard.error());
    EXPECT_TRUE(pinNotUsed.contains(QStringLiteral("PIN was not used"))) << pinNotUsed.toStdString();
    auto pinRecord = lastAudit(QStringLiteral("dr.sato"), QStringLiteral("Failure"));
    ASSERT_TRUE(pinRecord);
    EXPECT_TRUE(pinRecord->details.contains(QStringLiteral("PIN was not used")));
    EXPECT_FALSE(pinRecord->details.contains(pin(QStringLiteral("dr.sato"))));
    EXPECT_EQ(pinRecord->role, QStringLiteral("radiologist"));
    // No card, no PIN: plain CardAbsent.
    auto noCardNoPin = signIn(QStringLiteral("dr.sato"), kSatoPassword, QString());
    expectRefused(noCardNoPin, ErrorCode::CardAbsent, QStringLiteral("dr.sato"));
    EXPECT_NE(SignInService::userMessage(noCardNoPin.error()), pinNotUsed);
    EXPECT_FALSE(lastAudit(QStringLiteral("dr.sato"), QStringLiteral("Failure"))
                     ->details.contains(QStringLiteral("PIN was not used")));
    EXPECT_EQ(m_accounts->get(QStringLiteral("dr.sato"))->consecutiveFailures, 0)
        << "a missing card is not a guess";
    insertCards({QStringLiteral("dr.sato")});
    expectRefused(signIn(QStringLiteral("dr.sato"), kSatoPassword, QString()), ErrorCode::CardPinMissing,
                  QStringLiteral("dr.sato"));
}

TEST_F(SignInIntegrationTest, DisabledAndLockedAccountsAreRefused)
{
    insertCards({QStringLiteral("dr.sato")});
    ASSERT_TRUE(m_accounts->setDisabled(QStringLiteral("dr.sato"), true, QStringLiteral("test")));
    expectRefused(signIn(QStringLiteral("dr.sato"), kSatoPassword, pin(QStringLiteral("dr.sato"))),
                  ErrorCode::AccountDisabled, QStringLiteral("dr.sato"));
    ASSERT_TRUE(m_accounts->setDisabled(QStringLiteral("dr.sato"), false, QStringLiteral("test")));

    // Ten wrong passwords lock the account (the delays from the 5th pass on the injected clock).
    Expected<SignInService::Success> last = std::unexpected(Error{ErrorCode::NotFound, {}});
    for (int i = 0; i < 10; ++i) {
        m_daysAhead += 1; // a day later each time: no throttling delay pending
        last = signIn(QStringLiteral("dr.sato"), QStringLiteral("Wrong#Pass1word"),
                      pin(QStringLiteral("dr.sato")));
    }
    ASSERT_FALSE(last);
    EXPECT_EQ(last.error().code, ErrorCode::AccountLocked);
    m_daysAhead += 1;
    expectRefused(signIn(QStringLiteral("dr.sato"), kSatoPassword, pin(QStringLiteral("dr.sato"))),
                  ErrorCode::AccountLocked, QStringLiteral("dr.sato"));
    ASSERT_TRUE(m_accounts->unlock(QStringLiteral("dr.sato"), QStringLiteral("test")));
    EXPECT_TRUE(signIn(QStringLiteral("dr.sato"), kSatoPassword, pin(QStringLiteral("dr.sato"))));
}

TEST_F(SignInIntegrationTest, ThrottledAccountIsNotEvenChecked)
{
    insertCards({QStringLiteral("dr.sato")});
    for (int i = 0; i < 5; ++i) {
        (void)signIn(QStringLiteral("dr.sato"), QStringLiteral("Wrong#Pass1word"),
                     pin(QStringLiteral("dr.sato")));
    }
    auto throttled = signIn(QStringLiteral("dr.sato"), kSatoPassword, pin(QStringLiteral("dr.sato")));
    ASSERT_FALSE(throttled) << "the right password must wait for the delay too";
    EXPECT_EQ(throttled.error().code, ErrorCode::Throttled);
    EXPECT_GT(throttled.error().message.toInt(), 0);
}

TEST_F(SignInIntegrationTest, InitialAndExpiredPasswordsGoToTheChangeFlow)
{
    insertCards({QStringLiteral("dr.sato")});
    // Legacy profile: passwords expire after 60 days.
    auto policy = m_accounts->policy();
    ASSERT_TRUE(policy);
    policy->profile = PasswordProfile::JpMhlwLegacy;
    ASSERT_TRUE(m_accounts->setPolicy(*policy, QStringLiteral("test")));
    m_daysAhead = 61;
    auto expired = signIn(QStringLiteral("dr.sato"), kSatoPassword, pin(QStringLiteral("dr.sato")));
    ASSERT_FALSE(expired);
    EXPECT_EQ(expired.error().code, ErrorCode::PasswordExpired);
    auto required = lastAudit(QStringLiteral("dr.sato"), QStringLiteral("PasswordChangeRequired"));
    ASSERT_TRUE(required) << "the expired password's change flow is audited";
    EXPECT_EQ(required->event, AuditEventId::UserAuthentication);
    EXPECT_EQ(required->outcome, AuditOutcome::MinorFailure);
    EXPECT_EQ(required->role, QStringLiteral("radiologist"));
    EXPECT_TRUE(required->details.contains(QStringLiteral("expired"))) << required->details.toStdString();
    EXPECT_FALSE(lastAudit(QStringLiteral("dr.sato"), QStringLiteral("Login"))) << "no session yet";
    const QString next = QStringLiteral("Nq5&vB1m!Ws-sato");
    auto changed = m_service->signInChangingPassword(
        {QStringLiteral("dr.sato"), kSatoPassword, pin(QStringLiteral("dr.sato"))}, next);
    ASSERT_TRUE(changed) << changed.error().toString().toStdString();
    EXPECT_TRUE(signIn(QStringLiteral("dr.sato"), next, pin(QStringLiteral("dr.sato"))));
}

TEST_F(SignInIntegrationTest, AdministratorResetKeepsTheUsersDataThroughTheCard)
{
    insertCards({QStringLiteral("dr.sato")});
    auto first = signIn(QStringLiteral("dr.sato"), kSatoPassword, pin(QStringLiteral("dr.sato")));
    ASSERT_TRUE(first) << first.error().toString().toStdString();
    const QByteArray key(reinterpret_cast<const char*>(first->dataKey.bytes().data()), SecretKey::kSize);

    const QString reset = QStringLiteral("Tm6*pK2s#Qd-reset");
    ASSERT_TRUE(m_accounts->resetPassword(QStringLiteral("dr.sato"), reset,
                                          QStringLiteral("identity checked in person against staff ID card"),
                                          QStringLiteral("test")));
    ASSERT_TRUE(m_keyring->dropPasswordWrap(QStringLiteral("dr.sato")));
    auto mustChange = signIn(QStringLiteral("dr.sato"), reset, pin(QStringLiteral("dr.sato")));
    ASSERT_FALSE(mustChange);
    EXPECT_EQ(mustChange.error().code, ErrorCode::PasswordChangeRequired);
    const QString own = QStringLiteral("Zc8!rN4w%Ht-sato");
    auto second = m_service->signInChangingPassword(
        {QStringLiteral("dr.sato"), reset, pin(QStringLiteral("dr.sato"))}, own);
    ASSERT_TRUE(second) << second.error().toString().toStdString();
    const QByteArray recovered(reinterpret_cast<const char*>(second->dataKey.bytes().data()),
                               SecretKey::kSize);
    EXPECT_EQ(recovered, key) << "the user's data key (drafts, outbox) survives the reset";
    EXPECT_TRUE(lastAudit(QStringLiteral("dr.sato"), QStringLiteral("DataKeyRecovered")));
    auto third = signIn(QStringLiteral("dr.sato"), own, pin(QStringLiteral("dr.sato")));
    ASSERT_TRUE(third);
    EXPECT_EQ(QByteArray(reinterpret_cast<const char*>(third->dataKey.bytes().data()), SecretKey::kSize),
              key);
}

TEST_F(SignInIntegrationTest, AuditReportShowsTheSessionFromLoginThroughUnlockToLogout)
{
    if (!QCoreApplication::instance()) {
        static int argc = 1;
        static char name[] = "dokuei_signin_integration_tests";
        static char* argv[] = {name, nullptr};
        static QCoreApplication app(argc, argv); // the Session's timers
    }
    insertCards({QStringLiteral("dr.sato")});
    const QDateTime from = QDateTime::currentDateTimeUtc().addSecs(-5);

    // Sign-in as the workstation does it: the service audits "Login" with a new session ID...
    auto signedIn = signIn(QStringLiteral("dr.sato"), kSatoPassword, pin(QStringLiteral("dr.sato")));
    ASSERT_TRUE(signedIn) << signedIn.error().toString().toStdString();
    ASSERT_FALSE(signedIn->sessionId.isEmpty());
    EXPECT_FALSE(QUuid::fromString(signedIn->sessionId).isNull()) << signedIn->sessionId.toStdString();
    auto login = lastAudit(QStringLiteral("dr.sato"), QStringLiteral("Login"));
    ASSERT_TRUE(login);
    EXPECT_EQ(login->sessionId, signedIn->sessionId);
    EXPECT_EQ(login->role, QStringLiteral("radiologist"));
    EXPECT_EQ(login->event, AuditEventId::UserAuthentication);

    // ... and the session takes that ID.
    WipeRegistry wipeRegistry;
    Session session(wipeRegistry);
    const SessionIdentity identity{signedIn->account.id, signedIn->account.displayName,
                                   roleName(signedIn->account.role), signedIn->card->info().serialNumber,
                                   signedIn->certificate.fingerprintSha256Hex};
    session.begin(identity, signedIn->sessionId);
    ASSERT_EQ(session.sessionId(), signedIn->sessionId);
    signedIn->card->logout();

    // A study read in the session (110103 as the workstation writes it).
    AuditRecord read;
    read.userId = identity.userId;
    read.role = identity.role;
    read.sessionId = session.sessionId();
    read.event = AuditEventId::InstancesAccessed;
    read.eventType = QStringLiteral("StudyOpened");
    read.patientId = QStringLiteral("PAT-0042");
    read.studyUid = QStringLiteral("1.2.392.200036.9116.2.6.1.48.1214.1");
    ASSERT_TRUE(m_audit->record(read));

    // Locked and unlocked: "Unlock" with the same session ID, no second session.
    session.lock(Session::LockReason::Privacy);
    SignInService::Request unlock{QStringLiteral("dr.sato"), kSatoPassword, pin(QStringLiteral("dr.sato"))};
    unlock.sessionId = session.sessionId();
    auto unlocked = m_service->reauthenticate(identity.userId, unlock);
    ASSERT_TRUE(unlocked) << unlocked.error().toString().toStdString();
    EXPECT_EQ(unlocked->sessionId, session.sessionId());
    auto unlockRecord = lastAudit(QStringLiteral("dr.sato"), QStringLiteral("Unlock"));
    ASSERT_TRUE(unlockRecord);
    EXPECT_EQ(unlockRecord->sessionId, session.sessionId());
    EXPECT_EQ(unlockRecord->event, AuditEventId::UserAuthentication);
    EXPECT_EQ(lastAudit(QStringLiteral("dr.sato"), QStringLiteral("Login"))->sequence, login->sequence)
        << "an unlock is not a new login";
    session.unlock();
    unlocked->card->logout();

    // Sign-out: the "Logout" record as Workstation::auditSessionEnd writes it from the summary.
    std::optional<SessionSummary> ended;
    QObject::connect(&session, &Session::ended,
                     [&](Session::EndReason, const SessionSummary& summary) { ended = summary; });
    QThread::sleep(1); // a duration of at least one second
    session.end(Session::EndReason::SignOut);
    ASSERT_TRUE(ended);
    AuditRecord logout;
    logout.userId = ended->identity.userId;
    logout.role = ended->identity.role;
    logout.cardFingerprint = ended->identity.cardFingerprint;
    logout.sessionId = ended->sessionId;
    logout.event = AuditEventId::UserAuthentication;
    logout.eventType = QStringLiteral("Logout");
    logout.outcome = AuditOutcome::Success;
    logout.details = QStringLiteral("SignOut");
    ASSERT_TRUE(m_audit->record(logout));

    auto report = m_audit->report(from, QDateTime::currentDateTimeUtc().addSecs(5));
    ASSERT_TRUE(report) << report.error().toString().toStdString();
    const QStringList lines = report->split(QLatin1Char('\n'));
    const qsizetype header = lines.indexOf(QStringLiteral("user | session | login (local) | logout (local) | "
                                                          "duration | patients handled"));
    ASSERT_GE(header, 0) << report->toStdString();
    QStringList rows;
    for (qsizetype i = header + 1; i < lines.size() && !lines.at(i).isEmpty(); ++i) {
        rows << lines.at(i);
    }
    ASSERT_EQ(rows.size(), 1) << "one session from login to logout:\n" << report->toStdString();
    const QStringList columns = rows.first().split(QStringLiteral(" | "));
    ASSERT_EQ(columns.size(), 6) << rows.first().toStdString();
    EXPECT_EQ(columns.at(0), QStringLiteral("dr.sato"));
    EXPECT_EQ(columns.at(1), signedIn->sessionId);
    EXPECT_FALSE(columns.at(2).startsWith(QLatin1Char('('))) << "login time: " << columns.at(2).toStdString();
    EXPECT_FALSE(columns.at(3).startsWith(QLatin1Char('(')))
        << "logout time: " << columns.at(3).toStdString();
    EXPECT_NE(columns.at(4), QStringLiteral("-")) << "a duration";
    EXPECT_FALSE(columns.at(4).isEmpty());
    EXPECT_EQ(columns.at(5), QStringLiteral("PAT-0042"));
}

TEST_F(SignInIntegrationTest, NistProfileOpensTheUsersKeyWithAnyNfkcEquivalentSpelling)
{
    insertCards({QStringLiteral("dr.sato")});
    auto policy = m_accounts->policy();
    ASSERT_TRUE(policy);
    policy->profile = PasswordProfile::Nist80063b;
    ASSERT_TRUE(m_accounts->setPolicy(*policy, QStringLiteral("test")));
    // 読影 ＰＡＳＳ phrase ９ typed with the IME on, and the same with it off.
    const QString fullWidth = QStringLiteral("\u8aad\u5f71 \uFF30\uFF21\uFF33\uFF33 phrase \uFF19");
    const QString halfWidth = QStringLiteral("\u8aad\u5f71 PASS phrase 9");
    ASSERT_TRUE(m_accounts->changePassword(QStringLiteral("dr.sato"), kSatoPassword, fullWidth));

    auto first = signIn(QStringLiteral("dr.sato"), fullWidth, pin(QStringLiteral("dr.sato")));
    ASSERT_TRUE(first) << first.error().toString().toStdString(); // creates the user's data key
    const QByteArray key(reinterpret_cast<const char*>(first->dataKey.bytes().data()), SecretKey::kSize);
    first->card->logout();
    auto second = signIn(QStringLiteral("dr.sato"), halfWidth, pin(QStringLiteral("dr.sato")));
    ASSERT_TRUE(second) << second.error().toString().toStdString();
    EXPECT_EQ(QByteArray(reinterpret_cast<const char*>(second->dataKey.bytes().data()), SecretKey::kSize),
              key);
    EXPECT_FALSE(lastAudit(QStringLiteral("dr.sato"), QStringLiteral("DataKeyRecovered")))
        << "the password wrap opened with the equivalent spelling (no fallback to the card)";
    // The keyring holds the NFKC form: the half-width spelling opens it directly.
    EXPECT_TRUE(m_keyring->unwrapWithPassword(QStringLiteral("dr.sato"), halfWidth.toUtf8()));
}

TEST_F(SignInIntegrationTest, AnIdTypedInCapitalsOpensTheSameAccountAndTheSameUserKey)
{
    insertCards({QStringLiteral("dr.sato")});
    auto first = signIn(QStringLiteral("dr.sato"), kSatoPassword, pin(QStringLiteral("dr.sato")));
    ASSERT_TRUE(first) << first.error().toString().toStdString(); // creates the user's data key
    const QByteArray key(reinterpret_cast<const char*>(first->dataKey.bytes().data()), SecretKey::kSize);
    first->card->logout();

    auto second = signIn(QStringLiteral(" DR.Sato "), kSatoPassword, pin(QStringLiteral("dr.sato")));
    ASSERT_TRUE(second) << second.error().toString().toStdString();
    EXPECT_EQ(second->account.id, QStringLiteral("dr.sato"));
    EXPECT_EQ(QByteArray(reinterpret_cast<const char*>(second->dataKey.bytes().data()), SecretKey::kSize),
              key)
        << "the capitalised ID must open the user's own key, not create a second one (drafts would vanish)";
    auto login = lastAudit(QStringLiteral("dr.sato"), QStringLiteral("Login"));
    ASSERT_TRUE(login) << "the record names the account's own ID";
    EXPECT_EQ(login->sessionId, second->sessionId);
    second->card->logout();

    // Unlocking the session with the ID in capitals is the same user, not another person signing in.
    SignInService::Request unlock{QStringLiteral("DR.SATO"), kSatoPassword, pin(QStringLiteral("dr.sato"))};
    unlock.sessionId = second->sessionId;
    auto unlocked = m_service->reauthenticate(QStringLiteral("dr.sato"), unlock);
    ASSERT_TRUE(unlocked) << unlocked.error().toString().toStdString();
    EXPECT_EQ(unlocked->sessionId, second->sessionId);
}

} // namespace
