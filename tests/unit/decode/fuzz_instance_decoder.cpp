// libFuzzer harness for InstanceDecoder (not part of the CMake build: clang's libFuzzer runtime,
// libclang-rt-14-dev, is not installed on the build machine). Build by hand where it is:
//   clang++-14 -std=c++2b -g -O1 -fsanitize=fuzzer,address -I viewer/core/include -I common/include \
//     -I security/include $(pkg-config --cflags Qt6Core) tests/unit/decode/fuzz_instance_decoder.cpp \
//     <dokuei_viewer_core, dokuei_security, dokuei_common built with -fsanitize=address> -ldcmjpls -ldcmjpeg
//     \ -ldcmimgle -ldcmdata -loflog -lofstd -lcharls -lopenjp2 $(pkg-config --libs Qt6Core)
// Seed corpus: one file of each transfer syntax written by dokuei-phantom --preset tiny (and --enhanced),
// e.g. for ts in explicit-le implicit-le explicit-be jpeg-ls jpeg-lossless rle deflate; do
//   build/bin/dokuei-phantom --preset tiny --rows 16 --columns 16 --slices 2 --transfer-syntax $ts --out
//   seeds-$ts; done
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
