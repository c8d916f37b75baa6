// The smart card against the local reading centre's SoftHSM2 tokens: certificates issued by the demo HPKI,
// keys generated on the tokens. PIN rule for every test: at most one wrong PIN per card, followed by a
// right login, so the demo cards never lock.
#include "ReadingCenterEnv.h"
#include "Subprocess.h"
#include "dokuei/security/CardPresenceMonitor.h"
#include "dokuei/security/CertificateVerifier.h"
#include "dokuei/security/Pkcs11Module.h"
#include "dokuei/security/SmartCard.h"

#include <cstdio>
#include <optional>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QTimer>

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

namespace dokuei::integration {
namespace {

using security::authenticateCard;
using security::CardPresenceMonitor;
using security::CertificateVerifier;
using security::Pkcs11Module;
using security::SmartCard;
using Purpose = security::CertificateVerifier::Purpose;

QByteArray pemFileToDer(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return {};
    }
    const QByteArray pem = file.readAll();
    BIO* bio = BIO_new_mem_buf(pem.constData(), static_cast<int>(pem.size()));
    X509* certificate = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    if (!certificate) {
        return {};
    }
    unsigned char* der = nullptr;
    const int length = i2d_X509(certificate, &der);
    QByteArray bytes(reinterpret_cast<const char*>(der), length);
    OPENSSL_free(der);
    X509_free(certificate);
    return bytes;
}

/// RSA-OAEP (SHA-256, MGF1-SHA-256) encryption with the certificate's public key, in software.
QByteArray oaepEncrypt(const QByteArray& certificateDer, const QByteArray& plaintext)
{
    const auto* cursor = reinterpret_cast<const unsigned char*>(certificateDer.constData());
    X509* certificate = d2i_X509(nullptr, &cursor, certificateDer.size());
    if (!certificate) {
        return {};
    }
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(X509_get0_pubkey(certificate), nullptr);
    QByteArray out;
    size_t length = 0;
    if (EVP_PKEY_encrypt_init(ctx) == 1 && EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) == 1 &&
        EVP_PKEY_CTX_set_rsa_oaep_md(ctx, EVP_sha256()) == 1 &&
        EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha256()) == 1 &&
        EVP_PKEY_encrypt(ctx, nullptr, &length, reinterpret_cast<const unsigned char*>(plaintext.constData()),
                         static_cast<size_t>(plaintext.size())) == 1) {
        out.resize(static_cast<qsizetype>(length));
        if (EVP_PKEY_encrypt(ctx, reinterpret_cast<unsigned char*>(out.data()), &length,
                             reinterpret_cast<const unsigned char*>(plaintext.constData()),
                             static_cast<size_t>(plaintext.size())) == 1) {
            out.resize(static_cast<qsizetype>(length));
        } else {
            out.clear();
        }
    }
    EVP_PKEY_CTX_free(ctx);
    X509_free(certificate);
    return out;
}

class CardIntegrationTest : public ::testing::Test
{
protected:
    static void SetUpTestSuite()
    {
        auto loaded = ReadingCenterEnv::load();
        if (!loaded) {
            s_loadError = loaded.error();
            return;
        }
        s_env = std::move(*loaded);
        // SoftHSM2 reads its configuration in C_Initialize: this process's own copy of the stack's cards
        // (throwaway tokens are made and deleted there too, never in a store another test reads).
        const QString conf = s_env->privateStoreConf();
        if (conf.isEmpty()) {
            s_loadError = QStringLiteral("could not copy the stack's cards into a private store");
            s_env.reset();
            return;
        }
        qputenv("SOFTHSM2_CONF", QFile::encodeName(conf));
    }
    static void TearDownTestSuite() { s_env.reset(); }

