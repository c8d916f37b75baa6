#pragma once

#include "dokuei/common/Error.h"
#include "dokuei/exchange/MultipartParser.h"
#include "dokuei/exchange/RetryPolicy.h"
#include "dokuei/security/SecureBuffer.h"

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include <QByteArray>
#include <QElapsedTimer>
#include <QNetworkRequest>
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>

class QNetworkAccessManager;
class QNetworkReply;

namespace dokuei::exchange {

/// Retrieves a whole series by WADO-RS (`GET {base}/studies/{study}/series/{series}`, Accept
/// `multipart/related; type="application/dicom"; transfer-syntax=*`) and hands each instance's bytes to the
/// instance handler as soon as its part is complete, while the rest still streams (decoding overlaps the
/// download). Memory: one part per response in flight, zeroed once handed over; nothing touches the disk
/// (no cache load or save on any request).
///
/// Resume: when the series response fails part way (dropped connection, truncated multipart, retryable
/// HTTP status) and the expected SOP Instance UIDs are known (from QIDO-RS), the missing instances are
/// fetched one by one (`.../instances/{sop}`) with exponential backoff; without an expected list the
/// series request itself is retried and instances already delivered are skipped. Every instance reaches
/// the handler exactly once (deduplicated by SOP Instance UID). Retryable: network errors and HTTP 408,
/// 429, 500, 502, 503, 504. Not retryable: other HTTP statuses (surfaced with the status), a wrong content
/// type, a part whose Content-Length lies, a limit exceeded.
///
/// Paths given to the request factory are relative to the DICOMweb base and start with '/'
/// ("/studies/1.2/series/3.4"), as DicomWebClient::request() expects. Runs on the thread of the network
/// manager; not thread-safe. The instance handler runs on that thread too: hand the bytes to the decode
/// pool and return (a slow handler delays reading, Qt then buffers the socket data).
///
/// With DicomWebClient: `SeriesRetriever r(client.network(), [&](auto& p, auto& a) { return
/// client.request(p, a); });` plus `r.setReplyWatcher([&](QNetworkReply* x) { client.watch(x, seriesLimit);
/// });` (CRL, key pin, timeout; the size limit must allow a whole series) and a failure classifier that
/// returns the error of failureOf() for TLS and certificate failures, so that they are never retried.
class SeriesRetriever : public QObject
{
    Q_OBJECT

public:
    using RequestFactory = std::function<QNetworkRequest(const QString& path, const QByteArray& accept)>;
    /// Receives one instance; may take the bytes (std::move). What it leaves is zeroed. May call cancel().
    using InstanceHandler = std::function<void(const QString& sopInstanceUid, QByteArray& bytes)>;
    /// Reads the SOP Instance UID of an instance's bytes (empty when unknown).
    using SopUidReader = std::function<QString(QByteArrayView bytes)>;

    SeriesRetriever(QNetworkAccessManager& network, RequestFactory requestFactory, QObject* parent = nullptr);
    ~SeriesRetriever() override;

    void setInstanceHandler(InstanceHandler handler) { m_handler = std::move(handler); }
    void setRetryPolicy(const RetryPolicy& policy) { m_retry = policy; }
    void setLimits(const MultipartLimits& limits) { m_limits = limits; }
    /// Default: the Part 10 meta header's (0002,0003), else the part's Content-Location.
    void setSopUidReader(SopUidReader reader) { m_sopUidOf = std::move(reader); }
    /// Called with every reply right after it is created (e.g. DicomWebClient::watch).
    void setReplyWatcher(std::function<void(QNetworkReply*)> watcher) { m_watcher = std::move(watcher); }
    /// Called with a reply that finished with a network error (HTTP error statuses included): return an
    /// Error only for failures that must not be retried (untrusted or revoked server certificate, key pin
    /// mismatch, card missing), std::nullopt otherwise. Default: TLS handshake failures are final.
    void setFailureClassifier(std::function<std::optional<Error>(QNetworkReply*)> classifier)
    {
        m_classifier = std::move(classifier);
    }
    /// Concurrent per-instance requests while resuming (default 4).
    void setMaxParallelFetches(int count) { m_maxParallel = std::max(1, count); }

