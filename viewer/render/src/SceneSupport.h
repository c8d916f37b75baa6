#pragma once

// Private to dokuei_viewer_render: what SliceScene, PlaneScene and VolumeScene share (the zero-copy wrap of a
// Volume's voxels, its release, the DICOM VOI window on an image property).

#include "dokuei/viewer/core/InstanceInfo.h"
#include "dokuei/viewer/core/Volume.h"
#include "dokuei/viewer/core/WindowLevel.h"
#include "dokuei/viewer/render/SliceScene.h"

#include <array>

class vtkAbstractMapper;
class vtkImageData;
class vtkImageProperty;
class vtkLookupTable;
class vtkProp;
class vtkRenderer;

namespace dokuei::viewer::scene {

/// Image data spacing of a volume (column, row, slice spacing), 1 mm where the geometry gives none.
std::array<double, 3> voxelSpacing(const VolumeGeometry& g);

/// Image data (voxel (i, j, k) at (i * columnSpacing, j * rowSpacing, k * sliceSpacing)) to patient LPS, a
/// row-major 4x4: p = origin + x * rowDirection + y * columnDirection + z * sliceStep / sliceSpacing (the
/// normal when there is no step). A gantry tilt makes it a shear.
void dataToPatient(const VolumeGeometry& g, double sliceSpacing, double out[16]);

/// Wraps the volume's voxels in `image` (dimensions columns x rows x slices, `spacing`, origin 0) without a
/// copy: vtkShortArray::SetArray with save = 1, VTK never frees or reallocates them. VTK only reads the
/// voxels; the const_cast inside is for VTK's non-const API. Returns false (image untouched) when the volume
/// is wiped or empty.
bool wrapVoxels(const Volume& volume, const std::array<double, 3>& spacing, vtkImageData* image);

/// Drops the wrapped array: no pointer into the volume remains in `image` (empty, marked Modified).
void unwrapVoxels(vtkImageData* image);

/// The voxels changed in place: the next render re-reads them.
void voxelsModified(vtkImageData* image);

/// Releases the prop's and the mapper's (may be null) graphics resources with the renderer's window, when
/// the renderer is in one.
void releaseGraphics(vtkRenderer* renderer, vtkProp* prop, vtkAbstractMapper* mapper);

/// The grey image property of SliceScene and PlaneScene: unlit, opaque, nearest, and `invertedGrey` built as
/// the 256-entry descending grey table that applyVoiWindow() uses for inverted display.
void setUpGreyProperty(vtkImageProperty* property, vtkLookupTable* invertedGrey);

/// VTK's grey ramp is (x - (level - window/2)) / window * 255; DICOM's linear VOI is
/// ((x - (c - 0.5)) / (w - 1) + 0.5) * 255. They agree with window = w - 1 and level = c - 0.5. A width of
/// 1 (a threshold in DICOM) becomes a very narrow ramp. Inverted display goes through `invertedGrey` over
/// the same range (a negative window does not invert in VTK 9.1's slice mapper).
void applyVoiWindow(vtkImageProperty* property, vtkLookupTable* invertedGrey, Window window, bool invert);

void applyInterpolation(vtkImageProperty* property, SliceInterpolation interpolation);

} // namespace dokuei::viewer::scene
