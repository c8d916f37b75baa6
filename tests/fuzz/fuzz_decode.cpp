// libFuzzer target for the decode path, dokuei::viewer::InstanceDecoder: the input is one DICOM Part 10
// instance in memory. Both entry points see it: readHeaders (header parsing: meta header, the bounded
// inflate of deflated data sets, every frame's InstanceInfo) and decode (DCMTK for native, deflated, RLE and
// JPEG; CharLS 2 through dlopen for JPEG-LS; OpenJPEG for JPEG 2000). The limits are tight so that the
// refusal paths are reached and the largest allowed allocation stays small (512 x 512 x 16 frames, 16 MiB
// inflated); DOKUEI_FUZZ_DECODE_LIMITS=product uses the product's defaults instead (see below). Built and run
// by tests/fuzz/run-fuzzers (clang 16, ASan + UBSan); the corpus replay unit test
// (tests/unit/decode/DecodeCorpusReplayTest.cpp) links this file and calls the entry point directly.
#include "dokuei/viewer/core/InstanceDecoder.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/oflog/oflog.h>

namespace {
// DOKUEI_FUZZ_DECODE_LIMITS=product fuzzes with the default DecodeLimits (4096 x 4096 x 4096 frames, 1 GiB
// inflated) instead of the tight ones: with -malloc_limit_mb, an allocation the product limits would let
// through is then a finding too.
bool g_productLimits = false;
} // namespace

// DCMTK's log off (as in dokuei itself): a malformed input otherwise prints several lines per run.
extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    OFLog::configure(OFLogger::OFF_LOG_LEVEL);
    const char* limits = std::getenv("DOKUEI_FUZZ_DECODE_LIMITS");
    g_productLimits = limits != nullptr && std::string_view(limits) == "product";
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace dokuei;
    using namespace dokuei::viewer;
    DecodeLimits limits;
    if (!g_productLimits) {
        limits.maxRows = 512;
        limits.maxColumns = 512;
        limits.maxFrames = 16;
        limits.maxInflatedBytes = std::size_t(16) << 20;
    }
    const QByteArrayView bytes(reinterpret_cast<const char*>(data), qsizetype(size));
    const auto headers = InstanceDecoder::readHeaders(bytes, limits);
    std::vector<std::int16_t> slice;
    std::size_t frames = 0;
    const auto decoded = InstanceDecoder::decode(
        bytes,
        [&](const InstanceInfo& info) -> Expected<std::span<std::int16_t>> {
            // Every frame the decoder asks for is one the headers announced, within the limits.
            if (info.rows < 1 || info.rows > limits.maxRows || info.columns < 1 ||
                info.columns > limits.maxColumns || info.frameIndex != int(frames) ||
                info.frameIndex >= limits.maxFrames)
                __builtin_trap();
            ++frames;
            slice.assign(std::size_t(info.rows) * std::size_t(info.columns), 0);
            return std::span<std::int16_t>(slice);
        },
        limits);
    // Oracle: decode succeeds only where the headers alone are readable, and then reports as many frames.
    if (decoded && (!headers || decoded->size() != headers->size() || decoded->size() != frames))
        __builtin_trap();
    return 0;
}
