#pragma once

#include "dokuei/common/Error.h"

#include <cstddef>

#include <QByteArrayView>
#include <QStringList>

namespace dokuei::security {

/// What one MemoryScanner::scan() found.
struct MemoryScanResult
{
    /// Occurrences of the pattern (overlapping ones counted separately).
    std::size_t hits = 0;
    std::size_t bytesScanned = 0;
    int regionsScanned = 0;
    /// One entry per mapping that held a hit: its path or "[heap]", "[stack]", "anonymous", and its
    /// address range. Never the bytes found.
    QStringList hitRegions;
};

/// Searches this process's own readable memory (every readable mapping in /proc/self/maps, read through
/// /proc/self/mem) for a byte pattern: the arbiter of the wipe tests and of a diagnostics command.
class MemoryScanner
{
public:
    /// Counts the occurrences of `pattern` in the process's readable memory. Neither the caller's pattern
    /// (the exact bytes `pattern` points at) nor the scanner's own working copies are counted: the scanner
    /// keeps the pattern masked in secure memory and never scans its own read buffer.
    /// Mappings that cannot be read ([vvar], device memory, pages beyond the end of a mapped file) are
    /// skipped. A process made non-dumpable (ProcessHardening::disableCoreDumps) cannot open its own
    /// /proc/self/mem unless it is privileged: the scanner then makes the process dumpable for the open()
    /// call only and restores the setting at once (core dumps stay off through RLIMIT_CORE 0).
    /// Fails with InvalidArgument for an empty pattern, IoFailure when /proc is not readable, and
    /// SecureMemoryUnavailable when its own buffers cannot be allocated.
    static Expected<MemoryScanResult> scan(QByteArrayView pattern);
};

} // namespace dokuei::security
