// The measurement list (MeasurementSet / computeMeasurement) and the four-corner annotations (OverlayText):
// measurements drawn on stored slices and on MPR / oblique planes of a phantom, against its ground truth.
#include "dokuei/viewer/core/MeasurementSet.h"

#include "ReadingTestSupport.h"
#include "dokuei/security/WipeRegistry.h"
#include "dokuei/viewer/core/OverlayText.h"

#include <cmath>
#include <cstdio>

#include <QSignalSpy>

#include <gtest/gtest.h>

using namespace dokuei;
using namespace dokuei::viewer;
using namespace dokuei::viewer::test;

namespace {

Vec3 offset(const Vec3& p, double dx, double dy, double dz)
{
    return {p[0] + dx, p[1] + dy, p[2] + dz};
}

class MeasurementSetTest : public ::testing::Test
{
public:
    static void SetUpTestSuite() { s_phantom = loadPhantom(fineChestSpec(192, 48, 0.5)).release(); }
    static void TearDownTestSuite()
    {
        delete s_phantom;
        s_phantom = nullptr;
    }

protected:
    void SetUp() override
    {
        if (!s_phantom)
            GTEST_SKIP() << "phantom generation failed";
    }
    static PhantomVolume* s_phantom;
    security::WipeRegistry m_registry;
};
PhantomVolume* MeasurementSetTest::s_phantom = nullptr;

/// The stored slice through a patient point (the axes of the stored image, the slice centre on the point's
/// nearest slice).
MeasurementPlane storedPlaneThrough(const Volume& v, const Vec3& p)
{
    const auto index = patientToVoxel(v.geometry(), p);
    EXPECT_TRUE(index);
    return {storedImageAxes(v.geometry()), voxelToPatient(v.geometry(), {0, 0, std::round((*index)[2])})};
}

} // namespace

TEST_F(MeasurementSetTest, LengthAndAngleInPatientMillimetres)
{
    const Volume& v = s_phantom->volume();
    MeasurementSet set(m_registry);
    set.setVolume(&v);
    const phantom::TruthObject& sphere = truthObject(*s_phantom->model, "sphere-lesion");
    Measurement length;
    length.kind = MeasurementKind::Length;
    length.plane = {standardViewAxes(ViewPlane::Coronal), sphere.centre};
    length.points = {offset(sphere.centre, -sphere.radius, 0, 0), offset(sphere.centre, 0, 0, sphere.radius)};
    const int id = set.add(length);
    const Measurement* m = set.find(id);
    ASSERT_NE(m, nullptr);
    ASSERT_TRUE(m->valid);
    EXPECT_NEAR(m->lengthMm, sphere.radius * std::sqrt(2.0), 1e-9);
    EXPECT_EQ(measurementText(*m), QStringLiteral("%1 mm").arg(m->lengthMm, 0, 'f', 1));

    Measurement angle;
    angle.kind = MeasurementKind::Angle;
    angle.plane = length.plane;
    angle.points = {offset(sphere.centre, 10, 0, 0), sphere.centre, offset(sphere.centre, 0, 0, 10)};
    const Measurement* a = set.find(set.add(angle));
    ASSERT_TRUE(a->angleDegrees);
    EXPECT_NEAR(*a->angleDegrees, 90.0, 1e-9);

    // Editing a handle recomputes.
    ASSERT_TRUE(set.setPoints(id, {sphere.centre, offset(sphere.centre, 0, 3, 4)}));
    EXPECT_NEAR(set.find(id)->lengthMm, 5.0, 1e-9);
}

TEST_F(MeasurementSetTest, EllipseOnAStoredSliceUsesItsExactPixels)
{
    const Volume& v = s_phantom->volume();
    const phantom::TruthObject& insert = truthObject(*s_phantom->model, "cylinder-insert");
    MeasurementSet set(m_registry);
    set.setVolume(&v);
    Measurement roi;
    roi.kind = MeasurementKind::Ellipse;
    roi.plane = storedPlaneThrough(v, insert.centre);
    const double semi = insert.radius - 1.0;
    // Corners on the slice (the plane point's height along the normal).
    const Vec3 c{insert.centre[0], insert.centre[1], roi.plane.point[2]};
    roi.points = {offset(c, -semi, -semi, 0), offset(c, semi, semi, 0)};
    const Measurement* m = set.find(set.add(roi));
    ASSERT_TRUE(m->valid);
    ASSERT_TRUE(m->roi);
    const auto centre = patientToVoxel(v.geometry(), c);
    const int k = int(std::lround((*centre)[2]));
    const double semiPx = semi / v.geometry().columnSpacing;
    const auto exact = ellipseStatistics(v, k, {(*centre)[0], (*centre)[1]}, semiPx, semiPx);
    ASSERT_TRUE(exact);
    EXPECT_EQ(m->roi->pixelCount, exact->pixelCount);
    EXPECT_EQ(m->roi->meanHu, exact->meanHu);
    EXPECT_NEAR(m->roi->meanHu, insert.hu, 1.0);
}

