#include "AdminCliRunner.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>

#include <gtest/gtest.h>

namespace {

using Result = dokuei::testing::AdminResult;

Result admin(const QStringList& arguments, const QString& home)
{
    return dokuei::testing::runAdmin(arguments, home);
}

TEST(AdminCli, ShowsPaths)
{
    QTemporaryDir home;
    const Result result = admin({QStringLiteral("paths")}, home.path());
    EXPECT_EQ(result.exitCode, 0) << result.err.toStdString();
    EXPECT_TRUE(result.out.contains(QStringLiteral("vault_dir=") + home.path() + QStringLiteral("/vault")));
    EXPECT_TRUE(result.out.contains(QStringLiteral("system_config=") + home.path() +
                                    QStringLiteral("/etc/dokuei.conf")));
}

TEST(AdminCli, ConfigCheckAcceptsValidAndRejectsInvalid)
{
    QTemporaryDir home;
    QFile config(home.filePath(QStringLiteral("dokuei.conf")));
    ASSERT_TRUE(config.open(QIODevice::WriteOnly));
    config.write("[reading_centre]\nurl=https://localhost:8443/dicom-web\n");
    config.close();
    const Result valid = admin({QStringLiteral("config"), QStringLiteral("check")}, home.path());
    EXPECT_EQ(valid.exitCode, 0) << valid.err.toStdString();
    EXPECT_TRUE(valid.out.contains(QStringLiteral("configuration is valid")));

    ASSERT_TRUE(config.open(QIODevice::WriteOnly | QIODevice::Truncate));
    config.write("[reading_centre]\nurl=ftp://localhost/\n");
    config.close();
    const Result invalid = admin({QStringLiteral("config"), QStringLiteral("check")}, home.path());
    EXPECT_NE(invalid.exitCode, 0);
    EXPECT_TRUE(invalid.err.contains(QStringLiteral("reading_centre/url"))) << invalid.err.toStdString();
}

TEST(AdminCli, UnknownCommandIsRefusedWithUsage)
{
    QTemporaryDir home;
    const Result result = admin({QStringLiteral("frobnicate")}, home.path());
    EXPECT_EQ(result.exitCode, 2);
    EXPECT_TRUE(result.err.contains(QStringLiteral("unknown command")));
    EXPECT_TRUE(result.err.contains(QStringLiteral("usage:")));
}

TEST(AdminCli, PrintsVersion)
{
    QTemporaryDir home;
    const Result result = admin({QStringLiteral("--version")}, home.path());
    EXPECT_EQ(result.exitCode, 0);
    EXPECT_TRUE(result.out.startsWith(QStringLiteral("dokuei-admin 0."))) << result.out.toStdString();
}

TEST(AdminCli, HelpNamesTheAdministratorControl)
{
    QTemporaryDir home;
    const Result result = admin({QStringLiteral("help")}, home.path());
    EXPECT_EQ(result.exitCode, 0);
    EXPECT_TRUE(result.out.contains(QStringLiteral("owns the workstation key"))) << result.out.toStdString();
    EXPECT_TRUE(result.out.contains(QStringLiteral("\"os-account\""))) << result.out.toStdString();
}

} // namespace
