#include "dokuei/viewer/core/VolumeAssembler.h"

#include "DecodeTestSupport.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <map>
#include <thread>

#include <gtest/gtest.h>

using namespace dokuei;
using namespace dokuei::viewer;
using namespace dokuei::viewer::test;

namespace {

struct Assembled
{
    std::unique_ptr<VolumeAssembler> assembler;
    double seconds = 0;
};

Assembled assemble(const std::vector<QByteArray>& files, int expected, AssemblerOptions options = {})
{
    options.expectedInstances = expected;
    Assembled a;
    a.assembler = std::make_unique<VolumeAssembler>(options);
    const auto start = std::chrono::steady_clock::now();
    for (const auto& f : files) {
        auto added = a.assembler->addInstance(f);
        EXPECT_TRUE(added) << added.error().toString().toStdString();
    }
    if (expected <= 0)
        a.assembler->close();
    EXPECT_TRUE(a.assembler->waitForFinished(120000));
    a.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return a;
}

void expectNear(const Vec3& a, const phantom::Vec3& b, double tolerance, const char* what)
{
    for (int i = 0; i < 3; ++i)
        EXPECT_NEAR(a[std::size_t(i)], b[std::size_t(i)], tolerance) << what << "[" << i << "]";
}

/// Every volume slice's HU checksum equals the truth of the slice at its position; geometry equals the
/// model's.
void expectMatchesTruth(const VolumeAssembler& assembler, const GeneratedStudy& study)
{
    ASSERT_FALSE(assembler.failure()) << assembler.failure()->toString().toStdString();
    Volume* volume = assembler.volume();
    ASSERT_NE(volume, nullptr);
    const auto& truth = study.summary.slices;
    ASSERT_EQ(volume->slices(), int(truth.size()));
    EXPECT_EQ(volume->readyCount(), int(truth.size()));
    const phantom::PhantomModel model(study.spec);
    const phantom::Vec3 n = model.sliceNormal();
    auto along = [&](const phantom::Vec3& p) { return p[0] * n[0] + p[1] * n[1] + p[2] * n[2]; };
    std::vector<phantom::WrittenSlice> sorted = truth;
    std::sort(sorted.begin(), sorted.end(),
              [&](const auto& a, const auto& b) { return along(a.position) < along(b.position); });
    const auto infos = assembler.sliceInfos();
    ASSERT_EQ(infos.size(), sorted.size());
    for (int k = 0; k < volume->slices(); ++k) {
        const auto& expected = sorted[std::size_t(k)];
        std::span<const std::int16_t> hu(volume->slice(k), volume->sliceVoxels());
        EXPECT_EQ(phantom::PhantomModel::huChecksum(hu), expected.huChecksum) << "slice " << k;
        expectNear(infos[std::size_t(k)].imagePosition, expected.position, 1e-3, "position");
        EXPECT_TRUE(volume->sliceReady(k));
    }
    const VolumeGeometry& g = volume->geometry();
    expectNear(g.origin, sorted.front().position, 1e-3, "origin");
    expectNear(g.rowDirection, model.rowDirection(), 1e-5, "row direction");
    expectNear(g.columnDirection, model.columnDirection(), 1e-5, "column direction");
    EXPECT_NEAR(g.rowSpacing, study.spec.rowSpacing, 1e-6);
    EXPECT_NEAR(g.columnSpacing, study.spec.columnSpacing, 1e-6);
    if (study.spec.gantryTilt == 0) {
        EXPECT_NEAR(g.sliceSpacing, study.spec.sliceSpacing, 1e-3);
    }
}

class AssembleEachSyntax : public ::testing::TestWithParam<phantom::TransferSyntax>
{
};

} // namespace

TEST_P(AssembleEachSyntax, ShuffledTinySeriesIsBitExact)
{
    GeneratedStudy study = generate(tinySpec(GetParam()));
    ASSERT_EQ(study.files.size(), 16u);
    shuffle(study.files);
    auto a = assemble(study.files, int(study.files.size()));
    EXPECT_TRUE(a.assembler->errors().empty());
    expectMatchesTruth(*a.assembler, study);
    ASSERT_EQ(a.assembler->stacks().size(), 1u);
    EXPECT_TRUE(a.assembler->stacks().front().warnings.empty());
}

TEST_P(AssembleEachSyntax, EnhancedCtIsBitExact)
{
    auto spec = tinySpec(GetParam());
    spec.enhanced = true;
    GeneratedStudy study = generate(spec);
    ASSERT_EQ(study.files.size(), 1u);
    auto a = assemble(study.files, 1);
    EXPECT_TRUE(a.assembler->errors().empty());
    expectMatchesTruth(*a.assembler, study);
}

