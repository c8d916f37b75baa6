#include "dokuei/viewer/render/SliceScene.h"

#include "dokuei/viewer/core/Volume.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <type_traits>

#include <vtkCamera.h>
#include <vtkDataArray.h>
#include <vtkImageData.h>
#include <vtkImageProperty.h>
#include <vtkImageSlice.h>
#include <vtkImageSliceMapper.h>
#include <vtkLookupTable.h>
#include <vtkMatrix4x4.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkShortArray.h>

namespace dokuei::viewer {

static_assert(std::is_same_v<short, std::int16_t>, "vtkShortArray wraps the int16 voxels without conversion");

namespace {

/// VTK's grey ramp is (x - (level - window/2)) / window * 255; DICOM's linear VOI is
/// ((x - (c - 0.5)) / (w - 1) + 0.5) * 255. They agree with window = w - 1 and level = c - 0.5. A width of
/// 1 (a threshold in DICOM) becomes a very narrow ramp. Inverted display goes through a 256-entry
/// descending grey table over the same range (a negative window does not invert in VTK 9.1's slice mapper).
constexpr double kMinRampWidth = 1e-3;

} // namespace

struct SliceScene::Impl
{
    vtkNew<vtkRenderer> renderer;
    vtkNew<vtkImageData> image;
    vtkNew<vtkImageSliceMapper> mapper;
    vtkNew<vtkImageSlice> actor;
    vtkNew<vtkImageProperty> property;
    vtkNew<vtkMatrix4x4> imageToPatient;
    vtkNew<vtkMatrix4x4> patientToImage;
    vtkNew<vtkLookupTable> invertedGrey;

    int rows = 0;
    int columns = 0;
    int slices = 0;
    double rowSpacing = 1;    // mm between rows (screen vertical)
    double columnSpacing = 1; // mm between columns (screen horizontal)
    VolumeGeometry geometry;
    int slice = 0;
    Window window;
    bool invert = false;
    SliceInterpolation interpolation = SliceInterpolation::Nearest;

    void applyWindow()
    {
        const double ramp = std::max(window.width - 1.0, kMinRampWidth);
        property->SetColorWindow(ramp);
        property->SetColorLevel(window.centre - 0.5);
        property->SetLookupTable(invert ? invertedGrey.Get() : nullptr);
    }

