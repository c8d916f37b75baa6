#pragma once

#include "dokuei/viewer/core/InstanceInfo.h"
#include "dokuei/viewer/core/OrientationLabels.h"
#include "dokuei/viewer/core/WindowLevel.h"
#include "dokuei/viewer/render/SliceScene.h"

#include <memory>
#include <utility>
#include <vector>

class vtkImageData;
class vtkImageProperty;
class vtkImageResliceMapper;
class vtkImageSlice;
class vtkRenderer;

namespace dokuei::viewer {

class Volume;

/// How the samples across a thick slab become one pixel.
enum class SlabMode
{
    None, ///< thin reslice: the plane itself
    Max,  ///< maximum intensity projection (MIP) over the slab
    Min,  ///< minimum intensity projection (MinIP)
    Mean, ///< average along the normal over the slab
};

/// A renderer showing a multiplanar reformat (MPR) of a CT Volume: any plane (axial, coronal, sagittal or
/// oblique) through the volume, thin or as a thick slab (MIP / MinIP / mean), grey through the DICOM linear
/// VOI window exactly as SliceScene.
///
/// World coordinates ARE patient LPS mm. The image data holds the voxels on their own grid (voxel (i, j, k)
/// at (i * columnSpacing, j * rowSpacing, k * sliceSpacing), origin 0); the actor's user matrix takes that
/// to patient space: origin + x * rowDirection + y * columnDirection + z * sliceStep / sliceSpacing. The
/// slice step (not normal * spacing) keeps gantry-tilted (sheared) stacks right. vtkImageResliceMapper cuts
/// the plane facing the camera through the focal point, so the camera IS the plane: the scene keeps it
/// looking along viewNormal(axes) with view-up -axes.down, parallel projection.
///
/// A slab of thickness T covers the plane's position +-T/2 along the normal, sampled (nearest voxel by
/// default) every half voxel spacing along the normal (SlabSampleFactor 2): Max / Min are the extreme voxel
/// values met there; Mean is the trapezoid-rule average of those samples, i.e. the length-weighted average of
/// the voxels along [-T/2, +T/2] (exact when no sample lies on a voxel boundary). Slab samples beyond the
/// volume's edge are left out (not read as background).
///
/// ZERO COPY and lifetime exactly as SliceScene (see its class comment): the image data wraps the Volume's
/// SecureBuffer (save = 1), clear() must be called before the volume is wiped or destroyed, and clear()
/// releases the graphics resources (the resliced 8-bit texture) with the render window.
class PlaneScene
{
public:
    PlaneScene();
    ~PlaneScene();
    PlaneScene(const PlaneScene&) = delete;
    PlaneScene& operator=(const PlaneScene&) = delete;

    /// Add this to a render window (the Qt bridge, or an off-screen window in tests).
    vtkRenderer* renderer() const;

    /// Shows `volume` (not owned; see the class comment for its lifetime) in the standard axial plane through
    /// the volume centre (snapped to the nearest voxel centre, so a nearest-neighbour plane never falls
    /// between two slices), and fits the camera. Returns false (and shows nothing) when the volume is wiped
    /// or empty. VTK only reads the voxels. Slab, window, invert and interpolation are kept.
    bool setVolume(const Volume& volume);
    bool hasVolume() const;

    /// The voxels changed in place (a progressive load filled more slices): the next render re-reads them.
    void voxelsChanged();

    /// Drops every VTK reference to the volume's memory; same contract as SliceScene::clear(). Afterwards the
    /// scene renders the background only.
    void clear();

    /// World = patient LPS mm: identity (kept for symmetry with SliceScene).
    Vec3 worldToPatient(const Vec3& world) const;
    Vec3 patientToWorld(const Vec3& patient) const;

    /// The plane through `centreLps` with screen right = axes.right and screen down = axes.down (radiological
    /// display, see OrientationLabels.h). The axes are orthonormalised (down made perpendicular to right).
    /// Camera: focal point = centre, view-up = -down, looking along viewNormal(axes), parallel projection;
    /// the zoom (parallel scale) is kept, the pan is reset to the centre.
    void setPlane(const ViewAxes& axes, const Vec3& centreLps);
    /// standardViewAxes(plane) through the current centre.
    void setStandardPlane(ViewPlane plane);
    ViewAxes axes() const;
    /// The point the plane is cut through (the crosshair point). Panning the camera in the plane does not
    /// change it; moveAlongNormal() and setPlane() do.
    Vec3 centre() const;

