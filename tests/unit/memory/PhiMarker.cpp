#include "PhiMarker.h"

#include <array>
#include <cstring>
#include <stdexcept>
#include <sys/random.h>

namespace dokuei::security::testing {
namespace {

SecureBuffer mustAllocate(std::size_t bytes)
{
    auto buffer = SecureBuffer::allocate(bytes);
    if (!buffer) {
        throw std::runtime_error(buffer.error().toString().toStdString());
    }
    return std::move(*buffer);
}

} // namespace

void fillRandom(std::byte* data, std::size_t bytes)
{
    std::size_t done = 0;
    while (done < bytes) {
        const ssize_t got = ::getrandom(data + done, bytes - done, 0);
        if (got <= 0) {
            throw std::runtime_error("getrandom failed");
        }
        done += static_cast<std::size_t>(got);
    }
}

PhiMarker PhiMarker::random(std::size_t bytes)
{
    SecureBuffer clear = mustAllocate(bytes);
    fillRandom(clear.data(), clear.size());
    return fromClear(std::move(clear));
}

PhiMarker PhiMarker::fromClear(SecureBuffer&& clear)
{
    PhiMarker marker;
    marker.m_masked = mustAllocate(clear.size());
    do {
        fillRandom(&marker.m_mask, 1);
    } while (marker.m_mask == std::byte{0});
    for (std::size_t i = 0; i < clear.size(); ++i) {
        marker.m_masked.data()[i] = clear.data()[i] ^ marker.m_mask;
    }
    clear.release();
    return marker;
}

SecureBuffer PhiMarker::reveal() const
{
    SecureBuffer clear = mustAllocate(m_masked.size());
    for (std::size_t i = 0; i < m_masked.size(); ++i) {
        clear.data()[i] = m_masked.data()[i] ^ m_mask;
    }
    return clear;
}

long long PhiMarker::hits() const
{
    SecureBuffer clear = reveal();
    const auto result = MemoryScanner::scan(
        QByteArrayView(reinterpret_cast<const char*>(clear.data()), static_cast<qsizetype>(clear.size())));
    clear.release();
    return result ? static_cast<long long>(result->hits) : -1;
}

PhiMarkers makePhiMarkers()
{
    // Family name 山田, the DICOM PN separator, then 16 random katakana (ァ..ヶ): about 100 random bits.
    constexpr std::array<char16_t, 3> kFamily{u'\u5C71', u'\u7530', u'^'};
    constexpr std::size_t kRandomChars = 16;
    constexpr std::size_t kChars = kFamily.size() + kRandomChars;

    SecureBuffer utf16 = mustAllocate(kChars * sizeof(char16_t));
    SecureBuffer randomBytes = mustAllocate(kRandomChars);
    fillRandom(randomBytes.data(), randomBytes.size());
    auto* units = reinterpret_cast<char16_t*>(utf16.data());
    std::copy(kFamily.begin(), kFamily.end(), units);
    for (std::size_t i = 0; i < kRandomChars; ++i) {
        units[kFamily.size() + i] =
            static_cast<char16_t>(0x30A1 + std::to_integer<unsigned>(randomBytes.data()[i]) % 86);
    }
    randomBytes.release();

    // Every character is in the BMP and outside the surrogates: UTF-8 is 1 byte below U+0080, else 3.
    std::size_t utf8Bytes = 0;
    for (std::size_t i = 0; i < kChars; ++i) {
        utf8Bytes += units[i] < 0x80 ? 1 : 3;
    }
    SecureBuffer utf8 = mustAllocate(utf8Bytes);
    auto* out = reinterpret_cast<unsigned char*>(utf8.data());
    for (std::size_t i = 0; i < kChars; ++i) {
        const char16_t unit = units[i];
        if (unit < 0x80) {
            *out++ = static_cast<unsigned char>(unit);
        } else {
            *out++ = static_cast<unsigned char>(0xE0 | (unit >> 12));
            *out++ = static_cast<unsigned char>(0x80 | ((unit >> 6) & 0x3F));
            *out++ = static_cast<unsigned char>(0x80 | (unit & 0x3F));
        }
    }
    return PhiMarkers{PhiMarker::fromClear(std::move(utf8)), PhiMarker::fromClear(std::move(utf16)),
                      PhiMarker::random(32)};
}

[[gnu::noinline]] void scrubStack()
{
    std::array<std::byte, 512 * 1024> area;
    explicit_bzero(area.data(), area.size());
}

} // namespace dokuei::security::testing
