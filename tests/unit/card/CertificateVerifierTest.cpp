#include "dokuei/security/CertificateVerifier.h"

#include "TestPki.h"

#include <QTemporaryDir>

#include <gtest/gtest.h>

namespace {

using dokuei::ErrorCode;
using dokuei::security::CertificateVerifier;
using Purpose = dokuei::security::CertificateVerifier::Purpose;
using namespace dokuei::testing;

constexpr qint64 kRevokedSerial = 666;

/// One root CA with its CRL (serial 666 revoked) in PEM files, a second unrelated CA, and user keys.
class CertificateVerifierTest : public ::testing::Test
{
protected:
    static void SetUpTestSuite()
    {
        s_caKey = makeRsaKey();
        s_ca = makeCertificate({QStringLiteral("Reading Centre Root"), QStringLiteral("ca"), 1}, s_caKey,
                               nullptr, s_caKey);
        s_otherKey = makeRsaKey();
        s_other = makeCertificate({QStringLiteral("Unknown CA"), QStringLiteral("ca"), 1}, s_otherKey,
                                  nullptr, s_otherKey);
        s_userKey = makeRsaKey();
    }
    static void TearDownTestSuite()
    {
        s_caKey.reset();
        s_ca.reset();
        s_otherKey.reset();
        s_other.reset();
        s_userKey.reset();
    }

    void SetUp() override
    {
        ASSERT_TRUE(m_dir.isValid());
        m_caFile = m_dir.filePath(QStringLiteral("ca.pem"));
        m_crlFile = m_dir.filePath(QStringLiteral("ca.crl.pem"));
        ASSERT_TRUE(writeFile(m_caFile, toPem(s_ca)));
        ASSERT_TRUE(writeFile(m_crlFile, makeCrlPem(s_ca, s_caKey, {kRevokedSerial})));
    }

    CertificateVerifier verifier(const QStringList& crls) const
    {
        auto created = CertificateVerifier::create({m_caFile}, crls);
        EXPECT_TRUE(created) << created.error().toString().toStdString();
        return *created;
    }
    CertificateVerifier verifier() const { return verifier({m_crlFile}); }

    static QByteArray issue(CertificateSpec spec, const Certificate& issuer = s_ca,
                            const Key& issuerKey = s_caKey, const Key& subjectKey = s_userKey)
    {
        return toDer(makeCertificate(spec, subjectKey, issuer, issuerKey));
    }
    static CertificateSpec spec(const QString& section, qint64 serial = 100)
    {
        return {QStringLiteral("dr.test"), section, serial};
    }

