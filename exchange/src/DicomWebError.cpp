#include "dokuei/exchange/DicomWebError.h"

#include "dokuei/exchange/TlsProbe.h"

#include <dokuei/security/AuditRecord.h>
#include <dokuei/security/IAuditSink.h>

#include <QCoreApplication>
#include <QDateTime>

#include <openssl/tls1.h>

namespace dokuei::exchange {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("dokuei::exchange::DicomWebError", text);
}

} // namespace

bool DicomWebError::isSecurityRelevant(DicomWebFailure failure)
{
    switch (failure) {
    case DicomWebFailure::ServerCertificateUntrusted:
    case DicomWebFailure::ServerCertificateExpired:
    case DicomWebFailure::ServerCertificateRevoked:
    case DicomWebFailure::ServerRevocationUnknown:
    case DicomWebFailure::ServerCertificateWrongHost:
    case DicomWebFailure::ServerKeyPinMismatch:
    case DicomWebFailure::TlsVersionRefused:
    case DicomWebFailure::TlsCipherRefused:
    case DicomWebFailure::TlsCbcOnly:
    case DicomWebFailure::TlsNoForwardSecrecy:
    case DicomWebFailure::TlsHandshakeFailed:
    case DicomWebFailure::ClientCertificateRefused:
    case DicomWebFailure::Unauthorized:
    case DicomWebFailure::Forbidden:
        return true;
    default:
        return false;
    }
}

ErrorCode DicomWebError::code() const
{
    switch (failure) {
    case DicomWebFailure::ServerCertificateUntrusted:
    case DicomWebFailure::ServerKeyPinMismatch:
        return ErrorCode::CertificateUntrusted;
    case DicomWebFailure::ServerCertificateExpired:
        return ErrorCode::CertificateExpired;
    case DicomWebFailure::ServerCertificateRevoked:
    case DicomWebFailure::ServerRevocationUnknown:
        return ErrorCode::CertificateRevoked;
    case DicomWebFailure::ServerCertificateWrongHost:
    case DicomWebFailure::ClientCertificateRefused:
        return ErrorCode::CertificateInvalid;
    case DicomWebFailure::TlsVersionRefused:
    case DicomWebFailure::TlsCipherRefused:
    case DicomWebFailure::TlsCbcOnly:
    case DicomWebFailure::TlsNoForwardSecrecy:
        return ErrorCode::Unsupported;
    case DicomWebFailure::ClientCertificateRequired:
        return ErrorCode::CardAbsent;
    case DicomWebFailure::Unauthorized:
    case DicomWebFailure::Forbidden:
        return ErrorCode::PermissionDenied;
    case DicomWebFailure::NotFound:
        return ErrorCode::NotFound;
    case DicomWebFailure::WrongContentType:
    case DicomWebFailure::BodyTooLarge:
    case DicomWebFailure::InvalidResponse:
        return ErrorCode::InvalidArgument;
    default:
        return ErrorCode::IoFailure;
    }
}