TEST_F(MeasurementSetTest, RoiOnCoronalAndObliquePlanesReadsTheInsertWithinOneHu)
{
    // The cylinder insert runs head-feet (z): in a coronal and in a 20-degree oblique plane through its axis
    // its section is a band; an ellipse well inside it samples only the insert.
    const Volume& v = s_phantom->volume();
    const phantom::TruthObject& insert = truthObject(*s_phantom->model, "cylinder-insert");
    MeasurementSet set(m_registry);
    set.setVolume(&v);
    const ViewAxes coronal = standardViewAxes(ViewPlane::Coronal);
    for (const ViewAxes& axes : {coronal, rotateViewAxes(coronal, {0, 0, 1}, 20.0)}) {
        Measurement roi;
        roi.kind = MeasurementKind::Ellipse;
        roi.plane = {axes, insert.centre};
        const double halfWidth = insert.radius * 0.6;
        const double halfHeight = 0.3 * insert.length; // well inside its ends
        roi.points = {offset(insert.centre, 0, 0, 0), insert.centre};
        for (int i = 0; i < 3; ++i) {
            roi.points[0][std::size_t(i)] -=
                halfWidth * axes.right[std::size_t(i)] + halfHeight * axes.down[std::size_t(i)];
            roi.points[1][std::size_t(i)] +=
                halfWidth * axes.right[std::size_t(i)] + halfHeight * axes.down[std::size_t(i)];
        }
        const Measurement* m = set.find(set.add(roi));
        ASSERT_TRUE(m->roi);
        std::printf("[measure] MPR ellipse in cylinder-insert (truth %d HU): mean %.3f SD %.3f, %zu samples, "
                    "%.2f mm2\n",
                    insert.hu, m->roi->meanHu, m->roi->sdHu, m->roi->pixelCount, m->roi->areaMm2);
        EXPECT_NEAR(m->roi->meanHu, insert.hu, 1.0);
        EXPECT_EQ(m->roi->minHu, insert.hu);
        EXPECT_EQ(m->roi->maxHu, insert.hu);
        const double area = M_PI * halfWidth * halfHeight;
        EXPECT_NEAR(m->roi->areaMm2, area, 0.1 * area);
    }
    // A freehand square in the coronal plane, inside the insert.
    Measurement freehand;
    freehand.kind = MeasurementKind::Freehand;
    freehand.plane = {coronal, insert.centre};
    const double h = insert.radius * 0.5;
    const double z = 0.3 * insert.length;
    freehand.points = {offset(insert.centre, -h, 0, -z), offset(insert.centre, h, 0, -z),
                       offset(insert.centre, h, 0, z), offset(insert.centre, -h, 0, z)};
    const Measurement* f = set.find(set.add(freehand));
    ASSERT_TRUE(f->roi);
    EXPECT_NEAR(f->roi->meanHu, insert.hu, 1.0);
    EXPECT_NEAR(f->roi->areaMm2, 4 * h * z, 0.15 * 4 * h * z);
}

TEST_F(MeasurementSetTest, ProbeReadsTheStoredHu)
{
    const Volume& v = s_phantom->volume();
    const phantom::TruthObject& clip = truthObject(*s_phantom->model, "metal-clip");
    MeasurementSet set(m_registry);
    set.setVolume(&v);
    Measurement probe;
    probe.kind = MeasurementKind::Probe;
    probe.plane = {standardViewAxes(ViewPlane::Axial), clip.centre};
    probe.points = {clip.centre};
    const Measurement* m = set.find(set.add(probe));
    ASSERT_TRUE(m->probe);
    EXPECT_EQ(m->probe->hu, clip.hu);
    EXPECT_EQ(measurementText(*m), QStringLiteral("%1 HU").arg(clip.hu));
}

TEST_F(MeasurementSetTest, OutsideTheVolumeIsInvalidNotAFakeNumber)
{
    MeasurementSet set(m_registry);
    set.setVolume(&s_phantom->volume());
    Measurement probe;
    probe.kind = MeasurementKind::Probe;
    probe.points = {{5000, 5000, 5000}};
    const Measurement* m = set.find(set.add(probe));
    EXPECT_FALSE(m->valid);
    EXPECT_FALSE(m->probe);
}

