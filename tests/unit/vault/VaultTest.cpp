#include "dokuei/security/Vault.h"

#include "VaultTestSupport.h"
#include "dokuei/security/SecretKey.h"
#include "dokuei/security/SystemVault.h"
#include "dokuei/security/WorkstationKey.h"

#include <sys/stat.h>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <gtest/gtest.h>

namespace dokuei::security {
namespace {

using testing::pathsIn;
using testing::readAll;
using testing::writeAll;

const QString kJapaneseName = QStringLiteral("山田^太郎=ヤマダ^タロウ");
const QByteArray kMarker = "DOKUEI-PLAINTEXT-MARKER-7f3a";

class VaultTest : public ::testing::Test
{
protected:
    QTemporaryDir m_dir;
    QString m_path = m_dir.path() + QStringLiteral("/test.db");
    SecretKey m_key = SecretKey::random();

    std::unique_ptr<Vault> openOrDie(const SecretKey& key)
    {
        auto vault = Vault::open(m_path, key);
        EXPECT_TRUE(vault.has_value()) << (vault ? "" : vault.error().toString().toStdString());
        return vault ? std::move(*vault) : nullptr;
    }

    /// A vault with a table large enough to span many pages.
    void fill()
    {
        auto vault = openOrDie(m_key);
        ASSERT_TRUE(vault);
        ASSERT_TRUE(vault->exec(QStringLiteral("CREATE TABLE patients(id INTEGER PRIMARY KEY, name TEXT, "
                                               "marker BLOB)")));
        ASSERT_TRUE(vault->transaction([&]() -> Expected<void> {
            for (int i = 0; i < 200; ++i) {
                if (auto done =
                        vault->exec(QStringLiteral("INSERT INTO patients(name, marker) VALUES (?, ?)"),
                                    {kJapaneseName, kMarker});
                    !done) {
                    return done;
                }
            }
            return {};
        }));
    }
};

TEST_F(VaultTest, FileHasNoSqliteHeaderAndNoPlaintext)
{
    fill();
    const QByteArray bytes = readAll(m_path);
    ASSERT_GT(bytes.size(), 4096);
    EXPECT_FALSE(bytes.startsWith("SQLite format 3"));
    EXPECT_FALSE(bytes.contains("SQLite format 3"));
    EXPECT_FALSE(bytes.contains(kJapaneseName.toUtf8()));
    EXPECT_FALSE(bytes.contains(kJapaneseName.toUtf8().left(6))); // 山田
    EXPECT_FALSE(bytes.contains(kMarker));
    EXPECT_FALSE(bytes.contains("CREATE TABLE"));
    // ...and yet the data reads back.
    auto vault = openOrDie(m_key);
    ASSERT_TRUE(vault);
    auto rows = vault->query(QStringLiteral("SELECT name, marker FROM patients WHERE id = 1"));
    ASSERT_TRUE(rows);
    ASSERT_EQ(rows->size(), 1);
    EXPECT_EQ(rows->first().at(0).toString(), kJapaneseName);
    EXPECT_EQ(rows->first().at(1).toByteArray(), kMarker);
}

TEST_F(VaultTest, FileModeIsOwnerOnly)
{
    fill();
    struct stat status
    {
    };
    ASSERT_EQ(::stat(QFile::encodeName(m_path).constData(), &status), 0);
    EXPECT_EQ(status.st_mode & 0777, 0600U);
}

TEST_F(VaultTest, WrongKeyFailsWithVaultKeyInvalid)
{
    fill();
    auto vault = Vault::open(m_path, SecretKey::random());
    ASSERT_FALSE(vault);
    EXPECT_EQ(vault.error().code, ErrorCode::VaultKeyInvalid);
    EXPECT_TRUE(vault.error().message.contains(m_path)) << vault.error().message.toStdString();
}

TEST_F(VaultTest, AllZeroKeyIsRefused)
{
    auto vault = Vault::open(m_path, SecretKey());
    ASSERT_FALSE(vault);
    EXPECT_EQ(vault.error().code, ErrorCode::VaultKeyInvalid);
}

TEST_F(VaultTest, FlippedByteInADataPageIsDetectedOnRead)
{
    fill();
    QByteArray bytes = readAll(m_path);
    // SQLCipher 3 pages are 1024 bytes; flip one byte in the middle of a page well inside the table.
    const qsizetype offset = 1024 * (bytes.size() / 1024 / 2) + 500;
    bytes[offset] = static_cast<char>(bytes.at(offset) ^ 0x01);
    ASSERT_TRUE(writeAll(m_path, bytes));
    auto vault = Vault::open(m_path, m_key);
    ASSERT_TRUE(vault) << vault.error().toString().toStdString(); // page 1 is intact
    auto rows = (*vault)->query(QStringLiteral("SELECT count(*), group_concat(name) FROM patients"));
    ASSERT_FALSE(rows);
    EXPECT_EQ(rows.error().code, ErrorCode::VaultCorrupt) << rows.error().toString().toStdString();
    EXPECT_TRUE(rows.error().message.contains(m_path));
}

TEST_F(VaultTest, FlippedByteInTheFirstPageIsRefusedAtOpen)
{
    fill();
    QByteArray bytes = readAll(m_path);
    bytes[100] = static_cast<char>(bytes.at(100) ^ 0x80);
    ASSERT_TRUE(writeAll(m_path, bytes));
    auto vault = Vault::open(m_path, m_key);
    ASSERT_FALSE(vault);
    EXPECT_EQ(vault.error().code, ErrorCode::VaultKeyInvalid);
}

TEST_F(VaultTest, IntegrityCheckFindsAFlippedByte)
{
    fill();
    QByteArray bytes = readAll(m_path);
    const qsizetype offset = bytes.size() - 700;
    bytes[offset] = static_cast<char>(bytes.at(offset) ^ 0x10);
    ASSERT_TRUE(writeAll(m_path, bytes));
    auto vault = Vault::open(m_path, m_key);
    ASSERT_TRUE(vault);
    auto checked = (*vault)->checkIntegrity();
    ASSERT_FALSE(checked);
    EXPECT_EQ(checked.error().code, ErrorCode::VaultCorrupt);
}

TEST_F(VaultTest, TruncatedFileIsDetected)
{
    fill();
    QByteArray bytes = readAll(m_path);
    ASSERT_TRUE(writeAll(m_path, bytes.left(bytes.size() / 2 + 300)));
    auto vault = Vault::open(m_path, m_key);
    if (!vault) {
        EXPECT_TRUE(vault.error().code == ErrorCode::VaultKeyInvalid ||
                    vault.error().code == ErrorCode::VaultCorrupt)
            << vault.error().toString().toStdString();
        return;
    }
    auto rows = (*vault)->query(QStringLiteral("SELECT group_concat(name) FROM patients"));
    auto checked = (*vault)->checkIntegrity();
    EXPECT_TRUE(!rows || !checked);
    if (!checked) {
        EXPECT_EQ(checked.error().code, ErrorCode::VaultCorrupt);
    }
}

TEST_F(VaultTest, NotAVaultIsRefused)
{
    ASSERT_TRUE(writeAll(m_path, QByteArray(4096, 'x')));
    auto vault = Vault::open(m_path, m_key);
    ASSERT_FALSE(vault);
    EXPECT_EQ(vault.error().code, ErrorCode::VaultKeyInvalid);
    ASSERT_TRUE(writeAll(m_path, QByteArray("SQLite format 3") + QByteArray(4081, '\0')));
    EXPECT_FALSE(Vault::open(m_path, m_key));
}

TEST_F(VaultTest, DirectoryInsteadOfFileIsRefused)
{
    ASSERT_TRUE(QDir().mkpath(m_path));
    auto vault = Vault::open(m_path, m_key);
    ASSERT_FALSE(vault);
    EXPECT_TRUE(vault.error().message.contains(m_path));
}

TEST_F(VaultTest, CipherVersionAnswers)
{
    auto vault = openOrDie(m_key);
    ASSERT_TRUE(vault);
    const QString version = vault->cipherVersion();
    EXPECT_FALSE(version.isEmpty());
    EXPECT_TRUE(version.startsWith(QStringLiteral("3.4"))) << version.toStdString();
}

TEST_F(VaultTest, OnlySqlCipherIsMappedNeverLibSqlite3)
{
    auto vault = openOrDie(m_key);
    ASSERT_TRUE(vault);
    const QByteArray maps = readAll(QStringLiteral("/proc/self/maps"));
    ASSERT_FALSE(maps.isEmpty());
    EXPECT_TRUE(maps.contains("libsqlcipher.so"));
    EXPECT_FALSE(maps.contains("libsqlite3.so")) << maps.constData();
}

TEST_F(VaultTest, ValuesRoundTripWithTheirTypes)
{
    auto vault = openOrDie(m_key);
    ASSERT_TRUE(vault);
    ASSERT_TRUE(vault->exec(QStringLiteral("CREATE TABLE t(a, b, c, d, e, f)")));
    const QByteArray blob("\x00\x01\xff", 3);
    ASSERT_TRUE(vault->exec(QStringLiteral("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)"),
                            {QVariant(), qint64(1) << 40, 2.5, kJapaneseName, blob, true}));
    EXPECT_EQ(vault->lastInsertRowId(), 1);
    auto rows = vault->query(QStringLiteral("SELECT a, b, c, d, e, f, typeof(e) FROM t"));
    ASSERT_TRUE(rows);
    const QVariantList row = rows->first();
    EXPECT_TRUE(row.at(0).isNull());
    EXPECT_EQ(row.at(1).toLongLong(), qint64(1) << 40);
    EXPECT_DOUBLE_EQ(row.at(2).toDouble(), 2.5);
    EXPECT_EQ(row.at(3).toString(), kJapaneseName);
    EXPECT_EQ(row.at(4).toByteArray(), blob);
    EXPECT_EQ(row.at(5).toLongLong(), 1);
    EXPECT_EQ(row.at(6).toString(), QStringLiteral("blob"));
}

TEST_F(VaultTest, UnsupportedParameterTypesAndCountsAreRefused)
{
    auto vault = openOrDie(m_key);
    ASSERT_TRUE(vault);
    ASSERT_TRUE(vault->exec(QStringLiteral("CREATE TABLE t(a)")));
    auto mapped =
        vault->exec(QStringLiteral("INSERT INTO t VALUES (?)"), {QVariantMap{{QStringLiteral("k"), 1}}});
    ASSERT_FALSE(mapped);
    EXPECT_EQ(mapped.error().code, ErrorCode::InvalidArgument);
    auto tooMany = vault->exec(QStringLiteral("INSERT INTO t VALUES (?)"), {1, 2});
    ASSERT_FALSE(tooMany);
    EXPECT_EQ(tooMany.error().code, ErrorCode::InvalidArgument);
    auto bad = vault->query(QStringLiteral("SELEKT nonsense"));
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, ErrorCode::VaultFailure);
}

TEST_F(VaultTest, TransactionRollsBackOnErrorAndNestsWithSavepoints)
{
    auto vault = openOrDie(m_key);
    ASSERT_TRUE(vault);
    ASSERT_TRUE(vault->exec(QStringLiteral("CREATE TABLE t(a)")));
    bool committedActionRan = false;
    auto failed = vault->transaction([&]() -> Expected<void> {
        (void)vault->exec(QStringLiteral("INSERT INTO t VALUES (1)"));
        vault->afterCommit([&] { committedActionRan = true; });
        return fail(ErrorCode::InvalidArgument, QStringLiteral("stop"));
    });
    ASSERT_FALSE(failed);
    EXPECT_EQ(failed.error().message, QStringLiteral("stop"));
    EXPECT_FALSE(committedActionRan);
    ASSERT_TRUE(vault->transaction([&]() -> Expected<void> {
        (void)vault->exec(QStringLiteral("INSERT INTO t VALUES (2)"));
        auto inner = vault->transaction([&]() -> Expected<void> {
            (void)vault->exec(QStringLiteral("INSERT INTO t VALUES (3)"));
            return fail(ErrorCode::InvalidArgument, QStringLiteral("inner"));
        });
        EXPECT_FALSE(inner);
        vault->afterCommit([&] { committedActionRan = true; });
        return {};
    }));
    EXPECT_TRUE(committedActionRan);
    auto rows = vault->query(QStringLiteral("SELECT group_concat(a) FROM t"));
    ASSERT_TRUE(rows);
    EXPECT_EQ(rows->first().first().toString(), QStringLiteral("2"));
}

TEST_F(VaultTest, ExportMakesAnIndependentCopyUnderAnotherKey)
{
    fill();
    auto vault = openOrDie(m_key);
    ASSERT_TRUE(vault);
    const QString copyPath = m_dir.path() + QStringLiteral("/copy.db");
    SecretKey other = SecretKey::random();
    ASSERT_TRUE(vault->exportTo(copyPath, other));
    EXPECT_FALSE(readAll(copyPath).contains(kMarker));
    EXPECT_FALSE(Vault::open(copyPath, m_key));
    auto copy = Vault::open(copyPath, other);
    ASSERT_TRUE(copy);
    auto rows = (*copy)->query(QStringLiteral("SELECT count(*) FROM patients"));
    ASSERT_TRUE(rows);
    EXPECT_EQ(rows->first().first().toLongLong(), 200);
    EXPECT_FALSE(vault->exportTo(copyPath, other)); // never overwrites
}

TEST(WorkstationKeyTest, CreatedWithMode0600AndStable)
{
    QTemporaryDir dir;
    const QString path = dir.path() + QStringLiteral("/workstation.key");
    auto first = WorkstationKey::loadOrCreate(path);
    ASSERT_TRUE(first) << first.error().toString().toStdString();
    struct stat status
    {
    };
    ASSERT_EQ(::stat(QFile::encodeName(path).constData(), &status), 0);
    EXPECT_EQ(status.st_mode & 0777, 0600U);
    EXPECT_EQ(status.st_size, 32);
    auto second = WorkstationKey::loadOrCreate(path);
    ASSERT_TRUE(second);
    EXPECT_TRUE(first->equals(*second));
    EXPECT_FALSE(first->isNull());
}

TEST(WorkstationKeyTest, RefusedWhenGroupOrOthersCanRead)
{
    QTemporaryDir dir;
    const QString path = dir.path() + QStringLiteral("/workstation.key");
    ASSERT_TRUE(WorkstationKey::loadOrCreate(path));
    ASSERT_EQ(::chmod(QFile::encodeName(path).constData(), 0644), 0);
    auto key = WorkstationKey::loadOrCreate(path);
    ASSERT_FALSE(key);
    EXPECT_EQ(key.error().code, ErrorCode::PermissionDenied);
    EXPECT_TRUE(key.error().message.contains(QStringLiteral("chmod 600")))
        << key.error().message.toStdString();
    EXPECT_TRUE(key.error().message.contains(path));
}

TEST(WorkstationKeyTest, DamagedOrLinkedKeyIsRefused)
{
    QTemporaryDir dir;
    const QString path = dir.path() + QStringLiteral("/workstation.key");
    ASSERT_TRUE(writeAll(path, QByteArray(31, 'k')));
    ASSERT_EQ(::chmod(QFile::encodeName(path).constData(), 0600), 0);
    auto shortKey = WorkstationKey::loadOrCreate(path);
    ASSERT_FALSE(shortKey);
    EXPECT_EQ(shortKey.error().code, ErrorCode::VaultKeyInvalid);

    const QString link = dir.path() + QStringLiteral("/linked.key");
    ASSERT_TRUE(QFile::link(path, link));
    auto linked = WorkstationKey::loadOrCreate(link);
    ASSERT_FALSE(linked);
    EXPECT_EQ(linked.error().code, ErrorCode::PermissionDenied);
}

TEST(SystemVaultTest, CreatesKeyAndVaultThenReopens)
{
    QTemporaryDir dir;
    const WorkstationPaths paths = pathsIn(dir);
    {
        auto vault = openSystemVault(paths);
        ASSERT_TRUE(vault) << vault.error().toString().toStdString();
        ASSERT_TRUE((*vault)->exec(QStringLiteral("CREATE TABLE t(x)")));
        ASSERT_TRUE((*vault)->exec(QStringLiteral("INSERT INTO t VALUES (?)"), {kJapaneseName}));
        EXPECT_EQ((*vault)->path(), systemVaultPath(paths));
    }
    struct stat status
    {
    };
    ASSERT_EQ(::stat(QFile::encodeName(paths.vaultDir()).constData(), &status), 0);
    EXPECT_EQ(status.st_mode & 0777, 0700U);
    ASSERT_EQ(::stat(QFile::encodeName(WorkstationKey::filePath(paths)).constData(), &status), 0);
    EXPECT_EQ(status.st_mode & 0777, 0600U);
    auto again = openSystemVault(paths);
    ASSERT_TRUE(again);
    auto rows = (*again)->query(QStringLiteral("SELECT x FROM t"));
    ASSERT_TRUE(rows);
    EXPECT_EQ(rows->first().first().toString(), kJapaneseName);
}

TEST(SystemVaultTest, ReadableWorkstationKeyIsRefusedWithAClearMessage)
{
    QTemporaryDir dir;
    const WorkstationPaths paths = pathsIn(dir);
    ASSERT_TRUE(openSystemVault(paths));
    ASSERT_EQ(::chmod(QFile::encodeName(WorkstationKey::filePath(paths)).constData(), 0640), 0);
    auto vault = openSystemVault(paths);
    ASSERT_FALSE(vault);
    EXPECT_EQ(vault.error().code, ErrorCode::PermissionDenied);
    EXPECT_TRUE(vault.error().message.contains(WorkstationKey::filePath(paths)));
}

TEST(SystemVaultTest, ReplacedWorkstationKeyDoesNotOpenTheVault)
{
    QTemporaryDir dir;
    const WorkstationPaths paths = pathsIn(dir);
    ASSERT_TRUE(openSystemVault(paths));
    ASSERT_TRUE(QFile::remove(WorkstationKey::filePath(paths)));
    auto vault = openSystemVault(paths);
    ASSERT_FALSE(vault);
    EXPECT_EQ(vault.error().code, ErrorCode::VaultKeyInvalid);
}

} // namespace
} // namespace dokuei::security
