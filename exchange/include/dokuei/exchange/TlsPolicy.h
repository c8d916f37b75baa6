#pragma once

#include <dokuei/common/Error.h>
#include <memory>

#include <QByteArray>
#include <QList>
#include <QSslCertificate>
#include <QSslCipher>
#include <QSslConfiguration>
#include <QSslKey>
#include <QString>

namespace dokuei::exchange {

/// Where the reading centre's trust comes from.
struct TlsPolicySettings
{
    QString caFile;  ///< PEM trust anchors: the ONLY CAs trusted (never the system store)
    QString crlFile; ///< PEM CRL(s) of those CAs; when set, the server's chain must not be revoked
    /// Optional pin: SHA-256 of the server certificate's SubjectPublicKeyInfo (32 raw bytes, or 64 hex
    /// characters). Empty: no pin.
    QByteArray serverKeyPinSha256;
};

/// Why a server chain was refused by the checks Qt does not make (revocation, pin).
enum class PeerCheckFailure
{
    None,
    Revoked,           ///< the CRL lists a certificate of the chain
    RevocationUnknown, ///< no valid CRL for the issuer (missing, expired, bad signature)
    PinMismatch,       ///< the server key is not the pinned one
    Untrusted,         ///< no chain to the configured CAs (normally caught by Qt first)
};

struct PeerCheck
{
    PeerCheckFailure failure = PeerCheckFailure::None;
    QString detail;
    bool ok() const { return failure == PeerCheckFailure::None; }
};

/// The TLS configuration for the reading centre (CRYPTREC-recommended suites only):
///  - TLS 1.2 and 1.3 only;
///  - TLS 1.2: ECDHE key exchange with AES-GCM only (no CBC, no static RSA key exchange, no ChaCha20);
///    TLS 1.3: TLS_AES_128_GCM_SHA256 and TLS_AES_256_GCM_SHA384 only;
///  - trust anchors from the configured file only, host name verification on (Qt's default);
///  - session tickets on, so that new connections resume instead of making a full handshake.
/// Qt has no CRL API: the client calls checkPeer() from QNetworkReply::encrypted (after the handshake,
/// before any HTTP byte is sent) and aborts the reply when it fails. The pin is checked there too.
class TlsPolicy
{
public:
    /// Reads and parses the CA file (required, at least one certificate) and the CRL file (optional).
    /// ConfigurationInvalid with the file name when unreadable or empty; InvalidArgument for a bad pin.
    static Expected<TlsPolicy> load(const TlsPolicySettings& settings);

    /// The configuration without a client certificate.
    QSslConfiguration configuration() const;
    /// The configuration presenting a client key (e.g. the card's, see CardClientKey) and certificate.
    QSslConfiguration configuration(const QSslKey& clientKey, const QSslCertificate& clientCertificate) const;

    /// The cipher suites the policy allows that this TLS backend supports.
    static QList<QSslCipher> allowedCiphers();
    /// True for ECDHE + AES-GCM (TLS 1.2) and TLS_AES_*_GCM_* (TLS 1.3).
    static bool isCipherAllowed(const QSslCipher& cipher);
    /// SHA-256 of the certificate's SubjectPublicKeyInfo (raw 32 bytes); empty for a null certificate.
    static QByteArray spkiSha256(const QSslCertificate& certificate);

    /// Revocation (when a CRL is configured) and pin (when configured) of a server chain, leaf first.
    PeerCheck checkPeer(const QList<QSslCertificate>& chain) const;

    QList<QSslCertificate> caCertificates() const { return m_caCertificates; }
    bool hasCrl() const { return !m_crlPem.isEmpty(); }
    QByteArray pin() const { return m_pin; }

private:
    QList<QSslCertificate> m_caCertificates;
    QByteArray m_crlPem;
    QByteArray m_pin;
};

} // namespace dokuei::exchange
