#include "dokuei/security/CertificateInfo.h"

#include "OpenSslHandles.h"

#include <optional>

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

namespace dokuei::security {
namespace {

constexpr qsizetype kMaxCertificateSize = 1024 * 1024;

/// DER of OBJECT IDENTIFIER 1.0.17090.0.1 (ISO 17090 hcRole), content octets only.
constexpr char kHcRoleOid[] = {'\x28', '\x81', '\x85', '\x42', '\x00', '\x01'};

/// One DER element: its (single-byte) tag and its content.
struct Tlv
{
    unsigned char tag = 0;
    QByteArrayView content;
};

/// Reads the next DER element from `input` and advances past it. Accepts only definite lengths of at
/// most 4 length octets that fit in what remains; high tag numbers are refused (HPKI does not use them).
std::optional<Tlv> readTlv(QByteArrayView& input)
{
    if (input.size() < 2) {
        return std::nullopt;
    }
    const auto* bytes = reinterpret_cast<const unsigned char*>(input.data());
    Tlv tlv;
    tlv.tag = bytes[0];
    if ((tlv.tag & 0x1f) == 0x1f) {
        return std::nullopt;
    }
    qsizetype offset = 2;
    quint64 length = bytes[1];
    if (length & 0x80) {
        const int octets = static_cast<int>(length & 0x7f);
        if (octets == 0 || octets > 4 || input.size() < 2 + octets) {
            return std::nullopt;
        }
        length = 0;
        for (int i = 0; i < octets; ++i) {
            length = (length << 8) | bytes[2 + i];
        }
        offset += octets;
    }
    if (length > static_cast<quint64>(input.size() - offset)) {
        return std::nullopt;
    }
    tlv.content = input.sliced(offset, static_cast<qsizetype>(length));
    input = input.sliced(offset + static_cast<qsizetype>(length));
    return tlv;
}

/// The string of a CodedData ::= SEQUENCE { codingSchemeReference OID, codeDataValue string }.
std::optional<QString> codeDataValue(QByteArrayView codedData)
{
    const auto scheme = readTlv(codedData);
    const auto value = readTlv(codedData);
    if (!scheme || scheme->tag != 0x06 || !value || !codedData.isEmpty()) {
        return std::nullopt;
    }
    switch (value->tag) {
    case 0x13: // PrintableString
    case 0x16: // IA5String
        for (const char c : value->content) {
            if (static_cast<unsigned char>(c) > 0x7f) {
                return std::nullopt;
            }
        }
        return QString::fromLatin1(value->content);
    case 0x0c: // UTF8String
        return QString::fromUtf8(value->content);
    default:
        return std::nullopt;
    }
}

/// hcRole values of SubjectDirectoryAttributes (see scripts/lib/reading-center/pki.sh for the shape):
/// SEQUENCE OF Attribute { type OID, values SET OF HCActorData }, HCActorData ::= SET OF HCActor,
/// HCActor ::= SEQUENCE { codedData [0] CodedData OPTIONAL, regionalHCActorData [1] ... OPTIONAL }.
/// codedData is accepted with IMPLICIT and with EXPLICIT tagging. Other attributes are skipped.
std::optional<QStringList> hcRolesFromSubjectDirectoryAttributes(QByteArrayView extension)
{
    auto outer = readTlv(extension);
    if (!outer || outer->tag != 0x30 || !extension.isEmpty()) {
        return std::nullopt;
    }
    QStringList roles;
    QByteArrayView attributes = outer->content;
    while (!attributes.isEmpty()) {
        auto attribute = readTlv(attributes);
        if (!attribute || attribute->tag != 0x30) {
            return std::nullopt;
        }
        QByteArrayView attributeContent = attribute->content;
        const auto type = readTlv(attributeContent);
        const auto values = readTlv(attributeContent);
        if (!type || type->tag != 0x06 || !values || values->tag != 0x31 || !attributeContent.isEmpty()) {
            return std::nullopt;
        }
        if (type->content != QByteArrayView(kHcRoleOid, sizeof kHcRoleOid)) {
            continue;
        }
        QByteArrayView actorDataSet = values->content;
        while (!actorDataSet.isEmpty()) {
            auto actorData = readTlv(actorDataSet);
            if (!actorData || actorData->tag != 0x31) {
                return std::nullopt;
            }
            QByteArrayView actors = actorData->content;
            while (!actors.isEmpty()) {
                auto actor = readTlv(actors);
                if (!actor || actor->tag != 0x30) {
                    return std::nullopt;
                }
                QByteArrayView fields = actor->content;
                while (!fields.isEmpty()) {
                    auto field = readTlv(fields);
                    if (!field) {
                        return std::nullopt;
                    }
                    if (field->tag != 0xa0) {
                        continue; // regionalHCActorData and anything newer
                    }
                    QByteArrayView coded = field->content;
                    if (!coded.isEmpty() && static_cast<unsigned char>(coded.front()) == 0x30) {
                        auto inner = readTlv(coded); // EXPLICIT [0]
                        if (!inner || !coded.isEmpty()) {
                            return std::nullopt;
                        }
                        coded = inner->content;
                    }
                    const auto value = codeDataValue(coded);
                    if (!value) {
                        return std::nullopt;
                    }
                    roles << *value;
                }
            }
        }
    }
    return roles;
}

QString nameToString(const X509_NAME* name)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0) {
        return {};
    }
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return QString::fromUtf8(data, size);
}

