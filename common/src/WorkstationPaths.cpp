#include "dokuei/common/WorkstationPaths.h"

#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

#include <QDir>
#include <QFileInfo>

namespace dokuei {
namespace {

QString absoluteOrEmpty(const QString& path)
{
    if (path.isEmpty() || !QDir::isAbsolutePath(path)) {
        return {};
    }
    return QDir::cleanPath(path);
}

Expected<void> ensurePrivateDirectory(const QString& path)
{
    const QByteArray native = QFile::encodeName(path);
    struct stat st
    {
    };
    if (::lstat(native.constData(), &st) != 0) {
        if (errno != ENOENT) {
            return fail(ErrorCode::IoFailure, QStringLiteral("Cannot inspect %1: %2")
                                                  .arg(path, QString::fromLocal8Bit(std::strerror(errno))));
        }
        // Create missing parents with the default mode, the leaf itself private.
        const QString parent = QFileInfo(path).absolutePath();
        if (!QDir().mkpath(parent)) {
            return fail(ErrorCode::IoFailure, QStringLiteral("Cannot create directory %1").arg(parent));
        }
        if (::mkdir(native.constData(), 0700) != 0 && errno != EEXIST) {
            return fail(ErrorCode::IoFailure, QStringLiteral("Cannot create directory %1: %2")
                                                  .arg(path, QString::fromLocal8Bit(std::strerror(errno))));
        }
        if (::lstat(native.constData(), &st) != 0) {
            return fail(ErrorCode::IoFailure,
                        QStringLiteral("Directory %1 vanished after creation").arg(path));
        }
    }
    if (!S_ISDIR(st.st_mode)) {
        return fail(
            ErrorCode::InvalidArgument,
            QStringLiteral("%1 exists but is not a directory (symbolic links are refused)").arg(path));
    }
    if (st.st_uid != ::geteuid()) {
        return fail(ErrorCode::PermissionDenied,
                    QStringLiteral("%1 belongs to user id %2, not to the current user (%3); "
                                   "dokuei keeps its files only in directories the user owns")
                        .arg(path)
                        .arg(st.st_uid)
                        .arg(::geteuid()));
    }
    if ((st.st_mode & 077) != 0) {
        return fail(ErrorCode::PermissionDenied,
                    QStringLiteral("%1 is accessible by other users (mode %2); run: chmod 700 %1")
                        .arg(path)
                        .arg(st.st_mode & 0777, 3, 8, QLatin1Char('0')));
    }
    return {};
}

// True unless `path` certainly does not exist: any answer of lstat but ENOENT (a file, a dangling
// symbolic link, a directory we may not search) counts as present, so the check fails closed.
bool mayExist(const QString& path)
{
    struct stat st
    {
    };
    return ::lstat(QFile::encodeName(path).constData(), &st) == 0 || errno != ENOENT;
}

} // namespace

Expected<WorkstationPaths> WorkstationPaths::resolve(const QProcessEnvironment& environment)
{
    return resolve(environment, defaultSystemDirectory());
}

Expected<WorkstationPaths> WorkstationPaths::resolve(const QProcessEnvironment& environment,
                                                     const QString& systemDirectory)
{
    WorkstationPaths paths;
    // The administrator's policy cannot be escaped: DOKUEI_SYSCONFDIR (tests and CLI tests point it at a
    // scratch directory) is honoured only while the real system directory holds no dokuei.conf. Once the
    // administrator installs /etc/dokuei/dokuei.conf, that file is always read and its [policy] and
    // [smart_card] keys stay locked, whatever the user's environment says. (A build-time switch was not
    // chosen: the tests run the very binaries that ship, and the rule must hold for every build.)
    paths.systemDir = systemDirectory;
    const QString requested = absoluteOrEmpty(environment.value(QStringLiteral("DOKUEI_SYSCONFDIR")));
    if (!requested.isEmpty() && !mayExist(systemDirectory + QStringLiteral("/dokuei.conf"))) {
        paths.systemDir = requested;
    }

    if (environment.contains(QStringLiteral("DOKUEI_HOME"))) {
        const QString home = absoluteOrEmpty(environment.value(QStringLiteral("DOKUEI_HOME")));
        if (home.isEmpty()) {
            return fail(ErrorCode::ConfigurationInvalid,
                        QStringLiteral("DOKUEI_HOME must be an absolute path, got \"%1\"")
                            .arg(environment.value(QStringLiteral("DOKUEI_HOME"))));
        }
        paths.configDir = home;
        paths.dataDir = home;
        return paths;
    }

    const QString home = absoluteOrEmpty(environment.value(QStringLiteral("HOME")));
    QString configHome = absoluteOrEmpty(environment.value(QStringLiteral("XDG_CONFIG_HOME")));
    QString dataHome = absoluteOrEmpty(environment.value(QStringLiteral("XDG_DATA_HOME")));
    if (configHome.isEmpty() && !home.isEmpty()) {
        configHome = home + QStringLiteral("/.config");
    }
    if (dataHome.isEmpty() && !home.isEmpty()) {
        dataHome = home + QStringLiteral("/.local/share");
    }
    if (configHome.isEmpty() || dataHome.isEmpty()) {
        return fail(ErrorCode::ConfigurationInvalid,
                    QStringLiteral("Cannot find where to keep dokuei's files: set DOKUEI_HOME, or HOME, "
                                   "or XDG_CONFIG_HOME and XDG_DATA_HOME to absolute paths"));
    }
    paths.configDir = configHome + QStringLiteral("/dokuei");
    paths.dataDir = dataHome + QStringLiteral("/dokuei");
    return paths;
}

Expected<void> WorkstationPaths::ensureUserDirectories() const
{
    if (auto ok = ensurePrivateDirectory(configDir); !ok) {
        return ok;
    }
    if (dataDir != configDir) {
        return ensurePrivateDirectory(dataDir);
    }
    return {};
}

} // namespace dokuei
