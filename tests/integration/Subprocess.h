#pragma once

#include <QByteArray>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace dokuei::integration {

// What a finished child process left behind. exitCode is -1 when it did not start, crashed or timed out.
struct SubprocessResult
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QString failure; // empty when the process ran to completion (whatever its exit code)
};

// Runs program with args (no shell), stdin closed, waiting at most timeoutMs. The environment is the
// test's own plus extraEnv.
SubprocessResult runSubprocess(const QString& program, const QStringList& args,
                               const QProcessEnvironment& extraEnv = {}, int timeoutMs = 60000);

} // namespace dokuei::integration