INSTANTIATE_TEST_SUITE_P(
    Decode, AssembleEachSyntax,
    ::testing::Values(phantom::TransferSyntax::ExplicitLittle, phantom::TransferSyntax::ImplicitLittle,
                      phantom::TransferSyntax::ExplicitBig, phantom::TransferSyntax::JpegLsLossless,
                      phantom::TransferSyntax::JpegLossless, phantom::TransferSyntax::RleLossless,
                      phantom::TransferSyntax::Deflated),
    [](const auto& param) {
        std::string name(phantom::toString(param.param));
        std::erase(name, '-');
        return name;
    });

TEST(VolumeAssembler, UnknownCountWithSignedPixelsSlopeAndOblique)
{
    auto spec = tinySpec(phantom::TransferSyntax::JpegLsLossless);
    spec.rescaleIntercept = -1000;
    spec.rescaleSlope = 2;
    spec.position = phantom::PatientPosition::FFP;
    spec.obliqueAngle = 20;
    GeneratedStudy study = generate(spec);
    shuffle(study.files, 3);
    auto a = assemble(study.files, 0);
    expectMatchesTruth(*a.assembler, study);
}

TEST(VolumeAssembler, ReportsMissingSlice)
{
    auto spec = tinySpec();
    spec.missingSlice = 5;
    GeneratedStudy study = generate(spec);
    ASSERT_EQ(study.files.size(), 15u);
    shuffle(study.files);
    auto a = assemble(study.files, 15);
    expectMatchesTruth(*a.assembler, study);
    EXPECT_TRUE(a.assembler->stacks().front().hasWarning(GeometryWarning::Kind::MissingSlices));
}

TEST(VolumeAssembler, ReportsGantryTilt)
{
    auto spec = tinySpec();
    spec.gantryTilt = 15;
    GeneratedStudy study = generate(spec);
    shuffle(study.files);
    auto a = assemble(study.files, int(study.files.size()));
    expectMatchesTruth(*a.assembler, study);
    const auto stacks = a.assembler->stacks();
    ASSERT_EQ(stacks.size(), 1u);
    const Stack& s = stacks.front();
    EXPECT_TRUE(s.hasWarning(GeometryWarning::Kind::GantryTilt));
    EXPECT_FALSE(s.hasWarning(GeometryWarning::Kind::NonUniformSpacing));
}

TEST(VolumeAssembler, BudgetExceededIsAClearErrorWithoutVolume)
{
    GeneratedStudy study = generate(tinySpec());
    AssemblerOptions options;
    options.limits.memoryBudgetBytes = 64 * 64 * 2 * 15; // one slice short
    auto a = assemble(study.files, 16, options);
    ASSERT_TRUE(a.assembler->failure());
    EXPECT_EQ(a.assembler->failure()->code, ErrorCode::SecureMemoryUnavailable);
    EXPECT_TRUE(a.assembler->failure()->message.contains(QStringLiteral("64 x 64 x 16")))
        << a.assembler->failure()->message.toStdString();
    EXPECT_EQ(a.assembler->volume(), nullptr);
}

TEST(VolumeAssembler, BrokenInstancesAreListedAndTheRestLoads)
{
    GeneratedStudy study = generate(tinySpec(phantom::TransferSyntax::JpegLsLossless));
    ASSERT_EQ(study.files.size(), 16u);
    // Sort by position so "the middle" is a middle slice, then break it two ways.
    std::vector<QByteArray> files = study.files;
    shuffle(files);
    const QByteArray truncated = files[7].left(files[7].size() / 2);
    const QByteArray garbage(5000, 'x');
    const QString brokenUid = [&] {
        auto h = InstanceDecoder::readHeaders(QByteArrayView(files[7]));
        return h ? h->front().sopInstanceUid : QString();
    }();
    files[7] = truncated;
    files.insert(files.begin() + 3, garbage);
    auto a = assemble(files, int(files.size()));
    const auto errors = a.assembler->errors();
    ASSERT_EQ(errors.size(), 2u);
    Volume* volume = a.assembler->volume();
    ASSERT_NE(volume, nullptr);
    EXPECT_EQ(volume->slices(), 15);
    // Every remaining slice is bit-exact.
    std::map<QString, std::uint64_t> truth;
    for (const auto& s : study.summary.slices)
        truth[QString::fromStdString(s.sopInstanceUid)] = s.huChecksum;
    const auto infos = a.assembler->sliceInfos();
    for (int k = 0; k < volume->slices(); ++k) {
        EXPECT_NE(infos[std::size_t(k)].sopInstanceUid, brokenUid);
        std::span<const std::int16_t> hu(volume->slice(k), volume->sliceVoxels());
        EXPECT_EQ(phantom::PhantomModel::huChecksum(hu), truth[infos[std::size_t(k)].sopInstanceUid]) << k;
    }
    EXPECT_TRUE(a.assembler->stacks().front().hasWarning(GeometryWarning::Kind::MissingSlices));
}