    void SetUp() override
    {
        ASSERT_TRUE(s_env.has_value()) << s_loadError.toStdString();
        auto module = Pkcs11Module::load(env().value(QStringLiteral("DOKUEI_PKCS11_MODULE")));
        ASSERT_TRUE(module) << module.error().toString().toStdString();
        m_module = std::move(*module);
        auto verifier =
            CertificateVerifier::create({env().caFile()}, {env().value(QStringLiteral("DOKUEI_RC_CRL"))});
        ASSERT_TRUE(verifier) << verifier.error().toString().toStdString();
        m_verifier.emplace(*verifier);
    }

    static const ReadingCenterEnv& env() { return *s_env; }
    const CertificateVerifier& verifier() const { return *m_verifier; }

    std::unique_ptr<SmartCard> openCard(const QString& userId)
    {
        auto card = SmartCard::open(*m_module, userId);
        EXPECT_TRUE(card) << card.error().toString().toStdString();
        if (!card) {
            return nullptr;
        }
        EXPECT_EQ((*card)->info().tokenLabel, userId);
        return std::move(*card);
    }

    /// A throwaway token in this process's store (never one of the stack's own): its label.
    QString createThrowawayToken()
    {
        const QString label =
            QStringLiteral("test-removable-%1-%2").arg(QCoreApplication::applicationPid()).arg(++m_tokens);
        const SubprocessResult run =
            runSubprocess(QStringLiteral("softhsm2-util"),
                          {QStringLiteral("--init-token"), QStringLiteral("--free"),
                           QStringLiteral("--label"), label, QStringLiteral("--so-pin"),
                           QStringLiteral("12345678"), QStringLiteral("--pin"), QStringLiteral("654321")});
        EXPECT_EQ(run.exitCode, 0) << run.err.toStdString() << run.failure.toStdString();
        m_created << label;
        return label;
    }
    bool deleteToken(const QString& label)
    {
        if (!label.startsWith(QStringLiteral("test-removable-"))) {
            return false; // never a stack token
        }
        const SubprocessResult run =
            runSubprocess(QStringLiteral("softhsm2-util"),
                          {QStringLiteral("--delete-token"), QStringLiteral("--token"), label});
        m_created.removeAll(label);
        return run.exitCode == 0;
    }
    void TearDown() override
    {
        for (const QString& label : QStringList(m_created)) {
            deleteToken(label);
        }
    }

    inline static std::optional<ReadingCenterEnv> s_env;
    inline static QString s_loadError;
    std::unique_ptr<Pkcs11Module> m_module;
    std::optional<CertificateVerifier> m_verifier;
    QStringList m_created;
    int m_tokens = 0;
};

TEST_F(CardIntegrationTest, QualifiedDoctorsCardHoldsVerifiableCertificatesWithHcRole)
{
    const ReadingCenterUser sato = env().user(QStringLiteral("dr.sato"));
    auto card = openCard(sato.id);
    ASSERT_TRUE(card);
    EXPECT_FALSE(card->info().serialNumber.isEmpty());
    EXPECT_FALSE(card->info().pinLocked);
    EXPECT_TRUE(card->present());

    auto authDer = card->authenticationCertificateDer();
    ASSERT_TRUE(authDer) << authDer.error().toString().toStdString();
    EXPECT_EQ(*authDer, pemFileToDer(sato.authCert));
    auto auth = verifier().verify(*authDer, Purpose::Authentication);
    ASSERT_TRUE(auth) << auth.error().toString().toStdString();
    EXPECT_TRUE(auth->hcRoles.contains(QStringLiteral("Medical Doctor")))
        << auth->hcRoles.join(u',').toStdString();
    EXPECT_TRUE(auth->digitalSignature);
    EXPECT_FALSE(auth->nonRepudiation);

    auto signDer = card->signingCertificateDer();
    ASSERT_TRUE(signDer) << signDer.error().toString().toStdString();
    EXPECT_EQ(*signDer, pemFileToDer(sato.signCert));
    auto sign = verifier().verify(*signDer, Purpose::Signing);
    ASSERT_TRUE(sign) << sign.error().toString().toStdString();
    EXPECT_TRUE(sign->nonRepudiation);
    EXPECT_TRUE(sign->hcRoles.contains(QStringLiteral("Medical Doctor")));
    // The signing certificate is not an authentication certificate.
    auto wrongPurpose = verifier().verify(*signDer, Purpose::Authentication);
    ASSERT_FALSE(wrongPurpose);
    EXPECT_EQ(wrongPurpose.error().code, ErrorCode::CertificateInvalid);
}