    inline static Key s_caKey;
    inline static Certificate s_ca;
    inline static Key s_otherKey;
    inline static Certificate s_other;
    inline static Key s_userKey;
    QTemporaryDir m_dir;
    QString m_caFile;
    QString m_crlFile;
};

TEST_F(CertificateVerifierTest, TrustedAuthenticationCertificateVerifies)
{
    auto info = verifier().verify(issue(spec(QStringLiteral("auth_qualified"))), Purpose::Authentication);
    ASSERT_TRUE(info) << info.error().toString().toStdString();
    EXPECT_EQ(info->hcRoles, QStringList{QStringLiteral("Medical Doctor")});
    EXPECT_EQ(info->issuer, QStringLiteral("CN=Reading Centre Root,O=dokuei test"));
}

TEST_F(CertificateVerifierTest, TrustedSigningCertificateVerifiesForSigning)
{
    auto info = verifier().verify(issue(spec(QStringLiteral("sign_qualified"))), Purpose::Signing);
    ASSERT_TRUE(info) << info.error().toString().toStdString();
    EXPECT_TRUE(info->nonRepudiation);
}

TEST_F(CertificateVerifierTest, CertificateOfAnotherCaIsUntrusted)
{
    auto info = verifier().verify(issue(spec(QStringLiteral("auth_qualified")), s_other, s_otherKey),
                                  Purpose::Authentication);
    ASSERT_FALSE(info);
    EXPECT_EQ(info.error().code, ErrorCode::CertificateUntrusted);
    EXPECT_TRUE(info.error().message.contains(QStringLiteral("reading_centre/ca_file")))
        << info.error().message.toStdString();
}

TEST_F(CertificateVerifierTest, SelfSignedLookalikeIsUntrusted)
{
    // Same subject as the real root, different key: signature does not verify.
    const Certificate fakeRoot = makeCertificate(
        {QStringLiteral("Reading Centre Root"), QStringLiteral("ca"), 1}, s_otherKey, nullptr, s_otherKey);
    auto info = verifier().verify(issue(spec(QStringLiteral("auth_qualified")), fakeRoot, s_otherKey),
                                  Purpose::Authentication);
    ASSERT_FALSE(info);
    EXPECT_EQ(info.error().code, ErrorCode::CertificateUntrusted);
}

TEST_F(CertificateVerifierTest, ExpiredCertificateIsExpired)
{
    CertificateSpec expired = spec(QStringLiteral("auth_qualified"));
    expired.notBefore = QDateTime::currentDateTimeUtc().addDays(-400);
    expired.notAfter = QDateTime::currentDateTimeUtc().addDays(-2);
    auto info = verifier().verify(issue(expired), Purpose::Authentication);
    ASSERT_FALSE(info);
    EXPECT_EQ(info.error().code, ErrorCode::CertificateExpired);
    EXPECT_TRUE(info.error().message.contains(QStringLiteral("expired")))
        << info.error().message.toStdString();
}

TEST_F(CertificateVerifierTest, NotYetValidCertificateIsRefusedAsOutsideItsValidity)
{
    CertificateSpec future = spec(QStringLiteral("auth_qualified"));
    future.notBefore = QDateTime::currentDateTimeUtc().addDays(2);
    auto info = verifier().verify(issue(future), Purpose::Authentication);
    ASSERT_FALSE(info);
    EXPECT_EQ(info.error().code, ErrorCode::CertificateExpired);
    EXPECT_TRUE(info.error().message.contains(QStringLiteral("clock"))) << info.error().message.toStdString();
}

TEST_F(CertificateVerifierTest, CheckTimeIsTheGivenTime)
{
    CertificateSpec shortLived = spec(QStringLiteral("auth_qualified"));
    shortLived.notAfter = QDateTime::currentDateTimeUtc().addSecs(3600);
    const QByteArray der = issue(shortLived);
    EXPECT_TRUE(verifier().verify(der, Purpose::Authentication));
    auto later = verifier().verify(der, Purpose::Authentication, QDateTime::currentDateTimeUtc().addDays(1));
    ASSERT_FALSE(later);
    EXPECT_EQ(later.error().code, ErrorCode::CertificateExpired);
}

TEST_F(CertificateVerifierTest, RevokedCertificateIsRevoked)
{
    auto info = verifier().verify(issue(spec(QStringLiteral("auth_qualified"), kRevokedSerial)),
                                  Purpose::Authentication);
    ASSERT_FALSE(info);
    EXPECT_EQ(info.error().code, ErrorCode::CertificateRevoked);
    EXPECT_TRUE(info.error().message.contains(QStringLiteral("revoked")));
}

TEST_F(CertificateVerifierTest, WithoutCrlRevocationIsUnknownSoUntrusted)
{
    auto info = verifier({}).verify(issue(spec(QStringLiteral("auth_qualified"))), Purpose::Authentication);
    ASSERT_FALSE(info);
    EXPECT_EQ(info.error().code, ErrorCode::CertificateUntrusted);
    EXPECT_TRUE(info.error().message.contains(QStringLiteral("crl_file")))
        << info.error().message.toStdString();
    EXPECT_TRUE(info.error().message.contains(QStringLiteral("Reading Centre Root")));
}

TEST_F(CertificateVerifierTest, ExpiredCrlMakesTheCertificateUntrusted)
{
    const QString stale = m_dir.filePath(QStringLiteral("stale.crl.pem"));
    ASSERT_TRUE(writeFile(stale, makeCrlPem(s_ca, s_caKey, {}, QDateTime::currentDateTimeUtc().addDays(-60),
                                            QDateTime::currentDateTimeUtc().addDays(-30))));
    auto info =
        verifier({stale}).verify(issue(spec(QStringLiteral("auth_qualified"))), Purpose::Authentication);
    ASSERT_FALSE(info);
    EXPECT_EQ(info.error().code, ErrorCode::CertificateUntrusted);
    EXPECT_TRUE(info.error().message.contains(QStringLiteral("CRL"))) << info.error().message.toStdString();
}

TEST_F(CertificateVerifierTest, CrlOfAnotherCaDoesNotCount)
{
    const QString foreign = m_dir.filePath(QStringLiteral("foreign.crl.pem"));
    ASSERT_TRUE(writeFile(foreign, makeCrlPem(s_other, s_otherKey, {})));
    auto info =
        verifier({foreign}).verify(issue(spec(QStringLiteral("auth_qualified"))), Purpose::Authentication);
    ASSERT_FALSE(info);
    EXPECT_EQ(info.error().code, ErrorCode::CertificateUntrusted);
}

TEST_F(CertificateVerifierTest, WrongKeyUsageIsInvalidForThePurpose)
{
    auto signForAuth =
        verifier().verify(issue(spec(QStringLiteral("sign_qualified"))), Purpose::Authentication);
    ASSERT_FALSE(signForAuth);
    EXPECT_EQ(signForAuth.error().code, ErrorCode::CertificateInvalid);
    EXPECT_TRUE(signForAuth.error().message.contains(QStringLiteral("digitalSignature")));

    auto authForSign = verifier().verify(issue(spec(QStringLiteral("auth_qualified"))), Purpose::Signing);
    ASSERT_FALSE(authForSign);
    EXPECT_EQ(authForSign.error().code, ErrorCode::CertificateInvalid);
    EXPECT_TRUE(authForSign.error().message.contains(QStringLiteral("nonRepudiation")));

    auto serverEku =
        verifier().verify(issue(spec(QStringLiteral("auth_server_eku"))), Purpose::Authentication);
    ASSERT_FALSE(serverEku);
    EXPECT_EQ(serverEku.error().code, ErrorCode::CertificateInvalid);
    EXPECT_TRUE(serverEku.error().message.contains(QStringLiteral("clientAuth")));

    auto noUsage = verifier().verify(issue(spec(QStringLiteral("no_key_usage"))), Purpose::Authentication);
    ASSERT_FALSE(noUsage);
    EXPECT_EQ(noUsage.error().code, ErrorCode::CertificateInvalid);

    auto caItself = verifier().verify(toDer(s_ca), Purpose::Authentication);
    ASSERT_FALSE(caItself);
    EXPECT_EQ(caItself.error().code, ErrorCode::CertificateInvalid);
}

TEST_F(CertificateVerifierTest, WeakKeysAndSha1AreInvalid)
{
    auto smallKey =
        verifier().verify(issue(spec(QStringLiteral("auth_qualified")), s_ca, s_caKey, makeRsaKey(1024)),
                          Purpose::Authentication);
    ASSERT_FALSE(smallKey);
    EXPECT_EQ(smallKey.error().code, ErrorCode::CertificateInvalid);
    EXPECT_TRUE(smallKey.error().message.contains(QStringLiteral("2048")));

    CertificateSpec sha1 = spec(QStringLiteral("auth_qualified"));
    sha1.digest = EVP_sha1();
    auto weakDigest = verifier().verify(issue(sha1), Purpose::Authentication);
    ASSERT_FALSE(weakDigest);
    EXPECT_EQ(weakDigest.error().code, ErrorCode::CertificateInvalid);
}

TEST_F(CertificateVerifierTest, GarbageIsInvalid)
{
    auto info = verifier().verify(QByteArrayView("not a certificate"), Purpose::Authentication);
    ASSERT_FALSE(info);
    EXPECT_EQ(info.error().code, ErrorCode::CertificateInvalid);
}

TEST_F(CertificateVerifierTest, ConfigurationErrorsNameTheFile)
{
    auto none = CertificateVerifier::create({}, {m_crlFile});
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().code, ErrorCode::ConfigurationInvalid);
    EXPECT_TRUE(none.error().message.contains(QStringLiteral("reading_centre/ca_file")));

