// dokuei-bench-mpr: a scripted 100-step scroll of an oblique plane (the axial plane turned 30 degrees about
// the view normal and then 30 degrees about the patient's L-R axis) through a 512 x 512 x 200 phantom CT,
// rendered one frame per step off-screen at 512 x 512 by dokuei's PlaneScene (the secure volume wrapped
// without a copy, world = patient LPS through the actor matrix), and the same motion by a bare VTK program
// (vtkImageData copy + vtkImageResliceMapper + vtkImageSlice + renderer, VTK's defaults, no dokuei code in
// its loop: its cameras are precomputed in its own image space), in the same process and display. Thin MPR
// first, then a 10 mm MIP slab. Rounds alternate (bare, dokuei, bare, ...) after one warm-up pass each;
// every frame is the camera move + Render() + WaitForCompletion (glFinish). Prints JSON lines:
//   mpr_oblique_p95, mpr_oblique_median, mpr_slab_mip_p95, mpr_slab_mip_median
//   (ms; peer: bare vtkImageResliceMapper; goal ratio <= 1.5), and for reference mpr_axial_p95 / _median (a
//   thin axial plane, where PlaneScene runs VTK's general reslice path instead of its axis-aligned fast
//   path).
// Needs an X display (scripts/bench runs it under xvfb-run when DISPLAY is unset).
#include "BenchSupport.h"
#include "dokuei/viewer/core/Measurements.h"
#include "dokuei/viewer/core/OrientationLabels.h"
#include "dokuei/viewer/core/Volume.h"
#include "dokuei/viewer/render/PlaneScene.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <vtkCamera.h>
#include <vtkImageData.h>
#include <vtkImageProperty.h>
#include <vtkImageResliceMapper.h>
#include <vtkImageSlice.h>
#include <vtkMatrix4x4.h>
#include <vtkNew.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkSmartPointer.h>
#include <vtkUnsignedCharArray.h>

namespace {

using Clock = std::chrono::steady_clock;
using dokuei::viewer::PlaneScene;
using dokuei::viewer::SlabMode;
using dokuei::viewer::Vec3;
using dokuei::viewer::Volume;
namespace bench = dokuei::bench;

constexpr int kSize = 512;
constexpr int kSlices = 200;
constexpr int kWindowSize = 512;
constexpr int kSteps = 100;
constexpr int kRounds = 3;
constexpr double kSlabMm = 10.0;

/// One camera of the bare program, in its own image space.
struct BareCamera
{
    std::array<double, 3> focal{};
    std::array<double, 3> position{};
    std::array<double, 3> up{};
};

std::array<double, 3> apply(const double m[16], const double p[3], double w)
{
    const double in[4] = {p[0], p[1], p[2], w};
    double out[4];
    vtkMatrix4x4::MultiplyPoint(m, in, out);
    return {out[0], out[1], out[2]};
}

void printLine(const char* name, double value, double peer, std::size_t frames, const char* what)
{
    bench::printPeerLine(
        name, value, "bare vtkImageResliceMapper", peer,
        bench::format("\"limit\":1.5,\"frames\":%zu,\"matrix\":\"%dx%dx%d\",\"window\":\"%dx%d\","
                      "\"plane\":\"%s\"",
                      frames, kSize, kSize, kSlices, kWindowSize, kWindowSize, what));
}

} // namespace

