#include "dokuei/security/SecurityPolicy.h"

#include <algorithm>

namespace dokuei::security {
namespace {

const QString kProfile = QStringLiteral("profile");
const QString kIdleLock = QStringLiteral("idle-lock-minutes");
const QString kThrottleFrom = QStringLiteral("throttle-from");
const QString kLockAt = QStringLiteral("lock-at");
const QString kMaxDelay = QStringLiteral("max-delay-seconds");
const QString kReauthenticate = QStringLiteral("reauthenticate-hours");
const QString kMaxAge = QStringLiteral("password-max-age-days");

constexpr int kMaxLockAt = 100;

Expected<void> inRange(const QString& key, int value, int low, int high, const QString& why = {})
{
    if (value < low || value > high) {
        return fail(ErrorCode::ConfigurationInvalid,
                    QStringLiteral("Policy %1 = %2 is out of range: use a value from %3 to %4%5")
                        .arg(key)
                        .arg(value)
                        .arg(low)
                        .arg(high)
                        .arg(why.isEmpty() ? QString() : QStringLiteral(" (") + why + QStringLiteral(")")));
    }
    return {};
}

} // namespace

QStringList SecurityPolicy::keys()
{
    return {kProfile, kIdleLock, kThrottleFrom, kLockAt, kMaxDelay, kReauthenticate, kMaxAge};
}

Expected<void> SecurityPolicy::validate() const
{
    const Expected<void> checks[] = {
        inRange(kIdleLock, idleLockMinutes, 1, 60),
        inRange(kLockAt, lockAtFailure, 1, kMaxLockAt),
        inRange(
            kThrottleFrom, throttleFromFailure, 1, lockAtFailure,
            QStringLiteral("delays must start no later than the failure that locks the account, lock-at = %1")
                .arg(lockAtFailure)),
        inRange(kMaxDelay, maxDelaySeconds, 1, 3600),
        inRange(kReauthenticate, reauthenticateHours, 1, 24),
        inRange(kMaxAge, passwordMaxAgeDays, 1, 60,
                QStringLiteral("the guideline allows at most two months between changes")),
    };
    for (const auto& check : checks) {
        if (!check) {
            return check;
        }
    }
    return {};
}

Expected<void> SecurityPolicy::set(const QString& key, const QString& value)
{
    SecurityPolicy changed = *this;
    if (auto assigned = changed.assign(key, value); !assigned) {
        return assigned;
    }
    if (auto valid = changed.validate(); !valid) {
        return valid;
    }
    *this = changed;
    return {};
}

Expected<SecurityPolicy> SecurityPolicy::fromEntries(const QList<QPair<QString, QString>>& entries)
{
    SecurityPolicy policy;
    for (const auto& [key, value] : entries) {
        if (auto assigned = policy.assign(key, value); !assigned) {
            return std::unexpected(assigned.error());
        }
    }
    if (auto valid = policy.validate(); !valid) {
        return std::unexpected(valid.error());
    }
    return policy;
}

Expected<void> SecurityPolicy::assign(const QString& key, const QString& value)
{
    SecurityPolicy& changed = *this;
    if (key == kProfile) {
        const auto named = profileFromName(value);
        if (!named) {
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("Unknown password profile \"%1\": use jp-mhlw-2fa, jp-mhlw-legacy or "
                                       "nist-800-63b")
                            .arg(value));
        }
        changed.profile = *named;
    } else {
        int* target = nullptr;
        if (key == kIdleLock) {
            target = &changed.idleLockMinutes;
        } else if (key == kThrottleFrom) {
            target = &changed.throttleFromFailure;
        } else if (key == kLockAt) {
            target = &changed.lockAtFailure;
        } else if (key == kMaxDelay) {
            target = &changed.maxDelaySeconds;
        } else if (key == kReauthenticate) {
            target = &changed.reauthenticateHours;
        } else if (key == kMaxAge) {
            target = &changed.passwordMaxAgeDays;
        } else {
            return fail(ErrorCode::InvalidArgument, QStringLiteral("Unknown policy key \"%1\": use one of %2")
                                                        .arg(key, keys().join(QStringLiteral(", "))));
        }
        bool ok = false;
        const int number = value.trimmed().toInt(&ok);
        if (!ok) {
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("Policy %1 needs a whole number, not \"%2\"").arg(key, value));
        }
        *target = number;
    }
    return {};
}

QList<QPair<QString, QString>> SecurityPolicy::entries() const
{
    return {
        {kProfile, profileName(profile)},
        {kIdleLock, QString::number(idleLockMinutes)},
        {kThrottleFrom, QString::number(throttleFromFailure)},
        {kLockAt, QString::number(lockAtFailure)},
        {kMaxDelay, QString::number(maxDelaySeconds)},
        {kReauthenticate, QString::number(reauthenticateHours)},
        {kMaxAge, QString::number(passwordMaxAgeDays)},
    };
}

int SecurityPolicy::delayAfterFailures(int consecutiveFailures) const
{
    if (consecutiveFailures < throttleFromFailure || throttleFromFailure < 1) {
        return 0;
    }
    const int exponent = consecutiveFailures - throttleFromFailure;
    // 2^exponent without overflow: anything from 2^31 on is far above any cap.
    const long long delay = exponent >= 31 ? (1LL << 31) : (1LL << exponent);
    return static_cast<int>(std::min<long long>(delay, std::max(maxDelaySeconds, 0)));
}

std::optional<int> SecurityPolicy::passwordMaxAge() const
{
    const auto profileMax = PasswordPolicy(profile).maxAgeDays();
    if (!profileMax) {
        return std::nullopt;
    }
    return std::min(*profileMax, passwordMaxAgeDays);
}

} // namespace dokuei::security
