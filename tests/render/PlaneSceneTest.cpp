// PlaneScene (MPR and thick slabs) rendered off-screen from phantom volumes assembled by the product's
// VolumeAssembler, read back, and checked against the phantom's ground truth (sphere size and place, the
// orientation marker), against slab extremes and means computed from the voxels, and against resliceHu.
#include "dokuei/viewer/render/PlaneScene.h"

#include "ReadingTestSupport.h"
#include "RenderTestSupport.h"
#include "dokuei/viewer/core/Measurements.h"
#include "dokuei/viewer/core/OrientationLabels.h"
#include "dokuei/viewer/core/WindowLevel.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <vtkCamera.h>
#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkUnsignedCharArray.h>

namespace {

using dokuei::viewer::PlaneScene;
using dokuei::viewer::resliceHu;
using dokuei::viewer::ResliceImage;
using dokuei::viewer::SlabMode;
using dokuei::viewer::Vec3;
using dokuei::viewer::ViewAxes;
using dokuei::viewer::ViewPlane;
using dokuei::viewer::Volume;
using dokuei::viewer::Window;
using dokuei::viewer::test::loadPhantom;
using dokuei::viewer::test::PhantomVolume;
using dokuei::viewer::test::truthObject;

constexpr int kSize = 256;

Vec3 add(const Vec3& a, const Vec3& b, double s = 1.0)
{
    return {a[0] + s * b[0], a[1] + s * b[1], a[2] + s * b[2]};
}

double dot(const Vec3& a, const Vec3& b)
{
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

double distance(const Vec3& a, const Vec3& b)
{
    const Vec3 d = add(a, b, -1.0);
    return std::sqrt(dot(d, d));
}

Vec3 toVec(const std::array<double, 3>& a)
{
    return {a[0], a[1], a[2]};
}

/// An off-screen window around a scene; grey() renders and returns the red channel top-down (row 0 = top).
struct Offscreen : dokuei::viewer::test::OffscreenWindow
{
    explicit Offscreen(PlaneScene& scene) : OffscreenWindow(scene.renderer(), kSize) {}
};

int at(const std::vector<int>& image, int x, int y)
{
    if (x < 0 || y < 0 || x >= kSize || y >= kSize) {
        return -1;
    }
    return image[std::size_t(y) * kSize + std::size_t(x)];
}

/// Screen position (x right, y DOWN from the top, pixel units, pixel centres at +0.5) of a patient point.
std::array<double, 2> screenOf(const PlaneScene& scene, const Vec3& patient)
{
    const Vec3 d = scene.patientToDisplay(patient);
    return {d[0], kSize - d[1]};
}

/// Patient point under the centre of screen pixel (x, y) (y down from the top).
Vec3 patientOfPixel(const PlaneScene& scene, double x, double y)
{
    return scene.displayToPatient(x + 0.5, kSize - (y + 0.5));
}

std::int16_t voxel(const Volume& v, int column, int row, int k)
{
    return v.slice(k)[std::size_t(row) * std::size_t(v.columns()) + std::size_t(column)];
}

/// Sets the zoom: `pixelsPerMm` screen pixels per mm.
void setZoom(PlaneScene& scene, double pixelsPerMm)
{
    scene.renderer()->GetActiveCamera()->SetParallelScale(kSize / pixelsPerMm / 2.0);
}

/// The run of samples above `threshold` through (cx, cy) along (dx, dy), with sub-sample ends found by linear
/// interpolation of the crossing: returns the two end positions (in samples).
struct Crossing
{
    double lo = 0;
    double hi = 0;
    double length() const { return hi - lo; }
};

template <typename Sample>
Crossing runThrough(Sample sample, int cx, int cy, int dx, int dy, double threshold)
{
    Crossing run{double(cx), double(cy)};
    if (!(sample(cx, cy) > threshold)) {
        return {0, 0};
    }
    const auto walk = [&](int sign) {
        int x = cx;
        int y = cy;
        for (int step = 1; step < 4 * kSize; ++step) {
            const int nx = cx + sign * step * dx;
            const int ny = cy + sign * step * dy;
            const double inside = sample(x, y);
            const double next = sample(nx, ny);
            if (!(next > threshold)) {
                const double t = (inside - threshold) / (inside - next); // crossing between the two samples
                return (dx != 0 ? x : y) + sign * t;
            }
            x = nx;
            y = ny;
        }
        return double(dx != 0 ? x : y);
    };
    run.lo = walk(-1);
    run.hi = walk(+1);
    return run;
}

const char* planeName(ViewPlane plane)
{
    switch (plane) {
    case ViewPlane::Axial:
        return "axial";
    case ViewPlane::Coronal:
        return "coronal";
    case ViewPlane::Sagittal:
        return "sagittal";
    }
    return "?";
}

/// Half-way between the sphere's HU and the mean of its surroundings (a shell from 1.5 to 2 radii in the
/// plane).
double sphereThresholdIn(const PhantomVolume& loaded, const ViewAxes& axes)
{
    const auto& s = truthObject(*loaded.model, "sphere-lesion");
    const ResliceImage img = resliceHu(loaded.volume(), axes, toVec(s.centre), 81, 81, s.radius / 20.0);
    double sum = 0;
    int n = 0;
    for (int r = 0; r < img.height; ++r) {
        for (int c = 0; c < img.width; ++c) {
            const double d = std::hypot(c - 40, r - 40) / 20.0;
            if (d > 1.5 && d < 2.0) {
                sum += img.hu[std::size_t(r) * std::size_t(img.width) + std::size_t(c)];
                ++n;
            }
        }
    }
    return n > 0 ? (s.hu + sum / n) / 2.0 : s.hu - 100.0;
}

/// The chest phantom on a fine isotropic 1 mm grid, shared by the geometry tests.
class PlaneSceneTest : public testing::Test
{
protected:
    static void SetUpTestSuite()
    {
        s_loaded = loadPhantom(dokuei::viewer::test::fineChestSpec(256, 64, 1.0)).release();
    }
    static void TearDownTestSuite()
    {
        delete s_loaded;
        s_loaded = nullptr;
    }
    static PhantomVolume* s_loaded;

    const dokuei::phantom::TruthObject& sphere() const
    {
        return truthObject(*s_loaded->model, "sphere-lesion");
    }
    double sphereThreshold(const ViewAxes& axes) const { return sphereThresholdIn(*s_loaded, axes); }
};

PhantomVolume* PlaneSceneTest::s_loaded = nullptr;

/// The known sphere is round within one voxel in axial, coronal and sagittal planes through its centre,
/// on resliceHu and on the rendered image: both diameters within one voxel of 2 r and of each other, and the
/// rendered disc centred where patientToDisplay puts the sphere's centre.
void expectSphereRound(const PhantomVolume& loaded, const char* label)
{
    const Volume& v = loaded.volume();
    const auto& s = truthObject(*loaded.model, "sphere-lesion");
    const double voxelMm = v.geometry().rowSpacing;
    const double diameter = 2.0 * s.radius;
    ASSERT_GT(s.radius, 4.0 * voxelMm) << "the sphere should span several voxels";

    PlaneScene scene;
    Offscreen screen(scene);
    ASSERT_TRUE(scene.setVolume(v));
    const double pixelsPerMm = 8.0;

    for (const ViewPlane plane : {ViewPlane::Axial, ViewPlane::Coronal, ViewPlane::Sagittal}) {
        SCOPED_TRACE(planeName(plane));
        const ViewAxes axes = dokuei::viewer::standardViewAxes(plane);
        const double threshold = sphereThresholdIn(loaded, axes);
        // resliceHu at 1/8 mm.
        const int n = 257;
        const double spacing = 1.0 / pixelsPerMm;
        const ResliceImage img = resliceHu(v, axes, toVec(s.centre), n, n, spacing);
        ASSERT_EQ(img.width, n);
        const auto sample = [&](int c, int r) {
            return (c < 0 || r < 0 || c >= n || r >= n)
                       ? -1024.0
                       : double(img.hu[std::size_t(r) * std::size_t(n) + std::size_t(c)]);
        };
        const double rx = runThrough(sample, n / 2, n / 2, 1, 0, threshold).length() * spacing;
        const double ry = runThrough(sample, n / 2, n / 2, 0, 1, threshold).length() * spacing;
        EXPECT_NEAR(rx, diameter, voxelMm) << "resliceHu horizontal diameter";
        EXPECT_NEAR(ry, diameter, voxelMm) << "resliceHu vertical diameter";
        EXPECT_NEAR(rx, ry, voxelMm) << "resliceHu not round";

        // The rendered plane, sphere white (threshold window).
        scene.setPlane(axes, toVec(s.centre));
        setZoom(scene, pixelsPerMm);
        scene.setWindow({threshold, 1});
        const auto image = screen.grey();
        const auto c = screenOf(scene, toVec(s.centre));
        const int cx = int(std::floor(c[0]));
        const int cy = int(std::floor(c[1]));
        const auto pixel = [&](int x, int y) { return double(at(image, x, y)); };
        const Crossing hx = runThrough(pixel, cx, cy, 1, 0, 127.5);
        const Crossing hy = runThrough(pixel, cx, cy, 0, 1, 127.5);
        const double sx = hx.length() / pixelsPerMm;
        const double sy = hy.length() / pixelsPerMm;
        EXPECT_NEAR(sx, diameter, voxelMm) << "rendered horizontal diameter";
        EXPECT_NEAR(sy, diameter, voxelMm) << "rendered vertical diameter";
        EXPECT_NEAR(sx, sy, voxelMm) << "rendered not round";
        // Rendering and resliceHu agree to a screen pixel or two.
        EXPECT_NEAR(sx, rx, 2.0 / pixelsPerMm);
        EXPECT_NEAR(sy, ry, 2.0 / pixelsPerMm);
        // And the rendered disc is centred where the sphere's centre projects (within half a voxel).
        EXPECT_NEAR((hx.lo + hx.hi) / 2.0, c[0], 0.5 * voxelMm * pixelsPerMm + 1);
        EXPECT_NEAR((hy.lo + hy.hi) / 2.0, c[1], 0.5 * voxelMm * pixelsPerMm + 1);
        std::printf("[plane] %s %s: diameter %.3f mm; resliceHu %.3f x %.3f, rendered %.3f x %.3f\n", label,
                    planeName(plane), diameter, rx, ry, sx, sy);
    }
}

TEST_F(PlaneSceneTest, SphereIsRoundInEveryStandardPlane)
{
    ASSERT_TRUE(s_loaded);
    expectSphereRound(*s_loaded, "straight");
}

/// The same on a gantry-tilted stack (20 degrees): the slice step is sheared against the tilted image planes;
/// the actor's user matrix carries that shear, so the sphere stays round and in place in patient-aligned
/// planes (with the normal instead of the slice step it would be sheared and shifted by many voxels).
TEST(PlaneSceneTilt, SphereIsRoundOnATiltedStack)
{
    auto spec = dokuei::viewer::test::fineChestSpec(256, 64, 1.0);
    spec.gantryTilt = 20.0;
    auto loaded = loadPhantom(spec);
    ASSERT_TRUE(loaded);
    const auto& g = loaded->volume().geometry();
    const double shear = std::abs(dot(g.sliceStep, g.normal)) / std::sqrt(dot(g.sliceStep, g.sliceStep));
    ASSERT_LT(shear, 0.99) << "the stack should be sheared";
    expectSphereRound(*loaded, "tilted 20 deg");
}

/// Length through the API in coronal and sagittal planes: the sphere's edge points found on the plane are
/// turned into patient points through the plane's axes (resliceHu) and through displayToPatient (rendered),
/// and their distance (Measurements' lengthMm and the plain distance) is the diameter within 0.5 mm.
TEST_F(PlaneSceneTest, LengthAcrossTheSphereInCoronalAndSagittal)
{
    ASSERT_TRUE(s_loaded);
    const Volume& v = s_loaded->volume();
    const auto& s = sphere();
    const Vec3 centre = toVec(s.centre);
    const double diameter = 2.0 * s.radius;
    PlaneScene scene;
    Offscreen screen(scene);
    ASSERT_TRUE(scene.setVolume(v));
    const double pixelsPerMm = 8.0;

    for (const ViewPlane plane : {ViewPlane::Coronal, ViewPlane::Sagittal}) {
        SCOPED_TRACE(planeName(plane));
        const ViewAxes axes = dokuei::viewer::standardViewAxes(plane);
        const double threshold = sphereThreshold(axes);
        const int n = 513;
        const double spacing = 0.0625;
        // Linear interpolation: the half-way crossing then lands on the voxel boundary (nearest sampling)
        // or between, whichever estimates the edge best; both must be within 0.5 mm.
        for (const auto interpolation :
             {dokuei::viewer::SliceInterpolation::Nearest, dokuei::viewer::SliceInterpolation::Linear}) {
            const ResliceImage img =
                resliceHu(v, axes, centre, n, n, spacing, SlabMode::None, 0, interpolation);
            ASSERT_EQ(img.width, n);
            const auto sample = [&](int c, int r) {
                return (c < 0 || r < 0 || c >= n || r >= n)
                           ? -1024.0
                           : double(img.hu[std::size_t(r) * std::size_t(n) + std::size_t(c)]);
            };
            const auto toPatient = [&](double c, double r) {
                return add(add(centre, axes.right, (c - (n - 1) / 2.0) * spacing), axes.down,
                           (r - (n - 1) / 2.0) * spacing);
            };
            for (const bool vertical : {false, true}) {
                const Crossing run =
                    runThrough(sample, n / 2, n / 2, vertical ? 0 : 1, vertical ? 1 : 0, threshold);
                const Vec3 a = vertical ? toPatient(n / 2, run.lo) : toPatient(run.lo, n / 2);
                const Vec3 b = vertical ? toPatient(n / 2, run.hi) : toPatient(run.hi, n / 2);
                const auto ia = dokuei::viewer::patientToVoxel(v.geometry(), a);
                const auto ib = dokuei::viewer::patientToVoxel(v.geometry(), b);
                ASSERT_TRUE(ia && ib);
                const double length = dokuei::viewer::lengthMm(v, *ia, *ib);
                EXPECT_NEAR(length, diameter, 0.5)
                    << (vertical ? "vertical" : "horizontal") << " interpolation " << int(interpolation);
                EXPECT_NEAR(distance(a, b), length, 1e-6);
            }
        }

        // Rendered: edge pixels -> patient through displayToPatient.
        scene.setPlane(axes, centre);
        setZoom(scene, pixelsPerMm);
        scene.setWindow({threshold, 1});
        const auto image = screen.grey();
        const auto c = screenOf(scene, centre);
        const auto pixel = [&](int x, int y) { return double(at(image, x, y)); };
        for (const bool vertical : {false, true}) {
            const Crossing run =
                runThrough(pixel, int(c[0]), int(c[1]), vertical ? 0 : 1, vertical ? 1 : 0, 127.5);
            // run ends are at pixel-centre coordinates (integers + crossing fraction): patientOfPixel takes
            // pixel indices, whose centres are at +0.5.
            const Vec3 a = vertical ? patientOfPixel(scene, std::floor(c[0]), run.lo)
                                    : patientOfPixel(scene, run.lo, std::floor(c[1]));
            const Vec3 b = vertical ? patientOfPixel(scene, std::floor(c[0]), run.hi)
                                    : patientOfPixel(scene, run.hi, std::floor(c[1]));
            EXPECT_NEAR(distance(a, b), diameter, 0.5)
                << "rendered " << (vertical ? "vertical" : "horizontal");
            // The two points lie on the plane (through the sphere centre).
            const Vec3 normal = dokuei::viewer::viewNormal(axes);
            EXPECT_NEAR(dot(add(a, centre, -1.0), normal), 0.0, 1e-6);
            EXPECT_NEAR(dot(add(b, centre, -1.0), normal), 0.0, 1e-6);
        }
    }
}

/// Slab MIP / MinIP / mean of an axial slab through the sphere in noisy lung: resliceHu equals the max /
/// min / length-weighted mean of the voxels across the slab (computed here from the volume), and the rendered
/// grey equals the VOI grey of the same value.
TEST_F(PlaneSceneTest, SlabEqualsTheVoxelsAcrossIt)
{
    ASSERT_TRUE(s_loaded);
    const Volume& v = s_loaded->volume();
    const auto& g = v.geometry();
    const auto& s = sphere();
    const auto sphereIndex = dokuei::viewer::patientToVoxel(g, toVec(s.centre));
    ASSERT_TRUE(sphereIndex);
    ASSERT_NEAR(std::abs(g.normal[2]), 1.0, 1e-9) << "an axial stack";
    const double sliceMm = std::abs(g.sliceStep[2]);
    // The slab's middle is the voxel centre nearest the sphere's edge plane (so the slab crosses the
    // sphere's boundary and the lung's noise: max, min and mean all differ) shifted by a quarter voxel: no
    // slab sample then lies on a voxel boundary (see PlaneScene.h: the mean is then exactly length-weighted).
    const int kEdge = int(std::lround((*sphereIndex)[2] + 0.6 * s.radius / sliceMm));
    const int c0 = int(std::lround((*sphereIndex)[0]));
    const int r0 = int(std::lround((*sphereIndex)[1]));
    const Vec3 centre = add(dokuei::viewer::voxelToPatient(g, {double(c0), double(r0), double(kEdge)}),
                            Vec3{0, 0, 1}, 0.25 * sliceMm);
    const double thickness = 5.0 * sliceMm;
    const ViewAxes axes = dokuei::viewer::standardViewAxes(ViewPlane::Axial);
    const int half = int(std::ceil(1.5 * s.radius / g.columnSpacing));
    const int n = 2 * half + 1;
    ASSERT_NEAR(g.columnSpacing, g.rowSpacing, 1e-9);

    // Truth from the voxels: along the slab [z - T/2, z + T/2], in slice-index units.
    const auto truth = [&](int column, int row, SlabMode mode) {
        const auto lo = dokuei::viewer::patientToVoxel(g, add(centre, Vec3{0, 0, 1}, -thickness / 2));
        const auto hi = dokuei::viewer::patientToVoxel(g, add(centre, Vec3{0, 0, 1}, thickness / 2));
        const double k0 = std::min((*lo)[2], (*hi)[2]);
        const double k1 = std::max((*lo)[2], (*hi)[2]);
        double best = mode == SlabMode::Max ? -1e9 : 1e9;
        double sum = 0;
        double weight = 0;
        for (int k = int(std::lround(k0)); k <= int(std::lround(k1)); ++k) {
            const double value = voxel(v, column, row, k);
            const double overlap = std::min(k1, k + 0.5) - std::max(k0, k - 0.5);
            best = mode == SlabMode::Max ? std::max(best, value) : std::min(best, value);
            sum += overlap * value;
            weight += overlap;
        }
        return mode == SlabMode::Mean ? sum / weight : best;
    };

    PlaneScene scene;
    Offscreen screen(scene);
    ASSERT_TRUE(scene.setVolume(v));
    scene.setPlane(axes, centre);
    setZoom(scene, 8.0);
    const Window window{0, 2000};
    scene.setWindow(window);

    for (const SlabMode mode : {SlabMode::Max, SlabMode::Min, SlabMode::Mean}) {
        SCOPED_TRACE(mode == SlabMode::Max ? "max" : mode == SlabMode::Min ? "min" : "mean");
        const ResliceImage img = resliceHu(v, axes, centre, n, n, g.columnSpacing, mode, thickness);
        ASSERT_EQ(img.width, n);
        int bad = 0;
        int differsFromThin = 0;
        for (int r = 0; r < n; ++r) {
            for (int c = 0; c < n; ++c) {
                const Vec3 p = add(add(centre, axes.right, (c - half) * g.columnSpacing), axes.down,
                                   (r - half) * g.rowSpacing);
                const auto index = dokuei::viewer::patientToVoxel(g, p);
                ASSERT_TRUE(index);
                const int column = int(std::lround((*index)[0]));
                const int row = int(std::lround((*index)[1]));
                const double want = truth(column, row, mode);
                const double got = img.hu[std::size_t(r) * std::size_t(n) + std::size_t(c)];
                const double tolerance = mode == SlabMode::Mean ? 1.0 : 0.0;
                if (std::abs(got - want) > tolerance && ++bad <= 5) {
                    ADD_FAILURE() << "voxel column " << column << " row " << row << ": resliceHu " << got
                                  << ", voxels say " << want;
                }
                differsFromThin += std::abs(want - voxel(v, column, row, kEdge)) > 5 ? 1 : 0;
            }
        }
        EXPECT_EQ(bad, 0);
        EXPECT_GT(differsFromThin, n * n / 10) << "the slab should differ from the thin plane";

        // Rendered: every screen pixel near the sphere shows the VOI grey of its voxel column's slab value.
        scene.setSlab(mode, thickness);
        EXPECT_EQ(scene.slabMode(), mode);
        EXPECT_DOUBLE_EQ(scene.slabThickness(), thickness);
        const auto image = screen.grey();
        const auto mid = screenOf(scene, toVec(s.centre));
        int rendered = 0;
        int renderedBad = 0;
        const int reach = int(1.5 * s.radius * 8.0);
        for (int y = int(mid[1]) - reach; y <= int(mid[1]) + reach; ++y) {
            for (int x = int(mid[0]) - reach; x <= int(mid[0]) + reach; ++x) {
                const auto index = dokuei::viewer::patientToVoxel(g, patientOfPixel(scene, x, y));
                ASSERT_TRUE(index);
                // Skip pixels whose centre lies on a voxel boundary (either neighbour is right there).
                const double fx = (*index)[0] - std::floor((*index)[0]);
                const double fy = (*index)[1] - std::floor((*index)[1]);
                if (std::abs(fx - 0.5) < 0.02 || std::abs(fy - 0.5) < 0.02) {
                    continue;
                }
                const double want = truth(int(std::lround((*index)[0])), int(std::lround((*index)[1])), mode);
                // VTK's reslice mapper keeps the input type: a mean slab is rounded to whole HU.
                const double wantGrey = dokuei::viewer::voiLinear(want, window);
                ++rendered;
                if (std::abs(at(image, x, y) - wantGrey) > 1.0 && ++renderedBad <= 5) {
                    ADD_FAILURE()
                        << "screen (" << x << ", " << y << "): grey " << at(image, x, y) << ", slab " << want
                        << " HU -> " << wantGrey << " index " << (*index)[0] << " " << (*index)[1] << " "
                        << (*index)[2] << " column "
                        << voxel(v, int(std::lround((*index)[0])), int(std::lround((*index)[1])), kEdge - 3)
                        << " "
                        << voxel(v, int(std::lround((*index)[0])), int(std::lround((*index)[1])), kEdge - 2)
                        << " "
                        << voxel(v, int(std::lround((*index)[0])), int(std::lround((*index)[1])), kEdge - 1)
                        << " "
                        << voxel(v, int(std::lround((*index)[0])), int(std::lround((*index)[1])), kEdge)
                        << " "
                        << voxel(v, int(std::lround((*index)[0])), int(std::lround((*index)[1])), kEdge + 1)
                        << " "
                        << voxel(v, int(std::lround((*index)[0])), int(std::lround((*index)[1])), kEdge + 2)
                        << " "
                        << voxel(v, int(std::lround((*index)[0])), int(std::lround((*index)[1])), kEdge + 3);
                }
            }
        }
        EXPECT_GT(rendered, 1000);
        EXPECT_EQ(renderedBad, 0);
    }

    // The sphere's own value at its centre: a MIP there equals the sphere HU (noise-free insert).
    const ResliceImage mip = resliceHu(v, axes, centre, 1, 1, 1.0, SlabMode::Max, thickness);
    ASSERT_EQ(mip.hu.size(), 1U);
    EXPECT_GE(mip.hu[0], float(s.hu));
}

/// A thin plane between two slices shows the nearer one, voxel for voxel (the plane sits where centre() says
/// along the normal, no half-voxel shift).
TEST_F(PlaneSceneTest, ThinPlaneShowsTheNearestSlice)
{
    ASSERT_TRUE(s_loaded);
    const Volume& v = s_loaded->volume();
    const auto& g = v.geometry();
    PlaneScene scene;
    Offscreen screen(scene);
    ASSERT_TRUE(scene.setVolume(v));
    const Window window{0, 2000};
    scene.setWindow(window);
    const int k = v.slices() / 2 + 3;
    const int c0 = v.columns() / 2;
    const int r0 = v.rows() / 2;
    for (const double offset : {-0.4, -0.2, 0.0, 0.2, 0.4}) {
        SCOPED_TRACE(offset);
        const Vec3 centre = dokuei::viewer::voxelToPatient(g, {double(c0), double(r0), k + offset});
        scene.setPlane(dokuei::viewer::standardViewAxes(ViewPlane::Axial), centre);
        setZoom(scene, 2.0);
        const auto image = screen.grey();
        int bad = 0;
        int checked = 0;
        for (int y = 0; y < kSize; y += 3) {
            for (int x = 0; x < kSize; x += 3) {
                const auto index = dokuei::viewer::patientToVoxel(g, patientOfPixel(scene, x, y));
                ASSERT_TRUE(index);
                EXPECT_NEAR((*index)[2], k + offset, 1e-6);
                const double fx = (*index)[0] - std::floor((*index)[0]);
                const double fy = (*index)[1] - std::floor((*index)[1]);
                if (std::abs(fx - 0.5) < 0.05 || std::abs(fy - 0.5) < 0.05) {
                    continue;
                }
                const int column = int(std::lround((*index)[0]));
                const int row = int(std::lround((*index)[1]));
                if (column < 0 || row < 0 || column >= v.columns() || row >= v.rows()) {
                    continue;
                }
                ++checked;
                const double want = dokuei::viewer::voiLinear(voxel(v, column, row, k), window);
                if (std::abs(at(image, x, y) - want) > 1.0 && ++bad <= 5) {
                    ADD_FAILURE() << "screen (" << x << ", " << y << ") voxel " << column << " " << row
                                  << ": grey " << at(image, x, y) << ", slice " << k << " says " << want;
                }
            }
        }
        EXPECT_GT(checked, 1000);
        EXPECT_EQ(bad, 0);
    }
}

/// Inverted grey is 255 - the VOI grey; linear interpolation blends across voxel edges (and agrees with
/// resliceHu's linear samples), nearest keeps whole voxels.
TEST_F(PlaneSceneTest, InvertAndInterpolation)
{
    ASSERT_TRUE(s_loaded);
    const Volume& v = s_loaded->volume();
    const auto& s = sphere();
    PlaneScene scene;
    Offscreen screen(scene);
    ASSERT_TRUE(scene.setVolume(v));
    const Window window{-300, 1200};
    scene.setWindow(window);
    scene.setPlane(dokuei::viewer::standardViewAxes(ViewPlane::Coronal), toVec(s.centre));
    setZoom(scene, 8.0); // 32 mm around the sphere: all inside the volume (no blended edge pixels)
    const auto plain = screen.grey();
    scene.setInvert(true);
    EXPECT_TRUE(scene.invert());
    const auto inverted = screen.grey();
    int notInverted = 0;
    for (std::size_t i = 0; i < plain.size(); ++i) {
        notInverted += std::abs(plain[i] + inverted[i] - 255) > 1 ? 1 : 0;
    }
    EXPECT_EQ(notInverted, 0);
    scene.setInvert(false);

    EXPECT_EQ(scene.interpolation(), dokuei::viewer::SliceInterpolation::Nearest);
    scene.setInterpolation(dokuei::viewer::SliceInterpolation::Linear);
    EXPECT_EQ(scene.interpolation(), dokuei::viewer::SliceInterpolation::Linear);
    const auto linear = screen.grey();
    int differing = 0;
    int offLinear = 0;
    int checked = 0;
    for (int y = 0; y < kSize; y += 4) {
        for (int x = 0; x < kSize; x += 4) {
            differing += at(linear, x, y) != at(plain, x, y) ? 1 : 0;
            const Vec3 p = patientOfPixel(scene, x, y);
            const ResliceImage one = resliceHu(v, scene.axes(), p, 1, 1, 1.0, SlabMode::None, 0,
                                               dokuei::viewer::SliceInterpolation::Linear);
            ++checked;
            offLinear +=
                std::abs(at(linear, x, y) - dokuei::viewer::voiLinear(one.hu[0], window)) > 1.0 ? 1 : 0;
        }
    }
    EXPECT_GT(differing, checked / 20);
    EXPECT_LT(offLinear, checked / 100) << "linear on screen against resliceHu linear";
    scene.setInterpolation(dokuei::viewer::SliceInterpolation::Nearest);
    EXPECT_EQ(screen.grey(), plain);
}

/// A slab covers exactly the plane's position +-T/2 along the normal, for either viewing direction along the
/// axis and any slice spacing: on a volume whose HU rise 10 per slice, max / min read the slices at the
/// slab's far / near ends, in resliceHu and on screen, and a mean slab on screen equals resliceHu's.
/// (VTK 9.1's axis-aligned fast path got this wrong by a slice; see GeneralResliceMapper in PlaneScene.cpp.)
TEST(PlaneSceneSlab, CoversThePlanePlusMinusHalfTheThickness)
{
    auto created = Volume::create(32, 32, 40, dokuei::viewer::VolumeLimits{});
    ASSERT_TRUE(created);
    Volume& v = **created;
    for (int k = 0; k < v.slices(); ++k) {
        std::fill(v.slice(k), v.slice(k) + v.sliceVoxels(), std::int16_t(10 * k));
        v.markSliceReady(k);
    }
    PlaneScene scene;
    Offscreen screen(scene);
    const Window window{200, 512};
    const auto hu = [&](int grey) { return (grey / 255.0 - 0.5) * 511 + 199.5; }; // inverse VOI, +-1 HU
    for (const double spacing : {1.0, 2.0}) {
        dokuei::viewer::VolumeGeometry g;
        g.rowSpacing = g.columnSpacing = 1.0;
        g.sliceSpacing = spacing;
        g.sliceStep = {0, 0, spacing};
        v.setGeometry(g);
        ASSERT_TRUE(scene.setVolume(v));
        scene.setWindow(window);
        for (const bool fromHead : {false, true}) {
            ViewAxes axes = dokuei::viewer::standardViewAxes(ViewPlane::Axial);
            if (fromHead) {
                axes.down = {0, -1, 0}; // looking along -z
            }
            for (const double thickness : {2.0, 5.0, 10.0}) {
                for (const double kc : {20.25, 20.6, 19.7}) {
                    SCOPED_TRACE("spacing " + std::to_string(spacing) + " from head " +
                                 std::to_string(fromHead) + " T " + std::to_string(thickness) + " slice " +
                                 std::to_string(kc));
                    const Vec3 centre{15, 15, kc * spacing};
                    scene.setPlane(axes, centre);
                    const double kLo = std::round(kc - thickness / 2 / spacing);
                    const double kHi = std::round(kc + thickness / 2 / spacing);
                    for (const SlabMode mode : {SlabMode::Max, SlabMode::Min, SlabMode::Mean}) {
                        scene.setSlab(mode, thickness);
                        const ResliceImage img = resliceHu(v, axes, centre, 1, 1, 1.0, mode, thickness);
                        ASSERT_EQ(img.hu.size(), 1U);
                        const double rendered = hu(at(screen.grey(), kSize / 2, kSize / 2));
                        if (mode == SlabMode::Mean) {
                            // Nearest samples every half slice: the mean is within a quarter slice of the
                            // plane (exact when no sample lies on a slice boundary, see PlaneScene.h).
                            EXPECT_NEAR(img.hu[0], 10 * kc, 10 * 0.25 + 0.01) << "mean";
                            EXPECT_NEAR(rendered, std::round(img.hu[0]), 2.5) << "mean on screen";
                        } else {
                            const double want = 10 * (mode == SlabMode::Max ? kHi : kLo);
                            EXPECT_EQ(img.hu[0], float(want)) << (mode == SlabMode::Max ? "max" : "min");
                            EXPECT_NEAR(rendered, want, 1.01)
                                << (mode == SlabMode::Max ? "max" : "min") << " on screen";
                        }
                    }
                }
            }
        }
    }
    // At the volume's ends the slab is cut: samples beyond the first / last slice are left out (not read as
    // background), in resliceHu and on screen alike.
    {
        dokuei::viewer::VolumeGeometry g;
        g.rowSpacing = g.columnSpacing = g.sliceSpacing = 1.0;
        g.sliceStep = {0, 0, 1};
        v.setGeometry(g);
        for (int k = 0; k < v.slices(); ++k) {
            std::fill(v.slice(k), v.slice(k) + v.sliceVoxels(), std::int16_t(-500 + 10 * k));
        }
        ASSERT_TRUE(scene.setVolume(v));
        scene.setWindow({-300, 1024});
        const auto hu2 = [&](int grey) { return (grey / 255.0 - 0.5) * 1023 - 300.5; };
        const ViewAxes axes = dokuei::viewer::standardViewAxes(ViewPlane::Axial);
        for (const double kc : {1.0, 38.0}) {
            scene.setPlane(axes, {15, 15, kc});
            for (const SlabMode mode : {SlabMode::Max, SlabMode::Min, SlabMode::Mean}) {
                scene.setSlab(mode, 10.0);
                const ResliceImage img = resliceHu(v, axes, {15, 15, kc}, 1, 1, 1.0, mode, 10.0);
                ASSERT_EQ(img.hu.size(), 1U);
                const double first = std::max(0.0, kc - 5.0);
                const double last = std::min(double(v.slices() - 1), kc + 5.0);
                if (mode == SlabMode::Max) {
                    EXPECT_EQ(img.hu[0], float(-500 + 10 * last)) << "max at slice " << kc;
                } else if (mode == SlabMode::Min) {
                    EXPECT_EQ(img.hu[0], float(-500 + 10 * first)) << "min at slice " << kc;
                } else {
                    // The cut falls at the edge of the voxel box (up to half a slice beyond the last centre).
                    EXPECT_NEAR(img.hu[0], -500 + 10 * (first + last) / 2, 5.0) << "mean at slice " << kc;
                }
                EXPECT_NEAR(hu2(at(screen.grey(), kSize / 2, kSize / 2)), img.hu[0], 2.5)
                    << "on screen, slice " << kc;
            }
        }
    }
    scene.clear();
}

/// An oblique plane (30 degrees about the axial normal, then 30 degrees about L-R) through the sphere still
/// shows the sphere where patientToDisplay puts it, as a disc of the sphere's radius.
TEST_F(PlaneSceneTest, ObliquePlaneShowsTheSphereWherePatientToDisplaySays)
{
    ASSERT_TRUE(s_loaded);
    const Volume& v = s_loaded->volume();
    const auto& s = sphere();
    PlaneScene scene;
    Offscreen screen(scene);
    ASSERT_TRUE(scene.setVolume(v));
    scene.setPlane(dokuei::viewer::standardViewAxes(ViewPlane::Axial), toVec(s.centre));
    scene.rotate(dokuei::viewer::viewNormal(scene.axes()), 30);
    scene.rotate({1, 0, 0}, 30);
    const ViewAxes axes = scene.axes();
    EXPECT_NEAR(dokuei::viewer::viewNormal(axes)[2], std::cos(30 * 3.14159265358979 / 180), 1e-9);
    EXPECT_NEAR(distance(scene.centre(), toVec(s.centre)), 0.0, 1e-9);
    scene.fitCamera(); // pans: the sphere is no longer in the middle of the screen
    setZoom(scene, 2.0);
    const double threshold = sphereThreshold(axes);
    scene.setWindow({threshold, 1});
    const auto image = screen.grey();
    const auto expected = screenOf(scene, toVec(s.centre));
    EXPECT_GT(std::hypot(expected[0] - kSize / 2.0, expected[1] - kSize / 2.0), 20.0)
        << "the test wants the sphere off the screen centre";

    // White pixels within 1.4 radii of the expected place: a disc of radius r around it.
    const double rPixels = s.radius * 2.0;
    double sx = 0;
    double sy = 0;
    int white = 0;
    int ringWhite = 0;
    int ring = 0;
    for (int y = 0; y < kSize; ++y) {
        for (int x = 0; x < kSize; ++x) {
            const double d = std::hypot(x + 0.5 - expected[0], y + 0.5 - expected[1]);
            if (d < 1.4 * rPixels && at(image, x, y) > 127) {
                sx += x + 0.5;
                sy += y + 0.5;
                ++white;
            }
            if (d > 1.4 * rPixels && d < 1.8 * rPixels) {
                ++ring;
                ringWhite += at(image, x, y) > 127 ? 1 : 0;
            }
        }
    }
    ASSERT_GT(white, 0);
    EXPECT_NEAR(sx / white, expected[0], 1.5);
    EXPECT_NEAR(sy / white, expected[1], 1.5);
    const double area = 3.14159265358979 * rPixels * rPixels;
    EXPECT_NEAR(white, area, 0.25 * area);
    EXPECT_LT(ringWhite, ring / 10) << "the sphere should sit in dark lung";

    // resliceHu with the scene's axes agrees: the sample at the centre is the sphere's HU.
    const ResliceImage one = resliceHu(v, axes, toVec(s.centre), 1, 1, 1.0);
    ASSERT_EQ(one.hu.size(), 1U);
    EXPECT_EQ(one.hu[0], float(s.hu));
}

/// Plane navigation: scrolling moves the plane (and the centre) along the normal by the step, within the
/// range, keeping the pan; the range covers the slices.
TEST_F(PlaneSceneTest, ScrollRangeAndStep)
{
    ASSERT_TRUE(s_loaded);
    const Volume& v = s_loaded->volume();
    PlaneScene scene;
    Offscreen screen(scene);
    ASSERT_TRUE(scene.setVolume(v));
    EXPECT_NEAR(scene.normalStep(), v.geometry().sliceSpacing, 1e-9);
    const auto [lo, hi] = scene.normalRange();
    EXPECT_NEAR((hi - lo) / scene.normalStep() + 1, v.slices(), 1e-6);
    const double before = scene.normalPosition();
    EXPECT_GE(before, lo);
    EXPECT_LE(before, hi);
    double focal[3];
    scene.renderer()->GetActiveCamera()->GetFocalPoint(focal);
    scene.moveAlongNormal(3 * scene.normalStep());
    EXPECT_NEAR(scene.normalPosition(), before + 3 * scene.normalStep(), 1e-9);
    double after[3];
    scene.renderer()->GetActiveCamera()->GetFocalPoint(after);
    EXPECT_NEAR(after[2] - focal[2], 3 * scene.normalStep(), 1e-9);
    scene.moveAlongNormal(1e6);
    EXPECT_NEAR(scene.normalPosition(), hi, 1e-9);
    scene.moveAlongNormal(-1e6);
    EXPECT_NEAR(scene.normalPosition(), lo, 1e-9);
    scene.setStandardPlane(ViewPlane::Coronal);
    EXPECT_NEAR(scene.normalStep(), v.geometry().rowSpacing, 1e-9);
    const auto coronal = scene.normalRange();
    EXPECT_NEAR((coronal.second - coronal.first) / scene.normalStep() + 1, v.rows(), 1e-6);
    scene.rotate({0, 0, 1}, 20);
    EXPECT_NEAR(scene.normalStep(), 1.0, 1e-9);
    // Rendering something after the moves.
    scene.setWindow({40, 400});
    const auto image = screen.grey();
    int lit = 0;
    for (int value : image) {
        lit += value > 0 ? 1 : 0;
    }
    EXPECT_GT(lit, kSize * kSize / 8);
}

/// The image data wraps the volume's own memory (no copy); clear() drops that pointer, and rendering after
/// clear (and after the volume is wiped) shows only the background.
TEST(PlaneSceneMemory, ZeroCopyAndClearDropsThePointer)
{
    auto loaded = loadPhantom(dokuei::viewer::test::tinySpec());
    ASSERT_TRUE(loaded);
    Volume& v = *loaded->assembler->volume();
    const auto* begin = reinterpret_cast<const std::byte*>(v.slice(0));
    const auto* end = begin + v.bytes();

    PlaneScene scene;
    Offscreen screen(scene);
    ASSERT_TRUE(scene.setVolume(v));
    EXPECT_TRUE(scene.hasVolume());
    EXPECT_EQ(scene.imageData()->GetScalarPointer(), static_cast<const void*>(v.slice(0)));
    scene.setWindow({40, 400});
    const auto before = screen.grey();
    int lit = 0;
    for (int value : before) {
        lit += value > 0 ? 1 : 0;
    }
    EXPECT_GT(lit, kSize * kSize / 4);

    // The view reads the volume's own memory: a voxel changed in place shows after voxelsChanged().
    const Vec3 centre = scene.centre();
    const auto index = dokuei::viewer::patientToVoxel(v.geometry(), centre);
    ASSERT_TRUE(index);
    const int column = int(std::lround((*index)[0]));
    const int row = int(std::lround((*index)[1]));
    const int k = int(std::lround((*index)[2]));
    const auto s = screenOf(scene, centre);
    v.slice(k)[std::size_t(row) * std::size_t(v.columns()) + std::size_t(column)] = 3000;
    scene.voxelsChanged();
    EXPECT_EQ(at(screen.grey(), int(s[0]), int(s[1])), 255);
    v.slice(k)[std::size_t(row) * std::size_t(v.columns()) + std::size_t(column)] = -1000;
    scene.voxelsChanged();
    EXPECT_EQ(at(screen.grey(), int(s[0]), int(s[1])), 0);

    scene.clear();
    EXPECT_FALSE(scene.hasVolume());
    const auto* p = static_cast<const std::byte*>(scene.imageData()->GetScalarPointer());
    EXPECT_TRUE(p == nullptr || p < begin || p >= end) << "VTK still points into the volume";
    EXPECT_EQ(scene.imageData()->GetPointData()->GetNumberOfArrays(), 0);

    EXPECT_GT(v.wipe(), 0U);
    const auto after = screen.grey();
    for (int value : after) {
        ASSERT_EQ(value, 0);
    }
    EXPECT_FALSE(scene.setVolume(v)) << "a wiped volume is refused";
    EXPECT_TRUE(
        resliceHu(v, dokuei::viewer::standardViewAxes(ViewPlane::Axial), centre, 4, 4, 1.0).hu.empty());
}

struct Acquisition
{
    const char* name;
    dokuei::phantom::PatientPosition position;
    double obliqueAngle;
};

class PlaneSceneOrientation : public testing::TestWithParam<Acquisition>
{
};

/// The orientation marker (HU 1000, on the patient's LEFT, ANTERIOR, head half) appears in every standard
/// plane on the screen side whose label says L (axial, coronal), A (axial, sagittal) and H (coronal,
/// sagittal), whatever the patient position or an oblique acquisition: never a left/right swap.
TEST_P(PlaneSceneOrientation, MarkerOnTheLabelledSide)
{
    auto spec = dokuei::viewer::test::tinySpec();
    spec.position = GetParam().position;
    spec.obliqueAngle = GetParam().obliqueAngle;
    auto loaded = loadPhantom(spec);
    ASSERT_TRUE(loaded);
    const Volume& v = loaded->volume();
    const auto& rod = truthObject(*loaded->model, "marker-rod");
    ASSERT_EQ(rod.hu, 1000);
    const Vec3 body = toVec(loaded->model->volumeCentre());

    PlaneScene scene;
    Offscreen screen(scene);
    ASSERT_TRUE(scene.setVolume(v));
    // 998.5 .. 1000.5 ramps: the marker (exactly 1000) is grey 191; cortical bone (1200) white, the rest
    // black.
    scene.setWindow({1000, 3});
    const int markerGrey = dokuei::viewer::greyForHu(1000, {1000, 3});

    for (const ViewPlane plane : {ViewPlane::Axial, ViewPlane::Coronal, ViewPlane::Sagittal}) {
        SCOPED_TRACE(planeName(plane));
        scene.setPlane(dokuei::viewer::standardViewAxes(plane), toVec(rod.centre));
        scene.fitCamera();
        const auto image = screen.grey();
        double sx = 0;
        double sy = 0;
        int count = 0;
        for (int y = 0; y < kSize; ++y) {
            for (int x = 0; x < kSize; ++x) {
                if (std::abs(at(image, x, y) - markerGrey) <= 2) {
                    sx += x + 0.5;
                    sy += y + 0.5;
                    ++count;
                }
            }
        }
        ASSERT_GT(count, 20) << "marker not seen";
        sx /= count;
        sy /= count;
        // The body's centre line projected on the screen divides left from right, front from back, head from
        // feet.
        const auto mid = screenOf(scene, body);
        const auto labels = dokuei::viewer::sideLabels(scene.axes());
        const QString& horizontal = sx > mid[0] ? labels.right : labels.left;
        const QString& vertical = sy > mid[1] ? labels.bottom : labels.top;
        const std::string where = "marker at (" + std::to_string(sx) + ", " + std::to_string(sy) +
                                  "), body centre at (" + std::to_string(mid[0]) + ", " +
                                  std::to_string(mid[1]) + "), labels L " + labels.left.toStdString() +
                                  " R " + labels.right.toStdString() + " T " + labels.top.toStdString() +
                                  " B " + labels.bottom.toStdString();
        switch (plane) {
        case ViewPlane::Axial:
            EXPECT_TRUE(horizontal.contains(u'L')) << where;
            EXPECT_TRUE(vertical.contains(u'A')) << where;
            break;
        case ViewPlane::Coronal:
            EXPECT_TRUE(horizontal.contains(u'L')) << where;
            EXPECT_TRUE(vertical.contains(u'H')) << where;
            break;
        case ViewPlane::Sagittal:
            EXPECT_TRUE(horizontal.contains(u'A')) << where;
            EXPECT_TRUE(vertical.contains(u'H')) << where;
            break;
        }
        // And where patientToDisplay says: a marker pixel lies within one voxel of the rod's centre (which
        // may sit at the very edge of an oblique volume, where the polygon's edge pixels blend).
        const auto r = screenOf(scene, toVec(rod.centre));
        const double voxelPixels = v.geometry().columnSpacing * kSize /
                                   (2.0 * scene.renderer()->GetActiveCamera()->GetParallelScale());
        double nearest = 1e9;
        for (int y = 0; y < kSize; ++y) {
            for (int x = 0; x < kSize; ++x) {
                if (std::abs(at(image, x, y) - markerGrey) <= 2) {
                    nearest = std::min(nearest, std::hypot(x + 0.5 - r[0], y + 0.5 - r[1]));
                }
            }
        }
        EXPECT_LT(nearest, voxelPixels) << "no marker pixel near the rod's centre";
    }
}

INSTANTIATE_TEST_SUITE_P(Acquisitions, PlaneSceneOrientation,
                         testing::Values(Acquisition{"HFS", dokuei::phantom::PatientPosition::HFS, 0.0},
                                         Acquisition{"FFS", dokuei::phantom::PatientPosition::FFS, 0.0},
                                         Acquisition{"HFP", dokuei::phantom::PatientPosition::HFP, 0.0},
                                         Acquisition{"FFP", dokuei::phantom::PatientPosition::FFP, 0.0},
                                         Acquisition{"HFS_oblique30", dokuei::phantom::PatientPosition::HFS,
                                                     30.0}),
                         [](const auto& param) { return std::string(param.param.name); });

} // namespace
