#include "dokuei/security/CertificateVerifier.h"

#include "OpenSslHandles.h"

#include <QFile>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

namespace dokuei::security {
namespace {

int noPassword(char*, int, int, void*)
{
    return -1;
}

QString nameOf(const X509_NAME* name)
{
    if (!name) {
        return QStringLiteral("(unknown)");
    }
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0) {
        return QStringLiteral("(unprintable name)");
    }
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return QString::fromUtf8(data, size);
}

QString utc(const QDateTime& time)
{
    return time.toUTC().toString(Qt::ISODate);
}

bool isCrlProblem(int error)
{
    switch (error) {
    case X509_V_ERR_UNABLE_TO_GET_CRL:
    case X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE:
    case X509_V_ERR_CRL_SIGNATURE_FAILURE:
    case X509_V_ERR_CRL_NOT_YET_VALID:
    case X509_V_ERR_CRL_HAS_EXPIRED:
    case X509_V_ERR_ERROR_IN_CRL_LAST_UPDATE_FIELD:
    case X509_V_ERR_ERROR_IN_CRL_NEXT_UPDATE_FIELD:
    case X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER:
    case X509_V_ERR_KEYUSAGE_NO_CRL_SIGN:
    case X509_V_ERR_DIFFERENT_CRL_SCOPE:
    case X509_V_ERR_CRL_PATH_VALIDATION_ERROR:
        return true;
    default:
        return false;
    }
}

/// Turns OpenSSL's first verification error into our catalogue with a message a person can act on.
Error verificationError(X509_STORE_CTX* ctx, const CertificateInfo& leaf, const QDateTime& at)
{
    const int error = X509_STORE_CTX_get_error(ctx);
    const int depth = X509_STORE_CTX_get_error_depth(ctx);
    const X509* current = X509_STORE_CTX_get_current_cert(ctx);
    const QString reason = QString::fromUtf8(X509_verify_cert_error_string(error));
    const QString who = QStringLiteral("\"%1\" (serial %2)").arg(leaf.subject, leaf.serialNumberHex);
    const QString subjectAtFault = current ? nameOf(X509_get_subject_name(current)) : leaf.subject;

    if (error == X509_V_ERR_CERT_REVOKED) {
        return {ErrorCode::CertificateRevoked,
                depth == 0
                    ? QStringLiteral("The certificate %1 has been revoked by its issuer and can no "
                                     "longer be used: ask the issuer for a new card.")
                          .arg(who)
                    : QStringLiteral("The certificate %1 was issued by \"%2\", which has been revoked: "
                                     "the card can no longer be used.")
                          .arg(who, subjectAtFault)};
    }
    if (isCrlProblem(error)) {
        const QString issuer = current ? nameOf(X509_get_issuer_name(current)) : leaf.issuer;
        return {ErrorCode::CertificateUntrusted,
                QStringLiteral("The revocation status of %1 cannot be checked: %2 (revocation list of issuer "
                               "\"%3\", checked at %4). Install the issuer's current CRL as the configured "
                               "CRL file (reading_centre/crl_file).")
                    .arg(who, reason, issuer, utc(at))};
    }
    if (error == X509_V_ERR_CERT_HAS_EXPIRED || error == X509_V_ERR_CERT_NOT_YET_VALID) {
        if (depth == 0) {
            return {
                ErrorCode::CertificateExpired,
                error == X509_V_ERR_CERT_HAS_EXPIRED
                    ? QStringLiteral("The certificate %1 expired at %2 (checked at %3): ask the issuer "
                                     "for a new card.")
                          .arg(who, utc(leaf.notAfter), utc(at))
                    : QStringLiteral("The certificate %1 is only valid from %2 (checked at %3): check the "
                                     "workstation's clock.")
                          .arg(who, utc(leaf.notBefore), utc(at))};
        }
        return {
            ErrorCode::CertificateUntrusted,
            QStringLiteral("The certificate %1 chains to \"%2\", whose certificate is outside its validity "
                           "period (%3, checked at %4): update the trust anchors.")
                .arg(who, subjectAtFault, reason, utc(at))};
    }
    if (error == X509_V_ERR_EE_KEY_TOO_SMALL || error == X509_V_ERR_CA_KEY_TOO_SMALL ||
        error == X509_V_ERR_CA_MD_TOO_WEAK) {
        return {
            ErrorCode::CertificateInvalid,
            QStringLiteral("The certificate %1 is too weak for dokuei (%2 at \"%3\"): RSA keys of at least "
                           "2048 bits and SHA-2 signatures are required.")
                .arg(who, reason, subjectAtFault)};
    }
    if (error == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
        error == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT || error == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT ||
        error == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN) {
        const QString issuer = current ? nameOf(X509_get_issuer_name(current)) : leaf.issuer;
        return {ErrorCode::CertificateUntrusted,
                QStringLiteral(
                    "The certificate %1 is not trusted: its issuer \"%2\" is not one of the configured "
                    "trust anchors (reading_centre/ca_file). Use a card issued by the reading centre's "
                    "certificate authority.")
                    .arg(who, issuer)};
    }
    return {
        ErrorCode::CertificateUntrusted,
        QStringLiteral("The certificate %1 is not trusted: %2 (at \"%3\"). Only certificates issued by the "
                       "configured trust anchors (reading_centre/ca_file) are accepted.")
            .arg(who, reason, subjectAtFault)};
}

/// Key usage and purpose rules (see the header).
Expected<void> checkPurpose(X509* x, const CertificateInfo& info, CertificateVerifier::Purpose purpose)
{
    const QString who = QStringLiteral("\"%1\" (serial %2)").arg(info.subject, info.serialNumberHex);
    if (X509_check_ca(x) != 0) {
        return fail(ErrorCode::CertificateInvalid,
                    QStringLiteral("The certificate %1 is a CA certificate, not a card holder's certificate.")
                        .arg(who));
    }
    const uint32_t flags = X509_get_extension_flags(x);
    if (!(flags & EXFLAG_KUSAGE)) {
        return fail(ErrorCode::CertificateInvalid,
                    QStringLiteral("The certificate %1 has no keyUsage extension, so its purpose is unknown.")
                        .arg(who));
    }
    if (purpose == CertificateVerifier::Purpose::Authentication) {
        if (!info.digitalSignature) {
            return fail(
                ErrorCode::CertificateInvalid,
                QStringLiteral("The certificate %1 is not an authentication certificate (keyUsage lacks "
                               "digitalSignature): use the card's authentication certificate.")
                    .arg(who));
        }
        if ((flags & EXFLAG_XKUSAGE) && !(X509_get_extended_key_usage(x) & (XKU_SSL_CLIENT | XKU_ANYEKU))) {
            return fail(ErrorCode::CertificateInvalid,
                        QStringLiteral("The certificate %1 is not allowed for client authentication "
                                       "(extendedKeyUsage lacks clientAuth).")
                            .arg(who));
        }
    } else if (!info.nonRepudiation) {
        return fail(ErrorCode::CertificateInvalid,
                    QStringLiteral("The certificate %1 is not a signing certificate (keyUsage lacks "
                                   "nonRepudiation): use the card's signing certificate.")
                        .arg(who));
    }
    return {};
}

Expected<QByteArray> readFile(const QString& path, const QString& what)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return fail(
            ErrorCode::ConfigurationInvalid,
            QStringLiteral("The %1 file \"%2\" cannot be read: %3").arg(what, path, file.errorString()));
    }
    return file.readAll();
}

} // namespace

