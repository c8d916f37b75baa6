#include "dokuei/security/AuditTrail.h"

#include "VaultTestSupport.h"
#include "dokuei/security/Vault.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <gtest/gtest.h>

namespace dokuei::security {
namespace {

using Kind = AuditTrail::Problem::Kind;

class AuditTrailTest : public ::testing::Test
{
protected:
    QTemporaryDir m_dir;
    QString m_path = m_dir.path() + QStringLiteral("/system.db");
    SecretKey m_key = SecretKey::random();
    std::unique_ptr<Vault> m_vault;

    void SetUp() override
    {
        auto vault = Vault::open(m_path, m_key);
        ASSERT_TRUE(vault) << vault.error().toString().toStdString();
        m_vault = std::move(*vault);
    }

    static AuditRecord login(const QString& user, const QString& session)
    {
        AuditRecord record;
        record.userId = user;
        record.role = QStringLiteral("radiologist");
        record.sessionId = session;
        record.event = AuditEventId::UserAuthentication;
        record.eventType = QStringLiteral("Login");
        return record;
    }

    /// Five plain records, sequences 1..5.
    void writeFive()
    {
        AuditTrail trail(*m_vault);
        for (int i = 1; i <= 5; ++i) {
            AuditRecord record = login(QStringLiteral("user%1").arg(i), QStringLiteral("s%1").arg(i));
            auto sequence = trail.record(record);
            ASSERT_TRUE(sequence) << sequence.error().toString().toStdString();
            ASSERT_EQ(*sequence, i);
        }
    }

    /// What someone holding the vault key can do: drop the append-only triggers.
    void dropTriggers()
    {
        ASSERT_TRUE(m_vault->exec(QStringLiteral("DROP TRIGGER audit_records_append_only_update; "
                                                 "DROP TRIGGER audit_records_append_only_delete;")));
    }

    AuditTrail::VerifyResult verifyUnaudited()
    {
        AuditTrail trail(*m_vault);
        auto result = trail.verify(AuditTrail::Usage::Unaudited);
        EXPECT_TRUE(result) << result.error().toString().toStdString();
        return result ? *result : AuditTrail::VerifyResult{};
    }

    static bool hasProblem(const AuditTrail::VerifyResult& result, Kind kind, qint64 sequence)
    {
        for (const auto& problem : result.problems) {
            if (problem.kind == kind && problem.sequence == sequence) {
                return true;
            }
        }
        return false;
    }

