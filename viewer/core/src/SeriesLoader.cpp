#include "dokuei/viewer/core/SeriesLoader.h"

#include "dokuei/viewer/core/Volume.h"

#include <dokuei/exchange/DicomWebClient.h>
#include <dokuei/exchange/SeriesRetriever.h>

#include <QNetworkReply>

namespace dokuei::viewer {

SeriesLoader::SeriesLoader(security::WipeRegistry& registry, QObject* parent)
    : SeriesLoader(registry, Options{}, parent)
{}

SeriesLoader::SeriesLoader(security::WipeRegistry& registry, Options options, QObject* parent)
    : QObject(parent), m_options(options), m_registration(registry, this)
{
    // While reading is paused, look at the decoders' progress often (a decode takes a few ms).
    m_resume.setInterval(5);
    connect(&m_resume, &QTimer::timeout, this, &SeriesLoader::checkPending);
}

SeriesLoader::~SeriesLoader()
{
    wipe();
}

void SeriesLoader::start(exchange::DicomWebClient& client, const QString& studyUid, const QString& seriesUid,
                         int instances, const QStringList& expectedSopUids)
{
    wipe();
    m_pauses = 0;
    m_expectedSopUids = expectedSopUids;
    AssemblerOptions options;
    options.expectedInstances =
        expectedSopUids.isEmpty() ? std::max(0, instances) : static_cast<int>(expectedSopUids.size());
    options.threads = m_options.threads;
    options.limits = m_options.limits;
    m_assembler = std::make_unique<VolumeAssembler>(options);
    m_retriever = std::make_unique<exchange::SeriesRetriever>(
        client.network(),
        [&client](const QString& path, const QByteArray& accept) { return client.request(path, accept); });
    const qint64 readBuffer = m_options.readBufferBytes;
    m_retriever->setReplyWatcher([&client, readBuffer](QNetworkReply* reply) {
        client.watch(reply, qint64(8) << 30);
        reply->setReadBufferSize(readBuffer);
    });
    m_retriever->setFailureClassifier([&client](QNetworkReply* reply) -> std::optional<Error> {
        // Certificate and TLS failures are final (never retried); the retriever handles the rest.
        const exchange::DicomWebError error = client.failureOf(reply);
        if (!error.isSecurityRelevant()) {
            return std::nullopt;
        }
        return Error{ErrorCode::IoFailure, error.message};
    });
    m_retriever->setInstanceHandler([this](const QString&, QByteArray& bytes) { onInstance(bytes); });
    connect(m_retriever.get(), &exchange::SeriesRetriever::progress, this, &SeriesLoader::progress);
    connect(m_retriever.get(), &exchange::SeriesRetriever::instanceFailed, this,
            [this](const QString& sop, const QString& message) {
                emit instanceFailed(sop + QStringLiteral(": ") + message);
            });
    connect(m_retriever.get(), &exchange::SeriesRetriever::finished, this, [this](bool success) {
        if (!m_assembler) {
            return;
        }
        m_resume.stop();
        if (!success && m_retriever && m_retriever->error()) {
            emit failed(m_retriever->error()->message);
        }
        emit received(success);
        if (m_assembler) {
            m_assembler->close();
        }
    });
    // Emitted on a decode worker: queued to this thread.
    connect(m_assembler.get(), &VolumeAssembler::instanceDecoded, this, [this](int decoded) {
        if (m_assembler && !m_ready) {
            emit previewUpdated(decoded);
        }
    });
    connect(m_assembler.get(), &VolumeAssembler::finished, this, [this] {
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
    m_retriever->start(studyUid, seriesUid, m_expectedSopUids);
}

void SeriesLoader::onInstance(QByteArray& bytes)
{
    if (!m_assembler) {
        return;
    }
    (void)m_assembler->addInstance(std::move(bytes));
    // Without an instance count nothing is decoded before the end: pausing would never resume.
    if (m_assembler->pendingBytes() > m_options.maxPendingBytes && m_retriever && !m_retriever->isPaused() &&
        m_assembler->expectsInstances()) {
        m_retriever->setPaused(true);
        ++m_pauses;
        m_resume.start();
    }
}

void SeriesLoader::checkPending()
{
    if (!m_assembler || !m_retriever) {
        m_resume.stop();
        return;
    }
    if (m_assembler->pendingBytes() <= m_options.maxPendingBytes / 2) {
        m_resume.stop();
        m_retriever->setPaused(false);
    }
}

void SeriesLoader::cancel()
{
    m_resume.stop();
    if (m_retriever) {
        m_retriever->cancel();
    }
}

Volume* SeriesLoader::volume() const
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
    m_resume.stop();
    if (m_retriever) {
        m_retriever->cancel();
    }
    if (m_assembler) {
        bytes = m_assembler->wipe();
    }
    m_ready = false;
    m_expectedSopUids.clear();
    m_retriever.reset();
    m_assembler.reset();
    if (hadVolume) {
        emit cleared();
    }
    return bytes;
}

} // namespace dokuei::viewer
