#include "dokuei/exchange/TlsPolicy.h"

#include <memory>

#include <QCryptographicHash>
#include <QFile>
#include <QSslSocket>

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

namespace dokuei::exchange {

namespace {

struct X509Deleter
{
    void operator()(X509* p) const { X509_free(p); }
};
struct StoreDeleter
{
    void operator()(X509_STORE* p) const { X509_STORE_free(p); }
};
struct StoreCtxDeleter
{
    void operator()(X509_STORE_CTX* p) const { X509_STORE_CTX_free(p); }
};
struct BioDeleter
{
    void operator()(BIO* p) const { BIO_free(p); }
};
struct StackDeleter
{
    void operator()(STACK_OF(X509) * p) const { sk_X509_pop_free(p, X509_free); }
};
using X509Ptr = std::unique_ptr<X509, X509Deleter>;

X509Ptr toX509(const QSslCertificate& certificate)
{
    const QByteArray der = certificate.toDer();
    const auto* p = reinterpret_cast<const unsigned char*>(der.constData());
    return X509Ptr(d2i_X509(nullptr, &p, der.size()));
}

Expected<QByteArray> readFile(const QString& path, const char* what)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(ErrorCode::ConfigurationInvalid,
                    QStringLiteral("Cannot read the reading centre's %1 file %2: %3")
                        .arg(QString::fromLatin1(what), path, file.errorString()));
    return file.readAll();
}

} // namespace

Expected<TlsPolicy> TlsPolicy::load(const TlsPolicySettings& settings)
{
    TlsPolicy policy;
    if (settings.caFile.isEmpty())
        return fail(ErrorCode::ConfigurationInvalid,
                    QStringLiteral("No CA file is configured for the reading centre"));
    auto ca = readFile(settings.caFile, "CA");
    if (!ca)
        return std::unexpected(ca.error());
    policy.m_caCertificates = QSslCertificate::fromData(*ca, QSsl::Pem);
    if (policy.m_caCertificates.isEmpty())
        return fail(ErrorCode::ConfigurationInvalid,
                    QStringLiteral("The CA file %1 holds no PEM certificate").arg(settings.caFile));
    if (!settings.crlFile.isEmpty()) {
        auto crl = readFile(settings.crlFile, "CRL");
        if (!crl)
            return std::unexpected(crl.error());
        std::unique_ptr<BIO, BioDeleter> bio(BIO_new_mem_buf(crl->constData(), int(crl->size())));
        X509_CRL* parsed = PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr);
        if (!parsed)
            return fail(ErrorCode::ConfigurationInvalid,
                        QStringLiteral("The CRL file %1 holds no PEM CRL").arg(settings.crlFile));
        X509_CRL_free(parsed);
        policy.m_crlPem = *crl;
    }
    if (!settings.serverKeyPinSha256.isEmpty()) {
        QByteArray pin = settings.serverKeyPinSha256;
        if (pin.size() == 64)
            pin = QByteArray::fromHex(pin);
        if (pin.size() != 32)
            return fail(
                ErrorCode::InvalidArgument,
                QStringLiteral("The server key pin must be a SHA-256 (32 bytes or 64 hex characters)"));
        policy.m_pin = pin;
    }
    return policy;
}

bool TlsPolicy::isCipherAllowed(const QSslCipher& cipher)
{
    const QString name = cipher.name();
    if (name == QLatin1String("TLS_AES_128_GCM_SHA256") || name == QLatin1String("TLS_AES_256_GCM_SHA384"))
        return true;
    // OpenSSL names for TLS 1.2: ECDHE-(RSA|ECDSA)-AES(128|256)-GCM-SHA(256|384)
    return cipher.protocol() == QSsl::TlsV1_2 && name.startsWith(QLatin1String("ECDHE-")) &&
           (name.contains(QLatin1String("-AES128-GCM-")) || name.contains(QLatin1String("-AES256-GCM-"))) &&
           !name.contains(QLatin1String("CHACHA")) && !name.contains(QLatin1String("PSK"));
}

QList<QSslCipher> TlsPolicy::allowedCiphers()
{
    QList<QSslCipher> allowed;
    for (const QSslCipher& cipher : QSslConfiguration::supportedCiphers())
        if (isCipherAllowed(cipher))
            allowed.append(cipher);
    return allowed;
}

