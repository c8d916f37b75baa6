#pragma once

#include "dokuei/common/Error.h"
#include "dokuei/common/WorkstationPaths.h"
#include "dokuei/security/KeyDerivation.h"
#include "dokuei/security/SecretKey.h"
#include "dokuei/security/Vault.h"

#include <functional>
#include <memory>

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace dokuei::security {

/// Each user's data key (a random 256-bit key that encrypts `<vaultDir>/users/<userId>.db`), kept in the
/// system vault (table user_keys) only wrapped:
/// - under a KEK = Argon2id(password, per-user salt) with AES-256-GCM (the user ID is authenticated data,
///   so a wrap cannot be moved to another account), and
/// - under the RSA public key of the user's bound card authentication certificate (RSA-OAEP-SHA256), so
///   that after an administrator's password reset the card (with its PIN) recovers the key.
/// A short check value of the key (HKDF, not the key) is stored so that a wrong key is never wrapped or
/// accepted.
class UserKeyring
{
public:
    /// `params` are used for new password wraps; each wrap stores its own, so they can be raised later.
    explicit UserKeyring(Vault& systemVault, Argon2Params params = {});

    /// A new random data key for `userId`, wrapped under `password`. Fails with InvalidArgument when the
    /// user already has a key or the ID is not a valid file name (letters, digits, '.', '_', '-').
    Expected<void> create(const QString& userId, QByteArrayView password);
    /// AuthenticationFailed for a wrong password, NotFound when the user has no key or no password wrap
    /// (after an administrator's reset: unwrap with the card instead).
    Expected<SecretKey> unwrapWithPassword(const QString& userId, QByteArrayView password);
    /// Replaces the password wrap (password change, or after a reset once the card unwrapped the key).
    /// InvalidArgument when `dataKey` is not this user's key.
    Expected<void> rewrapPassword(const QString& userId, const SecretKey& dataKey,
                                  QByteArrayView newPassword);
    /// Wraps the key for the card: RSA-OAEP-SHA256 with the public key of `certificateDer` (an RSA
    /// certificate). CertificateInvalid for anything else.
    Expected<void> setCardWrap(const QString& userId, const SecretKey& dataKey,
                               QByteArrayView certificateDer);

    /// RSA-OAEP-SHA256 decryption on the card (called once, with the stored ciphertext).
    using CardDecrypt = std::function<Expected<QByteArray>(QByteArrayView ciphertext)>;
    /// The callback's error as is; NotFound without a card wrap; VaultKeyInvalid when what the card
    /// returned is not this user's key (another card).
    Expected<SecretKey> unwrapWithCard(const QString& userId, const CardDecrypt& decrypt);

    /// Removes the password wrap (an administrator's reset: the password is unknown). Refused with
    /// InvalidArgument when there is no card wrap, because the user's data would then be unrecoverable;
    /// with `acceptDataLoss` the user's key is deleted instead (create() makes a new one; the old user
    /// vault must be retired with retireUserVault()).
    Expected<void> dropPasswordWrap(const QString& userId, bool acceptDataLoss = false);
    bool hasPasswordWrap(const QString& userId);
    bool hasCardWrap(const QString& userId);
    /// SHA-256 of the certificate the card wrap was made for (empty without one).
    QByteArray cardCertificateSha256(const QString& userId);

    /// True for IDs usable as a file name: 1-64 of [A-Za-z0-9._-], not starting with '.'.
    static bool isValidUserId(const QString& userId);

private:
    Expected<void> ensureTable();
    /// NotFound when the user has no data key; InvalidArgument when `dataKey` is not theirs.
    Expected<void> requireDataKeyOf(const QString& userId, const SecretKey& dataKey);
    Vault& m_vault;
    Argon2Params m_params;
    bool m_ready = false;
};

/// `<vaultDir>/users/<userId>.db`.
QString userVaultPath(const WorkstationPaths& paths, const QString& userId);
/// Opens (creating as needed, mode 0600 in a 0700 directory) the user's vault with a key derived from
/// the data key (HKDF "dokuei user vault v1").
Expected<std::unique_ptr<Vault>> openUserVault(const WorkstationPaths& paths, const QString& userId,
                                               const SecretKey& dataKey);
/// Renames an unrecoverable user vault to `<userId>.db.unrecoverable-<UTC time>` (kept for the record,
/// never deleted silently); returns the new path, or an empty string when there was none.
Expected<QString> retireUserVault(const WorkstationPaths& paths, const QString& userId);

} // namespace dokuei::security
