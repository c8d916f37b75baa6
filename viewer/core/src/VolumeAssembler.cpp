#include "dokuei/viewer/core/VolumeAssembler.h"

#include "dokuei/security/SecureBuffer.h"

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <utility>

#include <QThreadPool>

namespace dokuei::viewer {
namespace {

/// The volume's geometry: that of the stack it holds.
VolumeGeometry geometryOf(const Stack& stack)
{
    VolumeGeometry g;
    g.origin = stack.origin;
    g.rowSpacing = stack.rowSpacing;
    g.columnSpacing = stack.columnSpacing;
    g.sliceSpacing = stack.sliceSpacing;
    g.rowDirection = stack.rowDirection;
    g.columnDirection = stack.columnDirection;
    g.normal = stack.normal;
    g.sliceStep = stack.sliceStep;
    return g;
}

} // namespace

struct VolumeAssembler::Impl
{
    AssemblerOptions options;
    QThreadPool pool;
    mutable std::mutex mutex;
    std::condition_variable done;
    int added = 0;
    int decoded = 0;
    std::size_t pendingBytes = 0; // added, not decoded yet
    bool threadsChosen = false;   // by the first decoded instance's transfer syntax
    bool closed = false;
    bool finalizing = false;
    bool finished = false;
    std::vector<std::pair<int, QByteArray>> pending; // unknown count: kept until close()
    std::unique_ptr<Volume> volume;
    int capacity = 0;
    int nextSlot = 0;
    std::vector<InstanceInfo> slotInfo;
    std::vector<char> slotValid;
    std::vector<InstanceInfo> sliceInfos;
    std::vector<Stack> stacks;
    std::vector<AssemblyError> errors;
    std::optional<Error> failure;
    bool wiped = false;
    bool useLayout = false;
    std::vector<int> inFlight;                          // layout slices being written right now
    std::map<std::pair<QString, int>, int> layoutIndex; // (SOP instance UID, frame) -> volume slice
    std::vector<int> previewSlots;                      // decoded slots, in decode order (no layout)

    /// Decoded slots sorted along the normal of the first one, with their positions (mutex held).
    std::vector<std::pair<double, int>> sortedPreview() const
    {
        std::vector<std::pair<double, int>> sorted;
        if (previewSlots.empty() || finished || wiped)
            return sorted;
        const auto& o = slotInfo[std::size_t(previewSlots.front())].imageOrientation;
        const Vec3 normal{o[1] * o[5] - o[2] * o[4], o[2] * o[3] - o[0] * o[5], o[0] * o[4] - o[1] * o[3]};
        for (int slot : previewSlots) {
            const Vec3& p = slotInfo[std::size_t(slot)].imagePosition;
            sorted.emplace_back(p[0] * normal[0] + p[1] * normal[1] + p[2] * normal[2], slot);
        }
        std::stable_sort(sorted.begin(), sorted.end());
        return sorted;
    }
    /// Shared by each decode task while it writes into the volume; exclusive for finalize() and wipe().
    std::shared_mutex pixels;
    std::optional<security::WipeRegistration> registration;
};

VolumeAssembler::VolumeAssembler(AssemblerOptions options, QObject* parent)
    : QObject(parent), m_impl(std::make_unique<Impl>())
{
    m_impl->options = std::move(options);
    m_impl->pool.setMaxThreadCount(std::max(1, m_impl->options.threads));
    if (m_impl->options.registry != nullptr)
        m_impl->registration.emplace(*m_impl->options.registry, this);
    if (!m_impl->options.layout.empty())
        prepareLayout();
}

void VolumeAssembler::prepareLayout()
{
    Impl& d = *m_impl;
    auto stacks = SeriesGeometry::analyse(d.options.layout);
    if (!stacks) {
        d.failure = stacks.error();
        return;
    }
    d.stacks = *stacks;
    const Stack& stack = d.stacks.front();
    const int n = int(stack.order.size());
    auto volume = Volume::create(stack.rows, stack.columns, n, d.options.limits);
    if (!volume) {
        d.failure = volume.error();
        return;
    }
    d.volume = std::move(*volume);
    d.capacity = n;
    d.nextSlot = n;
    d.slotInfo.resize(std::size_t(n));
    d.slotValid.assign(std::size_t(n), 0);
    for (int k = 0; k < n; ++k) {
        const InstanceInfo& info = d.options.layout[std::size_t(stack.order[std::size_t(k)])];
        d.layoutIndex[{info.sopInstanceUid, info.frameIndex}] = k;
    }
    d.volume->setGeometry(geometryOf(stack));
    d.useLayout = true;
    if (d.options.expectedInstances <= 0) {
        std::vector<QString> uids;
        for (const auto& info : d.options.layout)
            uids.push_back(info.sopInstanceUid);
        std::sort(uids.begin(), uids.end());
        d.options.expectedInstances = int(std::unique(uids.begin(), uids.end()) - uids.begin());
    }
}

VolumeAssembler::~VolumeAssembler()
{
    m_impl->registration.reset();
    m_impl->pool.waitForDone();
    std::lock_guard lock(m_impl->mutex);
    for (auto& p : m_impl->pending)
        security::secureErase(p.second);
}

Expected<void> VolumeAssembler::addInstance(QByteArray bytes)
{
    std::unique_lock lock(m_impl->mutex);
    if (m_impl->closed || m_impl->finished) {
        security::secureErase(bytes);
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("the series is already complete: instance refused"));
    }
    const int expected = m_impl->options.expectedInstances;
    if (expected > 0 && m_impl->added >= expected) {
        security::secureErase(bytes);
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("more instances than the %1 expected: instance refused").arg(expected));
    }
    const int arrival = m_impl->added++;
    m_impl->pendingBytes += std::size_t(bytes.size());
    if (expected <= 0) {
        m_impl->pending.emplace_back(arrival, std::move(bytes));
        return {};
    }
    lock.unlock();
    m_impl->pool.start(
        [this, arrival, b = std::move(bytes)]() mutable { decodeTask(arrival, std::move(b)); });
    return {};
}

