#include "TestVolume.h"

#include <gtest/gtest.h>
#include <vtkImageData.h>

namespace {

short valueAt(vtkImageData* image, double x, double y, double z)
{
    const double point[3] = {x, y, z};
    int ijk[3];
    double pcoords[3];
    if (!image->ComputeStructuredCoordinates(point, ijk, pcoords)) {
        ADD_FAILURE() << "point outside the volume";
        return 0;
    }
    return *static_cast<short*>(image->GetScalarPointer(ijk[0], ijk[1], ijk[2]));
}

TEST(TestVolume, HasCtClassesWhereExpected)
{
    auto image = dokuei::test::makeTestVolume(64);
    int dims[3];
    image->GetDimensions(dims);
    EXPECT_EQ(dims[0], 64);
    EXPECT_EQ(dims[2], 64);
    EXPECT_EQ(image->GetScalarType(), VTK_SHORT);
    EXPECT_EQ(valueAt(image, -31.0, -31.0, -31.0), -1000) << "corner is air";
    EXPECT_EQ(valueAt(image, 0.0, 0.0, -10.0), 40) << "inside is soft tissue";
    EXPECT_EQ(valueAt(image, 0.0, 0.0, 26.5), 1200) << "shell is bone";
}

TEST(TestVolume, OrientationRodOnlyInTheUpperHalf)
{
    auto image = dokuei::test::makeTestVolume(64);
    const double x = 0.30 * 64;
    const double y = -0.30 * 64;
    EXPECT_EQ(valueAt(image, x, y, 10.0), 1500);
    EXPECT_NE(valueAt(image, x, y, -10.0), 1500);
    EXPECT_NE(valueAt(image, -x, y, 10.0), 1500) << "not mirrored left/right";
    EXPECT_NE(valueAt(image, x, -y, 10.0), 1500) << "not mirrored front/back";
}

} // namespace
