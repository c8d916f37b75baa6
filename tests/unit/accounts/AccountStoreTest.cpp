#include "dokuei/security/AccountStore.h"

#include "AccountsTestSupport.h"
#include "dokuei/security/AuditTrail.h"
#include "dokuei/security/SecretKey.h"
#include "dokuei/security/Vault.h"

#include <algorithm>
#include <iostream>
#include <limits>
#include <memory>

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QTemporaryDir>

#include <gtest/gtest.h>

namespace dokuei::security {
namespace {

using testing::FakeAuditSink;

const QString kActor = QStringLiteral("it-admin");
const QString kId = QStringLiteral("tanaka.h");
const QString kInitial = QStringLiteral("Kq7#vLm2xR");
const QString kOwn = QStringLiteral("hX9!rT4w-pQ");
const QString kWrong = QStringLiteral("Wrong#pass9");

/// Cheap Argon2id parameters: the suite verifies hundreds of passwords.
Argon2Params fastHash()
{
    return Argon2Params{1, 256, 1};
}

class AccountStoreTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(m_dir.isValid());
        reopen();
    }

    /// Closes and reopens the vault file and a new store on it: what a restart of the program does.
    void reopen(Argon2Params params = fastHash())
    {
        m_store.reset();
        m_vault.reset();
        auto vault = Vault::open(m_dir.filePath(QStringLiteral("system.db")), m_key);
        ASSERT_TRUE(vault) << vault.error().toString().toStdString();
        m_vault = std::move(*vault);
        m_store = std::make_unique<AccountStore>(*m_vault, m_audit, options(params));
    }

    AccountStoreOptions options(Argon2Params params = fastHash())
    {
        AccountStoreOptions result;
        result.hashParams = params;
        result.clock = [this] { return m_now; };
        return result;
    }

    void addTanaka(Role role = Role::Radiologist)
    {
        auto added = m_store->addUser(kId, QStringLiteral("田中 花子"), role, kInitial, kActor);
        ASSERT_TRUE(added) << added.error().toString().toStdString();
    }

    QTemporaryDir m_dir;
    SecretKey m_key = SecretKey::random();
    FakeAuditSink m_audit;
    QDateTime m_now = QDateTime(QDate(2025, 4, 1), QTime(9, 0), Qt::UTC);
    std::unique_ptr<Vault> m_vault;
    std::unique_ptr<AccountStore> m_store;
};

TEST_F(AccountStoreTest, NoAccountExistsUntilAnAdministratorAddsOne)
{
    auto accounts = m_store->list();
    ASSERT_TRUE(accounts) << accounts.error().toString().toStdString();
    EXPECT_TRUE(accounts->isEmpty());
    for (const auto& [id, password] : {std::pair{QStringLiteral("admin"), QStringLiteral("admin")},
                                       std::pair{QStringLiteral("root"), QStringLiteral("")},
                                       std::pair{QStringLiteral("dokuei"), QStringLiteral("dokuei")}}) {
        auto checked = m_store->checkPassword(id, password);
        ASSERT_FALSE(checked);
        EXPECT_EQ(checked.error().code, ErrorCode::AuthenticationFailed);
    }
    auto missing = m_store->get(kId);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, ErrorCode::NotFound);
    EXPECT_TRUE(missing.error().message.contains(kId));
}

TEST_F(AccountStoreTest, AddedUserMustChangeTheInitialPasswordAndTheAdditionIsAudited)
{
    addTanaka();
    auto account = m_store->get(QStringLiteral("Tanaka.H")); // IDs are case-insensitive
    ASSERT_TRUE(account);
    EXPECT_EQ(account->id, kId);
    EXPECT_EQ(account->displayName, QStringLiteral("田中 花子"));
    EXPECT_EQ(account->role, Role::Radiologist);
    EXPECT_TRUE(account->mustChangePassword);
    EXPECT_FALSE(account->disabled);
    EXPECT_FALSE(account->locked);
    EXPECT_EQ(account->createdAt, m_now);
    EXPECT_EQ(account->passwordChangedAt, m_now);
    EXPECT_TRUE(account->cardFingerprint.isEmpty());

    auto checked = m_store->checkPassword(kId, kInitial);
    ASSERT_TRUE(checked) << checked.error().toString().toStdString();
    EXPECT_EQ(checked->changeRequired, AccountStore::ChangeReason::Initial);

    ASSERT_EQ(m_audit.count(QStringLiteral("UserAdded")), 1);
    const AuditRecord& record = m_audit.records.first();
    EXPECT_EQ(record.userId, kActor);
    EXPECT_EQ(record.event, AuditEventId::SecurityAlert);
    EXPECT_TRUE(record.details.contains(kId));
    EXPECT_TRUE(record.details.contains(QStringLiteral("radiologist")));
    EXPECT_FALSE(record.details.contains(kInitial));
}