void VolumeAssembler::close()
{
    std::vector<std::pair<int, QByteArray>> pending;
    {
        std::lock_guard lock(m_impl->mutex);
        if (m_impl->closed)
            return;
        m_impl->closed = true;
        pending = std::move(m_impl->pending);
        m_impl->pending.clear();
    }
    for (auto& p : pending)
        m_impl->pool.start([this, arrival = p.first, b = std::move(p.second)]() mutable {
            decodeTask(arrival, std::move(b));
        });
    finishIfComplete();
}

void VolumeAssembler::decodeTask(int arrival, QByteArray bytes)
{
    Impl& d = *m_impl;
    std::shared_lock pixelLock(d.pixels);
    std::vector<int> taken;
    std::vector<int> ready;
    int decodedNow = 0;
    QString failedUid;
    auto target = [&](const InstanceInfo& info) -> Expected<std::span<std::int16_t>> {
        std::lock_guard lock(d.mutex);
        if (d.failure)
            return fail(d.failure->code, d.failure->message);
        if (d.useLayout) {
            const auto it = d.layoutIndex.find({info.sopInstanceUid, info.frameIndex});
            if (it == d.layoutIndex.end())
                return fail(ErrorCode::InvalidArgument,
                            QStringLiteral("instance %1 frame %2 is not in the series layout")
                                .arg(info.sopInstanceUid)
                                .arg(info.frameIndex + 1));
            const int k = it->second;
            const InstanceInfo& expected =
                d.options.layout[std::size_t(d.stacks.front().order[std::size_t(k)])];
            double distance = 0;
            for (int i = 0; i < 3; ++i)
                distance = std::max(distance, std::abs(expected.imagePosition[std::size_t(i)] -
                                                       info.imagePosition[std::size_t(i)]));
            if (info.rows != d.volume->rows() || info.columns != d.volume->columns() || distance > 1e-3 ||
                d.slotValid[std::size_t(k)] != 0 ||
                std::find(d.inFlight.begin(), d.inFlight.end(), k) != d.inFlight.end())
                return fail(
                    ErrorCode::InvalidArgument,
                    QStringLiteral(
                        "instance %1 frame %2 does not match the series layout (size, position or duplicate)")
                        .arg(info.sopInstanceUid)
                        .arg(info.frameIndex + 1));
            failedUid = info.sopInstanceUid;
            d.inFlight.push_back(k);
            d.slotInfo[std::size_t(k)] = info;
            taken.push_back(k);
            return d.volume->sliceSpan(k);
        }
        if (!d.volume) {
            const int instances = d.options.expectedInstances > 0 ? d.options.expectedInstances : d.added;
            const long long slotCount = static_cast<long long>(instances) * info.numberOfFrames;
            if (slotCount > d.options.limits.maxSlices)
                return fail(ErrorCode::InvalidArgument,
                            QStringLiteral("the series would have %1 slices; the limit is %2")
                                .arg(slotCount)
                                .arg(d.options.limits.maxSlices));
            auto volume = Volume::create(info.rows, info.columns, int(slotCount), d.options.limits);
            if (!volume) {
                d.failure = volume.error();
                return std::unexpected(volume.error());
            }
            d.volume = std::move(*volume);
            d.capacity = int(slotCount);
            d.slotInfo.resize(std::size_t(slotCount));
            d.slotValid.assign(std::size_t(slotCount), 0);
        }
        if (info.rows != d.volume->rows() || info.columns != d.volume->columns())
            return fail(ErrorCode::Unsupported, QStringLiteral("instance %1 is %2 x %3, the series %4 x %5")
                                                    .arg(info.sopInstanceUid)
                                                    .arg(info.columns)
                                                    .arg(info.rows)
                                                    .arg(d.volume->columns())
                                                    .arg(d.volume->rows()));
        if (d.nextSlot >= d.capacity)
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("instance %1 brings more frames than the %2 expected")
                            .arg(info.sopInstanceUid)
                            .arg(d.capacity));
        failedUid = info.sopInstanceUid;
        const int slot = d.nextSlot++;
        d.slotInfo[std::size_t(slot)] = info;
        taken.push_back(slot);
        return d.volume->sliceSpan(slot);
    };
    auto result = InstanceDecoder::decode(QByteArrayView(bytes), target, d.options.decodeLimits);
    const std::size_t arrivedBytes = std::size_t(bytes.size());
    security::secureErase(bytes);
    {
        std::lock_guard lock(d.mutex);
        d.pendingBytes -= std::min(d.pendingBytes, arrivedBytes);
        for (int slot : taken)
            std::erase(d.inFlight, slot);
        if (d.wiped) {
            // nothing to keep
        } else if (result) {
            for (int slot : taken) {
                d.slotValid[std::size_t(slot)] = 1;
                if (d.useLayout) {
                    d.volume->markSliceReady(slot);
                    ready.push_back(slot);
                }
            }
        } else {
            for (int slot : taken) {
                std::memset(d.volume->slice(slot), 0, d.volume->sliceVoxels() * sizeof(std::int16_t));
                d.slotInfo[std::size_t(slot)] = InstanceInfo{};
            }
            d.errors.push_back({arrival, failedUid, result.error()});
        }
        ++d.decoded;
        if (result && !d.threadsChosen && !taken.empty()) {
            d.threadsChosen = true;
            const QString& syntax = d.slotInfo[std::size_t(taken.front())].transferSyntaxUid;
            if (syntax == QLatin1String("1.2.840.10008.1.2") ||
                syntax == QLatin1String("1.2.840.10008.1.2.1") ||
                syntax == QLatin1String("1.2.840.10008.1.2.2"))
                d.pool.setMaxThreadCount(
                    std::max(1, std::min(d.options.threads, d.options.uncompressedThreads)));
        }
        if (result && !d.wiped && !d.useLayout) {
            for (int slot : taken)
                d.previewSlots.push_back(slot);
            decodedNow = int(d.previewSlots.size());
        }
    }
    pixelLock.unlock();
    for (int k : ready)
        emit sliceReady(k);
    if (decodedNow > 0)
        emit instanceDecoded(decodedNow);
    finishIfComplete();
}