    static std::string describe(const AuditTrail::VerifyResult& result)
    {
        std::string text;
        for (const auto& problem : result.problems) {
            text += AuditTrail::problemKindName(problem.kind).toStdString() + "@" +
                    std::to_string(problem.sequence) + ": " + problem.explanation.toStdString() + "\n";
        }
        return text;
    }
};

TEST_F(AuditTrailTest, RecordAssignsSequenceTimesClockAndWorkstation)
{
    AuditTrail trail(*m_vault);
    auto first = trail.record(login(QStringLiteral("yamada"), QStringLiteral("s1")));
    ASSERT_TRUE(first) << first.error().toString().toStdString();
    EXPECT_EQ(*first, 1);
    AuditRecord access;
    access.userId = QStringLiteral("yamada");
    access.event = AuditEventId::InstancesAccessed;
    access.patientId = QStringLiteral("P001");
    access.studyUid = QStringLiteral("1.2.3");
    access.details = QStringLiteral("山田^太郎");
    auto second = trail.record(access);
    ASSERT_TRUE(second);
    EXPECT_EQ(*second, 2);
    auto records = trail.records(QDateTime::currentDateTimeUtc().addSecs(-60),
                                 QDateTime::currentDateTimeUtc().addSecs(60));
    ASSERT_TRUE(records);
    ASSERT_EQ(records->size(), 2);
    const AuditRecord& stored = records->at(1);
    EXPECT_EQ(stored.sequence, 2);
    EXPECT_TRUE(stored.utc.isValid());
    EXPECT_EQ(stored.utc.timeSpec(), Qt::UTC);
    EXPECT_FALSE(stored.localTime.isEmpty());
    EXPECT_TRUE(QDateTime::fromString(stored.localTime, Qt::ISODateWithMs).isValid())
        << stored.localTime.toStdString();
    EXPECT_TRUE(stored.clockSync == QStringLiteral("synchronised") ||
                stored.clockSync == QStringLiteral("unsynchronised") ||
                stored.clockSync == QStringLiteral("unknown"));
    EXPECT_FALSE(stored.workstation.isEmpty());
    EXPECT_EQ(stored.event, AuditEventId::InstancesAccessed);
    EXPECT_EQ(stored.patientId, QStringLiteral("P001"));
    EXPECT_EQ(stored.details, QStringLiteral("山田^太郎"));
    EXPECT_TRUE(QFile::exists(AuditTrail::headFilePath(m_path)));
}

TEST_F(AuditTrailTest, UnknownEventOrOutcomeIsRefused)
{
    AuditTrail trail(*m_vault);
    AuditRecord bad;
    bad.event = static_cast<AuditEventId>(4242);
    auto refused = trail.record(bad);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::InvalidArgument);
    AuditRecord badOutcome;
    badOutcome.outcome = static_cast<AuditOutcome>(3);
    EXPECT_FALSE(trail.record(badOutcome));
}

TEST_F(AuditTrailTest, UntouchedTrailVerifies)
{
    writeFive();
    const auto result = verifyUnaudited();
    EXPECT_TRUE(result.ok) << describe(result);
    EXPECT_EQ(result.recordsChecked, 5);
}

TEST_F(AuditTrailTest, EmptyTrailVerifies)
{
    const auto result = verifyUnaudited();
    EXPECT_TRUE(result.ok) << describe(result);
    EXPECT_EQ(result.recordsChecked, 0);
}

TEST_F(AuditTrailTest, RecordsAreAppendOnlyThroughSql)
{
    writeFive();
    EXPECT_FALSE(m_vault->exec(QStringLiteral("UPDATE audit_records SET details = 'x' WHERE sequence = 2")));
    EXPECT_FALSE(m_vault->exec(QStringLiteral("DELETE FROM audit_records WHERE sequence = 2")));
    EXPECT_FALSE(m_vault->exec(QStringLiteral("DELETE FROM audit_keys")));
    EXPECT_TRUE(verifyUnaudited().ok);
}

TEST_F(AuditTrailTest, DetectsAModifiedRecord)
{
    writeFive();
    dropTriggers();
    ASSERT_TRUE(
        m_vault->exec(QStringLiteral("UPDATE audit_records SET user_id = 'mallory' WHERE sequence = 3")));
    const auto result = verifyUnaudited();
    EXPECT_FALSE(result.ok);
    EXPECT_TRUE(hasProblem(result, Kind::Modified, 3)) << describe(result);
    EXPECT_EQ(result.problems.size(), 1) << describe(result);
}

TEST_F(AuditTrailTest, DetectsAModifiedFieldTypeAndRecomputedHash)
{
    writeFive();
    dropTriggers();
    // A different type in an integer column, and a hash recomputed without the HMAC key.
    ASSERT_TRUE(m_vault->exec(QStringLiteral("UPDATE audit_records SET event_id = 'x', hash = zeroblob(32) "
                                             "WHERE sequence = 2")));
    const auto result = verifyUnaudited();
    EXPECT_FALSE(result.ok);
    EXPECT_TRUE(hasProblem(result, Kind::Modified, 2)) << describe(result);
}

TEST_F(AuditTrailTest, DetectsADeletedRecord)
{
    writeFive();
    dropTriggers();
    ASSERT_TRUE(m_vault->exec(QStringLiteral("DELETE FROM audit_records WHERE sequence = 2")));
    const auto result = verifyUnaudited();
    EXPECT_FALSE(result.ok);
    EXPECT_TRUE(hasProblem(result, Kind::Deleted, 2)) << describe(result);
    EXPECT_EQ(result.problems.size(), 1) << describe(result);
}

TEST_F(AuditTrailTest, DetectsAnInsertedRecordAtTheEnd)
{
    writeFive();
    ASSERT_TRUE(m_vault->exec(QStringLiteral(
        "INSERT INTO audit_records SELECT 6, utc, local_time, clock_sync, 'mallory', role, card_fingerprint, "
        "workstation, session_id, event_id, event_type, outcome, patient_id, study_uid, details, emergency, "
        "hash, randomblob(32), randomblob(32) FROM audit_records WHERE sequence = 5")));
    const auto result = verifyUnaudited();
    EXPECT_FALSE(result.ok);
    EXPECT_TRUE(hasProblem(result, Kind::Inserted, 6)) << describe(result);
    EXPECT_EQ(result.problems.size(), 1) << describe(result);
}

TEST_F(AuditTrailTest, DetectsAnInsertedRecordInTheMiddle)
{
    writeFive();
    dropTriggers();
    ASSERT_TRUE(m_vault->exec(
        QStringLiteral("UPDATE audit_records SET sequence = sequence + 1000 WHERE sequence >= 3; "
                       "UPDATE audit_records SET sequence = sequence - 999 WHERE sequence >= 1000;")));
    ASSERT_TRUE(m_vault->exec(QStringLiteral(
        "INSERT INTO audit_records SELECT 3, utc, local_time, clock_sync, 'mallory', role, card_fingerprint, "
        "workstation, session_id, event_id, event_type, outcome, 'P999', study_uid, details, emergency, "
        "prev_hash, hash, hmac FROM audit_records WHERE sequence = 2")));
    const auto result = verifyUnaudited();
    EXPECT_FALSE(result.ok);
    EXPECT_TRUE(hasProblem(result, Kind::Inserted, 3)) << describe(result);
}

TEST_F(AuditTrailTest, DetectsAReplayedCopy)
{
    writeFive();
    ASSERT_TRUE(m_vault->exec(QStringLiteral(
        "INSERT INTO audit_records SELECT 6, utc, local_time, clock_sync, user_id, role, card_fingerprint, "
        "workstation, session_id, event_id, event_type, outcome, patient_id, study_uid, details, emergency, "
        "prev_hash, hash, hmac FROM audit_records WHERE sequence = 4")));
    const auto result = verifyUnaudited();
    EXPECT_FALSE(result.ok);
    EXPECT_TRUE(hasProblem(result, Kind::Inserted, 6)) << describe(result);
}

TEST_F(AuditTrailTest, DetectsReorderedRecords)
{
    writeFive();
    dropTriggers();
    ASSERT_TRUE(m_vault->exec(QStringLiteral("UPDATE audit_records SET sequence = -1 WHERE sequence = 3; "
                                             "UPDATE audit_records SET sequence = 3 WHERE sequence = 4; "
                                             "UPDATE audit_records SET sequence = 4 WHERE sequence = -1;")));
    const auto result = verifyUnaudited();
    EXPECT_FALSE(result.ok);
    EXPECT_TRUE(hasProblem(result, Kind::Reordered, 3)) << describe(result);
    EXPECT_TRUE(hasProblem(result, Kind::Reordered, 4)) << describe(result);
    EXPECT_EQ(result.problems.size(), 2) << describe(result);
}

TEST_F(AuditTrailTest, DetectsTruncatedTail)
{
    writeFive();
    dropTriggers();
    ASSERT_TRUE(m_vault->exec(QStringLiteral("DELETE FROM audit_records WHERE sequence >= 4")));
    const auto result = verifyUnaudited();
    EXPECT_FALSE(result.ok);
    EXPECT_TRUE(hasProblem(result, Kind::TruncatedTail, 4)) << describe(result);
}

TEST_F(AuditTrailTest, DetectsTruncatedTailEvenWhenTheVaultHeadIsRolledBack)
{
    writeFive();
    dropTriggers();
    // The attacker also removes the head row inside the vault: the head file still knows.
    ASSERT_TRUE(m_vault->exec(
        QStringLiteral("DELETE FROM audit_records WHERE sequence = 5; DELETE FROM audit_head")));
    const auto result = verifyUnaudited();
    EXPECT_FALSE(result.ok);
    EXPECT_TRUE(hasProblem(result, Kind::TruncatedTail, 5)) << describe(result);
}

TEST_F(AuditTrailTest, MissingOrForgedHeadFileIsReported)
{
    writeFive();
    const QString head = AuditTrail::headFilePath(m_path);
    const QByteArray original = testing::readAll(head);
    ASSERT_TRUE(QFile::remove(head));
    auto result = verifyUnaudited();
    EXPECT_FALSE(result.ok);
    EXPECT_FALSE(result.problems.isEmpty());
    EXPECT_EQ(result.problems.first().kind, Kind::TruncatedTail) << describe(result);
    QByteArray forged = original;
    forged.replace("dokuei-audit-head-v1 5", "dokuei-audit-head-v1 4");
    ASSERT_TRUE(testing::writeAll(head, forged));
    result = verifyUnaudited();
    EXPECT_FALSE(result.ok) << describe(result);
    ASSERT_TRUE(testing::writeAll(head, original));
    EXPECT_TRUE(verifyUnaudited().ok);
}

TEST_F(AuditTrailTest, SequencesAreNeverReusedAfterTruncation)
{
    writeFive();
    dropTriggers();
    ASSERT_TRUE(m_vault->exec(QStringLiteral("DELETE FROM audit_records WHERE sequence = 5")));
    AuditTrail trail(*m_vault);
    auto next = trail.record(login(QStringLiteral("x"), QStringLiteral("s")));
    ASSERT_TRUE(next);
    EXPECT_EQ(*next, 6);
    const auto result = verifyUnaudited();
    EXPECT_TRUE(hasProblem(result, Kind::Deleted, 5)) << describe(result);
}

TEST_F(AuditTrailTest, RolledBackRecordLeavesAConsistentTrail)
{
    writeFive();
    AuditTrail trail(*m_vault);
    auto rolledBack = m_vault->transaction([&]() -> Expected<void> {
        auto recorded = trail.record(login(QStringLiteral("ghost"), QStringLiteral("s9")));
        EXPECT_TRUE(recorded);
        return fail(ErrorCode::InvalidArgument, QStringLiteral("the surrounding operation failed"));
    });
    ASSERT_FALSE(rolledBack);
    const auto result = verifyUnaudited();
    EXPECT_TRUE(result.ok) << describe(result);
    EXPECT_EQ(result.recordsChecked, 5);
}

TEST_F(AuditTrailTest, VerifyIsItselfAudited)
{
    writeFive();
    AuditTrail trail(*m_vault);
    trail.setActor(QStringLiteral("auditor1"), QStringLiteral("auditor"));
    auto result = trail.verify();
    ASSERT_TRUE(result);
    EXPECT_TRUE(result->ok);
    auto records = trail.records(QDateTime::currentDateTimeUtc().addDays(-1),
                                 QDateTime::currentDateTimeUtc().addDays(1));
    ASSERT_TRUE(records);
    ASSERT_EQ(records->size(), 6);
    EXPECT_EQ(records->last().event, AuditEventId::AuditLogUsed);
    EXPECT_EQ(records->last().userId, QStringLiteral("auditor1"));
    EXPECT_EQ(records->last().eventType, QStringLiteral("Verify"));
}

TEST_F(AuditTrailTest, FailedVerifyRaisesASecurityAlert)
{
    writeFive();
    dropTriggers();
    ASSERT_TRUE(m_vault->exec(QStringLiteral("DELETE FROM audit_records WHERE sequence = 3")));
    AuditTrail trail(*m_vault);
    auto result = trail.verify();
    ASSERT_TRUE(result);
    EXPECT_FALSE(result->ok);
    auto records = trail.records(QDateTime::currentDateTimeUtc().addDays(-1),
                                 QDateTime::currentDateTimeUtc().addDays(1));
    ASSERT_TRUE(records);
    EXPECT_EQ(records->last().event, AuditEventId::SecurityAlert);
    EXPECT_TRUE(records->last().details.contains(QStringLiteral("Deleted at 3")));
}

class AuditReportTest : public AuditTrailTest
{
protected:
    QDateTime m_base = QDateTime(QDate(2025, 4, 1), QTime(0, 0), Qt::UTC);