TEST_F(AccountStoreTest, AddUserRefusesBadInput)
{
    struct Case
    {
        QString id;
        QString name;
        QString password;
        ErrorCode code;
        QString says;
    };
    const QList<Case> cases = {
        {QStringLiteral("admin"), QStringLiteral("A"), kInitial, ErrorCode::InvalidArgument,
         QStringLiteral("shared")},
        {QStringLiteral("user01"), QStringLiteral("A"), kInitial, ErrorCode::InvalidArgument,
         QStringLiteral("shared")},
        {QStringLiteral("radiology-team"), QStringLiteral("A"), kInitial, ErrorCode::InvalidArgument,
         QStringLiteral("shared")},
        {QStringLiteral("x"), QStringLiteral("A"), kInitial, ErrorCode::InvalidArgument,
         QStringLiteral("3 to 32")},
        {QStringLiteral("1tanaka"), QStringLiteral("A"), kInitial, ErrorCode::InvalidArgument,
         QStringLiteral("starting with a letter")},
        {QStringLiteral("tanaka h"), QStringLiteral("A"), kInitial, ErrorCode::InvalidArgument,
         QStringLiteral("3 to 32")},
        {kId, QStringLiteral("  "), kInitial, ErrorCode::InvalidArgument, QStringLiteral("name")},
        {kId, QStringLiteral("Tanaka\nHanako"), kInitial, ErrorCode::InvalidArgument, QStringLiteral("name")},
        {kId, QStringLiteral("Tanaka"), QStringLiteral("Password1!"), ErrorCode::PasswordPolicyViolation,
         QStringLiteral("common")},
        {kId, QStringLiteral("Tanaka"), QStringLiteral("x#1tanaka.h"), ErrorCode::PasswordPolicyViolation,
         QStringLiteral("account ID")},
    };
    for (const Case& c : cases) {
        auto added = m_store->addUser(c.id, c.name, Role::Radiologist, c.password, kActor);
        ASSERT_FALSE(added) << c.id.toStdString();
        EXPECT_EQ(added.error().code, c.code) << added.error().toString().toStdString();
        EXPECT_TRUE(added.error().message.contains(c.says)) << added.error().toString().toStdString();
    }
    EXPECT_TRUE(m_store->list()->isEmpty());
    EXPECT_TRUE(m_audit.records.isEmpty());

    addTanaka();
    auto duplicate =
        m_store->addUser(QStringLiteral("TANAKA.H"), QStringLiteral("Other"), Role::Auditor, kOwn, kActor);
    ASSERT_FALSE(duplicate);
    EXPECT_TRUE(duplicate.error().message.contains(QStringLiteral("already exists")));
}

TEST_F(AccountStoreTest, GenericIdsAreRefusedButPersonalIdsContainingThemAreNot)
{
    for (const QString& id : AccountStore::genericAccountIds()) {
        if (id.size() < 3) {
            continue;
        }
        EXPECT_FALSE(AccountStore::validateAccountId(id)) << id.toStdString();
        EXPECT_FALSE(AccountStore::validateAccountId(id + QStringLiteral("2"))) << id.toStdString();
        EXPECT_FALSE(AccountStore::validateAccountId(id.toUpper() + QStringLiteral("_01")))
            << id.toStdString();
    }
    EXPECT_FALSE(AccountStore::validateAccountId(QStringLiteral("shared.reader")));
    EXPECT_EQ(AccountStore::validateAccountId(QStringLiteral("Tanaka.Radiology")),
              QStringLiteral("tanaka.radiology"));
    EXPECT_TRUE(AccountStore::validateAccountId(QStringLiteral("suzuki-k2")));
    EXPECT_TRUE(AccountStore::validateAccountId(QStringLiteral("administrator.sato")));
}

TEST_F(AccountStoreTest, UnknownIdAndWrongPasswordLookTheSameIncludingTiming)
{
    reopen(Argon2Params{1, 16384, 1}); // enough work per verification to measure
    addTanaka();
    auto wrong = m_store->checkPassword(kId, kWrong);
    auto unknown = m_store->checkPassword(QStringLiteral("suzuki.k"), kWrong);
    ASSERT_FALSE(wrong);
    ASSERT_FALSE(unknown);
    EXPECT_EQ(wrong.error().code, ErrorCode::AuthenticationFailed);
    EXPECT_EQ(unknown.error().code, wrong.error().code);
    EXPECT_EQ(unknown.error().message, wrong.error().message);

    // Both run one Argon2id verification with the same parameters: the unknown ID is not answered faster.
    auto fastest = [&](const QString& id) {
        qint64 best = std::numeric_limits<qint64>::max();
        for (int i = 0; i < 5; ++i) {
            QElapsedTimer timer;
            timer.start();
            (void)m_store->checkPassword(id, kWrong);
            best = std::min(best, timer.nsecsElapsed());
        }
        return best;
    };
    const qint64 known = fastest(kId);
    const qint64 unknownTime = fastest(QStringLiteral("suzuki.k"));
    EXPECT_GT(unknownTime, known / 2) << "unknown " << unknownTime << " ns, known " << known << " ns";
    EXPECT_LT(unknownTime, known * 2) << "unknown " << unknownTime << " ns, known " << known << " ns";
}