void VolumeAssembler::finishIfComplete()
{
    {
        std::lock_guard lock(m_impl->mutex);
        Impl& d = *m_impl;
        const bool allIn =
            d.closed || (d.options.expectedInstances > 0 && d.added >= d.options.expectedInstances);
        if (!allIn || d.decoded < d.added || d.finalizing || d.finished)
            return;
        d.finalizing = true;
    }
    finalize();
}

void VolumeAssembler::finalize()
{
    Impl& d = *m_impl;
    std::vector<int> emitted;
    {
        std::unique_lock pixelLock(d.pixels);
        std::lock_guard lock(d.mutex);
        if (d.finished)
            return;
        if (d.useLayout) {
            d.sliceInfos = d.slotInfo;
            int missing = 0;
            for (int k = 0; k < d.capacity; ++k)
                missing += d.slotValid[std::size_t(k)] == 0 ? 1 : 0;
            if (missing == d.capacity) {
                d.failure = Error{
                    ErrorCode::InvalidArgument,
                    QStringLiteral("none of the %1 instances of the series could be decoded").arg(d.added)};
                d.volume->wipe();
            }
        }
        std::vector<int> slotIds;
        std::vector<InstanceInfo> infos;
        for (int s = 0; s < d.nextSlot; ++s) {
            if (d.slotValid[std::size_t(s)] != 0) {
                slotIds.push_back(s);
                infos.push_back(d.slotInfo[std::size_t(s)]);
            }
        }
        if (d.useLayout) {
            // placed progressively
        } else if (!d.volume || slotIds.empty()) {
            if (!d.failure)
                d.failure = Error{
                    ErrorCode::InvalidArgument,
                    QStringLiteral("none of the %1 instances of the series could be decoded").arg(d.added)};
            if (d.volume)
                d.volume->wipe();
            d.volume.reset();
        } else {
            auto stacks = SeriesGeometry::analyse(infos);
            if (!stacks) {
                d.failure = stacks.error();
                d.volume->wipe();
                d.volume.reset();
            } else {
                d.stacks = *stacks;
                const Stack& stack = d.stacks.front();
                const int n = int(stack.order.size());
                // dest[slot]: the volume slice the slot's content belongs in (a full permutation of
                // 0..capacity-1).
                std::vector<int> dest(std::size_t(d.capacity), -1);
                for (int k = 0; k < n; ++k) {
                    const int slot = slotIds[std::size_t(stack.order[std::size_t(k)])];
                    dest[std::size_t(slot)] = k;
                }
                int free = n;
                for (int s = 0; s < d.capacity; ++s)
                    if (dest[std::size_t(s)] < 0)
                        dest[std::size_t(s)] = free++;
                auto temp = security::SecureBuffer::allocate(d.volume->sliceVoxels() * sizeof(std::int16_t));
                if (!temp) {
                    d.failure = temp.error();
                    d.volume->wipe();
                    d.volume.reset();
                } else {
                    const std::size_t sliceBytes = temp->size();
                    // source[k]: the slot whose content belongs in slice k. Each cycle of the permutation
                    // is rotated with one temporary slice and one memcpy per slice (a byte-wise swap took
                    // ~0.1 s for a 150 MB volume, all of it after the last instance had arrived).
                    std::vector<int> source(std::size_t(d.capacity), -1);
                    for (int slot = 0; slot < d.capacity; ++slot)
                        source[std::size_t(dest[std::size_t(slot)])] = slot;
                    std::vector<char> placed(std::size_t(d.capacity), 0);
                    for (int s = 0; s < d.capacity; ++s) {
                        if (placed[std::size_t(s)] != 0)
                            continue;
                        placed[std::size_t(s)] = 1;
                        if (source[std::size_t(s)] == s)
                            continue;
                        std::memcpy(temp->data(), d.volume->slice(s), sliceBytes);
                        int k = s;
                        while (source[std::size_t(k)] != s) {
                            const int from = source[std::size_t(k)];
                            std::memcpy(d.volume->slice(k), d.volume->slice(from), sliceBytes);
                            placed[std::size_t(from)] = 1;
                            k = from;
                        }
                        std::memcpy(d.volume->slice(k), temp->data(), sliceBytes);
                    }
                    temp->release();
                    d.volume->truncate(n);
                    d.sliceInfos.clear();
                    for (int k = 0; k < n; ++k)
                        d.sliceInfos.push_back(infos[std::size_t(stack.order[std::size_t(k)])]);
                    d.volume->setGeometry(geometryOf(stack));
                    for (int k = 0; k < n; ++k) {
                        d.volume->markSliceReady(k);
                        emitted.push_back(k);
                    }
                }
            }
        }
        d.slotInfo.clear();
        d.previewSlots.clear();
    }
    for (int k : emitted)
        emit sliceReady(k);
    {
        std::lock_guard lock(d.mutex);
        if (d.finished)
            return; // a wipe() in between ended the assembly and announced it
        d.finished = true;
    }
    d.done.notify_all();
    emit finished();
}