int main()
{
    const auto start = Clock::now();
    std::unique_ptr<Volume> volume = bench::makePhantomVolume(bench::chestSpec(kSize, kSlices), "mpr");
    if (!volume) {
        return 1;
    }
    std::fprintf(stderr, "[mpr] phantom volume %dx%dx%d ready in %.1f s\n", kSize, kSize, kSlices,
                 std::chrono::duration<double>(Clock::now() - start).count());
    const dokuei::viewer::Window window{40, 400};
    const dokuei::viewer::VolumeGeometry& g = volume->geometry();

    // dokuei: PlaneScene on the secure volume, an oblique plane through the centre.
    PlaneScene scene;
    auto dokueiWindow = bench::makeOffscreenWindow(kWindowSize);
    dokueiWindow->AddRenderer(scene.renderer());
    if (!scene.setVolume(*volume)) {
        std::fprintf(stderr, "[mpr] PlaneScene refused the volume\n");
        return 1;
    }
    scene.setWindow(window);
    const Vec3 volumeCentre = scene.centre(); // setVolume's axial plane through the middle
    scene.rotate(dokuei::viewer::viewNormal(scene.axes()), 30);
    scene.rotate({1, 0, 0}, 30);
    scene.fitCamera();
    double step = scene.normalStep();
    Vec3 startCentre = scene.centre();
    const auto toStart = [&] {
        scene.setPlane(scene.axes(), startCentre);
        scene.fitCamera();
        scene.moveAlongNormal(-step * kSteps / 2);
    };
    const auto dokueiStep = [&](int) { scene.moveAlongNormal(step); };

    // Bare VTK: its own copy of the voxels on the image's own grid (world = image space), the plain pipeline.
    const vtkSmartPointer<vtkImageData> image = bench::copyVoxels(*volume);
    vtkNew<vtkImageResliceMapper> mapper;
    mapper->SetInputData(image);
    mapper->SliceFacesCameraOn();
    mapper->SliceAtFocalPointOn();
    vtkNew<vtkImageSlice> slice;
    slice->SetMapper(mapper);
    slice->GetProperty()->SetColorWindow(window.width);
    slice->GetProperty()->SetColorLevel(window.centre);
    slice->GetProperty()->SetInterpolationTypeToNearest();
    vtkNew<vtkRenderer> renderer;
    renderer->AddViewProp(slice);
    auto bareWindow = bench::makeOffscreenWindow(kWindowSize);
    bareWindow->AddRenderer(renderer);
    vtkCamera* bareCamera = renderer->GetActiveCamera();
    bareCamera->ParallelProjectionOn();

    // The same plane motion in the bare program's space: dokuei's cameras taken through patient -> image
    // (the inverse of the voxel -> patient affine), precomputed so that its loop runs no dokuei code.
    double imageToPatient[16] = {};
    for (std::size_t r = 0; r < 3; ++r) {
        imageToPatient[r * 4 + 0] = g.rowDirection[r];
        imageToPatient[r * 4 + 1] = g.columnDirection[r];
        imageToPatient[r * 4 + 2] = g.sliceStep[r] / g.sliceSpacing;
        imageToPatient[r * 4 + 3] = g.origin[r];
    }
    imageToPatient[15] = 1;
    double patientToImage[16];
    vtkMatrix4x4::Invert(imageToPatient, patientToImage);
    std::vector<BareCamera> bareCameras;
    /// Takes the scene's current plane as the start of the scroll and records the bare program's cameras.
    const auto prepare = [&] {
        step = scene.normalStep();
        startCentre = scene.centre();
        bareCameras.clear();
        toStart();
        for (int i = 0; i <= kSteps; ++i) {
            vtkCamera* c = scene.renderer()->GetActiveCamera();
            BareCamera b;
            b.focal = apply(patientToImage, c->GetFocalPoint(), 1);
            b.position = apply(patientToImage, c->GetPosition(), 1);
            b.up = apply(patientToImage, c->GetViewUp(), 0);
            bareCameras.push_back(b);
            dokueiStep(i);
        }
        bareCamera->SetParallelScale(scene.renderer()->GetActiveCamera()->GetParallelScale());
    };
    prepare();
    const auto bareAt = [&](int i) {
        const BareCamera& b = bareCameras[std::size_t(i)];
        bareCamera->SetFocalPoint(b.focal.data());
        bareCamera->SetPosition(b.position.data());
        bareCamera->SetViewUp(b.up.data());
        renderer->ResetCameraClippingRange();
    };

    /// One pass of kSteps frames; appends each frame's time (ms) when `out` is given.
    const auto pass = [&](bool dokuei, std::vector<double>* out) {
        if (dokuei) {
            toStart();
        } else {
            bareAt(0);
        }
        vtkRenderWindow* w = dokuei ? dokueiWindow.Get() : bareWindow.Get();
        w->Render();
        w->WaitForCompletion();
        for (int i = 1; i <= kSteps; ++i) {
            const auto t0 = Clock::now();
            if (dokuei) {
                dokueiStep(i);
            } else {
                bareAt(i);
            }
            w->Render();
            w->WaitForCompletion();
            const auto t1 = Clock::now();
            if (out) {
                out->push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
            }
        }
    };

    /// Sanity check that both programs draw the same picture (up to a mirror: the bare program's image space
    /// may be reflected against patient space): lit pixels and mean grey of the middle frame, to stderr.
    const auto compareMiddleFrame = [&](const char* what) {
        const auto stats = [&](vtkRenderWindow* w) {
            w->Render();
            vtkNew<vtkUnsignedCharArray> rgba;
            w->GetRGBACharPixelData(0, 0, kWindowSize - 1, kWindowSize - 1, 1, rgba);
            long lit = 0;
            double sum = 0;
            for (vtkIdType i = 0; i < vtkIdType(kWindowSize) * kWindowSize; ++i) {
                const int r = rgba->GetValue(i * 4);
                lit += r > 0 ? 1 : 0;
                sum += r;
            }
            return std::array<double, 2>{double(lit), sum / (double(kWindowSize) * kWindowSize)};
        };
        toStart();
        for (int i = 1; i <= kSteps / 2; ++i) {
            dokueiStep(i);
        }
        bareAt(kSteps / 2);
        const auto ours = stats(dokueiWindow);
        const auto bare = stats(bareWindow);
        std::fprintf(stderr,
                     "[mpr] %s, middle frame: dokuei %.0f lit pixels, mean grey %.2f; bare %.0f, %.2f\n",
                     what, ours[0], ours[1], bare[0], bare[1]);
    };

    const auto measure = [&](const char* p95Name, const char* medianName, const char* what) {
        pass(false, nullptr); // warm-up: shaders, textures
        pass(true, nullptr);
        std::vector<double> bare;
        std::vector<double> ours;
        for (int round = 0; round < kRounds; ++round) {
            pass(false, &bare);
            pass(true, &ours);
        }
        const double oursP95 = bench::quantile(ours, 0.95);
        const double bareP95 = bench::quantile(bare, 0.95);
        const double oursMedian = bench::quantile(ours, 0.5);
        const double bareMedian = bench::quantile(bare, 0.5);
        compareMiddleFrame(what);
        printLine(p95Name, oursP95, bareP95, ours.size(), what);
        printLine(medianName, oursMedian, bareMedian, ours.size(), what);
        std::fflush(stdout);
        std::fprintf(
            stderr,
            "[mpr] %s: dokuei p95 %.2f ms median %.2f ms; bare VTK p95 %.2f ms median %.2f ms (%d rounds)\n",
            what, oursP95, oursMedian, bareP95, bareMedian, kRounds);
    };

    measure("mpr_oblique_p95", "mpr_oblique_median", "oblique 30+30 deg, thin");
    scene.setSlab(SlabMode::Max, kSlabMm);
    mapper->SetSlabThickness(kSlabMm);
    mapper->SetSlabTypeToMax();
    measure("mpr_slab_mip_p95", "mpr_slab_mip_median", "oblique 30+30 deg, 10 mm MIP slab");

    // For reference: a thin AXIAL plane, where PlaneScene gives up VTK's axis-aligned reslice fast path
    // (it misplaces slab samples; see PlaneScene.cpp) and the bare program keeps it.
    scene.setSlab(SlabMode::None, 0);
    mapper->SetSlabThickness(0);
    scene.setPlane(dokuei::viewer::standardViewAxes(dokuei::viewer::ViewPlane::Axial), volumeCentre);
    prepare();
    measure("mpr_axial_p95", "mpr_axial_median", "axial, thin (reference)");

    scene.clear(); // before the volume is wiped
    volume->wipe();
    return 0;
}
