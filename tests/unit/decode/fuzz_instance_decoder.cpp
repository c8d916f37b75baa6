// libFuzzer harness for InstanceDecoder. Not part of the CMake build (GCC has no libFuzzer). Built and run by
// hand with clang 16 (clang 14 cannot compile libstdc++ 12's <expected>; see tests/fuzz/run-fuzzers):
//   clang++-16 -std=c++2b -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined \
//     -fno-sanitize-recover=undefined -fPIC -Wno-macro-redefined -D__cpp_concepts=202002L \
//     -Icommon/include -Isecurity/include -Iviewer/core/include -I/usr/include/openjpeg-2.5 \
//     tests/unit/decode/fuzz_instance_decoder.cpp viewer/core/src/InstanceDecoder.cpp common/src/Error.cpp \
//     $(pkg-config --cflags --libs Qt6Core) -ldcmjpls -ldcmjpeg -ldcmdata -loflog -lofstd -lopenjp2 \
//     -o /tmp/fuzz_instance_decoder
// Seed corpus: small phantom instances of every syntax, single- and multi-frame, e.g.
//   for ts in explicit-le implicit-le explicit-be jpeg-ls jpeg-lossless rle deflate; do
//     build/bin/dokuei-phantom --preset tiny --rows 16 --columns 16 --slices 2 --noise 0 \
//       --transfer-syntax $ts --study-uid 1.2.3.4 --out seeds-$ts; done
// Known finding: a mutated deflated instance makes DCMTK allocate a declared ~4 GB element (the inflated
// stream has no "remaining bytes" bound); libFuzzer reports it as out-of-memory.
#include "dokuei/viewer/core/InstanceDecoder.h"

#include <cstddef>
#include <cstdint>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace dokuei;
    using namespace dokuei::viewer;
    DecodeLimits limits;
    limits.maxRows = 1024;
    limits.maxColumns = 1024;
    limits.maxFrames = 64;
    std::vector<std::int16_t> slice;
    const QByteArrayView bytes(reinterpret_cast<const char*>(data), qsizetype(size));
    (void)InstanceDecoder::readHeaders(bytes, limits);
    (void)InstanceDecoder::decode(
        bytes,
        [&](const InstanceInfo& info) -> Expected<std::span<std::int16_t>> {
            slice.assign(std::size_t(info.rows) * std::size_t(info.columns), 0);
            return std::span<std::int16_t>(slice);
        },
        limits);
    return 0;
}
