#pragma once

#include "dokuei/common/Error.h"
#include "dokuei/common/WorkstationPaths.h"
#include "dokuei/security/SecretKey.h"

#include <QString>

namespace dokuei::security {

/// The workstation key: 32 random bytes in a file readable only by its owner, created at first run. It
/// is the root of the key hierarchy: the system vault's key is derived from it (see README, "Key
/// hierarchy").
class WorkstationKey
{
public:
    /// `<dataDir>/workstation.key`.
    static QString filePath(const WorkstationPaths& paths);

    /// Reads the key file, or creates it (mode 0600, written to a temporary file and linked into place so
    /// that a half-written key is never used) when it does not exist. Refuses, naming the file and saying
    /// how to fix it, a key file that is a symbolic link or not a regular file (PermissionDenied), belongs
    /// to another user or is accessible by group or others (PermissionDenied), or is not exactly 32 bytes
    /// (VaultKeyInvalid). The parent directory must exist.
    static Expected<SecretKey> loadOrCreate(const QString& path);
};

} // namespace dokuei::security