struct CertificateVerifier::Impl
{
    X509StorePtr store;
};

CertificateVerifier::CertificateVerifier(std::shared_ptr<const Impl> impl) : m_impl(std::move(impl))
{}

Expected<CertificateVerifier> CertificateVerifier::create(const QStringList& trustAnchorPemFiles,
                                                          const QStringList& crlPemFiles)
{
    if (trustAnchorPemFiles.isEmpty()) {
        return fail(
            ErrorCode::ConfigurationInvalid,
            QStringLiteral("No trust anchor for card certificates is configured: set "
                           "reading_centre/ca_file to the certificate issuer's CA certificate (PEM)."));
    }
    auto impl = std::make_shared<Impl>();
    impl->store.reset(X509_STORE_new());
    if (!impl->store) {
        return fail(ErrorCode::ConfigurationInvalid, QStringLiteral("Cannot allocate a certificate store"));
    }
    ERR_clear_error();
    for (const QString& path : trustAnchorPemFiles) {
        auto pem = readFile(path, QStringLiteral("trust anchor"));
        if (!pem) {
            return std::unexpected(pem.error());
        }
        BioPtr bio = memoryBio(pem->constData(), pem->size());
        int added = 0;
        while (X509Ptr certificate{PEM_read_bio_X509(bio.get(), nullptr, noPassword, nullptr)}) {
            if (X509_STORE_add_cert(impl->store.get(), certificate.get()) != 1) {
                ERR_clear_error(); // the same certificate twice is harmless
            }
            ++added;
        }
        ERR_clear_error();
        if (added == 0) {
            return fail(ErrorCode::ConfigurationInvalid,
                        QStringLiteral("The trust anchor file \"%1\" holds no PEM certificate").arg(path));
        }
    }
    for (const QString& path : crlPemFiles) {
        auto pem = readFile(path, QStringLiteral("certificate revocation list"));
        if (!pem) {
            return std::unexpected(pem.error());
        }
        BioPtr bio = memoryBio(pem->constData(), pem->size());
        int added = 0;
        while (X509CrlPtr crl{PEM_read_bio_X509_CRL(bio.get(), nullptr, noPassword, nullptr)}) {
            if (X509_STORE_add_crl(impl->store.get(), crl.get()) != 1) {
                ERR_clear_error();
            }
            ++added;
        }
        ERR_clear_error();
        if (added == 0) {
            return fail(ErrorCode::ConfigurationInvalid,
                        QStringLiteral("The CRL file \"%1\" holds no PEM X509 CRL").arg(path));
        }
    }
    X509_STORE_set_flags(impl->store.get(), X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
    return CertificateVerifier(std::move(impl));
}

Expected<CertificateInfo> CertificateVerifier::verify(QByteArrayView certificateDer, Purpose purpose,
                                                      const QDateTime& at) const
{
    auto info = parseCertificate(certificateDer);
    if (!info) {
        return info;
    }
    const QDateTime when = at.isValid() ? at.toUTC() : QDateTime::currentDateTimeUtc();
    const auto* cursor = reinterpret_cast<const unsigned char*>(info->der.constData());
    X509Ptr certificate(d2i_X509(nullptr, &cursor, info->der.size()));
    X509StoreCtxPtr ctx(X509_STORE_CTX_new());
    if (!certificate || !ctx ||
        X509_STORE_CTX_init(ctx.get(), m_impl->store.get(), certificate.get(), nullptr) != 1) {
        ERR_clear_error();
        return fail(
            ErrorCode::CertificateInvalid,
            QStringLiteral("The certificate \"%1\" cannot be prepared for verification").arg(info->subject));
    }
    X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
    X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(when.toSecsSinceEpoch()));
    X509_VERIFY_PARAM_set_auth_level(param, 2);
    const int verified = X509_verify_cert(ctx.get());
    if (verified != 1) {
        const Error error = verificationError(ctx.get(), *info, when);
        ERR_clear_error();
        return std::unexpected(error);
    }
    ERR_clear_error();
    if (auto purposeOk = checkPurpose(certificate.get(), *info, purpose); !purposeOk) {
        return std::unexpected(purposeOk.error());
    }
    return info;
}

