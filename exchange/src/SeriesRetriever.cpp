#include "dokuei/exchange/SeriesRetriever.h"

#include "dokuei/security/SecureBuffer.h"

#include <algorithm>
#include <cstring>

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QTimer>

namespace dokuei::exchange {

struct SeriesRetriever::Fetch
{
    QPointer<QNetworkReply> reply;
    std::unique_ptr<MultipartParser> parser;
    QString sopUid; ///< empty for the series request
    QString path;
    int attempt = 1;
    bool headChecked = false;
    bool headOk = false;
    bool done = false;
    int status = 0;
    std::optional<Error> parseError;
};

namespace {

bool retryableStatus(int status)
{
    return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

ErrorCode codeForStatus(int status)
{
    switch (status) {
    case 401:
    case 403:
        return ErrorCode::PermissionDenied;
    case 404:
        return ErrorCode::NotFound;
    default:
        return ErrorCode::IoFailure;
    }
}

} // namespace

SeriesRetriever::SeriesRetriever(QNetworkAccessManager& network, RequestFactory requestFactory,
                                 QObject* parent)
    : QObject(parent), m_network(network), m_requestFactory(std::move(requestFactory))
{}

SeriesRetriever::~SeriesRetriever()
{
    m_cancelled = true;
    for (auto& fetch : m_fetches) {
        release(fetch.get());
    }
    m_fetches.clear();
}

QByteArray SeriesRetriever::acceptHeader()
{
    return QByteArrayLiteral("multipart/related; type=\"application/dicom\"; transfer-syntax=*");
}

qint64 SeriesRetriever::elapsedMs() const
{
    return m_running && m_timer.isValid() ? m_timer.elapsed() : m_elapsedMs;
}

QString SeriesRetriever::sopUidFromPart10(QByteArrayView bytes)
{
    if (bytes.size() < 132 || bytes.sliced(128, 4) != QByteArrayView("DICM")) {
        return {};
    }
    const auto u16 = [&](qsizetype at) {
        return static_cast<quint16>(static_cast<quint8>(bytes[at]) |
                                    (static_cast<quint8>(bytes[at + 1]) << 8));
    };
    qsizetype at = 132;
    while (at + 8 <= bytes.size()) {
        const quint16 group = u16(at);
        const quint16 element = u16(at + 2);
        if (group != 0x0002) {
            break;
        }
        const QByteArrayView vr = bytes.sliced(at + 4, 2);
        qint64 length = 0;
        qsizetype value = 0;
        if (vr == "OB" || vr == "OW" || vr == "OF" || vr == "SQ" || vr == "UT" || vr == "UN" || vr == "UC" ||
            vr == "UR" || vr == "OD" || vr == "OL" || vr == "OV") {
            if (at + 12 > bytes.size()) {
                break;
            }
            length = static_cast<qint64>(u16(at + 8)) | (static_cast<qint64>(u16(at + 10)) << 16);
            value = at + 12;
        } else {
            length = u16(at + 6);
            value = at + 8;
        }
        if (length < 0 || value + length > bytes.size()) {
            break;
        }
        if (element == 0x0003) {
            QByteArrayView uid = bytes.sliced(value, static_cast<qsizetype>(length));
            while (!uid.isEmpty() && (uid.back() == '\0' || uid.back() == ' ')) {
                uid.chop(1);
            }
            return QString::fromLatin1(uid);
        }
        at = value + length;
    }
    return {};
}

QString SeriesRetriever::sopUidFromContentLocation(QByteArrayView location)
{
    const qsizetype at = location.lastIndexOf(QByteArrayView("/instances/"));
    if (at < 0) {
        return {};
    }
    QByteArrayView rest = location.sliced(at + 11);
    const qsizetype end = rest.indexOf('/');
    if (end >= 0) {
        rest = rest.first(end);
    }
    return QString::fromLatin1(rest);
}

void SeriesRetriever::start(const QString& studyUid, const QString& seriesUid,
                            const QStringList& expectedSopUids)
{
    cancel();
    purge();
    ++m_generation;
    m_cancelled = false;
    m_running = true;
    m_resuming = false;
    m_study = studyUid;
    m_series = seriesUid;
    m_expected = expectedSopUids;
    m_delivered.clear();
    m_queue.clear();
    m_attempts.clear();
    m_failedInstances.clear();
    m_instances = 0;
    m_pendingTimers = 0;
    m_active = 0;
    m_bytes = 0;
    m_retries = 0;
    m_elapsedMs = 0;
    m_error.reset();
    m_firstInstanceError.reset();
    m_timer.start();
    startSeriesAttempt(1);
}

void SeriesRetriever::cancel()
{
    if (!m_running) {
        return;
    }
    m_cancelled = true;
    m_running = false;
    m_elapsedMs = m_timer.elapsed();
    ++m_generation; // pending backoff timers become no-ops
    for (auto& fetch : m_fetches) {
        release(fetch.get());
    }
    m_queue.clear();
    if (m_callbackDepth == 0) {
        purge();
    }
}

SeriesRetriever::Fetch* SeriesRetriever::launch(const QString& path, const QString& sopUid, int attempt)
{
    QNetworkRequest request = m_requestFactory(path, acceptHeader());
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    request.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    auto fetch = std::make_unique<Fetch>();
    fetch->sopUid = sopUid;
    fetch->path = path;
    fetch->attempt = attempt;
    QNetworkReply* reply = m_network.get(request);
    fetch->reply = reply;
    if (m_watcher) {
        m_watcher(reply);
    }
    Fetch* raw = fetch.get();
    connect(reply, &QNetworkReply::readyRead, this, [this, raw] { onReadyRead(raw); });
    connect(reply, &QNetworkReply::finished, this, [this, raw] { onFinished(raw); });
    m_fetches.push_back(std::move(fetch));
    ++m_active;
    return raw;
}

void SeriesRetriever::startSeriesAttempt(int attempt)
{
    launch(QStringLiteral("/studies/%1/series/%2").arg(m_study, m_series), QString(), attempt);
}

void SeriesRetriever::startInstanceAttempt(const QString& sopUid, int attempt)
{
    m_attempts[sopUid] = attempt;
    launch(QStringLiteral("/studies/%1/series/%2/instances/%3").arg(m_study, m_series, sopUid), sopUid,
           attempt);
}

bool SeriesRetriever::checkResponseHead(Fetch* fetch)
{
    if (fetch->headChecked) {
        return fetch->headOk;
    }
    QNetworkReply* reply = fetch->reply;
    const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (!status.isValid()) {
        return false; // no HTTP response (yet)
    }
    fetch->headChecked = true;
    fetch->status = status.toInt();
    if (fetch->status != 200) {
        return false;
    }
    const QByteArray contentType = reply->rawHeader("Content-Type");
    auto boundary = MultipartParser::boundaryFromContentType(contentType);
    if (!boundary) {
        fetch->parseError = boundary.error();
        return false;
    }
    fetch->parser = std::make_unique<MultipartParser>(
        *boundary, [this, fetch](MultipartPart& part) { onPart(fetch, part); }, m_limits);
    fetch->headOk = true;
    return true;
}

void SeriesRetriever::setPaused(bool paused)
{
    if (m_paused == paused) {
        return;
    }
    m_paused = paused;
    if (paused) {
        return;
    }
    // Read what arrived meanwhile, from the event loop (the caller may be inside a handler).
    QTimer::singleShot(0, this, [this] {
        if (m_paused || m_cancelled) {
            return;
        }
        // Looked up afresh each time: reading one reply may finish, release or pause.
        for (int guard = 0; guard < 1024 && !m_paused && !m_cancelled; ++guard) {
            Fetch* waiting = nullptr;
            for (const auto& fetch : m_fetches) {
                if (!fetch->done && fetch->reply && fetch->reply->bytesAvailable() > 0) {
                    waiting = fetch.get();
                    break;
                }
            }
            if (waiting == nullptr) {
                return;
            }
            onReadyRead(waiting);
        }
    });
}

void SeriesRetriever::onReadyRead(Fetch* fetch)
{
    if (m_cancelled || fetch->done || !fetch->reply || m_paused) {
        return;
    }
    QNetworkReply* reply = fetch->reply;
    const bool ok = checkResponseHead(fetch);
    if (!m_scratch) {
        // One reusable secure buffer for what is read from the replies (no heap block per read, locked,
        // zeroed after each use); without it, readAll().
        if (auto scratch = dokuei::security::SecureBuffer::allocate(kScratchBytes)) {
            m_scratch = std::make_unique<dokuei::security::SecureBuffer>(std::move(*scratch));
        }
    }
    if (m_scratch) {
        auto* buffer = reinterpret_cast<char*>(m_scratch->data());
        qint64 used = 0;
        // Stops when the handler pauses, cancels or a part is refused; the rest stays in Qt's buffer.
        while (!m_cancelled && !m_paused && !fetch->parseError && fetch->reply &&
               reply->bytesAvailable() > 0) {
            const qint64 n = reply->read(buffer, qint64(m_scratch->size()));
            if (n <= 0) {
                break;
            }
            used = std::max(used, n);
            if (ok) {
                ++m_callbackDepth;
                auto fed = fetch->parser->feed(QByteArrayView(buffer, n));
                --m_callbackDepth;
                if (!fed && !m_cancelled) {
                    fetch->parseError = fed.error();
                }
            }
        }
        if (m_scratch) {
            std::memset(m_scratch->data(), 0, std::size_t(used));
        }
    } else {
        QByteArray data = reply->readAll();
        if (ok && !fetch->parseError) {
            ++m_callbackDepth;
            auto fed = fetch->parser->feed(data);
            --m_callbackDepth;
            if (!fed && !m_cancelled) {
                fetch->parseError = fed.error();
            }
        }
        dokuei::security::secureErase(data);
    }
    if (m_cancelled) {
        if (m_callbackDepth == 0) {
            purge();
        }
        return;
    }
    if (fetch->parseError && reply) {
        // Not retryable: stop reading this response now.
        const Error error = *fetch->parseError;
        fetch->done = true;
        release(fetch);
        --m_active;
        fetchFailed(fetch, Outcome::Fatal, error);
    }
}

void SeriesRetriever::onPart(Fetch* fetch, MultipartPart& part)
{
    if (m_cancelled) {
        return;
    }
    if (!part.contentType.isEmpty() && !part.contentType.toLower().startsWith("application/dicom")) {
        fetch->parseError =
            Error{ErrorCode::Unsupported,
                  QStringLiteral("Part %1 of %2 has content type \"%3\", not application/dicom.")
                      .arg(part.index + 1)
                      .arg(fetch->path)
                      .arg(QString::fromLatin1(part.contentType.left(100)))};
        fetch->parser->stop();
        return;
    }
    QString sop = m_sopUidOf ? m_sopUidOf(part.body) : sopUidFromPart10(part.body);
    if (sop.isEmpty()) {
        sop = sopUidFromContentLocation(part.contentLocation);
    }
    if (sop.isEmpty()) {
        sop = fetch->sopUid;
    }
    if (sop.isEmpty()) {
        emit instanceFailed(QString(),
                            QStringLiteral("Part %1 of the series response has no SOP Instance UID; "
                                           "it was skipped.")
                                .arg(part.index + 1));
        return;
    }
    if (m_delivered.contains(sop)) {
        return; // already delivered (a resumed or repeated response): exactly once
    }
    m_delivered.insert(sop);
    ++m_instances;
    m_bytes += part.body.size();
    if (m_handler) {
        ++m_callbackDepth;
        m_handler(sop, part.body);
        --m_callbackDepth;
    }
    if (m_cancelled) {
        if (fetch->parser) {
            fetch->parser->stop();
        }
        return;
    }
    const double seconds = std::max<qint64>(1, m_timer.elapsed()) / 1000.0;
    emit progress(m_instances, m_bytes, m_bytes / seconds);
}

void SeriesRetriever::onFinished(Fetch* fetch)
{
    if (m_cancelled || fetch->done) {
        return;
    }
    QNetworkReply* reply = fetch->reply;
    const bool ok = checkResponseHead(fetch);
    if (ok && !fetch->parseError) {
        QByteArray data = reply->readAll();
        ++m_callbackDepth;
        auto fed = fetch->parser->feed(data);
        --m_callbackDepth;
        dokuei::security::secureErase(data);
        if (m_cancelled) {
            return;
        }
        if (!fed) {
            fetch->parseError = fed.error();
        }
    }
    fetch->done = true;
    --m_active;
    const QNetworkReply::NetworkError networkError = reply->error();
    const QString networkMessage = reply->errorString();
    const int status = fetch->status;
    std::optional<Error> finalFailure;
    if (networkError != QNetworkReply::NoError) {
        if (m_classifier) {
            finalFailure = m_classifier(reply);
        } else if (networkError == QNetworkReply::SslHandshakeFailedError) {
            finalFailure = Error{ErrorCode::IoFailure,
                                 QStringLiteral("The TLS connection to the reading centre failed: %1.")
                                     .arg(reply->errorString())};
        }
    }
    const bool completeBody = fetch->parser && fetch->parser->isComplete();
    std::optional<Error> truncated;
    if (ok && !fetch->parseError && !completeBody) {
        auto finished = fetch->parser->finish();
        if (!finished) {
            truncated = finished.error();
        }
    }
    release(fetch);

    const QString what = fetch->sopUid.isEmpty() ? QStringLiteral("series %1").arg(m_series)
                                                 : QStringLiteral("instance %1").arg(fetch->sopUid);
    if (fetch->parseError) {
        fetchFailed(fetch, Outcome::Fatal, *fetch->parseError);
    } else if (finalFailure && !completeBody) {
        fetchFailed(fetch, Outcome::Fatal, *finalFailure);
    } else if (ok && completeBody) {
        fetchFailed(fetch, Outcome::Success, Error{});
    } else if (ok) {
        Error error = *truncated;
        if (networkError != QNetworkReply::NoError) {
            error.message = QStringLiteral("The connection dropped while receiving %1 (%2). %3")
                                .arg(what, networkMessage, error.message);
        }
        fetchFailed(fetch, Outcome::Retryable, error);
    } else if (status != 0) {
        const Error error{
            codeForStatus(status),
            QStringLiteral("The reading centre answered HTTP %1 for %2.").arg(status).arg(what)};
        fetchFailed(fetch, retryableStatus(status) ? Outcome::Retryable : Outcome::Fatal, error);
    } else {
        fetchFailed(
            fetch, Outcome::Retryable,
            Error{ErrorCode::IoFailure,
                  QStringLiteral("No answer from the reading centre for %1: %2.").arg(what, networkMessage)});
    }
    if (m_callbackDepth == 0 && !m_cancelled) {
        purge();
    }
}

void SeriesRetriever::fetchFailed(Fetch* fetch, Outcome outcome, Error error)
{
    if (!m_running) {
        return;
    }
    const quint64 generation = m_generation;
    if (fetch->sopUid.isEmpty()) {
        // The series request.
        if (outcome == Outcome::Success) {
            resumeMissing();
            return;
        }
        if (outcome == Outcome::Fatal) {
            complete(false, error);
            return;
        }
        if (!m_expected.isEmpty() && m_instances > 0) {
            resumeMissing();
            return;
        }
        if (!m_retry.allowsAnother(fetch->attempt)) {
            if (!m_expected.isEmpty()) {
                m_firstInstanceError = error;
                resumeMissing();
                return;
            }
            complete(
                false,
                Error{
                    error.code,
                    QStringLiteral("%1 (gave up after %2 attempts)").arg(error.message).arg(fetch->attempt)});
            return;
        }
        const int next = fetch->attempt + 1;
        ++m_retries;
        ++m_pendingTimers;
        QTimer::singleShot(m_retry.delayBefore(next), this, [this, generation, next] {
            if (generation != m_generation) {
                return;
            }
            --m_pendingTimers;
            if (m_running) {
                startSeriesAttempt(next);
            }
        });
        return;
    }
    // A per-instance request.
    const QString sop = fetch->sopUid;
    Error effective = error;
    if (outcome == Outcome::Success && !m_delivered.contains(sop)) {
        outcome = Outcome::Fatal;
        effective = Error{ErrorCode::NotFound,
                          QStringLiteral("The response for instance %1 did not hold it.").arg(sop)};
    }
    if (outcome == Outcome::Retryable && m_retry.allowsAnother(fetch->attempt)) {
        const int next = fetch->attempt + 1;
        ++m_retries;
        ++m_pendingTimers;
        QTimer::singleShot(m_retry.delayBefore(next), this, [this, generation, sop, next] {
            if (generation != m_generation) {
                return;
            }
            --m_pendingTimers;
            if (m_running) {
                startInstanceAttempt(sop, next);
            }
        });
        return;
    }
    if (outcome != Outcome::Success) {
        m_failedInstances.append(sop);
        if (!m_firstInstanceError) {
            m_firstInstanceError = effective;
        }
        emit instanceFailed(sop, effective.message);
        if (!m_running) {
            return;
        }
    }
    pumpInstances();
}

void SeriesRetriever::resumeMissing()
{
    m_resuming = true;
    for (const QString& sop : m_expected) {
        if (!m_delivered.contains(sop) && !m_queue.contains(sop)) {
            m_queue.append(sop);
        }
    }
    pumpInstances();
}

void SeriesRetriever::pumpInstances()
{
    while (m_running && m_active < m_maxParallel && !m_queue.isEmpty()) {
        const QString sop = m_queue.takeFirst();
        if (m_delivered.contains(sop)) {
            continue;
        }
        startInstanceAttempt(sop, m_attempts.value(sop, 0) + 1);
    }
    if (m_running && m_active == 0 && m_queue.isEmpty() && m_pendingTimers == 0) {
        if (m_failedInstances.isEmpty()) {
            complete(true);
        } else {
            const Error first = m_firstInstanceError.value_or(Error{ErrorCode::IoFailure, QString()});
            complete(false, Error{first.code, QStringLiteral("%1 of %2 instances of series %3 could not be "
                                                             "retrieved; first: %4")
                                                  .arg(m_failedInstances.size())
                                                  .arg(m_expected.size())
                                                  .arg(m_series, first.message)});
        }
    }
}

void SeriesRetriever::complete(bool success, std::optional<Error> error)
{
    if (!m_running) {
        return;
    }
    m_running = false;
    m_elapsedMs = m_timer.elapsed();
    m_error = std::move(error);
    ++m_generation;
    for (auto& fetch : m_fetches) {
        release(fetch.get());
    }
    m_queue.clear();
    const double seconds = std::max<qint64>(1, m_elapsedMs) / 1000.0;
    emit progress(m_instances, m_bytes, m_bytes / seconds);
    emit finished(success);
}

void SeriesRetriever::release(Fetch* fetch)
{
    if (fetch->parser) {
        fetch->parser->stop(); // zeroes what it buffered
    }
    if (QNetworkReply* reply = fetch->reply) {
        fetch->reply = nullptr;
        disconnect(reply, nullptr, this, nullptr);
        if (reply->isRunning()) {
            reply->abort();
        }
        reply->deleteLater();
    }
}

void SeriesRetriever::purge()
{
    if (m_callbackDepth > 0) {
        return; // a fetch up the stack may still be in use: purged on the way out or at the next start
    }
    std::erase_if(m_fetches, [](const std::unique_ptr<Fetch>& fetch) { return fetch->reply.isNull(); });
}

} // namespace dokuei::exchange
