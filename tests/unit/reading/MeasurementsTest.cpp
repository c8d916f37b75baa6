#include "dokuei/viewer/core/Measurements.h"

#include "ReadingTestSupport.h"
#include "dokuei/security/WipeRegistry.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <numbers>
#include <random>

#include <gtest/gtest.h>

using namespace dokuei;
using namespace dokuei::viewer;
using namespace dokuei::viewer::test;

namespace {

double distance(const phantom::Vec3& a, const phantom::Vec3& b)
{
    return std::sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) +
                     (a[2] - b[2]) * (a[2] - b[2]));
}

std::array<int, 3> nearestVoxel(const Volume& v, const phantom::Vec3& patient)
{
    const auto index = patientToVoxel(v.geometry(), patient);
    EXPECT_TRUE(index);
    if (!index)
        return {0, 0, 0};
    return {int(std::lround((*index)[0])), int(std::lround((*index)[1])), int(std::lround((*index)[2]))};
}

int huAt(const Volume& v, const std::array<int, 3>& i)
{
    return v.slice(i[2])[std::size_t(i[1]) * std::size_t(v.columns()) + std::size_t(i[0])];
}

/// The length tool across a sphere along one voxel axis (0 column, 1 row, 2 slice), placed as a reader places
/// it: from the voxel nearest the true centre, the sphere's voxels are followed both ways; each end point is
/// put on the boundary between the last voxel inside and the first outside (half a voxel beyond the last
/// inside voxel: the half-way point between the sphere's HU and the neighbour's, linearly interpolated).
double measureAcross(const Volume& v, const phantom::TruthObject& sphere, int axis)
{
    const std::array<int, 3> start = nearestVoxel(v, sphere.centre);
    EXPECT_EQ(huAt(v, start), sphere.hu) << "the voxel nearest the centre lies inside (phantom guarantee)";
    const int extent[3] = {v.columns(), v.rows(), v.slices()};
    double ends[2] = {0, 0};
    for (int side = 0; side < 2; ++side) {
        const int dir = side == 0 ? -1 : 1;
        std::array<int, 3> i = start;
        for (;;) {
            std::array<int, 3> next = i;
            next[std::size_t(axis)] += dir;
            if (next[std::size_t(axis)] < 0 || next[std::size_t(axis)] >= extent[axis]) {
                ADD_FAILURE() << "sphere reaches the volume's edge";
                break;
            }
            if (huAt(v, next) != sphere.hu)
                break;
            i = next;
        }
        ends[side] = i[std::size_t(axis)] + 0.5 * dir;
    }
    VoxelIndex a{double(start[0]), double(start[1]), double(start[2])};
    VoxelIndex b = a;
    a[std::size_t(axis)] = ends[0];
    b[std::size_t(axis)] = ends[1];
    return lengthMm(v, a, b);
}

/// Fine isotropic chest phantoms shared by the tests of a suite (generated once: ~4 M voxels each).
class PhantomMeasurements : public ::testing::Test
{
public:
    static void SetUpTestSuite()
    {
        s_axial = loadPhantom(fineChestSpec(256, 64, 0.4)).release();
        phantom::PhantomSpec oblique = fineChestSpec(256, 64, 0.4);
        oblique.obliqueAngle = 30;
        oblique.obliqueAxis = {1, 0, 0};
        s_oblique = loadPhantom(oblique).release();
        // Anisotropic, oblique about a non-principal axis, feet first prone.
        phantom::PhantomSpec aniso = phantom::presetSpec(phantom::Preset::Chest);
        aniso.rows = 96;
        aniso.columns = 128;
        aniso.slices = 24;
        aniso.rowSpacing = 0.5;
        aniso.columnSpacing = 0.7;
        aniso.sliceSpacing = 1.3;
        aniso.sliceThickness = 1.3;
        aniso.position = phantom::PatientPosition::FFP;
        aniso.obliqueAngle = 30;
        aniso.obliqueAxis = {1, 1, 0};
        aniso.identity.studyUid = "1.2.826.0.1.3680043.10.543.79";
        s_aniso = loadPhantom(aniso).release();
    }
    static void TearDownTestSuite()
    {
        delete s_axial;
        delete s_oblique;
        delete s_aniso;
        s_axial = s_oblique = s_aniso = nullptr;
    }

protected:
    void SetUp() override
    {
        if (!s_axial || !s_oblique || !s_aniso)
            GTEST_SKIP() << "phantom generation failed (reported in SetUpTestSuite)";
    }
    static PhantomVolume* s_axial;
    static PhantomVolume* s_oblique;
    static PhantomVolume* s_aniso;
};
PhantomVolume* PhantomMeasurements::s_axial = nullptr;
PhantomVolume* PhantomMeasurements::s_oblique = nullptr;
PhantomVolume* PhantomMeasurements::s_aniso = nullptr;

