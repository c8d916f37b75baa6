#include "dokuei/viewer/core/InstanceDecoder.h"

#include "DecodeTestSupport.h"

#include <cstring>
#include <random>

#include <gtest/gtest.h>

using namespace dokuei;
using namespace dokuei::viewer;
using namespace dokuei::viewer::test;

namespace {

const QString kPatientName = QStringLiteral("Yamada^Taro=山田^太郎=やまだ^たろう");

Expected<std::vector<InstanceInfo>> decodeInto(const QByteArray& bytes, std::vector<std::int16_t>& hu,
                                               const DecodeLimits& limits = {})
{
    return InstanceDecoder::decode(
        QByteArrayView(bytes),
        [&](const InstanceInfo& info) -> Expected<std::span<std::int16_t>> {
            hu.assign(std::size_t(info.rows) * std::size_t(info.columns), 0);
            return std::span<std::int16_t>(hu);
        },
        limits);
}

} // namespace

TEST(InstanceDecoder, PatientNameUtf8)
{
    GeneratedStudy study = generate(tinySpec());
    ASSERT_FALSE(study.files.empty());
    auto infos = InstanceDecoder::readHeaders(QByteArrayView(study.files.front()));
    ASSERT_TRUE(infos) << infos.error().toString().toStdString();
    ASSERT_EQ(infos->size(), 1u);
    EXPECT_EQ(infos->front().patientName, kPatientName);
    EXPECT_EQ(infos->front().studyDescription, QStringLiteral("胸部CT 単純"));
    EXPECT_EQ(infos->front().rows, 64);
    EXPECT_EQ(infos->front().columns, 64);
    EXPECT_EQ(infos->front().studyInstanceUid, QStringLiteral("1.2.826.0.1.3680043.10.543.77"));
}

TEST(InstanceDecoder, PatientNameIso2022Ir87)
{
    auto spec = tinySpec();
    spec.charset = phantom::Charset::Iso2022;
    GeneratedStudy study = generate(spec);
    ASSERT_FALSE(study.files.empty());
    ASSERT_NE(study.files.front().indexOf("\x1b$B"), -1) << "the phantom should have written JIS escapes";
    auto infos = InstanceDecoder::readHeaders(QByteArrayView(study.files.front()));
    ASSERT_TRUE(infos) << infos.error().toString().toStdString();
    EXPECT_EQ(infos->front().patientName, kPatientName);
    EXPECT_EQ(infos->front().studyDescription, QStringLiteral("胸部CT 単純"));
}

TEST(InstanceDecoder, DecodesOneSliceBitExact)
{
    GeneratedStudy study = generate(tinySpec(phantom::TransferSyntax::JpegLsLossless));
    ASSERT_FALSE(study.files.empty());
    std::vector<std::int16_t> hu;
    auto infos = decodeInto(study.files.front(), hu);
    ASSERT_TRUE(infos) << infos.error().toString().toStdString();
    const auto& info = infos->front();
    const auto it =
        std::find_if(study.summary.slices.begin(), study.summary.slices.end(), [&](const auto& s) {
            return QString::fromStdString(s.sopInstanceUid) == info.sopInstanceUid;
        });
    ASSERT_NE(it, study.summary.slices.end());
    EXPECT_EQ(phantom::PhantomModel::huChecksum(hu), it->huChecksum);
}

TEST(InstanceDecoder, RefusesRandomBytes)
{
    std::mt19937 rng(42);
    for (int size : {0, 1, 7, 128, 132, 1000, 65536}) {
        QByteArray bytes(size, '\0');
        for (auto& c : bytes)
            c = char(rng() & 0xFF);
        if (size > 132)
            std::memcpy(bytes.data() + 128, "DICM", 4);
        std::vector<std::int16_t> hu;
        EXPECT_FALSE(decodeInto(bytes, hu)) << "size " << size;
    }
}

TEST(InstanceDecoder, RefusesTruncatedInstances)
{
    for (auto syntax : {phantom::TransferSyntax::ExplicitLittle, phantom::TransferSyntax::JpegLsLossless,
                        phantom::TransferSyntax::RleLossless, phantom::TransferSyntax::Deflated,
                        phantom::TransferSyntax::JpegLossless}) {
        GeneratedStudy study = generate(tinySpec(syntax));
        ASSERT_FALSE(study.files.empty());
        const QByteArray& whole = study.files.front();
        for (qsizetype cut = 0; cut < whole.size(); cut += std::max<qsizetype>(1, whole.size() / 97)) {
            std::vector<std::int16_t> hu;
            auto result = decodeInto(whole.left(cut), hu);
            EXPECT_FALSE(result) << phantom::toString(syntax) << " cut at " << cut << " of " << whole.size();
        }
    }
}

