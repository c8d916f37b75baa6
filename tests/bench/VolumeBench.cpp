// dokuei-bench-volume: 3D volume rendering of a 512 x 512 x 300 phantom chest CT at 512 x 512, off-screen, by
// dokuei's VolumeScene (the secure volume wrapped without a copy, the mapper VolumeMapperPolicy picks for
// this OpenGL renderer: CPU ray casting on llvmpipe) against bare VTK programs in the same process and
// display: a plain vtkImageData copy of the voxels with vtkFixedPointVolumeRayCastMapper, and with
// vtkOpenGLGPUVolumeRayCastMapper (same transfer function and property object, same voxel-to-patient user
// matrix, same camera path, same sample distances, sample distances never adapted to the frame rate).
//
// Both bare mappers are probed first (a few frames at each quality); the faster one at each quality is the
// peer. Then ours and the peer render alternately, frame by frame (so other load on the machine hits both
// alike): 20 frames of a camera rotating 6 degrees per frame (azimuth) at the interactive quality, and 20
// at still quality. Every frame is Render() + WaitForCompletion (glFinish). Prints JSON lines:
//   vr_interactive_frame_median, vr_interactive_frame_p95  (ms; peer: the fastest bare mapper; limit 1.2)
//   vr_still_frame_median                                 (ms; peer: the fastest bare mapper; limit 1.2)
//   vr_first_frame (ms; the first still frame after the volume is shown, against the bare mapper of the same
//                   kind; a record, no limit)
// Needs an X display (scripts/bench runs it under xvfb-run when DISPLAY is unset). DOKUEI_VOLUME_MAPPER
// (gpu/cpu) overrides the policy, as in the app.
#include "BenchSupport.h"
#include "dokuei/viewer/core/Volume.h"
#include "dokuei/viewer/render/VolumeMapperPolicy.h"
#include "dokuei/viewer/render/VolumeScene.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include <vtkCamera.h>
#include <vtkFixedPointVolumeRayCastMapper.h>
#include <vtkImageData.h>
#include <vtkMatrix4x4.h>
#include <vtkNew.h>
#include <vtkOpenGLGPUVolumeRayCastMapper.h>
#include <vtkOpenGLRenderWindow.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkSmartPointer.h>
#include <vtkVolume.h>
#include <vtkVolumeProperty.h>

namespace {

using Clock = std::chrono::steady_clock;
using dokuei::viewer::Volume;
namespace bench = dokuei::bench;
using dokuei::viewer::VolumeMapperKind;
using dokuei::viewer::VolumeScene;

constexpr int kSize = 512;
constexpr int kSlices = 300;
constexpr int kWindowSize = 512;
constexpr int kFrames = 20;
constexpr int kProbeFrames = 3;
constexpr double kDegreesPerFrame = 6.0;

/// The X connection of the first window, once it rendered: every later window shares it (as the render
/// tests do: new connections from one process failed now and then under Xvfb).
void* g_display = nullptr;

vtkSmartPointer<vtkRenderWindow> makeWindow(vtkRenderer* renderer)
{
    return bench::makeOffscreenWindow(kWindowSize, renderer, g_display);
}

/// GL_RENDERER of a window that has rendered, from VTK's capability report.
std::string glRenderer(vtkRenderWindow* window)
{
    const char* report = window->ReportCapabilities();
    const std::string text = report ? report : "";
    const std::string key = "OpenGL renderer string:";
    const auto at = text.find(key);
    if (at == std::string::npos) {
        return {};
    }
    auto begin = text.find_first_not_of(' ', at + key.size());
    const auto end = text.find('\n', begin);
    return text.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
}

/// One pipeline being timed: its window, its camera, how to set its quality.
struct Pipeline
{
    std::string name;
    vtkRenderer* renderer = nullptr;
    vtkSmartPointer<vtkRenderWindow> window;
    std::function<void(bool interacting)> setQuality;

    /// Back to the start of the camera path.
    void startPath(vtkCamera* start)
    {
        renderer->GetActiveCamera()->DeepCopy(start);
        renderer->ResetCameraClippingRange();
    }

