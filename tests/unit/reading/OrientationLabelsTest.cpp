#include "dokuei/viewer/core/OrientationLabels.h"

#include "ReadingTestSupport.h"
#include "dokuei/viewer/core/Measurements.h"

#include <cmath>
#include <numbers>
#include <random>

#include <gtest/gtest.h>

using namespace dokuei;
using namespace dokuei::viewer;
using namespace dokuei::viewer::test;

namespace {

SideLabels labels(const char* left, const char* right, const char* top, const char* bottom)
{
    return {QString::fromLatin1(left), QString::fromLatin1(right), QString::fromLatin1(top),
            QString::fromLatin1(bottom)};
}

std::string show(const SideLabels& s)
{
    return (s.left + QStringLiteral(" | ") + s.right + QStringLiteral(" | ") + s.top + QStringLiteral(" | ") +
            s.bottom)
        .toStdString();
}

VolumeGeometry geometryOf(const phantom::PhantomModel& model)
{
    VolumeGeometry g;
    g.rowDirection = model.rowDirection();
    g.columnDirection = model.columnDirection();
    g.normal = model.sliceNormal();
    return g;
}

phantom::PhantomSpec positioned(phantom::PatientPosition position, double obliqueAngle = 0,
                                phantom::Vec3 obliqueAxis = {1, 0, 0})
{
    phantom::PhantomSpec spec = tinySpec();
    spec.position = position;
    spec.obliqueAngle = obliqueAngle;
    spec.obliqueAxis = obliqueAxis;
    return spec;
}

QChar opposite(QChar c)
{
    switch (c.toLatin1()) {
    case 'L':
        return u'R';
    case 'R':
        return u'L';
    case 'A':
        return u'P';
    case 'P':
        return u'A';
    case 'H':
        return u'F';
    default:
        return u'H';
    }
}

/// The invariants that make a left/right swap impossible: the label of a side names the sign of each LPS
/// component of the screen direction towards that side, and opposite sides carry opposite letters.
void expectConsistent(const ViewAxes& axes)
{
    const SideLabels s = sideLabels(axes);
    const auto check = [](const QString& label, const Vec3& towards) {
        static const char* positive = "LPH";
        static const char* negative = "RAF";
        for (int i = 0; i < 3; ++i) {
            if (label.contains(QLatin1Char(positive[i]))) {
                EXPECT_GT(towards[std::size_t(i)], 0.25) << label.toStdString();
            }
            if (label.contains(QLatin1Char(negative[i]))) {
                EXPECT_LT(towards[std::size_t(i)], -0.25) << label.toStdString();
            }
            if (std::abs(towards[std::size_t(i)]) > 0.26) {
                EXPECT_TRUE(label.contains(QLatin1Char(positive[i])) ||
                            label.contains(QLatin1Char(negative[i])))
                    << label.toStdString();
            }
        }
    };
    check(s.right, axes.right);
    check(s.bottom, axes.down);
    check(s.left, {-axes.right[0], -axes.right[1], -axes.right[2]});
    check(s.top, {-axes.down[0], -axes.down[1], -axes.down[2]});
    ASSERT_EQ(s.left.size(), s.right.size());
    for (qsizetype i = 0; i < s.left.size(); ++i)
        EXPECT_EQ(s.left[i], opposite(s.right[i])) << show(s);
    ASSERT_EQ(s.top.size(), s.bottom.size());
    for (qsizetype i = 0; i < s.top.size(); ++i)
        EXPECT_EQ(s.top[i], opposite(s.bottom[i])) << show(s);
}

} // namespace

