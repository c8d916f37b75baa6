#include "dokuei/viewer/render/VolumeScene.h"

#include "SceneSupport.h"
#include "dokuei/viewer/core/Volume.h"

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <optional>

#include <vtkCamera.h>
#include <vtkColorTransferFunction.h>
#include <vtkFixedPointVolumeRayCastMapper.h>
#include <vtkImageData.h>
#include <vtkMatrix4x4.h>
#include <vtkNew.h>
#include <vtkOpenGLGPUVolumeRayCastMapper.h>
#include <vtkPiecewiseFunction.h>
#include <vtkPlane.h>
#include <vtkPlaneCollection.h>
#include <vtkRenderer.h>
#include <vtkSmartPointer.h>
#include <vtkVolume.h>
#include <vtkVolumeProperty.h>

namespace dokuei::viewer {

namespace {

/// Ray step and image sample distance, in voxels (of the smallest spacing) and screen pixels. Still: a
/// step below the voxel size so thin cortex and small vessels are not stepped over; interacting: a step of
/// two voxels on every second pixel in both directions, about 1/4 of the still cost (bench: 88 vs 383 ms
/// on llvmpipe at 512 x 512). A larger view casts at most about 256 x 256 rays while interacting (every
/// third pixel at most, so that the dragged image stays readable): the cost of a dragged frame then hardly
/// grows with the window. It depends on the viewport size only, never on the frame rate, so a frame is
/// deterministic.
constexpr double kStillStep = 0.75;
constexpr double kInteractiveStep = 2.0;
constexpr float kStillImageSample = 1.0F;
constexpr float kInteractiveImageSample = 2.0F;
constexpr float kMaxInteractiveImageSample = 3.0F;
constexpr double kInteractiveRays = 256.0 * 256.0;

struct RgbPoint
{
    double hu, r, g, b;
};

struct OpacityPoint
{
    double hu, opacity;
};

/// Opacities are per millimetre of ray (the property's unit distance is 1 mm).
void fill(vtkColorTransferFunction* color, vtkPiecewiseFunction* opacity, std::initializer_list<RgbPoint> rgb,
          std::initializer_list<OpacityPoint> alpha)
{
    color->RemoveAllPoints();
    for (const RgbPoint& p : rgb) {
        color->AddRGBPoint(p.hu, p.r, p.g, p.b);
    }
    opacity->RemoveAllPoints();
    for (const OpacityPoint& p : alpha) {
        opacity->AddPoint(p.hu, p.opacity);
    }
}

} // namespace

const char* volumePresetName(VolumePreset preset)
{
    switch (preset) {
    case VolumePreset::Bone:
        return "Bone";
    case VolumePreset::SoftTissue:
        return "Soft tissue";
    case VolumePreset::Lung:
        return "Lung";
    case VolumePreset::Vessels:
        return "Vessels";
    case VolumePreset::Mip:
        return "MIP";
    }
    return "unknown";
}

struct VolumeScene::Impl
{
    vtkNew<vtkRenderer> renderer;
    vtkNew<vtkVolume> volume;
    vtkNew<vtkVolumeProperty> property;
    vtkNew<vtkColorTransferFunction> color;
    vtkNew<vtkPiecewiseFunction> opacity;
    vtkSmartPointer<vtkVolumeMapper> mapper;
    /// What the mapper reads: `wrapped` (a Volume's voxels) or a caller's image.
    vtkSmartPointer<vtkImageData> input;
    vtkNew<vtkImageData> wrapped;
    vtkNew<vtkMatrix4x4> imageToPatient;
    vtkNew<vtkPlaneCollection> planes;

    VolumeMapperKind kind = VolumeMapperKind::CpuRayCast;
    VolumePreset preset = VolumePreset::Bone;
    bool interacting = false;
    bool fromVolume = false;                   // input is `wrapped`, placed by imageToPatient
    int dims[3] = {0, 0, 0};                   // of a wrapped Volume: columns, rows, slices
    std::optional<std::array<double, 6>> crop; // clipped to the volume; none: not cropped

    bool shown() const { return input != nullptr; }

    void releaseGraphics() { scene::releaseGraphics(renderer, volume, mapper); }

