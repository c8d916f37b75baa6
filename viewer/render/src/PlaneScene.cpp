#include "dokuei/viewer/render/PlaneScene.h"

#include "SceneSupport.h"
#include "dokuei/viewer/core/Measurements.h"
#include "dokuei/viewer/core/Volume.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include <vtkCamera.h>
#include <vtkFloatArray.h>
#include <vtkImageData.h>
#include <vtkImageProperty.h>
#include <vtkImageReslice.h>
#include <vtkImageResliceMapper.h>
#include <vtkImageResliceToColors.h>
#include <vtkImageSlice.h>
#include <vtkLookupTable.h>
#include <vtkMatrix4x4.h>
#include <vtkNew.h>
#include <vtkObjectFactory.h>
#include <vtkPointData.h>
#include <vtkRenderer.h>

namespace dokuei::viewer {

namespace {

/// VTK's reslice mapper samples a slab every 1/SlabSampleFactor of the voxel spacing along the normal; 2 (its
/// maximum) so that an oblique slab meets every voxel it crosses and MIP / MinIP miss no extreme.
constexpr int kSlabSampleFactor = 2;
constexpr double kOutsideHu = -1024;
/// |cosine| above which the view normal counts as running along a voxel axis (normalStep()).
constexpr double kAxisAligned = 1.0 - 1e-6;

double dot(const Vec3& a, const Vec3& b)
{
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

Vec3 add(const Vec3& a, const Vec3& b, double s = 1.0)
{
    return {a[0] + s * b[0], a[1] + s * b[1], a[2] + s * b[2]};
}

double norm(const Vec3& a)
{
    return std::sqrt(dot(a, a));
}

Vec3 normalised(const Vec3& a, const Vec3& fallback)
{
    const double n = norm(a);
    return n > 1e-12 ? Vec3{a[0] / n, a[1] / n, a[2] / n} : fallback;
}

/// Right made unit, down made unit and perpendicular to right (Gram-Schmidt), so that right, down and their
/// cross product are an orthonormal frame even when a caller passes slightly skewed axes.
ViewAxes orthonormalised(const ViewAxes& axes)
{
    ViewAxes out;
    out.right = normalised(axes.right, {1, 0, 0});
    Vec3 down = add(axes.down, out.right, -dot(axes.down, out.right));
    out.down = normalised(down, std::abs(out.right[1]) < 0.9 ? Vec3{0, 1, 0} : Vec3{0, 0, -1});
    if (norm(down) <= 1e-12) {
        out.down = normalised(add(out.down, out.right, -dot(out.down, out.right)), {0, 0, 1});
    }
    return out;
}

/// Image data (voxel (i, j, k) at (i * columnSpacing, j * rowSpacing, k * sliceSpacing)) to patient LPS:
/// p = origin + x * rowDirection + y * columnDirection + z * sliceStep / sliceSpacing, i.e.
/// voxelToPatient(geometry, {i, j, k}) for the voxel at (i, j, k). A gantry tilt makes it a shear.
struct Grid
{
    std::array<double, 3> spacing{1, 1, 1}; // column, row, slice spacing (image data spacing)
    double dataToPatient[16]{};
    double patientToData[16]{};
};

Grid makeGrid(const VolumeGeometry& g)
{
    Grid grid;
    grid.spacing = scene::voxelSpacing(g);
    scene::dataToPatient(g, grid.spacing[2], grid.dataToPatient);
    vtkMatrix4x4::Invert(grid.dataToPatient, grid.patientToData);
    return grid;
}

/// The voxel spacing along a patient direction as vtkImageResliceMapper measures it for its slab sampling:
/// the direction taken into data coordinates, c, then (cx^2 sx + cy^2 sy + cz^2 sz) / |c|.
double mapperNormalSpacing(const Grid& grid, const Vec3& normal)
{
    const double in[4] = {normal[0], normal[1], normal[2], 0.0};
    double c[4];
    vtkMatrix4x4::MultiplyPoint(grid.patientToData, in, c);
    const double length = std::sqrt(c[0] * c[0] + c[1] * c[1] + c[2] * c[2]);
    if (length <= 0) {
        return 1.0;
    }
    return (c[0] * c[0] * grid.spacing[0] + c[1] * c[1] * grid.spacing[1] + c[2] * c[2] * grid.spacing[2]) /
           length;
}

std::array<Vec3, 8> cornerCentres(const Volume& volume, double pad)
{
    // pad 0: the corner voxel centres; pad 0.5: the corners of the voxel box.
    std::array<Vec3, 8> out{};
    const double lo = -pad;
    for (int c = 0; c < 8; ++c) {
        const VoxelIndex index{(c & 1) ? volume.columns() - 1 + pad : lo,
                               (c & 2) ? volume.rows() - 1 + pad : lo,
                               (c & 4) ? volume.slices() - 1 + pad : lo};
        out[std::size_t(c)] = voxelToPatient(volume.geometry(), index);
    }
    return out;
}

/// VTK 9.1's vtkImageReslice has a fast path for axis-aligned reslices (a permutation of the input axes) that
/// places thick-slab samples differently from its general path: measured on a volume whose HU rise 10 per
/// slice, an axial 2 mm slab at slice 20.6 read slices 19..21 (ought to be 20..22), and the result depended
/// on which way the camera looked along the axis (one slice off at the slab's ends, so a mean slab was
/// shifted by half a slice). Thin planes are right on the fast path (one sample: the nearest slice, checked
/// voxel for voxel in the tests). The mapper offers no switch for it; this subclass reaches the protected
/// reslice to turn the optimisation off for thick slabs only, so that every slab (axis-aligned or oblique)
/// is sampled alike, as resliceHu does, and thin axis-aligned planes keep their speed. Oblique planes never
/// take the fast path.
// vtkTypeMacro takes no semicolon under -Wpedantic, which clang-format cannot know.
// clang-format off
class GeneralResliceMapper : public vtkImageResliceMapper
{
public:
    static GeneralResliceMapper* New();
    vtkTypeMacro(GeneralResliceMapper, vtkImageResliceMapper)

    GeneralResliceMapper(const GeneralResliceMapper&) = delete;
    void operator=(const GeneralResliceMapper&) = delete;

    void setFastPath(bool on)
    {
        if (bool(ImageReslice->GetOptimization()) != on) {
            ImageReslice->SetOptimization(on);
            Modified();
        }
    }

protected:
    GeneralResliceMapper() = default;
    ~GeneralResliceMapper() override = default;
};
// clang-format on

vtkStandardNewMacro(GeneralResliceMapper)

} // namespace

int slabSampleCount(double thicknessMm, double normalSpacingMm)
{
    if (!(thicknessMm > 0) || !(normalSpacingMm > 0)) {
        return 1;
    }
    return 1 + kSlabSampleFactor * int(std::ceil(thicknessMm / normalSpacingMm));
}

struct PlaneScene::Impl
{
    vtkNew<vtkRenderer> renderer;
    vtkNew<vtkImageData> image;
    vtkNew<GeneralResliceMapper> mapper;
    vtkNew<vtkImageSlice> actor;
    vtkNew<vtkImageProperty> property;
    vtkNew<vtkMatrix4x4> userMatrix;
    vtkNew<vtkLookupTable> invertedGrey;

