#include "dokuei/security/MemoryScanner.h"

#include "PhiMarker.h"
#include "dokuei/security/SecureBuffer.h"

#include <cstdlib>
#include <cstring>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace dokuei::security {
namespace {

using testing::PhiMarker;

TEST(MemoryScanner, RejectsAnEmptyPattern)
{
    const auto result = MemoryScanner::scan(QByteArrayView());
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, ErrorCode::InvalidArgument);
}

TEST(MemoryScanner, DoesNotCountTheCallersPatternOrItsOwnCopies)
{
    const PhiMarker marker = PhiMarker::random(24);
    const auto result = [&] {
        SecureBuffer clear = marker.reveal();
        return MemoryScanner::scan(QByteArrayView(reinterpret_cast<const char*>(clear.data()),
                                                  static_cast<qsizetype>(clear.size())));
    }();
    ASSERT_TRUE(result) << result.error().toString().toStdString();
    EXPECT_EQ(result->hits, 0u) << result->hitRegions.join(QStringLiteral(", ")).toStdString();
    EXPECT_GT(result->regionsScanned, 5);
    EXPECT_GT(result->bytesScanned, 1024u * 1024u);
}

TEST(MemoryScanner, FindsAPatternPlantedInTheHeapAndInSecureMemory)
{
    const PhiMarker marker = PhiMarker::random(32);
    void* heap = std::malloc(4096);
    ASSERT_NE(heap, nullptr);
    auto secure = SecureBuffer::allocate(8192);
    ASSERT_TRUE(secure);
    {
        SecureBuffer clear = marker.reveal();
        std::memcpy(static_cast<char*>(heap) + 100, clear.data(), clear.size());
        std::memcpy(secure->data() + 5000, clear.data(), clear.size());
        std::memcpy(secure->data() + 7000, clear.data(), clear.size());
    }
    EXPECT_EQ(marker.hits(), 3);

    secure->wipe();
    EXPECT_EQ(marker.hits(), 1);
    explicit_bzero(heap, 4096);
    EXPECT_EQ(marker.hits(), 0);
    std::free(heap);
}

TEST(MemoryScanner, FindsAPatternStraddlingAWindowBoundary)
{
    // The scanner reads 1 MiB windows; a match across two windows is counted once.
    const PhiMarker marker = PhiMarker::random(40);
    auto secure = SecureBuffer::allocate(3 * 1024 * 1024);
    ASSERT_TRUE(secure);
    SecureBuffer clear = marker.reveal();
    const std::size_t mib = 1024 * 1024;
    for (const std::size_t offset : {mib - 20, 2 * mib - 1, 2 * mib + 500}) {
        std::memcpy(secure->data() + offset, clear.data(), clear.size());
    }
    clear.release();
    EXPECT_EQ(marker.hits(), 3);
    secure->release();
    EXPECT_EQ(marker.hits(), 0);
}

// A hardened (non-dumpable) process that is not root cannot open its own /proc/self/mem; the scanner
// handles that. Checked in a forked child that becomes an unprivileged user.
TEST(MemoryScanner, WorksInANonDumpableUnprivilegedProcess)
{
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) {
            ::_exit(100);
        }
        ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
        // Everything made here: the parent's secure buffers read as zeros in a child (MADV_WIPEONFORK).
        const PhiMarker marker = PhiMarker::random(32);
        auto secure = SecureBuffer::allocate(4096);
        if (!secure) {
            ::_exit(101);
        }
        SecureBuffer clear = marker.reveal();
        std::memcpy(secure->data() + 10, clear.data(), clear.size());
        clear.release();
        const long long hits = marker.hits();
        const bool stillHardened = ::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0;
        ::_exit(hits == 1 && stillHardened ? 0 : (hits < 0 ? 2 : (stillHardened ? 3 : 4)));
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status));
    ASSERT_NE(WEXITSTATUS(status), 100) << "could not become an unprivileged user";
    EXPECT_EQ(WEXITSTATUS(status), 0) << "2: scan failed, 3: wrong hit count, 4: left dumpable";
}

} // namespace
} // namespace dokuei::security
