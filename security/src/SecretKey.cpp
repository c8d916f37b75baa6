#include "dokuei/security/SecretKey.h"

#include <cstdlib>
#include <cstring>

#include <openssl/crypto.h>
#include <openssl/rand.h>

namespace dokuei::security {

SecretKey::SecretKey() = default;

SecretKey::~SecretKey()
{
    OPENSSL_cleanse(m_bytes.data(), m_bytes.size());
}

SecretKey::SecretKey(SecretKey&& other) noexcept : m_bytes(other.m_bytes)
{
    OPENSSL_cleanse(other.m_bytes.data(), other.m_bytes.size());
}

SecretKey& SecretKey::operator=(SecretKey&& other) noexcept
{
    if (this != &other) {
        m_bytes = other.m_bytes;
        OPENSSL_cleanse(other.m_bytes.data(), other.m_bytes.size());
    }
    return *this;
}

SecretKey SecretKey::random()
{
    SecretKey key;
    if (RAND_bytes(key.m_bytes.data(), static_cast<int>(key.m_bytes.size())) != 1) {
        // Without a working CSPRNG no key in the product would be safe: a broken invariant, not an
        // expected failure.
        std::abort();
    }
    return key;
}

Expected<SecretKey> SecretKey::fromBytes(QByteArrayView bytes)
{
    if (static_cast<std::size_t>(bytes.size()) != kSize) {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("A key must be exactly %1 bytes, got %2").arg(kSize).arg(bytes.size()));
    }
    SecretKey key;
    std::memcpy(key.m_bytes.data(), bytes.data(), kSize);
    return key;
}

QByteArrayView SecretKey::view() const
{
    return QByteArrayView(reinterpret_cast<const char*>(m_bytes.data()), static_cast<qsizetype>(kSize));
}

bool SecretKey::isNull() const
{
    std::uint8_t any = 0;
    for (const std::uint8_t byte : m_bytes) {
        any |= byte;
    }
    return any == 0;
}

bool SecretKey::equals(const SecretKey& other) const
{
    return CRYPTO_memcmp(m_bytes.data(), other.m_bytes.data(), kSize) == 0;
}

} // namespace dokuei::security