QString DicomWebError::failureName(DicomWebFailure failure)
{
    switch (failure) {
    case DicomWebFailure::None:
        return QStringLiteral("None");
    case DicomWebFailure::Unreachable:
        return QStringLiteral("Unreachable");
    case DicomWebFailure::Timeout:
        return QStringLiteral("Timeout");
    case DicomWebFailure::ServerCertificateUntrusted:
        return QStringLiteral("ServerCertificateUntrusted");
    case DicomWebFailure::ServerCertificateExpired:
        return QStringLiteral("ServerCertificateExpired");
    case DicomWebFailure::ServerCertificateRevoked:
        return QStringLiteral("ServerCertificateRevoked");
    case DicomWebFailure::ServerRevocationUnknown:
        return QStringLiteral("ServerRevocationUnknown");
    case DicomWebFailure::ServerCertificateWrongHost:
        return QStringLiteral("ServerCertificateWrongHost");
    case DicomWebFailure::ServerKeyPinMismatch:
        return QStringLiteral("ServerKeyPinMismatch");
    case DicomWebFailure::TlsVersionRefused:
        return QStringLiteral("TlsVersionRefused");
    case DicomWebFailure::TlsCipherRefused:
        return QStringLiteral("TlsCipherRefused");
    case DicomWebFailure::TlsCbcOnly:
        return QStringLiteral("TlsCbcOnly");
    case DicomWebFailure::TlsNoForwardSecrecy:
        return QStringLiteral("TlsNoForwardSecrecy");
    case DicomWebFailure::TlsHandshakeFailed:
        return QStringLiteral("TlsHandshakeFailed");
    case DicomWebFailure::ClientCertificateRequired:
        return QStringLiteral("ClientCertificateRequired");
    case DicomWebFailure::ClientCertificateRefused:
        return QStringLiteral("ClientCertificateRefused");
    case DicomWebFailure::Unauthorized:
        return QStringLiteral("Unauthorized");
    case DicomWebFailure::Forbidden:
        return QStringLiteral("Forbidden");
    case DicomWebFailure::NotFound:
        return QStringLiteral("NotFound");
    case DicomWebFailure::ServerError:
        return QStringLiteral("ServerError");
    case DicomWebFailure::HttpError:
        return QStringLiteral("HttpError");
    case DicomWebFailure::WrongContentType:
        return QStringLiteral("WrongContentType");
    case DicomWebFailure::BodyTooLarge:
        return QStringLiteral("BodyTooLarge");
    case DicomWebFailure::InvalidResponse:
        return QStringLiteral("InvalidResponse");
    case DicomWebFailure::Cancelled:
        return QStringLiteral("Cancelled");
    }
    return {};
}

DicomWebError DicomWebError::make(DicomWebFailure failure, const QString& detail, int httpStatus)
{
    QString base;
    switch (failure) {
    case DicomWebFailure::None:
        break;
    case DicomWebFailure::Unreachable:
        base = tr("The reading centre cannot be reached");
        break;
    case DicomWebFailure::Timeout:
        base = tr("The reading centre did not answer in time");
        break;
    case DicomWebFailure::ServerCertificateUntrusted:
        base = tr("The reading centre's certificate is not issued by a trusted CA: connection refused");
        break;
    case DicomWebFailure::ServerCertificateExpired:
        base = tr("The reading centre's certificate has expired (or is not yet valid): connection refused");
        break;
    case DicomWebFailure::ServerCertificateRevoked:
        base = tr("The reading centre's certificate is revoked: connection refused");
        break;
    case DicomWebFailure::ServerRevocationUnknown:
        base = tr("The revocation status of the reading centre's certificate cannot be checked: "
                  "connection refused");
        break;
    case DicomWebFailure::ServerCertificateWrongHost:
        base = tr("The server's certificate is issued for another host: connection refused");
        break;
    case DicomWebFailure::ServerKeyPinMismatch:
        base = tr("The reading centre's key is not the pinned key: connection refused");
        break;
    case DicomWebFailure::TlsVersionRefused:
        base = tr("The server offers no allowed TLS version (TLS 1.2 or 1.3 required): connection refused");
        break;
    case DicomWebFailure::TlsCipherRefused:
        base = tr("The server offers no allowed cipher suite (TLS 1.2: ECDHE with AES-GCM; TLS "
                  "1.3: AES-GCM): connection refused");
        break;
    case DicomWebFailure::TlsCbcOnly:
        base = tr("The reading centre only offers CBC cipher suites, which are not allowed (TLS "
                  "1.2: ECDHE with AES-GCM; TLS 1.3: AES-GCM): connection refused");
        break;
    case DicomWebFailure::TlsNoForwardSecrecy:
        base = tr("The reading centre only offers RSA key exchange, without forward secrecy, "
                  "which is not allowed (TLS 1.2: ECDHE with AES-GCM): connection refused");
        break;
    case DicomWebFailure::TlsHandshakeFailed:
        base = tr("The TLS handshake with the server failed");
        break;
    case DicomWebFailure::ClientCertificateRequired:
        base = tr("The reading centre requires your smart card: insert the card and sign in again");
        break;
    case DicomWebFailure::ClientCertificateRefused:
        base = tr("The reading centre refused the card's certificate");
        break;
    case DicomWebFailure::Unauthorized:
        base = tr("The reading centre refused the credentials (HTTP 401)");
        break;
    case DicomWebFailure::Forbidden:
        base = tr("The reading centre denied access (HTTP 403)");
        break;
    case DicomWebFailure::NotFound:
        base = tr("Not found on the reading centre (HTTP 404)");
        break;
    case DicomWebFailure::ServerError:
        base = tr("The reading centre failed (HTTP %1)").arg(httpStatus);
        break;
    case DicomWebFailure::HttpError:
        base = tr("The reading centre answered HTTP %1").arg(httpStatus);
        break;
    case DicomWebFailure::WrongContentType:
        base = tr("The reading centre answered with an unexpected content type");
        break;
    case DicomWebFailure::BodyTooLarge:
        base = tr("The reading centre's answer exceeds the size limit");
        break;
    case DicomWebFailure::InvalidResponse:
        base = tr("The reading centre's answer is invalid");
        break;
    case DicomWebFailure::Cancelled:
        base = tr("The request was cancelled");
        break;
    }
    DicomWebError error;
    error.failure = failure;
    error.httpStatus = httpStatus;
    error.message = detail.isEmpty() ? base : QStringLiteral("%1 (%2)").arg(base, detail);
    return error;
}

