// `dokuei-admin template check|list` through the real binary, as an administrator runs it.
#include "../AdminCliRunner.h"

#include <QDir>
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

QString shipped(const char* name)
{
    return qEnvironmentVariable("DOKUEI_SOURCE_DIR") + QStringLiteral("/resources/templates/") +
           QString::fromLatin1(name);
}

QByteArray readFile(const QString& path)
{
    QFile file(path);
    EXPECT_TRUE(file.open(QIODevice::ReadOnly)) << path.toStdString();
    return file.readAll();
}

void writeFile(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(bytes);
}

} // namespace

TEST(TemplateAdminCli, CheckAcceptsAShippedTemplate)
{
    QTemporaryDir home;
    const Result result =
        admin({QStringLiteral("template"), QStringLiteral("check"), shipped("ct-chest.json")}, home.path());
    EXPECT_EQ(result.exitCode, 0) << result.err.toStdString();
    EXPECT_EQ(result.out.trimmed(), QStringLiteral("ok: ct-chest CT 胸部 / CT chest"))
        << result.out.toStdString();
}

TEST(TemplateAdminCli, CheckRefusesABrokenTemplateNamingFileLineAndField)
{
    QTemporaryDir home;
    QByteArray text = readFile(shipped("ct-chest.json"));
    const QByteArray from = "\"type\": \"choice\"";
    const qsizetype at = text.indexOf(from);
    ASSERT_GE(at, 0);
    text.replace(at, from.size(), "\"type\": \"checkbox\"");
    const int line = 1 + static_cast<int>(text.first(at).count('\n'));
    const QString file = home.filePath(QStringLiteral("broken.json"));
    writeFile(file, text);

    const Result result = admin({QStringLiteral("template"), QStringLiteral("check"), file}, home.path());
    EXPECT_EQ(result.exitCode, 1);
    EXPECT_TRUE(result.out.isEmpty()) << result.out.toStdString();
    // The technique section's contrast choice is the first choice field of the chest template.
    const QString expected =
        QStringLiteral("%1:%2: sections[0].fields[0].type: unknown field type \"checkbox\"")
            .arg(file)
            .arg(line);
    EXPECT_TRUE(result.err.contains(expected))
        << "expected " << expected.toStdString() << "\ngot " << result.err.toStdString();
    EXPECT_TRUE(result.err.contains(QStringLiteral("refused (1 problem)"))) << result.err.toStdString();
}

TEST(TemplateAdminCli, CheckRefusesAMissingFileAndBadUsage)
{
    QTemporaryDir home;
    const QString missing = home.filePath(QStringLiteral("missing.json"));
    const Result absent = admin({QStringLiteral("template"), QStringLiteral("check"), missing}, home.path());
    EXPECT_EQ(absent.exitCode, 1);
    EXPECT_TRUE(absent.err.contains(missing + QStringLiteral(": no such file"))) << absent.err.toStdString();

    const Result noFile = admin({QStringLiteral("template"), QStringLiteral("check")}, home.path());
    EXPECT_EQ(noFile.exitCode, 2);
    EXPECT_TRUE(noFile.err.contains(QStringLiteral("usage: dokuei-admin template")));
}

TEST(TemplateAdminCli, ListShowsShippedAndAdministratorTemplatesAndRefusedFiles)
{
    QTemporaryDir home;
    const QString etc = home.filePath(QStringLiteral("etc"));
    const QString templates = home.filePath(QStringLiteral("site-templates"));
    ASSERT_TRUE(QDir().mkpath(etc));
    ASSERT_TRUE(QDir().mkpath(templates));
    writeFile(etc + QStringLiteral("/dokuei.conf"),
              QStringLiteral("[reporting]\ntemplate_dir=%1\n").arg(templates).toUtf8());
    QByteArray mine = readFile(shipped("generic-ct.json"));
    mine.replace("\"id\": \"generic-ct\"", "\"id\": \"site-ct\"");
    writeFile(templates + QStringLiteral("/site-ct.json"), mine);
    writeFile(templates + QStringLiteral("/broken.json"), "{\n  \"id\": \"x\",\n  \"version\": 1\n");

    const Result result = admin({QStringLiteral("template"), QStringLiteral("list")}, home.path());
    EXPECT_EQ(result.exitCode, 1) << "a refused file makes list fail";
    for (const char* id :
         {"ct-chest", "ct-abdomen-pelvis", "ct-head", "lung-screening-ct", "generic-ct", "site-ct"}) {
        EXPECT_TRUE(result.out.contains(QStringLiteral("ok: ") + QString::fromLatin1(id) + u' '))
            << id << "\n"
            << result.out.toStdString();
    }
    EXPECT_TRUE(result.err.contains(templates + QStringLiteral("/broken.json:4: ")))
        << result.err.toStdString();
}
