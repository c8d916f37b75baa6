#include "dokuei/security/SystemVault.h"

#include "dokuei/security/KeyDerivation.h"
#include "dokuei/security/WorkstationKey.h"

#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

#include <QDir>
#include <QFile>

namespace dokuei::security {

QString systemVaultPath(const WorkstationPaths& paths)
{
    return paths.vaultDir() + QStringLiteral("/system.db");
}

SecretKey systemVaultKey(const SecretKey& workstationKey)
{
    return deriveSubkey(workstationKey, "dokuei system vault v1");
}

Expected<void> ensurePrivateDirectory(const QString& dir)
{
    const QByteArray name = QFile::encodeName(dir);
    struct stat status
    {
    };
    if (::lstat(name.constData(), &status) != 0) {
        if (!QDir().mkpath(dir) || ::chmod(name.constData(), 0700) != 0) {
            return fail(ErrorCode::IoFailure, QStringLiteral("Cannot create the directory \"%1\": %2")
                                                  .arg(dir, QString::fromLocal8Bit(std::strerror(errno))));
        }
        return {};
    }
    if (!S_ISDIR(status.st_mode)) {
        return fail(ErrorCode::PermissionDenied,
                    QStringLiteral("\"%1\" must be a directory (not a file or a symbolic link)").arg(dir));
    }
    if (status.st_uid != ::geteuid() || (status.st_mode & 077) != 0) {
        return fail(ErrorCode::PermissionDenied,
                    QStringLiteral("The directory \"%1\" must belong to this user and have mode 0700 (it has "
                                   "owner uid %2, mode %3): run `chmod 700 %1` as its owner")
                        .arg(dir)
                        .arg(status.st_uid)
                        .arg(status.st_mode & 0777, 4, 8, QLatin1Char('0')));
    }
    return {};
}

Expected<std::unique_ptr<Vault>> openSystemVault(const WorkstationPaths& paths)
{
    if (auto directories = paths.ensureUserDirectories(); !directories) {
        return std::unexpected(directories.error());
    }
    if (auto vaultDir = ensurePrivateDirectory(paths.vaultDir()); !vaultDir) {
        return std::unexpected(vaultDir.error());
    }
    auto workstationKey = WorkstationKey::loadOrCreate(WorkstationKey::filePath(paths));
    if (!workstationKey) {
        return std::unexpected(workstationKey.error());
    }
    return Vault::open(systemVaultPath(paths), systemVaultKey(*workstationKey));
}

} // namespace dokuei::security
