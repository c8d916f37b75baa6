#include "dokuei/exchange/MultipartParser.h"

#include "MultipartTestData.h"
#include "dokuei/security/MemoryScanner.h"
#include "dokuei/security/SecureBuffer.h"

#include <QElapsedTimer>
#include <QRandomGenerator>

#include <gtest/gtest.h>

using namespace dokuei;
using namespace dokuei::exchange;
using namespace dokuei::exchange::test;

namespace {

const QByteArray kBoundary = "dokuei-test-boundary-3f9a";

struct Collected
{
    QList<MultipartPart> parts;
    Expected<void> result;
};

/// Feeds `body` in chunks whose sizes come from `nextChunk`, then finishes.
template <typename ChunkSizes>
Collected parse(const QByteArray& body, ChunkSizes nextChunk, MultipartLimits limits = {},
                const QByteArray& boundary = kBoundary)
{
    Collected collected;
    MultipartParser parser(
        boundary,
        [&](MultipartPart& part) {
            MultipartPart copy = part;
            copy.body = std::move(part.body);
            collected.parts.append(copy);
        },
        limits);
    qsizetype offset = 0;
    while (offset < body.size()) {
        const qsizetype n = std::min<qsizetype>(nextChunk(), body.size() - offset);
        collected.result = parser.feed(QByteArrayView(body).sliced(offset, n));
        if (!collected.result) {
            return collected;
        }
        offset += n;
    }
    collected.result = parser.finish();
    return collected;
}

Collected parseWhole(const QByteArray& body, MultipartLimits limits = {})
{
    return parse(
        body, [&] { return body.size() + 1; }, limits);
}

void expectParts(const Collected& collected, const QList<FakeInstance>& instances)
{
    ASSERT_EQ(collected.parts.size(), instances.size());
    for (int i = 0; i < instances.size(); ++i) {
        EXPECT_EQ(collected.parts[i].index, i);
        EXPECT_EQ(collected.parts[i].body, instances[i].bytes) << "part " << i;
        EXPECT_EQ(collected.parts[i].contentType, "application/dicom");
        EXPECT_TRUE(collected.parts[i].contentLocation.endsWith(instances[i].sopUid.toLatin1()));
    }
}

} // namespace

TEST(MultipartParserTest, BoundaryFromContentTypeQuotedOrNot)
{
    auto quoted = MultipartParser::boundaryFromContentType(
        R"(multipart/related; type="application/dicom"; boundary="a b:c=d")");
    ASSERT_TRUE(quoted.has_value()) << quoted.error().toString().toStdString();
    EXPECT_EQ(*quoted, "a b:c=d");
    auto plain =
        MultipartParser::boundaryFromContentType("Multipart/Related;boundary=xyz;type=application/dicom");
    ASSERT_TRUE(plain.has_value());
    EXPECT_EQ(*plain, "xyz");
}

TEST(MultipartParserTest, WrongContentTypeIsRefused)
{
    auto html = MultipartParser::boundaryFromContentType("text/html; charset=utf-8");
    ASSERT_FALSE(html.has_value());
    EXPECT_EQ(html.error().code, ErrorCode::Unsupported);
    EXPECT_TRUE(html.error().message.contains(QLatin1String("text/html")));
    auto json =
        MultipartParser::boundaryFromContentType(R"(multipart/related; type="application/json"; boundary=x)");
    ASSERT_FALSE(json.has_value());
    EXPECT_EQ(json.error().code, ErrorCode::Unsupported);
    auto noBoundary =
        MultipartParser::boundaryFromContentType(R"(multipart/related; type="application/dicom")");
    ASSERT_FALSE(noBoundary.has_value());
    EXPECT_EQ(noBoundary.error().code, ErrorCode::InvalidArgument);
}