TEST(OrientationLabel, LettersOrderAndThreshold)
{
    EXPECT_EQ(orientationLabel({1, 0, 0}), QStringLiteral("L"));
    EXPECT_EQ(orientationLabel({-1, 0, 0}), QStringLiteral("R"));
    EXPECT_EQ(orientationLabel({0, 1, 0}), QStringLiteral("P"));
    EXPECT_EQ(orientationLabel({0, -1, 0}), QStringLiteral("A"));
    EXPECT_EQ(orientationLabel({0, 0, 1}), QStringLiteral("H"));
    EXPECT_EQ(orientationLabel({0, 0, -1}), QStringLiteral("F"));
    EXPECT_EQ(orientationLabel({0.866, -0.5, 0}), QStringLiteral("LA"));
    EXPECT_EQ(orientationLabel({0.3, -0.5, 0.812}), QStringLiteral("HAL"));
    EXPECT_EQ(orientationLabel({0.1, -0.5, 0.86}), QStringLiteral("HA"))
        << "|0.1| is below the 0.25 threshold";
    EXPECT_EQ(orientationLabel({2, 0, 0}), QStringLiteral("L")) << "not normalised";
    EXPECT_EQ(orientationLabel({0, 0, 0}), QStringLiteral(""));
    // Exactly 0.25 is not "exceeds".
    EXPECT_EQ(orientationLabel({0.25, 0, std::sqrt(1 - 0.0625)}), QStringLiteral("H"));
}

TEST(OrientationLabels, StandardPlanesInRadiologicalConvention)
{
    EXPECT_EQ(sideLabels(standardViewAxes(ViewPlane::Axial)), labels("R", "L", "A", "P"));
    EXPECT_EQ(sideLabels(standardViewAxes(ViewPlane::Coronal)), labels("R", "L", "H", "F"));
    EXPECT_EQ(sideLabels(standardViewAxes(ViewPlane::Sagittal)), labels("A", "P", "H", "F"));
    // The viewer looks from the feet (axial), from the front (coronal), from the patient's left (sagittal).
    EXPECT_EQ(viewNormal(standardViewAxes(ViewPlane::Axial)), (Vec3{0, 0, 1}));
    EXPECT_EQ(viewNormal(standardViewAxes(ViewPlane::Coronal)), (Vec3{0, 1, 0}));
    EXPECT_EQ(viewNormal(standardViewAxes(ViewPlane::Sagittal)), (Vec3{-1, 0, 0}));
}

/// The stored image of each patient position, with the direction cosines the phantom writes for it (as
/// scanners do: HFS 1\0\0\0\1\0, FFS -1\0\0\0\1\0, HFP -1\0\0\0\-1\0, FFP 1\0\0\0\-1\0), labels by hand.
TEST(OrientationLabels, StoredAxialImageOfEachPatientPosition)
{
    struct Case
    {
        phantom::PatientPosition position;
        SideLabels expected;
    };
    const Case cases[] = {
        {phantom::PatientPosition::HFS, labels("R", "L", "A", "P")},
        {phantom::PatientPosition::FFS, labels("L", "R", "A", "P")},
        {phantom::PatientPosition::HFP, labels("L", "R", "P", "A")},
        {phantom::PatientPosition::FFP, labels("R", "L", "P", "A")},
    };
    for (const Case& c : cases) {
        const phantom::PhantomModel model(positioned(c.position));
        SCOPED_TRACE(std::string(phantom::toString(c.position)));
        const VolumeGeometry g = geometryOf(model);
        EXPECT_EQ(sideLabels(storedImageAxes(g)), c.expected) << show(sideLabels(storedImageAxes(g)));
        expectConsistent(storedImageAxes(g));
        // Shown radiologically (flipped without resampling): always R on screen left, anterior at the top.
        EXPECT_EQ(sideLabels(volumeViewAxes(g, ViewPlane::Axial)), labels("R", "L", "A", "P"));
        EXPECT_EQ(sideLabels(volumeViewAxes(g, ViewPlane::Coronal)), labels("R", "L", "H", "F"));
        EXPECT_EQ(sideLabels(volumeViewAxes(g, ViewPlane::Sagittal)), labels("A", "P", "H", "F"));
        for (ViewPlane p : {ViewPlane::Axial, ViewPlane::Coronal, ViewPlane::Sagittal})
            expectConsistent(volumeViewAxes(g, p));
    }
}

