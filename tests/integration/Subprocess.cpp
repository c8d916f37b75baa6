#include "Subprocess.h"

#include <QProcess>

namespace dokuei::integration {

SubprocessResult runSubprocess(const QString& program, const QStringList& args,
                               const QProcessEnvironment& extraEnv, int timeoutMs)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(extraEnv);
    process.setProcessEnvironment(env);
    process.start(program, args);
    SubprocessResult result;
    if (!process.waitForStarted(10000)) {
        result.failure = QStringLiteral("could not start %1: %2").arg(program, process.errorString());
        return result;
    }
    process.closeWriteChannel();
    // waitForFinished keeps draining both pipes into QProcess buffers, so a large stdout (a whole
    // series) never blocks the child.
    if (!process.waitForFinished(timeoutMs)) {
        result.failure = QStringLiteral("%1 did not finish within %2 ms").arg(program).arg(timeoutMs);
        process.kill();
        process.waitForFinished(5000);
    } else if (process.exitStatus() != QProcess::NormalExit) {
        result.failure = QStringLiteral("%1 crashed").arg(program);
    } else {
        result.exitCode = process.exitCode();
    }
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

} // namespace dokuei::integration