void expectSphereDiameters(const PhantomVolume& p, const char* what)
{
    for (const char* name : {"sphere-lesion", "sphere-nodule"}) {
        const phantom::TruthObject& sphere = truthObject(*p.model, name);
        const double truth = 2 * sphere.radius;
        static const char* axes[] = {"row (along columns)", "column (along rows)", "slice"};
        for (int axis = 0; axis < 3; ++axis) {
            const double measured = measureAcross(p.volume(), sphere, axis);
            std::printf("[measure] %s %s diameter along %s: %.3f mm, truth %.3f mm (error %+.3f)\n", what,
                        name, axes[axis], measured, truth, measured - truth);
            EXPECT_NEAR(measured, truth, 0.5) << what << " " << name << " axis " << axis;
        }
    }
}

} // namespace

TEST_F(PhantomMeasurements, SphereDiameterAlongRowColumnAndSliceWithinHalfMillimetre)
{
    expectSphereDiameters(*s_axial, "axial HFS");
}

TEST_F(PhantomMeasurements, SphereDiameterInThirtyDegreeObliqueAcquisition)
{
    // The volume's axes are oblique to the patient: the row direction stays +x, the column and slice
    // directions are tilted 30 degrees; the length tool must still measure the true diameter.
    EXPECT_NEAR(s_oblique->volume().geometry().columnDirection[2], 0.5, 1e-6);
    expectSphereDiameters(*s_oblique, "oblique 30");
}

TEST_F(PhantomMeasurements, LengthAndAngleEqualTruthPositionsInAnisotropicObliqueVolume)
{
    const PhantomVolume& p = *s_aniso;
    const Volume& v = p.volume();
    ASSERT_EQ(v.columns(), 128);
    ASSERT_EQ(v.rows(), 96);
    ASSERT_EQ(v.slices(), 24);
    std::mt19937 rng(5);
    std::uniform_real_distribution<double> col(0, 127), row(0, 95);
    std::uniform_int_distribution<int> slice(0, 23);
    for (int i = 0; i < 200; ++i) {
        const int k1 = slice(rng), k2 = slice(rng);
        const double c1 = col(rng), r1 = row(rng), c2 = col(rng), r2 = row(rng);
        const int a1 = p.acquisitionIndex(k1), a2 = p.acquisitionIndex(k2);
        ASSERT_GE(a1, 0);
        ASSERT_GE(a2, 0);
        // Truth: the generator's own pixel -> patient mapping of the slices it wrote.
        const phantom::Vec3 t1 = p.model->pixelToPatient(a1, r1, c1);
        const phantom::Vec3 t2 = p.model->pixelToPatient(a2, r2, c2);
        EXPECT_NEAR(lengthMm(v, {c1, r1, double(k1)}, {c2, r2, double(k2)}), distance(t1, t2), 2e-3);
        const Vec3 mapped = voxelToPatient(v.geometry(), {c1, r1, double(k1)});
        EXPECT_NEAR(distance(mapped, t1), 0.0, 2e-3);
        const auto back = patientToVoxel(v.geometry(), t1);
        ASSERT_TRUE(back);
        EXPECT_NEAR((*back)[0], c1, 1e-4);
        EXPECT_NEAR((*back)[1], r1, 1e-4);
        EXPECT_NEAR((*back)[2], double(k1), 1e-4);
    }
    // The angle at a vertex, against the truth positions.
    const int k = 10;
    const int a = p.acquisitionIndex(k);
    const phantom::Vec3 vertex = p.model->pixelToPatient(a, 40, 50);
    const phantom::Vec3 end1 = p.model->pixelToPatient(a, 40, 90); // along the row
    const phantom::Vec3 end2 = p.model->pixelToPatient(a, 80, 90); // diagonal in index space
    const phantom::Vec3 end3 = p.model->pixelToPatient(p.acquisitionIndex(k + 8), 40, 50);
    const auto truthAngle = [](const phantom::Vec3& o, const phantom::Vec3& x, const phantom::Vec3& y) {
        const double d =
            ((x[0] - o[0]) * (y[0] - o[0]) + (x[1] - o[1]) * (y[1] - o[1]) + (x[2] - o[2]) * (y[2] - o[2]));
        return std::acos(d / (distance(o, x) * distance(o, y))) * 180 / std::numbers::pi;
    };
    const auto angle = angleDegrees(v, {90, 40, double(k)}, {50, 40, double(k)}, {90, 80, double(k)});
    ASSERT_TRUE(angle);
    EXPECT_NEAR(*angle, truthAngle(vertex, end1, end2), 1e-3);
    // Index-space 45 degrees is atan(0.5 * 40 / (0.7 * 40)) in patient space with the anisotropic pixels.
    EXPECT_NEAR(*angle, std::atan(0.5 / 0.7) * 180 / std::numbers::pi, 1e-3);
    const auto through = angleDegrees(v, {90, 40, double(k)}, {50, 40, double(k)}, {50, 40, double(k + 8)});
    ASSERT_TRUE(through);
    EXPECT_NEAR(*through, truthAngle(vertex, end1, end3), 1e-3);
    EXPECT_NEAR(*through, 90.0, 1e-3) << "no tilt: the slice step is along the normal";
}

