#include "dokuei/security/SignInService.h"

#include "AccountsTestSupport.h"
#include "dokuei/security/SecretKey.h"
#include "dokuei/security/UserKeyring.h"
#include "dokuei/security/Vault.h"

#include <iostream>
#include <memory>

#include <QFile>
#include <QSet>
#include <QTemporaryDir>

#include <gtest/gtest.h>

// SignInService without a card: everything up to the card (ID, password, throttling, lockout, a missing
// card) and the failure matrix's messages. What needs a real card (a successful sign-in, wrong PIN,
// certificates) is in tests/integration/signin with the stack's SoftHSM2 cards.

namespace dokuei::security {
namespace {

using testing::FakeAuditSink;

const QString kActor = QStringLiteral("it-admin");
const QString kId = QStringLiteral("tanaka.h");
const QString kPassword = QStringLiteral("Kq7#vLm2xR");

class SignInServiceTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(m_dir.isValid());
        const QByteArray pem = testing::makeCertificatePem(m_dir.path(), QStringLiteral("Test CA"));
        ASSERT_FALSE(pem.isEmpty()) << "openssl req";
        m_caFile = m_dir.filePath(QStringLiteral("Test CA.pem"));
        reopen();
        ASSERT_TRUE(m_store->addUser(kId, QStringLiteral("Tanaka"), Role::Radiologist, kPassword, kActor));
    }

    /// Closes everything and opens the vault file again with new objects: what a restart does.
    void reopen()
    {
        m_service.reset();
        m_keyring.reset();
        m_store.reset();
        m_vault.reset();
        auto vault = Vault::open(m_dir.filePath(QStringLiteral("system.db")), m_key);
        ASSERT_TRUE(vault) << vault.error().toString().toStdString();
        m_vault = std::move(*vault);
        AccountStoreOptions options;
        options.hashParams = Argon2Params{1, 256, 1};
        options.clock = [this] { return m_now; };
        m_store = std::make_unique<AccountStore>(*m_vault, m_audit, options);
        m_keyring = std::make_unique<UserKeyring>(*m_vault, Argon2Params{1, 256, 1});
        auto verifier = CertificateVerifier::create({m_caFile}, {});
        ASSERT_TRUE(verifier) << verifier.error().toString().toStdString();
        m_verifier = std::make_unique<CertificateVerifier>(std::move(*verifier));
        m_service = std::make_unique<SignInService>(*m_store, m_audit, *m_keyring, *m_verifier, [this] {
            ++m_cardOpens;
            return Expected<std::unique_ptr<SmartCard>>(std::unexpected(
                Error{ErrorCode::CardAbsent, QStringLiteral("no token in module test-module.so")}));
        });
    }

    QTemporaryDir m_dir;
    QString m_caFile;
    SecretKey m_key = SecretKey::random();
    FakeAuditSink m_audit;
    QDateTime m_now = QDateTime(QDate(2025, 4, 1), QTime(9, 0), Qt::UTC);
    int m_cardOpens = 0;
    std::unique_ptr<Vault> m_vault;
    std::unique_ptr<AccountStore> m_store;
    std::unique_ptr<UserKeyring> m_keyring;
    std::unique_ptr<CertificateVerifier> m_verifier;
    std::unique_ptr<SignInService> m_service;
};