std::size_t VolumeAssembler::pendingBytes() const
{
    std::lock_guard lock(m_impl->mutex);
    return m_impl->pendingBytes;
}

bool VolumeAssembler::expectsInstances() const
{
    std::lock_guard lock(m_impl->mutex);
    return m_impl->options.expectedInstances > 0;
}

bool VolumeAssembler::waitForFinished(int msecs)
{
    std::unique_lock lock(m_impl->mutex);
    if (msecs < 0) {
        m_impl->done.wait(lock, [this] { return m_impl->finished; });
        return true;
    }
    return m_impl->done.wait_for(lock, std::chrono::milliseconds(msecs), [this] { return m_impl->finished; });
}

bool VolumeAssembler::isFinished() const
{
    std::lock_guard lock(m_impl->mutex);
    return m_impl->finished;
}

Volume* VolumeAssembler::volume() const
{
    std::lock_guard lock(m_impl->mutex);
    return m_impl->finished ? m_impl->volume.get() : nullptr;
}

std::vector<InstanceInfo> VolumeAssembler::sliceInfos() const
{
    std::lock_guard lock(m_impl->mutex);
    return m_impl->sliceInfos;
}

std::vector<Stack> VolumeAssembler::stacks() const
{
    std::lock_guard lock(m_impl->mutex);
    return m_impl->stacks;
}