TEST_F(PhantomMeasurements, ProbeReadsTheTruthHuOfEveryObject)
{
    for (const PhantomVolume* p : {s_axial, s_oblique, s_aniso}) {
        int probed = 0;
        for (const phantom::TruthObject& o : p->model->objects()) {
            const auto index = patientToVoxel(p->volume().geometry(), o.centre);
            ASSERT_TRUE(index);
            const Volume& v = p->volume();
            const double extent[3] = {double(v.columns()), double(v.rows()), double(v.slices())};
            bool inside = true;
            for (int i = 0; i < 3; ++i) {
                inside =
                    inside && (*index)[std::size_t(i)] >= -0.5 && (*index)[std::size_t(i)] < extent[i] - 0.5;
            }
            const auto probe = probeHu(v, *index);
            if (!inside) {
                // Rotated stacks cut off some objects' centres (e.g. the marker's foot): no voxel, no value.
                EXPECT_FALSE(probe) << o.name;
                continue;
            }
            ++probed;
            ASSERT_TRUE(probe) << o.name;
            EXPECT_EQ(probe->hu, o.hu) << o.name;
            // The probed voxel's centre is within half a voxel diagonal of the true centre.
            EXPECT_LT(distance(probe->patient, o.centre), 1.2) << o.name;
        }
        EXPECT_GE(probed, 6) << "spheres, inserts and the marker rod at least";
    }
}

TEST_F(PhantomMeasurements, ProbeReadsExactlyTheHuTheGeneratorWrote)
{
    const PhantomVolume& p = *s_aniso;
    const Volume& v = p.volume();
    std::mt19937 rng(9);
    std::uniform_int_distribution<int> col(0, v.columns() - 1), row(0, v.rows() - 1),
        slice(0, v.slices() - 1);
    std::uniform_real_distribution<double> jitter(-0.49, 0.49);
    std::map<int, std::vector<std::int16_t>> truth;
    for (int i = 0; i < 500; ++i) {
        const int c = col(rng), r = row(rng), k = slice(rng);
        const int a = p.acquisitionIndex(k);
        ASSERT_GE(a, 0);
        if (!truth.contains(a))
            truth[a] = p.model->huSlice(a);
        const auto probe = probeHu(v, {c + jitter(rng), r + jitter(rng), k + jitter(rng)});
        ASSERT_TRUE(probe);
        EXPECT_EQ(probe->column, c);
        EXPECT_EQ(probe->row, r);
        EXPECT_EQ(probe->slice, k);
        EXPECT_EQ(probe->hu, truth[a][std::size_t(r) * std::size_t(v.columns()) + std::size_t(c)]);
    }
    EXPECT_FALSE(probeHu(v, {-0.6, 0, 0}));
    EXPECT_FALSE(probeHu(v, {v.columns() - 0.5, 0, 0}));
    EXPECT_FALSE(probeHu(v, {0, 0, v.slices() - 0.5}));
    EXPECT_TRUE(probeHu(v, {-0.49, -0.49, v.slices() - 0.51}));
}

