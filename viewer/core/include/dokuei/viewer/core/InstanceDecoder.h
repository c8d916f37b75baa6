#pragma once

#include "dokuei/common/Error.h"
#include "dokuei/viewer/core/InstanceInfo.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include <QByteArrayView>

namespace dokuei::viewer {

/// Sizes an instance may claim before anything is allocated for it.
struct DecodeLimits
{
    int maxRows = 4096;
    int maxColumns = 4096;
    int maxFrames = 4096;
    /// Absolute cap on the size a deflated data set (1.2.840.10008.1.2.1.99) may inflate to. The data set
    /// is inflated by dokuei, not by DCMTK, into at most min(this, the pixel bytes the limits above allow
    /// plus a header allowance) bytes; an instance that inflates beyond is refused before any DICOM parsing.
    std::size_t maxInflatedBytes = std::size_t(1) << 30;
};

/// Decodes one DICOM instance (Part 10 file bytes: preamble, 'DICM', meta header, data set) from
/// memory: never from a file. Supported transfer syntaxes: implicit/explicit little endian, explicit big
/// endian, deflated, RLE, JPEG baseline/extended/lossless (DCMTK), JPEG-LS (CharLS 2.x, directly on the
/// encapsulated fragments), JPEG 2000 (OpenJPEG). CT pixels only: one sample, 16 bits allocated.
///
/// Pixels are converted to HU (stored x slope + intercept, integer rescale only) and written straight into
/// the span the FrameTarget returns for each frame; a value outside int16 is refused. Every intermediate
/// buffer that held pixels or names is zeroed when done. Any malformed input gives an Error, never a crash.
/// Thread-safe: decode() may run on many threads at once.
class InstanceDecoder
{
public:
    /// Called once per frame, in frame order, with that frame's header; returns where its rows x columns HU
    /// go (exactly rows x columns values), or an error that aborts the decode.
    using FrameTarget = std::function<Expected<std::span<std::int16_t>>(const InstanceInfo& frame)>;

    /// Headers of every frame (one entry for a single-frame instance), without decoding pixels.
    static Expected<std::vector<InstanceInfo>> readHeaders(QByteArrayView bytes,
                                                           const DecodeLimits& limits = {});

    /// Headers and pixels. Returns the headers of the frames decoded (all of them on success).
    static Expected<std::vector<InstanceInfo>> decode(QByteArrayView bytes, const FrameTarget& target,
                                                      const DecodeLimits& limits = {});

    /// Which JPEG-LS decoder decode() uses: CharLS (default, fast) or DCMTK's bundled one (for comparison).
    enum class JpegLsBackend
    {
        CharLS,
        Dcmtk,
    };
    static void setJpegLsBackend(JpegLsBackend backend);
};

} // namespace dokuei::viewer
