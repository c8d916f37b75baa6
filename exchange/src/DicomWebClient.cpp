#include "dokuei/exchange/DicomWebClient.h"

#include "dokuei/exchange/MultipartParser.h"
#include "dokuei/exchange/TlsProbe.h"

#include <QEventLoop>
#include <QNetworkReply>
#include <QPointer>
#include <QRandomGenerator>
#include <QSslError>
#include <QTimer>

namespace dokuei::exchange {

const QByteArray DicomWebClient::kDicomJson = QByteArrayLiteral("application/dicom+json");

namespace {

constexpr const char* kFailureProperty = "dokuei.failure";
constexpr const char* kDetailProperty = "dokuei.detail";
constexpr const char* kAuditedProperty = "dokuei.audited";
constexpr const char* kMessageProperty = "dokuei.message";

void markFailure(QNetworkReply* reply, DicomWebFailure failure, const QString& detail)
{
    if (reply->property(kFailureProperty).isValid())
        return; // the first reason wins
    reply->setProperty(kFailureProperty, int(failure));
    reply->setProperty(kDetailProperty, detail);
}

DicomWebFailure classifySslErrors(const QList<QSslError>& errors, QString* detail)
{
    bool untrusted = false, expired = false, wrongHost = false, revoked = false;
    QStringList texts;
    for (const QSslError& e : errors) {
        texts.append(e.errorString());
        switch (e.error()) {
        case QSslError::CertificateRevoked:
            revoked = true;
            break;
        case QSslError::CertificateExpired:
        case QSslError::CertificateNotYetValid:
            expired = true;
            break;
        case QSslError::HostNameMismatch:
            wrongHost = true;
            break;
        default:
            untrusted = true;
            break;
        }
    }
    texts.removeDuplicates();
    *detail = texts.join(QStringLiteral("; "));
    if (revoked)
        return DicomWebFailure::ServerCertificateRevoked;
    if (untrusted)
        return DicomWebFailure::ServerCertificateUntrusted;
    if (expired)
        return DicomWebFailure::ServerCertificateExpired;
    if (wrongHost)
        return DicomWebFailure::ServerCertificateWrongHost;
    return DicomWebFailure::TlsHandshakeFailed;
}

PeerCheckFailure peerFailure(PeerCheckFailure f)
{
    return f;
}

DicomWebFailure toFailure(PeerCheckFailure f)
{
    switch (peerFailure(f)) {
    case PeerCheckFailure::Revoked:
        return DicomWebFailure::ServerCertificateRevoked;
    case PeerCheckFailure::RevocationUnknown:
        return DicomWebFailure::ServerRevocationUnknown;
    case PeerCheckFailure::PinMismatch:
        return DicomWebFailure::ServerKeyPinMismatch;
    case PeerCheckFailure::Untrusted:
        return DicomWebFailure::ServerCertificateUntrusted;
    case PeerCheckFailure::None:
        break;
    }
    return DicomWebFailure::None;
}

template <typename T> T runSync(const std::function<void(std::function<void(T)>)>& start)
{
    std::optional<T> result;
    QEventLoop loop;
    start([&](T value) {
        result.emplace(std::move(value));
        loop.quit();
    });
    if (!result)
        loop.exec();
    return std::move(*result);
}

} // namespace

DicomWebClient::DicomWebClient(TlsPolicy policy, DicomWebClientSettings settings, QObject* parent)
    : QObject(parent), m_policy(std::move(policy)), m_settings(std::move(settings))
{
    m_network.setCache(nullptr);
    m_network.setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    m_network.setStrictTransportSecurityEnabled(false);
    m_sslConfiguration = m_policy.configuration();
}

DicomWebClient::~DicomWebClient() = default;

void DicomWebClient::setClientCredentials(const ClientCredentials& credentials)
{
    m_sslConfiguration = m_policy.configuration(credentials.key, credentials.certificate);
    m_network.clearConnectionCache();
}

void DicomWebClient::clearClientCredentials()
{
    m_sslConfiguration = m_policy.configuration();
    m_network.clearConnectionCache();
}

QNetworkRequest DicomWebClient::request(const QString& path, const QByteArray& accept) const
{
    QUrl url = m_settings.baseUrl;
    const qsizetype q = path.indexOf(QLatin1Char('?'));
    QString base = url.path();
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    url.setPath(base + (q < 0 ? path : path.left(q)));
    if (q >= 0)
        url.setQuery(path.mid(q + 1));
    QNetworkRequest r(url);
    r.setSslConfiguration(m_sslConfiguration);
    if (!accept.isEmpty())
        r.setRawHeader("Accept", accept);
    r.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    r.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    r.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    r.setAttribute(QNetworkRequest::CookieLoadControlAttribute, QNetworkRequest::Manual);
    r.setAttribute(QNetworkRequest::CookieSaveControlAttribute, QNetworkRequest::Manual);
    r.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    r.setAttribute(QNetworkRequest::HttpPipeliningAllowedAttribute, false);
    return r;
}

QNetworkRequest DicomWebClient::request(const QString& path, const QUrlQuery& query,
                                        const QByteArray& accept) const
{
    QNetworkRequest r = request(path, accept);
    QUrl url = r.url();
    url.setQuery(query);
    r.setUrl(url);
    return r;
}

void DicomWebClient::watch(QNetworkReply* reply, qint64 maxResponseBytes)
{
    const qint64 limit = maxResponseBytes > 0 ? maxResponseBytes : m_settings.maxResponseBytes;
    auto* timer = new QTimer(reply);
    timer->setSingleShot(true);
    timer->setInterval(m_settings.timeout);
    connect(timer, &QTimer::timeout, reply, [reply] {
        markFailure(reply, DicomWebFailure::Timeout, {});
        reply->abort();
    });
    timer->start();
    const auto progress = [timer] { timer->start(); };
    connect(reply, &QNetworkReply::downloadProgress, timer, progress);
    connect(reply, &QNetworkReply::uploadProgress, timer, progress);
    connect(reply, &QNetworkReply::finished, timer, &QTimer::stop);
    connect(reply, &QNetworkReply::downloadProgress, reply, [reply, limit](qint64 received, qint64 total) {
        if (received > limit || total > limit) {
            markFailure(reply, DicomWebFailure::BodyTooLarge,
                        QStringLiteral("more than %1 bytes").arg(limit));
            reply->abort();
        }
    });
    connect(reply, &QNetworkReply::sslErrors, reply, [reply](const QList<QSslError>& errors) {
        QString detail;
        const DicomWebFailure f = classifySslErrors(errors, &detail);
        markFailure(reply, f, detail);
        // not ignored: Qt refuses the connection
    });
    // After the handshake, before any HTTP byte is sent (QNetworkReply::encrypted): revocation and pin.
    connect(reply, &QNetworkReply::encrypted, reply, [this, reply] {
        ++m_handshakes;
        const PeerCheck check = m_policy.checkPeer(reply->sslConfiguration().peerCertificateChain());
        if (!check.ok()) {
            markFailure(reply, toFailure(check.failure), check.detail);
            reply->abort();
        }
    });
}

DicomWebError DicomWebClient::refusedHandshake(QNetworkReply* reply, const QString& text)
{
    // The backend's text rarely says why (a "handshake failure" alert is the same for CBC-only and
    // RSA-only servers): ask the server what it would choose if offered everything. The probe sends no
    // client certificate, no HTTP byte and no credentials, and never changes the refusal.
    TlsProbeResult probe;
    bool probed = false;
    if (DicomWebError::needsProbe(DicomWebError::classifyHandshakeText(text)) &&
        m_settings.probeTimeout.count() > 0) {
        const QUrl url = reply->url();
        probe = TlsProbe::run(url.host(), quint16(url.port(443)), m_settings.probeTimeout);
        probed = true;
    }
    DicomWebError error = DicomWebError::fromRefusedHandshake(text, probed ? &probe : nullptr);
    // Remember the result: a second failureOf() of this reply neither probes nor classifies again.
    markFailure(reply, error.failure, text);
    reply->setProperty(kMessageProperty, error.message);
    return error;
}

DicomWebError DicomWebClient::failureOf(QNetworkReply* reply)
{
    DicomWebError error;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QVariant marked = reply->property(kFailureProperty);
    if (marked.isValid()) {
        error = DicomWebError::make(DicomWebFailure(marked.toInt()),
                                    reply->property(kDetailProperty).toString(), status);
        if (const QVariant message = reply->property(kMessageProperty); message.isValid())
            error.message = message.toString(); // a refused handshake explained by the probe
    } else if (status >= 200 && status < 300 && reply->error() == QNetworkReply::NoError) {
        return error;
    } else if (status != 0) {
        const QByteArray body = reply->peek(4096);
        if (status == 400 && body.contains("No required SSL certificate was sent"))
            error = DicomWebError::make(DicomWebFailure::ClientCertificateRequired, {}, status);
        else if (status == 400 && body.contains("SSL certificate error"))
            error = DicomWebError::make(DicomWebFailure::ClientCertificateRefused, {}, status);
        else if (status == 401)
            error = DicomWebError::make(DicomWebFailure::Unauthorized, {}, status);
        else if (status == 403)
            error = DicomWebError::make(DicomWebFailure::Forbidden, {}, status);
        else if (status == 404)
            error = DicomWebError::make(DicomWebFailure::NotFound, {}, status);
        else if (status >= 500)
            error = DicomWebError::make(DicomWebFailure::ServerError, {}, status);
        else if (status >= 300 && status < 400)
            error = DicomWebError::make(DicomWebFailure::HttpError, QStringLiteral("redirects are refused"),
                                        status);
        else
            error = DicomWebError::make(DicomWebFailure::HttpError, {}, status);
    } else {
        const QString text = reply->errorString();
        switch (reply->error()) {
        case QNetworkReply::ConnectionRefusedError:
        case QNetworkReply::HostNotFoundError:
        case QNetworkReply::TemporaryNetworkFailureError:
        case QNetworkReply::NetworkSessionFailedError:
        case QNetworkReply::UnknownNetworkError:
        case QNetworkReply::ProxyConnectionRefusedError:
        case QNetworkReply::ProxyNotFoundError:
            error = DicomWebError::make(DicomWebFailure::Unreachable, text);
            break;
        case QNetworkReply::TimeoutError:
            error = DicomWebError::make(DicomWebFailure::Timeout, text);
            break;
        case QNetworkReply::OperationCanceledError:
            error = DicomWebError::make(DicomWebFailure::Cancelled, text);
            break;
        case QNetworkReply::SslHandshakeFailedError:
            error = refusedHandshake(reply, text);
            break;
        case QNetworkReply::RemoteHostClosedError:
            // TLS 1.3: a refused client certificate shows as a closed connection after the handshake
            error = DicomWebError::make(m_sslConfiguration.localCertificate().isNull()
                                            ? DicomWebFailure::ClientCertificateRequired
                                            : DicomWebFailure::Unreachable,
                                        text);
            break;
        default:
            error = DicomWebError::make(DicomWebFailure::Unreachable, text);
            break;
        }
    }
    if (error.isSecurityRelevant() && !reply->property(kAuditedProperty).toBool()) {
        reply->setProperty(kAuditedProperty, true);
        error.audit(m_settings.audit, reply->url().host(), m_settings.userId);
        emit securityFailure(error);
    }
    return error;
}

void DicomWebClient::finishBody(QNetworkReply* reply, const QList<QByteArray>& expectedTypes,
                                const std::function<void(WebExpected<QByteArray>)>& done)
{
    reply->deleteLater();
    const DicomWebError error = failureOf(reply);
    if (error.failure != DicomWebFailure::None) {
        done(std::unexpected(error));
        return;
    }
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();
    if (status == 204 || body.isEmpty()) {
        done(QByteArray());
        return;
    }
    if (!expectedTypes.isEmpty()) {
        const QByteArray type = reply->header(QNetworkRequest::ContentTypeHeader)
                                    .toByteArray()
                                    .split(';')
                                    .first()
                                    .trimmed()
                                    .toLower();
        if (!expectedTypes.contains(type)) {
            done(std::unexpected(DicomWebError::make(
                DicomWebFailure::WrongContentType,
                QStringLiteral("got \"%1\"").arg(QString::fromLatin1(type.left(100))), status)));
            return;
        }
    }
    done(body);
}

void DicomWebClient::get(const QString& path, const QUrlQuery& query, const QByteArray& accept,
                         std::function<void(WebExpected<QByteArray>)> done)
{
    QNetworkReply* reply = m_network.get(request(path, query, accept));
    watch(reply);
    QList<QByteArray> types;
    if (accept == kDicomJson)
        types = {kDicomJson, QByteArrayLiteral("application/json")};
    connect(reply, &QNetworkReply::finished, this,
            [this, reply, types, done = std::move(done)] { finishBody(reply, types, done); });
}

void DicomWebClient::retrieveInstance(const QString& studyUid, const QString& seriesUid,
                                      const QString& sopInstanceUid,
                                      std::function<void(WebExpected<QByteArray>)> done, qint64 maxBytes)
{
    const QString path =
        QStringLiteral("/studies/%1/series/%2/instances/%3").arg(studyUid, seriesUid, sopInstanceUid);
    QNetworkReply* reply = m_network.get(
        request(path, QByteArrayLiteral("multipart/related; type=\"application/dicom\"; transfer-syntax=*")));
    watch(reply, maxBytes);
    connect(reply, &QNetworkReply::finished, this, [this, reply, maxBytes, done = std::move(done)] {
        reply->deleteLater();
        const DicomWebError error = failureOf(reply);
        if (error.failure != DicomWebFailure::None) {
            done(std::unexpected(error));
            return;
        }
        const QByteArray contentType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
        auto boundary = MultipartParser::boundaryFromContentType(contentType);
        if (!boundary) {
            done(std::unexpected(
                DicomWebError::make(DicomWebFailure::WrongContentType, boundary.error().message)));
            return;
        }
        QByteArray instance;
        MultipartLimits limits;
        limits.maxPartBytes = maxBytes;
        limits.maxParts = 1;
        MultipartParser parser(
            *boundary, [&instance](MultipartPart& part) { instance = std::move(part.body); }, limits);
        QByteArray body = reply->readAll();
        auto fed = parser.feed(body);
        body.fill('\0');
        if (fed) {
            fed = parser.finish();
        }
        if (!fed || instance.isEmpty()) {
            instance.fill('\0');
            done(std::unexpected(DicomWebError::make(DicomWebFailure::InvalidResponse,
                                                     fed ? QStringLiteral("no instance in the answer")
                                                         : fed.error().message)));
            return;
        }
        done(std::move(instance));
    });
}

void DicomWebClient::searchStudies(const QUrlQuery& query,
                                   std::function<void(WebExpected<QList<StudyRecord>>)> done)
{
    QUrlQuery q = query;
    for (const char* field : {"00081030", "00080061", "00080080", "00201206", "00201208", "00080050",
                              "00100030", "00100040", "00080090", "00401002"})
        q.addQueryItem(QStringLiteral("includefield"), QString::fromLatin1(field));
    get(QStringLiteral("/studies"), q, kDicomJson, [done = std::move(done)](WebExpected<QByteArray> body) {
        if (!body)
            return done(std::unexpected(body.error()));
        done(DicomWebJson::parseStudies(*body));
    });
}

void DicomWebClient::searchSeries(const QString& studyUid,
                                  std::function<void(WebExpected<QList<SeriesRecord>>)> done)
{
    QUrlQuery q;
    for (const char* field : {"0008103E", "00080060", "00200011", "00201209"})
        q.addQueryItem(QStringLiteral("includefield"), QString::fromLatin1(field));
    get(QStringLiteral("/studies/%1/series").arg(QString::fromLatin1(QUrl::toPercentEncoding(studyUid))), q,
        kDicomJson, [done = std::move(done)](WebExpected<QByteArray> body) {
            if (!body)
                return done(std::unexpected(body.error()));
            done(DicomWebJson::parseSeries(*body));
        });
}

void DicomWebClient::searchInstances(const QString& studyUid, const QString& seriesUid,
                                     std::function<void(WebExpected<QList<InstanceRecord>>)> done)
{
    QUrlQuery q;
    for (const char* field : {"00080016", "00200013"})
        q.addQueryItem(QStringLiteral("includefield"), QString::fromLatin1(field));
    get(QStringLiteral("/studies/%1/series/%2/instances")
            .arg(QString::fromLatin1(QUrl::toPercentEncoding(studyUid)),
                 QString::fromLatin1(QUrl::toPercentEncoding(seriesUid))),
        q, kDicomJson, [done = std::move(done)](WebExpected<QByteArray> body) {
            if (!body)
                return done(std::unexpected(body.error()));
            done(DicomWebJson::parseInstances(*body));
        });
}

void DicomWebClient::store(const QString& studyUid, const QList<QByteArray>& instances,
                           std::function<void(WebExpected<StowResult>)> done)
{
    const QByteArray boundary = "dokuei-" + QByteArray::number(QRandomGenerator::system()->generate64(), 16);
    QByteArray body;
    for (const QByteArray& instance : instances) {
        body += "--" + boundary + "\r\nContent-Type: application/dicom\r\n\r\n";
        body += instance;
        body += "\r\n";
    }
    body += "--" + boundary + "--\r\n";
    const QString path =
        studyUid.isEmpty()
            ? QStringLiteral("/studies")
            : QStringLiteral("/studies/%1").arg(QString::fromLatin1(QUrl::toPercentEncoding(studyUid)));
    QNetworkRequest r = request(path, kDicomJson);
    r.setHeader(QNetworkRequest::ContentTypeHeader,
                QByteArray("multipart/related; type=\"application/dicom\"; boundary=" + boundary));
    QNetworkReply* reply = m_network.post(r, body);
    watch(reply);
    connect(reply, &QNetworkReply::finished, this, [this, reply, done = std::move(done)] {
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status == 409 && !reply->property(kFailureProperty).isValid()) {
            // all instances failed: the body lists why
            reply->deleteLater();
            auto parsed = DicomWebJson::parseStowResponse(reply->readAll());
            if (parsed)
                return done(*parsed);
            return done(std::unexpected(DicomWebError::make(DicomWebFailure::HttpError, {}, status)));
        }
        finishBody(reply, {kDicomJson, QByteArrayLiteral("application/json")},
                   [done](WebExpected<QByteArray> b) {
                       if (!b)
                           return done(std::unexpected(b.error()));
                       done(DicomWebJson::parseStowResponse(*b));
                   });
    });
}