DicomWebFailure DicomWebError::classifyHandshakeText(const QString& handshakeError)
{
    const QString t = handshakeError.toLower();
    if (t.contains(QLatin1String("protocol version")) || t.contains(QLatin1String("unsupported protocol")) ||
        t.contains(QLatin1String("wrong version")))
        return DicomWebFailure::TlsVersionRefused;
    if (t.contains(QLatin1String("handshake failure")) || t.contains(QLatin1String("no shared cipher")) ||
        t.contains(QLatin1String("no cipher")) || t.contains(QLatin1String("insufficient security")))
        return DicomWebFailure::TlsCipherRefused;
    if (t.contains(QLatin1String("certificate required")) || t.contains(QLatin1String("bad certificate")) ||
        t.contains(QLatin1String("certificate unknown")) || t.contains(QLatin1String("unknown ca")))
        return DicomWebFailure::ClientCertificateRefused;
    return DicomWebFailure::TlsHandshakeFailed;
}

bool DicomWebError::needsProbe(DicomWebFailure failure)
{
    return failure == DicomWebFailure::TlsVersionRefused || failure == DicomWebFailure::TlsCipherRefused ||
           failure == DicomWebFailure::TlsHandshakeFailed;
}

DicomWebError DicomWebError::fromRefusedHandshake(const QString& handshakeError, const TlsProbeResult* probe)
{
    const DicomWebFailure byText = classifyHandshakeText(handshakeError);
    if (!probe || !probe->serverHelloSeen || !needsProbe(byText))
        return make(byText, handshakeError);
    const QString chosen = TlsProbe::describe(*probe);
    if (probe->version != 0 && probe->version < TLS1_2_VERSION)
        return make(DicomWebFailure::TlsVersionRefused,
                    tr("the reading centre only speaks TLS 1.1 or older: it chose %1").arg(chosen));
    if (probe->cipherName.isEmpty())
        return make(byText, handshakeError);
    if (!probe->forwardSecret)
        return make(DicomWebFailure::TlsNoForwardSecrecy, tr("it chose %1").arg(chosen));
    if (probe->cbc)
        return make(DicomWebFailure::TlsCbcOnly, tr("it chose %1").arg(chosen));
    const QString& n = probe->cipherName;
    const bool aesGcm = n.contains(QLatin1String("AES128-GCM")) || n.contains(QLatin1String("AES256-GCM")) ||
                        n.contains(QLatin1String("AES_128_GCM")) || n.contains(QLatin1String("AES_256_GCM"));
    if (!aesGcm)
        return make(DicomWebFailure::TlsCipherRefused, tr("it chose %1").arg(chosen));
    // The server would take an allowed suite: the refusal has another cause, as the backend says.
    return make(byText, handshakeError);
}

void DicomWebError::audit(security::IAuditSink* sink, const QString& host, const QString& userId) const
{
    if (!sink || !isSecurityRelevant())
        return;
    security::AuditRecord record;
    record.utc = QDateTime::currentDateTimeUtc();
    record.userId = userId;
    record.event = security::AuditEventId::SecurityAlert;
    record.eventType = QStringLiteral("NetworkSecurity");
    record.outcome = security::AuditOutcome::SeriousFailure;
    record.details = QStringLiteral("%1 %2: %3").arg(failureName(failure), host, message);
    (void)sink->record(record);
}

} // namespace dokuei::exchange
