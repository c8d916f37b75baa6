#pragma once

#include "dokuei/common/Error.h"
#include "dokuei/security/SecretKey.h"

#include <cstdint>

#include <QByteArrayView>

namespace dokuei::security {

/// Argon2id cost parameters. The defaults are the production values (3 passes over 64 MiB, one lane);
/// they are stored next to everything derived with them, so raising them later only affects new
/// derivations.
struct Argon2Params
{
    std::uint32_t timeCost = 3;
    std::uint32_t memoryKiB = 65536;
    std::uint32_t parallelism = 1;

    friend bool operator==(const Argon2Params&, const Argon2Params&) = default;
};

/// Bounds accepted when parameters come from a file (a backup header, a stored wrap): anything outside is
/// hostile or damaged input and is refused instead of allocating gigabytes.
bool argon2ParamsPlausible(const Argon2Params& params);

/// Argon2id (libargon2, version 0x13) over the password's bytes (UTF-8 for text) and a salt of at least
/// 8 bytes (dokuei uses 16). Fails with InvalidArgument for a short salt or implausible parameters, and
/// VaultFailure when libargon2 reports an error (for example not enough memory), with its message.
Expected<SecretKey> deriveKeyArgon2id(QByteArrayView password, QByteArrayView salt,
                                      const Argon2Params& params);

/// HKDF-SHA256 (OpenSSL) of a random key with a purpose label as `info` (no salt: the input is already
/// uniformly random). Different labels give independent keys.
SecretKey deriveSubkey(const SecretKey& key, QByteArrayView info);

/// `size` random bytes from OpenSSL's CSPRNG (salts, nonces).
QByteArray randomBytes(qsizetype size);

} // namespace dokuei::security