TEST(MultipartParserTest, AnyChunkingGivesIdenticalParts)
{
    const auto instances = makeInstances(12, 3000, 7, kBoundary);
    MultipartOptions options;
    options.preamble = "This is the preamble, ignored.";
    options.epilogue = "\r\nepilogue, also ignored\r\n";
    const QByteArray body = makeMultipart(instances, kBoundary, options);

    expectParts(parseWhole(body), instances);
    const auto oneByte = parse(body, [] { return 1; });
    ASSERT_TRUE(oneByte.result.has_value()) << oneByte.result.error().toString().toStdString();
    expectParts(oneByte, instances);
    for (quint32 seed = 1; seed <= 20; ++seed) {
        QRandomGenerator random(seed);
        const auto collected = parse(body, [&] { return 1 + random.bounded(seed % 2 ? 17 : 9000); });
        ASSERT_TRUE(collected.result.has_value()) << collected.result.error().toString().toStdString();
        expectParts(collected, instances);
    }
}

TEST(MultipartParserTest, BoundaryInsideDataStaysData)
{
    auto instances = makeInstances(3, 500, 11, kBoundary);
    // Also the boundary after a bare LF and without the dashes: data in CRLF mode.
    instances[1].bytes.append("Z\n--" + kBoundary + "\r\n" + "x--" + kBoundary + "--" + "\r\n" + kBoundary +
                              "\r\n--" + kBoundary + "-x");
    const QByteArray body = makeMultipart(instances, kBoundary);
    const auto collected = parse(body, [] { return 5; });
    ASSERT_TRUE(collected.result.has_value()) << collected.result.error().toString().toStdString();
    expectParts(collected, instances);
}

TEST(MultipartParserTest, LfOnlyStreamsAndNoContentLength)
{
    const auto instances = makeInstances(4, 800, 3, "zz");
    MultipartOptions options;
    options.lfOnly = true;
    options.withContentLength = false;
    // In LF mode the body may not contain LF "--" boundary: use a boundary the data cannot hold.
    QList<FakeInstance> clean = instances;
    for (auto& instance : clean) {
        instance.bytes.replace("\n--zz", "\n--yy");
    }
    const auto collected = parse(
        makeMultipart(clean, "zz", options), [] { return 3; }, {}, "zz");
    ASSERT_TRUE(collected.result.has_value()) << collected.result.error().toString().toStdString();
    ASSERT_EQ(collected.parts.size(), clean.size());
    for (int i = 0; i < clean.size(); ++i) {
        EXPECT_EQ(collected.parts[i].body, clean[i].bytes);
        EXPECT_FALSE(collected.parts[i].contentLength.has_value());
    }
}

TEST(MultipartParserTest, TruncatedBodyFailsAfterCompletePartsWereDelivered)
{
    const auto instances = makeInstances(5, 1000, 5, kBoundary);
    QByteArray body = makeMultipart(instances, kBoundary);
    // Cut in the middle of the fourth part's data.
    const qsizetype cut = body.indexOf(instances[3].bytes) + 100;
    body.truncate(cut);
    const auto collected = parse(body, [] { return 64; });
    ASSERT_FALSE(collected.result.has_value());
    EXPECT_EQ(collected.result.error().code, ErrorCode::IoFailure);
    EXPECT_TRUE(collected.result.error().message.contains(QLatin1String("truncated")))
        << collected.result.error().toString().toStdString();
    EXPECT_TRUE(collected.result.error().message.contains(QLatin1String("3 complete part")));
    ASSERT_EQ(collected.parts.size(), 3);
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(collected.parts[i].body, instances[i].bytes);
    }
}

TEST(MultipartParserTest, MissingCloseDelimiterIsTruncation)
{
    const auto instances = makeInstances(2, 100, 5, kBoundary);
    QByteArray body = makeMultipart(instances, kBoundary);
    body.chop(QByteArray("--\r\n").size()); // "...\r\n--boundary" without the closing dashes
    const auto collected = parseWhole(body);
    ASSERT_FALSE(collected.result.has_value());
    EXPECT_TRUE(collected.result.error().message.contains(QLatin1String("truncated")));
    EXPECT_EQ(collected.parts.size(), 2);
}

