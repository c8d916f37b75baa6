// dokuei-admin audit ... / vault ... run as a separate process against a temporary DOKUEI_HOME.
#include "VaultTestSupport.h"
#include "dokuei/security/AuditTrail.h"
#include "dokuei/security/SystemVault.h"
#include "dokuei/security/Vault.h"

#include <QDate>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <gtest/gtest.h>

namespace dokuei::security {
namespace {

struct CliRun
{
    int exitCode = -1;
    QString out;
    QString err;
};

class AdminVaultCliTest : public ::testing::Test
{
protected:
    QTemporaryDir m_dir;
    WorkstationPaths m_paths = testing::pathsIn(m_dir);

    CliRun run(const QStringList& arguments, const QByteArray& input = {})
    {
        QProcess process;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("DOKUEI_HOME"), m_paths.dataDir);
        environment.insert(QStringLiteral("DOKUEI_SYSCONFDIR"), m_paths.systemDir);
        process.setProcessEnvironment(environment);
        process.start(qEnvironmentVariable("DOKUEI_BINARY_DIR") + QStringLiteral("/bin/dokuei-admin"),
                      arguments);
        process.write(input);
        process.closeWriteChannel();
        process.waitForFinished(120000);
        return CliRun{process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
                      QString::fromUtf8(process.readAllStandardOutput()),
                      QString::fromUtf8(process.readAllStandardError())};
    }

