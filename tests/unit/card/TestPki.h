#pragma once

// An in-memory PKI for the card unit tests: RSA keys, certificates with extensions written as OpenSSL
// configuration sections (the same notation as scripts/lib/reading-center/pki.sh), CRLs, PEM files.

#include <memory>

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>

#include <openssl/evp.h>
#include <openssl/x509.h>

namespace dokuei::testing {

struct PkeyDeleter
{
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct X509Deleter
{
    void operator()(X509* certificate) const { X509_free(certificate); }
};
using Key = std::shared_ptr<EVP_PKEY>;
using Certificate = std::shared_ptr<X509>;

/// A fresh RSA key (2048 bits unless told).
Key makeRsaKey(int bits = 2048);

/// Extension sections available to `makeCertificate` (see TestPki.cpp): "ca", "auth_qualified",
/// "auth_unqualified", "sign_qualified", "auth_server_eku", "no_key_usage", "auth_two_roles_utf8",
/// "auth_bad_sda".
struct CertificateSpec
{
    QString commonName;
    QString section;
    qint64 serial = 1;
    QDateTime notBefore = QDateTime::currentDateTimeUtc().addDays(-1);
    QDateTime notAfter = QDateTime::currentDateTimeUtc().addDays(365);
    const EVP_MD* digest = EVP_sha256();
};

/// Issues a certificate for `subjectKey`, signed by `issuerKey` under `issuer` (self-signed when `issuer`
/// is null).
Certificate makeCertificate(const CertificateSpec& spec, const Key& subjectKey, const Certificate& issuer,
                            const Key& issuerKey);

QByteArray toDer(const Certificate& certificate);
QByteArray toPem(const Certificate& certificate);

/// A PEM CRL of `issuer` listing `revokedSerials`.
QByteArray makeCrlPem(const Certificate& issuer, const Key& issuerKey, const QList<qint64>& revokedSerials,
                      const QDateTime& lastUpdate = QDateTime::currentDateTimeUtc().addDays(-1),
                      const QDateTime& nextUpdate = QDateTime::currentDateTimeUtc().addDays(30));

/// Writes bytes to a file; false on failure.
bool writeFile(const QString& path, const QByteArray& bytes);

/// Signs data with SHA-256, RSA PKCS#1 v1.5 (or PSS when `pss`).
QByteArray signSha256(const Key& key, const QByteArray& data, bool pss = false);

} // namespace dokuei::testing
