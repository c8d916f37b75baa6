#include "TestPki.h"

#include <QFile>

#include <openssl/bio.h>
#include <openssl/conf.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

namespace dokuei::testing {
namespace {

// The hcRole SubjectDirectoryAttributes is built exactly as scripts/lib/reading-center/pki.sh builds it.
constexpr char kExtensions[] = R"(
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash

[auth_qualified]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
authorityKeyIdentifier = keyid,issuer
2.5.29.9 = ASN1:SEQUENCE:hpki_sda

[auth_unqualified]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
authorityKeyIdentifier = keyid,issuer

[auth_server_eku]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
authorityKeyIdentifier = keyid,issuer

[sign_qualified]
basicConstraints = critical,CA:FALSE
keyUsage = critical,nonRepudiation
authorityKeyIdentifier = keyid,issuer
2.5.29.9 = ASN1:SEQUENCE:hpki_sda

[no_key_usage]
basicConstraints = critical,CA:FALSE
authorityKeyIdentifier = keyid,issuer

[auth_two_roles_utf8]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
authorityKeyIdentifier = keyid,issuer
2.5.29.9 = ASN1:SEQUENCE:two_role_sda

[auth_bad_sda]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
authorityKeyIdentifier = keyid,issuer
2.5.29.9 = ASN1:SEQUENCE:bad_sda

[hpki_sda]
hcRole = SEQUENCE:hpki_hcrole_attribute

[hpki_hcrole_attribute]
type = OID:1.0.17090.0.1
values = SET:hpki_hcrole_values

[hpki_hcrole_values]
actorData = SET:hpki_hcactor_data

[hpki_hcactor_data]
actor = SEQUENCE:hpki_hcactor

[hpki_hcactor]
codedData = IMPLICIT:0,SEQUENCE:hpki_coded_data

[hpki_coded_data]
codingSchemeReference = OID:1.2.392.100495.1.6.1.1
codeDataValue = PRINTABLESTRING:Medical Doctor

[two_role_sda]
other = SEQUENCE:other_attribute
hcRole = SEQUENCE:two_role_attribute

[other_attribute]
type = OID:1.3.6.1.5.5.7.9.1
values = SET:other_values

[other_values]
date = GENERALIZEDTIME:19700101000000Z

[two_role_attribute]
type = OID:1.0.17090.0.1
values = SET:two_role_values

[two_role_values]
actorData = SET:two_role_actor_data

[two_role_actor_data]
first = SEQUENCE:first_actor
second = SEQUENCE:second_actor

[first_actor]
codedData = IMPLICIT:0,SEQUENCE:first_coded

[first_coded]
codingSchemeReference = OID:1.2.392.100495.1.6.1.1
codeDataValue = PRINTABLESTRING:Medical Doctor

[second_actor]
codedData = EXPLICIT:0,SEQUENCE:second_coded

[second_coded]
codingSchemeReference = OID:1.2.392.100495.1.6.1.1
codeDataValue = FORMAT:UTF8,UTF8:放射線科専門医

[bad_sda]
hcRole = SEQUENCE:bad_attribute

[bad_attribute]
type = OID:1.0.17090.0.1
values = SET:bad_values

[bad_values]
actorData = SET:bad_actor_data

[bad_actor_data]
actor = SEQUENCE:bad_actor

[bad_actor]
codedData = IMPLICIT:0,SEQUENCE:bad_coded

[bad_coded]
codeDataValue = PRINTABLESTRING:no scheme OID before me
)";

void setTime(ASN1_TIME* target, const QDateTime& time)
{
    ASN1_TIME_set(target, static_cast<time_t>(time.toSecsSinceEpoch()));
}

} // namespace

Key makeRsaKey(int bits)
{
    return Key(EVP_RSA_gen(static_cast<unsigned int>(bits)), PkeyDeleter{});
}

