#include "dokuei/common/WorkstationPaths.h"

#include <sys/stat.h>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <gtest/gtest.h>

namespace {

using dokuei::ErrorCode;
using dokuei::WorkstationPaths;

QProcessEnvironment environment(std::initializer_list<std::pair<const char*, const char*>> values)
{
    QProcessEnvironment env;
    for (const auto& [key, value] : values) {
        env.insert(QString::fromUtf8(key), QString::fromUtf8(value));
    }
    return env;
}

TEST(WorkstationPaths, DokueiHomeHoldsConfigurationAndVault)
{
    auto paths =
        WorkstationPaths::resolve(environment({{"DOKUEI_HOME", "/srv/dokuei/"}, {"HOME", "/home/u"}}));
    ASSERT_TRUE(paths) << paths.error().toString().toStdString();
    EXPECT_EQ(paths->configDir, QStringLiteral("/srv/dokuei"));
    EXPECT_EQ(paths->dataDir, QStringLiteral("/srv/dokuei"));
    EXPECT_EQ(paths->vaultDir(), QStringLiteral("/srv/dokuei/vault"));
    EXPECT_EQ(paths->userConfigFile(), QStringLiteral("/srv/dokuei/dokuei.conf"));
    EXPECT_EQ(paths->systemConfigFile(), QStringLiteral("/etc/dokuei/dokuei.conf"));
}

TEST(WorkstationPaths, FallsBackToXdgDirectories)
{
    auto paths = WorkstationPaths::resolve(environment({{"HOME", "/home/u"}}));
    ASSERT_TRUE(paths);
    EXPECT_EQ(paths->configDir, QStringLiteral("/home/u/.config/dokuei"));
    EXPECT_EQ(paths->dataDir, QStringLiteral("/home/u/.local/share/dokuei"));

    auto xdg = WorkstationPaths::resolve(
        environment({{"HOME", "/home/u"}, {"XDG_CONFIG_HOME", "/c"}, {"XDG_DATA_HOME", "/d"}}));
    ASSERT_TRUE(xdg);
    EXPECT_EQ(xdg->configDir, QStringLiteral("/c/dokuei"));
    EXPECT_EQ(xdg->dataDir, QStringLiteral("/d/dokuei"));
}

TEST(WorkstationPaths, SystemDirectoryCanBeRedirectedWhileNoSystemConfigurationExists)
{
    QTemporaryDir root;
    ASSERT_TRUE(root.isValid());
    const QString etc = root.filePath(QStringLiteral("etc-dokuei")); // stands for /etc/dokuei, empty
    ASSERT_TRUE(QDir().mkpath(etc));
    auto paths = WorkstationPaths::resolve(
        environment({{"HOME", "/h"}, {"DOKUEI_SYSCONFDIR", "/tmp/etc-dokuei"}}), etc);
    ASSERT_TRUE(paths);
    EXPECT_EQ(paths->systemConfigFile(), QStringLiteral("/tmp/etc-dokuei/dokuei.conf"));

    // No system directory at all: the same.
    auto missing =
        WorkstationPaths::resolve(environment({{"HOME", "/h"}, {"DOKUEI_SYSCONFDIR", "/tmp/etc-dokuei"}}),
                                  root.filePath(QStringLiteral("no-such-dir")));
    ASSERT_TRUE(missing);
    EXPECT_EQ(missing->systemDir, QStringLiteral("/tmp/etc-dokuei"));

    // A relative value is ignored.
    auto relative =
        WorkstationPaths::resolve(environment({{"HOME", "/h"}, {"DOKUEI_SYSCONFDIR", "etc"}}), etc);
    ASSERT_TRUE(relative);
    EXPECT_EQ(relative->systemDir, etc);
}

// Once the administrator has installed a system configuration, it is the one read: a user cannot point
// DOKUEI_SYSCONFDIR at a directory of their own and so escape the locked [policy] / [smart_card] keys.
TEST(WorkstationPaths, AdministratorsSystemConfigurationCannotBeRedirected)
{
    QTemporaryDir root;
    ASSERT_TRUE(root.isValid());
    const QString etc = root.filePath(QStringLiteral("etc-dokuei"));
    ASSERT_TRUE(QDir().mkpath(etc));
    QFile conf(etc + QStringLiteral("/dokuei.conf"));
    ASSERT_TRUE(conf.open(QIODevice::WriteOnly));
    conf.write("[policy]\n");
    conf.close();

    const QString mine = root.filePath(QStringLiteral("users-own-etc"));
    auto paths = WorkstationPaths::resolve(
        environment({{"HOME", "/h"}, {"DOKUEI_SYSCONFDIR", mine.toUtf8().constData()}}), etc);
    ASSERT_TRUE(paths);
    EXPECT_EQ(paths->systemDir, etc);
    EXPECT_EQ(paths->systemConfigFile(), etc + QStringLiteral("/dokuei.conf"));

    // Also with DOKUEI_HOME, and when dokuei.conf is a symbolic link (even a dangling one): fails closed.
    ASSERT_TRUE(conf.remove());
    ASSERT_TRUE(
        QFile::link(root.filePath(QStringLiteral("nowhere.conf")), etc + QStringLiteral("/dokuei.conf")));
    auto linked = WorkstationPaths::resolve(
        environment({{"DOKUEI_HOME", "/srv/d"}, {"DOKUEI_SYSCONFDIR", mine.toUtf8().constData()}}), etc);
    ASSERT_TRUE(linked);
    EXPECT_EQ(linked->systemDir, etc);

    // The one-argument resolve uses the real /etc/dokuei.
    EXPECT_EQ(WorkstationPaths::defaultSystemDirectory(), QStringLiteral("/etc/dokuei"));
    auto real = WorkstationPaths::resolve(environment({{"HOME", "/h"}}));
    ASSERT_TRUE(real);
    EXPECT_EQ(real->systemDir, QStringLiteral("/etc/dokuei"));
}

TEST(WorkstationPaths, RejectsRelativeOrMissingLocations)
{
    auto relative = WorkstationPaths::resolve(environment({{"DOKUEI_HOME", "relative/dir"}}));
    ASSERT_FALSE(relative);
    EXPECT_EQ(relative.error().code, ErrorCode::ConfigurationInvalid);
    EXPECT_TRUE(relative.error().message.contains(QStringLiteral("relative/dir")));

    auto nothing = WorkstationPaths::resolve(QProcessEnvironment());
    ASSERT_FALSE(nothing);
    EXPECT_TRUE(nothing.error().message.contains(QStringLiteral("DOKUEI_HOME")));
}

TEST(WorkstationPaths, CreatesPrivateDirectories)
{
    QTemporaryDir root;
    ASSERT_TRUE(root.isValid());
    const QString home = root.filePath(QStringLiteral("a/b/home"));
    auto paths = WorkstationPaths::resolve(environment({{"DOKUEI_HOME", home.toUtf8().constData()}}));
    ASSERT_TRUE(paths);
    ASSERT_TRUE(paths->ensureUserDirectories());
    struct stat st
    {
    };
    ASSERT_EQ(::stat(QFile::encodeName(home).constData(), &st), 0);
    EXPECT_TRUE(S_ISDIR(st.st_mode));
    EXPECT_EQ(st.st_mode & 0777, 0700U);
    EXPECT_TRUE(paths->ensureUserDirectories()) << "must be idempotent";
}

TEST(WorkstationPaths, RefusesDirectoriesOthersCanRead)
{
    QTemporaryDir root;
    const QString home = root.filePath(QStringLiteral("open"));
    ASSERT_TRUE(QDir().mkdir(home));
    ASSERT_EQ(::chmod(QFile::encodeName(home).constData(), 0755), 0);
    auto paths = WorkstationPaths::resolve(environment({{"DOKUEI_HOME", home.toUtf8().constData()}}));
    ASSERT_TRUE(paths);
    auto ok = paths->ensureUserDirectories();
    ASSERT_FALSE(ok);
    EXPECT_EQ(ok.error().code, ErrorCode::PermissionDenied);
    EXPECT_TRUE(ok.error().message.contains(QStringLiteral("chmod 700"))) << ok.error().message.toStdString();
}

TEST(WorkstationPaths, RefusesAFileOrSymlinkInPlaceOfTheDirectory)
{
    QTemporaryDir root;
    const QString file = root.filePath(QStringLiteral("file"));
    QFile f(file);
    ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    f.close();
    auto paths = WorkstationPaths::resolve(environment({{"DOKUEI_HOME", file.toUtf8().constData()}}));
    ASSERT_TRUE(paths);
    EXPECT_FALSE(paths->ensureUserDirectories());

    const QString link = root.filePath(QStringLiteral("link"));
    ASSERT_TRUE(QDir().mkdir(root.filePath(QStringLiteral("target"))));
    ASSERT_TRUE(QFile::link(root.filePath(QStringLiteral("target")), link));
    auto linked = WorkstationPaths::resolve(environment({{"DOKUEI_HOME", link.toUtf8().constData()}}));
    ASSERT_TRUE(linked);
    EXPECT_FALSE(linked->ensureUserDirectories());
}

} // namespace