TEST(MultipartParserTest, EmptyAndNonMultipartInputFail)
{
    const auto empty = parseWhole(QByteArray());
    ASSERT_FALSE(empty.result.has_value());
    const auto html = parseWhole("<html><body>502 Bad Gateway</body></html>");
    ASSERT_FALSE(html.result.has_value());
    EXPECT_TRUE(html.result.error().message.contains(QLatin1String("first boundary")));
}

TEST(MultipartParserTest, LyingContentLengthNamesThePart)
{
    const auto instances = makeInstances(4, 700, 9, kBoundary);
    for (int delta : {-1, +1, -300, +5000}) {
        MultipartOptions options;
        options.lieAboutLengthOfPart = 2;
        options.lieDelta = delta;
        const auto collected = parse(makeMultipart(instances, kBoundary, options), [] { return 50; });
        ASSERT_FALSE(collected.result.has_value()) << "delta " << delta;
        const QString message = collected.result.error().message;
        EXPECT_EQ(collected.result.error().code, ErrorCode::InvalidArgument);
        EXPECT_TRUE(message.contains(QLatin1String("part 3"))) << message.toStdString();
        EXPECT_TRUE(message.contains(instances[2].sopUid)) << message.toStdString();
        EXPECT_TRUE(message.contains(QLatin1String("Content-Length"))) << message.toStdString();
        EXPECT_EQ(collected.parts.size(), 2) << "the parts before the lying one were delivered";
    }
}

TEST(MultipartParserTest, OversizePartIsRefused)
{
    const auto instances = makeInstances(3, 5000, 2, kBoundary);
    MultipartLimits limits;
    limits.maxPartBytes = 4096;
    MultipartOptions options;
    options.withContentLength = false;
    const auto collected = parse(
        makeMultipart(instances, kBoundary, options), [] { return 100; }, limits);
    ASSERT_FALSE(collected.result.has_value());
    EXPECT_TRUE(collected.result.error().message.contains(QLatin1String("part 1")))
        << collected.result.error().toString().toStdString();
    EXPECT_TRUE(collected.result.error().message.contains(QLatin1String("limit")));
    // With a declared length the refusal comes before any body byte is buffered.
    const auto declared = parse(
        makeMultipart(instances, kBoundary), [] { return 100; }, limits);
    ASSERT_FALSE(declared.result.has_value());
    EXPECT_TRUE(declared.result.error().message.contains(QLatin1String("declares")));
}

TEST(MultipartParserTest, TooManyPartsAndOversizeHeadersAreRefused)
{
    const auto instances = makeInstances(6, 100, 4, kBoundary);
    MultipartLimits limits;
    limits.maxParts = 5;
    const auto many = parseWhole(makeMultipart(instances, kBoundary), limits);
    ASSERT_FALSE(many.result.has_value());
    EXPECT_TRUE(many.result.error().message.contains(QLatin1String("more than 5 parts")));
    EXPECT_EQ(many.parts.size(), 5);

    QByteArray huge =
        "--" + kBoundary + "\r\nX-Junk: " + QByteArray(40000, 'a') + "\r\n\r\nbody\r\n--" + kBoundary + "--";
    const auto headers = parse(huge, [] { return 1000; });
    ASSERT_FALSE(headers.result.has_value());
    EXPECT_TRUE(headers.result.error().message.contains(QLatin1String("headers of part 1")));
}

TEST(MultipartParserTest, StopInsideHandlerEndsDelivery)
{
    const auto instances = makeInstances(5, 200, 8, kBoundary);
    int delivered = 0;
    MultipartParser* self = nullptr;
    MultipartParser parser(kBoundary, [&](MultipartPart&) {
        if (++delivered == 2) {
            self->stop();
        }
    });
    self = &parser;
    EXPECT_TRUE(parser.feed(makeMultipart(instances, kBoundary)).has_value());
    EXPECT_TRUE(parser.finish().has_value());
    EXPECT_EQ(delivered, 2);
}