    void releaseGraphics()
    {
        if (vtkRenderWindow* renderWindow = renderer->GetRenderWindow()) {
            actor->ReleaseGraphicsResources(renderWindow);
            mapper->ReleaseGraphicsResources(renderWindow);
        }
    }
};

SliceScene::SliceScene() : m_impl(std::make_unique<Impl>())
{
    Impl& d = *m_impl;
    d.mapper->SetInputData(d.image);
    d.mapper->SetOrientationToZ();
    d.mapper->SliceAtFocalPointOff();
    d.mapper->SliceFacesCameraOff();
    // Show every pixel whole (edges at +-half a pixel), as reading viewers do; without the border VTK cuts
    // the outer half pixel.
    d.mapper->BorderOn();

    d.invertedGrey->SetNumberOfTableValues(256);
    d.invertedGrey->SetHueRange(0.0, 0.0);
    d.invertedGrey->SetSaturationRange(0.0, 0.0);
    d.invertedGrey->SetValueRange(1.0, 0.0);
    d.invertedGrey->SetRampToLinear();
    d.invertedGrey->Build();
    d.property->UseLookupTableScalarRangeOff(); // the window/level above sets the table's range
    d.property->SetInterpolationTypeToNearest();
    d.property->SetAmbient(1.0);
    d.property->SetDiffuse(0.0);
    d.property->SetOpacity(1.0);
    d.applyWindow();

    d.actor->SetMapper(d.mapper);
    d.actor->SetProperty(d.property);
    d.actor->VisibilityOff();

    d.renderer->SetBackground(0.0, 0.0, 0.0);
    d.renderer->AddViewProp(d.actor);
    d.renderer->GetActiveCamera()->ParallelProjectionOn();
}

SliceScene::~SliceScene()
{
    clear();
}

vtkRenderer* SliceScene::renderer() const
{
    return m_impl->renderer;
}

bool SliceScene::setVolume(const Volume& volume)
{
    clear();
    Impl& d = *m_impl;
    if (volume.wiped() || volume.rows() <= 0 || volume.columns() <= 0 || volume.slices() <= 0 ||
        volume.slice(0) == nullptr) {
        return false;
    }
    const VolumeGeometry& g = volume.geometry();
    d.rows = volume.rows();
    d.columns = volume.columns();
    d.slices = volume.slices();
    d.geometry = g;
    d.rowSpacing = g.rowSpacing > 0 ? g.rowSpacing : 1.0;
    d.columnSpacing = g.columnSpacing > 0 ? g.columnSpacing : 1.0;
    const double sliceSpacing = g.sliceSpacing > 0 ? g.sliceSpacing : 1.0;

    // Image index (i = column, j = row, k = slice) at (i * columnSpacing, j * rowSpacing, k * sliceSpacing)
    // in image space (= world), origin 0, no direction. imageToPatient takes world to patient LPS:
    //   p = origin + rowDirection * x + columnDirection * y + (sliceStep / sliceSpacing) * z
    // i.e. p(i, j, k) = origin + i * columnSpacing * rowDirection + j * rowSpacing * columnDirection
    //                   + k * sliceStep (gantry tilt: the step need not be along the normal; a shear).
    d.image->SetDimensions(d.columns, d.rows, d.slices);
    d.image->SetSpacing(d.columnSpacing, d.rowSpacing, sliceSpacing);
    d.image->SetOrigin(0.0, 0.0, 0.0);
    const bool haveStep = std::hypot(g.sliceStep[0], g.sliceStep[1], g.sliceStep[2]) > 0;
    for (int r = 0; r < 3; ++r) {
        d.imageToPatient->SetElement(r, 0, g.rowDirection[std::size_t(r)]);
        d.imageToPatient->SetElement(r, 1, g.columnDirection[std::size_t(r)]);
        d.imageToPatient->SetElement(
            r, 2, haveStep ? g.sliceStep[std::size_t(r)] / sliceSpacing : g.normal[std::size_t(r)]);
        d.imageToPatient->SetElement(r, 3, g.origin[std::size_t(r)]);
    }
    d.imageToPatient->Modified();
    vtkMatrix4x4::Invert(d.imageToPatient, d.patientToImage);

    // The voxels themselves, wrapped: save = 1, VTK never frees them. VTK only reads them (the mapper makes
    // its own 8-bit texture); the const_cast is for VTK's non-const API.
    vtkNew<vtkShortArray> scalars;
    scalars->SetNumberOfComponents(1);
    scalars->SetArray(const_cast<short*>(volume.slice(0)),
                      vtkIdType(volume.sliceVoxels()) * vtkIdType(d.slices), 1);
    scalars->SetName("HU");
    d.image->GetPointData()->SetScalars(scalars);
    d.image->Modified();

    d.actor->VisibilityOn();
    d.slice = -1;
    setSlice(d.slices / 2);
    fitCamera();
    return true;
}

bool SliceScene::hasVolume() const
{
    return m_impl->slices > 0;
}

void SliceScene::voxelsChanged()
{
    if (m_impl->slices > 0) {
        m_impl->image->GetPointData()->GetScalars()->Modified();
        m_impl->image->Modified();
    }
}

void SliceScene::setSlice(int k)
{
    Impl& d = *m_impl;
    if (d.slices <= 0) {
        return;
    }
    k = std::clamp(k, 0, d.slices - 1);
    if (k == d.slice) {
        return;
    }
    d.slice = k;
    d.mapper->SetSliceNumber(k);
    d.renderer->ResetCameraClippingRange();
}

int SliceScene::slice() const
{
    return m_impl->slices > 0 ? m_impl->slice : 0;
}

int SliceScene::sliceCount() const
{
    return m_impl->slices;
}

namespace {

Vec3 transform(vtkMatrix4x4* m, const Vec3& p)
{
    const double in[4] = {p[0], p[1], p[2], 1.0};
    double out[4];
    m->MultiplyPoint(in, out);
    return {out[0], out[1], out[2]};
}

} // namespace

Vec3 SliceScene::worldToPatient(const Vec3& world) const
{
    return transform(m_impl->imageToPatient, world);
}

Vec3 SliceScene::patientToWorld(const Vec3& patient) const
{
    return transform(m_impl->patientToImage, patient);
}

void SliceScene::setWindow(Window window)
{
    m_impl->window = window;
    m_impl->applyWindow();
}

Window SliceScene::window() const
{
    return m_impl->window;
}

void SliceScene::setInvert(bool invert)
{
    m_impl->invert = invert;
    m_impl->applyWindow();
}

bool SliceScene::invert() const
{
    return m_impl->invert;
}

void SliceScene::setInterpolation(SliceInterpolation interpolation)
{
    m_impl->interpolation = interpolation;
    if (interpolation == SliceInterpolation::Linear) {
        m_impl->property->SetInterpolationTypeToLinear();
    } else {
        m_impl->property->SetInterpolationTypeToNearest();
    }
}

SliceInterpolation SliceScene::interpolation() const
{
    return m_impl->interpolation;
}

void SliceScene::fitCamera()
{
    Impl& d = *m_impl;
    if (d.slices <= 0) {
        return;
    }
    // Centre of the current slice in world (image) space: the middle of the pixel centres. Looking along +z
    // with view-up -y puts +x (increasing column) on screen right and +y (increasing row) downwards.
    const double centre[3] = {(d.columns - 1) / 2.0 * d.columnSpacing, (d.rows - 1) / 2.0 * d.rowSpacing,
                              d.slice * d.image->GetSpacing()[2]};
    const double width = d.columns * d.columnSpacing;
    const double height = d.rows * d.rowSpacing;
    const double distance = 2.0 * std::max(width, height) + 1.0;

    vtkCamera* camera = d.renderer->GetActiveCamera();
    camera->ParallelProjectionOn();
    camera->SetFocalPoint(centre);
    camera->SetPosition(centre[0], centre[1], centre[2] - distance);
    camera->SetViewUp(0.0, -1.0, 0.0);
    double aspect[2] = {1.0, 1.0};
    d.renderer->ComputeAspect();
    d.renderer->GetAspect(aspect);
    const double viewportAspect = aspect[1] > 0 ? aspect[0] / aspect[1] : 1.0; // width / height
    camera->SetParallelScale(std::max(height, width / viewportAspect) / 2.0);
    d.renderer->ResetCameraClippingRange();
}

void SliceScene::clear()
{
    Impl& d = *m_impl;
    // Graphics first (the texture holds a grey copy of the slice), then the pointer into the volume.
    d.releaseGraphics();
    d.image->GetPointData()->SetScalars(nullptr);
    d.image->GetPointData()->Initialize();
    d.image->SetDimensions(0, 0, 0);
    d.image->Modified();
    d.mapper->Modified();
    d.actor->VisibilityOff();
    d.rows = d.columns = d.slices = 0;
    d.slice = 0;
    d.imageToPatient->Identity();
    d.patientToImage->Identity();
}

vtkImageData* SliceScene::imageData() const
{
    return m_impl->image;
}

vtkImageSlice* SliceScene::imageActor() const
{
    return m_impl->actor;
}

vtkImageSliceMapper* SliceScene::mapper() const
{
    return m_impl->mapper;
}

vtkImageProperty* SliceScene::imageProperty() const
{
    return m_impl->property;
}

} // namespace dokuei::viewer
