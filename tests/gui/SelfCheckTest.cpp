#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>

#include <gtest/gtest.h>

namespace {

struct ProcessResult
{
    int exitCode = -1;
    QString output;
};

/// Runs build/bin/dokuei with a private DOKUEI_HOME whose configuration names `module`, and a private
/// SoftHSM2 configuration (so the module initialises without touching the system's tokens).
ProcessResult runDokuei(const QStringList& arguments, const QString& module)
{
    QTemporaryDir home;
    QTemporaryDir tokens;
    EXPECT_TRUE(home.isValid() && tokens.isValid());
    QFile config(home.filePath(QStringLiteral("dokuei.conf")));
    EXPECT_TRUE(config.open(QIODevice::WriteOnly));
    config.write(QStringLiteral("[pkcs11]\nmodule=%1\n").arg(module).toUtf8());
    config.close();
    QFile softhsm(tokens.filePath(QStringLiteral("softhsm2.conf")));
    EXPECT_TRUE(softhsm.open(QIODevice::WriteOnly));
    softhsm.write(QStringLiteral("directories.tokendir = %1\nobjectstore.backend = file\n")
                      .arg(tokens.path())
                      .toUtf8());
    softhsm.close();

    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DOKUEI_HOME"), home.path());
    env.insert(QStringLiteral("SOFTHSM2_CONF"), softhsm.fileName());
    env.insert(QStringLiteral("LANG"), QStringLiteral("C.UTF-8"));
    process.setProcessEnvironment(env);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(qEnvironmentVariable("DOKUEI_BIN_DIR") + QStringLiteral("/dokuei"), arguments);
    EXPECT_TRUE(process.waitForFinished(60000));
    return {process.exitCode(), QString::fromUtf8(process.readAll())};
}

const QString kSoftHsm = QStringLiteral("/usr/lib/softhsm/libsofthsm2.so");

TEST(SelfCheck, PassesWithAWorkingCardModuleAndOpenGl)
{
    const ProcessResult run = runDokuei({QStringLiteral("--self-check")}, kSoftHsm);
    EXPECT_EQ(run.exitCode, 0) << run.output.toStdString();
    for (const char* line :
         {"] Qt ", "] VTK ", "] DCMTK ", "] OpenSSL ", "] Memory locking", "RLIMIT_MEMLOCK"}) {
        EXPECT_TRUE(run.output.contains(QLatin1String(line))) << line << "\n" << run.output.toStdString();
    }
    EXPECT_TRUE(run.output.contains(QStringLiteral("[ok  ] OpenGL"))) << run.output.toStdString();
    EXPECT_TRUE(run.output.contains(QStringLiteral("[ok  ] Core dumps"))) << run.output.toStdString();
    EXPECT_TRUE(run.output.contains(QStringLiteral("[ok  ] PKCS#11 module  ") + kSoftHsm))
        << run.output.toStdString();
    EXPECT_TRUE(run.output.contains(QStringLiteral("self-check passed")));
}

TEST(SelfCheck, FailsWhenTheCardModuleIsMissing)
{
    const QString missing = QStringLiteral("/nonexistent/pkcs11-module.so");
    const ProcessResult run = runDokuei({QStringLiteral("--self-check")}, missing);
    EXPECT_NE(run.exitCode, 0) << run.output.toStdString();
    EXPECT_TRUE(run.output.contains(QStringLiteral("[FAIL] PKCS#11 module"))) << run.output.toStdString();
    EXPECT_TRUE(run.output.contains(missing)) << run.output.toStdString();
    EXPECT_TRUE(run.output.contains(QStringLiteral("self-check FAILED")));
}

TEST(SelfCheck, FailsWhenTheModuleIsNotPkcs11)
{
    const QString notPkcs11 = QStringLiteral("/lib/x86_64-linux-gnu/libz.so.1");
    ASSERT_TRUE(QFile::exists(notPkcs11));
    const ProcessResult run = runDokuei({QStringLiteral("--self-check")}, notPkcs11);
    EXPECT_NE(run.exitCode, 0) << run.output.toStdString();
    EXPECT_TRUE(run.output.contains(QStringLiteral("could not be loaded as a PKCS#11 module")))
        << run.output.toStdString();
}

TEST(SelfCheck, FailsWhenTheConfigurationIsInvalid)
{
    const ProcessResult run =
        runDokuei({QStringLiteral("--self-check")}, QStringLiteral("relative/module.so"));
    EXPECT_NE(run.exitCode, 0) << run.output.toStdString();
    EXPECT_TRUE(run.output.contains(QStringLiteral("[FAIL] Configuration"))) << run.output.toStdString();
    EXPECT_TRUE(run.output.contains(QStringLiteral("pkcs11/module must be an absolute path")))
        << run.output.toStdString();
}

TEST(CommandLine, PrintsTheVersion)
{
    const ProcessResult run = runDokuei({QStringLiteral("--version")}, kSoftHsm);
    EXPECT_EQ(run.exitCode, 0);
    EXPECT_TRUE(run.output.startsWith(QStringLiteral("dokuei 0."))) << run.output.toStdString();
}

} // namespace
