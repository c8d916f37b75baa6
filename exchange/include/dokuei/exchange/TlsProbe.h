#pragma once

#include <chrono>

#include <QString>

namespace dokuei::exchange {

/// What a server chose when offered everything (see TlsProbe::run).
struct TlsProbeResult
{
    bool serverHelloSeen = false;            ///< the server answered the ClientHello with a ServerHello
    bool handshakeCompleted = false;         ///< the probe's own handshake finished
    bool clientCertificateRequested = false; ///< the server sent a CertificateRequest
    int version = 0;                         ///< TLS1_1_VERSION, TLS1_2_VERSION, ... (0: unknown)
    QString versionName;                     ///< "TLSv1.1", ...
    QString cipherName;                      ///< OpenSSL name of the chosen suite, e.g. "AES128-GCM-SHA256"
    QString cipherStandardName;              ///< RFC name, e.g. "TLS_RSA_WITH_AES_128_GCM_SHA256"
    bool forwardSecret = false;              ///< (EC)DHE key exchange, or TLS 1.3
    bool aead = false;                       ///< AES-GCM, AES-CCM, ChaCha20-Poly1305
    bool cbc = false;                        ///< a CBC-mode block cipher
    bool chacha20 = false;                   ///< ChaCha20-Poly1305
    QString error;                           ///< why the probe itself failed (timeout, refused, ...)
};

/// A diagnostic TLS handshake, made only after the real connection to the reading centre failed its
/// handshake, to tell the user *why* the server is unacceptable (only TLS 1.1, only CBC suites, only RSA
/// key exchange, ...). It offers every protocol version from TLS 1.0 to 1.3 and every cipher suite OpenSSL
/// has (security level 0) and records what the server picks.
///
/// It never changes what is accepted (the real connection stays refused) and never sends anything but
/// the handshake: no client certificate and no key (an empty Certificate message if one is requested), no
/// HTTP byte, no URL, no credentials; the server's certificate is not evaluated. It is closed right after
/// the handshake. Blocking, bounded by `timeout` for connect + handshake together.
class TlsProbe
{
public:
    static TlsProbeResult run(const QString& host, quint16 port, std::chrono::milliseconds timeout);
    /// "TLSv1.1 with ECDHE-RSA-AES256-SHA (TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA)"; empty without ServerHello.
    static QString describe(const TlsProbeResult& result);
};

} // namespace dokuei::exchange
