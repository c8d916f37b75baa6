#include "dokuei/viewer/core/MeasurementSet.h"

#include "dokuei/security/SecureBuffer.h"
#include "dokuei/viewer/core/Vec3Math.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <QCoreApplication>

namespace dokuei::viewer {
namespace {

std::optional<VoxelIndex> toVoxel(const Volume& v, const Vec3& p)
{
    return patientToVoxel(v.geometry(), p);
}

/// The stored slice `plane` lies on when its axes are the volume's own in-plane axes (either sign) and its
/// point is on a slice centre; -1 otherwise.
int storedSliceOf(const Volume& v, const MeasurementPlane& plane)
{
    const VolumeGeometry& g = v.geometry();
    const auto along = [](const Vec3& a, const Vec3& b) {
        return std::abs(std::abs(dot(a, b)) - 1.0) < 1e-6;
    };
    const bool inPlane =
        (along(plane.axes.right, g.rowDirection) && along(plane.axes.down, g.columnDirection)) ||
        (along(plane.axes.right, g.columnDirection) && along(plane.axes.down, g.rowDirection));
    if (!inPlane) {
        return -1;
    }
    const auto index = toVoxel(v, plane.point);
    if (!index) {
        return -1;
    }
    const double k = (*index)[2];
    const int slice = int(std::lround(k));
    if (std::abs(k - slice) > 1e-3 || slice < 0 || slice >= v.slices()) {
        return -1;
    }
    return slice;
}

/// Continuous (x = column, y = row) of a patient point.
std::optional<PixelPoint> toPixel(const Volume& v, const Vec3& p)
{
    const auto index = toVoxel(v, p);
    if (!index) {
        return std::nullopt;
    }
    return PixelPoint{(*index)[0], (*index)[1]};
}

/// Even-odd point-in-polygon in 2D plane coordinates.
bool inside(const std::vector<std::array<double, 2>>& poly, double x, double y)
{
    bool in = false;
    for (std::size_t i = 0, j = poly.size() - 1; i < poly.size(); j = i++) {
        const auto& a = poly[i];
        const auto& b = poly[j];
        if ((a[1] > y) != (b[1] > y) && x < (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]) + a[0]) {
            in = !in;
        }
    }
    return in;
}

/// ROI statistics by sampling the plane (oblique or resliced): plane coordinates u (right) / v (down) in mm
/// from the plane point; `contains` decides membership.
template <typename Contains>
std::optional<RoiStatistics> sampleRoi(const Volume& vol, const MeasurementPlane& plane, double u0, double u1,
                                       double v0, double v1, Contains contains)
{
    const VolumeGeometry& g = vol.geometry();
    const double step = std::min({g.rowSpacing, g.columnSpacing, g.sliceSpacing});
    if (!(step > 0)) {
        return std::nullopt;
    }
    RoiStatistics s;
    double sum = 0;
    double sumSq = 0;
    s.minHu = std::numeric_limits<int>::max();
    s.maxHu = std::numeric_limits<int>::min();
    for (double v = v0 + step / 2; v < v1; v += step) {
        for (double u = u0 + step / 2; u < u1; u += step) {
            if (!contains(u, v)) {
                continue;
            }
            const Vec3 p = axpy(axpy(plane.point, u, plane.axes.right), v, plane.axes.down);
            const auto index = toVoxel(vol, p);
            if (!index) {
                continue;
            }
            const auto probe = probeHu(vol, *index);
            if (!probe) {
                continue;
            }
            ++s.pixelCount;
            sum += probe->hu;
            sumSq += double(probe->hu) * probe->hu;
            s.minHu = std::min(s.minHu, probe->hu);
            s.maxHu = std::max(s.maxHu, probe->hu);
        }
    }
    if (s.pixelCount == 0) {
        return std::nullopt;
    }
    const double n = double(s.pixelCount);
    s.meanHu = sum / n;
    const double var = std::max(0.0, sumSq / n - s.meanHu * s.meanHu);
    s.sdHu = std::sqrt(var);
    s.sampleSdHu = n > 1 ? std::sqrt(var * n / (n - 1)) : 0;
    s.areaMm2 = n * step * step;
    return s;
}

std::array<double, 2> planeCoords(const MeasurementPlane& plane, const Vec3& p)
{
    const Vec3 d = sub(p, plane.point);
    return {dot(d, plane.axes.right), dot(d, plane.axes.down)};
}

} // namespace

