#pragma once

#include "dokuei/common/Error.h"

#include <cstddef>
#include <string>

#include <QByteArray>
#include <QString>

namespace dokuei::security {

/// Memory for patient data (pixels, names, report text) that must never reach the disk and must be gone
/// on lock: an anonymous private mapping of its own, mlock'ed where RLIMIT_MEMLOCK permits (locked() says
/// whether it is), excluded from core dumps (MADV_DONTDUMP), zero in a forked child (MADV_WIPEONFORK where
/// the kernel has it), and zeroed with explicit_bzero on wipe(), release() and destruction before it is
/// unlocked and unmapped. Move-only; a default-constructed or zero-sized buffer is empty.
/// Not thread-safe: one owner at a time, like any other buffer.
class SecureBuffer
{
public:
    /// Maps, protects and locks `bytes` bytes (rounded up to whole pages internally; size() is `bytes`).
    /// Fails with SecureMemoryUnavailable naming the size and the system's reason when the memory cannot
    /// be mapped or cannot be excluded from core dumps. Being over RLIMIT_MEMLOCK is not a failure: the
    /// buffer is returned unlocked (locked() is false).
    static Expected<SecureBuffer> allocate(std::size_t bytes);

    SecureBuffer();
    SecureBuffer(SecureBuffer&& other) noexcept;
    SecureBuffer& operator=(SecureBuffer&& other) noexcept;
    SecureBuffer(const SecureBuffer&) = delete;
    SecureBuffer& operator=(const SecureBuffer&) = delete;
    /// Same as release().
    ~SecureBuffer();

    /// The first byte, or nullptr when empty.
    std::byte* data();
    const std::byte* data() const;
    /// The size asked for in allocate(); 0 when empty.
    std::size_t size() const;
    /// True when the pages are mlock'ed (cannot be swapped out).
    bool locked() const;
    bool empty() const;

    /// Zeroes the contents and keeps the mapping. Returns the number of bytes zeroed (size()).
    std::size_t wipe();
    /// Zeroes the contents, then unlocks and unmaps them; the buffer becomes empty. Returns the number of
    /// bytes zeroed.
    std::size_t release();

private:
    void* m_mapping = nullptr;
    std::size_t m_mappedBytes = 0;
    std::size_t m_size = 0;
    bool m_locked = false;
};

/// Zeroes the characters a string owns, in place, then empties it. When the storage is shared with another
/// string (an implicitly shared copy) or is static (QStringLiteral), nothing is written: the string only
/// lets go of it, and the remaining owner is responsible for it. Returns the bytes zeroed.
std::size_t secureErase(QString& text);
/// As secureErase(QString&) for a byte array.
std::size_t secureErase(QByteArray& bytes);
/// Zeroes the whole capacity of a std::string (short strings live inside the object), then empties it and
/// gives the heap block back. Returns the bytes zeroed.
std::size_t secureErase(std::string& text);

} // namespace dokuei::security