bool CertificateVerifier::verifySignature(QByteArrayView certificateDer, QByteArrayView data,
                                          QByteArrayView signature)
{
    if (signature.isEmpty()) {
        return false;
    }
    const auto info = parseCertificate(certificateDer);
    if (!info) {
        return false;
    }
    const auto* cursor = reinterpret_cast<const unsigned char*>(info->der.constData());
    const X509Ptr certificate(d2i_X509(nullptr, &cursor, info->der.size()));
    EVP_PKEY* key = certificate ? X509_get0_pubkey(certificate.get()) : nullptr;
    if (!key) {
        ERR_clear_error();
        return false;
    }
    const bool isRsa = EVP_PKEY_is_a(key, "RSA");
    const int paddings[] = {RSA_PKCS1_PADDING, RSA_PKCS1_PSS_PADDING};
    for (const int padding : paddings) {
        if (!isRsa && padding != RSA_PKCS1_PADDING) {
            break;
        }
        EvpMdCtxPtr mdCtx(EVP_MD_CTX_new());
        EVP_PKEY_CTX* keyCtx = nullptr; // owned by mdCtx
        if (!mdCtx || EVP_DigestVerifyInit(mdCtx.get(), &keyCtx, EVP_sha256(), nullptr, key) != 1) {
            break;
        }
        if (isRsa && (EVP_PKEY_CTX_set_rsa_padding(keyCtx, padding) <= 0 ||
                      (padding == RSA_PKCS1_PSS_PADDING &&
                       EVP_PKEY_CTX_set_rsa_pss_saltlen(keyCtx, RSA_PSS_SALTLEN_AUTO) <= 0))) {
            break;
        }
        if (EVP_DigestVerify(mdCtx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                             static_cast<size_t>(signature.size()),
                             reinterpret_cast<const unsigned char*>(data.data()),
                             static_cast<size_t>(data.size())) == 1) {
            ERR_clear_error();
            return true;
        }
    }
    ERR_clear_error();
    return false;
}

} // namespace dokuei::security
