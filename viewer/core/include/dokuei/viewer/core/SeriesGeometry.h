#pragma once

#include "dokuei/common/Error.h"
#include "dokuei/viewer/core/InstanceInfo.h"

#include <vector>

#include <QString>

namespace dokuei::viewer {

/// Something about a stack's geometry that a reader must know (the stack is still usable).
struct GeometryWarning
{
    enum class Kind
    {
        NonUniformSpacing, ///< slice distances differ by more than 1 %
        MissingSlices,     ///< a gap of about two (or more) slice distances
        GantryTilt,        ///< positions advance obliquely to the slice normal (sheared stack)
        MixedOrientation,  ///< the series holds images of several orientations (split into stacks)
        MixedSize,         ///< the series holds images of several sizes or pixel spacings (split)
        MultipleStacks,    ///< several images at the same position (split into separate stacks)
        DuplicatePosition,
    };
    Kind kind;
    QString message;
};

/// One geometrically consistent stack of slices, sorted along the slice normal.
struct Stack
{
    std::vector<int> order; ///< indices into the analysed InstanceInfo list, first slice first
    int rows = 0;
    int columns = 0;
    Vec3 origin{};            ///< Image Position (Patient) of the first slice, LPS mm
    double rowSpacing = 0;    ///< mm between rows (along columnDirection)
    double columnSpacing = 0; ///< mm between columns (along rowDirection)
    double sliceSpacing = 0;  ///< median distance between neighbouring slices along the normal
    Vec3 rowDirection{};      ///< direction of increasing column index
    Vec3 columnDirection{};   ///< direction of increasing row index
    Vec3 normal{};            ///< rowDirection x columnDirection
    Vec3 sliceStep{};         ///< mean position(k+1) - position(k): not along normal when tilted
    std::vector<GeometryWarning> warnings;

    bool hasWarning(GeometryWarning::Kind kind) const;
};

/// Sorts a series' images into stacks and checks their geometry.
class SeriesGeometry
{
public:
    /// Images in any order. Groups them by size, pixel spacing and orientation, sorts each group by position
    /// along the slice normal, splits images at equal positions into separate stacks, and reports non-uniform
    /// spacing, missing slices and tilt. Largest stack first. Fails (InvalidArgument) for an empty list or
    /// an image without position or orientation, or with a degenerate orientation.
    static Expected<std::vector<Stack>> analyse(const std::vector<InstanceInfo>& images);
};

} // namespace dokuei::viewer
