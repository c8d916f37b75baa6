#pragma once

#include <chrono>

namespace dokuei::exchange {

/// Exponential backoff: attempt 1 is the first try (no delay); before attempt n > 1 the delay is
/// min(cap, baseDelay * 2^(n-2)). `attempts` counts the first try.
struct RetryPolicy
{
    int attempts = 5;
    std::chrono::milliseconds baseDelay{200};
    std::chrono::milliseconds cap{5000};

    /// Delay before attempt `attempt` (1-based); zero for the first.
    std::chrono::milliseconds delayBefore(int attempt) const;
    /// Whether another attempt is allowed after `attemptsMade` attempts.
    bool allowsAnother(int attemptsMade) const { return attemptsMade < attempts; }
};

} // namespace dokuei::exchange