    /// A fresh mapper of `kind` for the current input, preset, quality and crop. The previous mapper (and
    /// with it every table it derived from the voxels) goes; its graphics resources are released first.
    void buildMapper()
    {
        releaseGraphics();
        if (kind == VolumeMapperKind::GpuRayCast) {
            auto gpu = vtkSmartPointer<vtkOpenGLGPUVolumeRayCastMapper>::New();
            gpu->SetAutoAdjustSampleDistances(0);
            gpu->SetLockSampleDistanceToInputSpacing(0);
            mapper = gpu;
        } else {
            auto cpu = vtkSmartPointer<vtkFixedPointVolumeRayCastMapper>::New();
            cpu->SetAutoAdjustSampleDistances(0);
            cpu->SetLockSampleDistanceToInputSpacing(0);
            mapper = cpu;
        }
        if (input) {
            mapper->SetInputData(input);
        }
        applyBlend();
        applySampling();
        applyCrop();
        volume->SetMapper(mapper);
    }

    double minSpacing() const
    {
        if (!input) {
            return 1.0;
        }
        const double* s = input->GetSpacing();
        const double m = std::min({std::abs(s[0]), std::abs(s[1]), std::abs(s[2])});
        return m > 0 ? m : 1.0;
    }

    void applySampling()
    {
        const auto step = static_cast<float>(minSpacing() * (interacting ? kInteractiveStep : kStillStep));
        float image = kStillImageSample;
        if (interacting) {
            const int* size = renderer->GetSize(); // viewport pixels; 0 x 0 outside a window
            const double pixels = double(size[0]) * double(size[1]);
            image = std::clamp(static_cast<float>(std::sqrt(pixels / kInteractiveRays)),
                               kInteractiveImageSample, kMaxInteractiveImageSample);
        }
        if (auto* cpu = vtkFixedPointVolumeRayCastMapper::SafeDownCast(mapper)) {
            cpu->SetSampleDistance(step);
            cpu->SetInteractiveSampleDistance(step);
            cpu->SetImageSampleDistance(image);
        } else if (auto* gpu = vtkGPUVolumeRayCastMapper::SafeDownCast(mapper)) {
            gpu->SetSampleDistance(step);
            gpu->SetImageSampleDistance(image);
        }
    }

    void applyBlend()
    {
        if (preset == VolumePreset::Mip) {
            mapper->SetBlendModeToMaximumIntensity();
        } else {
            mapper->SetBlendModeToComposite();
        }
    }

