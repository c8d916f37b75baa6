#pragma once

#include "dokuei/common/Error.h"
#include "dokuei/common/WorkstationPaths.h"
#include "dokuei/security/SecretKey.h"
#include "dokuei/security/Vault.h"

#include <memory>

namespace dokuei::security {

/// `<vaultDir>/system.db`: accounts, policy, key wraps and the audit trail of this workstation.
QString systemVaultPath(const WorkstationPaths& paths);

/// The system vault's key: HKDF-SHA256 of the workstation key with the label "dokuei system vault v1".
SecretKey systemVaultKey(const SecretKey& workstationKey);

/// Opens (creating as needed: directories 0700, workstation key 0600, vault 0600) the system vault of
/// this workstation with a key derived from the workstation key (`<dataDir>/workstation.key`). Fails with
/// the workstation key's or the vault's error (PermissionDenied for a key file others can read or that
/// belongs to someone else, VaultKeyInvalid when the key does not open the vault, ...).
Expected<std::unique_ptr<Vault>> openSystemVault(const WorkstationPaths& paths);

/// Creates `dir` (and parents) with mode 0700 if missing; refuses one that others can access.
Expected<void> ensurePrivateDirectory(const QString& dir);

} // namespace dokuei::security