TEST_F(PhantomMeasurements, EllipseRoiOnNoiseFreeInsertEqualsTruth)
{
    for (const PhantomVolume* p : {s_axial, s_oblique}) {
        const Volume& v = p->volume();
        const phantom::TruthObject& insert = truthObject(*p->model, "cylinder-insert");
        const auto index = patientToVoxel(v.geometry(), insert.centre);
        ASSERT_TRUE(index);
        const int k = int(std::lround((*index)[2]));
        // Semi-axes one pixel inside the insert's radius (in an oblique slice the section is an ellipse
        // elongated along the tilted column direction, so the row-direction radius is the smaller one).
        const double semi = insert.radius / v.geometry().columnSpacing - 1.0;
        const auto stats = ellipseStatistics(v, k, {(*index)[0], (*index)[1]}, semi, semi);
        ASSERT_TRUE(stats);
        std::printf(
            "[measure] ellipse ROI in cylinder-insert (truth %d HU): mean %.3f SD %.3f min %d max %d, "
            "%zu px, %.3f mm2\n",
            insert.hu, stats->meanHu, stats->sdHu, stats->minHu, stats->maxHu, stats->pixelCount,
            stats->areaMm2);
        EXPECT_NEAR(stats->meanHu, insert.hu, 1.0);
        EXPECT_EQ(stats->minHu, insert.hu);
        EXPECT_EQ(stats->maxHu, insert.hu);
        EXPECT_EQ(stats->sdHu, 0.0);
        const double ellipseArea =
            std::numbers::pi * semi * semi * v.geometry().rowSpacing * v.geometry().columnSpacing;
        EXPECT_NEAR(stats->areaMm2, ellipseArea, 0.2 * ellipseArea);
        EXPECT_DOUBLE_EQ(stats->areaMm2,
                         double(stats->pixelCount) * v.geometry().rowSpacing * v.geometry().columnSpacing);
    }
}

TEST_F(PhantomMeasurements, FreehandRoiOnNoiseFreeWaterRodEqualsTruth)
{
    const Volume& v = s_axial->volume();
    const phantom::TruthObject& rod = truthObject(*s_axial->model, "water-rod"); // along x
    ASSERT_EQ(rod.axis, (phantom::Vec3{1, 0, 0}));
    const auto centre = patientToVoxel(v.geometry(), rod.centre);
    ASSERT_TRUE(centre);
    const int k = int(std::lround((*centre)[2]));
    // A hexagon inside the rod's section in its central slice: 1 mm short of its ends, 0.7 mm inside its
    // wall.
    const double hx = rod.length / 2 - 1.0;
    const double hy = rod.radius - 0.7;
    const double offsets[][2] = {{-hx, 0}, {-hx + 2, -hy}, {hx - 2, -hy},
                                 {hx, 0},  {hx - 2, hy},   {-hx + 2, hy}};
    std::vector<PixelPoint> hexagon;
    for (const auto& o : offsets) {
        const auto pixel =
            patientToVoxel(v.geometry(), {rod.centre[0] + o[0], rod.centre[1] + o[1], rod.centre[2]});
        ASSERT_TRUE(pixel);
        hexagon.push_back({(*pixel)[0], (*pixel)[1]});
    }
    const auto stats = polygonStatistics(v, k, hexagon);
    ASSERT_TRUE(stats);
    std::printf("[measure] freehand ROI in water-rod (truth %d HU): mean %.3f SD %.3f min %d max %d, %zu px, "
                "%.3f mm2\n",
                rod.hu, stats->meanHu, stats->sdHu, stats->minHu, stats->maxHu, stats->pixelCount,
                stats->areaMm2);
    EXPECT_NEAR(stats->meanHu, rod.hu, 1.0);
    EXPECT_EQ(stats->minHu, rod.hu);
    EXPECT_EQ(stats->maxHu, rod.hu);
    EXPECT_GT(stats->pixelCount, 50u);
    const double hexagonArea = (2 * hx + 2 * hx - 4) * hy; // two trapezoids
    EXPECT_NEAR(stats->areaMm2, hexagonArea, 0.25 * hexagonArea);
}