TEST_F(CardIntegrationTest, WrongPinIsRefusedWithoutLockingThenTheRightPinWorks)
{
    const ReadingCenterUser sato = env().user(QStringLiteral("dr.sato"));
    auto card = openCard(sato.id);
    ASSERT_TRUE(card);
    auto wrong = card->login(sato.pin + QStringLiteral("9"));
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().code, ErrorCode::CardPinIncorrect);
    EXPECT_TRUE(wrong.error().message.contains(QStringLiteral("PIN"))) << wrong.error().message.toStdString();
    EXPECT_FALSE(card->loggedIn());
    EXPECT_FALSE(card->info().pinLocked);
    auto signWithoutLogin = card->signWithAuthenticationKey(QByteArray("challenge"));
    ASSERT_FALSE(signWithoutLogin);
    EXPECT_EQ(signWithoutLogin.error().code, ErrorCode::CardPinMissing);

    auto right = card->login(sato.pin);
    ASSERT_TRUE(right) << right.error().toString().toStdString();
    EXPECT_TRUE(card->loggedIn());
    card->logout();
    EXPECT_FALSE(card->loggedIn());
}

TEST_F(CardIntegrationTest, EmptyPinIsMissingAndTheCardIsNotAsked)
{
    auto card = openCard(QStringLiteral("dr.tanaka"));
    ASSERT_TRUE(card);
    auto empty = card->login(QString());
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error().code, ErrorCode::CardPinMissing);
}

TEST_F(CardIntegrationTest, AuthenticateCardProvesPossessionWithTheRightPin)
{
    const ReadingCenterUser sato = env().user(QStringLiteral("dr.sato"));
    auto card = openCard(sato.id);
    ASSERT_TRUE(card);
    auto certificate = authenticateCard(*card, sato.pin, verifier());
    ASSERT_TRUE(certificate) << certificate.error().toString().toStdString();
    EXPECT_EQ(certificate->der, pemFileToDer(sato.authCert));
    EXPECT_EQ(certificate->fingerprintSha256Hex.size(), 64);
    EXPECT_TRUE(card->loggedIn());

    // Each signature is over fresh data and verifies only for that data.
    auto signature = card->signWithAuthenticationKey(QByteArray("dokuei challenge"));
    ASSERT_TRUE(signature) << signature.error().toString().toStdString();
    EXPECT_EQ(signature->size(), 256); // RSA-2048
    EXPECT_TRUE(
        CertificateVerifier::verifySignature(certificate->der, QByteArray("dokuei challenge"), *signature));
    EXPECT_FALSE(
        CertificateVerifier::verifySignature(certificate->der, QByteArray("other challenge"), *signature));
}

TEST_F(CardIntegrationTest, AuthenticateCardWithAWrongPinFailsAndLeavesTheCardLockedOut)
{
    const ReadingCenterUser tanaka = env().user(QStringLiteral("dr.tanaka"));
    auto card = openCard(tanaka.id);
    ASSERT_TRUE(card);
    auto refused = authenticateCard(*card, tanaka.pin + QStringLiteral("0"), verifier());
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::CardPinIncorrect);
    EXPECT_FALSE(card->loggedIn());
    ASSERT_TRUE(card->login(tanaka.pin)); // reset the card's wrong-PIN count
}

