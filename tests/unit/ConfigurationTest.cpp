#include "dokuei/common/Configuration.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <gtest/gtest.h>

namespace {

using dokuei::Configuration;
using dokuei::ErrorCode;
using dokuei::WorkstationPaths;

class ConfigurationTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(m_root.isValid());
        m_paths.configDir = m_root.filePath(QStringLiteral("user"));
        m_paths.dataDir = m_paths.configDir;
        m_paths.systemDir = m_root.filePath(QStringLiteral("etc"));
        ASSERT_TRUE(QDir().mkpath(m_paths.configDir));
        ASSERT_TRUE(QDir().mkpath(m_paths.systemDir));
        m_caFile = m_root.filePath(QStringLiteral("ca.pem"));
        write(m_caFile, "not parsed here");
    }

    static void write(const QString& path, const QByteArray& text)
    {
        QFile file(path);
        ASSERT_TRUE(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(text);
    }

    QTemporaryDir m_root;
    WorkstationPaths m_paths;
    QString m_caFile;
};

TEST_F(ConfigurationTest, MissingFilesGiveEmptyDefaults)
{
    auto config = Configuration::load(m_paths);
    ASSERT_TRUE(config) << config.error().toString().toStdString();
    EXPECT_TRUE(config->readingCentreUrl.isEmpty());
    EXPECT_TRUE(config->pkcs11Module.isEmpty());
    EXPECT_TRUE(config->language.isEmpty());
}

TEST_F(ConfigurationTest, UserFileOverridesSystemDefaults)
{
    write(m_paths.systemConfigFile(),
          "[reading_centre]\nurl=https://centre.example.jp/dicom-web\n[pkcs11]\nmodule=/usr/lib/system.so\n");
    write(m_paths.userConfigFile(),
          QStringLiteral("[reading_centre]\nurl=https://localhost:8443/dicom-web\nca_file=%1\n"
                         "[ui]\nlanguage=ja\n")
              .arg(m_caFile)
              .toUtf8());
    auto config = Configuration::load(m_paths);
    ASSERT_TRUE(config) << config.error().toString().toStdString();
    EXPECT_EQ(config->readingCentreUrl.toString(), QStringLiteral("https://localhost:8443/dicom-web"));
    EXPECT_EQ(config->readingCentreCaFile, m_caFile);
    EXPECT_EQ(config->pkcs11Module, QStringLiteral("/usr/lib/system.so"));
    EXPECT_EQ(config->language, QStringLiteral("ja"));
}

TEST_F(ConfigurationTest, RejectsPlainHttpReadingCentre)
{
    write(m_paths.userConfigFile(), "[reading_centre]\nurl=http://centre.example.jp/dicom-web\n");
    auto config = Configuration::load(m_paths);
    ASSERT_FALSE(config);
    EXPECT_EQ(config.error().code, ErrorCode::ConfigurationInvalid);
    EXPECT_TRUE(config.error().message.contains(QStringLiteral("reading_centre/url")));
    EXPECT_TRUE(config.error().message.contains(m_paths.userConfigFile())) << "names the file to fix";
}

TEST_F(ConfigurationTest, RejectsUnreadableCaFileAndRelativeModule)
{
    write(m_paths.userConfigFile(), "[reading_centre]\nca_file=/nonexistent/ca.pem\n");
    auto missingCa = Configuration::load(m_paths);
    ASSERT_FALSE(missingCa);
    EXPECT_TRUE(missingCa.error().message.contains(QStringLiteral("/nonexistent/ca.pem")));

    write(m_paths.userConfigFile(), "[pkcs11]\nmodule=libsofthsm2.so\n");
    auto relative = Configuration::load(m_paths);
    ASSERT_FALSE(relative);
    EXPECT_TRUE(relative.error().message.contains(QStringLiteral("pkcs11/module")));
}

TEST_F(ConfigurationTest, RejectsUnknownLanguage)
{
    write(m_paths.userConfigFile(), "[ui]\nlanguage=fr\n");
    auto config = Configuration::load(m_paths);
    ASSERT_FALSE(config);
    EXPECT_TRUE(config.error().message.contains(QStringLiteral("ui/language")));
}

TEST_F(ConfigurationTest, HostileFileContentIsAnErrorNotACrash)
{
    QByteArray garbage;
    for (int i = 0; i < 4096; ++i) {
        garbage.append(static_cast<char>((i * 7919) % 256));
    }
    write(m_paths.userConfigFile(), garbage);
    auto config = Configuration::load(m_paths);
    // Either rejected with a message or read as having no usable keys; never a crash or a half value.
    if (config) {
        EXPECT_TRUE(config->readingCentreUrl.isEmpty());
        EXPECT_TRUE(config->pkcs11Module.isEmpty());
    } else {
        EXPECT_FALSE(config.error().message.isEmpty());
    }
}

} // namespace

namespace {

TEST_F(ConfigurationTest, CardTrustAnchorsSetByTheAdministratorCannotBeReplacedByUsers)
{
    const QString rogue = m_root.filePath(QStringLiteral("rogue.pem"));
    write(rogue, "rogue");
    write(m_paths.systemConfigFile(),
          QStringLiteral("[smart_card]\ntrust_anchors=%1\n").arg(m_caFile).toUtf8());
    write(m_paths.userConfigFile(), QStringLiteral("[smart_card]\ntrust_anchors=%1\n").arg(rogue).toUtf8());
    auto config = Configuration::load(m_paths);
    ASSERT_TRUE(config) << config.error().toString().toStdString();
    EXPECT_EQ(config->cardTrustAnchorFile, m_caFile);
}

TEST_F(ConfigurationTest, CardTrustAnchorsFromTheUserFileWhenTheSystemSetsNone)
{
    write(m_paths.userConfigFile(),
          QStringLiteral("[smart_card]\ntrust_anchors=%1\ncrl_file=%1\n").arg(m_caFile).toUtf8());
    auto config = Configuration::load(m_paths);
    ASSERT_TRUE(config);
    EXPECT_EQ(config->cardTrustAnchorFile, m_caFile);
    EXPECT_EQ(config->cardCrlFile, m_caFile);
}

} // namespace
