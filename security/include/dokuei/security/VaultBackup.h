#pragma once

#include "dokuei/common/Error.h"
#include "dokuei/common/WorkstationPaths.h"
#include "dokuei/security/KeyDerivation.h"

#include <QByteArrayView>
#include <QString>
#include <QStringList>

namespace dokuei::security {

class Vault;

/// Encrypted, integrity-protected backups of what the workstation keeps: the system vault (exported
/// under a key derived from the backup passphrase, so the backup does not depend on this machine's
/// workstation key), its audit head file, and the user vaults (copied as they are: already encrypted
/// under the users' data keys, whose wraps are in the system vault).
///
/// File format (big-endian integers):
///   "DOKUEI-VAULT-BACKUP-1\n" | u32 Argon2 t | u32 Argon2 m (KiB) | u32 Argon2 p | 16-byte salt |
///   12-byte nonce | AES-256-GCM ciphertext of the payload | 16-byte tag
/// The header before the nonce is the GCM associated data. Key: HKDF-SHA256(Argon2id(passphrase, salt),
/// "dokuei backup container v1"). Payload: entries of (u32 name length, UTF-8 name, u64 size, bytes):
/// "manifest.json", "system.db", "system.db.audit-head", "users/<id>.db" (and "-journal" files).
class VaultBackup
{
public:
    struct Summary
    {
        QStringList entries;
        qint64 bytes = 0;
        qint64 auditRecords = 0;  ///< records in the backed-up / restored trail
        QString previousVaultDir; ///< restore: where the replaced vault directory was kept
    };

    /// Passphrases shorter than this are refused (a backup leaves the workstation).
    static constexpr qsizetype kMinimumPassphraseLength = 12;

    /// Writes the backup to `file` (mode 0600, atomically). `systemVault` is the open system vault of
    /// `paths`.
    static Expected<Summary> create(const WorkstationPaths& paths, Vault& systemVault, const QString& file,
                                    QByteArrayView passphrase, const Argon2Params& params = {});

    /// Verifies the backup completely before touching anything: the GCM tag (wrong passphrase or any
    /// altered byte -> BackupInvalid), the structure, the system vault's integrity_check and its audit
    /// chain. Then re-encrypts the system vault under this workstation's key into a staging directory,
    /// verifies that copy, and swaps directories; the replaced vault directory is kept (previousVaultDir)
    /// and put back if the swapped-in vault fails to open. The system vault must not be open meanwhile.
    static Expected<Summary> restore(const WorkstationPaths& paths, const QString& file,
                                     QByteArrayView passphrase);
};

} // namespace dokuei::security
