#include "dokuei/security/SecureBuffer.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <linux/capability.h>
#include <string>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>

namespace dokuei::security {
namespace {

bool allZero(const std::byte* data, std::size_t bytes)
{
    for (std::size_t i = 0; i < bytes; ++i) {
        if (data[i] != std::byte{0}) {
            return false;
        }
    }
    return true;
}

/// VmFlags of the mapping that contains `address`, from /proc/self/smaps ("rd wr mr mw me dd lo ...").
std::string vmFlagsOf(const void* address)
{
    const auto target = reinterpret_cast<std::uintptr_t>(address);
    std::ifstream smaps("/proc/self/smaps");
    std::string line;
    bool inside = false;
    while (std::getline(smaps, line)) {
        const auto dash = line.find('-');
        const auto space = line.find(' ');
        if (dash != std::string::npos && space != std::string::npos && dash < space &&
            line.find_first_not_of("0123456789abcdef") == dash) {
            const auto begin = std::stoull(line.substr(0, dash), nullptr, 16);
            const auto end = std::stoull(line.substr(dash + 1, space - dash - 1), nullptr, 16);
            inside = begin <= target && target < end;
        } else if (inside && line.rfind("VmFlags:", 0) == 0) {
            return line.substr(8) + " ";
        }
    }
    return {};
}

TEST(SecureBuffer, AllocatesZeroedWritableMemory)
{
    auto buffer = SecureBuffer::allocate(10000);
    ASSERT_TRUE(buffer) << buffer.error().toString().toStdString();
    ASSERT_FALSE(buffer->empty());
    ASSERT_NE(buffer->data(), nullptr);
    EXPECT_EQ(buffer->size(), 10000u);
    EXPECT_TRUE(allZero(buffer->data(), buffer->size()));
    std::memset(buffer->data(), 0xAB, buffer->size());
    EXPECT_EQ(buffer->data()[9999], std::byte{0xAB});
}

TEST(SecureBuffer, WipeZeroesAndKeepsTheMapping)
{
    auto buffer = SecureBuffer::allocate(5000);
    ASSERT_TRUE(buffer);
    std::memset(buffer->data(), 0x5A, buffer->size());
    const std::byte* before = buffer->data();
    EXPECT_EQ(buffer->wipe(), 5000u);
    EXPECT_EQ(buffer->data(), before);
    EXPECT_EQ(buffer->size(), 5000u);
    EXPECT_TRUE(allZero(buffer->data(), buffer->size()));
}

TEST(SecureBuffer, ReleaseZeroesUnmapsAndEmpties)
{
    auto buffer = SecureBuffer::allocate(4096 * 3);
    ASSERT_TRUE(buffer);
    std::memset(buffer->data(), 0x11, buffer->size());
    const void* address = buffer->data();
    ASSERT_FALSE(vmFlagsOf(address).empty());
    EXPECT_EQ(buffer->release(), 4096u * 3);
    EXPECT_TRUE(buffer->empty());
    EXPECT_EQ(buffer->data(), nullptr);
    EXPECT_EQ(buffer->size(), 0u);
    EXPECT_FALSE(buffer->locked());
    EXPECT_EQ(buffer->release(), 0u);
    EXPECT_EQ(buffer->wipe(), 0u);
    // Unmapped: /proc/self/smaps no longer lists an area there (unless something else was mapped since).
    const std::string flags = vmFlagsOf(address);
    EXPECT_TRUE(flags.empty() || flags.find(" dd ") == std::string::npos);
}

TEST(SecureBuffer, ZeroSizeIsAnEmptyBuffer)
{
    auto buffer = SecureBuffer::allocate(0);
    ASSERT_TRUE(buffer);
    EXPECT_TRUE(buffer->empty());
    EXPECT_EQ(buffer->data(), nullptr);
    EXPECT_EQ(buffer->size(), 0u);
    EXPECT_EQ(buffer->wipe(), 0u);
    EXPECT_EQ(buffer->release(), 0u);
    const SecureBuffer defaultConstructed;
    EXPECT_TRUE(defaultConstructed.empty());
    EXPECT_FALSE(defaultConstructed.locked());
}

TEST(SecureBuffer, HugeSizeFailsWithSecureMemoryUnavailable)
{
    for (const std::size_t bytes : {std::size_t{1} << 60, SIZE_MAX - 10}) {
        auto buffer = SecureBuffer::allocate(bytes);
        ASSERT_FALSE(buffer);
        EXPECT_EQ(buffer.error().code, ErrorCode::SecureMemoryUnavailable);
        EXPECT_TRUE(buffer.error().message.contains(QString::number(bytes)))
            << buffer.error().message.toStdString();
    }
}

TEST(SecureBuffer, MovesOwnershipWithoutCopying)
{
    auto allocated = SecureBuffer::allocate(100);
    ASSERT_TRUE(allocated);
    SecureBuffer first = std::move(*allocated);
    EXPECT_TRUE(allocated->empty());
    first.data()[0] = std::byte{7};
    const std::byte* address = first.data();

    SecureBuffer second(std::move(first));
    EXPECT_TRUE(first.empty()); // NOLINT(bugprone-use-after-move): moved-from state is part of the contract
    EXPECT_EQ(first.size(), 0u);
    EXPECT_EQ(second.data(), address);
    EXPECT_EQ(second.size(), 100u);
    EXPECT_EQ(second.data()[0], std::byte{7});

    auto other = SecureBuffer::allocate(200);
    ASSERT_TRUE(other);
    const void* otherAddress = other->data();
    std::memset(other->data(), 0x77, other->size());
    second = std::move(*other); // releases what `second` held
    EXPECT_EQ(second.data(), otherAddress);
    EXPECT_EQ(second.size(), 200u);
    EXPECT_TRUE(other->empty());
    EXPECT_TRUE(vmFlagsOf(address).find(" dd ") == std::string::npos || vmFlagsOf(address).empty());

    second = std::move(second); // self-move keeps the contents
    EXPECT_EQ(second.size(), 200u);
}

TEST(SecureBuffer, IsExcludedFromCoreDumpsAndWipedInForkedChildren)
{
    auto buffer = SecureBuffer::allocate(8192);
    ASSERT_TRUE(buffer);
    const std::string flags = vmFlagsOf(buffer->data());
    ASSERT_FALSE(flags.empty()) << "mapping not found in /proc/self/smaps";
    EXPECT_NE(flags.find(" dd "), std::string::npos) << "no MADV_DONTDUMP:" << flags;
    EXPECT_NE(flags.find(" wf "), std::string::npos) << "no MADV_WIPEONFORK:" << flags;
    if (buffer->locked()) {
        EXPECT_NE(flags.find(" lo "), std::string::npos) << "locked() but not mlock'ed:" << flags;
    }

    std::memset(buffer->data(), 0x42, buffer->size());
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        bool zero = true;
        for (std::size_t i = 0; i < 8192; ++i) {
            zero = zero && buffer->data()[i] == std::byte{0};
        }
        ::_exit(zero ? 0 : 1);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "a forked child could read the buffer";
}

/// Drops CAP_IPC_LOCK from the effective set, so that RLIMIT_MEMLOCK applies even to root.
bool dropIpcLockCapability()
{
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2]{};
    if (::syscall(SYS_capget, &header, data) != 0) {
        return false;
    }
    data[CAP_IPC_LOCK / 32].effective &= ~(1u << (CAP_IPC_LOCK % 32));
    return ::syscall(SYS_capset, &header, data) == 0;
}

// The limit is process-wide: lower it in a forked child so the test runner keeps its own.
TEST(SecureBuffer, LockedReflectsTheMemlockLimit)
{
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        int code = 0;
        const rlimit limit{64 * 1024, 64 * 1024};
        if (::setrlimit(RLIMIT_MEMLOCK, &limit) != 0 || !dropIpcLockCapability()) {
            ::_exit(100);
        }
        auto small = SecureBuffer::allocate(16 * 1024);
        if (!small || !small->locked()) {
            code |= 1; // within the limit: locked
        }
        auto big = SecureBuffer::allocate(1024 * 1024);
        if (!big) {
            code |= 2; // beyond the limit: still allocated...
        } else {
            if (big->locked()) {
                code |= 4; // ...but not locked
            }
            std::memset(big->data(), 1, big->size()); // and usable
        }
        small->release();
        auto again = SecureBuffer::allocate(32 * 1024);
        if (!again || !again->locked()) {
            code |= 8; // the released buffer gave its locked pages back
        }
        ::_exit(code);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status));
    ASSERT_NE(WEXITSTATUS(status), 100) << "could not lower RLIMIT_MEMLOCK in the child";
    EXPECT_EQ(WEXITSTATUS(status), 0) << "failed checks bitmask " << WEXITSTATUS(status);
}

