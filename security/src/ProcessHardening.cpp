#include "dokuei/security/ProcessHardening.h"

#include <cerrno>
#include <cstring>
#include <malloc.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

namespace dokuei::security {
namespace {

QString systemError(const char* call)
{
    return QStringLiteral("%1 failed: %2")
        .arg(QLatin1String(call), QString::fromLocal8Bit(std::strerror(errno)));
}

std::optional<std::uint64_t> limitValue(rlim_t value)
{
    if (value == RLIM_INFINITY) {
        return std::nullopt;
    }
    return static_cast<std::uint64_t>(value);
}

} // namespace

Expected<void> ProcessHardening::disableCoreDumps()
{
    if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
        return fail(ErrorCode::HardeningFailed, systemError("prctl(PR_SET_DUMPABLE, 0)"));
    }
    const rlimit none{0, 0};
    if (::setrlimit(RLIMIT_CORE, &none) != 0) {
        return fail(ErrorCode::HardeningFailed, systemError("setrlimit(RLIMIT_CORE, 0)"));
    }
    return {};
}

bool ProcessHardening::coreDumpsDisabled()
{
    rlimit core{};
    if (::getrlimit(RLIMIT_CORE, &core) != 0) {
        return false;
    }
    return ::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0 && core.rlim_cur == 0 && core.rlim_max == 0;
}

MemoryLockLimits ProcessHardening::memoryLockLimits()
{
    MemoryLockLimits limits;
    rlimit memlock{};
    if (::getrlimit(RLIMIT_MEMLOCK, &memlock) == 0) {
        limits.softLimitBytes = limitValue(memlock.rlim_cur);
        limits.hardLimitBytes = limitValue(memlock.rlim_max);
    }
    const auto pageSize = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    void* page = ::mmap(nullptr, pageSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page != MAP_FAILED) {
        limits.lockingWorks = ::mlock(page, pageSize) == 0;
        if (limits.lockingWorks) {
            ::munlock(page, pageSize);
        }
        ::munmap(page, pageSize);
    }
    return limits;
}

void ProcessHardening::keepLargeBlocksInHeap()
{
    // Blocks below 64 MiB come from the heap; the heap is given back to the system only above 256 MiB free
    // at its top (the memory stays in the process, zeroed, for the next series).
    (void)::mallopt(M_MMAP_THRESHOLD, 64 << 20);
    (void)::mallopt(M_TRIM_THRESHOLD, 256 << 20);
}

} // namespace dokuei::security