TEST(MultipartParserTest, ThroughputOn150MegabyteMultipart)
{
    const auto instances = makeInstances(300, 512 * 512 * 2 + 2000, 42, kBoundary);
    const QByteArray body = makeMultipart(instances, kBoundary);
    qint64 total = 0;
    int parts = 0;
    MultipartParser parser(kBoundary, [&](MultipartPart& part) {
        total += part.body.size();
        ++parts;
    });
    QElapsedTimer timer;
    timer.start();
    const qsizetype chunk = 64 * 1024; // what a network read delivers
    for (qsizetype offset = 0; offset < body.size(); offset += chunk) {
        ASSERT_TRUE(parser.feed(QByteArrayView(body).sliced(offset, std::min(chunk, body.size() - offset)))
                        .has_value());
    }
    ASSERT_TRUE(parser.finish().has_value());
    const double seconds = std::max<qint64>(1, timer.nsecsElapsed()) / 1e9;
    EXPECT_EQ(parts, 300);
    std::printf("[ throughput ] %.1f MB multipart parsed in %.3f s: %.0f MB/s\n", body.size() / 1e6, seconds,
                body.size() / 1e6 / seconds);
    RecordProperty("MBperSecond", static_cast<int>(body.size() / 1e6 / seconds));
}

TEST(MultipartParserMemoryTest, NoLiveCopyOfPartBytesAfterTheHandOver)
{
    // A marker made at run time (never in the binary), in every part; the handler takes and erases each
    // body, the input is erased: a scan of the process's memory then finds no copy while the parser lives.
    const QByteArray marker =
        QByteArrayLiteral("MPMARK-") + QByteArray::number(QRandomGenerator::global()->generate64(), 16);
    QByteArray body;
    for (int i = 0; i < 20; ++i) {
        body += i == 0 ? QByteArrayLiteral("--B\r\n") : QByteArrayLiteral("\r\n--B\r\n");
        body += QByteArrayLiteral("Content-Type: application/dicom\r\n\r\n");
        body += QByteArray(3000 + i, 'x');
        body += marker;
        body += QByteArray(3000, 'y');
    }
    body += QByteArrayLiteral("\r\n--B--\r\n");
    int parts = 0;
    MultipartParser parser("B", [&](MultipartPart& part) {
        EXPECT_TRUE(part.body.contains(marker));
        QByteArray taken = std::move(part.body);
        dokuei::security::secureErase(taken);
        ++parts;
    });
    for (qsizetype offset = 0; offset < body.size(); offset += 777) {
        ASSERT_TRUE(
            parser.feed(QByteArrayView(body).sliced(offset, std::min<qsizetype>(777, body.size() - offset)))
                .has_value());
    }
    ASSERT_TRUE(parser.finish().has_value());
    EXPECT_EQ(parts, 20);
    dokuei::security::secureErase(body);
    auto scan = dokuei::security::MemoryScanner::scan(marker);
    ASSERT_TRUE(scan.has_value()) << scan.error().toString().toStdString();
    EXPECT_EQ(scan->hits, 0u) << scan->hitRegions.join(QLatin1Char(' ')).toStdString();
}

TEST(MultipartParserTest, FalseDelimiterInPreambleThenPartWithoutHeaders)
{
    // A boundary-like line in the preamble ("--bX"), then the real delimiter and a part with no headers,
    // all in one chunk and byte by byte.
    const QByteArray body = "pre\n--bX\r\n--b\r\n\r\ndata\r\n--b\r\n\r\nmore\r\n--b--";
    for (qsizetype chunk : {body.size(), qsizetype(1), qsizetype(3)}) {
        const auto collected = parse(
            body, [&] { return chunk; }, {}, "b");
        ASSERT_TRUE(collected.result.has_value()) << collected.result.error().toString().toStdString();
        ASSERT_EQ(collected.parts.size(), 2);
        EXPECT_EQ(collected.parts[0].body, "data");
        EXPECT_EQ(collected.parts[1].body, "more");
        EXPECT_TRUE(collected.parts[0].contentType.isEmpty());
    }
}
