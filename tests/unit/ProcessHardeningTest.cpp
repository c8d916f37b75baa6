#include "dokuei/security/ProcessHardening.h"

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace {

using dokuei::security::ProcessHardening;

// Hardening is process-wide and irreversible: check it in a forked child so the test runner is unchanged.
TEST(ProcessHardening, DisablesCoreDumpsAndPtraceInTheProcess)
{
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        int code = 0;
        if (ProcessHardening::coreDumpsDisabled()) {
            code |= 1; // must not claim protection before asking for it
        }
        if (!ProcessHardening::disableCoreDumps()) {
            code |= 2;
        }
        rlimit core{};
        ::getrlimit(RLIMIT_CORE, &core);
        if (core.rlim_cur != 0 || core.rlim_max != 0) {
            code |= 4;
        }
        if (::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0) {
            code |= 8;
        }
        if (!ProcessHardening::coreDumpsDisabled()) {
            code |= 16;
        }
        ::_exit(code);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "failed checks bitmask " << WEXITSTATUS(status);
}

TEST(ProcessHardening, ReportsMemoryLockLimits)
{
    const auto limits = ProcessHardening::memoryLockLimits();
    rlimit memlock{};
    ASSERT_EQ(::getrlimit(RLIMIT_MEMLOCK, &memlock), 0);
    if (memlock.rlim_cur == RLIM_INFINITY) {
        EXPECT_FALSE(limits.softLimitBytes.has_value());
    } else {
        ASSERT_TRUE(limits.softLimitBytes.has_value());
        EXPECT_EQ(*limits.softLimitBytes, memlock.rlim_cur);
    }
    // One page fits in any non-zero limit (Linux default 8 MiB; root is not limited).
    if (memlock.rlim_cur >= 4096 || ::geteuid() == 0) {
        EXPECT_TRUE(limits.lockingWorks);
    }
}

} // namespace