void computeMeasurement(Measurement& m, const Volume& volume)
{
    m.valid = false;
    m.lengthMm = 0;
    m.angleDegrees.reset();
    m.roi.reset();
    m.probe.reset();
    if (volume.wiped() || m.points.empty()) {
        return;
    }
    std::vector<VoxelIndex> index;
    for (const Vec3& p : m.points) {
        const auto i = toVoxel(volume, p);
        if (!i) {
            return;
        }
        index.push_back(*i);
    }
    switch (m.kind) {
    case MeasurementKind::Length:
        if (index.size() == 2) {
            m.lengthMm = lengthMm(volume, index[0], index[1]);
            m.valid = true;
        }
        break;
    case MeasurementKind::Angle:
        if (index.size() == 3) {
            m.angleDegrees = angleDegrees(volume, index[0], index[1], index[2]);
            m.valid = m.angleDegrees.has_value();
        }
        break;
    case MeasurementKind::Probe:
        m.probe = probeHu(volume, index[0]);
        m.valid = m.probe.has_value();
        break;
    case MeasurementKind::Ellipse: {
        if (index.size() != 2) {
            break;
        }
        const int slice = storedSliceOf(volume, m.plane);
        if (slice >= 0) {
            const auto a = toPixel(volume, m.points[0]);
            const auto b = toPixel(volume, m.points[1]);
            m.roi = ellipseStatistics(volume, slice, {((*a).x + (*b).x) / 2, ((*a).y + (*b).y) / 2},
                                      std::abs((*a).x - (*b).x) / 2, std::abs((*a).y - (*b).y) / 2);
        } else {
            const auto a = planeCoords(m.plane, m.points[0]);
            const auto b = planeCoords(m.plane, m.points[1]);
            const double cu = (a[0] + b[0]) / 2;
            const double cv = (a[1] + b[1]) / 2;
            const double su = std::abs(a[0] - b[0]) / 2;
            const double sv = std::abs(a[1] - b[1]) / 2;
            if (su > 0 && sv > 0) {
                m.roi =
                    sampleRoi(volume, m.plane, cu - su, cu + su, cv - sv, cv + sv, [&](double u, double v) {
                        const double x = (u - cu) / su;
                        const double y = (v - cv) / sv;
                        return x * x + y * y <= 1.0;
                    });
            }
        }
        m.valid = m.roi.has_value();
        break;
    }
    case MeasurementKind::Freehand: {
        if (index.size() < 3) {
            break;
        }
        const int slice = storedSliceOf(volume, m.plane);
        if (slice >= 0) {
            std::vector<PixelPoint> vertices;
            for (const Vec3& p : m.points) {
                vertices.push_back(*toPixel(volume, p));
            }
            m.roi = polygonStatistics(volume, slice, vertices);
        } else {
            std::vector<std::array<double, 2>> poly;
            double u0 = std::numeric_limits<double>::max(), u1 = -u0, v0 = u0, v1 = -u0;
            for (const Vec3& p : m.points) {
                const auto c = planeCoords(m.plane, p);
                poly.push_back(c);
                u0 = std::min(u0, c[0]);
                u1 = std::max(u1, c[0]);
                v0 = std::min(v0, c[1]);
                v1 = std::max(v1, c[1]);
            }
            m.roi = sampleRoi(volume, m.plane, u0, u1, v0, v1,
                              [&](double u, double v) { return inside(poly, u, v); });
        }
        m.valid = m.roi.has_value();
        break;
    }
    }
}

QString measurementKindName(MeasurementKind kind)
{
    switch (kind) {
    case MeasurementKind::Length:
        return QCoreApplication::translate("dokuei::viewer::Measurement", "Length");
    case MeasurementKind::Angle:
        return QCoreApplication::translate("dokuei::viewer::Measurement", "Angle");
    case MeasurementKind::Ellipse:
        return QCoreApplication::translate("dokuei::viewer::Measurement", "Ellipse ROI");
    case MeasurementKind::Freehand:
        return QCoreApplication::translate("dokuei::viewer::Measurement", "Freehand ROI");
    case MeasurementKind::Probe:
        return QCoreApplication::translate("dokuei::viewer::Measurement", "HU probe");
    }
    return {};
}

