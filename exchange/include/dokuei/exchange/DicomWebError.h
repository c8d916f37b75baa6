#pragma once

#include <dokuei/common/Error.h>
#include <expected>

#include <QString>

class QNetworkReply;

namespace dokuei::security {
class IAuditSink;
}

namespace dokuei::exchange {

struct TlsProbeResult;

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
    TlsCbcOnly,                 ///< the server only offers CBC suites (probed, see TlsProbe)
    TlsNoForwardSecrecy,        ///< the server only offers RSA key exchange (probed, see TlsProbe)
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

    /// The kind of a failed TLS handshake from the TLS backend's error text alone (protocol version,
    /// handshake failure alert, certificate alerts, ...).
    static DicomWebFailure classifyHandshakeText(const QString& handshakeError);
    /// Whether a handshake failure of this kind is worth a diagnostic probe (TlsProbe): the version,
    /// cipher and unspecific handshake failures, whose cause the backend's text does not tell.
    static bool needsProbe(DicomWebFailure failure);
    /// A refused handshake explained by what the server chose in a diagnostic probe (null: no probe):
    /// only TLS 1.1 or older, only CBC suites, only RSA key exchange, another refused suite (e.g.
    /// ChaCha20). Without a ServerHello in the probe, or when the server chose an allowed suite there, the
    /// failure stays as the backend's text says. Always a refusal.
    static DicomWebError fromRefusedHandshake(const QString& handshakeError, const TlsProbeResult* probe);

    /// Records a SecurityAlert (110113) when the failure is security-relevant and a sink is given.
    void audit(security::IAuditSink* sink, const QString& host, const QString& userId = {}) const;
};

template <typename T> using WebExpected = std::expected<T, DicomWebError>;

} // namespace dokuei::exchange