TEST(VolumeAssembler, LargeSeriesTimings)
{
    for (auto syntax : {phantom::TransferSyntax::ExplicitLittle, phantom::TransferSyntax::JpegLsLossless}) {
        auto spec = phantom::presetSpec(phantom::Preset::Chest);
        spec.slices = 40;
        spec.transferSyntax = syntax;
        spec.identity.studyUid = "1.2.826.0.1.3680043.10.543.78";
        GeneratedStudy study = generate(spec);
        ASSERT_EQ(study.files.size(), 40u);
        shuffle(study.files);
        auto a = assemble(study.files, 40);
        expectMatchesTruth(*a.assembler, study);
        std::printf("[timing] 512x512x40 %s, 2 threads: %.3f s (CharLS for JPEG-LS)\n",
                    std::string(phantom::toString(syntax)).c_str(), a.seconds);
        // One thread, decode only (no placement): the codec's share.
        auto decodeAll = [&] {
            std::vector<std::int16_t> slice(512 * 512);
            const auto t0 = std::chrono::steady_clock::now();
            for (const auto& f : study.files) {
                auto r = InstanceDecoder::decode(
                    QByteArrayView(f), [&](const InstanceInfo&) -> Expected<std::span<std::int16_t>> {
                        return std::span<std::int16_t>(slice);
                    });
                EXPECT_TRUE(r);
            }
            return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        };
        std::printf("[timing] 512x512x40 %s, 1 thread, decode only: %.3f s\n",
                    std::string(phantom::toString(syntax)).c_str(), decodeAll());
        if (syntax == phantom::TransferSyntax::JpegLsLossless) {
            InstanceDecoder::setJpegLsBackend(InstanceDecoder::JpegLsBackend::Dcmtk);
            std::printf("[timing] 512x512x40 jpeg-ls, 1 thread, decode only, DCMTK's decoder: %.3f s\n",
                        decodeAll());
            InstanceDecoder::setJpegLsBackend(InstanceDecoder::JpegLsBackend::CharLS);
        }
        if (syntax == phantom::TransferSyntax::JpegLsLossless) {
            InstanceDecoder::setJpegLsBackend(InstanceDecoder::JpegLsBackend::Dcmtk);
            auto b = assemble(study.files, 40);
            InstanceDecoder::setJpegLsBackend(InstanceDecoder::JpegLsBackend::CharLS);
            expectMatchesTruth(*b.assembler, study);
            std::printf("[timing] 512x512x40 jpeg-ls, 2 threads: %.3f s (DCMTK's bundled decoder)\n",
                        b.seconds);
        }
    }
}

TEST(VolumeAssembler, WipeOnLockZeroesTheVolumeAndEndsTheAssembly)
{
    GeneratedStudy study = generate(tinySpec(phantom::TransferSyntax::JpegLsLossless));
    ASSERT_EQ(study.files.size(), 16u);
    security::WipeRegistry registry;
    {
        AssemblerOptions options;
        options.registry = &registry;
        auto a = assemble(study.files, 16, options);
        ASSERT_NE(a.assembler->volume(), nullptr);
        EXPECT_EQ(registry.size(), 1);
        const auto report = registry.wipeAll();
        EXPECT_EQ(report.bytesWiped, 64u * 64u * 16u * 2u);
        EXPECT_TRUE(a.assembler->volume()->wiped());
        EXPECT_EQ(a.assembler->volume()->slice(0), nullptr);
        EXPECT_TRUE(a.assembler->sliceInfos().empty());
    }
    EXPECT_EQ(registry.size(), 0);

    // Mid-stream: half of the series arrived, the session locks, the rest is refused.
    AssemblerOptions options;
    options.registry = &registry;
    options.expectedInstances = 16;
    VolumeAssembler assembler(options);
    for (int i = 0; i < 8; ++i)
        EXPECT_TRUE(assembler.addInstance(study.files[std::size_t(i)]));
    registry.wipeAll();
    EXPECT_TRUE(assembler.waitForFinished(60000));
    EXPECT_FALSE(assembler.addInstance(study.files[8]));
    ASSERT_TRUE(assembler.failure());
    EXPECT_TRUE(assembler.volume() == nullptr || assembler.volume()->wiped());
}

