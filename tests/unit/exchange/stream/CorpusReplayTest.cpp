// Replays the fuzzing seed corpus (tests/fuzz/corpus/multipart) through the parser, chunked as the fuzz
// harness chunks it: no crash, and every file either parses or fails with an error.
#include "dokuei/exchange/MultipartParser.h"

#include <QDir>
#include <QFile>

#include <gtest/gtest.h>

using namespace dokuei::exchange;

TEST(MultipartCorpusReplayTest, EveryCorpusFileParsesOrFailsCleanly)
{
    const QDir dir(QStringLiteral(DOKUEI_MULTIPART_CORPUS_DIR));
    const QStringList files = dir.entryList(QDir::Files);
    ASSERT_GE(files.size(), 3) << "seed corpus missing in " << dir.path().toStdString();
    int complete = 0;
    for (const QString& name : files) {
        QFile file(dir.filePath(name));
        ASSERT_TRUE(file.open(QIODevice::ReadOnly));
        const QByteArray data = file.readAll();
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
