#pragma once

#include "dokuei/security/WipeRegistry.h"
#include "dokuei/viewer/core/Measurements.h"
#include "dokuei/viewer/core/OrientationLabels.h"

#include <optional>
#include <vector>

#include <QObject>
#include <QString>

namespace dokuei::viewer {

enum class MeasurementKind
{
    Length,   ///< two points
    Angle,    ///< three points: a, vertex, b
    Ellipse,  ///< two points: opposite corners of the ellipse's bounding box, along the view's axes
    Freehand, ///< three or more points, a closed polygon
    Probe,    ///< one point
};

/// The plane a measurement was drawn on: the view's axes and one point of the plane (patient LPS mm).
struct MeasurementPlane
{
    ViewAxes axes;
    Vec3 point{};
};

/// One measurement in patient geometry. Points are LPS mm on the plane it was drawn on; the results are
/// computed from the volume (computeMeasurement) and kept with it.
struct Measurement
{
    int id = 0;
    MeasurementKind kind = MeasurementKind::Length;
    QString label; ///< the user's name for it (free text: may hold patient data, wiped)
    QString view;  ///< where it was drawn ("Axial MPR", "Stack", ...), for the list
    MeasurementPlane plane;
    std::vector<Vec3> points;
    // Results
    double lengthMm = 0;
    std::optional<double> angleDegrees;
    std::optional<RoiStatistics> roi;
    std::optional<HuProbe> probe;
    bool valid = false; ///< the results could be computed (points inside the volume, shape not degenerate)
};

/// Computes the results of `m` on `volume` in place. Length and angle: patient distances. ROIs: when the
/// plane is one of the volume's stored slices (axes along +-row/+-column, point on slice k), the exact
/// pixels of that slice (ellipseStatistics / polygonStatistics); otherwise (MPR, oblique) the plane is
/// sampled on a square grid of the smallest voxel spacing with the nearest voxel, and the area is
/// samples x spacing^2. Probe: the nearest voxel's stored HU.
void computeMeasurement(Measurement& m, const Volume& volume);

/// How a measurement reads in the list and on the image ("23.4 mm", "41.2°", "mean 40.1 HU, SD 3.2 ...").
QString measurementText(const Measurement& m);
QString measurementKindName(MeasurementKind kind);

/// The measurements of the series being read. In memory only; registers for wipe (labels may be patient
/// data and the results are derived from the images). The report step attaches them to the report.
class MeasurementSet : public QObject, public security::IWipeable
{
    Q_OBJECT

public:
    explicit MeasurementSet(security::WipeRegistry& registry, QObject* parent = nullptr);
    ~MeasurementSet() override;

    /// Adds `m` (its id is assigned), computes it when a volume is set; returns the id.
    int add(Measurement m);
    /// Replaces the points of measurement `id` (a handle was dragged) and recomputes.
    bool setPoints(int id, std::vector<Vec3> points);
    bool setLabel(int id, const QString& label);
    bool remove(int id);
    void clear();
    const std::vector<Measurement>& all() const { return m_items; }
    const Measurement* find(int id) const;
    int selected() const { return m_selected; }
    void select(int id);

    /// The volume measurements are computed on (not owned; null when none). Recomputes everything.
    void setVolume(const Volume* volume);

    QString wipeName() const override;
    std::size_t wipe() override;

signals:
    void changed();
    void selectionChanged(int id);

private:
    Measurement* findMutable(int id);

    std::vector<Measurement> m_items;
    const Volume* m_volume = nullptr;
    int m_nextId = 1;
    int m_selected = 0;
    security::WipeRegistration m_registration;
};

} // namespace dokuei::viewer
