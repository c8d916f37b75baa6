#pragma once

#include "dokuei/security/WipeRegistry.h"
#include "dokuei/viewer/core/VolumeAssembler.h"

#include <cstddef>
#include <memory>

#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>

namespace dokuei::exchange {
class DicomWebClient;
class SeriesRetriever;
} // namespace dokuei::exchange

namespace dokuei::viewer {

class Volume;

/// Opens one series: WADO-RS streamed over the reading centre's mutual TLS connection (exchange), each
/// instance handed to the worker pool as soon as its part is complete and decoded into the secure volume
/// (VolumeAssembler) while the rest still arrives. GUI-free: the reading window, the load benchmark and the
/// loading tests all open series through it.
///
/// Memory: instances received but not decoded yet are bounded (maxPendingBytes): above it the retrieval
/// pauses (no reading from the connection; Qt's read buffer is bounded too, so TCP holds the server back) and
/// resumes once the decoders have caught up. The volume is the only thing that grows with the series.
///
/// Holds patient pixels, so it registers with the wipe registry: a lock cancels the transfer at once and
/// zeroes what arrived. Lives on the thread of the network manager.
class SeriesLoader : public QObject, public security::IWipeable
{
    Q_OBJECT

public:
    struct Options
    {
        /// Instances received but not decoded yet, in bytes, above which reading pauses (at least one
        /// instance is always accepted).
        std::size_t maxPendingBytes = std::size_t{48} << 20;
        /// Qt's read buffer per reply (bounds what Qt holds while reading is paused).
        qint64 readBufferBytes = qint64{8} << 20;
        /// Decode threads.
        int threads = 2;
        VolumeLimits limits;
    };

    explicit SeriesLoader(security::WipeRegistry& registry, QObject* parent = nullptr);
    SeriesLoader(security::WipeRegistry& registry, Options options, QObject* parent = nullptr);
    ~SeriesLoader() override;

    /// Starts loading (wiping any previous series). `instances` from QIDO-RS (0 = unknown: the instances are
    /// then decoded only once all have arrived, and there is no preview). `expectedSopUids`, the series' SOP
    /// Instance UIDs from QIDO-RS (searchInstances), let the retriever resume a broken transfer instance by
    /// instance and check completeness; when given, their count is the instance count.
    void start(exchange::DicomWebClient& client, const QString& studyUid, const QString& seriesUid,
               int instances, const QStringList& expectedSopUids = {});
    /// The SOP Instance UIDs the running (or last) retrieval was started with (empty: none were known).
    const QStringList& expectedSopUids() const { return m_expectedSopUids; }
    void cancel();
    /// The loaded volume (null while loading, after a failure or after a wipe).
    Volume* volume() const;
    /// The assembly in progress, for previews and figures (null when nothing loads); valid until cleared() or
    /// the next start().
    const VolumeAssembler* assembler() const { return m_assembler.get(); }
    /// The retrieval in progress (null when nothing loads); for figures (bytes, instances, retries).
    const exchange::SeriesRetriever* retriever() const { return m_retriever.get(); }
    /// Times reading paused because the decoders were behind (since start()).
    int pauses() const { return m_pauses; }

    QString wipeName() const override;
    std::size_t wipe() override;

signals:
    void progress(int instances, qint64 bytes, double bytesPerSecond);
    /// One more instance is decoded and can be previewed (assembler()->previewPositions()).
    void previewUpdated(int decoded);
    /// Every instance has arrived (or the retrieval ended for good); decoding may still run.
    void received(bool success);
    void instanceFailed(const QString& message);
    void failed(const QString& message);
    void ready();
    /// The volume is gone (wiped or replaced): views must drop their pointers now.
    void cleared();

private:
    void onInstance(QByteArray& bytes);
    void checkPending();

    Options m_options;
    std::unique_ptr<exchange::SeriesRetriever> m_retriever;
    std::unique_ptr<VolumeAssembler> m_assembler;
    QTimer m_resume;
    QStringList m_expectedSopUids;
    bool m_ready = false;
    int m_pauses = 0;
    security::WipeRegistration m_registration;
};

} // namespace dokuei::viewer
