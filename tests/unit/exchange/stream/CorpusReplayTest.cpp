// Replays the fuzzing seed corpus (tests/data/fuzz/corpus/multipart) through the fuzz harness itself (linked
// in) and through the parser at fixed chunk sizes: no crash, and every file either parses or fails with an
// error. A seed is two chunking bytes (see tests/fuzz/fuzz_multipart.cpp) then a multipart body with
// boundary "b".
#include "dokuei/exchange/MultipartParser.h"

#include <cstdint>

#include <QDir>
#include <QFile>

#include <gtest/gtest.h>

using namespace dokuei::exchange;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

TEST(MultipartCorpusReplayTest, EveryCorpusFileParsesOrFailsCleanly)
{
    const QDir dir(QStringLiteral(DOKUEI_MULTIPART_CORPUS_DIR));
    const QStringList files = dir.entryList(QDir::Files);
    ASSERT_GE(files.size(), 3) << "seed corpus missing in " << dir.path().toStdString();
    int complete = 0;
    for (const QString& name : files) {
        QFile file(dir.filePath(name));
        ASSERT_TRUE(file.open(QIODevice::ReadOnly));
        const QByteArray seed = file.readAll();
        EXPECT_EQ(LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(seed.constData()),
                                         static_cast<size_t>(seed.size())),
                  0);
        const QByteArray data = seed.mid(2);
        for (qsizetype chunk : {qsizetype(1), qsizetype(7), qsizetype(4096)}) {
            MultipartLimits limits;
            limits.maxPartBytes = 1 << 20;
            limits.maxParts = 1000;
            int parts = 0;
            MultipartParser parser(
                "b", [&](MultipartPart&) { ++parts; }, limits);
            bool ok = true;
            for (qsizetype offset = 0; ok && offset < data.size(); offset += chunk) {
                ok = parser.feed(QByteArrayView(data).sliced(offset, std::min(chunk, data.size() - offset)))
                         .has_value();
            }
            if (ok && parser.finish().has_value()) {
                ++complete;
            }
            EXPECT_LE(parts, 1000);
        }
    }
    EXPECT_GT(complete, 0) << "at least one seed is a valid multipart with boundary \"b\"";
}