TEST(VolumeAssembler, WithALayoutSlicesAreReadyAsTheyArrive)
{
    GeneratedStudy study = generate(tinySpec(phantom::TransferSyntax::RleLossless));
    ASSERT_EQ(study.files.size(), 16u);
    AssemblerOptions options;
    for (const auto& f : study.files) { // the WADO-RS series metadata, in effect
        auto headers = InstanceDecoder::readHeaders(QByteArrayView(f));
        ASSERT_TRUE(headers);
        options.layout.insert(options.layout.end(), headers->begin(), headers->end());
    }
    shuffle(study.files, 11);
    VolumeAssembler assembler(options);
    std::atomic<int> ready{0};
    std::atomic<bool> finishedBeforeLast{false};
    QObject::connect(
        &assembler, &VolumeAssembler::sliceReady, &assembler, [&](int) { ++ready; }, Qt::DirectConnection);
    QObject::connect(
        &assembler, &VolumeAssembler::finished, &assembler, [&] { finishedBeforeLast = ready.load() < 16; },
        Qt::DirectConnection);
    // The first half arrives: its slices are announced before the rest exists.
    for (int i = 0; i < 8; ++i)
        ASSERT_TRUE(assembler.addInstance(study.files[std::size_t(i)]));
    for (int wait = 0; wait < 600 && ready.load() < 8; ++wait)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_EQ(ready.load(), 8);
    EXPECT_FALSE(assembler.isFinished());
    for (int i = 8; i < 16; ++i)
        ASSERT_TRUE(assembler.addInstance(study.files[std::size_t(i)]));
    ASSERT_TRUE(assembler.waitForFinished(60000));
    EXPECT_EQ(ready.load(), 16);
    EXPECT_FALSE(finishedBeforeLast.load());
    expectMatchesTruth(assembler, study);
}

TEST(VolumeAssembler, WithoutALayoutDecodedInstancesArePreviewedInPositionOrder)
{
    GeneratedStudy study = generate(tinySpec(phantom::TransferSyntax::ExplicitLittle));
    ASSERT_EQ(study.files.size(), 16u);
    shuffle(study.files, 5);
    AssemblerOptions options;
    options.expectedInstances = 16;
    VolumeAssembler assembler(options);
    std::atomic<int> decodedSignals{0};
    QObject::connect(
        &assembler, &VolumeAssembler::instanceDecoded, &assembler, [&](int) { ++decodedSignals; },
        Qt::DirectConnection);
    EXPECT_TRUE(assembler.previewPositions().empty());
    EXPECT_FALSE(assembler.withPreviewSlice(0, [](const InstanceInfo&, const std::int16_t*) {}));
    for (int i = 0; i < 6; ++i)
        ASSERT_TRUE(assembler.addInstance(study.files[std::size_t(i)]));
    for (int wait = 0; wait < 600 && assembler.previewPositions().size() < 6; ++wait)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    const std::vector<double> positions = assembler.previewPositions();
    ASSERT_EQ(positions.size(), 6u);
    EXPECT_EQ(decodedSignals.load(), 6);
    EXPECT_FALSE(assembler.isFinished());
    EXPECT_TRUE(std::is_sorted(positions.begin(), positions.end()));
    // Each previewed slice shows the pixels of the instance at that position (truth by position).
    for (int k = 0; k < 6; ++k) {
        bool called = false;
        EXPECT_TRUE(assembler.withPreviewSlice(k, [&](const InstanceInfo& info, const std::int16_t* pixels) {
            called = true;
            // Along the slice normal of the images (row x column direction cosines).
            const auto& o = info.imageOrientation;
            const double along = info.imagePosition[0] * (o[1] * o[5] - o[2] * o[4]) +
                                 info.imagePosition[1] * (o[2] * o[3] - o[0] * o[5]) +
                                 info.imagePosition[2] * (o[0] * o[4] - o[1] * o[3]);
            EXPECT_NEAR(along, positions[std::size_t(k)], 1e-3);
            const auto truth =
                std::find_if(study.summary.slices.begin(), study.summary.slices.end(),
                             [&](const phantom::WrittenSlice& s) {
                                 double d = 0;
                                 for (int i = 0; i < 3; ++i)
                                     d = std::max(d, std::abs(s.position[std::size_t(i)] -
                                                              info.imagePosition[std::size_t(i)]));
                                 return d < 1e-3;
                             });
            ASSERT_NE(truth, study.summary.slices.end());
            std::span<const std::int16_t> hu(pixels, std::size_t(info.rows) * std::size_t(info.columns));
            EXPECT_EQ(phantom::PhantomModel::huChecksum(hu), truth->huChecksum) << "preview " << k;
        }));
        EXPECT_TRUE(called);
    }
    EXPECT_FALSE(assembler.withPreviewSlice(6, [](const InstanceInfo&, const std::int16_t*) {}));
    for (int i = 6; i < 16; ++i)
        ASSERT_TRUE(assembler.addInstance(study.files[std::size_t(i)]));
    ASSERT_TRUE(assembler.waitForFinished(60000));
    EXPECT_EQ(decodedSignals.load(), 16);
    // Finished: the volume (sorted in place) replaces the preview.
    EXPECT_TRUE(assembler.previewPositions().empty());
    EXPECT_FALSE(assembler.withPreviewSlice(0, [](const InstanceInfo&, const std::int16_t*) {}));
    expectMatchesTruth(assembler, study);
}
