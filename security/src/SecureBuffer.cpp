#include "dokuei/security/SecureBuffer.h"

#include <cerrno>
#include <cstring>
#include <limits>
#include <sys/mman.h>
#include <type_traits>
#include <unistd.h>
#include <utility>

namespace dokuei::security {
namespace {

QString systemReason(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

std::size_t pageSize()
{
    static const auto size = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    return size;
}

/// Zeroes the allocation behind a Qt array (including free space before and after the contents, which
/// may hold characters left by earlier edits) when this object is its only owner.
template <typename DataPointer> std::size_t eraseArrayData(DataPointer& d)
{
    if (d.isShared()) {
        return 0; // shared or static storage: never write to it
    }
    using Element = std::remove_pointer_t<decltype(d.data())>;
    auto* start = d.data() - d.freeSpaceAtBegin();
    const auto bytes = static_cast<std::size_t>(d.constAllocatedCapacity()) * sizeof(Element);
    explicit_bzero(start, bytes);
    return bytes;
}

} // namespace

Expected<SecureBuffer> SecureBuffer::allocate(std::size_t bytes)
{
    SecureBuffer buffer;
    if (bytes == 0) {
        return buffer;
    }
    const std::size_t page = pageSize();
    if (bytes > std::numeric_limits<std::size_t>::max() - (page - 1)) {
        return fail(ErrorCode::SecureMemoryUnavailable,
                    QStringLiteral("Cannot reserve %1 bytes of secure memory: the size is beyond what the "
                                   "address space can hold.")
                        .arg(bytes));
    }
    const std::size_t mapped = (bytes + page - 1) / page * page;
    void* mapping = ::mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapping == MAP_FAILED) {
        const int error = errno;
        return fail(ErrorCode::SecureMemoryUnavailable,
                    QStringLiteral("Cannot reserve %1 bytes of secure memory: mmap failed: %2. Close studies "
                                   "that are not needed, or give the workstation more memory.")
                        .arg(bytes)
                        .arg(systemReason(error)));
    }
    buffer.m_mapping = mapping;
    buffer.m_mappedBytes = mapped;
    buffer.m_size = bytes;
    if (::madvise(mapping, mapped, MADV_DONTDUMP) != 0) {
        const int error = errno;
        buffer.release();
        return fail(ErrorCode::SecureMemoryUnavailable,
                    QStringLiteral("Cannot exclude %1 bytes of secure memory from core dumps: "
                                   "madvise(MADV_DONTDUMP) failed: %2.")
                        .arg(bytes)
                        .arg(systemReason(error)));
    }
#ifdef MADV_WIPEONFORK
    // A child created by fork() (a helper process, a crash handler) sees zeros. Kernels before 4.14 do not
    // know the flag (EINVAL): the rest of the protection still holds, so that is not a failure.
    (void)::madvise(mapping, mapped, MADV_WIPEONFORK);
#endif
    // Over RLIMIT_MEMLOCK (EAGAIN/ENOMEM/EPERM) the buffer stays usable, only swappable; locked() says so.
    // Large buffers (a CT volume) are locked on fault: each page is locked the moment it is first written and
    // never swapped after, but the whole range is not populated up front (a plain mlock of 150 MB takes
    // ~0.1-0.2 s and sat in front of the first decoded slice). The limit is checked for the whole range
    // either way. Kernels without MLOCK_ONFAULT (before 4.4) get the plain mlock.
    bool locked = false;
#ifdef MLOCK_ONFAULT
    if (mapped >= (std::size_t{1} << 20)) {
        locked = ::mlock2(mapping, mapped, MLOCK_ONFAULT) == 0;
        if (!locked && errno != EINVAL && errno != ENOSYS) {
            buffer.m_locked = false;
            return buffer;
        }
    }
#endif
    buffer.m_locked = locked || ::mlock(mapping, mapped) == 0;
    return buffer;
}

SecureBuffer::SecureBuffer() = default;

SecureBuffer::SecureBuffer(SecureBuffer&& other) noexcept
    : m_mapping(std::exchange(other.m_mapping, nullptr)),
      m_mappedBytes(std::exchange(other.m_mappedBytes, 0)), m_size(std::exchange(other.m_size, 0)),
      m_locked(std::exchange(other.m_locked, false))
{}

SecureBuffer& SecureBuffer::operator=(SecureBuffer&& other) noexcept
{
    if (this != &other) {
        release();
        m_mapping = std::exchange(other.m_mapping, nullptr);
        m_mappedBytes = std::exchange(other.m_mappedBytes, 0);
        m_size = std::exchange(other.m_size, 0);
        m_locked = std::exchange(other.m_locked, false);
    }
    return *this;
}

SecureBuffer::~SecureBuffer()
{
    release();
}

std::byte* SecureBuffer::data()
{
    return static_cast<std::byte*>(m_mapping);
}

const std::byte* SecureBuffer::data() const
{
    return static_cast<const std::byte*>(m_mapping);
}

std::size_t SecureBuffer::size() const
{
    return m_size;
}

bool SecureBuffer::locked() const
{
    return m_locked;
}

bool SecureBuffer::empty() const
{
    return m_mapping == nullptr;
}

std::size_t SecureBuffer::wipe()
{
    if (m_mapping == nullptr) {
        return 0;
    }
    explicit_bzero(m_mapping, m_size);
    return m_size;
}

std::size_t SecureBuffer::release()
{
    if (m_mapping == nullptr) {
        return 0;
    }
    const std::size_t zeroed = wipe();
    if (m_locked) {
        ::munlock(m_mapping, m_mappedBytes);
    }
    ::munmap(m_mapping, m_mappedBytes);
    m_mapping = nullptr;
    m_mappedBytes = 0;
    m_size = 0;
    m_locked = false;
    return zeroed;
}

std::size_t secureErase(QString& text)
{
    const std::size_t zeroed = eraseArrayData(text.data_ptr());
    text = QString();
    return zeroed;
}

std::size_t secureErase(QByteArray& bytes)
{
    const std::size_t zeroed = eraseArrayData(bytes.data_ptr());
    bytes = QByteArray();
    return zeroed;
}

std::size_t secureErase(std::string& text)
{
    // capacity() excludes the terminating null, which is zero already after the wipe of the characters.
    const std::size_t zeroed = text.capacity();
    explicit_bzero(text.data(), zeroed);
    text.clear();
    text.shrink_to_fit();
    return zeroed;
}

} // namespace dokuei::security
