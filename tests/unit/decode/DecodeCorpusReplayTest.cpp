// Replays the decode fuzzing corpus (tests/data/fuzz/corpus/decode) inside ctest, so that a regression shows
// without clang: every file goes through the fuzz harness itself (tests/fuzz/fuzz_decode.cpp, linked in; it
// traps on an inconsistent result), every seed (<what>.dcm, written by tests/fuzz/make-decode-corpus) must
// decode completely, and every regression file (regression-<what>, a fuzzer finding) must fail or decode
// cleanly under the harness's limits and the default ones.
#include "dokuei/viewer/core/InstanceDecoder.h"

#include <cstdint>

#include <QDir>
#include <QFile>

#include <gtest/gtest.h>

using namespace dokuei;
using namespace dokuei::viewer;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

Expected<std::vector<InstanceInfo>> decodeAll(const QByteArray& bytes, std::size_t& frames)
{
    std::vector<std::int16_t> hu;
    frames = 0;
    return InstanceDecoder::decode(QByteArrayView(bytes),
                                   [&](const InstanceInfo& info) -> Expected<std::span<std::int16_t>> {
                                       ++frames;
                                       hu.assign(std::size_t(info.rows) * std::size_t(info.columns), 0);
                                       return std::span<std::int16_t>(hu);
                                   });
}

} // namespace

TEST(DecodeCorpusReplay, EverySeedDecodesAndEveryFileIsHandledCleanly)
{
    const QDir dir(QStringLiteral(DOKUEI_DECODE_CORPUS_DIR));
    const QStringList files = dir.entryList(QDir::Files, QDir::Name);
    ASSERT_GE(files.size(), 10) << "seed corpus missing in " << dir.path().toStdString();
    int seeds = 0;
    QStringList syntaxes;
    for (const QString& name : files) {
        SCOPED_TRACE(name.toStdString());
        QFile file(dir.filePath(name));
        ASSERT_TRUE(file.open(QIODevice::ReadOnly));
        const QByteArray bytes = file.readAll();
        EXPECT_EQ(LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.constData()),
                                         std::size_t(bytes.size())),
                  0);
        std::size_t frames = 0;
        auto decoded = decodeAll(bytes, frames);
        auto headers = InstanceDecoder::readHeaders(QByteArrayView(bytes));
        if (!name.endsWith(QStringLiteral(".dcm"))) {
            // A fuzzer finding: any outcome but a crash, and consistent.
            if (decoded) {
                ASSERT_TRUE(headers);
                EXPECT_EQ(decoded->size(), headers->size());
            } else {
                EXPECT_FALSE(decoded.error().message.isEmpty());
            }
            continue;
        }
        ++seeds;
        ASSERT_TRUE(decoded) << decoded.error().toString().toStdString();
        ASSERT_TRUE(headers) << headers.error().toString().toStdString();
        EXPECT_EQ(decoded->size(), headers->size());
        EXPECT_EQ(frames, decoded->size());
        EXPECT_EQ(decoded->front().rows, 16);
        EXPECT_EQ(decoded->front().columns, 16);
        if (name.startsWith(QStringLiteral("enhanced-"))) {
            EXPECT_EQ(decoded->size(), 3u);
        }
        if (!syntaxes.contains(decoded->front().transferSyntaxUid))
            syntaxes.append(decoded->front().transferSyntaxUid);
    }
    EXPECT_GE(seeds, 10);
    // explicit/implicit LE, big endian, deflate, RLE, JPEG lossless, JPEG-LS, JPEG 2000
    EXPECT_GE(syntaxes.size(), 8) << syntaxes.join(QLatin1Char(' ')).toStdString();
}
