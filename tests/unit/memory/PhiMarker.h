#pragma once

#include "dokuei/security/MemoryScanner.h"
#include "dokuei/security/SecureBuffer.h"

#include <cstddef>

namespace dokuei::security::testing {

/// A PHI-like marker generated at run time (never a literal in the test binary), kept masked (XOR with a
/// random byte) in secure memory so that the test's own copy is never found by a scan. reveal() is the
/// only way to get the clear bytes, into a SecureBuffer the caller wipes.
class PhiMarker
{
public:
    /// `bytes` random bytes.
    static PhiMarker random(std::size_t bytes);
    /// Takes clear bytes, masks them, and zeroes the source.
    static PhiMarker fromClear(SecureBuffer&& clear);

    std::size_t size() const { return m_masked.size(); }
    /// The marker in the clear, in secure memory.
    SecureBuffer reveal() const;
    /// Occurrences in process memory now (the revealed copy used for the search is not counted).
    /// -1 when the scan failed (the test reports that as a failure).
    long long hits() const;

private:
    SecureBuffer m_masked;
    std::byte m_mask{1};
};

/// A patient name made of a fixed family name and random katakana, generated at run time, as UTF-8 and as
/// UTF-16 (host order, the bytes a QString holds), plus a run of random pixel bytes.
struct PhiMarkers
{
    PhiMarker nameUtf8;
    PhiMarker nameUtf16;
    PhiMarker pixels;
};
PhiMarkers makePhiMarkers();

/// Zeroes a large part of the stack below the caller, where dead frames may hold copies of what they handled.
void scrubStack();

/// Fills a buffer with random bytes.
void fillRandom(std::byte* data, std::size_t bytes);

} // namespace dokuei::security::testing