TEST_F(SignInServiceTest, TwoHundredWrongPasswordsThrottleFromTheFifthLockAtTheTenthAndSurviveARestart)
{
    // A cap low enough to be reached before the lock: 1, 2, 4, 8, then 8 s.
    auto policy = m_store->policy();
    ASSERT_TRUE(policy);
    policy->maxDelaySeconds = 8;
    ASSERT_TRUE(m_store->setPolicy(*policy, kActor));

    QList<int> waitBefore; // waitBefore[n - 1]: the delay pending before attempt n
    int lockedAt = 0;
    for (int attempt = 1; attempt <= 200; ++attempt) {
        SCOPED_TRACE(attempt);
        auto wait = m_store->requiredDelaySeconds(kId);
        ASSERT_TRUE(wait);
        waitBefore.append(*wait);
        if (*wait > 0) {
            // Too early: refused without checking anything, and not counted.
            const int failuresBefore = m_store->get(kId)->consecutiveFailures;
            auto early = m_service->signIn({kId, kPassword, QStringLiteral("1234")});
            ASSERT_FALSE(early);
            EXPECT_EQ(early.error().code, ErrorCode::Throttled);
            EXPECT_EQ(early.error().message.toInt(), *wait);
            EXPECT_EQ(m_store->get(kId)->consecutiveFailures, failuresBefore);
            m_now = m_now.addSecs(*wait);
        }
        const qsizetype before = m_audit.records.size();
        auto result =
            m_service->signIn({kId, QStringLiteral("Wrong#%1x").arg(attempt), QStringLiteral("1234")});
        ASSERT_FALSE(result);
        if (attempt < 10) {
            EXPECT_EQ(result.error().code, ErrorCode::AuthenticationFailed);
        } else {
            EXPECT_EQ(result.error().code, ErrorCode::AccountLocked);
        }
        if (result.error().code == ErrorCode::AccountLocked && lockedAt == 0) {
            lockedAt = attempt;
        }
        const QList<AuditRecord> added = m_audit.records.mid(before);
        const auto failures = std::count_if(added.begin(), added.end(), [](const AuditRecord& r) {
            return r.eventType == QStringLiteral("Failure") && r.event == AuditEventId::UserAuthentication &&
                   r.outcome != AuditOutcome::Success && r.userId == kId &&
                   r.role == QStringLiteral("radiologist");
        });
        EXPECT_EQ(failures, 1) << "one 110114 failure record per attempt";
        const auto lockAlerts = std::count_if(added.begin(), added.end(), [](const AuditRecord& r) {
            return r.eventType == QStringLiteral("AccountLocked") && r.event == AuditEventId::SecurityAlert;
        });
        EXPECT_EQ(lockAlerts, attempt == 10 ? 1 : 0);
    }
    EXPECT_EQ(lockedAt, 10);
    EXPECT_EQ(waitBefore.mid(0, 5), (QList<int>{0, 0, 0, 0, 0})) << "no delay before attempts 1-5";
    EXPECT_EQ(waitBefore.mid(5, 5), (QList<int>{1, 2, 4, 8, 8}))
        << "after the 5th failure: exponential, capped at max-delay-seconds";
    EXPECT_EQ(waitBefore.at(10), 0) << "locked: the lock answers, no wait";
    EXPECT_EQ(m_audit.count(QStringLiteral("AccountLocked")), 1);
    EXPECT_EQ(m_audit.count(QStringLiteral("FailureCounted")), 10)
        << "attempts on a locked account are not counted";
    EXPECT_EQ(m_cardOpens, 0) << "no wrong password reaches the card";
    std::cout << "[ scenario ] SignInService: waits before attempts 1..11:";
    for (int n = 0; n <= 10; ++n) {
        std::cout << ' ' << waitBefore.at(n);
    }
    std::cout << "; locked at attempt " << lockedAt << '\n';

    // Restart: the lock is in the vault; even the right password is refused, before any card.
    reopen();
    EXPECT_TRUE(m_store->get(kId)->locked);
    auto right = m_service->signIn({kId, kPassword, QStringLiteral("1234")});
    ASSERT_FALSE(right);
    EXPECT_EQ(right.error().code, ErrorCode::AccountLocked);
    EXPECT_TRUE(SignInService::userMessage(right.error()).contains(QStringLiteral("administrator")));
    EXPECT_EQ(m_cardOpens, 0);
}

TEST_F(SignInServiceTest, PinWithoutCardIsItsOwnCaseAndNoCardNoPinStaysCardAbsent)
{
    auto noCardNoPin = m_service->signIn({kId, kPassword, QString()});
    ASSERT_FALSE(noCardNoPin);
    EXPECT_EQ(noCardNoPin.error().code, ErrorCode::CardAbsent);
    auto pinWithoutCard = m_service->signIn({kId, kPassword, QStringLiteral("1234")});
    ASSERT_FALSE(pinWithoutCard);
    EXPECT_EQ(pinWithoutCard.error().code, ErrorCode::CardAbsent);
    const QString plain = SignInService::userMessage(noCardNoPin.error());
    const QString pinNotUsed = SignInService::userMessage(pinWithoutCard.error());
    EXPECT_NE(plain, pinNotUsed);
    EXPECT_TRUE(pinNotUsed.contains(QStringLiteral("PIN was not used"))) << pinNotUsed.toStdString();
    EXPECT_FALSE(pinWithoutCard.error().message.contains(QStringLiteral("1234"))) << "never the PIN itself";
    // Both audited, distinguishable in the trail; neither counts as a failure (nothing was guessed).
    ASSERT_GE(m_audit.records.size(), 2);
    const AuditRecord& last = m_audit.records.last();
    EXPECT_EQ(last.eventType, QStringLiteral("Failure"));
    EXPECT_EQ(last.role, QStringLiteral("radiologist"));
    EXPECT_TRUE(last.details.contains(QStringLiteral("PIN was not used")));
    EXPECT_FALSE(last.details.contains(QStringLiteral("1234")));
    EXPECT_EQ(m_store->get(kId)->consecutiveFailures, 0);
}

TEST_F(SignInServiceTest, UnlockAttemptsCarryTheLockedSessionsIdAndTheRole)
{
    const QString session = QStringLiteral("5f0c8a52-2b7e-4a43-9d7b-1f3c1c9d0e11");
    SignInService::Request request{kId, kPassword, QStringLiteral("1234")};
    request.sessionId = session;
    ASSERT_FALSE(m_service->reauthenticate(kId, request));
    EXPECT_EQ(m_audit.records.last().eventType, QStringLiteral("Failure"));
    EXPECT_EQ(m_audit.records.last().sessionId, session);
    EXPECT_EQ(m_audit.records.last().role, QStringLiteral("radiologist"));

    SignInService::Request other{QStringLiteral("suzuki.k"), kPassword, QStringLiteral("1234")};
    other.sessionId = session;
    ASSERT_FALSE(m_service->reauthenticate(kId, other));
    EXPECT_EQ(m_audit.records.last().sessionId, session);
    EXPECT_EQ(m_audit.records.last().userId, QStringLiteral("suzuki.k"));

    // A sign-in's failures belong to no session yet.
    ASSERT_FALSE(m_service->signIn(request));
    EXPECT_TRUE(m_audit.records.last().sessionId.isEmpty());
}

