#pragma once

#include "dokuei/viewer/render/VolumeMapperPolicy.h"

#include <memory>

class vtkImageData;
class vtkRenderer;

namespace dokuei::viewer {

/// A renderer showing one CT volume with a bone/soft-tissue transfer function. It owns the VTK pipeline;
/// the caller adds renderer() to a render window (on-screen through the Qt bridge, or off-screen in tests).
class VolumeScene
{
public:
    explicit VolumeScene(VolumeMapperKind kind = VolumeMapperKind::CpuRayCast);
    ~VolumeScene();
    VolumeScene(const VolumeScene&) = delete;
    VolumeScene& operator=(const VolumeScene&) = delete;

    vtkRenderer* renderer() const;

    /// Shows `image` (scalar values in HU) and resets the camera to an anterior view, head up.
    void setVolume(vtkImageData* image);

    /// Switches the mapper, keeping volume and camera.
    void setMapperKind(VolumeMapperKind kind);
    VolumeMapperKind mapperKind() const;

    /// While the user drags, sample more coarsely so the view follows the mouse on software GL.
    void setInteracting(bool interacting);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace dokuei::viewer