    void applyPreset()
    {
        // HU points chosen on the textbook values (air -1000, lung -850..-500, fat -100, water 0, muscle and
        // organs 40..60, enhanced blood 200..400, cancellous bone 300..400, cortical bone 1000+, metal 3000).
        switch (preset) {
        case VolumePreset::Bone:
            fill(color, opacity,
                 {{-1000, 0.0, 0.0, 0.0},
                  {150, 0.55, 0.35, 0.25},
                  {300, 0.9, 0.78, 0.62},
                  {700, 1.0, 0.95, 0.85},
                  {3000, 1.0, 1.0, 1.0}},
                 {{-1000, 0.0}, {150, 0.0}, {300, 0.15}, {1200, 0.85}, {3000, 0.95}});
            break;
        case VolumePreset::SoftTissue:
            // The body surface through translucent yellow fat, red-brown muscle and organs nearly opaque,
            // bone white.
            fill(color, opacity,
                 {{-1000, 0.0, 0.0, 0.0},
                  {-400, 0.75, 0.55, 0.35},
                  {-100, 0.95, 0.8, 0.5},
                  {40, 0.75, 0.3, 0.22},
                  {200, 0.9, 0.55, 0.4},
                  {400, 1.0, 0.95, 0.85},
                  {3000, 1.0, 1.0, 1.0}},
                 {{-1000, 0.0},
                  {-500, 0.0},
                  {-150, 0.03},
                  {-50, 0.03},
                  {20, 0.12},
                  {100, 0.35},
                  {400, 0.7},
                  {3000, 0.9}});
            break;
        case VolumePreset::Lung:
            // Only the aerated range is visible: parenchyma (around -850) as a faint pink haze, denser lung
            // (vessels, walls, -600..-400) stronger; air itself (-1000) and the chest wall transparent, bone
            // a faint landmark.
            fill(color, opacity,
                 {{-1000, 0.3, 0.45, 0.7},
                  {-900, 0.55, 0.65, 0.85},
                  {-800, 0.95, 0.7, 0.65},
                  {-500, 1.0, 0.55, 0.5},
                  {-200, 0.9, 0.7, 0.6},
                  {300, 1.0, 1.0, 0.95},
                  {3000, 1.0, 1.0, 1.0}},
                 {{-1000, 0.0},
                  {-950, 0.0},
                  {-880, 0.01},
                  {-750, 0.02},
                  {-500, 0.08},
                  {-350, 0.0},
                  {250, 0.0},
                  {500, 0.04},
                  {3000, 0.1}});
            break;
        case VolumePreset::Vessels:
            // CT angiography: contrast-filled lumen (150..450) bright red, calcium and bone (550+) white,
            // unenhanced blood and soft tissue (below 120) transparent.
            fill(color, opacity,
                 {{-1000, 0.0, 0.0, 0.0},
                  {120, 0.45, 0.0, 0.0},
                  {200, 0.85, 0.1, 0.08},
                  {350, 1.0, 0.3, 0.22},
                  {550, 1.0, 0.9, 0.85},
                  {800, 1.0, 1.0, 1.0},
                  {3000, 1.0, 1.0, 1.0}},
                 {{-1000, 0.0}, {120, 0.0}, {200, 0.45}, {450, 0.8}, {3000, 0.9}});
            break;
        case VolumePreset::Mip:
            // Grey ramp W 1700 / L 650 (-200..1500): soft tissue dark grey, bone and contrast bright, metal
            // white. Opaque everywhere: the pixel is exactly the grey of the brightest voxel on the ray.
            fill(color, opacity, {{-1000, 0.0, 0.0, 0.0}, {-200, 0.0, 0.0, 0.0}, {1500, 1.0, 1.0, 1.0}},
                 {{-1000, 1.0}, {3000, 1.0}});
            break;
        }
        property->SetShade(preset == VolumePreset::Mip ? 0 : 1);
        color->Modified();
        opacity->Modified();
        property->Modified();
    }

    std::array<double, 6> volumeBounds() const
    {
        std::array<double, 6> b{};
        if (!input) {
            return b;
        }
        if (!fromVolume) {
            input->GetBounds(b.data());
            return b;
        }
        const double* s = wrapped->GetSpacing();
        b = {1e300, -1e300, 1e300, -1e300, 1e300, -1e300};
        for (int corner = 0; corner < 8; ++corner) {
            const double in[4] = {(corner & 1) ? (dims[0] - 1) * s[0] : 0.0,
                                  (corner & 2) ? (dims[1] - 1) * s[1] : 0.0,
                                  (corner & 4) ? (dims[2] - 1) * s[2] : 0.0, 1.0};
            double out[4];
            imageToPatient->MultiplyPoint(in, out);
            for (std::size_t a = 0; a < 3; ++a) {
                b[2 * a] = std::min(b[2 * a], out[a]);
                b[2 * a + 1] = std::max(b[2 * a + 1], out[a]);
            }
        }
        return b;
    }

    /// One world-space plane per cropped face, normal pointing into the kept box (VTK keeps the side the
    /// normal points to). Faces at the volume's bounds need no plane.
    void applyCrop()
    {
        planes->RemoveAllItems();
        if (crop && input) {
            const auto v = volumeBounds();
            const auto& c = *crop;
            for (int a = 0; a < 3; ++a) {
                const std::size_t lo = std::size_t(2 * a);
                const std::size_t hi = lo + 1;
                if (c[lo] > v[lo]) {
                    addPlane(a, c[lo], 1.0);
                }
                if (c[hi] < v[hi]) {
                    addPlane(a, c[hi], -1.0);
                }
            }
        }
        if (mapper) {
            if (planes->GetNumberOfItems() > 0) {
                mapper->SetClippingPlanes(planes);
            } else {
                mapper->RemoveAllClippingPlanes();
            }
            mapper->Modified();
        }
    }

