// SliceScene rendered off-screen from a phantom volume assembled by the product's VolumeAssembler: pixels
// read back and checked against the voxels, the DICOM linear VOI function and the stored-image geometry.
#include "dokuei/viewer/render/SliceScene.h"

#include "ReadingTestSupport.h"
#include "RenderTestSupport.h"
#include "dokuei/viewer/core/OrientationLabels.h"
#include "dokuei/viewer/core/WindowLevel.h"

#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>
#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkUnsignedCharArray.h>

namespace {

using dokuei::viewer::SliceInterpolation;
using dokuei::viewer::SliceScene;
using dokuei::viewer::Volume;
using dokuei::viewer::Window;
using dokuei::viewer::test::loadPhantom;
using dokuei::viewer::test::PhantomVolume;

constexpr int kSize = 256; // tiny phantom: 64 x 64 voxels of 5.6 mm -> exactly 4 screen pixels per voxel

/// An off-screen window around a scene; grey() renders and returns the red channel top-down (row 0 = top).
struct Offscreen : dokuei::viewer::test::OffscreenWindow
{
    explicit Offscreen(SliceScene& scene) : OffscreenWindow(scene.renderer(), kSize) {}
};

int at(const std::vector<int>& image, int x, int y)
{
    return image[std::size_t(y) * kSize + std::size_t(x)];
}

std::int16_t hu(const Volume& v, int column, int row, int k)
{
    return v.slice(k)[std::size_t(row) * std::size_t(v.columns()) + std::size_t(column)];
}

/// Where the fitted camera must put the centre of voxel (column, row), in screen pixels (x right, y down),
/// computed from the geometry alone: the whole slice fits the (square) viewport, centred, column to the
/// right, row downwards.
std::array<double, 2> expectedScreen(const Volume& v, double column, double row)
{
    const auto& g = v.geometry();
    const double width = v.columns() * g.columnSpacing;
    const double height = v.rows() * g.rowSpacing;
    const double pixelsPerMm = kSize / std::max(width, height);
    return {kSize / 2.0 + (column - (v.columns() - 1) / 2.0) * g.columnSpacing * pixelsPerMm,
            kSize / 2.0 + (row - (v.rows() - 1) / 2.0) * g.rowSpacing * pixelsPerMm};
}

/// Compares the grey under every voxel centre of slice k with the VOI function of that voxel's HU.
/// Returns the number of voxels off by more than one grey level (and reports the first few).
int voxelMismatches(const Volume& v, int k, const std::vector<int>& image, Window window, bool invert = false)
{
    int bad = 0;
    for (int row = 0; row < v.rows(); ++row) {
        for (int column = 0; column < v.columns(); ++column) {
            const auto s = expectedScreen(v, column, row);
            const int x = int(std::floor(s[0]));
            const int y = int(std::floor(s[1]));
            const int want = dokuei::viewer::greyForHu(hu(v, column, row, k), window, invert);
            const int got = at(image, x, y);
            if (std::abs(got - want) > 1) {
                if (++bad <= 5) {
                    ADD_FAILURE() << "slice " << k << " voxel (col " << column << ", row " << row << ") HU "
                                  << hu(v, column, row, k) << ": grey " << got << ", VOI says " << want;
                }
            }
        }
    }
    return bad;
}

/// The slice holding most voxels of `value` HU and those voxels' centroid (column, row).
struct Found
{
    int slice = -1;
    int count = 0;
    double column = 0;
    double row = 0;
};

Found findHu(const Volume& v, int value)
{
    Found best;
    for (int k = 0; k < v.slices(); ++k) {
        Found f{k, 0, 0, 0};
        for (int row = 0; row < v.rows(); ++row) {
            for (int column = 0; column < v.columns(); ++column) {
                if (hu(v, column, row, k) == value) {
                    ++f.count;
                    f.column += column;
                    f.row += row;
                }
            }
        }
        if (f.count > best.count) {
            best = f;
        }
    }
    if (best.count > 0) {
        best.column /= best.count;
        best.row /= best.count;
    }
    return best;
}

dokuei::phantom::PhantomSpec positioned(dokuei::phantom::PatientPosition position)
{
    auto spec = dokuei::viewer::test::tinySpec();
    spec.position = position;
    return spec;
}

class SliceSceneOrientation : public testing::TestWithParam<dokuei::phantom::PatientPosition>
{
};

/// The marker (an L on the patient's left, HU 1000, nothing else has that value) appears where the stored
/// geometry says: column to screen right, row to screen down, on the side whose label says L, and at the
/// patient position the actor's matrix claims.
TEST_P(SliceSceneOrientation, MarkerAppearsWhereTheStoredGeometrySays)
{
    auto loaded = loadPhantom(positioned(GetParam()));
    ASSERT_TRUE(loaded);
    const Volume& v = loaded->volume();
    const int markerHu = dokuei::viewer::test::truthObject(*loaded->model, "marker-rod").hu;
    const Found marker = findHu(v, markerHu);
    ASSERT_GT(marker.count, 3);

    SliceScene scene;
    Offscreen screen(scene);
    ASSERT_TRUE(scene.setVolume(v));
    scene.setSlice(marker.slice);
    EXPECT_EQ(scene.slice(), marker.slice);
    // Only HU 1000 (and above: the metal clip, in another slice) is white; ribs at 800 stay black.
    scene.setWindow({double(markerHu), 2});
    const auto image = screen.grey();

    // Everything white on screen against every voxel >= 1000 HU in that slice (the marker, and the metal
    // clip when it shares the slice): same area (16 screen pixels per voxel), same centroid.
    double sx = 0;
    double sy = 0;
    int white = 0;
    for (int y = 0; y < kSize; ++y) {
        for (int x = 0; x < kSize; ++x) {
            if (at(image, x, y) > 200) {
                sx += x + 0.5;
                sy += y + 0.5;
                ++white;
            }
        }
    }
    ASSERT_GT(white, 0) << "nothing bright on screen";
    sx /= white;
    sy /= white;
    double bc = 0;
    double br = 0;
    int bright = 0;
    for (int row = 0; row < v.rows(); ++row) {
        for (int column = 0; column < v.columns(); ++column) {
            if (hu(v, column, row, marker.slice) >= markerHu) {
                bc += column;
                br += row;
                ++bright;
            }
        }
    }
    EXPECT_EQ(white, bright * 16) << "bright pixels on screen";
    const auto want = expectedScreen(v, bc / bright, br / bright);
    EXPECT_NEAR(sx, want[0] + 0.5, 1.0) << "bright centroid column " << bc / bright;
    EXPECT_NEAR(sy, want[1] + 0.5, 1.0) << "bright centroid row " << br / bright;

    // The marker's own voxels are white on screen at their column (right) / row (down) place, and that
    // place is on the side of the screen whose orientation label says L (the marker is on the patient's
    // left).
    const auto m = expectedScreen(v, marker.column, marker.row);
    const auto nearestVoxel = expectedScreen(v, std::round(marker.column), std::round(marker.row));
    EXPECT_GT(at(image, int(nearestVoxel[0]), int(nearestVoxel[1])), 200)
        << "marker not white where expected";
    const auto labels = dokuei::viewer::sideLabels(dokuei::viewer::storedImageAxes(v.geometry()));
    const QString& side = m[0] > kSize / 2.0 ? labels.right : labels.left;
    EXPECT_TRUE(side.contains(u'L')) << "marker at x " << m[0] << ", labels left "
                                     << labels.left.toStdString() << " right " << labels.right.toStdString();

    // The scene's patient mapping: the marker's patient position (from the volume's geometry) goes to the
    // world point drawn at the same screen place, and back.
    const auto& g = v.geometry();
    dokuei::viewer::Vec3 patient{};
    for (std::size_t r = 0; r < 3; ++r) {
        patient[r] = g.origin[r] + marker.column * g.columnSpacing * g.rowDirection[r] +
                     marker.row * g.rowSpacing * g.columnDirection[r] + marker.slice * g.sliceStep[r];
    }
    const auto world = scene.patientToWorld(patient);
    const auto back = scene.worldToPatient(world);
    for (std::size_t r = 0; r < 3; ++r) {
        EXPECT_NEAR(back[r], patient[r], 1e-6);
    }
    double p[4] = {world[0], world[1], world[2], 1};
    scene.renderer()->SetWorldPoint(p);
    scene.renderer()->WorldToDisplay();
    const double* d = scene.renderer()->GetDisplayPoint();
    EXPECT_NEAR(d[0], m[0] + 0.5, 1.0);
    EXPECT_NEAR(kSize - d[1], m[1] + 0.5, 1.0);
}

INSTANTIATE_TEST_SUITE_P(Positions, SliceSceneOrientation,
                         testing::Values(dokuei::phantom::PatientPosition::HFS,
                                         dokuei::phantom::PatientPosition::FFS,
                                         dokuei::phantom::PatientPosition::HFP),
                         [](const auto& param) {
                             return std::string(dokuei::phantom::toString(param.param));
                         });

class SliceSceneTest : public testing::Test
{
protected:
    static void SetUpTestSuite() { s_loaded = loadPhantom(dokuei::viewer::test::tinySpec()).release(); }
    static void TearDownTestSuite()
    {
        delete s_loaded;
        s_loaded = nullptr;
    }
    static PhantomVolume* s_loaded;
};

PhantomVolume* SliceSceneTest::s_loaded = nullptr;

/// Every voxel of the slice shows the grey the DICOM VOI function gives its HU, for several windows and
/// inverted; a water (0 HU) voxel is mid-grey (128) at W400/L0.
TEST_F(SliceSceneTest, GreyFollowsTheVoiFunction)
{
    ASSERT_TRUE(s_loaded);
    const Volume& v = s_loaded->volume();
    SliceScene scene;
    Offscreen screen(scene);
    ASSERT_TRUE(scene.setVolume(v));
    const int k = scene.slice();
    EXPECT_EQ(k, v.slices() / 2);

    int notGrey = -1;
    scene.setWindow({0, 400});
    auto image = screen.grey(&notGrey);
    EXPECT_EQ(notGrey, 0);
    EXPECT_EQ(voxelMismatches(v, k, image, {0, 400}), 0);
    // A water voxel at W400/L0.
    bool sawWater = false;
    for (int row = 0; row < v.rows() && !sawWater; ++row) {
        for (int column = 0; column < v.columns() && !sawWater; ++column) {
            if (hu(v, column, row, k) == 0) {
                const auto s = expectedScreen(v, column, row);
                EXPECT_EQ(dokuei::viewer::greyForHu(0, {0, 400}), 128);
                EXPECT_NEAR(at(image, int(s[0]), int(s[1])), 128, 1) << "water at col " << column;
                sawWater = true;
            }
        }
    }
    EXPECT_TRUE(sawWater) << "no 0 HU voxel in slice " << k;

    for (const Window w : {Window{-600, 1500}, Window{40, 80}, Window{400, 1800}}) {
        scene.setWindow(w);
        EXPECT_EQ(voxelMismatches(v, k, screen.grey(), w), 0) << "W" << w.width << "/L" << w.centre;
    }
    scene.setWindow({40, 400});
    scene.setInvert(true);
    EXPECT_EQ(voxelMismatches(v, k, screen.grey(), {40, 400}, true), 0) << "inverted";
}

/// setSlice shows the truth of the new slice (and the content really changes).
TEST_F(SliceSceneTest, SetSliceShowsThatSlice)
{
    ASSERT_TRUE(s_loaded);
    const Volume& v = s_loaded->volume();
    SliceScene scene;
    Offscreen screen(scene);
    ASSERT_TRUE(scene.setVolume(v));
    const Window w{40, 400};
    scene.setWindow(w);
    EXPECT_EQ(scene.sliceCount(), v.slices());

    scene.setSlice(1);
    const auto first = screen.grey();
    EXPECT_EQ(voxelMismatches(v, 1, first, w), 0);
    const int last = v.slices() - 2;
    scene.setSlice(last);
    EXPECT_EQ(scene.slice(), last);
    const auto second = screen.grey();
    EXPECT_EQ(voxelMismatches(v, last, second, w), 0);
    int changed = 0;
    for (std::size_t i = 0; i < first.size(); ++i) {
        changed += first[i] != second[i] ? 1 : 0;
    }
    EXPECT_GT(changed, kSize * kSize / 20) << "slices 1 and " << last << " look alike";

    scene.setSlice(1000);
    EXPECT_EQ(scene.slice(), v.slices() - 1);
    EXPECT_EQ(voxelMismatches(v, v.slices() - 1, screen.grey(), w), 0);
    scene.setSlice(-5);
    EXPECT_EQ(scene.slice(), 0);
    EXPECT_EQ(voxelMismatches(v, 0, screen.grey(), w), 0);
}

/// Linear interpolation blends across voxel edges; nearest keeps each voxel a flat square.
TEST_F(SliceSceneTest, InterpolationToggle)
{
    ASSERT_TRUE(s_loaded);
    const Volume& v = s_loaded->volume();
    SliceScene scene;
    Offscreen screen(scene);
    ASSERT_TRUE(scene.setVolume(v));
    scene.setWindow({40, 400});
    EXPECT_EQ(scene.interpolation(), SliceInterpolation::Nearest);
    const auto nearest = screen.grey();
    // Nearest: inside each 4 x 4 voxel square all pixels are equal.
    int unevenSquares = 0;
    for (int y = 0; y < kSize; y += 4) {
        for (int x = 0; x < kSize; x += 4) {
            for (int dy = 0; dy < 4; ++dy) {
                for (int dx = 0; dx < 4; ++dx) {
                    if (at(nearest, x + dx, y + dy) != at(nearest, x, y)) {
                        ++unevenSquares;
                        dy = dx = 4;
                    }
                }
            }
        }
    }
    EXPECT_EQ(unevenSquares, 0);

    scene.setInterpolation(SliceInterpolation::Linear);
    EXPECT_EQ(scene.interpolation(), SliceInterpolation::Linear);
    const auto linear = screen.grey();
    int differing = 0;
    for (std::size_t i = 0; i < linear.size(); ++i) {
        differing += linear[i] != nearest[i] ? 1 : 0;
    }
    EXPECT_GT(differing, kSize * kSize / 50);
    scene.setInterpolation(SliceInterpolation::Nearest);
    EXPECT_EQ(screen.grey(), nearest);
}

/// The image data wraps the volume's own memory (no copy); clear() drops that pointer, and rendering after
/// clear (and after the volume is wiped) shows only the background.
TEST_F(SliceSceneTest, ZeroCopyAndClearDropsThePointer)
{
    auto loaded = loadPhantom(dokuei::viewer::test::tinySpec());
    ASSERT_TRUE(loaded);
    Volume& v = *loaded->assembler->volume();
    const auto* begin = reinterpret_cast<const std::byte*>(v.slice(0));
    const auto* end = begin + v.bytes();

    SliceScene scene;
    Offscreen screen(scene);
    ASSERT_TRUE(scene.setVolume(v));
    EXPECT_EQ(scene.imageData()->GetScalarPointer(), static_cast<const void*>(v.slice(0)));
    int dims[3];
    scene.imageData()->GetDimensions(dims);
    EXPECT_EQ(dims[0], v.columns());
    EXPECT_EQ(dims[1], v.rows());
    EXPECT_EQ(dims[2], v.slices());
    const auto before = screen.grey();
    int lit = 0;
    for (int value : before) {
        lit += value > 0 ? 1 : 0;
    }
    EXPECT_GT(lit, kSize * kSize / 4);

    // The view reads the volume's own memory: a voxel changed in place shows after voxelsChanged().
    const int k = scene.slice();
    const int column = v.columns() / 2;
    const int row = v.rows() / 2;
    const auto s = expectedScreen(v, column, row);
    scene.setWindow({40, 400});
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
}

} // namespace
