#include "dokuei/exchange/RetryPolicy.h"

#include <algorithm>

namespace dokuei::exchange {

std::chrono::milliseconds RetryPolicy::delayBefore(int attempt) const
{
    if (attempt <= 1) {
        return std::chrono::milliseconds{0};
    }
    auto delay = baseDelay;
    for (int i = 2; i < attempt && delay < cap; ++i) {
        delay *= 2;
    }
    return std::min(delay, cap);
}

} // namespace dokuei::exchange
