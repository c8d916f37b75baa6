#include "dokuei/exchange/RetryPolicy.h"

#include <gtest/gtest.h>

using namespace std::chrono_literals;
using dokuei::exchange::RetryPolicy;

TEST(RetryPolicyTest, ExponentialBackoffWithCap)
{
    RetryPolicy policy{.attempts = 6, .baseDelay = 100ms, .cap = 500ms};
    EXPECT_EQ(policy.delayBefore(1), 0ms);
    EXPECT_EQ(policy.delayBefore(2), 100ms);
    EXPECT_EQ(policy.delayBefore(3), 200ms);
    EXPECT_EQ(policy.delayBefore(4), 400ms);
    EXPECT_EQ(policy.delayBefore(5), 500ms);
    EXPECT_EQ(policy.delayBefore(60), 500ms);
    EXPECT_TRUE(policy.allowsAnother(5));
    EXPECT_FALSE(policy.allowsAnother(6));
}