TEST(InstanceDecoder, RefusesHugeSizeClaims)
{
    GeneratedStudy study = generate(tinySpec());
    ASSERT_FALSE(study.files.empty());
    QByteArray bytes = study.files.front();
    // (0028,0010) US 2 <rows>: claim 65535 rows.
    const QByteArray rowsTag("\x28\x00\x10\x00US\x02\x00", 8);
    const qsizetype at = bytes.indexOf(rowsTag);
    ASSERT_NE(at, -1);
    bytes[at + 8] = char(0xFF);
    bytes[at + 9] = char(0xFF);
    std::vector<std::int16_t> hu;
    auto result = decodeInto(bytes, hu);
    ASSERT_FALSE(result);
    EXPECT_TRUE(result.error().message.contains(QStringLiteral("65535")))
        << result.error().message.toStdString();
    EXPECT_TRUE(hu.empty()) << "nothing may be written for a refused instance";

    DecodeLimits small;
    small.maxRows = 32;
    EXPECT_FALSE(decodeInto(study.files.front(), hu, small));
}

TEST(InstanceDecoder, RefusesHuOutsideInt16)
{
    GeneratedStudy study = generate(tinySpec()); // slope 1: stored values up to 4095
    ASSERT_FALSE(study.files.empty());
    int refused = 0;
    for (QByteArray bytes : study.files) {
        // Rescale Slope (0028,1053) DS "1 " -> "9 ": bone and metal then overflow int16.
        const QByteArray slopeTag("\x28\x00\x53\x10"
                                  "DS",
                                  6);
        const qsizetype at = bytes.indexOf(slopeTag);
        ASSERT_NE(at, -1);
        ASSERT_EQ(bytes[at + 8], '1');
        bytes[at + 8] = '9';
        std::vector<std::int16_t> hu;
        auto result = decodeInto(bytes, hu);
        if (!result) {
            ++refused;
            EXPECT_TRUE(result.error().message.contains(QStringLiteral("outside int16")))
                << result.error().message.toStdString();
        }
    }
    EXPECT_GT(refused, 0);
}

// A poor man's fuzzer inside the unit suite (libFuzzer needs clang, whose libstdc++ <expected> support is
// missing in clang 14): random byte flips, insertions and cuts of valid instances of every syntax must give
// an error or a decode, never a crash (run under ASan in a sanitizer build).
TEST(InstanceDecoder, SurvivesMutatedInstances)
{
    std::mt19937 rng(2024);
    auto spec = tinySpec();
    spec.slices = 2;
    for (auto syntax : {phantom::TransferSyntax::ExplicitLittle, phantom::TransferSyntax::ImplicitLittle,
                        phantom::TransferSyntax::ExplicitBig, phantom::TransferSyntax::JpegLsLossless,
                        phantom::TransferSyntax::JpegLossless, phantom::TransferSyntax::RleLossless,
                        phantom::TransferSyntax::Deflated}) {
        for (bool enhanced : {false, true}) {
            spec.transferSyntax = syntax;
            spec.enhanced = enhanced;
            GeneratedStudy study = generate(spec);
            ASSERT_FALSE(study.files.empty());
            const QByteArray original = study.files.front();
            int decoded = 0;
            for (int round = 0; round < 400; ++round) {
                QByteArray bytes = original;
                const int edits = 1 + int(rng() % 8);
                for (int e = 0; e < edits; ++e) {
                    const auto at = qsizetype(rng() % std::uint32_t(bytes.size()));
                    switch (rng() % 4) {
                    case 0:
                        bytes[at] = char(rng() & 0xFF);
                        break;
                    case 1:
                        bytes[at] = char(0xFF);
                        break;
                    case 2:
                        bytes.insert(at, char(rng() & 0xFF));
                        break;
                    default:
                        bytes.remove(at, qsizetype(rng() % 16));
                        break;
                    }
                    if (bytes.isEmpty())
                        bytes = original;
                }
                std::vector<std::int16_t> hu;
                if (decodeInto(bytes, hu))
                    ++decoded;
            }
            SUCCEED() << phantom::toString(syntax) << (enhanced ? " enhanced" : "") << ": " << decoded
                      << " of 400 mutants still decoded";
        }
    }
}
