#include "dokuei/app/SeriesLoader.h"

#include <dokuei/exchange/DicomWebClient.h>
#include <dokuei/exchange/SeriesRetriever.h>
#include <dokuei/viewer/core/Volume.h>
#include <dokuei/viewer/core/VolumeAssembler.h>

namespace dokuei::app {

SeriesLoader::SeriesLoader(security::WipeRegistry& registry, QObject* parent)
    : QObject(parent), m_registration(registry, this)
{}

SeriesLoader::~SeriesLoader()
{
    wipe();
}

void SeriesLoader::start(exchange::DicomWebClient& client, const QString& studyUid, const QString& seriesUid,
                         int instances)
{
    wipe();
    viewer::AssemblerOptions options;
    options.expectedInstances = std::max(0, instances);
    m_assembler = std::make_unique<viewer::VolumeAssembler>(options);
    m_retriever = std::make_unique<exchange::SeriesRetriever>(
        client.network(),
        [&client](const QString& path, const QByteArray& accept) { return client.request(path, accept); });
    m_retriever->setReplyWatcher([&client](QNetworkReply* reply) { client.watch(reply, qint64(8) << 30); });
    m_retriever->setFailureClassifier([&client](QNetworkReply* reply) -> std::optional<Error> {
        // Certificate and TLS failures are final (never retried); the retriever handles the rest.
        const exchange::DicomWebError error = client.failureOf(reply);
        if (!error.isSecurityRelevant()) {
            return std::nullopt;
        }
        return Error{ErrorCode::IoFailure, error.message};
    });
    viewer::VolumeAssembler* assembler = m_assembler.get();
    m_retriever->setInstanceHandler(
        [assembler](const QString&, QByteArray& bytes) { (void)assembler->addInstance(std::move(bytes)); });
    connect(m_retriever.get(), &exchange::SeriesRetriever::progress, this, &SeriesLoader::progress);
    // Emitted on a decode worker: queued to this thread.
    connect(m_assembler.get(), &viewer::VolumeAssembler::instanceDecoded, this, [this](int decoded) {
        if (m_assembler && !m_ready) {
            emit previewUpdated(decoded);
        }
    });
    connect(m_retriever.get(), &exchange::SeriesRetriever::instanceFailed, this,
            [this](const QString& sop, const QString& message) {
                emit instanceFailed(sop + QStringLiteral(": ") + message);
            });
    connect(m_retriever.get(), &exchange::SeriesRetriever::finished, this, [this](bool success) {
        if (!m_assembler) {
            return;
        }
        if (!success && m_retriever && m_retriever->error()) {
            emit failed(m_retriever->error()->message);
        }
        m_assembler->close();
    });
    connect(m_assembler.get(), &viewer::VolumeAssembler::finished, this, [this] {
        if (!m_assembler) {
            return;
        }
        for (const auto& error : m_assembler->errors()) {
            emit instanceFailed(error.sopInstanceUid + QStringLiteral(": ") + error.error.message);
        }
        if (m_assembler->volume()) {
            m_ready = true;
            emit ready();
        } else if (m_assembler->failure()) {
            emit failed(m_assembler->failure()->message);
        }
    });
    m_retriever->start(studyUid, seriesUid);
}

void SeriesLoader::cancel()
{
    if (m_retriever) {
        m_retriever->cancel();
    }
}

viewer::Volume* SeriesLoader::volume() const
{
    return m_ready && m_assembler ? m_assembler->volume() : nullptr;
}

QString SeriesLoader::wipeName() const
{
    return QStringLiteral("series loader");
}

std::size_t SeriesLoader::wipe()
{
    std::size_t bytes = 0;
    const bool hadVolume = m_assembler != nullptr;
    if (m_retriever) {
        m_retriever->cancel();
    }
    if (m_assembler) {
        bytes = m_assembler->wipe();
    }
    m_ready = false;
    m_retriever.reset();
    m_assembler.reset();
    if (hadVolume) {
        emit cleared();
    }
    return bytes;
}

} // namespace dokuei::app