TEST_F(PhantomMeasurements, EllipseRoiInNoisyLiverMatchesTissueHuAndNoise)
{
    // The liver: tissue class "liver" (60 HU) with the anatomy noise (--noise, default 12 HU). Where it lies
    // is the model's anatomy (README: patient right, feet-ward slices): ellipsoid centre (-55 s, 0, zC - 0.75
    // h), semi-axes (80 s, 70 s, 0.5 h) with s = half FOV / 179.2 mm and h = half the stack length; nothing
    // else is painted within 8 mm of its centre on this grid.
    const PhantomVolume& p = *s_axial;
    const Volume& v = p.volume();
    int liverHu = 0;
    for (const auto& t : p.model->tissues())
        if (t.name == "liver")
            liverHu = t.hu;
    ASSERT_EQ(liverHu, 60);
    const double s = std::min(p.study.spec.rows * p.study.spec.rowSpacing,
                              p.study.spec.columns * p.study.spec.columnSpacing) /
                     2.0 / 179.2;
    const double h = p.study.spec.slices * p.study.spec.sliceSpacing / 2.0;
    const phantom::Vec3 liverCentre{-55 * s, 0, p.model->volumeCentre()[2] - 0.75 * h};
    const auto index = patientToVoxel(v.geometry(), liverCentre);
    ASSERT_TRUE(index);
    const double semi = 8.0 / v.geometry().columnSpacing; // 8 mm
    const auto stats =
        ellipseStatistics(v, int(std::lround((*index)[2])), {(*index)[0], (*index)[1]}, semi, semi);
    ASSERT_TRUE(stats);
    std::printf(
        "[measure] ellipse ROI in liver (truth %d HU, noise sigma %.1f): mean %.3f SD %.3f (sample %.3f) "
        "min %d max %d, %zu px, %.3f mm2\n",
        liverHu, p.study.spec.noiseSigma, stats->meanHu, stats->sdHu, stats->sampleSdHu, stats->minHu,
        stats->maxHu, stats->pixelCount, stats->areaMm2);
    EXPECT_GT(stats->pixelCount, 1000u);
    EXPECT_NEAR(stats->meanHu, liverHu, 1.0);
    EXPECT_NEAR(stats->sdHu, p.study.spec.noiseSigma, 1.0);
    EXPECT_GT(stats->sampleSdHu, stats->sdHu);
    // The noise is bounded (Irwin-Hall of four uniforms: |z| <= 3.47).
    EXPECT_GE(stats->minHu, liverHu - 42);
    EXPECT_LE(stats->maxHu, liverHu + 42);
}

namespace {

/// A small synthetic volume whose statistics can be worked out by hand: HU = column + 100 x row.
std::unique_ptr<Volume> rampVolume(security::WipeRegistry* registry = nullptr)
{
    auto created = Volume::create(20, 30, 2, VolumeLimits{}, registry);
    EXPECT_TRUE(created);
    std::unique_ptr<Volume> v = std::move(*created);
    for (int k = 0; k < 2; ++k)
        for (int r = 0; r < 20; ++r)
            for (int c = 0; c < 30; ++c)
                v->slice(k)[r * 30 + c] = std::int16_t(c + 100 * r);
    VolumeGeometry g;
    g.rowSpacing = 0.5;
    g.columnSpacing = 0.8;
    g.sliceSpacing = 2.0;
    g.sliceStep = {0, 0, 2.0};
    v->setGeometry(g);
    return v;
}

} // namespace

