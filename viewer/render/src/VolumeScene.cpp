#include "dokuei/viewer/render/VolumeScene.h"

#include <vtkCamera.h>
#include <vtkColorTransferFunction.h>
#include <vtkFixedPointVolumeRayCastMapper.h>
#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkOpenGLGPUVolumeRayCastMapper.h>
#include <vtkPiecewiseFunction.h>
#include <vtkRenderer.h>
#include <vtkSmartPointer.h>
#include <vtkVolume.h>
#include <vtkVolumeProperty.h>

namespace dokuei::viewer {

struct VolumeScene::Impl
{
    vtkNew<vtkRenderer> renderer;
    vtkNew<vtkVolume> volume;
    vtkNew<vtkVolumeProperty> property;
    vtkSmartPointer<vtkVolumeMapper> mapper;
    vtkSmartPointer<vtkImageData> image;
    VolumeMapperKind kind = VolumeMapperKind::CpuRayCast;
    bool interacting = false;

    void buildMapper()
    {
        if (kind == VolumeMapperKind::GpuRayCast) {
            auto gpu = vtkSmartPointer<vtkOpenGLGPUVolumeRayCastMapper>::New();
            gpu->SetAutoAdjustSampleDistances(1);
            mapper = gpu;
        } else {
            auto cpu = vtkSmartPointer<vtkFixedPointVolumeRayCastMapper>::New();
            cpu->SetAutoAdjustSampleDistances(0);
            cpu->SetLockSampleDistanceToInputSpacing(0);
            mapper = cpu;
        }
        if (image) {
            mapper->SetInputData(image);
        }
        applySampling();
        volume->SetMapper(mapper);
    }

    void applySampling()
    {
        if (auto* cpu = vtkFixedPointVolumeRayCastMapper::SafeDownCast(mapper)) {
            const double spacing = image ? image->GetSpacing()[0] : 1.0;
            cpu->SetSampleDistance(static_cast<float>(spacing * (interacting ? 2.0 : 0.75)));
            cpu->SetImageSampleDistance(interacting ? 2.0F : 1.0F);
        }
    }
};

VolumeScene::VolumeScene(VolumeMapperKind kind) : m_impl(std::make_unique<Impl>())
{
    m_impl->kind = kind;

    vtkNew<vtkColorTransferFunction> color;
    color->AddRGBPoint(-1000.0, 0.0, 0.0, 0.0);
    color->AddRGBPoint(-100.0, 0.55, 0.35, 0.25);
    color->AddRGBPoint(40.0, 0.85, 0.45, 0.35);
    color->AddRGBPoint(400.0, 1.0, 0.92, 0.82);
    color->AddRGBPoint(3000.0, 1.0, 1.0, 1.0);
    vtkNew<vtkPiecewiseFunction> opacity;
    opacity->AddPoint(-1000.0, 0.0);
    opacity->AddPoint(150.0, 0.0);
    opacity->AddPoint(300.0, 0.15);
    opacity->AddPoint(1200.0, 0.85);
    opacity->AddPoint(3000.0, 0.95);

    m_impl->property->SetColor(color);
    m_impl->property->SetScalarOpacity(opacity);
    m_impl->property->SetInterpolationTypeToLinear();
    m_impl->property->ShadeOn();
    m_impl->property->SetAmbient(0.3);
    m_impl->property->SetDiffuse(0.7);
    m_impl->property->SetSpecular(0.2);
    m_impl->volume->SetProperty(m_impl->property);

    m_impl->buildMapper();
    m_impl->renderer->SetBackground(0.05, 0.06, 0.08);
    m_impl->renderer->AddVolume(m_impl->volume);
}

VolumeScene::~VolumeScene() = default;

vtkRenderer* VolumeScene::renderer() const
{
    return m_impl->renderer;
}

void VolumeScene::setVolume(vtkImageData* image)
{
    m_impl->image = image;
    m_impl->mapper->SetInputData(image);
    m_impl->applySampling();

    // Anterior view in LPS patient coordinates: look along +y (from the front), head (+z) up.
    vtkCamera* camera = m_impl->renderer->GetActiveCamera();
    camera->SetFocalPoint(0.0, 0.0, 0.0);
    camera->SetPosition(0.0, -1.0, 0.0);
    camera->SetViewUp(0.0, 0.0, 1.0);
    m_impl->renderer->ResetCamera();
}

void VolumeScene::setMapperKind(VolumeMapperKind kind)
{
    if (kind == m_impl->kind) {
        return;
    }
    m_impl->kind = kind;
    m_impl->buildMapper();
}

VolumeMapperKind VolumeScene::mapperKind() const
{
    return m_impl->kind;
}

void VolumeScene::setInteracting(bool interacting)
{
    m_impl->interacting = interacting;
    m_impl->applySampling();
}

} // namespace dokuei::viewer
