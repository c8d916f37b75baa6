#pragma once

#include <dokuei/common/Error.h>
#include <expected>

#include <QString>

class QNetworkReply;

namespace dokuei::security {
class IAuditSink;
}

namespace dokuei::exchange {

/// What went wrong talking to the reading centre. Each kind has its own message.
enum class DicomWebFailure
{
    None,
    Unreachable,                ///< connection refused, host not found, network down
    Timeout,                    ///< no answer within the configured timeout
    ServerCertificateUntrusted, ///< no chain to the configured CAs
    ServerCertificateExpired,   ///< outside its validity period
    ServerCertificateRevoked,   ///< listed on the configured CRL
    ServerRevocationUnknown,    ///< no valid CRL for the issuer
    ServerCertificateWrongHost, ///< issued for another host name
    ServerKeyPinMismatch,       ///< not the pinned server key
    TlsVersionRefused,          ///< the server offers no TLS version the policy allows (1.2/1.3)
    TlsCipherRefused,           ///< no cipher suite in common (policy: ECDHE + AES-GCM)
    TlsHandshakeFailed,         ///< any other handshake failure
    ClientCertificateRequired,  ///< the server demands a client certificate: card missing or not read
    ClientCertificateRefused,   ///< the server refused the card's certificate
    Unauthorized,               ///< HTTP 401
    Forbidden,                  ///< HTTP 403
    NotFound,                   ///< HTTP 404
    ServerError,                ///< HTTP 5xx
    HttpError,                  ///< any other HTTP error status (incl. refused redirects)
    WrongContentType,
    BodyTooLarge,
    InvalidResponse, ///< unparsable body
    Cancelled,
};

struct DicomWebError
{
    DicomWebFailure failure = DicomWebFailure::None;
    int httpStatus = 0;
    QString message; ///< for the user; never contains PHI from the request

    bool isSecurityRelevant() const { return isSecurityRelevant(failure); }
    static bool isSecurityRelevant(DicomWebFailure failure);
    /// The common error code for this kind (CertificateRevoked, IoFailure, NotFound, ...).
    ErrorCode code() const;
    Error toError() const { return Error{code(), message}; }
    /// "ServerCertificateRevoked", ...
    static QString failureName(DicomWebFailure failure);

    static DicomWebError make(DicomWebFailure failure, const QString& detail = {}, int httpStatus = 0);

    /// Records a SecurityAlert (110113) when the failure is security-relevant and a sink is given.
    void audit(security::IAuditSink* sink, const QString& host, const QString& userId = {}) const;
};

template <typename T> using WebExpected = std::expected<T, DicomWebError>;

} // namespace dokuei::exchange