TEST_F(AccountStoreTest, DisabledAccountIsRefusedOnlyAfterTheRightPassword)
{
    addTanaka();
    ASSERT_TRUE(m_store->setDisabled(kId, true, kActor));
    EXPECT_TRUE(m_store->get(kId)->disabled);
    auto right = m_store->checkPassword(kId, kInitial);
    ASSERT_FALSE(right);
    EXPECT_EQ(right.error().code, ErrorCode::AccountDisabled);
    auto wrong = m_store->checkPassword(kId, kWrong);
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().code, ErrorCode::AuthenticationFailed);

    ASSERT_TRUE(m_store->setDisabled(kId, false, kActor));
    EXPECT_TRUE(m_store->checkPassword(kId, kInitial));
    EXPECT_EQ(m_audit.count(QStringLiteral("UserDisabled")), 1);
    EXPECT_EQ(m_audit.count(QStringLiteral("UserEnabled")), 1);

    auto unknown = m_store->setDisabled(QStringLiteral("nobody.here"), true, kActor);
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().code, ErrorCode::NotFound);
}

TEST_F(AccountStoreTest, RoleChangeIsStoredAndAudited)
{
    addTanaka();
    ASSERT_TRUE(m_store->setRole(kId, Role::SupervisingRadiologist, kActor));
    EXPECT_EQ(m_store->get(kId)->role, Role::SupervisingRadiologist);
    ASSERT_EQ(m_audit.count(QStringLiteral("RoleChanged")), 1);
    EXPECT_TRUE(
        m_audit.records.last().details.contains(QStringLiteral("radiologist -> supervising-radiologist")));
    EXPECT_EQ(m_store->setRole(QStringLiteral("ghost.x"), Role::Auditor, kActor).error().code,
              ErrorCode::NotFound);
}

TEST_F(AccountStoreTest, AChangeIsNotKeptWhenItCannotBeAudited)
{
    m_audit.failing = true;
    auto added = m_store->addUser(kId, QStringLiteral("Tanaka"), Role::Radiologist, kInitial, kActor);
    ASSERT_FALSE(added);
    EXPECT_EQ(added.error().code, ErrorCode::AuditTrailBroken);
    EXPECT_TRUE(m_store->list()->isEmpty());

    m_audit.failing = false;
    addTanaka();
    m_audit.failing = true;
    EXPECT_FALSE(m_store->setRole(kId, Role::Administrator, kActor));
    EXPECT_EQ(m_store->get(kId)->role, Role::Radiologist);
}

TEST_F(AccountStoreTest, AccountWithAWeakerOlderHashIsNotAnsweredFasterThanAnUnknownId)
{
    addTanaka();                       // hashed with t=1, m=256 KiB
    reopen(Argon2Params{1, 16384, 1}); // the current parameters are 64 times the memory
    auto fastest = [&](const QString& id) {
        qint64 best = std::numeric_limits<qint64>::max();
        for (int i = 0; i < 5; ++i) {
            QElapsedTimer timer;
            timer.start();
            auto checked = m_store->checkPassword(id, kWrong);
            best = std::min(best, timer.nsecsElapsed());
            EXPECT_EQ(checked.error().code, ErrorCode::AuthenticationFailed);
        }
        return best;
    };
    const qint64 weak = fastest(kId);
    const qint64 unknown = fastest(QStringLiteral("suzuki.k"));
    // The weak hash alone costs a small fraction of the decoy; with the equalising decoy verification the
    // known account takes at least about as long as the unknown ID.
    EXPECT_GT(weak, unknown * 3 / 4) << "weak-hash account " << weak << " ns, unknown ID " << unknown
                                     << " ns";
    std::cout << "[ timing ] weak-hash account " << weak / 1000 << " us, unknown ID " << unknown / 1000
              << " us\n";
}

