#include "dokuei/viewer/core/Volume.h"

#include "dokuei/security/WipeRegistry.h"

#include <gtest/gtest.h>

using namespace dokuei;
using namespace dokuei::viewer;

TEST(Volume, AllocatesOnceAndTracksReadySlices)
{
    security::WipeRegistry registry;
    auto volume = Volume::create(64, 32, 4, VolumeLimits{}, &registry);
    ASSERT_TRUE(volume) << volume.error().toString().toStdString();
    EXPECT_EQ(registry.size(), 1);
    Volume& v = **volume;
    EXPECT_EQ(v.bytes(), 64u * 32u * 4u * 2u);
    EXPECT_EQ(v.readyCount(), 0);
    v.slice(2)[5] = -1000;
    v.markSliceReady(2);
    v.markSliceReady(2);
    EXPECT_TRUE(v.sliceReady(2));
    EXPECT_FALSE(v.sliceReady(1));
    EXPECT_EQ(v.readyCount(), 1);
    EXPECT_EQ(v.slice(4), nullptr);
    EXPECT_EQ(v.slice(-1), nullptr);
    const auto report = registry.wipeAll();
    EXPECT_EQ(report.bytesWiped, 64u * 32u * 4u * 2u);
    EXPECT_TRUE(v.wiped());
    EXPECT_EQ(v.slice(2), nullptr);
    EXPECT_EQ(v.readyCount(), 0);
    volume->reset();
    EXPECT_EQ(registry.size(), 0);
}

TEST(Volume, BudgetIsCheckedBeforeAllocating)
{
    VolumeLimits limits;
    limits.memoryBudgetBytes = 512u * 512u * 2u * 10u; // ten slices
    auto volume = Volume::create(512, 512, 11, limits);
    ASSERT_FALSE(volume);
    EXPECT_EQ(volume.error().code, ErrorCode::SecureMemoryUnavailable);
    EXPECT_TRUE(volume.error().message.contains(QStringLiteral("512 x 512 x 11")))
        << volume.error().message.toStdString();
    EXPECT_TRUE(Volume::create(512, 512, 10, limits));
}

TEST(Volume, RefusesSizesOverTheLimits)
{
    EXPECT_FALSE(Volume::create(5000, 512, 1, VolumeLimits{}));
    EXPECT_FALSE(Volume::create(512, 0, 1, VolumeLimits{}));
    EXPECT_FALSE(Volume::create(512, 512, 0, VolumeLimits{}));
    EXPECT_FALSE(Volume::create(16, 16, 100000, VolumeLimits{}));
}