    /// The next frame of the path: rotate, render, wait for the GL to finish. Returns ms.
    double frame()
    {
        const auto t0 = Clock::now();
        renderer->GetActiveCamera()->Azimuth(kDegreesPerFrame);
        renderer->ResetCameraClippingRange();
        window->Render();
        window->WaitForCompletion();
        return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    }
};

/// A bare VTK volume pipeline on a plain image: mapper, prop (the scene's property and user matrix),
/// renderer.
struct Bare
{
    vtkNew<vtkRenderer> renderer;
    vtkNew<vtkVolume> prop;
    vtkSmartPointer<vtkVolumeMapper> mapper;
    Pipeline pipeline;

    Bare(const char* name, vtkSmartPointer<vtkVolumeMapper> m, vtkImageData* image, VolumeScene& scene)
        : mapper(std::move(m))
    {
        mapper->SetInputData(image);
        prop->SetMapper(mapper);
        prop->SetProperty(scene.volumeProperty());
        vtkNew<vtkMatrix4x4> matrix;
        matrix->DeepCopy(scene.volumeProp()->GetUserMatrix());
        prop->SetUserMatrix(matrix);
        renderer->AddVolume(prop);
        renderer->SetBackground(scene.renderer()->GetBackground());
        pipeline.name = name;
        pipeline.renderer = renderer;
        pipeline.window = makeWindow(renderer);
        // The same numbers as dokuei's mapper at each quality, read from it after it switched.
        pipeline.setQuality = [this, &scene](bool interacting) {
            scene.setInteracting(interacting);
            float sample = 0;
            float imageSample = 0;
            if (auto* cpu = vtkFixedPointVolumeRayCastMapper::SafeDownCast(scene.mapper())) {
                sample = cpu->GetSampleDistance();
                imageSample = cpu->GetImageSampleDistance();
            } else if (auto* gpu = vtkGPUVolumeRayCastMapper::SafeDownCast(scene.mapper())) {
                sample = gpu->GetSampleDistance();
                imageSample = gpu->GetImageSampleDistance();
            }
            if (auto* cpu = vtkFixedPointVolumeRayCastMapper::SafeDownCast(mapper)) {
                cpu->SetAutoAdjustSampleDistances(0);
                cpu->SetLockSampleDistanceToInputSpacing(0);
                cpu->SetSampleDistance(sample);
                cpu->SetInteractiveSampleDistance(sample);
                cpu->SetImageSampleDistance(imageSample);
            } else if (auto* gpu = vtkGPUVolumeRayCastMapper::SafeDownCast(mapper)) {
                gpu->SetAutoAdjustSampleDistances(0);
                gpu->SetLockSampleDistanceToInputSpacing(0);
                gpu->SetSampleDistance(sample);
                gpu->SetImageSampleDistance(imageSample);
            }
        };
    }
};

struct Figures
{
    std::vector<double> ours;
    std::vector<double> peer;
};

/// Ours and the peer alternately, frame by frame, along the same path from `start`.
Figures alternate(Pipeline& ours, Pipeline& peer, vtkCamera* start, bool interacting, int frames)
{
    ours.setQuality(interacting);
    peer.setQuality(interacting);
    ours.startPath(start);
    peer.startPath(start);
    Figures f;
    for (int i = 0; i < frames; ++i) {
        f.peer.push_back(peer.frame());
        f.ours.push_back(ours.frame());
    }
    return f;
}

void printLine(const char* name, double value, const Pipeline& peer, double peerValue,
               const std::string& other, double otherValue, const std::string& mapper, const std::string& gl,
               bool interacting, float sampleDistance, float imageSampleDistance)
{
    bench::printPeerLine(
        name, value, "bare VTK " + peer.name, peerValue,
        bench::format("\"limit\":1.2,\"frames\":%d,\"quality\":\"%s\",\"sample_distance_mm\":%.3f,"
                      "\"image_sample_distance\":%.1f,\"dokuei_mapper\":\"%s\",\"other_bare\":\"%s\","
                      "\"other_bare_probe_median\":%.3f,\"gl_renderer\":\"%s\",\"matrix\":\"%dx%dx%d\","
                      "\"window\":\"%dx%d\",\"preset\":\"Bone\",\"degrees_per_frame\":%.0f",
                      kFrames, interacting ? "interacting" : "still", double(sampleDistance),
                      double(imageSampleDistance), mapper.c_str(), other.c_str(), otherValue, gl.c_str(),
                      kSize, kSize, kSlices, kWindowSize, kWindowSize, kDegreesPerFrame));
}

} // namespace