TEST(OrientationLabels, ThirtyDegreeObliqueAcquisitions)
{
    {
        // About the patient's x axis: rows stay along +x, columns tilt from P towards H.
        const phantom::PhantomModel model(positioned(phantom::PatientPosition::HFS, 30, {1, 0, 0}));
        const SideLabels s = sideLabels(storedImageAxes(geometryOf(model)));
        EXPECT_EQ(s, labels("R", "L", "AF", "PH")) << show(s);
        expectConsistent(storedImageAxes(geometryOf(model)));
        // The volume's own coronal-most plane stays oblique, and says so.
        const SideLabels coronal = sideLabels(volumeViewAxes(geometryOf(model), ViewPlane::Coronal));
        EXPECT_EQ(coronal, labels("R", "L", "HA", "FP")) << show(coronal);
    }
    {
        // About z: an in-plane rotation of the axial image.
        const phantom::PhantomModel model(positioned(phantom::PatientPosition::HFS, 30, {0, 0, 1}));
        const SideLabels s = sideLabels(storedImageAxes(geometryOf(model)));
        EXPECT_EQ(s, labels("RA", "LP", "AL", "PR")) << show(s);
        expectConsistent(storedImageAxes(geometryOf(model)));
    }
    {
        // FFP rotated 30 degrees about y.
        const phantom::PhantomModel model(positioned(phantom::PatientPosition::FFP, 30, {0, 1, 0}));
        const Vec3 row = model.rowDirection(); // rotate (1,0,0) about y by 30: (cos30, 0, -sin30)
        EXPECT_NEAR(row[0], std::cos(std::numbers::pi / 6), 1e-9);
        EXPECT_NEAR(row[2], -0.5, 1e-9);
        const SideLabels s = sideLabels(storedImageAxes(geometryOf(model)));
        EXPECT_EQ(s, labels("RH", "LF", "P", "A")) << show(s);
        expectConsistent(storedImageAxes(geometryOf(model)));
    }
}

TEST(OrientationLabels, ResliceRotations)
{
    const ViewAxes axial = standardViewAxes(ViewPlane::Axial);
    // In-plane rotation by 30 degrees about the viewing direction (+z): screen right turns from L towards P.
    const ViewAxes turned = rotateViewAxes(axial, viewNormal(axial), 30);
    EXPECT_NEAR(turned.right[0], std::cos(std::numbers::pi / 6), 1e-12);
    EXPECT_NEAR(turned.right[1], 0.5, 1e-12);
    EXPECT_EQ(sideLabels(turned), labels("RA", "LP", "AL", "PR"));
    // Oblique reslice: the axial plane tilted 30 degrees about the patient's x axis.
    EXPECT_EQ(sideLabels(rotateViewAxes(axial, {1, 0, 0}, 30)), labels("R", "L", "AF", "PH"));
    // 90 degrees about x turns the axial view into a coronal one (seen from the front, head at the top).
    EXPECT_EQ(sideLabels(rotateViewAxes(axial, {1, 0, 0}, -90)), labels("R", "L", "H", "F"));
    EXPECT_EQ(sideLabels(rotateViewAxes(axial, {0, 0, 0}, 45)), sideLabels(axial));

    std::mt19937 rng(11);
    std::uniform_real_distribution<double> u(-1, 1);
    for (int i = 0; i < 2000; ++i) {
        const Vec3 axis{u(rng), u(rng), u(rng)};
        const ViewPlane plane = static_cast<ViewPlane>(i % 3);
        expectConsistent(rotateViewAxes(standardViewAxes(plane), axis, 180 * u(rng)));
    }
}

