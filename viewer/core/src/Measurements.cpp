#include "dokuei/viewer/core/Measurements.h"

#include "dokuei/viewer/core/Vec3Math.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

namespace dokuei::viewer {
namespace {

/// Exact integer sums over the pixels of a region; the mean/SD are computed from them at the end.
class Accumulator
{
public:
    void add(std::int16_t v)
    {
        const std::int64_t x = v;
        ++m_count;
        m_sum += x;
        m_min = std::min(m_min, x);
        m_max = std::max(m_max, x);
    }
    void addDeviation(std::int16_t v, double mean)
    {
        const double d = static_cast<double>(v) - mean;
        m_squares += d * d;
    }
    std::size_t count() const { return m_count; }
    double mean() const { return static_cast<double>(m_sum) / static_cast<double>(m_count); }
    RoiStatistics result(const VolumeGeometry& g) const
    {
        RoiStatistics s;
        s.pixelCount = m_count;
        s.meanHu = mean();
        const double n = static_cast<double>(m_count);
        s.sdHu = std::sqrt(m_squares / n);
        s.sampleSdHu = m_count > 1 ? std::sqrt(m_squares / (n - 1.0)) : 0.0;
        s.minHu = static_cast<int>(m_min);
        s.maxHu = static_cast<int>(m_max);
        s.areaMm2 = n * g.rowSpacing * g.columnSpacing;
        return s;
    }

private:
    std::size_t m_count = 0;
    std::int64_t m_sum = 0;
    std::int64_t m_min = std::numeric_limits<std::int64_t>::max();
    std::int64_t m_max = std::numeric_limits<std::int64_t>::min();
    double m_squares = 0;
};

/// Calls visit(row, column) for every pixel of the region in row-major order; spansOfRow(row, spans) appends
/// the region's [first, last] column spans of that row, already clipped to the image.
template <typename Spans, typename Visit>
void forEachPixel(int rowFirst, int rowLast, Spans&& spansOfRow, Visit&& visit)
{
    std::vector<std::pair<int, int>> spans;
    for (int r = rowFirst; r <= rowLast; ++r) {
        spans.clear();
        spansOfRow(r, spans);
        for (const auto& [first, last] : spans) {
            for (int c = first; c <= last; ++c) {
                visit(r, c);
            }
        }
    }
}

template <typename Spans>
std::optional<RoiStatistics> statistics(const Volume& volume, int slice, int rowFirst, int rowLast,
                                        Spans&& spans)
{
    const std::int16_t* pixels = volume.slice(slice);
    if (pixels == nullptr) {
        return std::nullopt;
    }
    rowFirst = std::max(rowFirst, 0);
    rowLast = std::min(rowLast, volume.rows() - 1);
    const auto columns = static_cast<std::size_t>(volume.columns());
    const auto at = [&](int r, int c) {
        return pixels[static_cast<std::size_t>(r) * columns + static_cast<std::size_t>(c)];
    };
    Accumulator acc;
    forEachPixel(rowFirst, rowLast, spans, [&](int r, int c) { acc.add(at(r, c)); });
    if (acc.count() == 0) {
        return std::nullopt;
    }
    // Second pass for the squared deviations from the exact mean (numerically stable, nothing copied).
    const double mean = acc.mean();
    forEachPixel(rowFirst, rowLast, spans, [&](int r, int c) { acc.addDeviation(at(r, c), mean); });
    return acc.result(volume.geometry());
}

int ceilToInt(double v)
{
    return static_cast<int>(std::ceil(v));
}
int floorToInt(double v)
{
    return static_cast<int>(std::floor(v));
}

} // namespace

Vec3 voxelToPatient(const VolumeGeometry& g, const VoxelIndex& index)
{
    Vec3 p{};
    for (std::size_t i = 0; i < 3; ++i) {
        p[i] = g.origin[i] + index[0] * g.columnSpacing * g.rowDirection[i] +
               index[1] * g.rowSpacing * g.columnDirection[i] + index[2] * g.sliceStep[i];
    }
    return p;
}

std::optional<VoxelIndex> patientToVoxel(const VolumeGeometry& g, const Vec3& patient)
{
    // Columns of M: the patient displacement of one step in column, row and slice index.
    Vec3 a{}, b{}, c{};
    for (std::size_t i = 0; i < 3; ++i) {
        a[i] = g.columnSpacing * g.rowDirection[i];
        b[i] = g.rowSpacing * g.columnDirection[i];
        c[i] = g.sliceStep[i];
    }
    const Vec3 bxc{b[1] * c[2] - b[2] * c[1], b[2] * c[0] - b[0] * c[2], b[0] * c[1] - b[1] * c[0]};
    const Vec3 cxa{c[1] * a[2] - c[2] * a[1], c[2] * a[0] - c[0] * a[2], c[0] * a[1] - c[1] * a[0]};
    const Vec3 axb{a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    const double det = dot(a, bxc);
    if (!(std::abs(det) > 1e-12) || !std::isfinite(det)) {
        return std::nullopt;
    }
    const Vec3 d = sub(patient, g.origin);
    // Cramer's rule via the reciprocal basis.
    return VoxelIndex{dot(d, bxc) / det, dot(d, cxa) / det, dot(d, axb) / det};
}

double lengthMm(const Volume& volume, const VoxelIndex& a, const VoxelIndex& b)
{
    const Vec3 d = sub(voxelToPatient(volume.geometry(), a), voxelToPatient(volume.geometry(), b));
    return std::sqrt(dot(d, d));
}

std::optional<double> angleDegrees(const Volume& volume, const VoxelIndex& a, const VoxelIndex& vertex,
                                   const VoxelIndex& b)
{
    const VolumeGeometry& g = volume.geometry();
    const Vec3 v = voxelToPatient(g, vertex);
    const Vec3 u = sub(voxelToPatient(g, a), v);
    const Vec3 w = sub(voxelToPatient(g, b), v);
    const double nu = std::sqrt(dot(u, u));
    const double nw = std::sqrt(dot(w, w));
    if (!(nu > 0.0) || !(nw > 0.0)) {
        return std::nullopt;
    }
    // atan2 of |u x w| and u.w: accurate near 0 and 180 degrees too.
    const Vec3 x{u[1] * w[2] - u[2] * w[1], u[2] * w[0] - u[0] * w[2], u[0] * w[1] - u[1] * w[0]};
    return std::atan2(std::sqrt(dot(x, x)), dot(u, w)) * 180.0 / std::numbers::pi;
}

std::optional<RoiStatistics> ellipseStatistics(const Volume& volume, int slice, PixelPoint centre,
                                               double semiX, double semiY)
{
    if (!(semiX > 0.0) || !(semiY > 0.0) || !std::isfinite(centre.x) || !std::isfinite(centre.y)) {
        return std::nullopt;
    }
    const int columns = volume.columns();
    const auto spans = [&](int r, std::vector<std::pair<int, int>>& out) {
        const double dy = (r - centre.y) / semiY;
        const int first = std::max(0, ceilToInt(centre.x - semiX));
        const int last = std::min(columns - 1, floorToInt(centre.x + semiX));
        // The exact pixel-centre test, pixel by pixel within the bounding box (no sqrt rounding at the rim).
        int runStart = -1;
        for (int c = first; c <= last; ++c) {
            const double dx = (c - centre.x) / semiX;
            const bool inside = dx * dx + dy * dy <= 1.0;
            if (inside && runStart < 0) {
                runStart = c;
            } else if (!inside && runStart >= 0) {
                out.emplace_back(runStart, c - 1);
                runStart = -1;
            }
        }
        if (runStart >= 0) {
            out.emplace_back(runStart, last);
        }
    };
    return statistics(volume, slice, ceilToInt(centre.y - semiY), floorToInt(centre.y + semiY), spans);
}

std::optional<RoiStatistics> polygonStatistics(const Volume& volume, int slice,
                                               std::span<const PixelPoint> vertices)
{
    if (vertices.size() < 3) {
        return std::nullopt;
    }
    double minY = std::numeric_limits<double>::infinity();
    double maxY = -minY;
    for (const PixelPoint& p : vertices) {
        if (!std::isfinite(p.x) || !std::isfinite(p.y)) {
            return std::nullopt;
        }
        minY = std::min(minY, p.y);
        maxY = std::max(maxY, p.y);
    }
    const int columns = volume.columns();
    std::vector<double> crossings;
    const auto spans = [&](int r, std::vector<std::pair<int, int>>& out) {
        const double y = r;
        crossings.clear();
        for (std::size_t i = 0, j = vertices.size() - 1; i < vertices.size(); j = i++) {
            const PixelPoint& a = vertices[i];
            const PixelPoint& b = vertices[j];
            if ((a.y > y) != (b.y > y)) {
                crossings.push_back((b.x - a.x) * (y - a.y) / (b.y - a.y) + a.x);
            }
        }
        std::sort(crossings.begin(), crossings.end());
        // pnpoly: a pixel centre x is inside when the number of crossings strictly right of it (x < cross)
        // is odd. With the crossings sorted, that is x in [crossings[m-2k-2], crossings[m-2k-1]) counted from
        // the right, i.e. pairs (c0, c1), (c2, c3), ... with c_even <= x < c_odd.
        for (std::size_t k = 0; k + 1 < crossings.size(); k += 2) {
            const int first = std::max(0, ceilToInt(crossings[k]));
            int last = ceilToInt(crossings[k + 1]) - 1; // largest integer strictly below crossings[k + 1]
            last = std::min(last, columns - 1);
            if (first <= last) {
                out.emplace_back(first, last);
            }
        }
    };
    return statistics(volume, slice, ceilToInt(minY), floorToInt(maxY), spans);
}

std::optional<HuProbe> probeHu(const Volume& volume, const VoxelIndex& index)
{
    for (double v : index) {
        if (!std::isfinite(v) || std::abs(v) > 1e9) {
            return std::nullopt;
        }
    }
    const int c = floorToInt(index[0] + 0.5);
    const int r = floorToInt(index[1] + 0.5);
    const int k = floorToInt(index[2] + 0.5);
    if (c < 0 || r < 0 || k < 0 || c >= volume.columns() || r >= volume.rows() || k >= volume.slices()) {
        return std::nullopt;
    }
    const std::int16_t* pixels = volume.slice(k);
    if (pixels == nullptr) {
        return std::nullopt;
    }
    HuProbe probe;
    probe.column = c;
    probe.row = r;
    probe.slice = k;
    probe.hu = pixels[static_cast<std::size_t>(r) * static_cast<std::size_t>(volume.columns()) +
                      static_cast<std::size_t>(c)];
    probe.patient = voxelToPatient(volume.geometry(), {double(c), double(r), double(k)});
    return probe;
}

} // namespace dokuei::viewer