TEST(RoiStatistics, RectangleByHand)
{
    auto v = rampVolume();
    // Pixel centres inside [2.5, 7.2] x [3.5, 9.0): columns 3..7, rows 4..8 (row 9 lies on the edge: the
    // even-odd scan line through y = 9 crosses no edge, as in pnpoly).
    const PixelPoint rect[] = {{2.5, 3.5}, {7.2, 3.5}, {7.2, 9.0}, {2.5, 9.0}};
    const auto s = polygonStatistics(*v, 1, rect);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->pixelCount, 25u);
    EXPECT_DOUBLE_EQ(s->meanHu, 5 + 600);
    EXPECT_EQ(s->minHu, 3 + 400);
    EXPECT_EQ(s->maxHu, 7 + 800);
    // Independent column and row on a full grid: variance 2 + 100^2 x 2.
    EXPECT_NEAR(s->sdHu, std::sqrt(20002.0), 1e-9);
    EXPECT_NEAR(s->sampleSdHu, std::sqrt(20002.0 * 25 / 24), 1e-9);
    EXPECT_DOUBLE_EQ(s->areaMm2, 25 * 0.5 * 0.8);
}

TEST(RoiStatistics, EllipseByHandAndClippedAtTheBorder)
{
    auto v = rampVolume();
    // Centre (10.5, 7), semi-axes 3 x 2: row 7 and row 6/8 (|x - 10.5| <= 2.598) hold columns 8..13;
    // rows 5 and 9 touch the ellipse only at x = 10.5 (no pixel centre).
    const auto s = ellipseStatistics(*v, 0, {10.5, 7}, 3, 2);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->pixelCount, 18u);
    EXPECT_DOUBLE_EQ(s->meanHu, 10.5 + 700);
    EXPECT_EQ(s->minHu, 8 + 600);
    EXPECT_EQ(s->maxHu, 13 + 800);
    EXPECT_DOUBLE_EQ(s->areaMm2, 18 * 0.4);
    // At the corner: x^2 + y^2 <= 6.25 with x, y >= 0: (0..2, 0), (0..2, 1), (0..1, 2).
    const auto corner = ellipseStatistics(*v, 0, {0, 0}, 2.5, 2.5);
    ASSERT_TRUE(corner);
    EXPECT_EQ(corner->pixelCount, 8u);
    EXPECT_EQ(corner->maxHu, 1 + 200);
}

TEST(RoiStatistics, SelfIntersectingStarUsesEvenOdd)
{
    auto v = rampVolume();
    std::int16_t* s = v->slice(0);
    std::fill(s, s + 600, std::int16_t(0));
    s[10 * 30 + 15] = 1000; // the star's centre: inside the pentagon the even-odd rule leaves out
    s[3 * 30 + 15] = -500;  // in the top point of the star: inside
    std::vector<PixelPoint> star;
    for (int i = 0; i < 5; ++i) {
        const double angle = -std::numbers::pi / 2 + i * 4 * std::numbers::pi / 5; // every second vertex
        star.push_back({15 + 8 * std::cos(angle), 10.2 + 8 * std::sin(angle)});
    }
    const auto stats = polygonStatistics(*v, 0, star);
    ASSERT_TRUE(stats);
    EXPECT_EQ(stats->maxHu, 0) << "centre counted: non-zero winding instead of even-odd";
    EXPECT_EQ(stats->minHu, -500);
}

