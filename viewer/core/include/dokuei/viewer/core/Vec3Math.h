#pragma once

#include "dokuei/viewer/core/InstanceInfo.h"

#include <cmath>

namespace dokuei::viewer {

// The vector arithmetic of patient geometry (LPS mm), in one place for the loader, the tools and the views.

inline double dot(const Vec3& a, const Vec3& b)
{
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}
inline Vec3 cross(const Vec3& a, const Vec3& b)
{
    return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}
inline Vec3 add(const Vec3& a, const Vec3& b)
{
    return {a[0] + b[0], a[1] + b[1], a[2] + b[2]};
}
inline Vec3 sub(const Vec3& a, const Vec3& b)
{
    return {a[0] - b[0], a[1] - b[1], a[2] - b[2]};
}
inline Vec3 scale(const Vec3& a, double s)
{
    return {a[0] * s, a[1] * s, a[2] * s};
}
/// p + s * d
inline Vec3 axpy(const Vec3& p, double s, const Vec3& d)
{
    return {p[0] + s * d[0], p[1] + s * d[1], p[2] + s * d[2]};
}
inline double norm(const Vec3& a)
{
    return std::sqrt(dot(a, a));
}
/// a / |a|; a zero vector stays zero.
inline Vec3 normalised(const Vec3& a)
{
    const double n = norm(a);
    return n > 0 ? scale(a, 1.0 / n) : a;
}

} // namespace dokuei::viewer