WebExpected<QList<StudyRecord>> DicomWebClient::searchStudiesSync(const QUrlQuery& query)
{
    using R = WebExpected<QList<StudyRecord>>;
    return runSync<R>([&](std::function<void(R)> cb) { searchStudies(query, std::move(cb)); });
}

WebExpected<QList<SeriesRecord>> DicomWebClient::searchSeriesSync(const QString& studyUid)
{
    using R = WebExpected<QList<SeriesRecord>>;
    return runSync<R>([&](std::function<void(R)> cb) { searchSeries(studyUid, std::move(cb)); });
}

WebExpected<QList<InstanceRecord>> DicomWebClient::searchInstancesSync(const QString& studyUid,
                                                                       const QString& seriesUid)
{
    using R = WebExpected<QList<InstanceRecord>>;
    return runSync<R>(
        [&](std::function<void(R)> cb) { searchInstances(studyUid, seriesUid, std::move(cb)); });
}

WebExpected<StowResult> DicomWebClient::storeSync(const QString& studyUid, const QList<QByteArray>& instances)
{
    using R = WebExpected<StowResult>;
    return runSync<R>([&](std::function<void(R)> cb) { store(studyUid, instances, std::move(cb)); });
}

WebExpected<QByteArray> DicomWebClient::getSync(const QString& path, const QByteArray& accept,
                                                const QByteArray& expectedType)
{
    using R = WebExpected<QByteArray>;
    return runSync<R>([&](std::function<void(R)> cb) {
        QNetworkReply* reply = m_network.get(request(path, accept));
        watch(reply);
        QList<QByteArray> types;
        if (!expectedType.isEmpty())
            types.append(expectedType);
        connect(reply, &QNetworkReply::finished, this,
                [this, reply, types, cb = std::move(cb)] { finishBody(reply, types, cb); });
    });
}

} // namespace dokuei::exchange
