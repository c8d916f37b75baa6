#include "dokuei/viewer/core/InstanceDecoder.h"

#include "DecodeTestSupport.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>
#include <random>
#include <zlib.h>

#include <gtest/gtest.h>

using namespace dokuei;
using namespace dokuei::viewer;
using namespace dokuei::viewer::test;

namespace {
// The largest array DCMTK asked for while tracking: DCMTK allocates element values with
// new (std::nothrow) Uint8[length]; the replacement below (a test-binary-wide replacement of that one
// allocation function, as the standard allows) records the request and allocates as the default does.
std::atomic<bool> g_trackNothrowArrays{false};
std::atomic<std::size_t> g_largestNothrowArray{0};
} // namespace

void* operator new[](std::size_t size, const std::nothrow_t&) noexcept
{
    if (g_trackNothrowArrays.load(std::memory_order_relaxed)) {
        std::size_t seen = g_largestNothrowArray.load(std::memory_order_relaxed);
        while (size > seen && !g_largestNothrowArray.compare_exchange_weak(seen, size))
            ;
    }
    return std::malloc(size == 0 ? 1 : size); // released by the default operator delete[] (free)
}

namespace {

/// The largest new (std::nothrow) T[] request made while f runs.
template <typename F> std::size_t largestNothrowArrayDuring(F&& f)
{
    g_largestNothrowArray = 0;
    g_trackNothrowArrays = true;
    f();
    g_trackNothrowArrays = false;
    return g_largestNothrowArray.load();
}

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

/// Raw deflate (RFC 1951, as in transfer syntax 1.2.840.10008.1.2.1.99) of bytes.
QByteArray rawDeflate(const QByteArray& bytes)
{
    z_stream z{};
    EXPECT_EQ(deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 9, Z_DEFAULT_STRATEGY), Z_OK);
    QByteArray out(qsizetype(deflateBound(&z, uLong(bytes.size()))), '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.constData()));
    z.avail_in = uInt(bytes.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = uInt(out.size());
    EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
    out.resize(qsizetype(z.total_out));
    deflateEnd(&z);
    return out;
}

QByteArray rawInflate(const QByteArray& bytes)
{
    z_stream z{};
    EXPECT_EQ(inflateInit2(&z, -MAX_WBITS), Z_OK);
    QByteArray out(1 << 24, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.constData()));
    z.avail_in = uInt(bytes.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = uInt(out.size());
    EXPECT_EQ(inflate(&z, Z_FINISH), Z_STREAM_END);
    out.resize(qsizetype(z.total_out));
    inflateEnd(&z);
    return out;
}

/// Preamble, 'DICM' and the meta header of a Part 10 file (the meta header's group length is the first
/// element, as DCMTK writes it).
QByteArray metaHeader(const QByteArray& file)
{
    if (file.size() < 144 || file.mid(132, 8) != QByteArray("\x02\x00\x00\x00UL\x04\x00", 8)) {
        ADD_FAILURE() << "no meta group length";
        return {};
    }
    std::uint32_t groupLength = 0;
    std::memcpy(&groupLength, file.constData() + 140, 4);
    return file.left(144 + qsizetype(groupLength));
}

std::uint64_t checksumOf(const GeneratedStudy& study, const InstanceInfo& info)
{
    const auto it =
        std::find_if(study.summary.slices.begin(), study.summary.slices.end(), [&](const auto& s) {
            return QString::fromStdString(s.sopInstanceUid) == info.sopInstanceUid;
        });
    if (it == study.summary.slices.end()) {
        ADD_FAILURE() << "no ground truth for " << info.sopInstanceUid.toStdString();
        return 0;
    }
    return it->huChecksum;
}

DecodeLimits tinyLimits()
{
    DecodeLimits limits; // the tiny phantom: 64 x 64, one frame per file
    limits.maxRows = 64;
    limits.maxColumns = 64;
    limits.maxFrames = 4;
    return limits;
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

// The series' own window (first Window Center/Width value; the phantom writes "40\-600" / "400\1500" for a
// body CT), in classic images and in the Frame VOI LUT functional group of Enhanced CT.
TEST(InstanceDecoder, ReadsTheFirstWindowOfClassicAndEnhancedImages)
{
    for (const bool enhanced : {false, true}) {
        auto spec = tinySpec();
        spec.enhanced = enhanced;
        GeneratedStudy study = generate(spec);
        ASSERT_FALSE(study.files.empty());
        auto infos = InstanceDecoder::readHeaders(QByteArrayView(study.files.front()));
        ASSERT_TRUE(infos) << infos.error().toString().toStdString();
        ASSERT_FALSE(infos->empty());
        for (const InstanceInfo& info : *infos) {
            EXPECT_TRUE(info.hasWindow) << (enhanced ? "enhanced" : "classic");
            EXPECT_EQ(info.windowCentre, 40);
            EXPECT_EQ(info.windowWidth, 400);
        }
    }
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

// Deflated data sets are inflated by InstanceDecoder itself, bounded by the DecodeLimits (DCMTK's own inflate
// has no bound). A normal deflated instance still decodes bit-exactly, also under tight limits.
TEST(InstanceDecoder, DeflatedDecodesBitExact)
{
    GeneratedStudy study = generate(tinySpec(phantom::TransferSyntax::Deflated));
    ASSERT_FALSE(study.files.empty());
    for (const DecodeLimits& limits : {DecodeLimits{}, tinyLimits()}) {
        for (const QByteArray& file : study.files) {
            std::vector<std::int16_t> hu;
            auto infos = decodeInto(file, hu, limits);
            ASSERT_TRUE(infos) << infos.error().toString().toStdString();
            ASSERT_EQ(infos->size(), 1u);
            EXPECT_EQ(infos->front().transferSyntaxUid, QStringLiteral("1.2.840.10008.1.2.1.99"));
            EXPECT_EQ(infos->front().patientName, kPatientName);
            EXPECT_EQ(phantom::PhantomModel::huChecksum(hu), checksumOf(study, infos->front()));
        }
    }
}

TEST(InstanceDecoder, DeflatedEnhancedDecodesEveryFrame)
{
    auto spec = tinySpec(phantom::TransferSyntax::Deflated);
    spec.enhanced = true;
    GeneratedStudy study = generate(spec);
    ASSERT_EQ(study.files.size(), 1u);
    std::vector<std::int16_t> hu;
    int frames = 0;
    auto infos = InstanceDecoder::decode(QByteArrayView(study.files.front()),
                                         [&](const InstanceInfo& info) -> Expected<std::span<std::int16_t>> {
                                             ++frames;
                                             hu.assign(std::size_t(info.rows) * std::size_t(info.columns), 0);
                                             return std::span<std::int16_t>(hu);
                                         },
                                         {});
    ASSERT_TRUE(infos) << infos.error().toString().toStdString();
    EXPECT_EQ(std::size_t(frames), study.summary.slices.size());
    EXPECT_EQ(infos->size(), study.summary.slices.size());
}

TEST(InstanceDecoder, RefusesDeflateBomb)
{
    GeneratedStudy study = generate(tinySpec(phantom::TransferSyntax::Deflated));
    ASSERT_FALSE(study.files.empty());
    const QByteArray meta = metaHeader(study.files.front());
    ASSERT_FALSE(meta.isEmpty());
    // 64 MiB of zeros deflate to about 64 KB: 1000 times what the tiny limits allow (64 x 64 x 4 frames).
    const QByteArray bomb = meta + rawDeflate(QByteArray(64 << 20, '\0'));
    ASSERT_LT(bomb.size(), 200 << 10);
    for (bool headersOnly : {false, true}) {
        std::vector<std::int16_t> hu;
        auto result = headersOnly ? InstanceDecoder::readHeaders(QByteArrayView(bomb), tinyLimits())
                                  : decodeInto(bomb, hu, tinyLimits());
        ASSERT_FALSE(result);
        EXPECT_EQ(result.error().code, ErrorCode::InvalidArgument);
        EXPECT_TRUE(result.error().message.contains(QStringLiteral("decompression bomb")))
            << result.error().message.toStdString();
        EXPECT_TRUE(hu.empty());
    }
    // The absolute cap holds whatever rows, columns and frames allow.
    DecodeLimits absolute;
    absolute.maxInflatedBytes = 1 << 20;
    std::vector<std::int16_t> hu;
    auto result = decodeInto(bomb, hu, absolute);
    ASSERT_FALSE(result);
    EXPECT_TRUE(result.error().message.contains(QStringLiteral("more than 1048576 bytes")))
        << result.error().message.toStdString();
    // A genuine instance larger than the absolute cap is refused the same way.
    absolute.maxInflatedBytes = 4096;
    result = decodeInto(study.files.front(), hu, absolute);
    ASSERT_FALSE(result);
    EXPECT_TRUE(result.error().message.contains(QStringLiteral("decompression bomb")))
        << result.error().message.toStdString();
}

// The cap is exact: a data set that inflates to exactly maxInflatedBytes decodes, one byte less refuses it.
TEST(InstanceDecoder, DeflateCapIsExact)
{
    GeneratedStudy study = generate(tinySpec(phantom::TransferSyntax::Deflated));
    ASSERT_FALSE(study.files.empty());
    const QByteArray& file = study.files.front();
    const QByteArray meta = metaHeader(file);
    ASSERT_FALSE(meta.isEmpty());
    const std::size_t inflated = std::size_t(rawInflate(file.mid(meta.size())).size());
    ASSERT_GT(inflated, 64u * 64u * 2u);
    DecodeLimits limits;
    limits.maxInflatedBytes = inflated;
    std::vector<std::int16_t> hu;
    auto exact = decodeInto(file, hu, limits);
    ASSERT_TRUE(exact) << exact.error().toString().toStdString();
    EXPECT_EQ(phantom::PhantomModel::huChecksum(hu), checksumOf(study, exact->front()));
    limits.maxInflatedBytes = inflated - 1;
    auto over = decodeInto(file, hu, limits);
    ASSERT_FALSE(over);
    EXPECT_TRUE(over.error().message.contains(QStringLiteral("decompression bomb")))
        << over.error().message.toStdString();
}

// DCMTK sizes its RLE/JPEG decompression buffer from the header alone: a small instance declaring 4096 x 4096
// pixels is refused before decompression, by the format's maximum compression ratio.
TEST(InstanceDecoder, RefusesMorePixelsThanTheCompressedDataCanHold)
{
    for (auto syntax : {phantom::TransferSyntax::RleLossless, phantom::TransferSyntax::JpegLossless}) {
        GeneratedStudy study = generate(tinySpec(syntax));
        ASSERT_FALSE(study.files.empty());
        QByteArray bytes = study.files.front();
        for (const char element : {'\x10', '\x11'}) { // Rows, Columns
            const QByteArray tag = QByteArray("\x28\x00", 2) + element + QByteArray("\x00US\x02\x00", 5);
            const qsizetype at = bytes.indexOf(tag);
            ASSERT_NE(at, -1);
            bytes[at + 8] = char(0x00); // 4096
            bytes[at + 9] = char(0x10);
        }
        std::vector<std::int16_t> hu;
        auto result = decodeInto(bytes, hu);
        ASSERT_FALSE(result) << phantom::toString(syntax);
        EXPECT_TRUE(result.error().message.contains(QStringLiteral("refused before decompression")))
            << result.error().message.toStdString();
        EXPECT_TRUE(hu.empty());
    }
}

// Found by libFuzzer (tests/data/fuzz/corpus/decode/regression-jpeg-tem-marker-hang): DCMTK 3.6.7's JPEG bit
// depth scan never advances past a TEM marker (FF01), so a fragment with one before its frame header hung the
// decode thread for good. Refused before DCMTK sees it (without the check this test hangs until ctest's
// timeout).
TEST(InstanceDecoder, RefusesJpegOnWhichDcmtkWouldHang)
{
    GeneratedStudy study = generate(tinySpec(phantom::TransferSyntax::JpegLossless));
    ASSERT_FALSE(study.files.empty());
    QByteArray bytes = study.files.front();
    const qsizetype soi = bytes.indexOf(QByteArray("\xff\xd8\xff", 3));
    ASSERT_NE(soi, -1);
    bytes[soi + 3] = char(0x01); // the marker after SOI becomes TEM
    std::vector<std::int16_t> hu;
    auto result = decodeInto(bytes, hu);
    ASSERT_FALSE(result);
    EXPECT_TRUE(result.error().message.contains(QStringLiteral("TEM marker")))
        << result.error().message.toStdString();
    EXPECT_TRUE(hu.empty());
}

// The hole found by fuzzing: in a deflated data set, an element may claim ~4 GB; DCMTK's inflating stream
// cannot know how many bytes remain and allocated it. Inflated by us, the claim meets the real end.
TEST(InstanceDecoder, RefusesDeflatedElementLongerThanTheDataSet)
{
    GeneratedStudy study = generate(tinySpec(phantom::TransferSyntax::Deflated));
    ASSERT_FALSE(study.files.empty());
    const QByteArray meta = metaHeader(study.files.front());
    ASSERT_FALSE(meta.isEmpty());
    QByteArray dataset = rawInflate(study.files.front().mid(meta.size()));
    const QByteArray pixelTag("\xe0\x7f\x10\x00OW\x00\x00", 8);
    const qsizetype at = dataset.indexOf(pixelTag);
    ASSERT_NE(at, -1);
    dataset.truncate(at + 12);
    const std::uint32_t huge = 0xFFFFFFF0u;
    std::memcpy(dataset.data() + at + 8, &huge, 4);
    dataset.append(QByteArray(1024, '\x01'));
    const QByteArray lying = meta + rawDeflate(dataset);
    std::vector<std::int16_t> hu;
    Expected<std::vector<InstanceInfo>> result;
    const std::size_t largest = largestNothrowArrayDuring([&] { result = decodeInto(lying, hu); });
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, ErrorCode::InvalidArgument);
    EXPECT_TRUE(hu.empty());
    EXPECT_LE(largest, std::size_t(dataset.size())) << "DCMTK allocated the declared length";
    auto headers = InstanceDecoder::readHeaders(QByteArrayView(lying));
    EXPECT_FALSE(headers);
}

// Found by libFuzzer (tests/data/fuzz/corpus/decode/regression-element-claims-1.4GB): in a plain (not
// deflated) instance of 3.9 KB an element declared 1.4 GB and DCMTK, reading from a memory buffer, allocated
// it before finding the buffer short. No element may make DCMTK allocate more than the instance's own size.
TEST(InstanceDecoder, ElementLengthClaimsNeverAllocateBeyondTheInstance)
{
    for (auto syntax : {phantom::TransferSyntax::ExplicitLittle, phantom::TransferSyntax::ImplicitLittle,
                        phantom::TransferSyntax::ExplicitBig}) {
        GeneratedStudy study = generate(tinySpec(syntax));
        ASSERT_FALSE(study.files.empty());
        const QByteArray& original = study.files.front();
        const bool big = syntax == phantom::TransferSyntax::ExplicitBig;
        const QByteArray pixelTag = syntax == phantom::TransferSyntax::ImplicitLittle
                                        ? QByteArray("\xe0\x7f\x10\x00", 4)
                                        : (big ? QByteArray("\x7f\xe0\x00\x10OW\x00\x00", 8)
                                               : QByteArray("\xe0\x7f\x10\x00OW\x00\x00", 8));
        const qsizetype at = original.lastIndexOf(pixelTag);
        ASSERT_NE(at, -1) << phantom::toString(syntax);
        QByteArray bytes = original;
        const qsizetype lengthAt = at + pixelTag.size();
        // 0x55000000 = 1.4 GB in the instance's byte order
        const unsigned char littleClaim[4] = {0x00, 0x00, 0x00, 0x55};
        const unsigned char bigClaim[4] = {0x55, 0x00, 0x00, 0x00};
        std::memcpy(bytes.data() + lengthAt, big ? bigClaim : littleClaim, 4);
        std::vector<std::int16_t> hu;
        Expected<std::vector<InstanceInfo>> result;
        const std::size_t largest = largestNothrowArrayDuring([&] { result = decodeInto(bytes, hu); });
        EXPECT_FALSE(result) << phantom::toString(syntax);
        EXPECT_LE(largest, std::size_t(bytes.size())) << phantom::toString(syntax);
        const std::size_t headersLargest =
            largestNothrowArrayDuring([&] { (void)InstanceDecoder::readHeaders(QByteArrayView(bytes)); });
        EXPECT_LE(headersLargest, std::size_t(bytes.size())) << phantom::toString(syntax);
        // The unmodified instance still decodes, its Pixel Data loaded on demand.
        EXPECT_TRUE(decodeInto(original, hu)) << phantom::toString(syntax);
    }
}

TEST(InstanceDecoder, RefusesCorruptDeflateStream)
{
    GeneratedStudy study = generate(tinySpec(phantom::TransferSyntax::Deflated));
    ASSERT_FALSE(study.files.empty());
    const QByteArray meta = metaHeader(study.files.front());
    ASSERT_FALSE(meta.isEmpty());
    std::vector<std::int16_t> hu;
    // Not deflate at all (block type 3 is reserved), and a zlib (RFC 1950) header where raw deflate belongs.
    for (const QByteArray& body : {QByteArray(64, '\xff'), QByteArray("\x78\x9c\x01\x00", 4)}) {
        auto result = decodeInto(meta + body, hu);
        ASSERT_FALSE(result);
        EXPECT_TRUE(result.error().message.contains(QStringLiteral("deflate")))
            << result.error().message.toStdString();
    }
}
