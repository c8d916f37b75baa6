#pragma once

#include <chrono>
#include <dokuei/exchange/CardClientKey.h>
#include <dokuei/exchange/DicomWebError.h>
#include <dokuei/exchange/DicomWebJson.h>
#include <dokuei/exchange/TlsPolicy.h>
#include <functional>

#include <QList>
#include <QNetworkAccessManager>
#include <QNetworkRequest>
#include <QObject>
#include <QSslConfiguration>
#include <QUrl>
#include <QUrlQuery>

class QNetworkReply;

namespace dokuei::security {
class IAuditSink;
}

namespace dokuei::exchange {

struct DicomWebClientSettings
{
    QUrl baseUrl; ///< the DICOMweb root, e.g. https://127.0.0.1:8443/dicom-web
    /// No byte received for this long: the request fails with Timeout (connect included).
    std::chrono::milliseconds timeout{15000};
    qint64 maxResponseBytes = qint64(64) * 1024 * 1024; ///< QIDO / STOW answers
    /// After a refused TLS handshake, a diagnostic handshake (TlsProbe: no client certificate, no HTTP)
    /// explains why (only TLS 1.1, only CBC, only RSA key exchange); bounded by this, 0 = no probe.
    std::chrono::milliseconds probeTimeout{3000};
    security::IAuditSink* audit = nullptr; ///< SecurityAlert for security-relevant failures
    QString userId;                        ///< for the audit records
};

/// DICOMweb over mutual TLS with the reading centre. One QNetworkAccessManager (HTTP/1.1 keep-alive, TLS
/// sessions resumed): sequential requests reuse one connection, so the card signs once per connection,
/// not per request. No disk cache, no persistent cookies, redirects refused.
/// Every reply made through request() + network() must go through watch(): it adds the checks Qt does not
/// make (CRL, key pin: in QNetworkReply::encrypted, before any HTTP byte is sent), the timeout and the
/// size limit; failureOf() then classifies the result.
class DicomWebClient : public QObject
{
    Q_OBJECT
public:
    DicomWebClient(TlsPolicy policy, DicomWebClientSettings settings, QObject* parent = nullptr);
    ~DicomWebClient() override;

    /// Present the card's key from now on (drops existing connections).
    void setClientCredentials(const ClientCredentials& credentials);
    /// No client certificate from now on (card removed or session locked): drops existing connections.
    void clearClientCredentials();

    QNetworkAccessManager& network() { return m_network; }
    /// A request for baseUrl + path (path starts with '/', may carry a query) with the TLS configuration.
    QNetworkRequest request(const QString& path, const QByteArray& accept) const;
    QNetworkRequest request(const QString& path, const QUrlQuery& query, const QByteArray& accept) const;
    /// Installs timeout, size limit and the TLS peer checks on a reply of network().
    void watch(QNetworkReply* reply, qint64 maxResponseBytes = -1);
    /// The failure of a finished reply (failure None when it succeeded with HTTP 2xx). Audits and emits
    /// securityFailure() for security-relevant ones once per reply. After a refused TLS handshake whose
    /// cause the TLS backend does not tell, it blocks for a diagnostic TlsProbe (at most
    /// settings().probeTimeout, once per reply) to name the cause; the refusal stands either way.
    DicomWebError failureOf(QNetworkReply* reply);

    /// New TLS connections (full or resumed handshakes) seen so far.
    int handshakeCount() const { return m_handshakes; }
    const TlsPolicy& policy() const { return m_policy; }
    const DicomWebClientSettings& settings() const { return m_settings; }

    // QIDO-RS (application/dicom+json). `query` holds matching keys (PatientID=..., StudyDate=...).
    void searchStudies(const QUrlQuery& query, std::function<void(WebExpected<QList<StudyRecord>>)> done);
    void searchSeries(const QString& studyUid, std::function<void(WebExpected<QList<SeriesRecord>>)> done);
    void searchInstances(const QString& studyUid, const QString& seriesUid,
                         std::function<void(WebExpected<QList<InstanceRecord>>)> done);
    /// STOW-RS: multipart/related; type="application/dicom". studyUid may be empty. Failures listed by the
    /// server (Failed SOP Sequence) are in StowResult::failures.
    /// WADO-RS of one instance (multipart/related, any transfer syntax), its Part-10 bytes; at most
    /// `maxBytes`. For small objects (an earlier report's SR); series go through SeriesRetriever.
    void retrieveInstance(const QString& studyUid, const QString& seriesUid, const QString& sopInstanceUid,
                          std::function<void(WebExpected<QByteArray>)> done,
                          qint64 maxBytes = qint64(16) * 1024 * 1024);
    void store(const QString& studyUid, const QList<QByteArray>& instances,
               std::function<void(WebExpected<StowResult>)> done);

    // Synchronous helpers (run a local event loop): for tests and command-line tools.
    WebExpected<QList<StudyRecord>> searchStudiesSync(const QUrlQuery& query = {});
    WebExpected<QList<SeriesRecord>> searchSeriesSync(const QString& studyUid);
    WebExpected<QList<InstanceRecord>> searchInstancesSync(const QString& studyUid, const QString& seriesUid);
    WebExpected<StowResult> storeSync(const QString& studyUid, const QList<QByteArray>& instances);
    /// GET of any path with its body (checks content type when `expectedType` is not empty).
    WebExpected<QByteArray> getSync(const QString& path, const QByteArray& accept,
                                    const QByteArray& expectedType = {});

    static const QByteArray kDicomJson; ///< "application/dicom+json"

signals:
    void securityFailure(const dokuei::exchange::DicomWebError& error);

private:
    void get(const QString& path, const QUrlQuery& query, const QByteArray& accept,
             std::function<void(WebExpected<QByteArray>)> done);
    void finishBody(QNetworkReply* reply, const QList<QByteArray>& expectedTypes,
                    const std::function<void(WebExpected<QByteArray>)>& done);
    void applyConfiguration();
    DicomWebError refusedHandshake(QNetworkReply* reply, const QString& text);

    TlsPolicy m_policy;
    DicomWebClientSettings m_settings;
    QNetworkAccessManager m_network;
    QSslConfiguration m_sslConfiguration;
    int m_handshakes = 0;
};

} // namespace dokuei::exchange
