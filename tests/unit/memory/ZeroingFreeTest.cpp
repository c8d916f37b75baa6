// The zeroing free: every freed heap block is zeroed, including blocks realloc() frees internally.
// Built into dokuei_memory_tests (linked, DOKUEI_ZEROING_FREE_LINKED=1: 0 markers left) and into
// dokuei_memory_leftover_tests (not linked: glibc leaves the bytes, the tests assert that they are left).

#include "PhiMarker.h"

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <malloc.h>
#include <string>

#include <gtest/gtest.h>

#ifndef DOKUEI_ZEROING_FREE_LINKED
#error "define DOKUEI_ZEROING_FREE_LINKED to 0 or 1"
#endif

namespace dokuei::security {
namespace {

using testing::PhiMarker;

// Called through volatile pointers so that the compiler cannot pair up or drop allocations it can see.
void* (*volatile callMalloc)(std::size_t) = &std::malloc;
void (*volatile callFree)(void*) = &std::free;
void* (*volatile callRealloc)(void*, std::size_t) = &std::realloc;

/// Writes the marker at `offset` in a block.
void plant(const PhiMarker& marker, void* block, std::size_t offset)
{
    SecureBuffer clear = marker.reveal();
    std::memcpy(static_cast<std::byte*>(block) + offset, clear.data(), clear.size());
}

/// After a block holding the marker was freed: none left with the zeroing free, some left without it.
void expectFreedCopiesGone(const PhiMarker& marker)
{
    testing::scrubStack();
    const long long hits = marker.hits();
    ASSERT_GE(hits, 0) << "scan failed";
    if (DOKUEI_ZEROING_FREE_LINKED) {
        EXPECT_EQ(hits, 0) << "a freed block still holds the marker";
    } else {
        EXPECT_GT(hits, 0) << "glibc left nothing behind: this test would not show the zeroing free works";
    }
}

#if DOKUEI_ZEROING_FREE_LINKED
TEST(ZeroingFree, SharedLibrariesBindToTheExecutablesDefinitions)
{
    // The dynamic linker's answer for the global symbols is what every library (Qt, OpenSSL, libstdc++'s
    // operator delete, glibc's own internal calls) uses.
    void* installed = ::dlsym(RTLD_DEFAULT, "dokuei_zeroing_free_installed");
    ASSERT_NE(installed, nullptr) << "symbol not exported from the executable";
    Dl_info marker{};
    ASSERT_NE(::dladdr(installed, &marker), 0);
    void* libcFree = ::dlsym(RTLD_DEFAULT, "__libc_free");
    ASSERT_NE(libcFree, nullptr);
    for (const char* name : {"free", "realloc", "reallocarray"}) {
        void* resolved = ::dlsym(RTLD_DEFAULT, name);
        ASSERT_NE(resolved, nullptr) << name;
        Dl_info info{};
        ASSERT_NE(::dladdr(resolved, &info), 0) << name;
        EXPECT_EQ(info.dli_fbase, marker.dli_fbase) << name << " resolves to " << info.dli_fname;
    }
    EXPECT_NE(::dlsym(RTLD_DEFAULT, "free"), libcFree);
}
#endif

TEST(ZeroingFree, FreeZeroesTheWholeBlock)
{
    const PhiMarker marker = PhiMarker::random(32);
    void* block = callMalloc(1000);
    ASSERT_NE(block, nullptr);
    // Near the end: the usable size is larger than asked, and all of it is zeroed.
    plant(marker, block, 1000 - 32);
    ASSERT_EQ(marker.hits(), 1);
    callFree(block);
    expectFreedCopiesGone(marker);
}

TEST(ZeroingFree, FreeZeroesAlignedBlocks)
{
    // Small blocks: glibc keeps them in its per-thread cache untouched (larger ones are soon carved up for
    // other allocations, which would hide whether they were zeroed).
    const PhiMarker marker = PhiMarker::random(32);
    void* memaligned = ::memalign(256, 600);
    void* aligned = std::aligned_alloc(512, 512);
    void* posix = nullptr;
    ASSERT_EQ(::posix_memalign(&posix, 64, 700), 0);
    ASSERT_NE(memaligned, nullptr);
    ASSERT_NE(aligned, nullptr);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(memaligned) % 256, 0u);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(aligned) % 512, 0u);
    plant(marker, memaligned, 500);
    plant(marker, aligned, 400);
    plant(marker, posix, 600);
    ASSERT_EQ(marker.hits(), 3);
    callFree(memaligned);
    callFree(aligned);
    callFree(posix);
    expectFreedCopiesGone(marker);
}

