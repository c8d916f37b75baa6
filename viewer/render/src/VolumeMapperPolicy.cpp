#include "dokuei/viewer/render/VolumeMapperPolicy.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace dokuei::viewer {

bool isSoftwareRenderer(std::string_view glRenderer)
{
    std::string lower(glRenderer);
    std::ranges::transform(lower, lower.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    static constexpr std::array<std::string_view, 5> kSoftware = {"llvmpipe", "softpipe", "swrast",
                                                                  "software rasterizer", "basic render"};
    return std::ranges::any_of(kSoftware,
                               [&](std::string_view name) { return lower.find(name) != std::string::npos; });
}

VolumeMapperKind chooseVolumeMapper(std::string_view glRenderer, std::string_view override)
{
    if (override == "gpu") {
        return VolumeMapperKind::GpuRayCast;
    }
    if (override == "cpu") {
        return VolumeMapperKind::CpuRayCast;
    }
    return isSoftwareRenderer(glRenderer) ? VolumeMapperKind::CpuRayCast : VolumeMapperKind::GpuRayCast;
}

const char* volumeMapperName(VolumeMapperKind kind)
{
    switch (kind) {
    case VolumeMapperKind::GpuRayCast:
        return "GPU ray casting";
    case VolumeMapperKind::CpuRayCast:
        return "CPU ray casting";
    }
    return "unknown";
}

} // namespace dokuei::viewer