    const Volume* volume = nullptr; // only for geometry queries while shown; never dereferenced after clear()
    Grid grid;
    std::array<Vec3, 8> corners{};    // corner voxel centres (normalRange)
    std::array<Vec3, 8> boxCorners{}; // corners of the voxel box (fitCamera)
    Vec3 volumeCentre{};
    double diagonal = 1;

    ViewAxes axes; // orthonormal
    Vec3 centre{};
    SlabMode slabMode = SlabMode::None;
    double slabThickness = 0;
    Window window;
    bool invert = false;
    SliceInterpolation interpolation = SliceInterpolation::Nearest;

    void applyWindow() { scene::applyVoiWindow(property, invertedGrey, window, invert); }

    void applySlab()
    {
        const bool thick = slabMode != SlabMode::None && slabThickness > 0;
        mapper->SetSlabThickness(thick ? slabThickness : 0.0);
        mapper->setFastPath(!thick); // see GeneralResliceMapper
        switch (slabMode) {
        case SlabMode::Min:
            mapper->SetSlabTypeToMin();
            break;
        case SlabMode::Mean:
        case SlabMode::None:
            mapper->SetSlabTypeToMean();
            break;
        case SlabMode::Max:
            mapper->SetSlabTypeToMax();
            break;
        }
    }

