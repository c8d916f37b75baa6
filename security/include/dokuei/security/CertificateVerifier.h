#pragma once

#include "dokuei/common/Error.h"
#include "dokuei/security/CertificateInfo.h"

#include <memory>

#include <QByteArrayView>
#include <QDateTime>
#include <QStringList>

namespace dokuei::security {

/// Verifies card certificates against configured trust anchors and revocation lists. Immutable once
/// created; copies share the same store and may verify from several threads at once.
///
/// Rules (what `verify` checks, in OpenSSL's order):
/// - the chain ends at one of the trust anchors (anchors are trusted as given; intermediates must be in
///   the anchor files too) -> otherwise CertificateUntrusted;
/// - revocation of every certificate in the chain below the anchor (X509_V_FLAG_CRL_CHECK_ALL): a revoked
///   certificate -> CertificateRevoked; no CRL for an issuer, or a CRL that is expired, not yet valid or
///   badly signed -> CertificateUntrusted (revocation status unknown means not trusted: the message says
///   which issuer's CRL to update);
/// - the card certificate's validity period contains `at` -> otherwise CertificateExpired (an expired CA
///   in the chain -> CertificateUntrusted);
/// - at least 112-bit security (RSA >= 2048, no SHA-1 signatures) -> otherwise CertificateInvalid;
/// - key usage for the purpose -> otherwise CertificateInvalid.
class CertificateVerifier
{
public:
    enum class Purpose
    {
        /// keyUsage digitalSignature (the keyUsage extension is required), and clientAuth when an
        /// extendedKeyUsage is present; not a CA certificate.
        Authentication,
        /// keyUsage nonRepudiation (contentCommitment), required; not a CA certificate.
        Signing,
    };

    /// Trust anchors and CRLs from PEM files (configured: reading_centre/ca_file, crl_file). Each file may
    /// hold several PEM blocks. Fails with ConfigurationInvalid naming the file when a file cannot be read
    /// or holds no certificate / CRL, or when no trust anchor is given at all. An empty CRL list is accepted
    /// here, but then every verification fails with CertificateUntrusted (no revocation information).
    static Expected<CertificateVerifier> create(const QStringList& trustAnchorPemFiles,
                                                const QStringList& crlPemFiles);

    /// Checks the certificate as described above and returns what it says. `at` is the time the
    /// validity periods of the certificate and of the CRLs are checked against.
    Expected<CertificateInfo> verify(QByteArrayView certificateDer, Purpose purpose,
                                     const QDateTime& at = QDateTime::currentDateTimeUtc()) const;

    /// Proof of possession: true when `signature` is a valid signature over `data` (SHA-256) made with the
    /// private key of the certificate's public key: RSA PKCS#1 v1.5 or RSA-PSS (any salt length) for RSA
    /// keys, ECDSA for EC keys. False for anything else, including an unparsable certificate.
    static bool verifySignature(QByteArrayView certificateDer, QByteArrayView data, QByteArrayView signature);

private:
    struct Impl;
    explicit CertificateVerifier(std::shared_ptr<const Impl> impl);
    std::shared_ptr<const Impl> m_impl;
};

} // namespace dokuei::security
