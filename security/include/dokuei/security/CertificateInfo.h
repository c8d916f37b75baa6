#pragma once

#include "dokuei/common/Error.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QDateTime>
#include <QString>
#include <QStringList>

namespace dokuei::security {

/// What dokuei reads from an X.509 certificate (a card's authentication or signing certificate, a CA).
struct CertificateInfo
{
    QByteArray der;                ///< the certificate exactly as encoded (DER)
    QString subject;               ///< RFC 2253 form, UTF-8 kept as is ("CN=佐藤 一郎,O=...")
    QString issuer;                ///< RFC 2253 form
    QString serialNumberHex;       ///< upper-case hex without separators, as `openssl x509 -serial` prints it
    QString fingerprintSha256Hex;  ///< lower-case hex of SHA-256 over `der` (what accounts bind and audit
                                   ///< records carry)
    QDateTime notBefore;           ///< UTC
    QDateTime notAfter;            ///< UTC
    bool digitalSignature = false; ///< keyUsage bit 0; false when the certificate has no keyUsage
    bool nonRepudiation = false;   ///< keyUsage bit 1 (contentCommitment); false when absent
    /// HPKI qualifications: the codeDataValue of every hcRole (attribute 1.0.17090.0.1) in the
    /// SubjectDirectoryAttributes extension (2.5.29.9), for example "Medical Doctor". Empty when the
    /// certificate carries none (an unqualified user).
    QStringList hcRoles;
};

/// Parses one certificate, DER or PEM ("-----BEGIN CERTIFICATE-----"). The input is treated as hostile:
/// anything that is not exactly one well-formed certificate (trailing bytes, truncated or oversized
/// lengths, malformed extensions, a malformed SubjectDirectoryAttributes, more than 1 MiB) fails with
/// CertificateInvalid, never a crash.
Expected<CertificateInfo> parseCertificate(QByteArrayView derOrPem);

} // namespace dokuei::security
