#pragma once

#include "dokuei/common/Error.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include <QByteArray>
#include <QByteArrayView>

namespace dokuei::security {

/// 32 bytes of key material (a 256-bit key). Zeroed on destruction and when moved from; move-only so that
/// no accidental copy lingers in memory. A default-constructed key is all zero bytes (isNull()).
class SecretKey
{
public:
    static constexpr std::size_t kSize = 32;

    SecretKey();
    ~SecretKey();
    SecretKey(SecretKey&& other) noexcept;
    SecretKey& operator=(SecretKey&& other) noexcept;
    SecretKey(const SecretKey&) = delete;
    SecretKey& operator=(const SecretKey&) = delete;

    /// A fresh key from OpenSSL's CSPRNG (RAND_bytes). Aborts only if the CSPRNG is broken (an invariant:
    /// nothing in dokuei can run safely without it).
    static SecretKey random();
    /// Copies exactly kSize bytes; fails with InvalidArgument naming the size otherwise.
    static Expected<SecretKey> fromBytes(QByteArrayView bytes);

    std::span<const std::uint8_t, kSize> bytes() const
    {
        return std::span<const std::uint8_t, kSize>(m_bytes);
    }
    std::span<std::uint8_t, kSize> mutableBytes() { return std::span<std::uint8_t, kSize>(m_bytes); }
    /// The bytes as a view (for APIs taking QByteArrayView); valid while this key lives.
    QByteArrayView view() const;
    /// True when every byte is zero (default-constructed or moved from).
    bool isNull() const;
    /// Constant-time comparison.
    bool equals(const SecretKey& other) const;

private:
    std::array<std::uint8_t, kSize> m_bytes{};
};

} // namespace dokuei::security