TEST_F(CardIntegrationTest, RefusedCertificatesAreRefusedBeforeThePinIsTried)
{
    const struct
    {
        const char* user;
        ErrorCode expected;
    } cases[] = {{"test.revoked", ErrorCode::CertificateRevoked},
                 {"test.expired", ErrorCode::CertificateExpired},
                 {"test.untrusted", ErrorCode::CertificateUntrusted}};
    for (const auto& c : cases) {
        const ReadingCenterUser user = env().user(QString::fromLatin1(c.user));
        auto card = openCard(user.id);
        ASSERT_TRUE(card) << c.user;
        auto result = authenticateCard(*card, user.pin, verifier());
        ASSERT_FALSE(result) << c.user;
        EXPECT_EQ(result.error().code, c.expected)
            << c.user << ": " << result.error().toString().toStdString();
        EXPECT_FALSE(card->loggedIn()) << c.user;
        std::printf("[card] %s refused: %s\n", c.user, qPrintable(result.error().toString()));
    }
}

TEST_F(CardIntegrationTest, UntrustedCardVerifiesOnlyAgainstItsOwnCa)
{
    // The rogue CA's card is well formed: what makes it untrusted is the anchor, not its shape.
    const ReadingCenterUser user = env().user(QStringLiteral("test.untrusted"));
    auto card = openCard(user.id);
    ASSERT_TRUE(card);
    auto der = card->authenticationCertificateDer();
    ASSERT_TRUE(der);
    auto rogueOnly = CertificateVerifier::create({env().value(QStringLiteral("DOKUEI_RC_UNTRUSTED_CA"))}, {});
    ASSERT_TRUE(rogueOnly);
    auto result = rogueOnly->verify(*der, Purpose::Authentication);
    ASSERT_FALSE(result);
    // Chains now, but there is no CRL for the rogue CA: revocation status unknown -> still untrusted.
    EXPECT_EQ(result.error().code, ErrorCode::CertificateUntrusted);
    EXPECT_TRUE(result.error().message.contains(QStringLiteral("crl_file")))
        << result.error().message.toStdString();
}

TEST_F(CardIntegrationTest, UnqualifiedUserHasNoHcRole)
{
    const ReadingCenterUser user = env().user(QStringLiteral("test.noqual"));
    auto card = openCard(user.id);
    ASSERT_TRUE(card);
    auto certificate = authenticateCard(*card, user.pin, verifier());
    ASSERT_TRUE(certificate) << certificate.error().toString().toStdString();
    EXPECT_TRUE(certificate->hcRoles.isEmpty()) << certificate->hcRoles.join(u',').toStdString();
}

TEST_F(CardIntegrationTest, DecryptsAnOaepSha256CiphertextMadeWithTheCertificate)
{
    const ReadingCenterUser sato = env().user(QStringLiteral("dr.sato"));
    auto card = openCard(sato.id);
    ASSERT_TRUE(card);
    auto der = card->authenticationCertificateDer();
    ASSERT_TRUE(der);
    const QByteArray dataKey =
        QByteArray::fromHex("00112233445566778899aabbccddeeff0f1e2d3c4b5a69788796a5b4c3d2e1f0");
    const QByteArray ciphertext = oaepEncrypt(*der, dataKey);
    ASSERT_EQ(ciphertext.size(), 256);

    auto beforeLogin = card->decryptWithAuthenticationKey(ciphertext);
    ASSERT_FALSE(beforeLogin);
    EXPECT_EQ(beforeLogin.error().code, ErrorCode::CardPinMissing);

    ASSERT_TRUE(card->login(sato.pin));
    auto plaintext = card->decryptWithAuthenticationKey(ciphertext);
    ASSERT_TRUE(plaintext) << plaintext.error().toString().toStdString();
    EXPECT_EQ(*plaintext, dataKey);

    QByteArray tampered = ciphertext;
    tampered[100] = static_cast<char>(tampered[100] ^ 0x40);
    auto refused = card->decryptWithAuthenticationKey(tampered);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::Pkcs11Failure);
}

