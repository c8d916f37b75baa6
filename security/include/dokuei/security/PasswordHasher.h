#pragma once

#include "dokuei/common/Error.h"
#include "dokuei/security/KeyDerivation.h"

#include <QString>

namespace dokuei::security {

/// Irreversible password storage: Argon2id (libargon2, version 0x13) in the PHC string format
/// `$argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>` with a fresh 16-byte random salt and a
/// 32-byte hash. The parameters travel with each hash, so raising them only affects new hashes, and
/// needsRehash() tells the caller to upgrade an old one at the next successful sign-in.
///
/// The password is hashed as the UTF-8 bytes of the QString given: normalise it first
/// (PasswordPolicy::normalise). Temporary copies of the password are zeroed.
class PasswordHasher
{
public:
    explicit PasswordHasher(Argon2Params params = {});

    const Argon2Params& params() const { return m_params; }

    /// A new PHC string for the password. InvalidArgument for implausible parameters, VaultFailure when
    /// libargon2 fails (for example not enough memory), with its message.
    Expected<QString> hash(const QString& password) const;

    /// True when `encoded` is an Argon2id PHC string and the password matches it (constant-time
    /// comparison inside libargon2). False for anything else, including malformed strings and strings
    /// whose parameters are implausible (refused before allocating).
    bool verify(const QString& password, const QString& encoded) const;

    /// True when `encoded` is not an Argon2id v=19 string with at least this hasher's memory and time cost
    /// (or cannot be parsed): the caller should store hash(password) after the next successful verify().
    bool needsRehash(const QString& encoded) const;

    /// A well-formed PHC string with this hasher's parameters and random salt and hash that no password
    /// matches. Verifying against it costs the same as verifying a real hash: used for unknown account
    /// IDs so that they take as long as wrong passwords.
    QString decoy() const;

    /// The parameters inside a PHC string; std::nullopt when it is not `$argon2id$v=19$m=..,t=..,p=..$..$..`.
    static std::optional<Argon2Params> parseParams(const QString& encoded);

private:
    Argon2Params m_params;
};

} // namespace dokuei::security
