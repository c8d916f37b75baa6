#include "SceneSupport.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <vtkAbstractMapper.h>
#include <vtkDataArray.h>
#include <vtkImageData.h>
#include <vtkImageProperty.h>
#include <vtkLookupTable.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkProp.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkShortArray.h>

namespace dokuei::viewer::scene {

static_assert(std::is_same_v<short, std::int16_t>, "vtkShortArray wraps the int16 voxels without conversion");

namespace {

constexpr double kMinRampWidth = 1e-3;

} // namespace

std::array<double, 3> voxelSpacing(const VolumeGeometry& g)
{
    return {g.columnSpacing > 0 ? g.columnSpacing : 1.0, g.rowSpacing > 0 ? g.rowSpacing : 1.0,
            g.sliceSpacing > 0 ? g.sliceSpacing : 1.0};
}

void dataToPatient(const VolumeGeometry& g, double sliceSpacing, double out[16])
{
    const bool haveStep = std::hypot(g.sliceStep[0], g.sliceStep[1], g.sliceStep[2]) > 0;
    for (std::size_t r = 0; r < 3; ++r) {
        out[r * 4 + 0] = g.rowDirection[r];
        out[r * 4 + 1] = g.columnDirection[r];
        out[r * 4 + 2] = haveStep ? g.sliceStep[r] / sliceSpacing : g.normal[r];
        out[r * 4 + 3] = g.origin[r];
    }
    out[12] = out[13] = out[14] = 0.0;
    out[15] = 1.0;
}

bool wrapVoxels(const Volume& volume, const std::array<double, 3>& spacing, vtkImageData* image)
{
    if (volume.wiped() || volume.rows() <= 0 || volume.columns() <= 0 || volume.slices() <= 0 ||
        volume.slice(0) == nullptr) {
        return false;
    }
    image->SetDimensions(volume.columns(), volume.rows(), volume.slices());
    image->SetSpacing(spacing[0], spacing[1], spacing[2]);
    image->SetOrigin(0.0, 0.0, 0.0);
    vtkNew<vtkShortArray> scalars;
    scalars->SetNumberOfComponents(1);
    scalars->SetArray(const_cast<short*>(volume.slice(0)),
                      vtkIdType(volume.sliceVoxels()) * vtkIdType(volume.slices()), 1);
    scalars->SetName("HU");
    image->GetPointData()->SetScalars(scalars);
    image->Modified();
    return true;
}

void unwrapVoxels(vtkImageData* image)
{
    image->GetPointData()->SetScalars(nullptr);
    image->GetPointData()->Initialize();
    image->SetDimensions(0, 0, 0);
    image->Modified();
}

void voxelsModified(vtkImageData* image)
{
    if (vtkDataArray* scalars = image->GetPointData()->GetScalars()) {
        scalars->Modified();
    }
    image->Modified();
}

void releaseGraphics(vtkRenderer* renderer, vtkProp* prop, vtkAbstractMapper* mapper)
{
    if (vtkRenderWindow* renderWindow = renderer->GetRenderWindow()) {
        prop->ReleaseGraphicsResources(renderWindow);
        if (mapper != nullptr) {
            mapper->ReleaseGraphicsResources(renderWindow);
        }
    }
}

void setUpGreyProperty(vtkImageProperty* property, vtkLookupTable* invertedGrey)
{
    invertedGrey->SetNumberOfTableValues(256);
    invertedGrey->SetHueRange(0.0, 0.0);
    invertedGrey->SetSaturationRange(0.0, 0.0);
    invertedGrey->SetValueRange(1.0, 0.0);
    invertedGrey->SetRampToLinear();
    invertedGrey->Build();
    property->UseLookupTableScalarRangeOff(); // the window/level sets the table's range
    property->SetInterpolationTypeToNearest();
    property->SetAmbient(1.0);
    property->SetDiffuse(0.0);
    property->SetOpacity(1.0);
}

void applyVoiWindow(vtkImageProperty* property, vtkLookupTable* invertedGrey, Window window, bool invert)
{
    const double ramp = std::max(window.width - 1.0, kMinRampWidth);
    property->SetColorWindow(ramp);
    property->SetColorLevel(window.centre - 0.5);
    property->SetLookupTable(invert ? invertedGrey : nullptr);
}

void applyInterpolation(vtkImageProperty* property, SliceInterpolation interpolation)
{
    if (interpolation == SliceInterpolation::Linear) {
        property->SetInterpolationTypeToLinear();
    } else {
        property->SetInterpolationTypeToNearest();
    }
}

} // namespace dokuei::viewer::scene
