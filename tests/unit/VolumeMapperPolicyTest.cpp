#include "dokuei/viewer/render/VolumeMapperPolicy.h"

#include <gtest/gtest.h>

namespace {

using namespace dokuei::viewer;

TEST(VolumeMapperPolicy, SoftwareRenderersGetTheCpuMapper)
{
    EXPECT_EQ(chooseVolumeMapper("llvmpipe (LLVM 15.0.6, 256 bits)"), VolumeMapperKind::CpuRayCast);
    EXPECT_EQ(chooseVolumeMapper("softpipe"), VolumeMapperKind::CpuRayCast);
    EXPECT_EQ(chooseVolumeMapper("Mesa X11 SWRAST"), VolumeMapperKind::CpuRayCast);
}

TEST(VolumeMapperPolicy, RealGpusGetTheGpuMapper)
{
    EXPECT_EQ(chooseVolumeMapper("NVIDIA RTX A4000/PCIe/SSE2"), VolumeMapperKind::GpuRayCast);
    EXPECT_EQ(chooseVolumeMapper("AMD Radeon Pro W6600 (radeonsi, navi23, LLVM 15.0.6)"),
              VolumeMapperKind::GpuRayCast);
    EXPECT_EQ(chooseVolumeMapper("Mesa Intel(R) UHD Graphics 630 (CFL GT2)"), VolumeMapperKind::GpuRayCast);
}

TEST(VolumeMapperPolicy, OverrideWinsOnlyWithKnownValues)
{
    EXPECT_EQ(chooseVolumeMapper("llvmpipe", "gpu"), VolumeMapperKind::GpuRayCast);
    EXPECT_EQ(chooseVolumeMapper("NVIDIA", "cpu"), VolumeMapperKind::CpuRayCast);
    EXPECT_EQ(chooseVolumeMapper("llvmpipe", "fast"), VolumeMapperKind::CpuRayCast);
}

} // namespace
