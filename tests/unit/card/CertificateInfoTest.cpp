#include "dokuei/security/CertificateInfo.h"

#include "TestPki.h"

#include <random>

#include <QCryptographicHash>

#include <gtest/gtest.h>

namespace {

using dokuei::ErrorCode;
using dokuei::security::parseCertificate;
using namespace dokuei::testing;

struct Pki
{
    Key caKey = makeRsaKey();
    Certificate ca =
        makeCertificate({QStringLiteral("Test Root CA"), QStringLiteral("ca"), 1}, caKey, nullptr, caKey);
    Key userKey = makeRsaKey();
};

Pki& pki()
{
    static Pki instance;
    return instance;
}

QByteArray issue(const QString& section, const QString& cn = QStringLiteral("佐藤 一郎"),
                 qint64 serial = 0x1234)
{
    CertificateSpec spec{cn, section, serial};
    return toDer(makeCertificate(spec, pki().userKey, pki().ca, pki().caKey));
}

TEST(ParseCertificate, ReadsAQualifiedAuthenticationCertificate)
{
    const QByteArray der = issue(QStringLiteral("auth_qualified"));
    auto info = parseCertificate(der);
    ASSERT_TRUE(info) << info.error().toString().toStdString();
    EXPECT_EQ(info->der, der);
    EXPECT_EQ(info->subject, QStringLiteral("CN=佐藤 一郎,O=dokuei test"));
    EXPECT_EQ(info->issuer, QStringLiteral("CN=Test Root CA,O=dokuei test"));
    EXPECT_EQ(info->serialNumberHex, QStringLiteral("1234"));
    EXPECT_EQ(info->fingerprintSha256Hex,
              QString::fromLatin1(QCryptographicHash::hash(der, QCryptographicHash::Sha256).toHex()));
    EXPECT_TRUE(info->digitalSignature);
    EXPECT_FALSE(info->nonRepudiation);
    EXPECT_EQ(info->hcRoles, QStringList{QStringLiteral("Medical Doctor")});
    EXPECT_LT(info->notBefore, QDateTime::currentDateTimeUtc());
    EXPECT_GT(info->notAfter, QDateTime::currentDateTimeUtc().addDays(300));
    EXPECT_EQ(info->notAfter.timeSpec(), Qt::UTC);
}

TEST(ParseCertificate, SigningCertificateHasNonRepudiationOnly)
{
    auto info = parseCertificate(issue(QStringLiteral("sign_qualified")));
    ASSERT_TRUE(info) << info.error().toString().toStdString();
    EXPECT_FALSE(info->digitalSignature);
    EXPECT_TRUE(info->nonRepudiation);
    EXPECT_EQ(info->hcRoles, QStringList{QStringLiteral("Medical Doctor")});
}

TEST(ParseCertificate, UnqualifiedCertificateHasNoHcRole)
{
    auto info = parseCertificate(issue(QStringLiteral("auth_unqualified")));
    ASSERT_TRUE(info) << info.error().toString().toStdString();
    EXPECT_TRUE(info->hcRoles.isEmpty());
}

TEST(ParseCertificate, ReadsSeveralRolesSkipsOtherAttributesAndAcceptsExplicitTaggingAndUtf8)
{
    auto info = parseCertificate(issue(QStringLiteral("auth_two_roles_utf8")));
    ASSERT_TRUE(info) << info.error().toString().toStdString();
    EXPECT_EQ(info->hcRoles,
              (QStringList{QStringLiteral("Medical Doctor"), QStringLiteral("放射線科専門医")}));
}

TEST(ParseCertificate, MalformedSubjectDirectoryAttributesIsInvalid)
{
    auto info = parseCertificate(issue(QStringLiteral("auth_bad_sda")));
    ASSERT_FALSE(info);
    EXPECT_EQ(info.error().code, ErrorCode::CertificateInvalid);
    EXPECT_TRUE(info.error().message.contains(QStringLiteral("SubjectDirectoryAttributes")));
}

TEST(ParseCertificate, NoKeyUsageMeansNeitherBit)
{
    auto info = parseCertificate(issue(QStringLiteral("no_key_usage")));
    ASSERT_TRUE(info) << info.error().toString().toStdString();
    EXPECT_FALSE(info->digitalSignature);
    EXPECT_FALSE(info->nonRepudiation);
}

TEST(ParseCertificate, AcceptsPemAndReturnsItsDer)
{
    const Certificate certificate = makeCertificate(
        {QStringLiteral("pem"), QStringLiteral("auth_qualified"), 7}, pki().userKey, pki().ca, pki().caKey);
    auto info = parseCertificate(toPem(certificate));
    ASSERT_TRUE(info) << info.error().toString().toStdString();
    EXPECT_EQ(info->der, toDer(certificate));
    EXPECT_EQ(info->serialNumberHex, QStringLiteral("07"));
}

void expectInvalid(const QByteArray& input, const char* what)
{
    auto info = parseCertificate(input);
    ASSERT_FALSE(info) << what;
    EXPECT_EQ(info.error().code, ErrorCode::CertificateInvalid) << what;
    EXPECT_FALSE(info.error().message.isEmpty()) << what;
}

TEST(ParseCertificate, HostileInputIsRefusedNeverACrash)
{
    expectInvalid({}, "empty");
    expectInvalid(QByteArray("\x30", 1), "one byte");
    expectInvalid(QByteArray("\x30\x84\xff\xff\xff\xff", 6), "4 GiB length");
    expectInvalid(QByteArray("\x30\x88\x7f\xff\xff\xff\xff\xff\xff\xff", 10), "8-octet length");
    expectInvalid(QByteArray("\x30\x80\x00\x00", 4), "indefinite length");
    expectInvalid(QByteArray(2 * 1024 * 1024, '\x30'), "2 MiB");
    expectInvalid(QByteArray("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
                  "PEM garbage");
    expectInvalid(QByteArray("-----BEGIN CERTIFICATE-----\n"), "PEM without end");

    const QByteArray der = issue(QStringLiteral("auth_qualified"));
    for (qsizetype length = 0; length < der.size(); length += 7) {
        expectInvalid(der.left(length), "truncated");
    }
    expectInvalid(der + QByteArray("\x00", 1), "trailing byte");

    std::mt19937 random(20240611);
    for (int round = 0; round < 2000; ++round) {
        QByteArray noise(static_cast<qsizetype>(random() % 600), '\0');
        for (auto& byte : noise) {
            byte = static_cast<char>(random());
        }
        if (round % 2 == 0 && !noise.isEmpty()) {
            noise[0] = '\x30'; // looks like a SEQUENCE
        }
        auto info = parseCertificate(noise);
        EXPECT_FALSE(info);
    }
    // Flipped bytes in a real certificate: parse or refuse, never crash; a changed signature still parses.
    int refused = 0;
    for (int round = 0; round < 1000; ++round) {
        QByteArray mutated = der;
        mutated[static_cast<qsizetype>(random() % static_cast<unsigned>(der.size()))] ^=
            static_cast<char>(1 + random() % 255);
        if (!parseCertificate(mutated)) {
            ++refused;
        }
    }
    EXPECT_GT(refused, 0);
}

} // namespace