    /// Oblique reslice: rotates the axes about the centre by `degrees` about an LPS axis (rotateViewAxes).
    void rotate(const Vec3& axisLps, double degrees);
    /// Scroll: moves the plane, the centre and the camera (pan kept) by `mm` along viewNormal(axes()),
    /// clamped to normalRange().
    void moveAlongNormal(double mm);

    /// The plane's position along its normal: dot(centre(), viewNormal(axes())), in mm.
    double normalPosition() const;
    /// The positions (same measure) between which the plane still cuts the volume: min / max over the
    /// volume's corner voxel CENTRES, so that for a plane parallel to the slices range / step + 1 is the
    /// number of slices. {0, 0} without a volume.
    std::pair<double, double> normalRange() const;
    /// One scroll step: the voxel spacing along the normal when the normal runs along one of the volume's
    /// voxel axes (slice spacing measured along the normal for a tilted stack), else the smallest spacing.
    double normalStep() const;

    /// Thick slab across the plane (thickness in mm along the normal; <= 0 or SlabMode::None: thin).
    void setSlab(SlabMode mode, double thicknessMm);
    SlabMode slabMode() const;
    double slabThickness() const;

    /// DICOM linear VOI (as SliceScene): the grey of HU x is voiLinear(x, window).
    void setWindow(Window window);
    Window window() const;
    void setInvert(bool invert);
    bool invert() const;

    /// Nearest (default: the voxels as acquired) or trilinear sampling of the reslice.
    void setInterpolation(SliceInterpolation interpolation);
    SliceInterpolation interpolation() const;

    /// Fits the volume into the viewport: the projection of the whole volume box on the plane, centred on the
    /// volume centre projected on the plane (an in-plane pan only: the plane and centre() stay). Uses the
    /// renderer's aspect; call again after a resize when "fit" is wanted.
    void fitCamera();

    /// VTK display coordinates (pixels, x right, y UP from the bottom of the renderer's window, as
    /// vtkRenderer::WorldToDisplay) of a patient point, and the patient point on the plane under a display
    /// point. Valid once the renderer is in a window of its final size.
    Vec3 patientToDisplay(const Vec3& patient) const;
    Vec3 displayToPatient(double x, double y) const;

    /// For tests and tools: the pipeline objects (owned by the scene).
    vtkImageData* imageData() const;
    vtkImageSlice* imageActor() const;
    vtkImageResliceMapper* mapper() const;
    vtkImageProperty* imageProperty() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// HU image of a plane (for tools and tests), computed with vtkImageReslice with the SAME plane and slab
/// sampling as PlaneScene's mapper (nearest voxel, slab samples every half voxel spacing along the normal
/// over
/// [-T/2, +T/2], trapezoid rule for Mean). width x height samples `spacingMm` apart, centred on centreLps:
/// sample (column c, row r) is at centreLps + (c - (width-1)/2) * spacingMm * right
/// + (r - (height-1)/2) * spacingMm * down; row-major, row 0 at the top (screen down = axes.down).
/// Samples outside the volume read -1024 HU; slab samples beyond the volume's edge are left out (the slab is
/// cut there, as on screen).
/// Empty (width = height = 0) when the volume is wiped or empty or the size is not positive.
struct ResliceImage
{
    int width = 0;
    int height = 0;
    double spacingMm = 0;
    std::vector<float> hu;
};

ResliceImage resliceHu(const Volume& volume, const ViewAxes& axes, const Vec3& centreLps, int width,
                       int height, double spacingMm, SlabMode mode = SlabMode::None, double thicknessMm = 0,
                       SliceInterpolation interpolation = SliceInterpolation::Nearest);

/// The number of slab samples VTK's reslice mapper takes for a slab of thicknessMm when the voxel spacing
/// along the normal is normalSpacingMm (1 + 2 * ceil(T / spacing); 1 = thin). Shared by the scene and
/// resliceHu so that both sample alike.
int slabSampleCount(double thicknessMm, double normalSpacingMm);

} // namespace dokuei::viewer