TEST_F(AccountStoreTest, NormalisedPasswordFollowsTheFormOfTheStoredHash)
{
    const QString fullWidth = QStringLiteral("\u8aad\u5f71 \uFF30\uFF21\uFF33\uFF33 phrase \uFF19");
    const QString halfWidth = QStringLiteral("\u8aad\u5f71 PASS phrase 9");
    addTanaka(); // jp-mhlw-2fa: the password as typed
    EXPECT_EQ(*m_store->normalisedPassword(kId, fullWidth), fullWidth);
    SecurityPolicy policy;
    policy.profile = PasswordProfile::Nist80063b;
    ASSERT_TRUE(m_store->setPolicy(policy, kActor));
    EXPECT_EQ(*m_store->normalisedPassword(kId, fullWidth), fullWidth) << "the hash is still as typed";
    ASSERT_TRUE(m_store->changePassword(kId, kInitial, fullWidth));
    EXPECT_EQ(*m_store->normalisedPassword(kId, fullWidth), halfWidth) << "now hashed as NFKC";
    EXPECT_EQ(*m_store->normalisedPassword(kId, halfWidth), halfWidth);
    EXPECT_EQ(m_store->normalisedPassword(QStringLiteral("suzuki.k"), halfWidth).error().code,
              ErrorCode::NotFound);
}

TEST_F(AccountStoreTest, TwoHundredWrongPasswordsThrottleFromTheFifthLockAtTheTenthAndSurviveARestart)
{
    addTanaka();
    const qsizetype auditBefore = m_audit.records.size();
    QList<int> delayAfter; // delayAfter[n] = wait required after the n-th failure (index 0 unused)
    delayAfter.append(0);
    int lockedAt = 0;
    for (int attempt = 1; attempt <= 200; ++attempt) {
        auto wait = m_store->requiredDelaySeconds(kId);
        ASSERT_TRUE(wait);
        m_now = m_now.addSecs(*wait); // the sign-in service enforces the wait; here time simply passes
        auto checked = m_store->checkPassword(kId, QStringLiteral("Wrong#%1x").arg(attempt));
        ASSERT_FALSE(checked);
        EXPECT_EQ(checked.error().code, lockedAt ? ErrorCode::AccountLocked : ErrorCode::AuthenticationFailed)
            << "attempt " << attempt;
        auto recorded = m_store->recordFailure(kId, errorCodeName(checked.error().code));
        if (!recorded) {
            EXPECT_EQ(recorded.error().code, ErrorCode::AccountLocked);
            EXPECT_EQ(lockedAt, 0) << "AccountLocked only when this failure locked it";
            lockedAt = attempt;
        }
        delayAfter.append(*m_store->requiredDelaySeconds(kId));
    }
    EXPECT_EQ(lockedAt, 10);
    EXPECT_EQ(delayAfter.mid(1, 9), (QList<int>{0, 0, 0, 0, 1, 2, 4, 8, 16}));
    EXPECT_EQ(delayAfter.at(10), 0) << "locked: the lock answers, no wait";
    std::cout << "[ scenario ] delays after failures 1..10:";
    for (int n = 1; n <= 10; ++n) {
        std::cout << ' ' << delayAfter.at(n);
    }
    std::cout << "; locked at failure " << lockedAt << '\n';

    // Every failure audited, plus one security alert for the lock.
    EXPECT_EQ(m_audit.records.size() - auditBefore, 201);
    EXPECT_EQ(m_audit.count(QStringLiteral("FailureCounted")), 200);
    ASSERT_EQ(m_audit.count(QStringLiteral("AccountLocked")), 1);
    for (const AuditRecord& record : m_audit.records.mid(auditBefore)) {
        EXPECT_EQ(record.userId, kId);
        EXPECT_EQ(record.role, QStringLiteral("radiologist"));
        if (record.eventType == QStringLiteral("AccountLocked")) {
            EXPECT_EQ(record.event, AuditEventId::SecurityAlert);
            EXPECT_EQ(record.outcome, AuditOutcome::SeriousFailure);
        } else {
            EXPECT_EQ(record.event, AuditEventId::UserAuthentication);
            EXPECT_EQ(record.outcome, AuditOutcome::MinorFailure);
        }
    }
    EXPECT_TRUE(m_audit.records.at(auditBefore + 4).details.contains(QStringLiteral("after 1 s")));

    // Restart: a new vault connection and store see the same lock; even the right password is refused.
    reopen();
    auto account = m_store->get(kId);
    ASSERT_TRUE(account);
    EXPECT_TRUE(account->locked);
    EXPECT_EQ(account->consecutiveFailures, 200);
    auto right = m_store->checkPassword(kId, kInitial);
    ASSERT_FALSE(right);
    EXPECT_EQ(right.error().code, ErrorCode::AccountLocked);
    EXPECT_TRUE(right.error().message.contains(QStringLiteral("administrator")));

    // Only an administrator unlocks; then the right password works again and the count starts over.
    ASSERT_TRUE(m_store->unlock(kId, kActor));
    EXPECT_EQ(m_audit.count(QStringLiteral("UserUnlocked")), 1);
    EXPECT_FALSE(m_store->get(kId)->locked);
    EXPECT_EQ(m_store->get(kId)->consecutiveFailures, 0);
    EXPECT_EQ(*m_store->requiredDelaySeconds(kId), 0);
    EXPECT_TRUE(m_store->checkPassword(kId, kInitial));
}

