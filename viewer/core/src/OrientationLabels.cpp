#include "dokuei/viewer/core/OrientationLabels.h"

#include "dokuei/viewer/core/Vec3Math.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

namespace dokuei::viewer {
namespace {

// Rodrigues' rotation of v about the unit axis u.
Vec3 rotate(const Vec3& v, const Vec3& u, double radians)
{
    const double c = std::cos(radians);
    const double s = std::sin(radians);
    const Vec3 uxv = cross(u, v);
    const double k = dot(u, v) * (1.0 - c);
    return {c * v[0] + s * uxv[0] + k * u[0], c * v[1] + s * uxv[1] + k * u[1],
            c * v[2] + s * uxv[2] + k * u[2]};
}

// The signed voxel axis (among +-a, +-b, +-c) closest to target, skipping the axis index `exclude`.
Vec3 closestSignedAxis(const std::array<Vec3, 3>& axes, const Vec3& target, int exclude, int& chosen)
{
    double best = -1.0;
    Vec3 result = axes[0];
    chosen = 0;
    for (int i = 0; i < 3; ++i) {
        if (i == exclude) {
            continue;
        }
        const double d = dot(axes[static_cast<std::size_t>(i)], target);
        if (std::abs(d) > best) {
            best = std::abs(d);
            chosen = i;
            result =
                d >= 0 ? axes[static_cast<std::size_t>(i)] : scale(axes[static_cast<std::size_t>(i)], -1.0);
        }
    }
    return result;
}

} // namespace

QString orientationLabel(const Vec3& direction, double threshold)
{
    const double norm = std::sqrt(dot(direction, direction));
    if (!(norm > 0.0) || !std::isfinite(norm)) {
        return {};
    }
    std::array<int, 3> order{0, 1, 2};
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        return std::abs(direction[static_cast<std::size_t>(a)]) >
               std::abs(direction[static_cast<std::size_t>(b)]);
    });
    static constexpr char kPositive[3] = {'L', 'P', 'H'};
    static constexpr char kNegative[3] = {'R', 'A', 'F'};
    QString label;
    for (int axis : order) {
        const double cosine = direction[static_cast<std::size_t>(axis)] / norm;
        if (std::abs(cosine) > threshold) {
            label += QLatin1Char(cosine > 0 ? kPositive[axis] : kNegative[axis]);
        }
    }
    return label;
}

SideLabels sideLabels(const ViewAxes& axes, double threshold)
{
    return {orientationLabel(scale(axes.right, -1.0), threshold), orientationLabel(axes.right, threshold),
            orientationLabel(scale(axes.down, -1.0), threshold), orientationLabel(axes.down, threshold)};
}

ViewAxes standardViewAxes(ViewPlane plane)
{
    switch (plane) {
    case ViewPlane::Axial:
        return {{1, 0, 0}, {0, 1, 0}};
    case ViewPlane::Coronal:
        return {{1, 0, 0}, {0, 0, -1}};
    case ViewPlane::Sagittal:
        return {{0, 1, 0}, {0, 0, -1}};
    }
    return {};
}

ViewAxes storedImageAxes(const VolumeGeometry& geometry)
{
    return {geometry.rowDirection, geometry.columnDirection};
}

ViewAxes volumeViewAxes(const VolumeGeometry& geometry, ViewPlane plane)
{
    const std::array<Vec3, 3> axes{geometry.rowDirection, geometry.columnDirection, geometry.normal};
    const ViewAxes target = standardViewAxes(plane);
    // Pick the more decisive of the two screen directions first so that both never take the same axis.
    int rightAxis = 0;
    int downAxis = 0;
    ViewAxes result;
    int probe = 0;
    closestSignedAxis(axes, target.right, -1, probe);
    const double rightFit = std::abs(dot(axes[static_cast<std::size_t>(probe)], target.right));
    closestSignedAxis(axes, target.down, -1, probe);
    const double downFit = std::abs(dot(axes[static_cast<std::size_t>(probe)], target.down));
    if (rightFit >= downFit) {
        result.right = closestSignedAxis(axes, target.right, -1, rightAxis);
        result.down = closestSignedAxis(axes, target.down, rightAxis, downAxis);
    } else {
        result.down = closestSignedAxis(axes, target.down, -1, downAxis);
        result.right = closestSignedAxis(axes, target.right, downAxis, rightAxis);
    }
    return result;
}

ViewAxes rotateViewAxes(const ViewAxes& axes, const Vec3& axisLps, double degrees)
{
    const double norm = std::sqrt(dot(axisLps, axisLps));
    if (!(norm > 0.0)) {
        return axes;
    }
    const Vec3 u = scale(axisLps, 1.0 / norm);
    const double radians = degrees * std::numbers::pi / 180.0;
    return {rotate(axes.right, u, radians), rotate(axes.down, u, radians)};
}

Vec3 viewNormal(const ViewAxes& axes)
{
    return cross(axes.right, axes.down);
}

} // namespace dokuei::viewer