std::vector<AssemblyError> VolumeAssembler::errors() const
{
    std::lock_guard lock(m_impl->mutex);
    return m_impl->errors;
}

std::vector<double> VolumeAssembler::previewPositions() const
{
    std::lock_guard lock(m_impl->mutex);
    std::vector<double> positions;
    for (const auto& [position, slot] : m_impl->sortedPreview())
        positions.push_back(position);
    return positions;
}

bool VolumeAssembler::withPreviewSlice(
    int k, const std::function<void(const InstanceInfo& info, const std::int16_t* pixels)>& view) const
{
    Impl& d = *m_impl;
    // Shared: decode tasks keep writing other slots; finalize() and wipe() (exclusive) wait for the view.
    std::shared_lock pixelLock(d.pixels);
    const InstanceInfo* info = nullptr;
    const std::int16_t* pixels = nullptr;
    {
        std::lock_guard lock(d.mutex);
        const auto sorted = d.sortedPreview();
        if (k < 0 || k >= int(sorted.size()) || !d.volume)
            return false;
        const int slot = sorted[std::size_t(k)].second;
        info = &d.slotInfo[std::size_t(slot)];
        pixels = d.volume->slice(slot);
    }
    // The slot is decoded (no task writes it again) and slotInfo only changes under the exclusive lock.
    if (pixels == nullptr)
        return false;
    view(*info, pixels);
    return true;
}

QString VolumeAssembler::wipeName() const
{
    return QStringLiteral("series being loaded");
}

std::size_t VolumeAssembler::wipe()
{
    Impl& d = *m_impl;
    std::size_t bytes = 0;
    bool notify = false;
    {
        std::unique_lock pixelLock(d.pixels);
        std::lock_guard lock(d.mutex);
        d.wiped = true;
        d.closed = true;
        if (d.volume)
            bytes += d.volume->wipe(); // the object stays: pointers from volume() see wiped() and null slices
        for (auto& p : d.pending)
            bytes += security::secureErase(p.second);
        d.pending.clear();
        d.pendingBytes = 0;
        for (auto* infos : {&d.slotInfo, &d.sliceInfos}) {
            for (auto& info : *infos) {
                security::secureErase(info.patientName);
                security::secureErase(info.patientId);
                security::secureErase(info.studyDescription);
                security::secureErase(info.patientSex);
                security::secureErase(info.patientBirthDate);
                security::secureErase(info.patientAge);
                security::secureErase(info.studyDate);
                security::secureErase(info.seriesDescription);
            }
        }
        d.slotInfo.clear();
        d.sliceInfos.clear();
        d.previewSlots.clear();
        d.failure = Error{ErrorCode::AccessDenied, QStringLiteral("the series was wiped (session locked)")};
        if (!d.finished) {
            d.finished = true;
            notify = true;
        }
    }
    if (notify) {
        d.done.notify_all();
        emit finished();
    }
    return bytes;
}

std::optional<Error> VolumeAssembler::failure() const
{
    std::lock_guard lock(m_impl->mutex);
    return m_impl->failure;
}

} // namespace dokuei::viewer