TEST_F(SignInServiceTest, EveryFailureOfTheMatrixHasItsOwnMessageExceptIdAndPassword)
{
    auto wrongPassword = m_service->signIn({kId, QStringLiteral("Wrong#pass9"), QStringLiteral("1234")});
    auto unknownId = m_service->signIn(
        {QStringLiteral("suzuki.k"), QStringLiteral("Wrong#pass9"), QStringLiteral("1234")});
    auto noCardNoPin = m_service->signIn({kId, kPassword, QString()});
    auto pinWithoutCard = m_service->signIn({kId, kPassword, QStringLiteral("1234")});
    ASSERT_FALSE(wrongPassword);
    ASSERT_FALSE(unknownId);
    ASSERT_FALSE(noCardNoPin);
    ASSERT_FALSE(pinWithoutCard);
    const QString idOrPassword = SignInService::userMessage(wrongPassword.error());
    EXPECT_EQ(SignInService::userMessage(unknownId.error()), idOrPassword)
        << "wrong password and unknown ID must look the same";

    const QList<std::pair<const char*, Error>> matrix = {
        {"wrong password or unknown ID", wrongPassword.error()},
        {"throttled", Error{ErrorCode::Throttled, QStringLiteral("8")}},
        {"locked", Error{ErrorCode::AccountLocked, QStringLiteral("locked")}},
        {"disabled", Error{ErrorCode::AccountDisabled, QStringLiteral("disabled")}},
        {"no card, no PIN", noCardNoPin.error()},
        {"PIN without card", pinWithoutCard.error()},
        {"no PIN", Error{ErrorCode::CardPinMissing, QStringLiteral("no PIN entered")}},
        {"wrong PIN", Error{ErrorCode::CardPinIncorrect, QStringLiteral("The PIN is not correct")}},
        {"PIN locked", Error{ErrorCode::CardPinLocked, QStringLiteral("locked")}},
        {"card of another account", Error{ErrorCode::CardNotBound, QStringLiteral("another")}},
        {"certificate expired", Error{ErrorCode::CertificateExpired, QStringLiteral("expired")}},
        {"certificate revoked", Error{ErrorCode::CertificateRevoked, QStringLiteral("revoked")}},
        {"certificate untrusted", Error{ErrorCode::CertificateUntrusted, QStringLiteral("untrusted")}},
        {"certificate invalid", Error{ErrorCode::CertificateInvalid, QStringLiteral("no auth certificate")}},
        {"proof of possession", Error{ErrorCode::ProofOfPossessionFailed, QStringLiteral("bad signature")}},
        {"password expired", Error{ErrorCode::PasswordExpired, QStringLiteral("password expired")}},
        {"password change required", Error{ErrorCode::PasswordChangeRequired, QStringLiteral("initial")}},
    };
    QHash<QString, QString> seen; // message -> case
    for (const auto& [name, error] : matrix) {
        const QString message = SignInService::userMessage(error);
        EXPECT_FALSE(message.isEmpty()) << name;
        EXPECT_FALSE(seen.contains(message))
            << name << " has the same message as " << seen.value(message).toStdString() << ": "
            << message.toStdString();
        seen.insert(message, QString::fromLatin1(name));
    }
}

TEST_F(SignInServiceTest, WrongPinMessageKeepsTheCardsLowCountWarning)
{
    // What SmartCard::login answers for a wrong PIN, without and with the card's warning flags.
    const QString base =
        QStringLiteral("The PIN is not correct for smart card \"dr.sato\": check it and try again.");
    const QString plain = SignInService::userMessage(Error{ErrorCode::CardPinIncorrect, base});
    const QString low = SignInService::userMessage(
        Error{ErrorCode::CardPinIncorrect, base + QLatin1Char(' ') + SmartCard::pinCountLowWarning()});
    const QString final = SignInService::userMessage(
        Error{ErrorCode::CardPinIncorrect, base + QLatin1Char(' ') + SmartCard::pinFinalTryWarning()});
    EXPECT_FALSE(plain.contains(QStringLiteral("Warning")));
    EXPECT_TRUE(low.startsWith(plain));
    EXPECT_TRUE(low.contains(QStringLiteral("few tries are left"))) << low.toStdString();
    EXPECT_TRUE(final.startsWith(plain));
    EXPECT_TRUE(final.contains(QStringLiteral("one more wrong PIN locks the card"))) << final.toStdString();
    EXPECT_NE(low, final);
}

} // namespace
} // namespace dokuei::security