    void script()
    {
        AuditTrail trail(*m_vault);
        auto at = [&](int minutes, AuditRecord record) {
            record.utc = m_base.addSecs(minutes * 60);
            auto recorded = trail.record(record);
            ASSERT_TRUE(recorded);
        };
        auto access = [](const QString& user, const QString& session, const QString& patient) {
            AuditRecord record;
            record.userId = user;
            record.sessionId = session;
            record.event = AuditEventId::InstancesAccessed;
            record.eventType = QStringLiteral("Open");
            record.patientId = patient;
            record.studyUid = QStringLiteral("1.2.392.1.") + patient;
            return record;
        };
        AuditRecord logout = login(QStringLiteral("sato"), QStringLiteral("A"));
        logout.eventType = QStringLiteral("Logout");
        at(60, login(QStringLiteral("sato"), QStringLiteral("A")));
        at(65, access(QStringLiteral("sato"), QStringLiteral("A"), QStringLiteral("P001")));
        at(70, access(QStringLiteral("sato"), QStringLiteral("A"), QStringLiteral("P002")));
        at(75, access(QStringLiteral("sato"), QStringLiteral("A"), QStringLiteral("P001")));
        at(90, logout); // 30 minutes
        at(100, login(QStringLiteral("suzuki"), QStringLiteral("B")));
        at(101, access(QStringLiteral("suzuki"), QStringLiteral("B"), QStringLiteral("P001")));
        AuditRecord logoutB = login(QStringLiteral("suzuki"), QStringLiteral("B"));
        logoutB.eventType = QStringLiteral("Logout");
        at(100 + 135, logoutB); // 2 h 15 min
        at(24 * 60 * 3,
           access(QStringLiteral("sato"), QStringLiteral("C"), QStringLiteral("P003"))); // outside
    }
};

TEST_F(AuditReportTest, ListsSessionsDurationsAndPerPatientCounts)
{
    script();
    AuditTrail trail(*m_vault);
    auto report = trail.report(m_base, m_base.addDays(1));
    ASSERT_TRUE(report) << report.error().toString().toStdString();
    const QString text = *report;
    EXPECT_TRUE(text.contains(QStringLiteral("Trail verification: OK"))) << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("Records in period: 8"))) << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("sato | A | "))) << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral(" | 0:30:00 | P001, P002"))) << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral(" | 2:15:00 | P001"))) << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("P001 | 3 | sato, suzuki"))) << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("P002 | 1 | sato"))) << text.toStdString();
    EXPECT_FALSE(text.contains(QStringLiteral("P003"))) << text.toStdString();
    // Chronological: sequence 1 is listed before 8.
    EXPECT_LT(text.indexOf(QStringLiteral("\n1 | ")), text.indexOf(QStringLiteral("\n8 | ")));
    // The report itself was audited.
    auto all = trail.records(m_base, QDateTime::currentDateTimeUtc().addDays(1));
    ASSERT_TRUE(all);
    EXPECT_EQ(all->last().event, AuditEventId::AuditLogUsed);
    EXPECT_EQ(all->last().eventType, QStringLiteral("Report"));
}

