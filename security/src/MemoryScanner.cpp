#include "dokuei/security/MemoryScanner.h"

#include "dokuei/security/SecureBuffer.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <unistd.h>
#include <vector>

#include <QFile>

namespace dokuei::security {
namespace {

constexpr std::size_t kWindowBytes = std::size_t{1} << 20;

struct Range
{
    std::uintptr_t begin = 0;
    std::uintptr_t end = 0;
};

struct Region
{
    Range range;
    QString name;
};

class FileDescriptor
{
public:
    explicit FileDescriptor(int fd) : m_fd(fd) {}
    ~FileDescriptor()
    {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
    }
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    int get() const { return m_fd; }

private:
    int m_fd;
};

QString systemReason(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

Range rangeOf(const SecureBuffer& buffer)
{
    const auto begin = reinterpret_cast<std::uintptr_t>(buffer.data());
    return {begin, begin + buffer.size()};
}

/// Opens /proc/self/mem. The kernel gives the file to root when the process is not dumpable, so an
/// unprivileged hardened process is refused; it may open its own memory while dumpable, and the open file
/// stays readable afterwards.
Expected<int> openOwnMemory()
{
    int fd = ::open("/proc/self/mem", O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == EACCES && ::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0) {
        if (::prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) == 0) {
            fd = ::open("/proc/self/mem", O_RDONLY | O_CLOEXEC);
            const int openError = errno;
            ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
            errno = openError;
        }
    }
    if (fd < 0) {
        const int error = errno;
        return fail(
            ErrorCode::IoFailure,
            QStringLiteral("Cannot scan this process's memory: opening /proc/self/mem failed: %1. "
                           "Check that /proc is mounted and not restricted (hidepid, a security module).")
                .arg(systemReason(error)));
    }
    return fd;
}

/// Readable mappings from /proc/self/maps, minus the ones no read can succeed on.
Expected<std::vector<Region>> readableRegions()
{
    QFile maps(QStringLiteral("/proc/self/maps"));
    if (!maps.open(QIODevice::ReadOnly)) {
        return fail(ErrorCode::IoFailure,
                    QStringLiteral("Cannot scan this process's memory: /proc/self/maps is not readable (%1).")
                        .arg(maps.errorString()));
    }
    std::vector<Region> regions;
    for (const QByteArray& line : maps.readAll().split('\n')) {
        // start-end perms offset dev inode [path]
        const QList<QByteArray> fields = line.simplified().split(' ');
        if (fields.size() < 5 || fields[1].isEmpty() || fields[1][0] != 'r') {
            continue;
        }
        const QList<QByteArray> bounds = fields[0].split('-');
        bool beginOk = false;
        bool endOk = false;
        Region region;
        region.range.begin = static_cast<std::uintptr_t>(bounds.value(0).toULongLong(&beginOk, 16));
        region.range.end = static_cast<std::uintptr_t>(bounds.value(1).toULongLong(&endOk, 16));
        if (!beginOk || !endOk || region.range.end <= region.range.begin) {
            continue;
        }
        region.name =
            fields.size() > 5 ? QString::fromUtf8(fields.mid(5).join(' ')) : QStringLiteral("anonymous");
        // The vDSO data pages and the legacy vsyscall page cannot be read through /proc/self/mem.
        if (region.name.startsWith(QLatin1String("[vvar")) || region.name == QLatin1String("[vsyscall]")) {
            continue;
        }
        regions.push_back(std::move(region));
    }
    return regions;
}

/// `range` minus the excluded ranges (sorted, non-overlapping), as the pieces that remain.
std::vector<Range> subtract(Range range, const std::vector<Range>& excluded)
{
    std::vector<Range> pieces;
    std::uintptr_t cursor = range.begin;
    for (const Range& hole : excluded) {
        if (hole.end <= cursor || hole.begin >= range.end) {
            continue;
        }
        if (hole.begin > cursor) {
            pieces.push_back({cursor, hole.begin});
        }
        cursor = std::max(cursor, hole.end);
    }
    if (cursor < range.end) {
        pieces.push_back({cursor, range.end});
    }
    return pieces;
}

/// The masked pattern: the scanner never holds the pattern's bytes in the clear, so it cannot find itself.
struct MaskedPattern
{
    SecureBuffer bytes;
    std::byte mask{};

