#include "dokuei/viewer/core/SeriesGeometry.h"

#include <gtest/gtest.h>

using namespace dokuei;
using namespace dokuei::viewer;

namespace {

InstanceInfo axial(double z, int number)
{
    InstanceInfo info;
    info.sopInstanceUid = QStringLiteral("1.2.%1").arg(number);
    info.rows = 8;
    info.columns = 8;
    info.rowSpacing = 0.5;
    info.columnSpacing = 0.5;
    info.imageOrientation = {1, 0, 0, 0, 1, 0};
    info.imagePosition = {-2, -2, z};
    info.hasOrientation = true;
    info.hasPosition = true;
    info.instanceNumber = number;
    return info;
}

} // namespace

TEST(SeriesGeometry, SortsAlongTheNormalInAnyOrder)
{
    std::vector<InstanceInfo> images = {axial(4, 3), axial(0, 1), axial(6, 4), axial(2, 2)};
    auto stacks = SeriesGeometry::analyse(images);
    ASSERT_TRUE(stacks);
    ASSERT_EQ(stacks->size(), 1u);
    const Stack& s = stacks->front();
    EXPECT_EQ(s.order, (std::vector<int>{1, 3, 0, 2}));
    EXPECT_DOUBLE_EQ(s.sliceSpacing, 2.0);
    EXPECT_DOUBLE_EQ(s.origin[2], 0.0);
    EXPECT_TRUE(s.warnings.empty());
}

TEST(SeriesGeometry, ReportsGapsAndNonUniformSpacing)
{
    auto gap = SeriesGeometry::analyse({axial(0, 1), axial(2, 2), axial(6, 4), axial(8, 5), axial(10, 6)});
    ASSERT_TRUE(gap);
    EXPECT_TRUE(gap->front().hasWarning(GeometryWarning::Kind::MissingSlices));
    auto uneven = SeriesGeometry::analyse({axial(0, 1), axial(2, 2), axial(4.5, 3), axial(6.5, 4)});
    ASSERT_TRUE(uneven);
    EXPECT_TRUE(uneven->front().hasWarning(GeometryWarning::Kind::NonUniformSpacing));
}

TEST(SeriesGeometry, SplitsStacksAndMixedOrientations)
{
    std::vector<InstanceInfo> images = {axial(0, 1), axial(2, 2), axial(0, 3), axial(2, 4), axial(4, 5)};
    auto stacks = SeriesGeometry::analyse(images);
    ASSERT_TRUE(stacks);
    ASSERT_EQ(stacks->size(), 2u);
    EXPECT_EQ(stacks->front().order.size(), 3u);
    EXPECT_TRUE(stacks->front().hasWarning(GeometryWarning::Kind::MultipleStacks));

    InstanceInfo coronal = axial(0, 9);
    coronal.imageOrientation = {1, 0, 0, 0, 0, -1};
    auto mixed = SeriesGeometry::analyse({axial(0, 1), axial(2, 2), coronal});
    ASSERT_TRUE(mixed);
    ASSERT_EQ(mixed->size(), 2u);
    EXPECT_TRUE(mixed->front().hasWarning(GeometryWarning::Kind::MixedOrientation));
}

TEST(SeriesGeometry, RefusesMissingOrientation)
{
    InstanceInfo bad = axial(0, 1);
    bad.hasOrientation = false;
    EXPECT_FALSE(SeriesGeometry::analyse({bad}));
    EXPECT_FALSE(SeriesGeometry::analyse({}));
    InstanceInfo degenerate = axial(0, 1);
    degenerate.imageOrientation = {1, 0, 0, 1, 0, 0};
    EXPECT_FALSE(SeriesGeometry::analyse({degenerate}));
}
