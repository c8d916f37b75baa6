#pragma once

#include "dokuei/viewer/core/InstanceInfo.h"
#include "dokuei/viewer/core/Volume.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace dokuei::viewer {

/// Continuous voxel index (column, row, slice) of a Volume: voxel centres at integers, (0, 0, 0) the centre
/// of the first voxel of slice 0. Slice k of the Volume is its k-th slice along the normal (not the
/// acquisition order).
using VoxelIndex = Vec3;

/// A point in one slice's pixel space: x = column, y = row, pixel centres at integers.
struct PixelPoint
{
    double x = 0;
    double y = 0;
};

/// Patient position (LPS mm) of a continuous voxel index:
/// origin + column * columnSpacing * rowDirection + row * rowSpacing * columnDirection + slice * sliceStep.
/// sliceStep (not normal * sliceSpacing) so that tilted (sheared) stacks are right too.
Vec3 voxelToPatient(const VolumeGeometry& geometry, const VoxelIndex& index);
/// The inverse; nullopt when the geometry is degenerate.
std::optional<VoxelIndex> patientToVoxel(const VolumeGeometry& geometry, const Vec3& patient);

/// Distance in mm between two voxel-index points (any direction, oblique and anisotropic geometry included).
double lengthMm(const Volume& volume, const VoxelIndex& a, const VoxelIndex& b);
/// Angle at `vertex` between the rays to a and to b, in degrees (0..180), measured in patient space;
/// nullopt when either ray has zero length.
std::optional<double> angleDegrees(const Volume& volume, const VoxelIndex& a, const VoxelIndex& vertex,
                                   const VoxelIndex& b);

/// HU statistics of the pixels of one slice inside a region.
struct RoiStatistics
{
    std::size_t pixelCount = 0;
    double meanHu = 0;
    double sdHu = 0;       ///< POPULATION standard deviation (divides by N), as Cornerstone/OHIF show
    double sampleSdHu = 0; ///< sample standard deviation (divides by N - 1); 0 for one pixel
    int minHu = 0;
    int maxHu = 0;
    double areaMm2 = 0; ///< pixelCount x rowSpacing x columnSpacing
};

/// Pixels of slice `slice` whose centres satisfy ((x-cx)/semiX)^2 + ((y-cy)/semiY)^2 <= 1 (axis-aligned
/// ellipse in pixel space; x = column, y = row). nullopt when the slice does not exist or is wiped, a
/// semi-axis is not positive, or no pixel centre lies inside.
std::optional<RoiStatistics> ellipseStatistics(const Volume& volume, int slice, PixelPoint centre,
                                               double semiX, double semiY);
/// Pixels of slice `slice` whose centres are inside the closed polygon (vertices in pixel space, the last
/// joined to the first) by the even-odd rule (a crossing counts when one end is above the scan line and the
/// other at or below it, as in the classic pnpoly test). nullopt when the slice does not exist or is wiped,
/// fewer than 3 vertices are given, or no pixel centre lies inside.
std::optional<RoiStatistics> polygonStatistics(const Volume& volume, int slice,
                                               std::span<const PixelPoint> vertices);

/// The stored HU of the voxel nearest a continuous index (each coordinate rounded half up).
struct HuProbe
{
    int column = 0;
    int row = 0;
    int slice = 0;
    int hu = 0;
    Vec3 patient{}; ///< LPS mm of that voxel's centre
};
/// nullopt when the nearest voxel is outside the volume or the volume is wiped.
std::optional<HuProbe> probeHu(const Volume& volume, const VoxelIndex& index);

} // namespace dokuei::viewer
