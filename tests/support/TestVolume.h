#pragma once

#include <vtkSmartPointer.h>

class vtkImageData;

namespace dokuei::test {

/// A synthetic CT-like volume in Hounsfield units (int16), with no patient data: a skull-like bone shell
/// around soft tissue, an air-filled cavity, a dense insert and an asymmetric rod so orientation is
/// visible. Used by the rendering tests (test support only: the product never shows it). `size` voxels per
/// side, 1 mm spacing, origin at the centre.
vtkSmartPointer<vtkImageData> makeTestVolume(int size);

} // namespace dokuei::test
