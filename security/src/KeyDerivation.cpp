#include "dokuei/security/KeyDerivation.h"

#include <argon2.h>
#include <cstdlib>
#include <memory>

#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

namespace dokuei::security {
namespace {

constexpr qsizetype kMinimumSaltSize = 8; // libargon2's minimum; dokuei generates 16-byte salts

struct PkeyContextDeleter
{
    void operator()(EVP_PKEY_CTX* context) const { EVP_PKEY_CTX_free(context); }
};

} // namespace

bool argon2ParamsPlausible(const Argon2Params& params)
{
    return params.timeCost >= 1 && params.timeCost <= 64 && params.parallelism >= 1 &&
           params.parallelism <= 64 && params.memoryKiB >= 8 * params.parallelism &&
           params.memoryKiB <= 4U * 1024U * 1024U;
}

Expected<SecretKey> deriveKeyArgon2id(QByteArrayView password, QByteArrayView salt,
                                      const Argon2Params& params)
{
    if (salt.size() < kMinimumSaltSize) {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("Argon2id needs a salt of at least %1 bytes, got %2")
                        .arg(kMinimumSaltSize)
                        .arg(salt.size()));
    }
    if (!argon2ParamsPlausible(params)) {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("Argon2id parameters out of range (t=%1, m=%2 KiB, p=%3): the stored "
                                   "parameters are damaged")
                        .arg(params.timeCost)
                        .arg(params.memoryKiB)
                        .arg(params.parallelism));
    }
    SecretKey key;
    const int rc =
        argon2id_hash_raw(params.timeCost, params.memoryKiB, params.parallelism, password.data(),
                          static_cast<std::size_t>(password.size()), salt.data(),
                          static_cast<std::size_t>(salt.size()), key.mutableBytes().data(), SecretKey::kSize);
    if (rc != ARGON2_OK) {
        return fail(ErrorCode::VaultFailure, QStringLiteral("Argon2id key derivation failed: %1 (m=%2 KiB)")
                                                 .arg(QString::fromLatin1(argon2_error_message(rc)))
                                                 .arg(params.memoryKiB));
    }
    return key;
}

SecretKey deriveSubkey(const SecretKey& key, QByteArrayView info)
{
    SecretKey subkey;
    std::unique_ptr<EVP_PKEY_CTX, PkeyContextDeleter> context(EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr));
    std::size_t length = SecretKey::kSize;
    const bool ok =
        context && EVP_PKEY_derive_init(context.get()) == 1 &&
        EVP_PKEY_CTX_set_hkdf_md(context.get(), EVP_sha256()) == 1 &&
        EVP_PKEY_CTX_set1_hkdf_key(context.get(), key.bytes().data(), static_cast<int>(SecretKey::kSize)) ==
            1 &&
        EVP_PKEY_CTX_add1_hkdf_info(context.get(), reinterpret_cast<const unsigned char*>(info.data()),
                                    static_cast<int>(info.size())) == 1 &&
        EVP_PKEY_derive(context.get(), subkey.mutableBytes().data(), &length) == 1 &&
        length == SecretKey::kSize;
    if (!ok) {
        // HKDF-SHA256 is part of every OpenSSL 3 build; failing here is a broken installation.
        std::abort();
    }
    return subkey;
}

QByteArray randomBytes(qsizetype size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(size)) != 1) {
        std::abort();
    }
    return bytes;
}

} // namespace dokuei::security