TEST_F(AccountStoreTest, TwoHundredWrongPasswordsWithTheRealAuditTrail)
{
    // The same scenario with the tamper-evident trail on the same vault instead of the fake sink.
    AuditTrail trail(*m_vault);
    auto store = std::make_unique<AccountStore>(*m_vault, trail, options());
    ASSERT_TRUE(store->addUser(kId, QStringLiteral("Tanaka"), Role::Radiologist, kInitial, kActor));
    int lockedAt = 0;
    for (int attempt = 1; attempt <= 200; ++attempt) {
        m_now = m_now.addSecs(*store->requiredDelaySeconds(kId));
        auto checked = store->checkPassword(kId, kWrong);
        ASSERT_FALSE(checked);
        if (auto recorded = store->recordFailure(kId, errorCodeName(checked.error().code)); !recorded) {
            ASSERT_EQ(recorded.error().code, ErrorCode::AccountLocked);
            lockedAt = attempt;
        }
    }
    EXPECT_EQ(lockedAt, 10);
    auto records = trail.records(QDateTime::currentDateTimeUtc().addDays(-1),
                                 QDateTime::currentDateTimeUtc().addDays(1));
    ASSERT_TRUE(records) << records.error().toString().toStdString();
    const auto counted = std::count_if(records->begin(), records->end(), [](const AuditRecord& r) {
        return r.eventType == QStringLiteral("FailureCounted") && r.userId == kId &&
               r.event == AuditEventId::UserAuthentication;
    });
    const auto locks = std::count_if(records->begin(), records->end(), [](const AuditRecord& r) {
        return r.eventType == QStringLiteral("AccountLocked") && r.event == AuditEventId::SecurityAlert;
    });
    EXPECT_EQ(counted, 200);
    EXPECT_EQ(locks, 1);
    std::cout << "[ scenario ] real audit trail: " << counted << " failure records, " << locks
              << " lock alert, " << records->size() << " records in total\n";
    auto verified = trail.verify(AuditTrail::Usage::Unaudited);
    ASSERT_TRUE(verified);
    EXPECT_TRUE(verified->ok);

    store.reset();
    reopen();
    EXPECT_TRUE(m_store->get(kId)->locked);
    EXPECT_EQ(m_store->checkPassword(kId, kInitial).error().code, ErrorCode::AccountLocked);
}

TEST_F(AccountStoreTest, UnknownIdsAreThrottledAndLockedTheSameWayFromOutside)
{
    addTanaka();
    const QString ghost = QStringLiteral("suzuki.k");
    QList<int> knownDelays;
    QList<int> ghostDelays;
    int knownLock = 0;
    int ghostLock = 0;
    for (int attempt = 1; attempt <= 12; ++attempt) {
        auto known = m_store->checkPassword(kId, kWrong);
        auto unknown = m_store->checkPassword(ghost, kWrong);
        ASSERT_FALSE(known);
        ASSERT_FALSE(unknown);
        EXPECT_EQ(known.error().code, unknown.error().code) << attempt;
        EXPECT_EQ(known.error().message, unknown.error().message) << attempt;
        if (!m_store->recordFailure(kId, QStringLiteral("AuthenticationFailed"))) {
            knownLock = attempt;
        }
        if (!m_store->recordFailure(ghost, QStringLiteral("AuthenticationFailed"))) {
            ghostLock = attempt;
        }
        knownDelays.append(*m_store->requiredDelaySeconds(kId));
        ghostDelays.append(*m_store->requiredDelaySeconds(ghost));
    }
    EXPECT_EQ(knownDelays, ghostDelays);
    EXPECT_EQ(knownLock, 10);
    EXPECT_EQ(ghostLock, 10);
    EXPECT_EQ(m_audit.count(QStringLiteral("AccountLocked")), 2);
    // Unknown IDs never appear as accounts.
    EXPECT_EQ(m_store->list()->size(), 1);

    // Counts for an ID that did not exist do not follow a person who later gets that ID.
    ASSERT_TRUE(m_store->addUser(ghost, QStringLiteral("Suzuki"), Role::Radiologist, kOwn, kActor));
    EXPECT_TRUE(m_store->checkPassword(ghost, kOwn));
    EXPECT_EQ(*m_store->requiredDelaySeconds(ghost), 0);
}

