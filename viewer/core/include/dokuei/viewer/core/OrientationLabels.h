#pragma once

#include "dokuei/viewer/core/InstanceInfo.h"
#include "dokuei/viewer/core/Volume.h"

#include <QString>

namespace dokuei::viewer {

/// A direction component takes part in a label when its |cosine| exceeds this (strictly): about 14.5 degrees
/// off the main axis before the second letter appears.
inline constexpr double kOrientationLabelThreshold = 0.25;

/// The letters of an LPS direction, largest |component| first, each component whose |cosine| (of the
/// normalised vector) exceeds threshold: +x "L", -x "R", +y "P", -y "A", +z "H", -z "F". E.g. (1,0,0) "L",
/// (0.866,-0.5,0) "LA", (0,0,-1) "F". Empty for a zero vector. Ties keep x, y, z order.
QString orientationLabel(const Vec3& direction, double threshold = kOrientationLabelThreshold);

/// What a 2D view shows, as two LPS unit vectors: the patient direction that points to screen right
/// (increasing screen x) and to screen down (increasing screen y). The viewer looks along right x down
/// (into the screen).
struct ViewAxes
{
    Vec3 right{1, 0, 0};
    Vec3 down{0, 1, 0};
};

/// Labels of the four sides of a view: the side's label names where the patient direction pointing towards
/// that side of the screen goes (left = label(-right), right = label(right), top = label(-down),
/// bottom = label(down)).
struct SideLabels
{
    QString left;
    QString right;
    QString top;
    QString bottom;

    bool operator==(const SideLabels&) const = default;
};

SideLabels sideLabels(const ViewAxes& axes, double threshold = kOrientationLabelThreshold);

enum class ViewPlane
{
    Axial,    ///< viewed from the feet: right = +x (patient L on screen right), down = +y (P at the bottom)
    Coronal,  ///< viewed from the front: right = +x (L), down = -z (head at the top)
    Sagittal, ///< viewed from the patient's left: right = +y (P; anterior on screen left), down = -z
};

/// The radiological display of a patient-aligned plane (true axial/coronal/sagittal reslice), as above.
ViewAxes standardViewAxes(ViewPlane plane);

/// The acquired image as stored: right = Image Orientation row direction (increasing column), down = column
/// direction (increasing row). This is how a stack view shows pixels without flipping.
ViewAxes storedImageAxes(const VolumeGeometry& geometry);

/// The plane through the volume's own voxel axes closest to `plane`, shown in radiological convention
/// without resampling: right and down are each one of +-rowDirection, +-columnDirection, +-normal, chosen
/// (signs included) to be closest to standardViewAxes(plane). For an HFS axial stack this equals
/// storedImageAxes; for FFS/HFP/FFP the image is flipped so that patient right is on screen left again.
/// For an oblique acquisition the axes stay oblique (the labels say so).
ViewAxes volumeViewAxes(const VolumeGeometry& geometry, ViewPlane plane);

/// Rotates both axes by `degrees` about an LPS axis (right-hand rule; need not be normalised; a zero axis
/// leaves the view unchanged). Rotating about viewNormal(axes) turns the image in-plane; about another axis
/// gives an oblique reslice.
ViewAxes rotateViewAxes(const ViewAxes& axes, const Vec3& axisLps, double degrees);

/// right x down: the direction the viewer looks along (into the screen). For axial: +z (from the feet).
Vec3 viewNormal(const ViewAxes& axes);

} // namespace dokuei::viewer
