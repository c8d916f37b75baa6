// VolumeScene rendered off-screen from phantom volumes assembled by the product's VolumeAssembler: where the
// orientation marker lands on screen (never a left/right swap, whatever the patient position or obliquity,
// with both mappers), what the presets draw, cropping, quality switching, zero copy and clear().
#include "dokuei/viewer/render/VolumeScene.h"

#include "ReadingTestSupport.h"
#include "RenderTestSupport.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>
#include <vtkCamera.h>
#include <vtkFixedPointVolumeRayCastMapper.h>
#include <vtkGPUVolumeRayCastMapper.h>
#include <vtkImageData.h>
#include <vtkMatrix4x4.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkSmartPointer.h>
#include <vtkUnsignedCharArray.h>
#include <vtkVolume.h>
#include <vtkVolumeMapper.h>
#include <vtkWeakPointer.h>

namespace dokuei::viewer {

// Readable parameters in test names and failure messages.
void PrintTo(VolumeMapperKind kind, std::ostream* os)
{
    *os << (kind == VolumeMapperKind::GpuRayCast ? "GPU" : "CPU");
}

} // namespace dokuei::viewer

namespace {

using dokuei::phantom::PatientPosition;
using dokuei::viewer::Vec3;
using dokuei::viewer::Volume;
using dokuei::viewer::VolumeMapperKind;
using dokuei::viewer::VolumePreset;
using dokuei::viewer::VolumeScene;
using dokuei::viewer::test::loadPhantom;
using dokuei::viewer::test::PhantomVolume;
using dokuei::viewer::test::truthObject;

constexpr int kSize = 256;

/// The grey the MIP preset gives a HU value (its ramp: -200 black .. 1500 white).
double mipGrey(double hu)
{
    return std::clamp((hu + 200.0) / 1700.0, 0.0, 1.0) * 255.0;
}

/// An off-screen window around a scene. Pixels are addressed in VTK display coordinates (x right, y UP,
/// origin bottom-left), as WorldToDisplay gives them.
struct Offscreen : dokuei::viewer::test::OffscreenWindow
{
    std::vector<std::array<int, 3>> rgb;

    explicit Offscreen(VolumeScene& scene) : OffscreenWindow(scene.renderer(), kSize) {}

    void render()
    {
        const vtkSmartPointer<vtkUnsignedCharArray> rgba = OffscreenWindow::rgba();
        rgb.assign(std::size_t(kSize) * kSize, {});
        for (vtkIdType i = 0; i < vtkIdType(rgb.size()); ++i) {
            rgb[std::size_t(i)] = {rgba->GetValue(i * 4), rgba->GetValue(i * 4 + 1),
                                   rgba->GetValue(i * 4 + 2)};
        }
    }

    const std::array<int, 3>& at(int x, int y) const { return rgb[std::size_t(y) * kSize + std::size_t(x)]; }