QString measurementText(const Measurement& m)
{
    if (!m.valid) {
        return QCoreApplication::translate("dokuei::viewer::Measurement", "outside the image");
    }
    switch (m.kind) {
    case MeasurementKind::Length:
        return QCoreApplication::translate("dokuei::viewer::Measurement", "%1 mm").arg(m.lengthMm, 0, 'f', 1);
    case MeasurementKind::Angle:
        return QCoreApplication::translate("dokuei::viewer::Measurement", "%1°")
            .arg(*m.angleDegrees, 0, 'f', 1);
    case MeasurementKind::Probe:
        return QCoreApplication::translate("dokuei::viewer::Measurement", "%1 HU").arg(m.probe->hu);
    case MeasurementKind::Ellipse:
    case MeasurementKind::Freehand:
        return QCoreApplication::translate("dokuei::viewer::Measurement",
                                           "mean %1 HU, SD %2, min %3, max %4, area %5 mm²")
            .arg(m.roi->meanHu, 0, 'f', 1)
            .arg(m.roi->sdHu, 0, 'f', 1)
            .arg(m.roi->minHu)
            .arg(m.roi->maxHu)
            .arg(m.roi->areaMm2, 0, 'f', 1);
    }
    return {};
}

MeasurementSet::MeasurementSet(security::WipeRegistry& registry, QObject* parent)
    : QObject(parent), m_registration(registry, this)
{}

MeasurementSet::~MeasurementSet()
{
    wipe();
}

Measurement* MeasurementSet::findMutable(int id)
{
    const auto it =
        std::find_if(m_items.begin(), m_items.end(), [id](const Measurement& m) { return m.id == id; });
    return it == m_items.end() ? nullptr : &*it;
}

const Measurement* MeasurementSet::find(int id) const
{
    return const_cast<MeasurementSet*>(this)->findMutable(id);
}

int MeasurementSet::add(Measurement m)
{
    m.id = m_nextId++;
    if (m_volume) {
        computeMeasurement(m, *m_volume);
    }
    m_items.push_back(std::move(m));
    m_selected = m_items.back().id;
    emit changed();
    emit selectionChanged(m_selected);
    return m_items.back().id;
}

bool MeasurementSet::setPoints(int id, std::vector<Vec3> points)
{
    Measurement* m = findMutable(id);
    if (!m) {
        return false;
    }
    m->points = std::move(points);
    if (m_volume) {
        computeMeasurement(*m, *m_volume);
    }
    emit changed();
    return true;
}

bool MeasurementSet::setLabel(int id, const QString& label)
{
    Measurement* m = findMutable(id);
    if (!m) {
        return false;
    }
    security::secureErase(m->label);
    m->label = label;
    emit changed();
    return true;
}

bool MeasurementSet::remove(int id)
{
    const auto it =
        std::find_if(m_items.begin(), m_items.end(), [id](const Measurement& m) { return m.id == id; });
    if (it == m_items.end()) {
        return false;
    }
    security::secureErase(it->label);
    m_items.erase(it);
    if (m_selected == id) {
        m_selected = 0;
        emit selectionChanged(0);
    }
    emit changed();
    return true;
}

void MeasurementSet::clear()
{
    wipe();
    emit changed();
    emit selectionChanged(0);
}

void MeasurementSet::select(int id)
{
    if (id != 0 && !find(id)) {
        return;
    }
    if (m_selected != id) {
        m_selected = id;
        emit selectionChanged(id);
    }
}

void MeasurementSet::setVolume(const Volume* volume)
{
    m_volume = volume;
    if (m_volume) {
        for (Measurement& m : m_items) {
            computeMeasurement(m, *m_volume);
        }
    }
    emit changed();
}

QString MeasurementSet::wipeName() const
{
    return QStringLiteral("measurements");
}

std::size_t MeasurementSet::wipe()
{
    std::size_t bytes = 0;
    for (Measurement& m : m_items) {
        bytes += security::secureErase(m.label);
        security::secureErase(m.view);
        for (Vec3& p : m.points) {
            p = {};
        }
        bytes += m.points.size() * sizeof(Vec3);
    }
    m_items.clear();
    m_items.shrink_to_fit();
    m_volume = nullptr;
    m_selected = 0;
    return bytes;
}

} // namespace dokuei::viewer