std::optional<QDateTime> toDateTime(const ASN1_TIME* time)
{
    struct tm parts = {};
    if (!time || ASN1_TIME_to_tm(time, &parts) != 1) {
        return std::nullopt;
    }
    const QDate date(parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday);
    const QTime clock(parts.tm_hour, parts.tm_min, parts.tm_sec);
    return QDateTime(date, clock, Qt::UTC);
}

int noPassword(char*, int, int, void*)
{
    return -1; // certificates are never encrypted: never ask anyone (and never a TTY)
}

Expected<CertificateInfo> invalid(const QString& why)
{
    ERR_clear_error();
    return fail(ErrorCode::CertificateInvalid, QStringLiteral("The certificate cannot be used: %1").arg(why));
}

} // namespace

Expected<CertificateInfo> parseCertificate(QByteArrayView derOrPem)
{
    if (derOrPem.isEmpty()) {
        return invalid(QStringLiteral("no certificate data was given"));
    }
    if (derOrPem.size() > kMaxCertificateSize) {
        return invalid(QStringLiteral("%1 bytes is far larger than any certificate").arg(derOrPem.size()));
    }
    ERR_clear_error();
    X509Ptr certificate;
    QByteArray der;
    if (derOrPem.trimmed().startsWith("-----BEGIN")) {
        BioPtr bio = memoryBio(derOrPem.data(), derOrPem.size());
        certificate.reset(PEM_read_bio_X509(bio.get(), nullptr, noPassword, nullptr));
        if (!certificate) {
            return invalid(QStringLiteral("the PEM text holds no readable CERTIFICATE block"));
        }
        unsigned char* encoded = nullptr;
        const int length = i2d_X509(certificate.get(), &encoded);
        if (length <= 0) {
            return invalid(QStringLiteral("the PEM certificate cannot be re-encoded as DER"));
        }
        der = QByteArray(reinterpret_cast<const char*>(encoded), length);
        OPENSSL_free(encoded);
    } else {
        const auto* begin = reinterpret_cast<const unsigned char*>(derOrPem.data());
        const unsigned char* cursor = begin;
        certificate.reset(d2i_X509(nullptr, &cursor, static_cast<long>(derOrPem.size())));
        if (!certificate) {
            return invalid(QStringLiteral("the data is not a DER-encoded X.509 certificate"));
        }
        if (cursor != begin + derOrPem.size()) {
            return invalid(QStringLiteral("%1 unexpected bytes follow the certificate")
                               .arg(derOrPem.size() - (cursor - begin)));
        }
        der = derOrPem.toByteArray();
    }

    X509* x = certificate.get();
    // Caches the extensions; EXFLAG_INVALID marks duplicate or undecodable standard extensions.
    const uint32_t extensionFlags = X509_get_extension_flags(x);
    if (extensionFlags & EXFLAG_INVALID) {
        return invalid(QStringLiteral("its extensions are malformed or duplicated"));
    }
    if (!X509_get0_pubkey(x)) {
        return invalid(QStringLiteral("its public key cannot be decoded"));
    }

    CertificateInfo info;
    info.der = der;
    info.subject = nameToString(X509_get_subject_name(x));
    info.issuer = nameToString(X509_get_issuer_name(x));
    {
        BIGNUM* serial = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), nullptr);
        if (!serial) {
            return invalid(QStringLiteral("its serial number cannot be decoded"));
        }
        char* hex = BN_bn2hex(serial);
        info.serialNumberHex = QString::fromLatin1(hex);
        OPENSSL_free(hex);
        BN_free(serial);
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digestLength = 0;
    if (EVP_Digest(der.constData(), static_cast<size_t>(der.size()), digest, &digestLength, EVP_sha256(),
                   nullptr) != 1) {
        return invalid(QStringLiteral("SHA-256 is unavailable"));
    }
    info.fingerprintSha256Hex =
        QString::fromLatin1(QByteArray(reinterpret_cast<const char*>(digest), digestLength).toHex());
    const auto notBefore = toDateTime(X509_get0_notBefore(x));
    const auto notAfter = toDateTime(X509_get0_notAfter(x));
    if (!notBefore || !notAfter) {
        return invalid(QStringLiteral("its validity period cannot be decoded"));
    }
    info.notBefore = *notBefore;
    info.notAfter = *notAfter;
    if (extensionFlags & EXFLAG_KUSAGE) {
        const uint32_t usage = X509_get_key_usage(x);
        info.digitalSignature = (usage & KU_DIGITAL_SIGNATURE) != 0;
        info.nonRepudiation = (usage & KU_NON_REPUDIATION) != 0;
    }

    const Asn1ObjectPtr sdaOid(OBJ_txt2obj("2.5.29.9", 1));
    const int sdaIndex = X509_get_ext_by_OBJ(x, sdaOid.get(), -1);
    if (sdaIndex >= 0) {
        if (X509_get_ext_by_OBJ(x, sdaOid.get(), sdaIndex) >= 0) {
            return invalid(QStringLiteral("it has two SubjectDirectoryAttributes extensions"));
        }
        const ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(X509_get_ext(x, sdaIndex));
        const auto roles = hcRolesFromSubjectDirectoryAttributes(QByteArrayView(
            reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)), ASN1_STRING_length(data)));
        if (!roles) {
            return invalid(
                QStringLiteral("its SubjectDirectoryAttributes (HPKI hcRole) extension is malformed"));
        }
        info.hcRoles = *roles;
    }
    ERR_clear_error();
    return info;
}

} // namespace dokuei::security
