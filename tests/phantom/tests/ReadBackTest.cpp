// Reads every generated variant back with DCMTK and compares it with truth.json and the library.
#include "TestSupport.h"
#include "dokuei/phantom/PhantomModel.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <QJsonArray>

#include <gtest/gtest.h>

namespace dokuei::phantom::test {
namespace {

using namespace Qt::Literals::StringLiterals;

std::string paramName(TransferSyntax ts)
{
    std::string name(toString(ts));
    std::replace(name.begin(), name.end(), '-', '_');
    return name;
}

/// Decodes every file of dir; checks checksums against truth.json and the in-memory model.
void expectBitExact(const PhantomSpec& spec, const std::filesystem::path& dir)
{
    const QJsonObject truth = readTruth(dir);
    const QJsonArray slices = truth.value(u"geometry"_s).toObject().value(u"slices"_s).toArray();
    const PhantomModel model(spec);
    ASSERT_EQ(static_cast<std::size_t>(slices.size()), model.writtenSlices().size());

    std::map<std::string, DecodedImage> decoded;
    for (const auto& file : dicomFiles(dir)) {
        std::string error;
        auto image = decodeFile(file, error);
        ASSERT_TRUE(image) << error;
        EXPECT_EQ(image->transferSyntaxUid, transferSyntaxUid(spec.transferSyntax)) << file;
        decoded.emplace(file.filename().string(), std::move(*image));
    }
    ASSERT_EQ(decoded.size(), spec.enhanced ? 1u : static_cast<std::size_t>(slices.size()));

    std::map<std::string, std::size_t> nextFrame;
    for (const QJsonValue& value : slices) {
        const QJsonObject slice = value.toObject();
        const std::string file = slice.value(u"file"_s).toString().toStdString();
        ASSERT_TRUE(decoded.contains(file)) << file << " listed in truth.json but not written";
        const DecodedImage& image = decoded.at(file);
        const std::size_t frame =
            spec.enhanced ? static_cast<std::size_t>(slice.value(u"frameNumber"_s).toInt() - 1) : 0;
        ASSERT_LT(frame, image.frames.size());
        const std::string expected = slice.value(u"huChecksum"_s).toString().toStdString();
        EXPECT_EQ(hex16(fnv1a64(image.frames[frame])), expected) << file << " frame " << frame;
        const int k = slice.value(u"acquisitionIndex"_s).toInt();
        EXPECT_EQ(hex16(fnv1a64(model.huSlice(k))), expected) << "PhantomModel::huSlice(" << k << ")";
        const Vec truthPosition = vec(slice.value(u"imagePositionPatient"_s));
        for (std::size_t i = 0; i < 3; ++i) {
            EXPECT_DOUBLE_EQ(image.positions[frame][i], truthPosition[i]) << file;
        }
    }

    std::vector<DecodedImage> images;
    for (auto& [name, image] : decoded) {
        images.push_back(image);
    }
    const auto samples = sampleObjects(truth, images);
    EXPECT_GE(samples.size(), 5u) << "too few truth objects sampled";
    for (const ObjectSample& s : samples) {
        EXPECT_EQ(s.found, s.expected) << "object " << s.name;
    }
}

class TransferSyntaxReadBack : public ::testing::TestWithParam<TransferSyntax>
{
};

TEST_P(TransferSyntaxReadBack, ClassicSeriesDecodesBitExactToTruth)
{
    PhantomSpec spec = tinySpec();
    spec.transferSyntax = GetParam();
    const auto dir = scratchDirectory("readback-" + paramName(GetParam()));
    ASSERT_TRUE(generate(spec, dir));
    expectBitExact(spec, dir);
}

TEST_P(TransferSyntaxReadBack, EnhancedMultiFrameDecodesBitExactToTruth)
{
    PhantomSpec spec = tinySpec();
    spec.transferSyntax = GetParam();
    spec.enhanced = true;
    const auto dir = scratchDirectory("readback-enhanced-" + paramName(GetParam()));
    ASSERT_TRUE(generate(spec, dir));
    ASSERT_EQ(dicomFiles(dir).size(), 1u);
    std::string error;
    const auto image = decodeFile(dicomFiles(dir).front(), error);
    ASSERT_TRUE(image) << error;
    EXPECT_EQ(image->sopClassUid, "1.2.840.10008.5.1.4.1.1.2.1");
    EXPECT_EQ(image->frames.size(), static_cast<std::size_t>(spec.slices));
    expectBitExact(spec, dir);
}

INSTANTIATE_TEST_SUITE_P(AllSyntaxes, TransferSyntaxReadBack,
                         ::testing::Values(TransferSyntax::ExplicitLittle, TransferSyntax::ImplicitLittle,
                                           TransferSyntax::ExplicitBig, TransferSyntax::JpegLsLossless,
                                           TransferSyntax::JpegLossless, TransferSyntax::RleLossless,
                                           TransferSyntax::Deflated),
                         [](const ::testing::TestParamInfo<TransferSyntax>& param) {
                             return paramName(param.param);
                         });

TEST(ReadBack, SignedPixelsAndIntegerSlopeStayBitExact)
{
    for (const auto& [slope, intercept] : {std::pair{1, 0}, std::pair{2, -2048}, std::pair{1, -1024}}) {
        PhantomSpec spec = tinySpec();
        spec.rescaleSlope = slope;
        spec.rescaleIntercept = intercept;
        spec.transferSyntax = TransferSyntax::JpegLsLossless;
        const auto dir = scratchDirectory("rescale");
        ASSERT_TRUE(generate(spec, dir));
        const QJsonObject rescale = readTruth(dir).value(u"rescale"_s).toObject();
        EXPECT_EQ(rescale.value(u"pixelRepresentation"_s).toInt(), intercept > -1024 ? 1 : 0);
        EXPECT_EQ(rescale.value(u"slope"_s).toInt(), slope);
        EXPECT_EQ(rescale.value(u"intercept"_s).toInt(), intercept);
        SCOPED_TRACE(testing::Message() << "slope " << slope << " intercept " << intercept);
        expectBitExact(spec, dir);
    }
}

TEST(ReadBack, SameSeedSamePixelsOtherSeedOtherPixels)
{
    PhantomSpec spec = tinySpec();
    const auto checksums = [](const std::filesystem::path& dir) {
        std::vector<std::string> result;
        for (const QJsonValue& s :
             readTruth(dir).value(u"geometry"_s).toObject().value(u"slices"_s).toArray()) {
            result.push_back(s.toObject().value(u"huChecksum"_s).toString().toStdString());
        }
        return result;
    };
    const auto a = scratchDirectory("seed-a");
    const auto b = scratchDirectory("seed-b");
    const auto c = scratchDirectory("seed-c");
    ASSERT_TRUE(generate(spec, a));
    ASSERT_TRUE(generate(spec, b));
    spec.seed = 2;
    ASSERT_TRUE(generate(spec, c));
    EXPECT_EQ(checksums(a), checksums(b));
    const auto ca = checksums(a);
    const auto cc = checksums(c);
    for (std::size_t i = 0; i < ca.size(); ++i) {
        EXPECT_NE(ca[i], cc[i]) << "slice " << i << " ignores the seed";
    }
    // Single-threaded generation gives the same result as the default pool.
    const auto d = scratchDirectory("seed-d");
    WriteOptions oneThread;
    oneThread.threads = 1;
    spec.seed = 1;
    ASSERT_TRUE(writePhantom(spec, d, oneThread));
    EXPECT_EQ(checksums(a), checksums(d));
}

TEST(ReadBack, HuValuesAreAnatomical)
{
    const PhantomModel model(tinySpec());
    const auto hu = model.huSlice(2); // upper (head-ward) slice for HFS: lungs present
    const auto count = [&](int lo, int hi) {
        return std::count_if(hu.begin(), hu.end(), [&](std::int16_t v) { return v >= lo && v <= hi; });
    };
    EXPECT_GT(count(-1024, -950), 100) << "air";
    EXPECT_GT(count(-920, -780), 50) << "lung";
    EXPECT_GT(count(-150, -50), 20) << "fat";
    EXPECT_GT(count(0, 90), 200) << "soft tissue";
    EXPECT_GT(count(350, 1600), 5) << "bone";
}

// The tissue classes have their nominal HU exactly where noise is off, and stay within the noise's
// bounds (and unbiased) where it is on; the truth objects (noise-free) keep their HU exactly even then.
TEST(ReadBack, HuClassesAreExactWithoutNoiseAndWithinNoiseBoundsWithIt)
{
    PhantomSpec quietSpec = tinySpec();
    quietSpec.noiseSigma = 0;
    const PhantomSpec noisySpec = tinySpec();
    ASSERT_GT(noisySpec.noiseSigma, 0);
    const PhantomModel quiet(quietSpec);
    const PhantomModel noisy(noisySpec);

    // The classes the issue names, with the HU the truth documents.
    std::map<std::string, int> classes;
    for (const TissueClass& t : quiet.tissues()) {
        classes[t.name] = t.hu;
    }
    const std::map<std::string, int> nominal = {{"air", -1000},
                                                {"lung", -850},
                                                {"fat", -100},
                                                {"soft tissue", 40},
                                                {"blood", 50},
                                                {"liver", 60},
                                                {"bone (cancellous)", 400},
                                                {"bone (rib)", 800},
                                                {"bone (cortical)", 1200},
                                                {"metal", 3000}};
    EXPECT_EQ(classes, nominal);
    std::map<int, std::string> objectHu;
    for (const TruthObject& o : quiet.objects()) {
        objectHu[o.hu] = o.name;
    }
    ASSERT_TRUE(objectHu.contains(3000)) << "the metal clip is the metal class";

    // Every slice of both models: a histogram of the noise-free HU, and per noise-free value the
    // differences noisy - quiet (the noise actually added there).
    std::map<int, std::size_t> histogram;
    struct Moments
    {
        std::size_t n = 0;
        double sum = 0;
        double sumSquares = 0;
        int maxAbs = 0;
    };
    std::map<int, Moments> noise;
    for (const int k : quiet.writtenSlices()) {
        const auto q = quiet.huSlice(k);
        const auto n = noisy.huSlice(k);
        ASSERT_EQ(q.size(), n.size());
        for (std::size_t i = 0; i < q.size(); ++i) {
            ++histogram[q[i]];
            Moments& m = noise[q[i]];
            const int d = n[i] - q[i];
            ++m.n;
            m.sum += d;
            m.sumSquares += double(d) * d;
            m.maxAbs = std::max(m.maxAbs, std::abs(d));
        }
    }

    for (const auto& [name, value] : nominal) {
        SCOPED_TRACE(name);
        EXPECT_GT(histogram[value], 0u) << "no voxel of exactly " << value << " HU without noise";
    }
    for (const auto& [value, name] : objectHu) {
        SCOPED_TRACE(name);
        EXPECT_GT(histogram[value], 0u);
        // Truth objects are noise-free: with noise on they keep their HU voxel for voxel.
        EXPECT_EQ(noise[value].maxAbs, 0) << value << " HU";
    }
    // The generator's noise is a sum of four uniforms: |noise| <= 2 * sqrt(3) sigma, plus rounding.
    const double sigma = noisySpec.noiseSigma;
    const double bound = 2 * std::sqrt(3.0) * sigma + 1;
    for (const auto& [name, value] : nominal) {
        if (objectHu.contains(value)) {
            continue;
        }
        SCOPED_TRACE(name);
        const Moments& m = noise[value];
        ASSERT_GT(m.n, 20u) << value << " HU";
        EXPECT_LE(m.maxAbs, bound);
        const double mean = m.sum / double(m.n);
        const double sd = std::sqrt(std::max(0.0, m.sumSquares / double(m.n) - mean * mean));
        EXPECT_LT(std::abs(mean), 5 * sigma / std::sqrt(double(m.n)) + 0.2) << "noise is unbiased";
        if (value > -1000) { // air is clamped at -1024 HU
            EXPECT_NEAR(sd, sigma, 0.25 * sigma + 6 * sigma / std::sqrt(double(m.n)))
                << "noise has its sigma";
        }
    }
}

TEST(ReadBack, ChestPresetFullSizeSmoke)
{
    const PhantomSpec spec = presetSpec(Preset::Chest);
    const auto dir = scratchDirectory("chest");
    const auto summary = generate(spec, dir);
    ASSERT_TRUE(summary);
    EXPECT_EQ(summary->files, 300u);
    EXPECT_EQ(dicomFiles(dir).size(), 300u);
    const QJsonObject truth = readTruth(dir);
    const QJsonArray slices = truth.value(u"geometry"_s).toObject().value(u"slices"_s).toArray();
    ASSERT_EQ(slices.size(), 300);
    // Spot-check first, middle and last slices by decoding them.
    std::vector<DecodedImage> images;
    for (const int i : {0, 150, 299}) {
        const QJsonObject slice = slices.at(i).toObject();
        std::string error;
        auto image = decodeFile(dir / slice.value(u"file"_s).toString().toStdString(), error);
        ASSERT_TRUE(image) << error;
        EXPECT_EQ(image->rows, 512);
        EXPECT_EQ(hex16(fnv1a64(image->frames[0])), slice.value(u"huChecksum"_s).toString().toStdString());
    }
    std::filesystem::remove_all(dir);
}

} // namespace
} // namespace dokuei::phantom::test