TEST(RoiStatistics, RefusesWhatIsNotARegion)
{
    security::WipeRegistry registry;
    auto v = rampVolume(&registry);
    const PixelPoint two[] = {{1, 1}, {5, 5}};
    EXPECT_FALSE(polygonStatistics(*v, 0, two));
    EXPECT_FALSE(ellipseStatistics(*v, 2, {5, 5}, 2, 2)) << "no slice 2";
    EXPECT_FALSE(ellipseStatistics(*v, -1, {5, 5}, 2, 2));
    EXPECT_FALSE(ellipseStatistics(*v, 0, {5, 5}, 0, 2));
    EXPECT_FALSE(ellipseStatistics(*v, 0, {0.5, 0.5}, 0.2, 0.2)) << "no pixel centre inside";
    EXPECT_FALSE(ellipseStatistics(*v, 0, {-10, -10}, 2, 2)) << "outside the image";
    const auto one = ellipseStatistics(*v, 0, {4, 3}, 0.3, 0.3);
    ASSERT_TRUE(one);
    EXPECT_EQ(one->pixelCount, 1u);
    EXPECT_EQ(one->sdHu, 0.0);
    EXPECT_EQ(one->sampleSdHu, 0.0);
    EXPECT_EQ(one->meanHu, 304.0);
    ASSERT_TRUE(probeHu(*v, {4, 3, 1}));
    registry.wipeAll();
    EXPECT_FALSE(ellipseStatistics(*v, 0, {5, 5}, 2, 2)) << "wiped";
    EXPECT_FALSE(probeHu(*v, {4, 3, 1})) << "wiped";
}

TEST(Length, AnisotropicPixelsByHand)
{
    auto v = rampVolume();
    EXPECT_DOUBLE_EQ(lengthMm(*v, {0, 0, 0}, {3, 4, 0}), std::hypot(3 * 0.8, 4 * 0.5));
    EXPECT_DOUBLE_EQ(lengthMm(*v, {0, 0, 0}, {0, 0, 1}), 2.0);
    EXPECT_NEAR(*angleDegrees(*v, {5, 0, 0}, {0, 0, 0}, {0, 5, 0}), 90.0, 1e-12);
    EXPECT_NEAR(*angleDegrees(*v, {5, 0, 0}, {0, 0, 0}, {-5, 0, 0}), 180.0, 1e-12);
    EXPECT_NEAR(*angleDegrees(*v, {5, 0, 0}, {0, 0, 0}, {5, 5, 0}),
                std::atan(2.5 / 4.0) * 180 / std::numbers::pi, 1e-12);
    EXPECT_FALSE(angleDegrees(*v, {0, 0, 0}, {0, 0, 0}, {1, 1, 0}));
}

TEST(TiltedStack, LengthFollowsTheShearedSliceStep)
{
    // Gantry tilt: the planes are tilted 15 degrees but the positions advance along the table, so the slice
    // step is not along the plane normal; lengths across slices must use the step the positions show.
    phantom::PhantomSpec spec = tinySpec();
    spec.gantryTilt = 15;
    auto p = loadPhantom(spec);
    ASSERT_TRUE(p);
    const Volume& v = p->volume();
    const double alongNormal = v.geometry().sliceStep[0] * v.geometry().normal[0] +
                               v.geometry().sliceStep[1] * v.geometry().normal[1] +
                               v.geometry().sliceStep[2] * v.geometry().normal[2];
    const double stepLength = std::sqrt(v.geometry().sliceStep[0] * v.geometry().sliceStep[0] +
                                        v.geometry().sliceStep[1] * v.geometry().sliceStep[1] +
                                        v.geometry().sliceStep[2] * v.geometry().sliceStep[2]);
    ASSERT_LT(std::abs(alongNormal), stepLength - 0.05) << "the stack must be sheared for this test";
    std::mt19937 rng(3);
    std::uniform_real_distribution<double> col(0, v.columns() - 1), row(0, v.rows() - 1);
    std::uniform_int_distribution<int> slice(0, v.slices() - 1);
    for (int i = 0; i < 100; ++i) {
        const int k1 = slice(rng), k2 = slice(rng);
        const double c1 = col(rng), r1 = row(rng), c2 = col(rng), r2 = row(rng);
        const int a1 = p->acquisitionIndex(k1), a2 = p->acquisitionIndex(k2);
        ASSERT_GE(a1, 0);
        ASSERT_GE(a2, 0);
        EXPECT_NEAR(lengthMm(v, {c1, r1, double(k1)}, {c2, r2, double(k2)}),
                    distance(p->model->pixelToPatient(a1, r1, c1), p->model->pixelToPatient(a2, r2, c2)),
                    2e-3);
    }
}