TEST_F(CardIntegrationTest, ListingTokensDoesNotEndAnOpenCardsLogin)
{
    const ReadingCenterUser sato = env().user(QStringLiteral("dr.sato"));
    auto card = openCard(sato.id);
    ASSERT_TRUE(card);
    ASSERT_TRUE(card->login(sato.pin));
    auto tokens = m_module->tokens();
    ASSERT_TRUE(tokens) << tokens.error().toString().toStdString();
    EXPECT_GE(tokens->size(), 7);
    auto signature = card->signWithAuthenticationKey(QByteArray("still logged in"));
    EXPECT_TRUE(signature) << signature.error().toString().toStdString();
}

TEST_F(CardIntegrationTest, CardRemovalIsDetectedWithinTwoSeconds)
{
    // Created before this test's module is re-initialised: SoftHSM2 only sees new tokens in C_Initialize.
    const QString label = createThrowawayToken();
    ASSERT_TRUE(m_module->reload());
    auto card = SmartCard::open(*m_module, label);
    ASSERT_TRUE(card) << card.error().toString().toStdString();
    ASSERT_EQ((*card)->info().tokenLabel, label);
    const QString serial = (*card)->info().serialNumber;
    ASSERT_TRUE((*card)->present());

    CardPresenceMonitor monitor(*m_module, serial);
    QElapsedTimer sinceRemoval;
    qint64 latencyMs = -1;
    QEventLoop loop;
    QObject::connect(&monitor, &CardPresenceMonitor::cardRemoved, &loop, [&] {
        latencyMs = sinceRemoval.elapsed();
        loop.quit();
    });
    monitor.start();
    // Nothing is reported while the card stays.
    QTimer::singleShot(1200, &loop, &QEventLoop::quit);
    loop.exec();
    ASSERT_EQ(latencyMs, -1) << "cardRemoved() while the card was present";
    ASSERT_TRUE(monitor.isActive());

    ASSERT_TRUE(deleteToken(label));
    sinceRemoval.start(); // softhsm2-util has returned: the token is gone from the store
    QTimer::singleShot(3000, &loop, &QEventLoop::quit);
    loop.exec();
    std::printf("[card] removal detected %lld ms after softhsm2-util --delete-token returned (poll 500 ms)\n",
                static_cast<long long>(latencyMs));
    ASSERT_GE(latencyMs, 0) << "cardRemoved() did not arrive within 3 s";
    EXPECT_LT(latencyMs, 2000);
    EXPECT_FALSE(monitor.isActive());
    EXPECT_FALSE((*card)->present());
    auto afterRemoval = (*card)->login(QStringLiteral("654321"));
    ASSERT_FALSE(afterRemoval);
    EXPECT_TRUE(afterRemoval.error().code == ErrorCode::CardAbsent ||
                afterRemoval.error().code == ErrorCode::Pkcs11Failure)
        << afterRemoval.error().toString().toStdString();
}

TEST_F(CardIntegrationTest, ReloadSeesANewCardAndMakesOpenCardsStale)
{
    auto before = SmartCard::open(*m_module, QStringLiteral("dr.sato"));
    ASSERT_TRUE(before);
    const QString label = createThrowawayToken();
    auto tokens = m_module->tokens();
    ASSERT_TRUE(tokens);
    bool seen = false;
    for (const auto& token : *tokens) {
        seen = seen || token.label == label;
    }
    EXPECT_FALSE(seen) << "SoftHSM2 saw a token created after C_Initialize: the reload rule may be obsolete";

    ASSERT_TRUE(m_module->reload());
    tokens = m_module->tokens();
    ASSERT_TRUE(tokens);
    seen = false;
    for (const auto& token : *tokens) {
        seen = seen || token.label == label;
    }
    EXPECT_TRUE(seen);

    auto stale = (*before)->authenticationCertificateDer();
    ASSERT_FALSE(stale);
    EXPECT_EQ(stale.error().code, ErrorCode::CardAbsent);
    auto reopened = SmartCard::open(*m_module, QStringLiteral("dr.sato"));
    ASSERT_TRUE(reopened);
    EXPECT_TRUE((*reopened)->authenticationCertificateDer());
}

} // namespace
} // namespace dokuei::integration

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