// Large blocks get a mapping of their own from glibc, which unmaps it on free and moves it with mremap()
// on realloc: the zeroing free leaves them alone (zeroing would only cost time), and nothing stays behind,
// with or without it.
TEST(ZeroingFree, LargeBlocksLeaveWithTheirMapping)
{
    const PhiMarker marker = PhiMarker::random(32);
    constexpr std::size_t kLarge = 4 * 1024 * 1024;
    auto* freed = static_cast<std::byte*>(callMalloc(kLarge));
    auto* moved = static_cast<std::byte*>(callMalloc(kLarge));
    ASSERT_NE(freed, nullptr);
    ASSERT_NE(moved, nullptr);
    plant(marker, freed, kLarge - 100);
    plant(marker, moved, kLarge - 100);
    ASSERT_EQ(marker.hits(), 2);
    callFree(freed);
    auto* grown = static_cast<std::byte*>(callRealloc(moved, 4 * kLarge));
    ASSERT_NE(grown, nullptr);
    ASSERT_EQ(marker.hits(), 1) << "realloc lost the contents or left a copy";
    explicit_bzero(grown + kLarge - 100, 32);
    EXPECT_EQ(marker.hits(), 0);
    callFree(grown);
}

TEST(ZeroingFree, FreeOfNullIsHarmless)
{
    callFree(nullptr);
    SUCCEED();
}

TEST(ZeroingFree, ReallocThatMovesZeroesTheOldBlock)
{
    const PhiMarker marker = PhiMarker::random(32);
    auto* block = static_cast<std::byte*>(callMalloc(256));
    void* fence = callMalloc(256); // keeps glibc from growing the block in place
    ASSERT_NE(block, nullptr);
    plant(marker, block, 200);
    const auto oldAddress = reinterpret_cast<std::uintptr_t>(block);
    auto* grown = static_cast<std::byte*>(callRealloc(block, 64 * 1024));
    ASSERT_NE(grown, nullptr);
    ASSERT_NE(reinterpret_cast<std::uintptr_t>(grown), oldAddress) << "realloc did not move the block";
    ASSERT_EQ(marker.hits(), DOKUEI_ZEROING_FREE_LINKED ? 1 : 2) << "the contents were not carried over";
    explicit_bzero(grown + 200, 32); // the live copy; what remains can only be in the old block
    expectFreedCopiesGone(marker);
    callFree(grown);
    callFree(fence);
}

#if DOKUEI_ZEROING_FREE_LINKED
TEST(ZeroingFree, ReallocThatShrinksZeroesTheTail)
{
    const PhiMarker marker = PhiMarker::random(32);
    void* block = callMalloc(4096);
    ASSERT_NE(block, nullptr);
    std::memset(block, 'a', 64);
    plant(marker, block, 3000);
    void* shrunk = callRealloc(block, 64);
    ASSERT_NE(shrunk, nullptr);
    EXPECT_EQ(std::memcmp(shrunk, std::string(64, 'a').data(), 64), 0) << "contents lost";
    EXPECT_EQ(marker.hits(), 0) << "the tail given back still holds the marker";
    callFree(shrunk);
}

TEST(ZeroingFree, ReallocFollowsTheCContract)
{
    // realloc(NULL, n) allocates.
    void* fresh = callRealloc(nullptr, 100);
    ASSERT_NE(fresh, nullptr);
    std::memset(fresh, 'q', 100);
    // Growing keeps the contents.
    auto* grown = static_cast<char*>(callRealloc(fresh, 100000));
    ASSERT_NE(grown, nullptr);
    EXPECT_EQ(grown[0], 'q');
    EXPECT_EQ(grown[99], 'q');
    // realloc(p, 0) frees p and returns NULL, as glibc does.
    EXPECT_EQ(callRealloc(grown, 0), nullptr);
    // An impossible size fails and leaves the block untouched.
    void* kept = callMalloc(50);
    std::memset(kept, 'k', 50);
    errno = 0;
    EXPECT_EQ(callRealloc(kept, SIZE_MAX / 2), nullptr);
    EXPECT_EQ(errno, ENOMEM);
    EXPECT_EQ(static_cast<char*>(kept)[49], 'k');
    // reallocarray checks the multiplication.
    void* (*volatile callReallocarray)(void*, std::size_t, std::size_t) = &::reallocarray;
    errno = 0;
    EXPECT_EQ(callReallocarray(kept, SIZE_MAX / 2, 4), nullptr);
    EXPECT_EQ(errno, ENOMEM);
    auto* array = static_cast<char*>(callReallocarray(kept, 100, 8));
    ASSERT_NE(array, nullptr);
    EXPECT_EQ(array[49], 'k');
    EXPECT_GE(::malloc_usable_size(array), 800u);
    callFree(array);
}
#endif

TEST(ZeroingFree, QtAndTheStandardLibraryFreeThroughIt)
{
    const PhiMarker marker = PhiMarker::random(48);
    [&marker] {
        SecureBuffer clear = marker.reveal();
        QByteArray qt(reinterpret_cast<const char*>(clear.data()), static_cast<qsizetype>(clear.size()));
        qt.append(QByteArray(200, ' ')); // reallocated inside libQt6Core
        std::string standard(qt.constData(), static_cast<std::size_t>(qt.size())); // operator new/delete
        clear.release();
        ASSERT_EQ(marker.hits(), 2);
    }();
    expectFreedCopiesGone(marker);
}

} // namespace
} // namespace dokuei::security
