#pragma once

#include "dokuei/viewer/core/InstanceInfo.h"
#include "dokuei/viewer/core/WindowLevel.h"

#include <memory>

class vtkImageData;
class vtkImageProperty;
class vtkImageSlice;
class vtkImageSliceMapper;
class vtkRenderer;

namespace dokuei::viewer {

class Volume;

enum class SliceInterpolation
{
    Nearest, ///< each voxel a sharp square (the reading default: what was acquired)
    Linear,  ///< bilinear in-plane
};

/// A renderer showing one stored slice of a CT Volume in 2D, grey through the DICOM linear VOI window.
///
/// World coordinates are the stored image's own millimetres: voxel (column i, row j, slice k) sits at
/// (i * columnSpacing, j * rowSpacing, k * sliceSpacing). The camera shows the image as stored
/// (storedImageAxes): screen right = +x = the row direction (increasing column), screen down = +y = the
/// column direction (increasing row), looking along +z, parallel projection.
/// worldToPatient()/patientToWorld() map to and from patient LPS mm (origin, direction cosines, slice step
/// with gantry tilt) for tools. The stored view keeps the actor unmatrixed (the image's own axes are the
/// screen's), so flipped, oblique and tilted acquisitions render exactly like an HFS axial one.
///
/// ZERO COPY: the vtkImageData wraps the Volume's SecureBuffer directly (vtkShortArray::SetArray with
/// save=1): VTK never frees, reallocates or copies the voxels. The scene therefore must not outlive the
/// volume's memory: call clear() BEFORE the volume is wiped or destroyed (the view that owns the scene does
/// this from its wipe hook, ahead of the volume). What VTK does copy: the 8-bit grey texture of the slice on
/// screen (CPU-side texture data inside the mapper and the GL texture; on Mesa llvmpipe that texture lives
/// in process memory). clear() releases those graphics resources through the render window; the Step-4
/// wipe must still make sure they are overwritten or destroyed (and the window's framebuffer and any
/// backing store repainted with the lock screen) before it returns.
class SliceScene
{
public:
    SliceScene();
    ~SliceScene();
    SliceScene(const SliceScene&) = delete;
    SliceScene& operator=(const SliceScene&) = delete;

    /// Add this to a render window (the Qt bridge, or an off-screen window in tests).
    vtkRenderer* renderer() const;

    /// Shows `volume` (not owned; see the class comment for its lifetime) at its middle slice and fits the
    /// camera. Returns false (and shows nothing) when the volume is wiped or empty. VTK only reads the
    /// voxels.
    bool setVolume(const Volume& volume);
    bool hasVolume() const;

    /// The voxels changed in place (a progressive load filled more slices): the next render re-reads them.
    void voxelsChanged();

    /// The slice shown, clamped to 0..sliceCount()-1. The view follows (clipping range reset); zoom and pan
    /// are kept.
    void setSlice(int k);
    int slice() const;
    int sliceCount() const;

    /// Patient LPS mm of a world point, and back (through the shown volume's geometry; identity when none).
    Vec3 worldToPatient(const Vec3& world) const;
    Vec3 patientToWorld(const Vec3& patient) const;

    /// DICOM linear VOI (PS3.3 C.11.2.1.2.1): the grey of HU x is voiLinear(x, window) (see WindowLevel.h).
    void setWindow(Window window);
    Window window() const;
    void setInvert(bool invert);
    bool invert() const;

    void setInterpolation(SliceInterpolation interpolation);
    SliceInterpolation interpolation() const;

    /// Fits the whole slice into the viewport (both directions, aspect kept, centred), as stored (see above).
    /// Uses the renderer's aspect; call again after a resize when "fit" is wanted.
    void fitCamera();

    /// Drops every VTK reference to the volume's memory: the scalar array is released from the image data
    /// (no pointer into the volume remains), the pipeline is marked Modified, the actor hidden, and the
    /// mapper's / actor's graphics resources (grey texture) released with the render window when the
    /// renderer is in one. Safe to call repeatedly and without a volume. After clear() the scene renders
    /// the background only.
    void clear();

    /// For tests and tools: the pipeline objects (owned by the scene).
    vtkImageData* imageData() const;
    vtkImageSlice* imageActor() const;
    vtkImageSliceMapper* mapper() const;
    vtkImageProperty* imageProperty() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace dokuei::viewer