TEST_F(AuditReportTest, LockAndUnlockStayInsideTheirSessionAndEarlierSessionsStillListTheirPatients)
{
    {
        AuditTrail trail(*m_vault);
        auto at = [&](int minutes, AuditRecord record) {
            record.utc = m_base.addSecs(minutes * 60);
            ASSERT_TRUE(trail.record(record));
        };
        auto inSession = [](const QString& session, AuditEventId event, const QString& type) {
            AuditRecord record = login(QStringLiteral("sato"), session);
            record.event = event;
            record.eventType = type;
            return record;
        };
        // Session D began before the period: a study read and its logout are in it.
        AuditRecord readD =
            inSession(QStringLiteral("D"), AuditEventId::InstancesAccessed, QStringLiteral("Open"));
        readD.patientId = QStringLiteral("P010");
        at(30, readD);
        at(40, inSession(QStringLiteral("D"), AuditEventId::UserAuthentication, QStringLiteral("Logout")));
        // Session E: login, lock, a refused unlock, unlock (110114 from the sign-in service and 110100 from
        // the workstation), a study, logout.
        at(60, login(QStringLiteral("sato"), QStringLiteral("E")));
        at(61, inSession(QStringLiteral("E"), AuditEventId::ApplicationActivity, QStringLiteral("Lock")));
        AuditRecord refused =
            inSession(QStringLiteral("E"), AuditEventId::UserAuthentication, QStringLiteral("Failure"));
        refused.outcome = AuditOutcome::MinorFailure;
        at(62, refused);
        at(63, inSession(QStringLiteral("E"), AuditEventId::UserAuthentication, QStringLiteral("Unlock")));
        at(63, inSession(QStringLiteral("E"), AuditEventId::ApplicationActivity, QStringLiteral("Unlock")));
        AuditRecord readE =
            inSession(QStringLiteral("E"), AuditEventId::InstancesAccessed, QStringLiteral("Open"));
        readE.patientId = QStringLiteral("P011");
        at(70, readE);
        at(80, inSession(QStringLiteral("E"), AuditEventId::UserAuthentication, QStringLiteral("Logout")));
    }
    AuditTrail trail(*m_vault);
    auto report = trail.report(m_base.addSecs(20 * 60), m_base.addDays(1));
    ASSERT_TRUE(report) << report.error().toString().toStdString();
    const QString sessions = report->mid(report->indexOf(QStringLiteral("\nSessions\n")));
    EXPECT_EQ(sessions.count(QStringLiteral("sato | E | ")), 1) << sessions.toStdString();
    EXPECT_TRUE(sessions.contains(QStringLiteral(" | 0:20:00 | P011\n"))) << sessions.toStdString();
    EXPECT_TRUE(sessions.contains(QStringLiteral("sato | D | (before the period) | ")))
        << sessions.toStdString();
    EXPECT_TRUE(sessions.contains(QStringLiteral(" | - | P010\n"))) << sessions.toStdString();
    EXPECT_EQ(sessions.count(QStringLiteral("sato | ")), 2) << sessions.toStdString();
}