    void seedTrail()
    {
        auto vault = openSystemVault(m_paths);
        ASSERT_TRUE(vault) << vault.error().toString().toStdString();
        AuditTrail trail(**vault);
        AuditRecord login;
        login.userId = QStringLiteral("sato");
        login.sessionId = QStringLiteral("S1");
        login.event = AuditEventId::UserAuthentication;
        login.eventType = QStringLiteral("Login");
        ASSERT_TRUE(trail.record(login));
        AuditRecord access = login;
        access.event = AuditEventId::InstancesAccessed;
        access.eventType = QStringLiteral("Open");
        access.patientId = QStringLiteral("P042");
        ASSERT_TRUE(trail.record(access));
        AuditRecord logout = login;
        logout.eventType = QStringLiteral("Logout");
        ASSERT_TRUE(trail.record(logout));
    }
};

TEST_F(AdminVaultCliTest, AuditVerifyPassesThenDetectsTampering)
{
    seedTrail();
    CliRun intact = run({QStringLiteral("audit"), QStringLiteral("verify")});
    EXPECT_EQ(intact.exitCode, 0) << intact.err.toStdString();
    EXPECT_TRUE(intact.out.contains(QStringLiteral("intact"))) << intact.out.toStdString();
    {
        auto vault = openSystemVault(m_paths);
        ASSERT_TRUE(vault);
        ASSERT_TRUE((*vault)->exec(
            QStringLiteral("DROP TRIGGER audit_records_append_only_update; "
                           "UPDATE audit_records SET patient_id = 'P000' WHERE sequence = 2")));
    }
    CliRun broken = run({QStringLiteral("audit"), QStringLiteral("verify")});
    EXPECT_EQ(broken.exitCode, 1);
    EXPECT_TRUE(broken.out.contains(QStringLiteral("Modified at sequence 2"))) << broken.out.toStdString();
}

TEST_F(AdminVaultCliTest, AuditVerifyNamesADeletedRecord)
{
    seedTrail();
    {
        auto vault = openSystemVault(m_paths);
        ASSERT_TRUE(vault);
        ASSERT_TRUE((*vault)->exec(QStringLiteral("DROP TRIGGER audit_records_append_only_delete; "
                                                  "DELETE FROM audit_records WHERE sequence = 2")));
    }
    CliRun broken = run({QStringLiteral("audit"), QStringLiteral("verify")});
    EXPECT_EQ(broken.exitCode, 1) << broken.err.toStdString();
    EXPECT_TRUE(broken.out.contains(QStringLiteral("Deleted at sequence 2"))) << broken.out.toStdString();
    EXPECT_TRUE(broken.out.contains(QStringLiteral("NOT intact"))) << broken.out.toStdString();
}

TEST_F(AdminVaultCliTest, AuditVerifyNamesAnInsertedRecord)
{
    seedTrail();
    {
        auto vault = openSystemVault(m_paths);
        ASSERT_TRUE(vault);
        // A forged record after the last one (no HMAC key: random hash and HMAC).
        ASSERT_TRUE((*vault)->exec(QStringLiteral(
            "INSERT INTO audit_records SELECT 4, utc, local_time, clock_sync, 'mallory', role, "
            "card_fingerprint, workstation, session_id, event_id, event_type, outcome, patient_id, "
            "study_uid, "
            "details, emergency, hash, randomblob(32), randomblob(32) FROM audit_records WHERE sequence = "
            "3")));
    }
    CliRun broken = run({QStringLiteral("audit"), QStringLiteral("verify")});
    EXPECT_EQ(broken.exitCode, 1) << broken.err.toStdString();
    EXPECT_TRUE(broken.out.contains(QStringLiteral("Inserted at sequence 4"))) << broken.out.toStdString();
}

TEST_F(AdminVaultCliTest, AuditVerifyNamesReorderedRecords)
{
    seedTrail();
    {
        auto vault = openSystemVault(m_paths);
        ASSERT_TRUE(vault);
        ASSERT_TRUE(
            (*vault)->exec(QStringLiteral("DROP TRIGGER audit_records_append_only_update; "
                                          "UPDATE audit_records SET sequence = -1 WHERE sequence = 2; "
                                          "UPDATE audit_records SET sequence = 2 WHERE sequence = 3; "
                                          "UPDATE audit_records SET sequence = 3 WHERE sequence = -1;")));
    }
    CliRun broken = run({QStringLiteral("audit"), QStringLiteral("verify")});
    EXPECT_EQ(broken.exitCode, 1) << broken.err.toStdString();
    EXPECT_TRUE(broken.out.contains(QStringLiteral("Reordered at sequence 2"))) << broken.out.toStdString();
    EXPECT_TRUE(broken.out.contains(QStringLiteral("Reordered at sequence 3"))) << broken.out.toStdString();
}

TEST_F(AdminVaultCliTest, AuditReportAndExport)
{
    seedTrail();
    const QString today = QDate::currentDate().toString(Qt::ISODate);
    CliRun report = run({QStringLiteral("audit"), QStringLiteral("report"), QStringLiteral("--from"), today,
                         QStringLiteral("--to"), today});
    ASSERT_EQ(report.exitCode, 0) << report.err.toStdString();
    EXPECT_TRUE(report.out.contains(QStringLiteral("P042 | 1 | sato"))) << report.out.toStdString();
    EXPECT_TRUE(report.out.contains(QStringLiteral("sato | S1 | "))) << report.out.toStdString();
    const QString out = m_dir.path() + QStringLiteral("/export.json");
    CliRun exported = run({QStringLiteral("audit"), QStringLiteral("export"), QStringLiteral("--from"), today,
                           QStringLiteral("--to"), today, QStringLiteral("--out"), out});
    ASSERT_EQ(exported.exitCode, 0) << exported.err.toStdString();
    const QJsonObject root = QJsonDocument::fromJson(testing::readAll(out)).object();
    EXPECT_EQ(root.value(QStringLiteral("format")).toString(), QStringLiteral("dokuei-audit-export-v1"));
    EXPECT_EQ(run({QStringLiteral("audit"), QStringLiteral("report"), QStringLiteral("--from"),
                   QStringLiteral("tomorrow")})
                  .exitCode,
              2);
}

TEST_F(AdminVaultCliTest, VaultBackupAndRestoreAreAudited)
{
    seedTrail();
    const QString file = m_dir.path() + QStringLiteral("/vault.dkb");
    EXPECT_EQ(
        run({QStringLiteral("vault"), QStringLiteral("backup"), file}, "passphrase one!!\npassphrase two!!\n")
            .exitCode,
        1);
    CliRun backup = run({QStringLiteral("vault"), QStringLiteral("backup"), file},
                        "passphrase one!!\npassphrase one!!\n");
    ASSERT_EQ(backup.exitCode, 0) << backup.err.toStdString();
    CliRun refused = run({QStringLiteral("vault"), QStringLiteral("restore"), file}, "not the passphrase\n");
    EXPECT_EQ(refused.exitCode, 1);
    EXPECT_TRUE(refused.err.contains(QStringLiteral("BackupInvalid"))) << refused.err.toStdString();
    CliRun restored = run({QStringLiteral("vault"), QStringLiteral("restore"), file}, "passphrase one!!\n");
    ASSERT_EQ(restored.exitCode, 0) << restored.err.toStdString();
    auto vault = openSystemVault(m_paths);
    ASSERT_TRUE(vault);
    AuditTrail trail(**vault);
    auto records = trail.records(QDateTime::currentDateTimeUtc().addDays(-1),
                                 QDateTime::currentDateTimeUtc().addDays(1));
    ASSERT_TRUE(records);
    ASSERT_FALSE(records->isEmpty());
    EXPECT_EQ(records->last().eventType, QStringLiteral("VaultRestore"));
    auto verified = trail.verify(AuditTrail::Usage::Unaudited);
    ASSERT_TRUE(verified);
    EXPECT_TRUE(verified->ok);
}

} // namespace
} // namespace dokuei::security
