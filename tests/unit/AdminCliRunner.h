#pragma once

// The real dokuei-admin binary run as an administrator runs it, for the CLI tests: DOKUEI_HOME (and the
// system configuration directory below it) set to a test directory, the binary from DOKUEI_BINARY_DIR.

#include <QProcess>
#include <QString>
#include <QStringList>

#include <gtest/gtest.h>

namespace dokuei::testing {

struct AdminResult
{
    int exitCode = -1; ///< -1 when it crashed or did not finish
    QString out;
    QString err;
};

inline AdminResult runAdmin(const QStringList& arguments, const QString& home)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DOKUEI_HOME"), home);
    env.insert(QStringLiteral("DOKUEI_SYSCONFDIR"), home + QStringLiteral("/etc"));
    process.setProcessEnvironment(env);
    process.start(qEnvironmentVariable("DOKUEI_BINARY_DIR") + QStringLiteral("/bin/dokuei-admin"), arguments);
    EXPECT_TRUE(process.waitForFinished(30000));
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            QString::fromUtf8(process.readAllStandardOutput()),
            QString::fromUtf8(process.readAllStandardError())};
}

} // namespace dokuei::testing
