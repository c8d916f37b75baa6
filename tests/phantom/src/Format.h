#pragma once

// g++ 12 has no <format>: a minimal "{}" substitution for messages and names.

#include <cstdint>
#include <cstdio>
#include <sstream>
#include <string>
#include <string_view>

namespace dokuei::phantom::detail {

inline void formatTo(std::ostringstream& out, std::string_view pattern)
{
    out << pattern;
}

template <typename First, typename... Rest>
void formatTo(std::ostringstream& out, std::string_view pattern, const First& first, const Rest&... rest)
{
    const std::size_t slot = pattern.find("{}");
    if (slot == std::string_view::npos) {
        out << pattern;
        return;
    }
    out << pattern.substr(0, slot) << first;
    formatTo(out, pattern.substr(slot + 2), rest...);
}

/// Replaces each "{}" in pattern with the next argument (operator<<).
template <typename... Args> std::string format(std::string_view pattern, const Args&... args)
{
    std::ostringstream out;
    out.precision(10);
    formatTo(out, pattern, args...);
    return out.str();
}

inline std::string hex16(std::uint64_t value)
{
    char buffer[17];
    std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(value));
    return buffer;
}

} // namespace dokuei::phantom::detail
