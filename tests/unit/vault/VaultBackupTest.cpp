#include "dokuei/security/VaultBackup.h"

#include "VaultTestSupport.h"
#include "dokuei/security/AuditTrail.h"
#include "dokuei/security/SystemVault.h"
#include "dokuei/security/UserKeyring.h"
#include "dokuei/security/Vault.h"
#include "dokuei/security/WorkstationKey.h"

#include <QDir>
#include <QTemporaryDir>

#include <gtest/gtest.h>

namespace dokuei::security {
namespace {

using testing::fastArgon2;
using testing::pathsIn;
using testing::readAll;
using testing::writeAll;

const QByteArray kPassphrase("backup passphrase 2025");
const QString kPatient = QStringLiteral("鈴木^花子");

class VaultBackupTest : public ::testing::Test
{
protected:
    QTemporaryDir m_dir;
    WorkstationPaths m_paths = pathsIn(m_dir);
    QString m_file = m_dir.path() + QStringLiteral("/backup.dkb");

    void SetUp() override
    {
        auto system = openSystemVault(m_paths);
        ASSERT_TRUE(system);
        ASSERT_TRUE((*system)->exec(
            QStringLiteral("CREATE TABLE notes(text TEXT); INSERT INTO notes VALUES ('before')")));
        AuditTrail trail(**system);
        AuditRecord record;
        record.userId = QStringLiteral("sato");
        record.event = AuditEventId::InstancesAccessed;
        record.patientId = QStringLiteral("P001");
        ASSERT_TRUE(trail.record(record));
        ASSERT_TRUE(trail.record(record));
        UserKeyring keyring(**system, fastArgon2());
        ASSERT_TRUE(keyring.create(QStringLiteral("sato"), "user Passw0rd!"));
        auto key = keyring.unwrapWithPassword(QStringLiteral("sato"), "user Passw0rd!");
        ASSERT_TRUE(key);
        auto user = openUserVault(m_paths, QStringLiteral("sato"), *key);
        ASSERT_TRUE(user);
        ASSERT_TRUE((*user)->exec(QStringLiteral("CREATE TABLE drafts(text TEXT)")));
        ASSERT_TRUE((*user)->exec(QStringLiteral("INSERT INTO drafts VALUES (?)"), {kPatient}));
        auto summary = VaultBackup::create(m_paths, **system, m_file, kPassphrase, fastArgon2());
        ASSERT_TRUE(summary) << summary.error().toString().toStdString();
        EXPECT_TRUE(summary->entries.contains(QStringLiteral("system.db")));
        EXPECT_TRUE(summary->entries.contains(QStringLiteral("system.db.audit-head")));
        EXPECT_TRUE(summary->entries.contains(QStringLiteral("users/sato.db")));
        EXPECT_EQ(summary->auditRecords, 2);
    }

    /// Changes the live vault after the backup, so a restore is observable.
    void changeAfterBackup()
    {
        auto system = openSystemVault(m_paths);
        ASSERT_TRUE(system);
        ASSERT_TRUE((*system)->exec(QStringLiteral("UPDATE notes SET text = 'after'")));
    }