TEST(SecureErase, ZeroesAnOwnedQStringInPlace)
{
    QString text(40, QLatin1Char('x'));
    text.chop(10); // stale characters after the end must go too
    const qsizetype capacity = text.capacity();
    EXPECT_GE(secureErase(text), static_cast<std::size_t>(capacity) * 2);
    EXPECT_TRUE(text.isEmpty());
}

TEST(SecureErase, LeavesSharedStorageToItsOtherOwner)
{
    QString original(20, QLatin1Char('y'));
    QString copy = original; // implicitly shared
    EXPECT_EQ(secureErase(copy), 0u);
    EXPECT_TRUE(copy.isEmpty());
    EXPECT_EQ(original, QString(20, QLatin1Char('y')));

    QString literal = QStringLiteral("static text");
    EXPECT_EQ(secureErase(literal), 0u); // static data is never written to
    EXPECT_TRUE(literal.isEmpty());
    EXPECT_EQ(QStringLiteral("static text").size(), 11);
}

TEST(SecureErase, ZeroesByteArraysAndStdStrings)
{
    QByteArray bytes(100, 'z');
    QByteArray keep = bytes;
    keep.detach();
    EXPECT_GE(secureErase(bytes), 100u);
    EXPECT_TRUE(bytes.isEmpty());
    EXPECT_EQ(keep, QByteArray(100, 'z'));

    std::string text(100, 'w');
    EXPECT_GE(secureErase(text), 100u);
    EXPECT_TRUE(text.empty());
    std::string shortText = "abc";
    EXPECT_GE(secureErase(shortText), 3u);
    EXPECT_TRUE(shortText.empty());
}

} // namespace
} // namespace dokuei::security