    void addPlane(int axis, double at, double sign)
    {
        vtkNew<vtkPlane> plane;
        double origin[3] = {0, 0, 0};
        double normal[3] = {0, 0, 0};
        origin[axis] = at;
        normal[axis] = sign;
        plane->SetOrigin(origin);
        plane->SetNormal(normal);
        planes->AddItem(plane);
    }
};

VolumeScene::VolumeScene(VolumeMapperKind kind) : m_impl(std::make_unique<Impl>())
{
    Impl& d = *m_impl;
    d.kind = kind;
    d.property->SetColor(d.color);
    d.property->SetScalarOpacity(d.opacity);
    d.property->SetScalarOpacityUnitDistance(1.0);
    d.property->SetInterpolationTypeToLinear();
    d.property->SetAmbient(0.3);
    d.property->SetDiffuse(0.7);
    d.property->SetSpecular(0.2);
    d.applyPreset();
    d.volume->SetProperty(d.property);
    d.volume->VisibilityOff();

    d.buildMapper();
    d.renderer->SetBackground(0.05, 0.06, 0.08);
    d.renderer->AddVolume(d.volume);
}

VolumeScene::~VolumeScene()
{
    clear();
}

vtkRenderer* VolumeScene::renderer() const
{
    return m_impl->renderer;
}

void VolumeScene::setVolume(vtkImageData* image)
{
    clear();
    Impl& d = *m_impl;
    if (!image) {
        return;
    }
    d.input = image;
    d.fromVolume = false;
    d.volume->SetUserMatrix(nullptr);
    d.mapper->SetInputData(image);
    d.applySampling();
    d.applyCrop();
    d.volume->VisibilityOn();
    resetCamera();
}

bool VolumeScene::setVolume(const Volume& volume)
{
    clear();
    Impl& d = *m_impl;
    const VolumeGeometry& g = volume.geometry();
    const std::array<double, 3> spacing = scene::voxelSpacing(g);
    // As SliceScene: voxel (i, j, k) at (i * columnSpacing, j * rowSpacing, k * sliceSpacing) in image space,
    // the voxels themselves wrapped; the user matrix takes that to patient LPS:
    //   p = origin + rowDirection * x + columnDirection * y + (sliceStep / sliceSpacing) * z
    // (gantry tilt: the step need not be along the normal, a shear; the mappers invert the full 4x4).
    if (!scene::wrapVoxels(volume, spacing, d.wrapped)) {
        return false;
    }
    d.dims[0] = volume.columns();
    d.dims[1] = volume.rows();
    d.dims[2] = volume.slices();
    double imageToPatient[16];
    scene::dataToPatient(g, spacing[2], imageToPatient);
    d.imageToPatient->DeepCopy(imageToPatient);
    d.imageToPatient->Modified();
    d.volume->SetUserMatrix(d.imageToPatient);

    d.input = d.wrapped.Get();
    d.fromVolume = true;
    d.mapper->SetInputData(d.input);
    d.applySampling();
    d.applyCrop();
    d.volume->VisibilityOn();
    resetCamera();
    return true;
}

bool VolumeScene::hasVolume() const
{
    return m_impl->shown();
}

void VolumeScene::voxelsChanged()
{
    Impl& d = *m_impl;
    if (d.shown()) {
        scene::voxelsModified(d.input);
        d.mapper->Modified();
    }
}

void VolumeScene::clear()
{
    Impl& d = *m_impl;
    d.volume->VisibilityOff();
    // Graphics first (the GPU mapper's texture is a copy of the voxels), then a fresh mapper without input
    // (the old one's gradient and min/max tables go with it), then the pointer into the volume.
    d.input = nullptr;
    d.crop.reset();
    d.buildMapper();
    scene::unwrapVoxels(d.wrapped);
    d.volume->SetUserMatrix(nullptr);
    d.imageToPatient->Identity();
    d.fromVolume = false;
    d.dims[0] = d.dims[1] = d.dims[2] = 0;
}

void VolumeScene::setPreset(VolumePreset preset)
{
    Impl& d = *m_impl;
    d.preset = preset;
    d.applyPreset();
    d.applyBlend();
}

VolumePreset VolumeScene::preset() const
{
    return m_impl->preset;
}

void VolumeScene::setMapperKind(VolumeMapperKind kind)
{
    if (kind == m_impl->kind) {
        return;
    }
    m_impl->kind = kind;
    m_impl->buildMapper();
}

VolumeMapperKind VolumeScene::mapperKind() const
{
    return m_impl->kind;
}

void VolumeScene::setInteracting(bool interacting)
{
    m_impl->interacting = interacting;
    m_impl->applySampling();
}

bool VolumeScene::interacting() const
{
    return m_impl->interacting;
}

std::array<double, 6> VolumeScene::volumeBounds() const
{
    return m_impl->volumeBounds();
}

void VolumeScene::setCropBox(const std::array<double, 6>& bounds)
{
    Impl& d = *m_impl;
    if (!d.shown()) {
        return;
    }
    const auto v = d.volumeBounds();
    std::array<double, 6> c{};
    for (std::size_t a = 0; a < 3; ++a) {
        c[2 * a] = std::max(std::min(bounds[2 * a], bounds[2 * a + 1]), v[2 * a]);
        c[2 * a + 1] = std::min(std::max(bounds[2 * a], bounds[2 * a + 1]), v[2 * a + 1]);
    }
    d.crop = c;
    d.applyCrop();
}

std::array<double, 6> VolumeScene::cropBox() const
{
    return m_impl->crop ? *m_impl->crop : m_impl->volumeBounds();
}

void VolumeScene::resetCropBox()
{
    m_impl->crop.reset();
    m_impl->applyCrop();
}

void VolumeScene::resetCamera()
{
    Impl& d = *m_impl;
    vtkCamera* camera = d.renderer->GetActiveCamera();
    if (!d.shown()) {
        return;
    }
    auto b = d.volumeBounds();
    const double centre[3] = {(b[0] + b[1]) / 2.0, (b[2] + b[3]) / 2.0, (b[4] + b[5]) / 2.0};
    // Looking along +y (from the patient's front), head up: screen right = y x z = +x = patient left.
    camera->SetFocalPoint(centre);
    camera->SetPosition(centre[0], centre[1] - 1.0, centre[2]);
    camera->SetViewUp(0.0, 0.0, 1.0);
    d.renderer->ResetCamera(b.data());
    // ResetCamera fits the bounding SPHERE: a chest box (wide, short) then fills about half the view. For
    // this known direction fit the box itself: in perspective the front face's corners project furthest,
    // so the distance puts them at the view's edge (vertical view angle; width through the aspect), with a
    // small margin.
    d.renderer->ComputeAspect();
    double aspect[2] = {1.0, 1.0};
    d.renderer->GetAspect(aspect);
    const double widthOverHeight = aspect[1] > 0 ? aspect[0] / aspect[1] : 1.0;
    const double tanHalf = std::tan(camera->GetViewAngle() * 3.14159265358979323846 / 360.0);
    const double halfWidth = (b[1] - b[0]) / 2.0;
    const double halfDepth = (b[3] - b[2]) / 2.0;
    const double halfHeight = (b[5] - b[4]) / 2.0;
    constexpr double kMargin = 1.08;
    const double distance =
        halfDepth + kMargin * std::max(halfHeight, halfWidth / widthOverHeight) / std::max(tanHalf, 1e-3);
    if (!camera->GetParallelProjection() && distance > halfDepth) {
        camera->SetPosition(centre[0], centre[1] - distance, centre[2]);
    }
    d.renderer->ResetCameraClippingRange(b.data());
}

vtkImageData* VolumeScene::imageData() const
{
    return m_impl->fromVolume || !m_impl->input ? m_impl->wrapped.Get() : m_impl->input.Get();
}

vtkVolume* VolumeScene::volumeProp() const
{
    return m_impl->volume;
}

vtkVolumeMapper* VolumeScene::mapper() const
{
    return m_impl->mapper;
}

vtkVolumeProperty* VolumeScene::volumeProperty() const
{
    return m_impl->property;
}

} // namespace dokuei::viewer
