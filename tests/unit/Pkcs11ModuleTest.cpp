#include "dokuei/security/Pkcs11Module.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>

#include <gtest/gtest.h>

namespace {

using dokuei::ErrorCode;
using dokuei::security::Pkcs11Module;

const QString kSoftHsm = QStringLiteral("/usr/lib/softhsm/libsofthsm2.so");

/// A private SoftHSM2 token store for one test, selected through SOFTHSM2_CONF.
class SoftHsmStore
{
public:
    SoftHsmStore()
    {
        m_conf = m_dir.filePath(QStringLiteral("softhsm2.conf"));
        QFile conf(m_conf);
        if (conf.open(QIODevice::WriteOnly)) {
            conf.write(
                QStringLiteral("directories.tokendir = %1\nobjectstore.backend = file\nlog.level = ERROR\n")
                    .arg(m_dir.path())
                    .toUtf8());
        }
        qputenv("SOFTHSM2_CONF", QFile::encodeName(m_conf));
    }
    ~SoftHsmStore() { qunsetenv("SOFTHSM2_CONF"); }

    bool initToken(const QString& label)
    {
        QProcess process;
        process.start(QStringLiteral("softhsm2-util"),
                      {QStringLiteral("--init-token"), QStringLiteral("--free"), QStringLiteral("--label"),
                       label, QStringLiteral("--so-pin"), QStringLiteral("87654321"), QStringLiteral("--pin"),
                       QStringLiteral("123456")});
        return process.waitForFinished(30000) && process.exitCode() == 0;
    }

private:
    QTemporaryDir m_dir;
    QString m_conf;
};

TEST(Pkcs11Module, LoadsSoftHsmAndListsItsTokens)
{
    SoftHsmStore store;
    ASSERT_TRUE(store.initToken(QStringLiteral("dokuei-unit-card")));
    auto module = Pkcs11Module::load(kSoftHsm);
    ASSERT_TRUE(module) << module.error().toString().toStdString();
    EXPECT_EQ((*module)->path(), kSoftHsm);
    EXPECT_TRUE((*module)->manufacturer().contains(QStringLiteral("SoftHSM")))
        << (*module)->manufacturer().toStdString();
    auto tokens = (*module)->tokens();
    ASSERT_TRUE(tokens) << tokens.error().toString().toStdString();
    ASSERT_EQ(tokens->size(), 1);
    EXPECT_EQ(tokens->front().label, QStringLiteral("dokuei-unit-card"));
    EXPECT_TRUE(tokens->front().userPinSet);
    EXPECT_FALSE(tokens->front().serialNumber.isEmpty());
    EXPECT_FALSE(tokens->front().userPinLocked);
}

TEST(Pkcs11Module, MissingModuleIsAClearError)
{
    auto module = Pkcs11Module::load(QStringLiteral("/nonexistent/opensc-pkcs11.so"));
    ASSERT_FALSE(module);
    EXPECT_EQ(module.error().code, ErrorCode::Pkcs11ModuleUnavailable);
    EXPECT_TRUE(module.error().message.contains(QStringLiteral("/nonexistent/opensc-pkcs11.so")));
}

TEST(Pkcs11Module, UnconfiguredOrRelativeModuleIsRefused)
{
    auto empty = Pkcs11Module::load(QString());
    ASSERT_FALSE(empty);
    EXPECT_TRUE(empty.error().message.contains(QStringLiteral("pkcs11/module")));
    auto relative = Pkcs11Module::load(QStringLiteral("libsofthsm2.so"));
    ASSERT_FALSE(relative);
    EXPECT_EQ(relative.error().code, ErrorCode::Pkcs11ModuleUnavailable);
}

TEST(Pkcs11Module, ALibraryThatIsNotPkcs11IsRefused)
{
    const QString zlib = QStringLiteral("/lib/x86_64-linux-gnu/libz.so.1");
    ASSERT_TRUE(QFile::exists(zlib));
    auto module = Pkcs11Module::load(zlib);
    ASSERT_FALSE(module);
    EXPECT_EQ(module.error().code, ErrorCode::Pkcs11ModuleUnavailable);
    EXPECT_TRUE(module.error().message.contains(zlib));
}

TEST(Pkcs11Module, AFileThatIsNotALibraryIsRefused)
{
    QTemporaryDir dir;
    const QString fake = dir.filePath(QStringLiteral("fake-pkcs11.so"));
    QFile file(fake);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.write("\x7f"
               "ELF this is not a shared object");
    file.close();
    auto module = Pkcs11Module::load(fake);
    ASSERT_FALSE(module);
    EXPECT_TRUE(module.error().message.contains(fake));
}

} // namespace
