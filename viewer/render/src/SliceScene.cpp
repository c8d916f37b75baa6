#include "dokuei/viewer/render/SliceScene.h"

#include "SceneSupport.h"
#include "dokuei/viewer/core/Volume.h"

#include <algorithm>
#include <array>

#include <vtkCamera.h>
#include <vtkImageData.h>
#include <vtkImageProperty.h>
#include <vtkImageSlice.h>
#include <vtkImageSliceMapper.h>
#include <vtkLookupTable.h>
#include <vtkMatrix4x4.h>
#include <vtkNew.h>
#include <vtkRenderer.h>

namespace dokuei::viewer {

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

    void applyWindow() { scene::applyVoiWindow(property, invertedGrey, window, invert); }
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

    scene::setUpGreyProperty(d.property, d.invertedGrey);
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
    const VolumeGeometry& g = volume.geometry();
    const std::array<double, 3> spacing = scene::voxelSpacing(g);
    // Image index (i = column, j = row, k = slice) at (i * columnSpacing, j * rowSpacing, k * sliceSpacing)
    // in image space (= world), origin 0, no direction; the voxels themselves, wrapped (VTK only reads them:
    // the mapper makes its own 8-bit texture).
    if (!scene::wrapVoxels(volume, spacing, d.image)) {
        return false;
    }
    d.rows = volume.rows();
    d.columns = volume.columns();
    d.slices = volume.slices();
    d.geometry = g;
    d.rowSpacing = spacing[1];
    d.columnSpacing = spacing[0];

    // imageToPatient takes world to patient LPS:
    //   p = origin + rowDirection * x + columnDirection * y + (sliceStep / sliceSpacing) * z
    // i.e. p(i, j, k) = origin + i * columnSpacing * rowDirection + j * rowSpacing * columnDirection
    //                   + k * sliceStep (gantry tilt: the step need not be along the normal; a shear).
    double imageToPatient[16];
    scene::dataToPatient(g, spacing[2], imageToPatient);
    d.imageToPatient->DeepCopy(imageToPatient);
    d.imageToPatient->Modified();
    vtkMatrix4x4::Invert(d.imageToPatient, d.patientToImage);

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
        scene::voxelsModified(m_impl->image);
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
    scene::applyInterpolation(m_impl->property, interpolation);
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
    scene::releaseGraphics(d.renderer, d.actor, d.mapper);
    scene::unwrapVoxels(d.image);
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
