#pragma once

#include "dokuei/common/Error.h"
#include "dokuei/security/WipeRegistry.h"
#include "dokuei/viewer/core/InstanceDecoder.h"
#include "dokuei/viewer/core/InstanceInfo.h"
#include "dokuei/viewer/core/SeriesGeometry.h"
#include "dokuei/viewer/core/Volume.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include <QByteArray>
#include <QObject>

namespace dokuei::viewer {

struct AssemblerOptions
{
    /// Instances the series will bring (from the study's metadata); 0 = unknown: the instances are then kept
    /// (compressed, as they arrived) until close() and decoded afterwards.
    int expectedInstances = 0;
    int threads = 2;
    /// Decode threads once the series turns out to be uncompressed (explicit/implicit little, big endian):
    /// its "decoding" is a rescaling copy, and on a machine whose cores also carry the network (TLS, parsing)
    /// more threads only slow the download (measured here: ready 0.70 s with 2, 0.63 s with 1, 150 MB).
    int uncompressedThreads = 1;
    VolumeLimits limits;
    DecodeLimits decodeLimits;
    /// Optional: the headers of every image of the series known before the pixels (from the WADO-RS series
    /// metadata). With it the geometry is analysed and the volume allocated up front, and each instance is
    /// decoded straight into its final slice and announced at once with sliceReady(k) (progressive display).
    /// An instance absent from the layout, or whose position differs from it, is an error for that instance.
    std::vector<InstanceInfo> layout;
    /// The assembler registers here for wipe on lock (may be null in tests); see wipe().
    security::WipeRegistry* registry = nullptr;
};

/// An instance that could not be decoded or placed; the rest of the series still loads.
struct AssemblyError
{
    int arrivalIndex = 0;   ///< 0-based order of addInstance()
    QString sopInstanceUid; ///< empty when the instance was unreadable
    Error error;
};

/// Builds the CT volume of one series from instance byte buffers as they arrive (from the network threads).
///
/// With a layout (AssemblerOptions::layout): volume and slice order are fixed before the first instance
/// arrives; every instance is decoded into its own slice and sliceReady(k) follows its decode immediately.
///
/// Without a layout, strategy (memory ~1x volume + one slice + the instances in flight): when the instance
/// count is known, the volume is allocated once, on the first decoded header, with one slot per expected
/// frame. Each instance is decoded on the worker pool straight into the next free slot (arrival order),
/// overlapped with arrival; the decoder writes HU directly into the secure volume, no per-slice copies. When
/// every instance is in (or on close()), SeriesGeometry sorts the slots along the slice normal and the slices
/// are permuted in place (cycle following with one secure temporary slice); slots of broken instances and of
/// other stacks are dropped and zeroed. Then sliceReady(k) is emitted for every slice and finished() once.
/// The largest stack becomes the volume; the others are reported in stacks().
///
/// Thread-safe: addInstance() and close() may be called from any thread. Signals are emitted from a worker
/// thread (use queued connections for GUI objects).
///
/// Wipe (session lock): the assembler, not the volume, is registered, because workers write into the volume.
/// wipe() waits for the instances being decoded right now (each holds the pixel lock for one instance), then
/// zeroes and releases the volume, the instances not yet decoded and the slice headers; the assembly ends
/// (finished() is emitted, failure() says it was wiped) and further instances are refused.
class VolumeAssembler : public QObject, public security::IWipeable
{
    Q_OBJECT

public:
    explicit VolumeAssembler(AssemblerOptions options, QObject* parent = nullptr);
    /// Waits for the workers.
    ~VolumeAssembler() override;

    /// Queues one instance (Part 10 bytes). The buffer is zeroed when decoded. Fails after close()/finish.
    Expected<void> addInstance(QByteArray bytes);
    /// No more instances: finishes with what arrived (needed when expectedInstances is 0 or some never come).
    void close();
    /// Bytes of instances added and not decoded yet (what the caller may hold back the network on).
    std::size_t pendingBytes() const;
    /// True when the instance count is known (instances are decoded as they arrive).
    bool expectsInstances() const;
    /// Blocks until finished() (true) or the timeout (false); -1 waits forever.
    bool waitForFinished(int msecs = -1);
    bool isFinished() const;

    /// The assembled volume after finished(); null when nothing could be assembled (see failure()). Owned by
    /// the assembler; after wipe() it stays valid but empty (wiped(), slice() null).
    Volume* volume() const;
    /// Header of each volume slice, in volume order.
    std::vector<InstanceInfo> sliceInfos() const;
    /// Every stack found, the volume's first (with its geometry warnings).
    std::vector<Stack> stacks() const;
    std::vector<AssemblyError> errors() const;
    /// Why there is no volume (budget exceeded, no decodable instance ...).
    std::optional<Error> failure() const;

    /// Progressive display while the series still arrives (without a layout the volume's slots are in
    /// arrival order until finished()): the positions along the slice normal (mm, normal of the first
    /// decoded instance) of the instances decoded so far, ascending. Empty once finished (use volume()).
    std::vector<double> previewPositions() const;
    /// Calls `view` with the header and the HU pixels (rows x columns, row-major) of the k-th decoded
    /// instance in previewPositions() order, while holding the pixels (finalisation and wipe wait, decoding
    /// of other instances goes on). False, without calling, when k is out of range or the assembly has
    /// finished or was wiped. `view` must not keep the pointer nor copy the pixels outside secure memory.
    bool withPreviewSlice(
        int k, const std::function<void(const InstanceInfo& info, const std::int16_t* pixels)>& view) const;

    QString wipeName() const override;
    std::size_t wipe() override;

signals:
    void sliceReady(int k);
    /// One more instance was decoded (without a layout: see previewPositions()); `decoded` counts them.
    void instanceDecoded(int decoded);
    void finished();

private:
    struct Impl;
    void prepareLayout();
    void decodeTask(int arrival, QByteArray bytes);
    void finishIfComplete();
    void finalize();

    std::unique_ptr<Impl> m_impl;
};

} // namespace dokuei::viewer