    QString currentNote()
    {
        auto system = openSystemVault(m_paths);
        EXPECT_TRUE(system);
        if (!system) {
            return {};
        }
        auto rows = (*system)->query(QStringLiteral("SELECT text FROM notes"));
        return rows && !rows->isEmpty() ? rows->first().first().toString() : QString();
    }
};

TEST_F(VaultBackupTest, BackupIsEncryptedAndRestoresEverything)
{
    const QByteArray bytes = readAll(m_file);
    EXPECT_TRUE(bytes.startsWith("DOKUEI-VAULT-BACKUP-1\n"));
    EXPECT_FALSE(bytes.contains(kPatient.toUtf8()));
    EXPECT_FALSE(bytes.contains("SQLite format 3"));
    EXPECT_FALSE(bytes.contains("P001"));
    EXPECT_EQ(QFile::permissions(m_file) & (QFileDevice::ReadGroup | QFileDevice::ReadOther), 0);

    changeAfterBackup();
    ASSERT_EQ(currentNote(), QStringLiteral("after"));
    auto restored = VaultBackup::restore(m_paths, m_file, kPassphrase);
    ASSERT_TRUE(restored) << restored.error().toString().toStdString();
    EXPECT_EQ(restored->auditRecords, 2);
    EXPECT_FALSE(restored->previousVaultDir.isEmpty());
    EXPECT_TRUE(QFileInfo::exists(restored->previousVaultDir + QStringLiteral("/system.db")));
    EXPECT_EQ(currentNote(), QStringLiteral("before"));

    auto system = openSystemVault(m_paths);
    ASSERT_TRUE(system);
    AuditTrail trail(**system);
    auto verified = trail.verify(AuditTrail::Usage::Unaudited);
    ASSERT_TRUE(verified);
    EXPECT_TRUE(verified->ok);
    UserKeyring keyring(**system, fastArgon2());
    auto key = keyring.unwrapWithPassword(QStringLiteral("sato"), "user Passw0rd!");
    ASSERT_TRUE(key);
    auto user = openUserVault(m_paths, QStringLiteral("sato"), *key);
    ASSERT_TRUE(user);
    auto rows = (*user)->query(QStringLiteral("SELECT text FROM drafts"));
    ASSERT_TRUE(rows);
    EXPECT_EQ(rows->first().first().toString(), kPatient);
}

TEST_F(VaultBackupTest, RestoresOnAnotherWorkstationKey)
{
    // A replaced machine: new workstation key, empty data directory.
    QTemporaryDir other;
    const WorkstationPaths fresh = pathsIn(other);
    auto restored = VaultBackup::restore(fresh, m_file, kPassphrase);
    ASSERT_TRUE(restored) << restored.error().toString().toStdString();
    EXPECT_TRUE(restored->previousVaultDir.isEmpty());
    auto system = openSystemVault(fresh);
    ASSERT_TRUE(system) << system.error().toString().toStdString();
    auto rows = (*system)->query(QStringLiteral("SELECT text FROM notes"));
    ASSERT_TRUE(rows);
    EXPECT_EQ(rows->first().first().toString(), QStringLiteral("before"));
}

TEST_F(VaultBackupTest, WrongPassphraseIsRefusedWithoutTouchingTheVault)
{
    changeAfterBackup();
    const QByteArray before = readAll(systemVaultPath(m_paths));
    auto restored = VaultBackup::restore(m_paths, m_file, "another passphrase!");
    ASSERT_FALSE(restored);
    EXPECT_EQ(restored.error().code, ErrorCode::BackupInvalid);
    EXPECT_EQ(readAll(systemVaultPath(m_paths)), before);
    EXPECT_EQ(currentNote(), QStringLiteral("after"));
}

TEST_F(VaultBackupTest, CorruptedBackupIsRefusedWithoutTouchingTheVault)
{
    changeAfterBackup();
    const QByteArray before = readAll(systemVaultPath(m_paths));
    QByteArray bytes = readAll(m_file);
    for (const qsizetype offset : {qsizetype(30), qsizetype(60), bytes.size() / 2, bytes.size() - 3}) {
        QByteArray damaged = bytes;
        damaged[offset] = static_cast<char>(damaged.at(offset) ^ 0x04);
        ASSERT_TRUE(writeAll(m_file, damaged));
        auto restored = VaultBackup::restore(m_paths, m_file, kPassphrase);
        ASSERT_FALSE(restored) << "offset " << offset;
        EXPECT_EQ(restored.error().code, ErrorCode::BackupInvalid)
            << restored.error().toString().toStdString();
    }
    EXPECT_EQ(readAll(systemVaultPath(m_paths)), before);
    EXPECT_EQ(currentNote(), QStringLiteral("after"));
    EXPECT_TRUE(QDir(m_paths.dataDir).entryList({QStringLiteral("vault.*")}, QDir::Dirs).isEmpty());
}

TEST_F(VaultBackupTest, TruncatedEmptyAndForeignFilesAreRefused)
{
    const QByteArray bytes = readAll(m_file);
    for (const QByteArray& hostile : {bytes.left(bytes.size() - 1), bytes.left(40), QByteArray(),
                                      QByteArray("SQLite format 3\0", 16) + QByteArray(5000, 'x'),
                                      QByteArray("DOKUEI-VAULT-BACKUP-1\n") + QByteArray(200, '\xff')}) {
        ASSERT_TRUE(writeAll(m_file, hostile));
        auto restored = VaultBackup::restore(m_paths, m_file, kPassphrase);
        ASSERT_FALSE(restored);
        EXPECT_EQ(restored.error().code, ErrorCode::BackupInvalid)
            << restored.error().toString().toStdString();
    }
    auto missing = VaultBackup::restore(m_paths, m_dir.path() + QStringLiteral("/none"), kPassphrase);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, ErrorCode::NotFound);
    EXPECT_EQ(currentNote(), QStringLiteral("before"));
}

TEST_F(VaultBackupTest, BackupWithATamperedAuditTrailIsRefused)
{
    // A backup taken from a vault whose trail was tampered with is refused at backup time...
    auto system = openSystemVault(m_paths);
    ASSERT_TRUE(system);
    ASSERT_TRUE((*system)->exec(QStringLiteral("DROP TRIGGER audit_records_append_only_delete; "
                                               "DELETE FROM audit_records WHERE sequence = 1")));
    auto summary =
        VaultBackup::create(m_paths, **system, m_file + QStringLiteral(".2"), kPassphrase, fastArgon2());
    ASSERT_FALSE(summary);
    EXPECT_EQ(summary.error().code, ErrorCode::AuditTrailBroken);
}

TEST_F(VaultBackupTest, ShortPassphraseIsRefused)
{
    auto system = openSystemVault(m_paths);
    ASSERT_TRUE(system);
    auto summary =
        VaultBackup::create(m_paths, **system, m_file + QStringLiteral(".3"), "short", fastArgon2());
    ASSERT_FALSE(summary);
    EXPECT_EQ(summary.error().code, ErrorCode::InvalidArgument);
}

} // namespace
} // namespace dokuei::security
