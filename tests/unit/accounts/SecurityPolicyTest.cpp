#include "dokuei/security/SecurityPolicy.h"

#include <gtest/gtest.h>

namespace dokuei::security {
namespace {

TEST(SecurityPolicy, DefaultsMatchTheGuideline)
{
    const SecurityPolicy policy;
    EXPECT_TRUE(policy.validate());
    EXPECT_EQ(policy.profile, PasswordProfile::JpMhlw2fa);
    EXPECT_EQ(policy.idleLockMinutes, 10);
    EXPECT_EQ(policy.throttleFromFailure, 5);
    EXPECT_EQ(policy.lockAtFailure, 10);
    EXPECT_EQ(policy.maxDelaySeconds, 60);
    EXPECT_EQ(policy.reauthenticateHours, 12);
    EXPECT_FALSE(policy.passwordMaxAge()) << "the 2FA profile has no periodic expiry";
}

TEST(SecurityPolicy, DelayIsExponentialFromThrottleFromAndCapped)
{
    const SecurityPolicy policy;
    for (int failures = 0; failures < 5; ++failures) {
        EXPECT_EQ(policy.delayAfterFailures(failures), 0) << failures;
    }
    EXPECT_EQ(policy.delayAfterFailures(5), 1);
    EXPECT_EQ(policy.delayAfterFailures(6), 2);
    EXPECT_EQ(policy.delayAfterFailures(7), 4);
    EXPECT_EQ(policy.delayAfterFailures(8), 8);
    EXPECT_EQ(policy.delayAfterFailures(9), 16);
    EXPECT_EQ(policy.delayAfterFailures(10), 32);
    EXPECT_EQ(policy.delayAfterFailures(11), 60);
    EXPECT_EQ(policy.delayAfterFailures(200), 60);
    EXPECT_EQ(policy.delayAfterFailures(100000), 60);

    SecurityPolicy custom;
    ASSERT_TRUE(custom.set(QStringLiteral("throttle-from"), QStringLiteral("2")));
    ASSERT_TRUE(custom.set(QStringLiteral("max-delay-seconds"), QStringLiteral("5")));
    EXPECT_EQ(custom.delayAfterFailures(1), 0);
    EXPECT_EQ(custom.delayAfterFailures(2), 1);
    EXPECT_EQ(custom.delayAfterFailures(4), 4);
    EXPECT_EQ(custom.delayAfterFailures(5), 5);
}

TEST(SecurityPolicy, SetParsesAndValidatesEachKey)
{
    SecurityPolicy policy;
    ASSERT_TRUE(policy.set(QStringLiteral("profile"), QStringLiteral("jp-mhlw-legacy")));
    EXPECT_EQ(policy.profile, PasswordProfile::JpMhlwLegacy);
    EXPECT_EQ(policy.passwordMaxAge(), 60);
    ASSERT_TRUE(policy.set(QStringLiteral("password-max-age-days"), QStringLiteral("30")));
    EXPECT_EQ(policy.passwordMaxAge(), 30);
    ASSERT_TRUE(policy.set(QStringLiteral("idle-lock-minutes"), QStringLiteral("1")));
    ASSERT_TRUE(policy.set(QStringLiteral("idle-lock-minutes"), QStringLiteral("60")));
    ASSERT_TRUE(policy.set(QStringLiteral("reauthenticate-hours"), QStringLiteral("8")));
    EXPECT_EQ(policy.idleLockMinutes, 60);
    EXPECT_EQ(policy.reauthenticateHours, 8);
    ASSERT_TRUE(policy.set(QStringLiteral("profile"), QStringLiteral("nist-800-63b")));
    EXPECT_FALSE(policy.passwordMaxAge());
}

TEST(SecurityPolicy, OutOfRangeValuesAreRefusedAndLeaveThePolicyUnchanged)
{
    SecurityPolicy policy;
    const SecurityPolicy before = policy;
    struct Case
    {
        const char* key;
        const char* value;
        ErrorCode code;
    };
    const Case cases[] = {
        {"idle-lock-minutes", "0", ErrorCode::ConfigurationInvalid},
        {"idle-lock-minutes", "61", ErrorCode::ConfigurationInvalid},
        {"password-max-age-days", "61", ErrorCode::ConfigurationInvalid},
        {"password-max-age-days", "0", ErrorCode::ConfigurationInvalid},
        {"lock-at", "0", ErrorCode::ConfigurationInvalid},
        {"lock-at", "4", ErrorCode::ConfigurationInvalid}, // below throttle-from 5
        {"throttle-from", "11", ErrorCode::ConfigurationInvalid},
        {"max-delay-seconds", "0", ErrorCode::ConfigurationInvalid},
        {"reauthenticate-hours", "25", ErrorCode::ConfigurationInvalid},
        {"idle-lock-minutes", "ten", ErrorCode::InvalidArgument},
        {"profile", "strong", ErrorCode::InvalidArgument},
        {"no-such-key", "1", ErrorCode::InvalidArgument},
    };
    for (const Case& c : cases) {
        const auto result = policy.set(QString::fromLatin1(c.key), QString::fromLatin1(c.value));
        ASSERT_FALSE(result) << c.key << "=" << c.value;
        EXPECT_EQ(result.error().code, c.code) << c.key << "=" << c.value;
        EXPECT_TRUE(result.error().message.contains(QString::fromLatin1(c.key)))
            << result.error().message.toStdString();
        EXPECT_EQ(policy, before);
    }
}

TEST(SecurityPolicy, EntriesRoundTripThroughSet)
{
    SecurityPolicy source;
    ASSERT_TRUE(source.set(QStringLiteral("profile"), QStringLiteral("jp-mhlw-legacy")));
    ASSERT_TRUE(source.set(QStringLiteral("lock-at"), QStringLiteral("7")));
    ASSERT_TRUE(source.set(QStringLiteral("throttle-from"), QStringLiteral("3")));
    SecurityPolicy copy;
    for (const auto& [key, value] : source.entries()) {
        ASSERT_TRUE(copy.set(key, value)) << key.toStdString();
    }
    EXPECT_EQ(copy, source);
    EXPECT_EQ(source.entries().size(), SecurityPolicy::keys().size());
}

TEST(SecurityPolicy, FromEntriesValidatesTheWholeSetNotKeyByKey)
{
    // throttle-from 12 alone is above the default lock-at 10, together with lock-at 20 it is fine.
    const auto policy = SecurityPolicy::fromEntries({{QStringLiteral("throttle-from"), QStringLiteral("12")},
                                                     {QStringLiteral("lock-at"), QStringLiteral("20")}});
    ASSERT_TRUE(policy) << policy.error().message.toStdString();
    EXPECT_EQ(policy->throttleFromFailure, 12);
    EXPECT_EQ(policy->lockAtFailure, 20);

    const auto broken =
        SecurityPolicy::fromEntries({{QStringLiteral("idle-lock-minutes"), QStringLiteral("600")}});
    ASSERT_FALSE(broken);
    EXPECT_EQ(broken.error().code, ErrorCode::ConfigurationInvalid);
}

} // namespace
} // namespace dokuei::security
