#include "dokuei/viewer/core/SeriesGeometry.h"

#include "dokuei/viewer/core/Vec3Math.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace dokuei::viewer {
namespace {

struct Group
{
    std::vector<int> members;
    const InstanceInfo* reference = nullptr;
    Vec3 row{};
    Vec3 column{};
};

bool sameFrame(const InstanceInfo& a, const InstanceInfo& b)
{
    if (a.rows != b.rows || a.columns != b.columns)
        return false;
    if (std::abs(a.rowSpacing - b.rowSpacing) > 1e-4 || std::abs(a.columnSpacing - b.columnSpacing) > 1e-4)
        return false;
    return true;
}

bool sameOrientation(const InstanceInfo& a, const InstanceInfo& b)
{
    for (int i = 0; i < 6; ++i)
        if (std::abs(a.imageOrientation[std::size_t(i)] - b.imageOrientation[std::size_t(i)]) > 1e-4)
            return false;
    return true;
}

QString mm(double v)
{
    return QString::number(v, 'f', 3);
}

} // namespace

bool Stack::hasWarning(GeometryWarning::Kind kind) const
{
    return std::any_of(warnings.begin(), warnings.end(),
                       [kind](const GeometryWarning& w) { return w.kind == kind; });
}

Expected<std::vector<Stack>> SeriesGeometry::analyse(const std::vector<InstanceInfo>& images)
{
    if (images.empty())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("no images to analyse"));
    std::vector<Group> groups;
    bool mixedSize = false;
    bool mixedOrientation = false;
    for (int i = 0; i < int(images.size()); ++i) {
        const InstanceInfo& info = images[std::size_t(i)];
        if (!info.hasPosition || !info.hasOrientation)
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("image %1 (frame %2) has no Image Position/Orientation (Patient)")
                            .arg(info.sopInstanceUid)
                            .arg(info.frameIndex + 1));
        Group* found = nullptr;
        for (auto& g : groups) {
            const bool frameOk = sameFrame(*g.reference, info);
            const bool orientationOk = sameOrientation(*g.reference, info);
            if (frameOk && orientationOk) {
                found = &g;
                break;
            }
            mixedSize = mixedSize || !frameOk;
            mixedOrientation = mixedOrientation || (frameOk && !orientationOk);
        }
        if (found == nullptr) {
            Group g;
            g.reference = &info;
            g.row = {info.imageOrientation[0], info.imageOrientation[1], info.imageOrientation[2]};
            g.column = {info.imageOrientation[3], info.imageOrientation[4], info.imageOrientation[5]};
            const Vec3 n = cross(g.row, g.column);
            if (std::abs(norm(g.row) - 1) > 1e-3 || std::abs(norm(g.column) - 1) > 1e-3 ||
                std::abs(norm(n) - 1) > 1e-3)
                return fail(ErrorCode::InvalidArgument,
                            QStringLiteral("image %1 has a degenerate Image Orientation (Patient)")
                                .arg(info.sopInstanceUid));
            groups.push_back(g);
            found = &groups.back();
        }
        found->members.push_back(i);
    }

    std::vector<Stack> stacks;
    for (auto& g : groups) {
        const Vec3 n = cross(g.row, g.column);
        auto along = [&](int i) { return dot(images[std::size_t(i)].imagePosition, n); };
        std::stable_sort(g.members.begin(), g.members.end(),
                         [&](int a, int b) { return along(a) < along(b); });
        // Images at (nearly) the same position go to separate stacks.
        std::vector<std::vector<int>> split;
        for (int i : g.members) {
            bool placed = false;
            for (auto& s : split) {
                if (std::abs(along(s.back()) - along(i)) > 1e-3) {
                    s.push_back(i);
                    placed = true;
                    break;
                }
            }
            if (!placed)
                split.push_back({i});
        }
        for (auto& members : split) {
            Stack s;
            s.order = members;
            const InstanceInfo& first = images[std::size_t(members.front())];
            s.rows = first.rows;
            s.columns = first.columns;
            s.origin = first.imagePosition;
            s.rowSpacing = first.rowSpacing;
            s.columnSpacing = first.columnSpacing;
            s.rowDirection = g.row;
            s.columnDirection = g.column;
            s.normal = n;
            if (split.size() > 1)
                s.warnings.push_back(
                    {GeometryWarning::Kind::MultipleStacks,
                     QStringLiteral("%1 images share positions: the series was split into %2 stacks")
                         .arg(g.members.size())
                         .arg(split.size())});
            if (mixedSize)
                s.warnings.push_back(
                    {GeometryWarning::Kind::MixedSize,
                     QStringLiteral("the series holds images of several sizes or pixel spacings")});
            if (mixedOrientation)
                s.warnings.push_back({GeometryWarning::Kind::MixedOrientation,
                                      QStringLiteral("the series holds images of several orientations")});
            if (members.size() >= 2) {
                std::vector<double> gaps;
                for (std::size_t k = 1; k < members.size(); ++k)
                    gaps.push_back(along(members[k]) - along(members[k - 1]));
                std::vector<double> sorted = gaps;
                std::nth_element(sorted.begin(), sorted.begin() + std::ptrdiff_t(sorted.size() / 2),
                                 sorted.end());
                const double median = sorted[sorted.size() / 2];
                s.sliceSpacing = median;
                int missing = 0;
                bool nonUniform = false;
                double minGap = gaps.front(), maxGap = gaps.front();
                for (std::size_t k = 0; k < gaps.size(); ++k) {
                    minGap = std::min(minGap, gaps[k]);
                    maxGap = std::max(maxGap, gaps[k]);
                    const double ratio = gaps[k] / median;
                    if (ratio > 1.5) {
                        const int lost = int(std::lround(ratio)) - 1;
                        missing += std::max(lost, 1);
                        s.warnings.push_back({GeometryWarning::Kind::MissingSlices,
                                              QStringLiteral("about %1 slice(s) missing between slices %2 "
                                                             "and %3: gap %4 mm, spacing %5 mm")
                                                  .arg(std::max(lost, 1))
                                                  .arg(k)
                                                  .arg(k + 1)
                                                  .arg(mm(gaps[k]), mm(median))});
                    } else if (std::abs(gaps[k] - median) > std::max(0.01 * median, 1e-3)) {
                        nonUniform = true;
                    }
                }
                if (nonUniform)
                    s.warnings.push_back(
                        {GeometryWarning::Kind::NonUniformSpacing,
                         QStringLiteral("slice distances vary from %1 to %2 mm (median %3 mm)")
                             .arg(mm(minGap), mm(maxGap), mm(median))});
                const Vec3& p0 = images[std::size_t(members.front())].imagePosition;
                const Vec3& p1 = images[std::size_t(members.back())].imagePosition;
                const Vec3 d{p1[0] - p0[0], p1[1] - p0[1], p1[2] - p0[2]};
                const double length = along(members.back()) - along(members.front());
                const double stepCount = length / median;
                s.sliceStep = {d[0] / stepCount, d[1] / stepCount, d[2] / stepCount};
                const double dn = norm(d);
                const double angle =
                    dn > 0 ? std::acos(std::clamp(dot(d, n) / dn, -1.0, 1.0)) * 180.0 / std::numbers::pi : 0;
                if (angle > 0.05 || std::abs(first.gantryTilt) > 0.05)
                    s.warnings.push_back(
                        {GeometryWarning::Kind::GantryTilt,
                         QStringLiteral(
                             "the stack is sheared: positions advance %1 degrees off the slice normal "
                             "(Gantry/Detector Tilt %2)")
                             .arg(angle, 0, 'f', 2)
                             .arg(first.gantryTilt)});
            } else {
                s.sliceSpacing = first.sliceThickness > 0 ? first.sliceThickness : 1.0;
                s.sliceStep = {n[0] * s.sliceSpacing, n[1] * s.sliceSpacing, n[2] * s.sliceSpacing};
            }
            stacks.push_back(std::move(s));
        }
    }
    std::stable_sort(stacks.begin(), stacks.end(),
                     [](const Stack& a, const Stack& b) { return a.order.size() > b.order.size(); });
    return stacks;
}

} // namespace dokuei::viewer