    bool matchesAt(const std::byte* candidate) const
    {
        const std::byte* masked = bytes.data();
        for (std::size_t i = 0; i < bytes.size(); ++i) {
            if ((candidate[i] ^ mask) != masked[i]) {
                return false;
            }
        }
        return true;
    }
};

} // namespace

Expected<MemoryScanResult> MemoryScanner::scan(QByteArrayView pattern)
{
    if (pattern.isEmpty()) {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("MemoryScanner::scan needs a non-empty pattern."));
    }
    const std::size_t length = static_cast<std::size_t>(pattern.size());

    MaskedPattern needle;
    auto needleBytes = SecureBuffer::allocate(length);
    if (!needleBytes) {
        return std::unexpected(needleBytes.error());
    }
    needle.bytes = std::move(*needleBytes);
    do {
        unsigned char random = 0;
        if (::getrandom(&random, 1, 0) != 1) {
            random = static_cast<unsigned char>(reinterpret_cast<std::uintptr_t>(&random) >> 4);
        }
        needle.mask = std::byte{random};
    } while (needle.mask == std::byte{0});
    const auto* source = reinterpret_cast<const std::byte*>(pattern.data());
    for (std::size_t i = 0; i < length; ++i) {
        needle.bytes.data()[i] = source[i] ^ needle.mask;
    }

    auto window = SecureBuffer::allocate(kWindowBytes + length - 1);
    if (!window) {
        return std::unexpected(window.error());
    }
    auto fd = openOwnMemory();
    if (!fd) {
        return std::unexpected(fd.error());
    }
    const FileDescriptor memory(*fd);
    auto regions = readableRegions();
    if (!regions) {
        return std::unexpected(regions.error());
    }

    std::vector<Range> excluded{rangeOf(needle.bytes), rangeOf(*window)};
    std::ranges::sort(excluded, {}, &Range::begin);
    const auto callersCopy = reinterpret_cast<std::uintptr_t>(pattern.data());

    MemoryScanResult result;
    for (const Region& region : *regions) {
        bool anyRead = false;
        std::size_t regionHits = 0;
        for (const Range& piece : subtract(region.range, excluded)) {
            for (std::uintptr_t start = piece.begin; start < piece.end; start += kWindowBytes) {
                // Each window also reads length - 1 bytes of the next, so matches that straddle windows are
                // seen once: a match is counted in the window where it starts.
                const std::size_t wanted =
                    std::min<std::size_t>(kWindowBytes + length - 1, piece.end - start);
                const ssize_t got = ::pread(memory.get(), window->data(), wanted, static_cast<off_t>(start));
                if (got <= 0) {
                    continue; // unreadable part (device memory, beyond the end of a mapped file)
                }
                anyRead = true;
                const auto read = static_cast<std::size_t>(got);
                result.bytesScanned += std::min(read, kWindowBytes);
                if (read < length) {
                    continue;
                }
                const std::size_t lastStart = std::min(kWindowBytes, read - length + 1);
                const auto first = static_cast<unsigned char>(needle.bytes.data()[0] ^ needle.mask);
                const std::byte* base = window->data();
                std::size_t offset = 0;
                while (offset < lastStart) {
                    const void* found = std::memchr(base + offset, first, lastStart - offset);
                    if (found == nullptr) {
                        break;
                    }
                    offset = static_cast<std::size_t>(static_cast<const std::byte*>(found) - base);
                    if (needle.matchesAt(base + offset) && start + offset != callersCopy) {
                        ++regionHits;
                    }
                    ++offset;
                }
            }
        }
        if (anyRead) {
            ++result.regionsScanned;
        }
        if (regionHits > 0) {
            result.hits += regionHits;
            result.hitRegions << QStringLiteral("%1 %2-%3 (%4)")
                                     .arg(region.name)
                                     .arg(region.range.begin, 0, 16)
                                     .arg(region.range.end, 0, 16)
                                     .arg(regionHits);
        }
    }
    return result;
}

} // namespace dokuei::security
