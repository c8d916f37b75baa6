#include "TestVolume.h"
#include "dokuei/viewer/render/VolumeScene.h"

#include <gtest/gtest.h>
#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkUnsignedCharArray.h>

namespace {

using dokuei::viewer::VolumeMapperKind;

/// Renders the test volume off-screen with one mapper and returns the fraction of non-background pixels.
double renderedFraction(VolumeMapperKind kind)
{
    dokuei::viewer::VolumeScene scene(kind);
    auto volume = dokuei::test::makeTestVolume(64);
    scene.setVolume(volume);

    vtkNew<vtkRenderWindow> window;
    window->SetOffScreenRendering(1);
    window->SetSize(200, 200);
    window->AddRenderer(scene.renderer());
    window->Render();

    vtkNew<vtkUnsignedCharArray> pixels;
    window->GetRGBACharPixelData(0, 0, 199, 199, 1, pixels);
    const double* bg = scene.renderer()->GetBackground();
    const int bgRgb[3] = {static_cast<int>(bg[0] * 255.0 + 0.5), static_cast<int>(bg[1] * 255.0 + 0.5),
                          static_cast<int>(bg[2] * 255.0 + 0.5)};
    int differing = 0;
    const vtkIdType count = pixels->GetNumberOfTuples();
    for (vtkIdType i = 0; i < count; ++i) {
        for (int c = 0; c < 3; ++c) {
            if (std::abs(pixels->GetValue(i * 4 + c) - bgRgb[c]) > 24) {
                ++differing;
                break;
            }
        }
    }
    return static_cast<double>(differing) / static_cast<double>(count);
}

TEST(VolumeScene, CpuRayCastDrawsTheVolume)
{
    const double fraction = renderedFraction(VolumeMapperKind::CpuRayCast);
    EXPECT_GT(fraction, 0.05);
    EXPECT_LT(fraction, 0.95);
}

TEST(VolumeScene, GpuRayCastDrawsTheVolume)
{
    const double fraction = renderedFraction(VolumeMapperKind::GpuRayCast);
    EXPECT_GT(fraction, 0.05);
    EXPECT_LT(fraction, 0.95);
}

TEST(VolumeScene, EmptyVolumeDrawsOnlyBackground)
{
    dokuei::viewer::VolumeScene scene(VolumeMapperKind::CpuRayCast);
    auto volume = dokuei::test::makeTestVolume(32);
    volume->GetPointData(); // keep geometry, blank the content: all air
    std::fill_n(static_cast<short*>(volume->GetScalarPointer()), 32 * 32 * 32, static_cast<short>(-1000));
    scene.setVolume(volume);
    vtkNew<vtkRenderWindow> window;
    window->SetOffScreenRendering(1);
    window->SetSize(100, 100);
    window->AddRenderer(scene.renderer());
    window->Render();
    vtkNew<vtkUnsignedCharArray> pixels;
    window->GetRGBACharPixelData(0, 0, 99, 99, 1, pixels);
    const double* bg = scene.renderer()->GetBackground();
    for (vtkIdType i = 0; i < pixels->GetNumberOfTuples(); i += 97) {
        ASSERT_NEAR(pixels->GetValue(i * 4), bg[0] * 255.0, 3.0);
    }
}

} // namespace
