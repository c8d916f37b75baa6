#pragma once

#include "dokuei/viewer/render/VolumeMapperPolicy.h"

#include <array>
#include <memory>

class vtkImageData;
class vtkRenderer;
class vtkVolume;
class vtkVolumeMapper;
class vtkVolumeProperty;

namespace dokuei::viewer {

class Volume;

/// The looks of the 3D view: transfer functions a CT reader knows from the modality's workstation.
enum class VolumePreset
{
    Bone,       ///< white bone, everything below cancellous bone transparent (shaded)
    SoftTissue, ///< translucent yellow fat, red-brown muscle and organs, white bone (shaded)
    Lung,       ///< translucent pink lung parenchyma and airways; chest wall nearly transparent (shaded)
    Vessels,    ///< contrast-enhanced angio look: enhanced blood bright red, calcium and bone white (shaded)
    Mip,        ///< maximum intensity projection, grey (W 1700 / L 650: bone and contrast bright)
};

const char* volumePresetName(VolumePreset preset);

/// A renderer showing one CT volume in 3D (ray casting). It owns the VTK pipeline; the caller adds
/// renderer() to a render window (on-screen through the Qt bridge, or off-screen in tests).
///
/// World coordinates are patient LPS millimetres: the image data holds the voxels on their own grid (column
/// i, row j, slice k at (i * columnSpacing, j * rowSpacing, k * sliceSpacing), origin 0) and the vtkVolume's
/// user matrix maps that grid to the patient (origin, direction cosines, slice step with gantry tilt, i.e. a
/// shear), so tools and the camera work in patient space whatever the acquisition's orientation.
///
/// ZERO COPY (setVolume(const Volume&)): the vtkImageData wraps the Volume's SecureBuffer directly
/// (vtkShortArray::SetArray with save=1), like SliceScene: VTK never frees, reallocates or copies the voxels.
/// The scene therefore must not outlive the volume's memory: call clear() BEFORE the volume is wiped or
/// destroyed. What VTK does derive from the voxels: the CPU mapper's space-leaping min/max table and, when
/// shading, its gradient normals and magnitudes (about 1.5x the volume, ordinary heap); the GPU mapper's 3D
/// texture (on Mesa llvmpipe in process memory) and the framebuffer. clear() drops all of them (the mapper
/// is replaced by a fresh one after its graphics resources are released through the render window); the
/// Step-4 wipe must still repaint the window with the lock screen.
class VolumeScene
{
public:
    explicit VolumeScene(VolumeMapperKind kind = VolumeMapperKind::CpuRayCast);
    ~VolumeScene();
    VolumeScene(const VolumeScene&) = delete;
    VolumeScene& operator=(const VolumeScene&) = delete;

    vtkRenderer* renderer() const;

    /// Shows `image` (scalar values in HU; world = the image's own coordinates, no user matrix) and resets
    /// the camera to an anterior view, head up. The scene keeps a reference to the image. For the first
    /// window's synthetic test volume.
    void setVolume(vtkImageData* image);

    /// Shows `volume` (not owned; see the class comment for its lifetime) in patient LPS, crop box reset,
    /// camera reset (resetCamera()). Returns false (and shows nothing) when the volume is wiped or empty.
    bool setVolume(const Volume& volume);
    bool hasVolume() const;

    /// The voxels changed in place (a progressive load filled more slices): the next render re-reads them.
    /// Not free: with a shaded preset the CPU mapper then recomputes its gradient tables over the whole
    /// volume (about 5 s for 512 x 512 x 300 on a loaded 2-core llvmpipe machine, the same as bare VTK's
    /// first frame), and the GPU mapper uploads the texture again; during a progressive load call it rarely
    /// (e.g. when the load completes), not per slice.
    void voxelsChanged();

    /// Drops every VTK reference to the volume's memory and everything derived from it: the mapper's
    /// graphics resources (textures) are released through the render window when the renderer is in one,
    /// the mapper replaced by a fresh one (its gradient and min/max tables go with the old one), the scalar
    /// array released from the image data, the prop hidden. Safe to call repeatedly and without a volume.
    /// After clear() the scene renders the background only. Preset, mapper kind and camera are kept.
    void clear();

    void setPreset(VolumePreset preset);
    VolumePreset preset() const;

    /// Switches the mapper, keeping volume, preset, crop box, quality and camera (the old mapper's graphics
    /// resources are released first).
    void setMapperKind(VolumeMapperKind kind);
    VolumeMapperKind mapperKind() const;

    /// While the user drags, sample more coarsely (ray steps of 2 voxels; every 2nd pixel, every 3rd in views
    /// larger than 512 x 512 so that about 256 x 256 rays are cast) so the view follows the mouse on software
    /// GL; still: every pixel, steps of 0.75 voxel. Sample distances never adapt to the frame rate
    /// (AutoAdjustSampleDistances off), so a frame is deterministic; call again after a resize.
    void setInteracting(bool interacting);
    bool interacting() const;

    /// World (patient LPS) axis-aligned bounds of the volume's voxel centres: xmin, xmax, ymin, ymax, zmin,
    /// zmax (all zero without a volume).
    std::array<double, 6> volumeBounds() const;

    /// Keeps only the part of the volume inside this world box (xmin, xmax, ymin, ymax, zmin, zmax in patient
    /// LPS mm), clipped to volumeBounds(). Done with the mapper's clipping planes (world space), so the box
    /// stays aligned with the patient whatever the volume's orientation. A box that misses the volume shows
    /// nothing.
    void setCropBox(const std::array<double, 6>& bounds);
    std::array<double, 6> cropBox() const;
    /// No cropping (cropBox() == volumeBounds()).
    void resetCropBox();

    /// Anterior view: looking from the patient's front along +y (posterior), head (+z) up, so the patient's
    /// left is on screen right (as on a coronal image); the whole volume in view.
    void resetCamera();

    /// For tests and tools: the pipeline objects (owned by the scene; the mapper changes with
    /// setMapperKind() and clear()).
    vtkImageData* imageData() const;
    vtkVolume* volumeProp() const;
    vtkVolumeMapper* mapper() const;
    vtkVolumeProperty* volumeProperty() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace dokuei::viewer