    /// Mean red over the 3 x 3 pixels around display point (x, y).
    double redAround(double x, double y) const
    {
        const int cx = int(std::floor(x));
        const int cy = int(std::floor(y));
        double sum = 0;
        int n = 0;
        for (int yy = cy - 1; yy <= cy + 1; ++yy) {
            for (int xx = cx - 1; xx <= cx + 1; ++xx) {
                if (xx >= 0 && yy >= 0 && xx < kSize && yy < kSize) {
                    sum += at(xx, yy)[0];
                    ++n;
                }
            }
        }
        return n > 0 ? sum / n : 0.0;
    }
};

/// Display position (x right, y up) of a world (patient LPS) point through the scene's camera.
std::array<double, 2> project(VolumeScene& scene, const Vec3& world)
{
    double p[4] = {world[0], world[1], world[2], 1.0};
    scene.renderer()->SetWorldPoint(p);
    scene.renderer()->WorldToDisplay();
    const double* d = scene.renderer()->GetDisplayPoint();
    return {d[0], d[1]};
}

std::array<int, 3> background(VolumeScene& scene)
{
    const double* bg = scene.renderer()->GetBackground();
    return {int(std::lround(bg[0] * 255.0)), int(std::lround(bg[1] * 255.0)),
            int(std::lround(bg[2] * 255.0))};
}

bool differs(const std::array<int, 3>& a, const std::array<int, 3>& b, int tolerance)
{
    return std::abs(a[0] - b[0]) > tolerance || std::abs(a[1] - b[1]) > tolerance ||
           std::abs(a[2] - b[2]) > tolerance;
}

int pixelsUnlike(const Offscreen& screen, const std::array<int, 3>& colour, int tolerance)
{
    int n = 0;
    for (const auto& p : screen.rgb) {
        n += differs(p, colour, tolerance) ? 1 : 0;
    }
    return n;
}

/// Voxel (column, row, slice) of a patient point through the volume's geometry (the inverse of the scene's
/// user matrix), to check that the truth is inside the volume at all.
Vec3 patientToVoxel(const Volume& v, const Vec3& p)
{
    const auto& g = v.geometry();
    vtkNew<vtkMatrix4x4> m;
    for (int r = 0; r < 3; ++r) {
        const auto i = std::size_t(r);
        m->SetElement(r, 0, g.rowDirection[i] * g.columnSpacing);
        m->SetElement(r, 1, g.columnDirection[i] * g.rowSpacing);
        m->SetElement(r, 2, g.sliceStep[i]);
        m->SetElement(r, 3, g.origin[i]);
    }
    m->Invert();
    const double in[4] = {p[0], p[1], p[2], 1.0};
    double out[4];
    m->MultiplyPoint(in, out);
    return {out[0], out[1], out[2]};
}

/// An acquisition: a patient position, optionally oblique (image planes rotated 30 degrees about a patient
/// axis: 'x' (L, a tilted plane; the row direction stays L) or 'y' (P: rows and slices both mix left/right
/// with head/feet, the harshest for a swap)).
struct Acquisition
{
    PatientPosition position = PatientPosition::HFS;
    double oblique = 0;
    char axis = 'x';