Certificate makeCertificate(const CertificateSpec& spec, const Key& subjectKey, const Certificate& issuer,
                            const Key& issuerKey)
{
    Certificate certificate(X509_new(), X509Deleter{});
    X509* x = certificate.get();
    X509_set_version(x, 2);
    ASN1_INTEGER_set_int64(X509_get_serialNumber(x), spec.serial);
    X509_NAME* name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>("dokuei test"), -1, -1, 0);
    const QByteArray cn = spec.commonName.toUtf8();
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(cn.constData()), -1, -1, 0);
    X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer.get()) : name);
    setTime(X509_getm_notBefore(x), spec.notBefore);
    setTime(X509_getm_notAfter(x), spec.notAfter);
    X509_set_pubkey(x, subjectKey.get());

    BIO* bio = BIO_new_mem_buf(kExtensions, -1);
    CONF* conf = NCONF_new(nullptr);
    long errorLine = 0;
    NCONF_load_bio(conf, bio, &errorLine);
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer ? issuer.get() : x, x, nullptr, nullptr, 0);
    X509V3_set_nconf(&ctx, conf);
    const QByteArray section = spec.section.toLatin1();
    X509V3_EXT_add_nconf(conf, &ctx, section.constData(), x);
    NCONF_free(conf);
    BIO_free(bio);

    X509_sign(x, issuerKey.get(), spec.digest);
    return certificate;
}

QByteArray toDer(const Certificate& certificate)
{
    unsigned char* der = nullptr;
    const int length = i2d_X509(certificate.get(), &der);
    QByteArray bytes(reinterpret_cast<const char*>(der), length);
    OPENSSL_free(der);
    return bytes;
}

QByteArray toPem(const Certificate& certificate)
{
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(bio, certificate.get());
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    QByteArray pem(data, size);
    BIO_free(bio);
    return pem;
}

QByteArray makeCrlPem(const Certificate& issuer, const Key& issuerKey, const QList<qint64>& revokedSerials,
                      const QDateTime& lastUpdate, const QDateTime& nextUpdate)
{
    X509_CRL* crl = X509_CRL_new();
    X509_CRL_set_version(crl, 1);
    X509_CRL_set_issuer_name(crl, X509_get_subject_name(issuer.get()));
    ASN1_TIME* last = ASN1_TIME_new();
    ASN1_TIME* next = ASN1_TIME_new();
    setTime(last, lastUpdate);
    setTime(next, nextUpdate);
    X509_CRL_set1_lastUpdate(crl, last);
    X509_CRL_set1_nextUpdate(crl, next);
    for (const qint64 serial : revokedSerials) {
        X509_REVOKED* revoked = X509_REVOKED_new();
        ASN1_INTEGER* number = ASN1_INTEGER_new();
        ASN1_INTEGER_set_int64(number, serial);
        X509_REVOKED_set_serialNumber(revoked, number);
        X509_REVOKED_set_revocationDate(revoked, last);
        X509_CRL_add0_revoked(crl, revoked);
        ASN1_INTEGER_free(number);
    }
    X509_CRL_sort(crl);
    X509_CRL_sign(crl, issuerKey.get(), EVP_sha256());
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_X509_CRL(bio, crl);
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    QByteArray pem(data, size);
    BIO_free(bio);
    ASN1_TIME_free(last);
    ASN1_TIME_free(next);
    X509_CRL_free(crl);
    return pem;
}

bool writeFile(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

QByteArray signSha256(const Key& key, const QByteArray& data, bool pss)
{
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX* keyCtx = nullptr;
    EVP_DigestSignInit(ctx, &keyCtx, EVP_sha256(), nullptr, key.get());
    if (pss) {
        EVP_PKEY_CTX_set_rsa_padding(keyCtx, RSA_PKCS1_PSS_PADDING);
        EVP_PKEY_CTX_set_rsa_pss_saltlen(keyCtx, 32);
    }
    size_t length = 0;
    EVP_DigestSign(ctx, nullptr, &length, reinterpret_cast<const unsigned char*>(data.constData()),
                   static_cast<size_t>(data.size()));
    QByteArray signature(static_cast<qsizetype>(length), '\0');
    EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()), &length,
                   reinterpret_cast<const unsigned char*>(data.constData()),
                   static_cast<size_t>(data.size()));
    signature.resize(static_cast<qsizetype>(length));
    EVP_MD_CTX_free(ctx);
    return signature;
}

} // namespace dokuei::testing