TEST_F(AccountStoreTest, DelayCountsDownWithTheClockAndSuccessResetsTheCount)
{
    addTanaka();
    for (int i = 0; i < 7; ++i) {
        ASSERT_TRUE(m_store->recordFailure(kId, QStringLiteral("AuthenticationFailed")));
    }
    EXPECT_EQ(*m_store->requiredDelaySeconds(kId), 4);
    m_now = m_now.addMSecs(1500);
    EXPECT_EQ(*m_store->requiredDelaySeconds(kId), 3);
    reopen(); // persisted, not in memory
    EXPECT_EQ(*m_store->requiredDelaySeconds(kId), 3);
    m_now = m_now.addSecs(3);
    EXPECT_EQ(*m_store->requiredDelaySeconds(kId), 0);
    // A clock set back does not shorten the wait.
    m_now = m_now.addSecs(-3600);
    EXPECT_EQ(*m_store->requiredDelaySeconds(kId), 4);
    m_now = m_now.addSecs(3600);

    ASSERT_TRUE(m_store->recordSuccess(kId));
    EXPECT_EQ(m_store->get(kId)->consecutiveFailures, 0);
    EXPECT_FALSE(m_store->get(kId)->lastFailureAt.isValid());
    ASSERT_TRUE(m_store->recordFailure(kId, QStringLiteral("CardPinIncorrect")));
    EXPECT_EQ(m_store->get(kId)->consecutiveFailures, 1);
    EXPECT_TRUE(m_audit.records.last().details.contains(QStringLiteral("CardPinIncorrect")));
}

TEST_F(AccountStoreTest, ThrottleAndLockFollowThePolicy)
{
    addTanaka();
    SecurityPolicy policy;
    policy.throttleFromFailure = 2;
    policy.lockAtFailure = 3;
    policy.maxDelaySeconds = 5;
    ASSERT_TRUE(m_store->setPolicy(policy, kActor));
    ASSERT_TRUE(m_store->recordFailure(kId, {}));
    EXPECT_EQ(*m_store->requiredDelaySeconds(kId), 0);
    ASSERT_TRUE(m_store->recordFailure(kId, {}));
    EXPECT_EQ(*m_store->requiredDelaySeconds(kId), 1);
    auto third = m_store->recordFailure(kId, {});
    ASSERT_FALSE(third);
    EXPECT_EQ(third.error().code, ErrorCode::AccountLocked);
    EXPECT_TRUE(m_store->get(kId)->locked);
}

TEST_F(AccountStoreTest, PasswordResetNeedsAnIdentityCheckRecordAndForcesAChange)
{
    addTanaka();
    for (int i = 0; i < 10; ++i) {
        (void)m_store->recordFailure(kId, QStringLiteral("AuthenticationFailed"));
    }
    ASSERT_TRUE(m_store->get(kId)->locked);
    const QString newPassword = QStringLiteral("Zt5%nBq8wE");
    for (const QString& record : {QString(), QStringLiteral("ok"), QStringLiteral("   checked  ")}) {
        auto reset = m_store->resetPassword(kId, newPassword, record, kActor);
        ASSERT_FALSE(reset);
        EXPECT_EQ(reset.error().code, ErrorCode::InvalidArgument);
        EXPECT_TRUE(reset.error().message.contains(QStringLiteral("identity")));
    }
    auto weak = m_store->resetPassword(kId, QStringLiteral("abc"), QStringLiteral("in person, staff ID 4711"),
                                       kActor);
    ASSERT_FALSE(weak);
    EXPECT_EQ(weak.error().code, ErrorCode::PasswordPolicyViolation);
    EXPECT_EQ(m_audit.count(QStringLiteral("PasswordReset")), 0);

    const QString record =
        QStringLiteral("in person at the reading centre, staff ID card 4711 checked by Sato");
    ASSERT_TRUE(m_store->resetPassword(kId, newPassword, record, kActor));
    ASSERT_EQ(m_audit.count(QStringLiteral("PasswordReset")), 1);
    const AuditRecord& audit = m_audit.records.last();
    EXPECT_EQ(audit.userId, kActor);
    EXPECT_TRUE(audit.details.contains(record));
    EXPECT_TRUE(audit.details.contains(kId));
    EXPECT_FALSE(audit.details.contains(newPassword));

    auto account = m_store->get(kId);
    EXPECT_TRUE(account->mustChangePassword);
    EXPECT_FALSE(account->locked);
    EXPECT_EQ(account->consecutiveFailures, 0);
    EXPECT_EQ(m_store->checkPassword(kId, kInitial).error().code, ErrorCode::AuthenticationFailed);
    auto checked = m_store->checkPassword(kId, newPassword);
    ASSERT_TRUE(checked);
    EXPECT_EQ(checked->changeRequired, AccountStore::ChangeReason::Initial);
    EXPECT_EQ(m_store->resetPassword(QStringLiteral("ghost.x"), newPassword, record, kActor).error().code,
              ErrorCode::NotFound);
}