/// With real phantom volumes: the orientation marker (an L on the patient's left-anterior side, head-ward
/// half) must land on the screen side labelled L, on the side labelled A and on the side labelled H, in the
/// stored image and in the volume's radiological axial/coronal/sagittal views, for every patient position
/// and a 30-degree oblique acquisition.
TEST(OrientationLabels, MarkerLandsOnTheSidesItsLabelsName)
{
    struct Case
    {
        phantom::PatientPosition position;
        double oblique;
    };
    const Case cases[] = {{phantom::PatientPosition::HFS, 0},
                          {phantom::PatientPosition::FFS, 0},
                          {phantom::PatientPosition::HFP, 0},
                          {phantom::PatientPosition::FFP, 0},
                          {phantom::PatientPosition::HFS, 30}};
    for (const Case& c : cases) {
        SCOPED_TRACE(std::string(phantom::toString(c.position)) + " oblique " + std::to_string(c.oblique));
        auto loaded = loadPhantom(positioned(c.position, c.oblique, {1, 0, 0}));
        ASSERT_TRUE(loaded);
        const Volume& v = loaded->volume();
        const int hu = truthObject(*loaded->model, "marker-rod").hu;
        // Centroid (voxel index) of every voxel holding the marker's HU (nothing else in the phantom has it).
        double sc = 0, sr = 0, sk = 0;
        std::size_t n = 0;
        for (int k = 0; k < v.slices(); ++k) {
            const std::int16_t* s = v.slice(k);
            for (int r = 0; r < v.rows(); ++r)
                for (int col = 0; col < v.columns(); ++col)
                    if (s[std::size_t(r) * std::size_t(v.columns()) + std::size_t(col)] == hu) {
                        sc += col;
                        sr += r;
                        sk += k;
                        ++n;
                    }
        }
        ASSERT_GT(n, 0u);
        const Vec3 marker = voxelToPatient(v.geometry(), {sc / double(n), sr / double(n), sk / double(n)});
        const Vec3 centre = voxelToPatient(
            v.geometry(), {(v.columns() - 1) / 2.0, (v.rows() - 1) / 2.0, (v.slices() - 1) / 2.0});
        const Vec3 d{marker[0] - centre[0], marker[1] - centre[1], marker[2] - centre[2]};
        const auto screen = [&](const Vec3& axis) {
            return d[0] * axis[0] + d[1] * axis[1] + d[2] * axis[2];
        };

        // Stored image: the marker's column is on the right half exactly when the row direction points left.
        const int markerColumn = int(std::lround(sc / double(n)));
        const SideLabels stored = sideLabels(storedImageAxes(v.geometry()));
        const QString& storedSide = markerColumn > v.columns() / 2 ? stored.right : stored.left;
        EXPECT_TRUE(storedSide.contains(u'L')) << "marker column " << markerColumn << ": " << show(stored);
        const int markerRow = int(std::lround(sr / double(n)));
        if (c.oblique == 0) {
            const QString& storedVertical = markerRow > v.rows() / 2 ? stored.bottom : stored.top;
            EXPECT_TRUE(storedVertical.contains(u'A')) << "marker row " << markerRow << ": " << show(stored);
        }

        const ViewAxes axial = volumeViewAxes(v.geometry(), ViewPlane::Axial);
        const SideLabels a = sideLabels(axial);
        EXPECT_TRUE((screen(axial.right) > 0 ? a.right : a.left).contains(u'L')) << show(a);
        EXPECT_TRUE((screen(axial.down) > 0 ? a.bottom : a.top).contains(u'A')) << show(a);
        const ViewAxes coronal = volumeViewAxes(v.geometry(), ViewPlane::Coronal);
        const SideLabels co = sideLabels(coronal);
        EXPECT_TRUE((screen(coronal.right) > 0 ? co.right : co.left).contains(u'L')) << show(co);
        EXPECT_TRUE((screen(coronal.down) > 0 ? co.bottom : co.top).contains(u'H')) << show(co);
        const ViewAxes sagittal = volumeViewAxes(v.geometry(), ViewPlane::Sagittal);
        const SideLabels sa = sideLabels(sagittal);
        EXPECT_TRUE((screen(sagittal.right) > 0 ? sa.right : sa.left).contains(u'A')) << show(sa);
        EXPECT_TRUE((screen(sagittal.down) > 0 ? sa.bottom : sa.top).contains(u'H')) << show(sa);
        if (c.oblique == 0) {
            EXPECT_EQ(a, labels("R", "L", "A", "P"));
            EXPECT_EQ(co, labels("R", "L", "H", "F"));
            EXPECT_EQ(sa, labels("A", "P", "H", "F"));
        }
    }
}