    /// Starts retrieving; `expectedSopUids` (may be empty) enables per-instance resume and the
    /// completeness check. Emits finished() exactly once unless cancelled.
    void start(const QString& studyUid, const QString& seriesUid, const QStringList& expectedSopUids = {});
    /// Stops at once: aborts requests, zeroes buffered bytes, no further handler call or signal.
    void cancel();
    /// Flow control for a consumer that falls behind (e.g. decoders): while paused, nothing more is read from
    /// the replies (give them a bounded read buffer, QNetworkReply::setReadBufferSize, so that Qt stops
    /// reading the socket too and TCP holds the server back). Resuming reads what is buffered. A reply that
    /// finishes while paused is still read to its end (its remaining bytes are bounded by that buffer).
    void setPaused(bool paused);
    bool isPaused() const { return m_paused; }

    bool isRunning() const { return m_running; }
    int instancesDelivered() const { return m_instances; }
    qint64 bytesDelivered() const { return m_bytes; }
    /// Wall time from start() to finished() (or until now while running).
    qint64 elapsedMs() const;
    /// Requests repeated after a failure (series and instances).
    int retries() const { return m_retries; }
    /// Why the retrieval failed (set when finished(false) is emitted).
    const std::optional<Error>& error() const { return m_error; }

    static QByteArray acceptHeader();
    /// (0002,0003) Media Storage SOP Instance UID from a Part 10 file's meta header, empty when absent.
    static QString sopUidFromPart10(QByteArrayView bytes);
    /// The last path segment after "/instances/" of a Content-Location, empty when absent.
    static QString sopUidFromContentLocation(QByteArrayView location);

signals:
    void progress(int instances, qint64 bytes, double bytesPerSecond);
    /// One instance could not be retrieved (after its retries); the others continue.
    void instanceFailed(const QString& sopInstanceUid, const QString& message);
    void finished(bool success);

private:
    struct Fetch;
    enum class Outcome
    {
        Success,
        Retryable,
        Fatal,
    };

    void startSeriesAttempt(int attempt);
    void startInstanceAttempt(const QString& sopUid, int attempt);
    Fetch* launch(const QString& path, const QString& sopUid, int attempt);
    void onReadyRead(Fetch* fetch);
    void onFinished(Fetch* fetch);
    bool checkResponseHead(Fetch* fetch);
    void onPart(Fetch* fetch, MultipartPart& part);
    void resumeMissing();
    void pumpInstances();
    void fetchFailed(Fetch* fetch, Outcome outcome, Error error);
    void complete(bool success, std::optional<Error> error = std::nullopt);
    void release(Fetch* fetch);
    void purge();

    QNetworkAccessManager& m_network;
    RequestFactory m_requestFactory;
    InstanceHandler m_handler;
    SopUidReader m_sopUidOf;
    std::function<void(QNetworkReply*)> m_watcher;
    std::function<std::optional<Error>(QNetworkReply*)> m_classifier;
    RetryPolicy m_retry;
    bool m_paused = false;
    static constexpr std::size_t kScratchBytes = std::size_t{1} << 20;
    std::unique_ptr<dokuei::security::SecureBuffer> m_scratch;
    MultipartLimits m_limits;
    int m_maxParallel = 4;

    QString m_study;
    QString m_series;
    QStringList m_expected;
    QSet<QString> m_delivered;
    QStringList m_queue;            ///< instances waiting for a per-instance request
    QHash<QString, int> m_attempts; ///< per-instance attempts made
    QStringList m_failedInstances;
    std::vector<std::unique_ptr<Fetch>> m_fetches;
    int m_active = 0;
    int m_pendingTimers = 0;
    int m_callbackDepth = 0;
    quint64 m_generation = 0; ///< invalidates timers of an earlier run
    bool m_running = false;
    bool m_cancelled = false;
    bool m_resuming = false;
    int m_instances = 0;
    qint64 m_bytes = 0;
    int m_retries = 0;
    QElapsedTimer m_timer;
    qint64 m_elapsedMs = 0;
    std::optional<Error> m_error;
    std::optional<Error> m_firstInstanceError;
};

} // namespace dokuei::exchange
