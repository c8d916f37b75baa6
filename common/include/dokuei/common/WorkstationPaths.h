#pragma once

#include "dokuei/common/Error.h"

#include <QProcessEnvironment>
#include <QString>

namespace dokuei {

/// Where dokuei keeps its files on this workstation.
///
/// - `$DOKUEI_HOME` set: configuration and vault both live in that one directory (tests, demo, kiosks).
/// - otherwise the XDG base directories: `$XDG_CONFIG_HOME/dokuei` (default `~/.config/dokuei`) for the
///   configuration and `$XDG_DATA_HOME/dokuei` (default `~/.local/share/dokuei`) for the vault.
/// - system-wide policy set by the administrator: `/etc/dokuei`. `$DOKUEI_SYSCONFDIR` (an absolute path)
///   replaces it for tests only while `/etc/dokuei/dokuei.conf` does not exist: once the administrator
///   has installed a system configuration, it is always the one read, so no user can escape its locked
///   keys by pointing the variable elsewhere.
/// Nothing here ever holds patient data in the clear: the vault is encrypted.
struct WorkstationPaths
{
    QString configDir;
    QString dataDir;
    QString systemDir;

    QString userConfigFile() const { return configDir + QStringLiteral("/dokuei.conf"); }
    QString systemConfigFile() const { return systemDir + QStringLiteral("/dokuei.conf"); }
    QString vaultDir() const { return dataDir + QStringLiteral("/vault"); }

    /// Resolves the directories from an environment (pure: creates nothing). Fails when neither
    /// DOKUEI_HOME nor HOME nor the XDG variables give an absolute path.
    static Expected<WorkstationPaths> resolve(const QProcessEnvironment& environment);
    /// The same with another system directory in place of `/etc/dokuei` (for tests of the override rule).
    static Expected<WorkstationPaths> resolve(const QProcessEnvironment& environment,
                                              const QString& systemDirectory);

    /// The administrator's system directory, `/etc/dokuei`.
    static QString defaultSystemDirectory() { return QStringLiteral("/etc/dokuei"); }

    /// Creates the per-user directories with mode 0700. Fails, naming the directory, when one cannot be
    /// created, is not a directory, belongs to another user, or is readable by group or others (the
    /// message says how to fix it). Leaves the system directory alone: it belongs to the administrator.
    Expected<void> ensureUserDirectories() const;
};

} // namespace dokuei
