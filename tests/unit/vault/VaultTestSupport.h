#pragma once

#include "dokuei/common/WorkstationPaths.h"
#include "dokuei/security/KeyDerivation.h"

#include <QByteArray>
#include <QFile>
#include <QTemporaryDir>

namespace dokuei::security::testing {

/// Cheap Argon2id parameters so the suite stays fast (production uses the defaults).
inline Argon2Params fastArgon2()
{
    return Argon2Params{1, 8192, 1};
}

/// Workstation paths inside a temporary directory (DOKUEI_HOME layout).
inline WorkstationPaths pathsIn(const QTemporaryDir& dir)
{
    WorkstationPaths paths;
    paths.configDir = dir.path() + QStringLiteral("/home");
    paths.dataDir = dir.path() + QStringLiteral("/home");
    paths.systemDir = dir.path() + QStringLiteral("/etc");
    return paths;
}

inline QByteArray readAll(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

inline bool writeAll(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(bytes) == bytes.size();
}

} // namespace dokuei::security::testing
