// dokuei-bench-scroll: a scripted scroll through 100 slices of a 512 x 512 x 100 phantom CT, rendered one
// by one off-screen at 512 x 512 by dokuei's SliceScene (the secure volume wrapped without a copy), and the
// same loop by a bare VTK program (vtkImageData copy + vtkImageSliceMapper + vtkImageSlice + renderer, no
// dokuei code, the same view: the slice filling the window) in the same process and display. Rounds alternate
// (bare, dokuei, bare, ...) after one warm-up pass each; every frame is Render() + WaitForCompletion
// (glFinish). Prints JSON lines:
//   scroll_100_slices_p95, scroll_100_slices_median (ms; peer: bare VTK; goal ratio <= 1.5 and p95 <= 47 ms)
// Needs an X display (scripts/bench runs it under xvfb-run when DISPLAY is unset).
#include "BenchSupport.h"
#include "dokuei/viewer/core/Volume.h"
#include "dokuei/viewer/render/SliceScene.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <vtkCamera.h>
#include <vtkImageData.h>
#include <vtkImageProperty.h>
#include <vtkImageSlice.h>
#include <vtkImageSliceMapper.h>
#include <vtkNew.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkSmartPointer.h>

namespace {

using Clock = std::chrono::steady_clock;
using dokuei::viewer::Volume;
namespace bench = dokuei::bench;

constexpr int kSize = 512;
constexpr int kSlices = 100;
constexpr int kWindowSize = 512;
constexpr int kRounds = 3;

/// One pass through every slice; appends each frame's time (ms) when `out` is given.
template <typename SetSlice> void scroll(vtkRenderWindow* window, SetSlice setSlice, std::vector<double>* out)
{
    for (int k = 0; k < kSlices; ++k) {
        const auto t0 = Clock::now();
        setSlice(k);
        window->Render();
        window->WaitForCompletion();
        const auto t1 = Clock::now();
        if (out) {
            out->push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
        }
    }
}

void printLine(const char* name, double value, double peer, std::size_t frames)
{
    bench::printPeerLine(
        name, value, "bare VTK vtkImageSliceMapper", peer,
        bench::format("\"limit\":1.5,\"abs_limit\":47,\"frames\":%zu,\"matrix\":\"%dx%dx%d\","
                      "\"window\":\"%dx%d\"",
                      frames, kSize, kSize, kSlices, kWindowSize, kWindowSize));
}

} // namespace

int main()
{
    const auto start = Clock::now();
    // The chest phantom on a 512 x 512 x 100 grid (3 mm slices).
    auto spec = bench::chestSpec(kSize, kSlices);
    spec.sliceSpacing = spec.sliceThickness = 3.0;
    std::unique_ptr<Volume> volume = bench::makePhantomVolume(spec, "scroll");
    if (!volume) {
        return 1;
    }
    std::fprintf(stderr, "[scroll] phantom volume %dx%dx%d ready in %.1f s\n", kSize, kSize, kSlices,
                 std::chrono::duration<double>(Clock::now() - start).count());
    const dokuei::viewer::Window window{40, 400};

    // dokuei: SliceScene on the secure volume.
    dokuei::viewer::SliceScene scene;
    auto dokueiWindow = bench::makeOffscreenWindow(kWindowSize);
    dokueiWindow->AddRenderer(scene.renderer());
    if (!scene.setVolume(*volume)) {
        std::fprintf(stderr, "[scroll] SliceScene refused the volume\n");
        return 1;
    }
    scene.setWindow(window);
    scene.fitCamera();

    // Bare VTK: its own copy of the voxels, the plain pipeline.
    const vtkSmartPointer<vtkImageData> image = bench::copyVoxels(*volume);
    vtkNew<vtkImageSliceMapper> mapper;
    mapper->SetInputData(image);
    mapper->SetOrientationToZ();
    vtkNew<vtkImageSlice> slice;
    slice->SetMapper(mapper);
    slice->GetProperty()->SetColorWindow(window.width);
    slice->GetProperty()->SetColorLevel(window.centre);
    slice->GetProperty()->SetInterpolationTypeToNearest();
    vtkNew<vtkRenderer> renderer;
    renderer->AddViewProp(slice);
    auto bareWindow = bench::makeOffscreenWindow(kWindowSize);
    bareWindow->AddRenderer(renderer);
    // The same view as dokuei's: the slice fills the 512 x 512 window (on llvmpipe the cost follows the
    // pixels drawn; ResetCamera alone would leave the bare program a smaller image to fill).
    vtkCamera* camera = renderer->GetActiveCamera();
    camera->ParallelProjectionOn();
    const double* spacing = image->GetSpacing();
    const double cx = (kSize - 1) / 2.0 * spacing[0];
    const double cy = (kSize - 1) / 2.0 * spacing[1];
    camera->SetFocalPoint(cx, cy, 0);
    camera->SetPosition(cx, cy, -1000);
    camera->SetViewUp(0, -1, 0);
    camera->SetParallelScale(kSize * spacing[1] / 2.0);
    renderer->ResetCameraClippingRange();

    const auto bareSlice = [&](int k) {
        mapper->SetSliceNumber(k);
        renderer->ResetCameraClippingRange();
    };
    const auto dokueiSlice = [&](int k) { scene.setSlice(k); };

    scroll(bareWindow, bareSlice, nullptr); // warm-up: shaders, textures
    scroll(dokueiWindow, dokueiSlice, nullptr);
    std::vector<double> bare;
    std::vector<double> ours;
    for (int round = 0; round < kRounds; ++round) {
        scroll(bareWindow, bareSlice, &bare);
        scroll(dokueiWindow, dokueiSlice, &ours);
    }
    const double oursP95 = bench::quantile(ours, 0.95);
    const double bareP95 = bench::quantile(bare, 0.95);
    const double oursMedian = bench::quantile(ours, 0.5);
    const double bareMedian = bench::quantile(bare, 0.5);
    printLine("scroll_100_slices_p95", oursP95, bareP95, ours.size());
    printLine("scroll_100_slices_median", oursMedian, bareMedian, ours.size());
    std::fprintf(
        stderr,
        "[scroll] dokuei p95 %.2f ms median %.2f ms; bare VTK p95 %.2f ms median %.2f ms (%d rounds)\n",
        oursP95, oursMedian, bareP95, bareMedian, kRounds);

    scene.clear(); // before the volume is wiped
    volume->wipe();
    return 0;
}