int main()
{
    const auto start = Clock::now();
    const auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
    std::unique_ptr<Volume> volume = bench::makePhantomVolume(bench::chestSpec(kSize, kSlices), "volume");
    if (!volume) {
        return 1;
    }
    std::fprintf(stderr, "[volume] phantom volume %dx%dx%d ready at %.1f s\n", kSize, kSize, kSlices,
                 elapsed());

    // dokuei: VolumeScene on the secure volume, mapper as the policy says for this GL renderer.
    VolumeScene scene(VolumeMapperKind::CpuRayCast);
    Pipeline ours{"dokuei VolumeScene", scene.renderer(), makeWindow(scene.renderer()),
                  [&](bool interacting) { scene.setInteracting(interacting); }};
    ours.window->Render(); // a GL context, so that the renderer string is known
    g_display = ours.window->GetGenericDisplayId();
    const std::string gl = glRenderer(ours.window);
    const char* requested = std::getenv("DOKUEI_VOLUME_MAPPER");
    scene.setMapperKind(dokuei::viewer::chooseVolumeMapper(gl, requested ? requested : ""));
    const std::string mapperName = dokuei::viewer::volumeMapperName(scene.mapperKind());
    if (!scene.setVolume(*volume)) {
        std::fprintf(stderr, "[volume] VolumeScene refused the volume\n");
        return 1;
    }
    scene.setPreset(dokuei::viewer::VolumePreset::Bone);
    vtkNew<vtkCamera> path;
    path->DeepCopy(scene.renderer()->GetActiveCamera());
    std::fprintf(stderr, "[volume] GL renderer \"%s\": dokuei uses %s\n", gl.c_str(), mapperName.c_str());

    // Bare VTK: its own copy of the voxels in a plain image, both mappers.
    const vtkSmartPointer<vtkImageData> image = bench::copyVoxels(*volume);
    Bare cpu("vtkFixedPointVolumeRayCastMapper", vtkSmartPointer<vtkFixedPointVolumeRayCastMapper>::New(),
             image, scene);
    Bare gpu("vtkOpenGLGPUVolumeRayCastMapper", vtkSmartPointer<vtkOpenGLGPUVolumeRayCastMapper>::New(),
             image, scene);

    // Warm-up: shaders, textures, gradient tables, space-leaping tables (one still frame each). Ours and
    // the bare mapper of the same kind do the same work here: the first frame after a volume is shown.
    // The mapper dokuei does not use warms up at interactive quality: the GPU mapper's first still frame on
    // llvmpipe takes about 10 s, and the probe below would stop after one such frame anyway.
    double firstFrameMs[3] = {};
    int slot = 0;
    const Pipeline* unused =
        scene.mapperKind() == VolumeMapperKind::GpuRayCast ? &cpu.pipeline : &gpu.pipeline;
    for (Pipeline* p : {&ours, &cpu.pipeline, &gpu.pipeline}) {
        p->setQuality(p == unused);
        p->startPath(path);
        firstFrameMs[slot++] = p->frame();
        std::fprintf(stderr, "[volume] first frame %s (%s): %.0f ms (at %.1f s)\n", p->name.c_str(),
                     p == unused ? "interacting" : "still", firstFrameMs[slot - 1], elapsed());
    }

    // Probe both bare mappers at both qualities; the faster at each quality is the peer. A mapper whose frame
    // already takes more than 3x the other's probe median cannot be the faster: its probe stops there (the
    // GPU mapper on llvmpipe takes seconds per still frame, and the bench must stay within about a minute).
    const auto probe = [&](Pipeline& p, bool interacting, double stopAboveMs, std::size_t& frames) {
        p.setQuality(interacting);
        p.startPath(path);
        std::vector<double> t;
        for (int i = 0; i < kProbeFrames; ++i) {
            t.push_back(p.frame());
            if (t.back() > stopAboveMs) {
                break;
            }
        }
        frames = t.size();
        return bench::quantile(t, 0.5);
    };
    double probeMs[2][2] = {}; // [cpu, gpu][still, interacting]
    for (int q = 0; q < 2; ++q) {
        std::size_t cpuFrames = 0;
        std::size_t gpuFrames = 0;
        probeMs[0][q] = probe(cpu.pipeline, q == 1, 1e300, cpuFrames);
        probeMs[1][q] = probe(gpu.pipeline, q == 1, 3.0 * probeMs[0][q], gpuFrames);
        std::fprintf(
            stderr,
            "[volume] probe %s: bare CPU %.1f ms (median of %zu), bare GPU %.1f ms (median of %zu; at "
            "%.1f s)\n",
            q == 1 ? "interacting" : "still", probeMs[0][q], cpuFrames, probeMs[1][q], gpuFrames, elapsed());
    }

    float sampleDistance[2] = {};
    float imageSampleDistance[2] = {};
    for (int q = 0; q < 2; ++q) {
        scene.setInteracting(q == 1);
        if (auto* m = vtkFixedPointVolumeRayCastMapper::SafeDownCast(scene.mapper())) {
            sampleDistance[q] = m->GetSampleDistance();
            imageSampleDistance[q] = m->GetImageSampleDistance();
        } else if (auto* g = vtkGPUVolumeRayCastMapper::SafeDownCast(scene.mapper())) {
            sampleDistance[q] = g->GetSampleDistance();
            imageSampleDistance[q] = g->GetImageSampleDistance();
        }
    }

    Figures figures[2];
    int peerIndex[2] = {};
    for (int q = 1; q >= 0; --q) {
        peerIndex[q] = probeMs[1][q] < probeMs[0][q] ? 1 : 0;
        Pipeline& peer = peerIndex[q] == 1 ? gpu.pipeline : cpu.pipeline;
        figures[q] = alternate(ours, peer, path, q == 1, kFrames);
        std::fprintf(
            stderr,
            "[volume] %s: dokuei median %.1f ms p95 %.1f ms; %s median %.1f ms p95 %.1f ms (at %.1f s)\n",
            q == 1 ? "interacting" : "still", bench::quantile(figures[q].ours, 0.5),
            bench::quantile(figures[q].ours, 0.95), peer.name.c_str(), bench::quantile(figures[q].peer, 0.5),
            bench::quantile(figures[q].peer, 0.95), elapsed());
    }

    const auto line = [&](const char* name, int q, double quant) {
        const Pipeline& peer = peerIndex[q] == 1 ? gpu.pipeline : cpu.pipeline;
        const Pipeline& other = peerIndex[q] == 1 ? cpu.pipeline : gpu.pipeline;
        printLine(name, bench::quantile(figures[q].ours, quant), peer,
                  bench::quantile(figures[q].peer, quant), other.name, probeMs[1 - peerIndex[q]][q],
                  mapperName, gl, q == 1, sampleDistance[q], imageSampleDistance[q]);
    };
    line("vr_interactive_frame_median", 1, 0.5);
    line("vr_interactive_frame_p95", 1, 0.95);
    line("vr_still_frame_median", 0, 0.5);
    // Not a goal, a record: the first still frame after a volume is shown (gradient and min/max tables of the
    // CPU mapper, texture upload of the GPU mapper), against the bare mapper of the same kind.
    const int same = scene.mapperKind() == VolumeMapperKind::GpuRayCast ? 2 : 1;
    std::printf("{\"name\":\"vr_first_frame\",\"value\":%.1f,\"unit\":\"ms\",\"peer\":\"bare VTK %s\","
                "\"peer_value\":%.1f,\"ratio\":%.3f,\"dokuei_mapper\":\"%s\",\"preset\":\"Bone\","
                "\"matrix\":\"%dx%dx%d\",\"window\":\"%dx%d\"}\n",
                firstFrameMs[0], same == 2 ? gpu.pipeline.name.c_str() : cpu.pipeline.name.c_str(),
                firstFrameMs[same], firstFrameMs[0] / firstFrameMs[same], mapperName.c_str(), kSize, kSize,
                kSlices, kWindowSize, kWindowSize);
    std::fflush(stdout);

    scene.clear(); // before the volume is wiped
    volume->wipe();
    std::fprintf(stderr, "[volume] done in %.1f s\n", elapsed());
    return 0;
}