QSslConfiguration TlsPolicy::configuration() const
{
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.setProtocol(QSsl::TlsV1_2OrLater);
    config.setCiphers(allowedCiphers());
    config.setCaCertificates(m_caCertificates); // replaces the system store
    config.setPeerVerifyMode(QSslSocket::VerifyPeer);
    config.setSslOption(QSsl::SslOptionDisableSessionTickets, false);
    config.setSslOption(QSsl::SslOptionDisableSessionPersistence, false);
    config.setSslOption(QSsl::SslOptionDisableCompression, true);
    config.setSslOption(QSsl::SslOptionDisableLegacyRenegotiation, true);
    config.setAllowedNextProtocols({QSslConfiguration::NextProtocolHttp1_1});
    return config;
}

QSslConfiguration TlsPolicy::configuration(const QSslKey& clientKey,
                                           const QSslCertificate& clientCertificate) const
{
    QSslConfiguration config = configuration();
    config.setPrivateKey(clientKey);
    config.setLocalCertificate(clientCertificate);
    return config;
}

QByteArray TlsPolicy::spkiSha256(const QSslCertificate& certificate)
{
    if (certificate.isNull())
        return {};
    X509Ptr x509 = toX509(certificate);
    if (!x509)
        return {};
    unsigned char* der = nullptr;
    const int len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x509.get()), &der);
    if (len <= 0)
        return {};
    const QByteArray hash = QCryptographicHash::hash(QByteArrayView(reinterpret_cast<const char*>(der), len),
                                                     QCryptographicHash::Sha256);
    OPENSSL_free(der);
    return hash;
}

PeerCheck TlsPolicy::checkPeer(const QList<QSslCertificate>& chain) const
{
    if (chain.isEmpty())
        return {PeerCheckFailure::Untrusted, QStringLiteral("the server presented no certificate")};
    if (!m_pin.isEmpty() && spkiSha256(chain.first()) != m_pin)
        return {PeerCheckFailure::PinMismatch,
                QStringLiteral("the server key (SHA-256 %1) is not the pinned key %2")
                    .arg(QString::fromLatin1(spkiSha256(chain.first()).toHex()),
                         QString::fromLatin1(m_pin.toHex()))};
    if (m_crlPem.isEmpty())
        return {};

    std::unique_ptr<X509_STORE, StoreDeleter> store(X509_STORE_new());
    for (const QSslCertificate& ca : m_caCertificates)
        if (X509Ptr x = toX509(ca))
            X509_STORE_add_cert(store.get(), x.get());
    std::unique_ptr<BIO, BioDeleter> bio(BIO_new_mem_buf(m_crlPem.constData(), int(m_crlPem.size())));
    while (X509_CRL* crl = PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr)) {
        X509_STORE_add_crl(store.get(), crl);
        X509_CRL_free(crl);
    }
    X509_STORE_set_flags(store.get(), X509_V_FLAG_CRL_CHECK);

    X509Ptr leaf = toX509(chain.first());
    std::unique_ptr<STACK_OF(X509), StackDeleter> untrusted(sk_X509_new_null());
    for (qsizetype i = 1; i < chain.size(); ++i)
        if (X509* x = toX509(chain.at(i)).release())
            sk_X509_push(untrusted.get(), x);
    std::unique_ptr<X509_STORE_CTX, StoreCtxDeleter> ctx(X509_STORE_CTX_new());
    if (!leaf || !ctx || X509_STORE_CTX_init(ctx.get(), store.get(), leaf.get(), untrusted.get()) != 1)
        return {PeerCheckFailure::Untrusted, QStringLiteral("the server certificate cannot be parsed")};
    if (X509_verify_cert(ctx.get()) == 1)
        return {};
    const int err = X509_STORE_CTX_get_error(ctx.get());
    const QString reason = QString::fromUtf8(X509_verify_cert_error_string(err));
    const QString subject = chain.first().subjectDisplayName();
    switch (err) {
    case X509_V_ERR_CERT_REVOKED:
        return {PeerCheckFailure::Revoked,
                QStringLiteral("the server certificate \"%1\" is revoked").arg(subject)};
    case X509_V_ERR_UNABLE_TO_GET_CRL:
    case X509_V_ERR_CRL_HAS_EXPIRED:
    case X509_V_ERR_CRL_NOT_YET_VALID:
    case X509_V_ERR_CRL_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE:
    case X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER:
        return {PeerCheckFailure::RevocationUnknown,
                QStringLiteral("the revocation status of \"%1\" is unknown: %2").arg(subject, reason)};
    default:
        return {PeerCheckFailure::Untrusted, QStringLiteral("\"%1\": %2").arg(subject, reason)};
    }
}

} // namespace dokuei::exchange