    const QString missing = m_dir.filePath(QStringLiteral("missing.pem"));
    auto absent = CertificateVerifier::create({missing}, {});
    ASSERT_FALSE(absent);
    EXPECT_EQ(absent.error().code, ErrorCode::ConfigurationInvalid);
    EXPECT_TRUE(absent.error().message.contains(missing));

    auto crlAsAnchor = CertificateVerifier::create({m_crlFile}, {});
    ASSERT_FALSE(crlAsAnchor);
    EXPECT_TRUE(crlAsAnchor.error().message.contains(m_crlFile));

    auto anchorAsCrl = CertificateVerifier::create({m_caFile}, {m_caFile});
    ASSERT_FALSE(anchorAsCrl);
    EXPECT_TRUE(anchorAsCrl.error().message.contains(m_caFile));
}

TEST_F(CertificateVerifierTest, CopiesShareTheStore)
{
    const CertificateVerifier original = verifier();
    const CertificateVerifier copy = original; // NOLINT(performance-unnecessary-copy-initialization)
    EXPECT_TRUE(copy.verify(issue(spec(QStringLiteral("auth_qualified"))), Purpose::Authentication));
}

TEST(CertificateVerifierSignature, VerifiesPkcs1AndPssRefusesEverythingElse)
{
    const Key caKey = makeRsaKey();
    const Certificate ca =
        makeCertificate({QStringLiteral("CA"), QStringLiteral("ca"), 1}, caKey, nullptr, caKey);
    const Key key = makeRsaKey();
    const QByteArray der =
        toDer(makeCertificate({QStringLiteral("user"), QStringLiteral("auth_qualified"), 5}, key, ca, caKey));
    const QByteArray challenge(32, '\x5a');

    const QByteArray pkcs1 = signSha256(key, challenge);
    EXPECT_TRUE(CertificateVerifier::verifySignature(der, challenge, pkcs1));
    EXPECT_TRUE(CertificateVerifier::verifySignature(der, challenge, signSha256(key, challenge, true)));

    QByteArray flipped = pkcs1;
    flipped[10] = static_cast<char>(flipped[10] ^ 0x01);
    EXPECT_FALSE(CertificateVerifier::verifySignature(der, challenge, flipped));
    QByteArray otherData = challenge;
    otherData[0] = 'x';
    EXPECT_FALSE(CertificateVerifier::verifySignature(der, otherData, pkcs1));
    EXPECT_FALSE(CertificateVerifier::verifySignature(der, challenge, signSha256(caKey, challenge)));
    EXPECT_FALSE(CertificateVerifier::verifySignature(der, challenge, {}));
    EXPECT_FALSE(CertificateVerifier::verifySignature(der, challenge, pkcs1.left(100)));
    EXPECT_FALSE(CertificateVerifier::verifySignature(QByteArrayView("garbage"), challenge, pkcs1));
}

} // namespace
