// libFuzzer target for dokuei::exchange::MultipartParser. The first two input bytes choose the chunk sizes,
// so that the fuzzer explores every split of delimiters across feeds; the rest is the multipart body
// (boundary "b"). Limits are small so that oversize paths are reached. The corpus replay unit test
// (tests/unit/exchange/stream/CorpusReplayTest.cpp) links this file and calls the entry point directly.
#include "dokuei/exchange/MultipartParser.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include <QByteArray>
#include <QList>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    // The Content-Type parameter parser sees the raw input.
    (void)dokuei::exchange::MultipartParser::boundaryFromContentType(QByteArrayView(
        reinterpret_cast<const char*>(data), static_cast<qsizetype>(std::min<size_t>(size, 512))));
    if (size < 2) {
        return 0;
    }
    // Byte 0 seeds the chunk sizes, byte 1 bounds them (1-64); the rest is the body, boundary "b".
    uint32_t state = data[0];
    const uint32_t chunkMax = 1 + data[1] % 64u;
    data += 2;
    size -= 2;
    // Differential oracle: the same body fed whole and in chunks gives the same parts and the same result.
    const auto run = [&](bool chunked, QList<QByteArray>& bodies) {
        dokuei::exchange::MultipartLimits limits;
        limits.maxPartBytes = 4096;
        limits.maxHeaderBytes = 512;
        limits.maxParts = 64;
        dokuei::exchange::MultipartParser parser(
            QByteArray("b"),
            [&](dokuei::exchange::MultipartPart& part) {
                if (part.body.size() > limits.maxPartBytes || bodies.size() >= limits.maxParts ||
                    (part.contentLength && *part.contentLength != part.body.size())) {
                    __builtin_trap(); // a limit or a length check was not enforced
                }
                bodies.append(part.body);
            },
            limits);
        uint32_t chunkState = state;
        size_t offset = 0;
        while (offset < size) {
            chunkState = chunkState * 1103515245u + 12345u;
            const size_t n =
                chunked ? std::min<size_t>(size - offset, 1 + (chunkState >> 16) % chunkMax) : size;
            if (!parser.feed(QByteArrayView(reinterpret_cast<const char*>(data + offset),
                                            static_cast<qsizetype>(n)))) {
                return 1;
            }
            offset += n;
        }
        return parser.finish() ? 0 : 2;
    };
    QList<QByteArray> whole;
    QList<QByteArray> chunked;
    const int wholeResult = run(false, whole);
    const int chunkedResult = run(true, chunked);
    // An error may be detected at a different feed, but never with different parts before it: compare
    // the outcome class (success or not) and the parts delivered.
    if ((wholeResult == 0) != (chunkedResult == 0) || whole != chunked) {
        __builtin_trap();
    }
    return 0;
}