    std::string name() const
    {
        return std::string(dokuei::phantom::toString(position)) +
               (oblique != 0 ? std::string("_oblique30") + axis : std::string());
    }
};

void PrintTo(const Acquisition& a, std::ostream* os)
{
    *os << a.name();
}

constexpr Acquisition kObliqueX{PatientPosition::HFS, 30.0, 'x'};
constexpr Acquisition kObliqueY{PatientPosition::HFS, 30.0, 'y'};

/// Phantom volumes are generated once per acquisition and shared by the tests (deleted at exit).
const PhantomVolume* phantomFor(const Acquisition& acquisition)
{
    static std::map<std::string, std::unique_ptr<PhantomVolume>> cache;
    auto& slot = cache[acquisition.name()];
    if (!slot) {
        auto spec = dokuei::viewer::test::tinySpec();
        spec.position = acquisition.position;
        if (acquisition.oblique != 0) {
            // A thicker slab (64 x 5 mm): the 16 slices of the tiny phantom, rotated, would cut the marker.
            spec.slices = 64;
            spec.obliqueAngle = acquisition.oblique;
            spec.obliqueAxis =
                acquisition.axis == 'x' ? std::array{1.0, 0.0, 0.0} : std::array{0.0, 1.0, 0.0};
        }
        slot = loadPhantom(spec);
    }
    return slot.get();
}

struct MarkerSight
{
    std::array<double, 2> marker{};   // display position of the marker's centre
    std::array<double, 2> mirrored{}; // of its mirror image across the patient's midline (x -> -x)
    double markerRed = 0;
    double mirroredRed = 0;
};

/// Renders the MIP with the camera reset and reads the screen where the marker's truth centre projects and
/// where its left/right mirror image would.
MarkerSight lookAtMarker(const PhantomVolume& loaded, VolumeMapperKind kind)
{
    VolumeScene scene(kind);
    Offscreen screen(scene);
    EXPECT_TRUE(scene.setVolume(loaded.volume()));
    scene.setPreset(VolumePreset::Mip);
    scene.resetCamera();
    screen.render();
    const auto& rod = truthObject(*loaded.model, "marker-rod");
    MarkerSight s;
    s.marker = project(scene, rod.centre);
    s.mirrored = project(scene, {-rod.centre[0], rod.centre[1], rod.centre[2]});
    s.markerRed = screen.redAround(s.marker[0], s.marker[1]);
    s.mirroredRed = screen.redAround(s.mirrored[0], s.mirrored[1]);
    return s;
}

class VolumeSceneOrientation : public testing::TestWithParam<std::tuple<Acquisition, VolumeMapperKind>>
{
};

/// The marker (patient LEFT, anterior, head half; HU 1000, noise-free) seen from the front with the head up
/// must be on the screen's right and upper half, bright (MIP grey of 1000 HU) where its truth centre
/// projects, and brighter there than at its mirror image across the patient's midline (which a left/right
/// swap would make the bright one). The rod lies in front of nothing brighter along the view (ribs are
/// 800 HU, the 3000 HU clip is lower and nearer the midline).
TEST_P(VolumeSceneOrientation, MarkerOnScreenRightAndUp)
{
    const auto [acquisition, kind] = GetParam();
    const PhantomVolume* loaded = phantomFor(acquisition);
    ASSERT_TRUE(loaded);
    const Volume& v = loaded->volume();
    const auto& rod = truthObject(*loaded->model, "marker-rod");
    ASSERT_EQ(rod.hu, 1000);
    const Vec3 voxel = patientToVoxel(v, rod.centre);
    ASSERT_TRUE(voxel[0] > 1 && voxel[0] < v.columns() - 2 && voxel[1] > 1 && voxel[1] < v.rows() - 2 &&
                voxel[2] >= 0 && voxel[2] <= v.slices() - 1)
        << "marker centre outside the volume: voxel " << voxel[0] << ", " << voxel[1] << ", " << voxel[2];

    const MarkerSight s = lookAtMarker(*loaded, kind);
    EXPECT_GT(s.marker[0], kSize / 2.0 + 10) << "marker not on the screen's right half";
    EXPECT_GT(s.marker[1], kSize / 2.0 + 5) << "marker not on the screen's upper half";
    EXPECT_GT(s.markerRed, mipGrey(1000) - 25) << "marker not bright where its centre projects";
    EXPECT_GT(s.markerRed, s.mirroredRed + 15) << "mirror image (patient right) as bright as the marker";
    RecordProperty("marker_red", std::to_string(s.markerRed));
    RecordProperty("mirrored_red", std::to_string(s.mirroredRed));
}

INSTANTIATE_TEST_SUITE_P(
    Acquisitions, VolumeSceneOrientation,
    testing::Combine(testing::Values(Acquisition{PatientPosition::HFS}, Acquisition{PatientPosition::FFS},
                                     Acquisition{PatientPosition::HFP}, Acquisition{PatientPosition::FFP},
                                     kObliqueX, kObliqueY),
                     testing::Values(VolumeMapperKind::CpuRayCast, VolumeMapperKind::GpuRayCast)),
    [](const auto& param) {
        return std::get<0>(param.param).name() +
               (std::get<1>(param.param) == VolumeMapperKind::GpuRayCast ? "_gpu" : "_cpu");
    });

/// Both mappers put the marker at the same place with nearly the same grey (the user matrix honoured the
/// same way): FFP flips all three axes of the stored grid, the oblique one rotates it.
TEST(VolumeScene, GpuAndCpuAgreeOnTheMarker)
{
    for (const Acquisition a : {Acquisition{PatientPosition::FFP}, kObliqueY}) {
        const PhantomVolume* loaded = phantomFor(a);
        ASSERT_TRUE(loaded);
        const MarkerSight cpu = lookAtMarker(*loaded, VolumeMapperKind::CpuRayCast);
        const MarkerSight gpu = lookAtMarker(*loaded, VolumeMapperKind::GpuRayCast);
        EXPECT_NEAR(cpu.marker[0], gpu.marker[0], 1e-6) << a.name();
        EXPECT_NEAR(cpu.marker[1], gpu.marker[1], 1e-6) << a.name();
        EXPECT_NEAR(cpu.markerRed, gpu.markerRed, 25) << a.name();
        EXPECT_GT(gpu.markerRed, gpu.mirroredRed + 15) << a.name();
    }
}

class VolumeSceneHfs : public testing::Test
{
protected:
    void SetUp() override
    {
        loaded = phantomFor({PatientPosition::HFS});
        ASSERT_TRUE(loaded);
    }
    const PhantomVolume* loaded = nullptr;
};

/// Each preset draws the phantom (not just background) and draws it differently from every other preset.
TEST_F(VolumeSceneHfs, PresetsDrawDifferentImages)
{
    VolumeScene scene;
    Offscreen screen(scene);
    ASSERT_TRUE(scene.setVolume(loaded->volume()));
    const auto bg = background(scene);
    const std::array presets = {VolumePreset::Bone, VolumePreset::SoftTissue, VolumePreset::Lung,
                                VolumePreset::Vessels, VolumePreset::Mip};
    std::vector<std::vector<std::array<int, 3>>> images;
    for (const VolumePreset p : presets) {
        scene.setPreset(p);
        EXPECT_EQ(scene.preset(), p);
        screen.render();
        const int drawn = pixelsUnlike(screen, bg, 24);
        EXPECT_GT(drawn, kSize * kSize / 50)
            << dokuei::viewer::volumePresetName(p) << " draws (almost) nothing";
        images.push_back(screen.rgb);
    }
    for (std::size_t a = 0; a < images.size(); ++a) {
        for (std::size_t b = a + 1; b < images.size(); ++b) {
            int different = 0;
            for (std::size_t i = 0; i < images[a].size(); ++i) {
                different += differs(images[a][i], images[b][i], 24) ? 1 : 0;
            }
            EXPECT_GT(different, kSize * kSize / 100)
                << dokuei::viewer::volumePresetName(presets[a]) << " and "
                << dokuei::viewer::volumePresetName(presets[b]) << " look the same";
        }
    }
}

/// MIP: the brightest pixels are where the noise-free 3000 HU metal clip projects, and they are white.
TEST_F(VolumeSceneHfs, MipBrightestWhereTheMetalClipProjects)
{
    VolumeScene scene;
    Offscreen screen(scene);
    ASSERT_TRUE(scene.setVolume(loaded->volume()));
    scene.setPreset(VolumePreset::Mip);
    screen.render();
    int brightest = 0;
    for (const auto& p : screen.rgb) {
        brightest = std::max(brightest, p[0]);
    }
    EXPECT_GE(brightest, 250);
    double sx = 0;
    double sy = 0;
    int n = 0;
    for (int y = 0; y < kSize; ++y) {
        for (int x = 0; x < kSize; ++x) {
            if (screen.at(x, y)[0] >= brightest - 2) {
                sx += x + 0.5;
                sy += y + 0.5;
                ++n;
            }
        }
    }
    ASSERT_GT(n, 0);
    const auto& clip = truthObject(*loaded->model, "metal-clip");
    ASSERT_EQ(clip.hu, 3000);
    const auto want = project(scene, clip.centre);
    EXPECT_NEAR(sx / n, want[0], 2.5) << n << " brightest pixels";
    EXPECT_NEAR(sy / n, want[1], 2.5) << n << " brightest pixels";
    // A grey MIP: no colour anywhere.
    for (const auto& p : screen.rgb) {
        if (p[0] > 40) {
            ASSERT_LE(std::abs(p[0] - p[1]) + std::abs(p[0] - p[2]), 3);
        }
    }
}

class VolumeSceneCrop : public testing::TestWithParam<std::tuple<Acquisition, VolumeMapperKind>>
{
};

/// Cropping away the patient's left half (x > 0) removes the marker and keeps the right half; the box is
/// clipped to the volume; resetCropBox brings the marker back. With the oblique volume the clipping planes
/// must follow the patient axes, not the voxel grid.
TEST_P(VolumeSceneCrop, CroppingTheLeftHalfRemovesTheMarker)
{
    const auto [acquisition, kind] = GetParam();
    const PhantomVolume* loaded = phantomFor(acquisition);
    ASSERT_TRUE(loaded);
    VolumeScene scene(kind);
    Offscreen screen(scene);
    ASSERT_TRUE(scene.setVolume(loaded->volume()));
    scene.setPreset(VolumePreset::Mip);
    const auto vb = scene.volumeBounds();
    EXPECT_EQ(scene.cropBox(), vb);
    EXPECT_LT(vb[0], 0.0);
    EXPECT_GT(vb[1], 0.0);
    const auto& rod = truthObject(*loaded->model, "marker-rod");
    const auto marker = project(scene, rod.centre);
    const auto patientRight = project(scene, {-rod.centre[0], rod.centre[1], rod.centre[2] - 20.0});
    screen.render();
    EXPECT_GT(screen.redAround(marker[0], marker[1]), mipGrey(1000) - 25);
    const double rightBefore = screen.redAround(patientRight[0], patientRight[1]);

    scene.setCropBox({-1e4, 0.0, -1e4, 1e4, -1e4, 1e4});
    const auto box = scene.cropBox();
    EXPECT_EQ(box[0], vb[0]);
    EXPECT_EQ(box[1], 0.0);
    for (std::size_t i = 2; i < 6; ++i) {
        EXPECT_EQ(box[i], vb[i]) << i;
    }
    screen.render();
    EXPECT_LT(screen.redAround(marker[0], marker[1]), 30) << "the marker survived the crop";
    EXPECT_NEAR(screen.redAround(patientRight[0], patientRight[1]), rightBefore, 3)
        << "the patient's right half changed";
    // Nothing at all right of the midline on screen (a few pixels of margin for the ramp of the plane).
    const double midline = project(scene, {0.0, rod.centre[1], rod.centre[2]})[0];
    int lit = 0;
    for (int y = 0; y < kSize; ++y) {
        for (int x = int(midline) + 3; x < kSize; ++x) {
            lit += screen.at(x, y)[0] > 30 ? 1 : 0;
        }
    }
    EXPECT_EQ(lit, 0);

    // A mapper switch keeps volume, preset (MIP), crop and camera: the other mapper draws the same halves.
    const VolumeMapperKind other =
        kind == VolumeMapperKind::GpuRayCast ? VolumeMapperKind::CpuRayCast : VolumeMapperKind::GpuRayCast;
    scene.setMapperKind(other);
    EXPECT_EQ(scene.mapperKind(), other);
    EXPECT_EQ(scene.cropBox(), box);
    screen.render();
    EXPECT_LT(screen.redAround(marker[0], marker[1]), 30) << "the crop was lost with the mapper switch";
    EXPECT_NEAR(screen.redAround(patientRight[0], patientRight[1]), rightBefore, 25)
        << "the preset or the volume was lost with the mapper switch";
    scene.setMapperKind(kind);

    scene.resetCropBox();
    EXPECT_EQ(scene.cropBox(), vb);
    screen.render();
    EXPECT_GT(screen.redAround(marker[0], marker[1]), mipGrey(1000) - 25);

    // A box that misses the volume shows nothing.
    scene.setCropBox({vb[1] + 10, vb[1] + 20, vb[2], vb[3], vb[4], vb[5]});
    screen.render();
    EXPECT_EQ(pixelsUnlike(screen, background(scene), 3), 0);
}

INSTANTIATE_TEST_SUITE_P(Acquisitions, VolumeSceneCrop,
                         testing::Combine(testing::Values(Acquisition{PatientPosition::HFS}, kObliqueY),
                                          testing::Values(VolumeMapperKind::CpuRayCast,
                                                          VolumeMapperKind::GpuRayCast)),
                         [](const auto& param) {
                             return std::get<0>(param.param).name() +
                                    (std::get<1>(param.param) == VolumeMapperKind::GpuRayCast ? "_gpu"
                                                                                              : "_cpu");
                         });

/// Interacting coarsens both sampling distances of either mapper; still restores them. Never adaptive.
TEST_F(VolumeSceneHfs, InteractingCoarsensSampling)
{
    for (const VolumeMapperKind kind : {VolumeMapperKind::CpuRayCast, VolumeMapperKind::GpuRayCast}) {
        VolumeScene scene(kind);
        ASSERT_TRUE(scene.setVolume(loaded->volume()));
        const auto distances = [&]() -> std::array<double, 3> {
            if (auto* cpu = vtkFixedPointVolumeRayCastMapper::SafeDownCast(scene.mapper())) {
                return {cpu->GetSampleDistance(), cpu->GetImageSampleDistance(),
                        double(cpu->GetAutoAdjustSampleDistances())};
            }
            auto* gpu = vtkGPUVolumeRayCastMapper::SafeDownCast(scene.mapper());
            EXPECT_NE(gpu, nullptr);
            return {gpu->GetSampleDistance(), gpu->GetImageSampleDistance(),
                    double(gpu->GetAutoAdjustSampleDistances())};
        };
        EXPECT_FALSE(scene.interacting());
        const auto still = distances();
        EXPECT_EQ(still[2], 0.0) << "sample distances must not adapt to the frame rate";
        scene.setInteracting(true);
        EXPECT_TRUE(scene.interacting());
        const auto moving = distances();
        EXPECT_GT(moving[0], still[0] * 1.5);
        EXPECT_GE(moving[1], 2.0);
        EXPECT_EQ(still[1], 1.0);
        EXPECT_EQ(moving[2], 0.0);
        // Survives a mapper switch.
        scene.setMapperKind(kind == VolumeMapperKind::CpuRayCast ? VolumeMapperKind::GpuRayCast
                                                                 : VolumeMapperKind::CpuRayCast);
        scene.setMapperKind(kind);
        EXPECT_EQ(distances(), moving);
        scene.setInteracting(false);
        EXPECT_EQ(distances(), still);

        // A large view casts every third pixel while interacting (the dragged frame's cost stays bounded).
        vtkNew<vtkRenderWindow> window;
        window->SetOffScreenRendering(1);
        window->SetSize(1024, 1024);
        window->AddRenderer(scene.renderer());
        scene.setInteracting(true);
        EXPECT_EQ(distances()[1], 3.0);
        scene.setInteracting(false);
        EXPECT_EQ(distances(), still);
    }
}

/// The image data wraps the volume's own voxels; voxelsChanged() shows an in-place edit; after clear() no
/// VTK object points into the volume, only background is drawn, and a wiped volume is refused.
TEST(VolumeScene, ZeroCopyAndClear)
{
    // Its own phantom: this test writes into and wipes the volume.
    auto loaded = loadPhantom(dokuei::viewer::test::tinySpec());
    ASSERT_TRUE(loaded);
    Volume& v = *loaded->assembler->volume();
    for (const VolumeMapperKind kind : {VolumeMapperKind::CpuRayCast, VolumeMapperKind::GpuRayCast}) {
        VolumeScene scene(kind);
        Offscreen screen(scene);
        EXPECT_FALSE(scene.hasVolume());
        ASSERT_TRUE(scene.setVolume(v));
        EXPECT_TRUE(scene.hasVolume());
        EXPECT_EQ(scene.imageData()->GetScalarPointer(), static_cast<void*>(v.slice(0)));
        EXPECT_EQ(scene.mapper()->GetInput(), scene.imageData());
        scene.setPreset(VolumePreset::Mip);
        screen.render();
        EXPECT_GT(pixelsUnlike(screen, background(scene), 24), kSize * kSize / 50);

        // A 3000 HU block at the centre of the volume shows up where it projects after voxelsChanged().
        const int c0 = v.columns() / 2;
        const int r0 = v.rows() / 2 + 6;
        const int k0 = v.slices() / 2;
        std::vector<std::int16_t> saved;
        for (int k = k0 - 1; k <= k0 + 1; ++k) {
            for (int r = r0 - 1; r <= r0 + 1; ++r) {
                for (int c = c0 - 1; c <= c0 + 1; ++c) {
                    auto& voxel = v.slice(k)[std::size_t(r) * std::size_t(v.columns()) + std::size_t(c)];
                    saved.push_back(voxel);
                    voxel = 3000;
                }
            }
        }
        scene.voxelsChanged();
        const auto& g = v.geometry();
        Vec3 centre{};
        for (std::size_t i = 0; i < 3; ++i) {
            centre[i] = g.origin[i] + c0 * g.columnSpacing * g.rowDirection[i] +
                        r0 * g.rowSpacing * g.columnDirection[i] + k0 * g.sliceStep[i];
        }
        const auto block = project(scene, centre);
        screen.render();
        EXPECT_GE(screen.redAround(block[0], block[1]), 250);
        std::size_t n = 0;
        for (int k = k0 - 1; k <= k0 + 1; ++k) {
            for (int r = r0 - 1; r <= r0 + 1; ++r) {
                for (int c = c0 - 1; c <= c0 + 1; ++c) {
                    v.slice(k)[std::size_t(r) * std::size_t(v.columns()) + std::size_t(c)] = saved[n++];
                }
            }
        }
        scene.voxelsChanged();
        screen.render();
        EXPECT_LT(screen.redAround(block[0], block[1]), 250);

        const auto* begin = reinterpret_cast<const std::byte*>(v.slice(0));
        const auto* end = begin + v.bytes();
        vtkWeakPointer<vtkVolumeMapper> before = scene.mapper();
        scene.clear();
        scene.clear(); // repeatedly: harmless
        EXPECT_FALSE(scene.hasVolume());
        EXPECT_EQ(before.Get(), nullptr) << "the mapper (and what it derived from the voxels) is still alive";
        EXPECT_EQ(scene.mapper()->GetInput(), nullptr);
        EXPECT_FALSE(scene.volumeProp()->GetVisibility());
        const auto* p = static_cast<const std::byte*>(scene.imageData()->GetScalarPointer());
        EXPECT_TRUE(p == nullptr || p < begin || p >= end) << "VTK still points into the volume";
        EXPECT_EQ(scene.imageData()->GetPointData()->GetNumberOfArrays(), 0);
        screen.render();
        EXPECT_EQ(pixelsUnlike(screen, background(scene), 1), 0) << "something but background after clear()";
    }
    EXPECT_GT(v.wipe(), 0U);
    VolumeScene scene;
    EXPECT_FALSE(scene.setVolume(v)) << "a wiped volume is refused";
    EXPECT_FALSE(scene.hasVolume());
}

/// The anterior view: looking along +y with +z up, whole volume in view (its eight corners on screen).
TEST_F(VolumeSceneHfs, ResetCameraShowsTheWholeVolumeFromTheFront)
{
    VolumeScene scene;
    Offscreen screen(scene);
    ASSERT_TRUE(scene.setVolume(loaded->volume()));
    screen.render();
    const auto b = scene.volumeBounds();
    std::array<double, 4> extent = {1e9, -1e9, 1e9, -1e9}; // of the projected corners: x min/max, y min/max
    for (int corner = 0; corner < 8; ++corner) {
        const auto d = project(scene, {b[corner & 1 ? 1 : 0], b[corner & 2 ? 3 : 2], b[corner & 4 ? 5 : 4]});
        EXPECT_GE(d[0], 0.0);
        EXPECT_LE(d[0], kSize);
        EXPECT_GE(d[1], 0.0);
        EXPECT_LE(d[1], kSize);
        extent = {std::min(extent[0], d[0]), std::max(extent[1], d[0]), std::min(extent[2], d[1]),
                  std::max(extent[3], d[1])};
    }
    // Fitted to the box, not to its bounding sphere: it fills the view in its larger direction.
    EXPECT_GT(std::max(extent[1] - extent[0], extent[3] - extent[2]), 0.85 * kSize);
    const auto centre = project(scene, {(b[0] + b[1]) / 2, (b[2] + b[3]) / 2, (b[4] + b[5]) / 2});
    const auto left = project(scene, {(b[0] + b[1]) / 2 + 10, (b[2] + b[3]) / 2, (b[4] + b[5]) / 2});
    const auto head = project(scene, {(b[0] + b[1]) / 2, (b[2] + b[3]) / 2, (b[4] + b[5]) / 2 + 10});
    EXPECT_GT(left[0], centre[0] + 1);
    EXPECT_NEAR(left[1], centre[1], 1e-6);
    EXPECT_GT(head[1], centre[1] + 1);
    EXPECT_NEAR(head[0], centre[0], 1e-6);
}

/// Not a check: writes what each preset looks like (a finer chest phantom from the front and from the
/// patient's left, 512 x 512, binary PPM) into $DOKUEI_VOLUME_SNAPSHOTS for a human to judge the transfer
/// functions. Run with --gtest_also_run_disabled_tests --gtest_filter='*Snapshots*'.
TEST(VolumeScene, DISABLED_Snapshots)
{
    const char* dir = std::getenv("DOKUEI_VOLUME_SNAPSHOTS");
    ASSERT_NE(dir, nullptr) << "set DOKUEI_VOLUME_SNAPSHOTS to a directory";
    auto loaded = loadPhantom(dokuei::viewer::test::fineChestSpec(192, 120, 2.0));
    ASSERT_TRUE(loaded);
    for (const VolumeMapperKind kind : {VolumeMapperKind::CpuRayCast, VolumeMapperKind::GpuRayCast}) {
        VolumeScene scene(kind);
        dokuei::viewer::test::OffscreenWindow screen(scene.renderer(), 512);
        ASSERT_TRUE(scene.setVolume(loaded->volume()));
        for (const VolumePreset p : {VolumePreset::Bone, VolumePreset::SoftTissue, VolumePreset::Lung,
                                     VolumePreset::Vessels, VolumePreset::Mip}) {
            scene.setPreset(p);
            for (const bool side : {false, true}) {
                scene.resetCamera();
                if (side) {
                    scene.renderer()->GetActiveCamera()->Azimuth(90); // to the patient's left
                    scene.renderer()->ResetCameraClippingRange();
                }
                const vtkSmartPointer<vtkUnsignedCharArray> rgba = screen.rgba();
                std::string name = std::string(dir) + "/" + dokuei::viewer::volumePresetName(p) +
                                   (side ? "-left" : "-front") +
                                   (kind == VolumeMapperKind::GpuRayCast ? "-gpu" : "-cpu") + ".ppm";
                std::ranges::replace(name, ' ', '_');
                std::FILE* f = std::fopen(name.c_str(), "wb");
                ASSERT_NE(f, nullptr) << name;
                std::fprintf(f, "P6\n512 512\n255\n");
                for (int y = 511; y >= 0; --y) {
                    for (int x = 0; x < 512; ++x) {
                        const vtkIdType i = (vtkIdType(y) * 512 + x) * 4;
                        const unsigned char px[3] = {rgba->GetValue(i), rgba->GetValue(i + 1),
                                                     rgba->GetValue(i + 2)};
                        std::fwrite(px, 1, 3, f);
                    }
                }
                std::fclose(f);
            }
        }
    }
}

} // namespace