namespace dokuei::security {
namespace {

// A large buffer (a CT volume) is locked on fault: locked, not populated up front, and every page written is
// resident and locked.
TEST(SecureBuffer, LargeBuffersAreLockedOnFaultNotPopulatedUpFront)
{
    constexpr std::size_t kBytes = std::size_t{64} << 20;
    auto buffer = SecureBuffer::allocate(kBytes);
    ASSERT_TRUE(buffer);
    if (!buffer->locked()) {
        GTEST_SKIP() << "RLIMIT_MEMLOCK is below 64 MiB here: the buffer is not locked at all";
    }
    const std::string flags = vmFlagsOf(buffer->data());
    EXPECT_NE(flags.find(" lo "), std::string::npos) << flags;
    auto residentPages = [&] {
        const long page = ::sysconf(_SC_PAGESIZE);
        std::vector<unsigned char> resident(kBytes / std::size_t(page));
        EXPECT_EQ(::mincore(buffer->data(), kBytes, resident.data()), 0);
        return std::count_if(resident.begin(), resident.end(), [](unsigned char r) { return (r & 1) != 0; });
    };
    EXPECT_LT(residentPages(), 64) << "the whole range was populated at allocation";
    std::memset(buffer->data(), 0x5a, kBytes / 2);
    const long page = ::sysconf(_SC_PAGESIZE);
    EXPECT_GE(residentPages(), long(kBytes / 2 / std::size_t(page))) << "written pages are resident";
}

} // namespace
} // namespace dokuei::security
