#pragma once

#include <string_view>

namespace dokuei::viewer {

enum class VolumeMapperKind
{
    GpuRayCast, ///< vtkOpenGLGPUVolumeRayCastMapper: real GPUs
    CpuRayCast, ///< vtkFixedPointVolumeRayCastMapper: about 8x faster than the GPU path on llvmpipe
};

/// True for OpenGL renderers that rasterise on the CPU (Mesa llvmpipe/softpipe/swrast, ...).
bool isSoftwareRenderer(std::string_view glRenderer);

/// Picks the volume mapper for an OpenGL renderer string (GL_RENDERER). `override` ("gpu", "cpu" or empty,
/// e.g. from DOKUEI_VOLUME_MAPPER) wins when set to a known value.
VolumeMapperKind chooseVolumeMapper(std::string_view glRenderer, std::string_view override = {});

const char* volumeMapperName(VolumeMapperKind kind);

} // namespace dokuei::viewer