TEST_F(AuditReportTest, ExportIsMachineReadableJson)
{
    script();
    AuditTrail trail(*m_vault);
    auto json = trail.exportJson(m_base, m_base.addDays(1));
    ASSERT_TRUE(json);
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(*json, &error);
    ASSERT_EQ(error.error, QJsonParseError::NoError);
    const QJsonObject root = document.object();
    EXPECT_EQ(root.value(QStringLiteral("format")).toString(), QStringLiteral("dokuei-audit-export-v1"));
    EXPECT_TRUE(root.value(QStringLiteral("verification")).toObject().value(QStringLiteral("ok")).toBool());
    const QJsonArray records = root.value(QStringLiteral("records")).toArray();
    ASSERT_EQ(records.size(), 8);
    EXPECT_EQ(records.at(1).toObject().value(QStringLiteral("event_id")).toInt(), 110103);
    EXPECT_EQ(records.at(1).toObject().value(QStringLiteral("patient_id")).toString(),
              QStringLiteral("P001"));
    EXPECT_EQ(records.at(0).toObject().value(QStringLiteral("hash")).toString().size(), 64);
}

TEST_F(AuditReportTest, InvalidPeriodIsRefused)
{
    AuditTrail trail(*m_vault);
    auto records = trail.records(m_base.addDays(1), m_base);
    ASSERT_FALSE(records);
    EXPECT_EQ(records.error().code, ErrorCode::InvalidArgument);
}

} // namespace
} // namespace dokuei::security