TEST_F(MeasurementSetTest, SelectRenameDeleteAndWipe)
{
    MeasurementSet set(m_registry);
    set.setVolume(&s_phantom->volume());
    QSignalSpy changed(&set, &MeasurementSet::changed);
    Measurement m;
    m.kind = MeasurementKind::Probe;
    m.points = {truthObject(*s_phantom->model, "sphere-lesion").centre};
    const int first = set.add(m);
    const int second = set.add(m);
    EXPECT_EQ(set.selected(), second);
    set.select(first);
    EXPECT_EQ(set.selected(), first);
    ASSERT_TRUE(set.setLabel(first, QStringLiteral("右肺結節")));
    EXPECT_EQ(set.find(first)->label, QStringLiteral("右肺結節"));
    EXPECT_TRUE(set.remove(first));
    EXPECT_EQ(set.selected(), 0);
    EXPECT_EQ(set.all().size(), 1u);
    EXPECT_FALSE(set.remove(first));
    EXPECT_GE(changed.count(), 4);
    ASSERT_TRUE(set.setLabel(second, QStringLiteral("marker")));
    const security::WipeReport report = m_registry.wipeAll();
    EXPECT_TRUE(report.names.contains(QStringLiteral("measurements")));
    EXPECT_TRUE(set.all().empty());
    EXPECT_EQ(set.find(second), nullptr);
}

TEST(OverlayText, NameGroupsDatesAndAge)
{
    EXPECT_EQ(displayName(QStringLiteral("Yamada^Taro=山田^太郎=やまだ^たろう")),
              QStringLiteral("Yamada Taro = 山田 太郎 = やまだ たろう"));
    EXPECT_EQ(displayName(QStringLiteral("=山田^太郎=")), QStringLiteral("山田 太郎"));
    EXPECT_EQ(displayDate(QStringLiteral("20261122")), QStringLiteral("2026-11-22"));
    EXPECT_EQ(displayDate(QStringLiteral("2026")), QStringLiteral("2026"));
    SeriesIdentity id;
    id.patientAge = QStringLiteral("063Y");
    EXPECT_EQ(displayAge(id), QStringLiteral("63Y"));
    id.patientAge.clear();
    id.patientBirthDate = QStringLiteral("19601122");
    id.studyDate = QStringLiteral("20261122");
    EXPECT_EQ(displayAge(id), QStringLiteral("66Y"));
    id.patientBirthDate = QStringLiteral("19601123");
    EXPECT_EQ(displayAge(id), QStringLiteral("65Y")) << "the birthday is tomorrow";
    id.studyDate.clear();
    EXPECT_TRUE(displayAge(id).isEmpty());
}

TEST(OverlayText, FourCornersSayWhoWhatWhereAndHow)
{
    SeriesIdentity id;
    id.patientName = QStringLiteral("Yamada^Taro=山田^太郎");
    id.patientId = QStringLiteral("P-0001");
    id.patientSex = QStringLiteral("M");
    id.patientAge = QStringLiteral("045Y");
    id.studyDate = QStringLiteral("20261101");
    id.studyDescription = QStringLiteral("胸部CT");
    id.seriesNumber = 3;
    id.seriesDescription = QStringLiteral("Axial 1mm");
    ViewReadout r;
    r.plane = QStringLiteral("Coronal");
    r.index = 12;
    r.count = 300;
    r.positionMm = -12.24;
    r.thicknessMm = 10;
    r.slab = QStringLiteral("MIP");
    r.window = {-600, 1500};
    r.zoom = 1.5;
    const CornerTexts c = cornerTexts(id, r);
    EXPECT_EQ(c.topLeft, (QStringList{QStringLiteral("Yamada Taro = 山田 太郎"), QStringLiteral("ID P-0001"),
                                      QStringLiteral("45Y M")}));
    EXPECT_EQ(c.topRight, (QStringList{QStringLiteral("2026-11-01"), QStringLiteral("胸部CT"),
                                       QStringLiteral("Series 3 Axial 1mm")}));
    EXPECT_EQ(c.bottomLeft,
              (QStringList{QStringLiteral("Coronal 12 / 300"), QStringLiteral("Position -12.2 mm"),
                           QStringLiteral("MIP slab 10.0 mm")}));
    EXPECT_EQ(c.bottomRight, (QStringList{QStringLiteral("W 1500 L -600"), QStringLiteral("Zoom 150%")}));
    eraseIdentity(id);
    EXPECT_TRUE(id.empty());
    EXPECT_TRUE(id.patientSex.isEmpty());
}
