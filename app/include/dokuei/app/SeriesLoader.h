#pragma once

#include "dokuei/security/WipeRegistry.h"

#include <memory>

#include <QObject>
#include <QString>

namespace dokuei::exchange {
class DicomWebClient;
class SeriesRetriever;
} // namespace dokuei::exchange

namespace dokuei::viewer {
class Volume;
class VolumeAssembler;
} // namespace dokuei::viewer

namespace dokuei::app {

/// Opens one series: WADO-RS streamed over the reading centre's mutual TLS connection, decoded on the worker
/// pool into the secure volume as instances arrive. Holds patient pixels, so it registers with the wipe
/// registry: a lock cancels the transfer at once and zeroes what arrived.
class SeriesLoader : public QObject, public security::IWipeable
{
    Q_OBJECT

public:
    SeriesLoader(security::WipeRegistry& registry, QObject* parent = nullptr);
    ~SeriesLoader() override;

    void start(exchange::DicomWebClient& client, const QString& studyUid, const QString& seriesUid,
               int instances);
    void cancel();
    /// The loaded volume (null while loading, after a failure or after a wipe).
    viewer::Volume* volume() const;
    /// The assembly in progress, for previews (null when nothing loads); valid until cleared() or the next
    /// start().
    const viewer::VolumeAssembler* assembler() const { return m_assembler.get(); }

    QString wipeName() const override;
    std::size_t wipe() override;

signals:
    void progress(int instances, qint64 bytes, double bytesPerSecond);
    /// One more instance is decoded and can be previewed (assembler()->previewPositions()).
    void previewUpdated(int decoded);
    void instanceFailed(const QString& message);
    void failed(const QString& message);
    void ready();
    /// The volume is gone (wiped or replaced): views must drop their pointers now.
    void cleared();

private:
    std::unique_ptr<exchange::SeriesRetriever> m_retriever;
    std::unique_ptr<viewer::VolumeAssembler> m_assembler;
    bool m_ready = false;
    security::WipeRegistration m_registration;
};

} // namespace dokuei::app