TEST_F(AccountStoreTest, ChangePasswordChecksTheOldOneThePolicyAndClearsMustChange)
{
    addTanaka();
    EXPECT_EQ(m_store->changePassword(kId, kWrong, kOwn).error().code, ErrorCode::AuthenticationFailed);
    EXPECT_EQ(m_store->changePassword(kId, kInitial, kInitial).error().code,
              ErrorCode::PasswordPolicyViolation);
    EXPECT_EQ(m_store->changePassword(kId, kInitial, QStringLiteral("Password1!")).error().code,
              ErrorCode::PasswordPolicyViolation);
    EXPECT_EQ(m_store->changePassword(kId, kInitial, QStringLiteral("tanaka.h#77")).error().code,
              ErrorCode::PasswordPolicyViolation);
    EXPECT_TRUE(m_store->get(kId)->mustChangePassword);

    m_now = m_now.addDays(3);
    ASSERT_TRUE(m_store->changePassword(kId, kInitial, kOwn));
    auto account = m_store->get(kId);
    EXPECT_FALSE(account->mustChangePassword);
    EXPECT_EQ(account->passwordChangedAt, m_now);
    auto checked = m_store->checkPassword(kId, kOwn);
    ASSERT_TRUE(checked);
    EXPECT_EQ(checked->changeRequired, AccountStore::ChangeReason::None);
    EXPECT_FALSE(m_store->checkPassword(kId, kInitial));
    ASSERT_EQ(m_audit.count(QStringLiteral("PasswordChanged")), 1);
    EXPECT_EQ(m_audit.records.last().userId, kId);
}

TEST_F(AccountStoreTest, WeakerStoredHashIsUpgradedAtTheNextSuccessfulSignIn)
{
    addTanaka(); // hashed with t=1, m=256 KiB
    reopen(Argon2Params{2, 512, 1});
    EXPECT_EQ(m_store->checkPassword(kId, kWrong).error().code, ErrorCode::AuthenticationFailed);
    auto first = m_store->checkPassword(kId, kInitial);
    ASSERT_TRUE(first);
    EXPECT_TRUE(first->rehashed);
    auto second = m_store->checkPassword(kId, kInitial);
    ASSERT_TRUE(second);
    EXPECT_FALSE(second->rehashed) << "already at the current parameters";
    // A store with the old, weaker parameters still verifies (parameters travel with the hash) and does
    // not downgrade it.
    reopen(fastHash());
    auto third = m_store->checkPassword(kId, kInitial);
    ASSERT_TRUE(third);
    EXPECT_FALSE(third->rehashed);
}

TEST_F(AccountStoreTest, LegacyProfileExpiresPasswordsOthersNever)
{
    addTanaka();
    ASSERT_TRUE(m_store->changePassword(kId, kInitial, kOwn));
    m_now = m_now.addDays(61);
    auto policy = m_store->policy();
    ASSERT_TRUE(policy);
    EXPECT_FALSE(m_store->passwordExpired(*m_store->get(kId), *policy)) << "jp-mhlw-2fa has no expiry";
    EXPECT_EQ(m_store->checkPassword(kId, kOwn)->changeRequired, AccountStore::ChangeReason::None);

    policy->profile = PasswordProfile::JpMhlwLegacy;
    ASSERT_TRUE(m_store->setPolicy(*policy, kActor));
    EXPECT_TRUE(m_store->passwordExpired(*m_store->get(kId), *policy));
    EXPECT_EQ(m_store->checkPassword(kId, kOwn)->changeRequired, AccountStore::ChangeReason::Expired);

    policy->passwordMaxAgeDays = 30;
    m_now = m_now.addDays(-61 + 29);
    EXPECT_FALSE(m_store->passwordExpired(*m_store->get(kId), *policy));
    m_now = m_now.addDays(1);
    EXPECT_TRUE(m_store->passwordExpired(*m_store->get(kId), *policy));
}

