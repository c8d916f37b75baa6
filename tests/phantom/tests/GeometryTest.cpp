// Geometry written into the files agrees with the patient position, oblique, tilt and missing slice.
#include "TestSupport.h"

#include <cmath>
#include <map>

#include <QJsonArray>

#include <gtest/gtest.h>

namespace dokuei::phantom::test {
namespace {

using namespace Qt::Literals::StringLiterals;

std::vector<DecodedImage> decodeAll(const std::filesystem::path& dir)
{
    std::vector<DecodedImage> images;
    for (const auto& file : dicomFiles(dir)) {
        std::string error;
        auto image = decodeFile(file, error);
        EXPECT_TRUE(image) << error;
        if (image) {
            images.push_back(std::move(*image));
        }
    }
    return images;
}

/// Positions sorted by instance number.
std::vector<Vec> positionsByInstance(const std::vector<DecodedImage>& images,
                                     std::vector<int>* instances = nullptr)
{
    std::map<int, Vec> byInstance;
    for (const DecodedImage& image : images) {
        for (std::size_t f = 0; f < image.positions.size(); ++f) {
            byInstance[image.instanceNumbers[f]] = image.positions[f];
        }
    }
    std::vector<Vec> result;
    for (const auto& [instance, position] : byInstance) {
        result.push_back(position);
        if (instances != nullptr) {
            instances->push_back(instance);
        }
    }
    return result;
}

/// The HU of the pixel nearest a patient point, in the plane nearest to it.
int huAt(const std::vector<DecodedImage>& images, const Vec& point)
{
    const DecodedImage* best = nullptr;
    std::size_t bestFrame = 0;
    double bestDistance = 1e30;
    for (const DecodedImage& image : images) {
        const Vec row{image.orientation[0], image.orientation[1], image.orientation[2]};
        const Vec col{image.orientation[3], image.orientation[4], image.orientation[5]};
        for (std::size_t f = 0; f < image.positions.size(); ++f) {
            const double d = std::abs(dot(cross(row, col), sub(point, image.positions[f])));
            if (d < bestDistance) {
                bestDistance = d;
                best = &image;
                bestFrame = f;
            }
        }
    }
    const Vec row{best->orientation[0], best->orientation[1], best->orientation[2]};
    const Vec col{best->orientation[3], best->orientation[4], best->orientation[5]};
    const Vec offset = sub(point, best->positions[bestFrame]);
    const long r = std::lround(dot(offset, col) / best->pixelSpacing[0]);
    const long c = std::lround(dot(offset, row) / best->pixelSpacing[1]);
    if (r < 0 || c < 0 || r >= best->rows || c >= best->columns) {
        return -9999;
    }
    return best->frames[bestFrame][static_cast<std::size_t>(r * best->columns + c)];
}

void expectOrientation(const DecodedImage& image, const std::array<double, 6>& expected)
{
    for (std::size_t i = 0; i < 6; ++i) {
        EXPECT_NEAR(image.orientation[i], expected[i], 1e-9) << "Image Orientation (Patient) value " << i;
    }
}

struct PositionCase
{
    PatientPosition position;
    std::array<double, 6> orientation;
};

void PrintTo(const PositionCase& c, std::ostream* os)
{
    *os << toString(c.position);
}

class PatientPositionGeometry : public ::testing::TestWithParam<PositionCase>
{
};

TEST_P(PatientPositionGeometry, OrientationFollowsPositionAndMarkerStaysLeftAnteriorHeadward)
{
    PhantomSpec spec = tinySpec();
    spec.position = GetParam().position;
    const auto dir = scratchDirectory(std::string("position-") + std::string(toString(spec.position)));
    ASSERT_TRUE(generate(spec, dir));
    const auto images = decodeAll(dir);
    ASSERT_EQ(images.size(), 16u);
    for (const DecodedImage& image : images) {
        expectOrientation(image, GetParam().orientation);
    }
    // Consecutive instances are one slice spacing apart along the plane normal.
    const auto positions = positionsByInstance(images);
    const Vec normal =
        cross({GetParam().orientation[0], GetParam().orientation[1], GetParam().orientation[2]},
              {GetParam().orientation[3], GetParam().orientation[4], GetParam().orientation[5]});
    for (std::size_t i = 1; i < positions.size(); ++i) {
        const Vec step = sub(positions[i], positions[i - 1]);
        EXPECT_NEAR(std::abs(dot(step, normal)), spec.sliceSpacing, 1e-6);
        EXPECT_NEAR(std::sqrt(dot(step, step)), spec.sliceSpacing, 1e-6);
    }
    // The L marker is in the pixels on the patient's left, anterior, head-ward side - whatever the
    // position - and its mirror images (right, posterior, feet-ward) are not marker.
    const QJsonObject truth = readTruth(dir);
    Vec rod{};
    for (const QJsonValue& o : truth.value(u"objects"_s).toArray()) {
        if (o.toObject().value(u"name"_s).toString() == u"marker-rod"_s) {
            rod = vec(o.toObject().value(u"centre"_s));
        }
    }
    EXPECT_GT(rod[0], 0.0) << "marker on patient left (+x)";
    EXPECT_LT(rod[1], 0.0) << "marker anterior (-y)";
    EXPECT_EQ(huAt(images, rod), 1000);
    EXPECT_NE(huAt(images, {-rod[0], rod[1], rod[2]}), 1000) << "marker mirrored to the right";
    EXPECT_NE(huAt(images, {rod[0], -rod[1], rod[2]}), 1000) << "marker mirrored to posterior";
    const double zCentre = vec(truth.value(u"geometry"_s).toObject().value(u"volumeCentre"_s))[2];
    EXPECT_NE(huAt(images, {rod[0], rod[1], 2 * zCentre - rod[2]}), 1000) << "marker mirrored to the feet";
}

INSTANTIATE_TEST_SUITE_P(AllPositions, PatientPositionGeometry,
                         ::testing::Values(PositionCase{PatientPosition::HFS, {1, 0, 0, 0, 1, 0}},
                                           PositionCase{PatientPosition::FFS, {-1, 0, 0, 0, 1, 0}},
                                           PositionCase{PatientPosition::HFP, {-1, 0, 0, 0, -1, 0}},
                                           PositionCase{PatientPosition::FFP, {1, 0, 0, 0, -1, 0}}),
                         [](const ::testing::TestParamInfo<PositionCase>& param) {
                             return std::string(toString(param.param.position));
                         });

TEST(Geometry, ObliquePlanesAreRotatedAndStillHitTheObjects)
{
    PhantomSpec spec = tinySpec();
    spec.obliqueAngle = 20;
    spec.obliqueAxis = {1, 0, 0};
    const auto dir = scratchDirectory("oblique");
    ASSERT_TRUE(generate(spec, dir));
    const auto images = decodeAll(dir);
    ASSERT_EQ(images.size(), 16u);
    const double c = std::cos(20 * M_PI / 180);
    const double s = std::sin(20 * M_PI / 180);
    for (const DecodedImage& image : images) {
        expectOrientation(image, {1, 0, 0, 0, c, s});
    }
    const auto positions = positionsByInstance(images);
    const Vec normal{0, -s, c};
    for (std::size_t i = 1; i < positions.size(); ++i) {
        const Vec step = sub(positions[i], positions[i - 1]);
        EXPECT_NEAR(dot(step, normal), -spec.sliceSpacing, 1e-6) << "stack runs along the oblique normal";
    }
    const auto samples = sampleObjects(readTruth(dir), images);
    EXPECT_GE(samples.size(), 4u);
    for (const ObjectSample& sample : samples) {
        EXPECT_EQ(sample.found, sample.expected) << sample.name;
    }
}

TEST(Geometry, GantryTiltShearsPositionsAlongTheTable)
{
    PhantomSpec spec = tinySpec();
    spec.gantryTilt = 15;
    for (const bool enhanced : {false, true}) {
        spec.enhanced = enhanced;
        const auto dir = scratchDirectory(enhanced ? "tilt-enhanced" : "tilt");
        ASSERT_TRUE(generate(spec, dir));
        const auto images = decodeAll(dir);
        ASSERT_FALSE(images.empty());
        const double c = std::cos(15 * M_PI / 180);
        const double s = std::sin(15 * M_PI / 180);
        for (const DecodedImage& image : images) {
            expectOrientation(image, {1, 0, 0, 0, c, s});
            EXPECT_DOUBLE_EQ(image.gantryTilt, 15.0);
        }
        const auto positions = positionsByInstance(images);
        ASSERT_EQ(positions.size(), 16u);
        for (std::size_t i = 1; i < positions.size(); ++i) {
            const Vec step = sub(positions[i], positions[i - 1]);
            EXPECT_NEAR(step[0], 0.0, 1e-6);
            EXPECT_NEAR(step[1], 0.0, 1e-6) << "table moves along z only";
            EXPECT_NEAR(step[2], -spec.sliceSpacing, 1e-6);
        }
        const auto samples = sampleObjects(readTruth(dir), images);
        EXPECT_GE(samples.size(), 4u);
        for (const ObjectSample& sample : samples) {
            EXPECT_EQ(sample.found, sample.expected) << sample.name;
        }
    }
}

TEST(Geometry, MissingSliceLeavesAGapInPositionsAndInstanceNumbers)
{
    PhantomSpec spec = tinySpec();
    spec.missingSlice = 5;
    const auto dir = scratchDirectory("missing");
    ASSERT_TRUE(generate(spec, dir));
    const auto images = decodeAll(dir);
    ASSERT_EQ(images.size(), 15u);
    std::vector<int> instances;
    const auto positions = positionsByInstance(images, &instances);
    ASSERT_EQ(instances.size(), 15u);
    EXPECT_EQ(std::find(instances.begin(), instances.end(), 6), instances.end())
        << "instance 6 must be missing";
    EXPECT_EQ(instances.front(), 1);
    EXPECT_EQ(instances.back(), 16);
    // Between instance 5 and 7 (indices 4 and 5 here) the step doubles.
    const Vec gap = sub(positions[5], positions[4]);
    EXPECT_NEAR(std::sqrt(dot(gap, gap)), 2 * spec.sliceSpacing, 1e-6);
    const QJsonObject geometry = readTruth(dir).value(u"geometry"_s).toObject();
    EXPECT_EQ(geometry.value(u"missingSlice"_s).toInt(-1), 5);
    EXPECT_EQ(geometry.value(u"slices"_s).toArray().size(), 15);
    for (const QJsonValue& slice : geometry.value(u"slices"_s).toArray()) {
        EXPECT_NE(slice.toObject().value(u"acquisitionIndex"_s).toInt(), 5);
    }
}

TEST(Geometry, FileNamesDoNotSortIntoSliceOrder)
{
    const auto dir = scratchDirectory("names");
    ASSERT_TRUE(generate(tinySpec(), dir));
    auto files = dicomFiles(dir);
    std::sort(files.begin(), files.end());
    std::vector<int> instances;
    for (const auto& file : files) {
        std::string error;
        const auto image = decodeFile(file, error);
        ASSERT_TRUE(image) << error;
        instances.push_back(image->instanceNumbers.front());
    }
    EXPECT_FALSE(std::is_sorted(instances.begin(), instances.end()));
    EXPECT_FALSE(std::is_sorted(instances.rbegin(), instances.rend()));
}

} // namespace
} // namespace dokuei::phantom::test