    /// Distance of the camera from the plane: far enough that the whole volume is in front of it; the
    /// clipping range keeps the plane (at the focal point) well inside, whatever the pan.
    double cameraDistance() const { return 2.0 * diagonal + 10.0; }

    void placeCamera(const Vec3& focal)
    {
        const Vec3 n = viewNormal(axes);
        const double distance = cameraDistance();
        vtkCamera* camera = renderer->GetActiveCamera();
        camera->ParallelProjectionOn();
        camera->SetFocalPoint(focal[0], focal[1], focal[2]);
        camera->SetPosition(focal[0] - distance * n[0], focal[1] - distance * n[1],
                            focal[2] - distance * n[2]);
        camera->SetViewUp(-axes.down[0], -axes.down[1], -axes.down[2]);
        camera->OrthogonalizeViewUp();
        camera->SetClippingRange(std::max(0.01, distance - diagonal - 1.0), distance + diagonal + 1.0);
    }

    Vec3 focalPoint() const
    {
        double f[3];
        renderer->GetActiveCamera()->GetFocalPoint(f);
        return {f[0], f[1], f[2]};
    }
};

PlaneScene::PlaneScene() : m_impl(std::make_unique<Impl>())
{
    Impl& d = *m_impl;
    d.mapper->SetInputData(d.image);
    // The camera is the plane: sliced through the focal point, facing the camera, at any obliquity (no
    // snapping to stored slices: centre() is where the plane is).
    d.mapper->SliceFacesCameraOn();
    d.mapper->SliceAtFocalPointOn();
    d.mapper->JumpToNearestSliceOff();
    // Always resample at the screen's own pixels (one reslice sample per pixel centre): the same image at any
    // zoom and in tests and bench alike, instead of VTK switching by "allocated render time".
    d.mapper->AutoAdjustImageQualityOff();
    d.mapper->ResampleToScreenPixelsOn();
    d.mapper->SetSlabSampleFactor(kSlabSampleFactor);
    // Whole voxels at the volume's edge (as SliceScene's border).
    d.mapper->BorderOn();

    scene::setUpGreyProperty(d.property, d.invertedGrey);
    d.applyWindow();
    d.applySlab();

    d.actor->SetMapper(d.mapper);
    d.actor->SetProperty(d.property);
    d.actor->SetUserMatrix(d.userMatrix);
    d.actor->VisibilityOff();

    d.renderer->SetBackground(0.0, 0.0, 0.0);
    d.renderer->AddViewProp(d.actor);
    d.axes = standardViewAxes(ViewPlane::Axial);
    d.placeCamera(d.centre);
}

PlaneScene::~PlaneScene()
{
    clear();
}

vtkRenderer* PlaneScene::renderer() const
{
    return m_impl->renderer;
}

bool PlaneScene::setVolume(const Volume& volume)
{
    clear();
    Impl& d = *m_impl;
    const Grid grid = makeGrid(volume.geometry());
    if (!scene::wrapVoxels(volume, grid.spacing, d.image)) {
        return false;
    }
    d.volume = &volume;
    d.grid = grid;
    d.userMatrix->DeepCopy(grid.dataToPatient);
    d.userMatrix->Modified();
    d.corners = cornerCentres(volume, 0.0);
    d.boxCorners = cornerCentres(volume, 0.5);
    d.volumeCentre =
        voxelToPatient(volume.geometry(), {(volume.columns() - 1) / 2.0, (volume.rows() - 1) / 2.0,
                                           (volume.slices() - 1) / 2.0});
    d.diagonal = std::max(1.0, norm(add(d.boxCorners[7], d.boxCorners[0], -1.0)));
    d.actor->VisibilityOn();

    // A voxel centre near the middle: a nearest-neighbour plane through it never lies half-way between two
    // slices (or rows, or columns when the view turns coronal or sagittal).
    const Vec3 centre =
        voxelToPatient(volume.geometry(), {double(volume.columns() / 2), double(volume.rows() / 2),
                                           double(volume.slices() / 2)});
    setPlane(standardViewAxes(ViewPlane::Axial), centre);
    fitCamera();
    return true;
}

bool PlaneScene::hasVolume() const
{
    return m_impl->volume != nullptr;
}

void PlaneScene::voxelsChanged()
{
    if (m_impl->volume != nullptr) {
        scene::voxelsModified(m_impl->image);
    }
}

void PlaneScene::clear()
{
    Impl& d = *m_impl;
    // Graphics first (the texture holds a grey copy of the plane), then the pointer into the volume.
    scene::releaseGraphics(d.renderer, d.actor, d.mapper);
    scene::unwrapVoxels(d.image);
    d.mapper->Modified();
    d.actor->VisibilityOff();
    d.volume = nullptr;
    d.userMatrix->Identity();
    d.userMatrix->Modified();
}

Vec3 PlaneScene::worldToPatient(const Vec3& world) const
{
    return world;
}

Vec3 PlaneScene::patientToWorld(const Vec3& patient) const
{
    return patient;
}

void PlaneScene::setPlane(const ViewAxes& axes, const Vec3& centreLps)
{
    Impl& d = *m_impl;
    d.axes = orthonormalised(axes);
    d.centre = centreLps;
    d.placeCamera(centreLps);
}

void PlaneScene::setStandardPlane(ViewPlane plane)
{
    setPlane(standardViewAxes(plane), m_impl->centre);
}

ViewAxes PlaneScene::axes() const
{
    return m_impl->axes;
}

Vec3 PlaneScene::centre() const
{
    return m_impl->centre;
}

void PlaneScene::rotate(const Vec3& axisLps, double degrees)
{
    Impl& d = *m_impl;
    setPlane(rotateViewAxes(d.axes, axisLps, degrees), d.centre);
}

void PlaneScene::moveAlongNormal(double mm)
{
    Impl& d = *m_impl;
    if (!std::isfinite(mm)) {
        return;
    }
    double delta = mm;
    if (d.volume != nullptr) {
        const auto [lo, hi] = normalRange();
        const double now = normalPosition();
        delta = std::clamp(now + mm, lo, hi) - now;
    }
    const Vec3 n = viewNormal(d.axes);
    d.centre = add(d.centre, n, delta);
    d.placeCamera(add(d.focalPoint(), n, delta)); // the pan (focal point within the plane) is kept
}

double PlaneScene::normalPosition() const
{
    return dot(m_impl->centre, viewNormal(m_impl->axes));
}

std::pair<double, double> PlaneScene::normalRange() const
{
    const Impl& d = *m_impl;
    if (d.volume == nullptr) {
        return {0.0, 0.0};
    }
    const Vec3 n = viewNormal(d.axes);
    double lo = std::numeric_limits<double>::max();
    double hi = -lo;
    for (const Vec3& c : d.corners) {
        lo = std::min(lo, dot(c, n));
        hi = std::max(hi, dot(c, n));
    }
    return {lo, hi};
}

double PlaneScene::normalStep() const
{
    const Impl& d = *m_impl;
    if (d.volume == nullptr) {
        return 1.0;
    }
    const VolumeGeometry& g = d.volume->geometry();
    const Vec3 n = viewNormal(d.axes);
    const double sliceAlongNormal =
        norm(g.sliceStep) > 0 ? std::abs(dot(g.sliceStep, g.normal)) : d.grid.spacing[2];
    if (std::abs(dot(n, g.normal)) > kAxisAligned) {
        return sliceAlongNormal;
    }
    if (std::abs(dot(n, g.rowDirection)) > kAxisAligned) {
        return d.grid.spacing[0];
    }
    if (std::abs(dot(n, g.columnDirection)) > kAxisAligned) {
        return d.grid.spacing[1];
    }
    return std::min({d.grid.spacing[0], d.grid.spacing[1], sliceAlongNormal});
}

void PlaneScene::setSlab(SlabMode mode, double thicknessMm)
{
    m_impl->slabMode = mode;
    m_impl->slabThickness = std::isfinite(thicknessMm) ? std::max(0.0, thicknessMm) : 0.0;
    m_impl->applySlab();
}

SlabMode PlaneScene::slabMode() const
{
    return m_impl->slabMode;
}

double PlaneScene::slabThickness() const
{
    return m_impl->slabThickness;
}

void PlaneScene::setWindow(Window window)
{
    m_impl->window = window;
    m_impl->applyWindow();
}

Window PlaneScene::window() const
{
    return m_impl->window;
}

void PlaneScene::setInvert(bool invert)
{
    m_impl->invert = invert;
    m_impl->applyWindow();
}

bool PlaneScene::invert() const
{
    return m_impl->invert;
}

void PlaneScene::setInterpolation(SliceInterpolation interpolation)
{
    m_impl->interpolation = interpolation;
    scene::applyInterpolation(m_impl->property, interpolation);
}

SliceInterpolation PlaneScene::interpolation() const
{
    return m_impl->interpolation;
}

void PlaneScene::fitCamera()
{
    Impl& d = *m_impl;
    if (d.volume == nullptr) {
        return;
    }
    // In-plane offset of the volume centre from centre(): the camera pans there, the plane stays.
    const Vec3 toVolume = add(d.volumeCentre, d.centre, -1.0);
    const double offsetRight = dot(toVolume, d.axes.right);
    const double offsetDown = dot(toVolume, d.axes.down);
    double halfWidth = 0;
    double halfHeight = 0;
    for (const Vec3& c : d.boxCorners) {
        const Vec3 v = add(c, d.volumeCentre, -1.0);
        halfWidth = std::max(halfWidth, std::abs(dot(v, d.axes.right)));
        halfHeight = std::max(halfHeight, std::abs(dot(v, d.axes.down)));
    }
    d.placeCamera(add(add(d.centre, d.axes.right, offsetRight), d.axes.down, offsetDown));
    double aspect[2] = {1.0, 1.0};
    d.renderer->ComputeAspect();
    d.renderer->GetAspect(aspect);
    const double viewportAspect = aspect[1] > 0 ? aspect[0] / aspect[1] : 1.0; // width / height
    d.renderer->GetActiveCamera()->SetParallelScale(std::max(halfHeight, halfWidth / viewportAspect));
}

Vec3 PlaneScene::patientToDisplay(const Vec3& patient) const
{
    vtkRenderer* r = m_impl->renderer;
    double p[4] = {patient[0], patient[1], patient[2], 1.0};
    r->SetWorldPoint(p);
    r->WorldToDisplay();
    const double* out = r->GetDisplayPoint();
    return {out[0], out[1], out[2]};
}

Vec3 PlaneScene::displayToPatient(double x, double y) const
{
    const Impl& d = *m_impl;
    vtkRenderer* r = d.renderer;
    r->SetDisplayPoint(x, y, 0.5);
    r->DisplayToWorld();
    const double* w = r->GetWorldPoint();
    const Vec3 world =
        std::abs(w[3]) > 0 ? Vec3{w[0] / w[3], w[1] / w[3], w[2] / w[3]} : Vec3{w[0], w[1], w[2]};
    // Parallel projection: the display ray runs along the normal, so dropping the normal component relative
    // to the centre lands on the plane.
    const Vec3 n = viewNormal(d.axes);
    return add(world, n, -dot(add(world, d.centre, -1.0), n));
}

vtkImageData* PlaneScene::imageData() const
{
    return m_impl->image;
}

vtkImageSlice* PlaneScene::imageActor() const
{
    return m_impl->actor;
}

vtkImageResliceMapper* PlaneScene::mapper() const
{
    return m_impl->mapper;
}

vtkImageProperty* PlaneScene::imageProperty() const
{
    return m_impl->property;
}

ResliceImage resliceHu(const Volume& volume, const ViewAxes& axes, const Vec3& centreLps, int width,
                       int height, double spacingMm, SlabMode mode, double thicknessMm,
                       SliceInterpolation interpolation)
{
    ResliceImage out;
    if (width <= 0 || height <= 0 || !(spacingMm > 0)) {
        return out;
    }
    const Grid grid = makeGrid(volume.geometry());
    vtkNew<vtkImageData> image;
    if (!scene::wrapVoxels(volume, grid.spacing, image)) {
        return out;
    }
    const ViewAxes a = orthonormalised(axes);
    const Vec3 n = viewNormal(a);

    // Slice coordinates (x along right, y along down, z along the normal, mm, origin at the centre) to
    // patient, then to the image data's coordinates: the reslice axes.
    double sliceToPatient[16] = {a.right[0], a.down[0], n[0], centreLps[0], //
                                 a.right[1], a.down[1], n[1], centreLps[1], //
                                 a.right[2], a.down[2], n[2], centreLps[2], //
                                 0.0,        0.0,       0.0,  1.0};
    vtkNew<vtkMatrix4x4> resliceAxes;
    vtkMatrix4x4::Multiply4x4(grid.patientToData, sliceToPatient, *resliceAxes->Element);
    resliceAxes->Modified();

    const bool thick = mode != SlabMode::None && thicknessMm > 0;
    const int samples = thick ? slabSampleCount(thicknessMm, mapperNormalSpacing(grid, n)) : 1;

    vtkNew<vtkImageReslice> reslice;
    reslice->SetInputData(image);
    reslice->SetOptimization(samples == 1); // as the scene's mapper (see GeneralResliceMapper)
    reslice->SetResliceAxes(resliceAxes);
    reslice->SetOutputDimensionality(2);
    reslice->SetOutputExtent(0, width - 1, 0, height - 1, 0, 0);
    reslice->SetOutputOrigin(-(width - 1) / 2.0 * spacingMm, -(height - 1) / 2.0 * spacingMm, 0.0);
    reslice->SetOutputSpacing(spacingMm, spacingMm, samples > 1 ? thicknessMm / (samples - 1) : 1.0);
    reslice->SetOutputScalarType(VTK_FLOAT);
    reslice->SetBackgroundLevel(kOutsideHu);
    if (interpolation == SliceInterpolation::Linear) {
        reslice->SetInterpolationModeToLinear();
    } else {
        reslice->SetInterpolationModeToNearestNeighbor();
    }
    if (samples > 1) {
        reslice->SetSlabNumberOfSlices(samples);
        reslice->SlabTrapezoidIntegrationOn(); // as vtkImageResliceMapper does
        switch (mode) {
        case SlabMode::Max:
            reslice->SetSlabModeToMax();
            break;
        case SlabMode::Min:
            reslice->SetSlabModeToMin();
            break;
        case SlabMode::Mean:
        case SlabMode::None:
            reslice->SetSlabModeToMean();
            break;
        }
    }
    reslice->Update();
    vtkImageData* result = reslice->GetOutput();
    auto* values = vtkFloatArray::SafeDownCast(result->GetPointData()->GetScalars());
    if (values == nullptr || values->GetNumberOfTuples() != vtkIdType(width) * vtkIdType(height)) {
        return out;
    }
    out.width = width;
    out.height = height;
    out.spacingMm = spacingMm;
    out.hu.assign(values->GetPointer(0), values->GetPointer(0) + vtkIdType(width) * vtkIdType(height));
    // Drop the pipeline's pointer into the volume before returning (the image dies with this scope anyway).
    reslice->SetInputData(nullptr);
    image->GetPointData()->Initialize();
    return out;
}

} // namespace dokuei::viewer