TEST_F(AccountStoreTest, NistProfileHashesTheNfkcFormAndKeepsVerifyingAfterAProfileSwitch)
{
    SecurityPolicy policy;
    policy.profile = PasswordProfile::Nist80063b;
    ASSERT_TRUE(m_store->setPolicy(policy, kActor));
    // 読影 ＰＡＳＳ phrase ９ (full-width letters and digit)
    const QString typedFullWidth = QStringLiteral("\u8aad\u5f71 \uFF30\uFF21\uFF33\uFF33 phrase \uFF19");
    const QString typedHalfWidth = QStringLiteral("\u8aad\u5f71 PASS phrase 9");
    ASSERT_TRUE(m_store->addUser(kId, QStringLiteral("Tanaka"), Role::Radiologist, typedFullWidth, kActor));
    EXPECT_TRUE(m_store->checkPassword(kId, typedHalfWidth)) << "NFKC makes both forms the same password";
    EXPECT_TRUE(m_store->checkPassword(kId, typedFullWidth));

    policy.profile = PasswordProfile::JpMhlw2fa;
    ASSERT_TRUE(m_store->setPolicy(policy, kActor));
    EXPECT_TRUE(m_store->checkPassword(kId, typedFullWidth)) << "the stored hash remembers its normalisation";
}

TEST_F(AccountStoreTest, PolicyDefaultsPersistsAndAuditsEachChange)
{
    auto initial = m_store->policy();
    ASSERT_TRUE(initial);
    EXPECT_EQ(*initial, SecurityPolicy{});

    SecurityPolicy changed;
    changed.idleLockMinutes = 5;
    changed.profile = PasswordProfile::JpMhlwLegacy;
    ASSERT_TRUE(m_store->setPolicy(changed, kActor));
    ASSERT_EQ(m_audit.count(QStringLiteral("PolicyChanged")), 1);
    EXPECT_TRUE(m_audit.records.last().details.contains(QStringLiteral("idle-lock-minutes: 10 -> 5")));
    EXPECT_TRUE(
        m_audit.records.last().details.contains(QStringLiteral("profile: jp-mhlw-2fa -> jp-mhlw-legacy")));
    ASSERT_TRUE(m_store->setPolicy(changed, kActor));
    EXPECT_EQ(m_audit.count(QStringLiteral("PolicyChanged")), 1) << "no change, no record";

    reopen();
    EXPECT_EQ(*m_store->policy(), changed);

    SecurityPolicy invalid = changed;
    invalid.idleLockMinutes = 0;
    auto refused = m_store->setPolicy(invalid, kActor);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::ConfigurationInvalid);
    EXPECT_EQ(*m_store->policy(), changed);
}

TEST_F(AccountStoreTest, BindCardStoresFingerprintSubjectAndSerialAndRefusesNonCertificates)
{
    addTanaka();
    const QByteArray pem = testing::makeCertificatePem(m_dir.path(), QStringLiteral("Tanaka Hanako"));
    ASSERT_FALSE(pem.isEmpty());
    const QByteArray der = testing::pemToDer(pem);
    ASSERT_FALSE(der.isEmpty());
    ASSERT_TRUE(m_store->bindCard(kId, der, kActor));
    auto account = m_store->get(kId);
    EXPECT_EQ(account->cardFingerprint,
              QString::fromLatin1(QCryptographicHash::hash(der, QCryptographicHash::Sha256).toHex()));
    EXPECT_TRUE(account->cardSubject.contains(QStringLiteral("CN=Tanaka Hanako")));
    EXPECT_FALSE(account->cardSerial.isEmpty());
    ASSERT_EQ(m_audit.count(QStringLiteral("CardBound")), 1);
    EXPECT_TRUE(m_audit.records.last().details.contains(account->cardFingerprint));

    // PEM works too; binding the same card to a second person is refused.
    ASSERT_TRUE(m_store->addUser(QStringLiteral("suzuki.k"), QStringLiteral("Suzuki"), Role::Radiologist,
                                 kOwn, kActor));
    auto twice = m_store->bindCard(QStringLiteral("suzuki.k"), pem, kActor);
    ASSERT_FALSE(twice);
    EXPECT_TRUE(twice.error().message.contains(kId));
    EXPECT_TRUE(m_store->get(QStringLiteral("suzuki.k"))->cardFingerprint.isEmpty());

    // A PEM block of the wrong kind (built at run time: no key-shaped text in the repository).
    const QByteArray label = QByteArray("PRIVATE") + QByteArray(" KEY");
    const QByteArray wrongPem = "-----BEGIN " + label + "-----\nAAAA\n-----END " + label + "-----\n";
    for (const QByteArray& garbage :
         {QByteArray(), QByteArray("not a certificate"), der.left(der.size() / 2), wrongPem}) {
        auto bound = m_store->bindCard(kId, garbage, kActor);
        ASSERT_FALSE(bound);
        EXPECT_EQ(bound.error().code, ErrorCode::CertificateInvalid);
    }
    EXPECT_EQ(m_store->get(kId)->cardFingerprint, account->cardFingerprint);
}

} // namespace
} // namespace dokuei::security
