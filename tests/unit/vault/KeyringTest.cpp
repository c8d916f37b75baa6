#include "VaultTestSupport.h"
#include "dokuei/security/KeyDerivation.h"
#include "dokuei/security/SystemVault.h"
#include "dokuei/security/UserKeyring.h"
#include "dokuei/security/Vault.h"

#include <argon2.h>
#include <memory>

#include <QTemporaryDir>

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

namespace dokuei::security {
namespace {

using testing::fastArgon2;
using testing::pathsIn;

TEST(KeyDerivationTest, Argon2idMatchesLibargon2EncodedOutput)
{
    const QByteArray password("correct horse battery staple");
    const QByteArray salt("0123456789abcdef");
    const Argon2Params params{2, 8192, 1};
    auto key = deriveKeyArgon2id(password, salt, params);
    ASSERT_TRUE(key);
    char encoded[256] = {};
    ASSERT_EQ(argon2id_hash_encoded(params.timeCost, params.memoryKiB, params.parallelism,
                                    password.constData(), static_cast<std::size_t>(password.size()),
                                    salt.constData(), static_cast<std::size_t>(salt.size()), SecretKey::kSize,
                                    encoded, sizeof encoded),
              ARGON2_OK);
    const QByteArray text(encoded);
    ASSERT_TRUE(text.startsWith("$argon2id$v=19$m=8192,t=2,p=1$")) << encoded;
    const QByteArray hash = QByteArray::fromBase64(
        text.mid(text.lastIndexOf('$') + 1), QByteArray::Base64Encoding | QByteArray::OmitTrailingEquals);
    EXPECT_EQ(hash, key->view().toByteArray());
    EXPECT_EQ(argon2id_verify(encoded, password.constData(), static_cast<std::size_t>(password.size())),
              ARGON2_OK);
}

TEST(KeyDerivationTest, Argon2idKnownAnswerFromTheReferenceTests)
{
    // phc-winner-argon2 src/test.c: argon2id, v=0x13, t=2, m=2^16, p=1, "password", "somesalt".
    auto key = deriveKeyArgon2id("password", "somesalt", Argon2Params{2, 65536, 1});
    ASSERT_TRUE(key);
    EXPECT_EQ(key->view().toByteArray().toHex(),
              QByteArray("09316115d5cf24ed5a15a31a3ba326e5cf32edc24702987c02b6566f61913cf7"));
}

TEST(KeyDerivationTest, RefusesShortSaltAndImplausibleParameters)
{
    auto shortSalt = deriveKeyArgon2id("pw", "short", fastArgon2());
    ASSERT_FALSE(shortSalt);
    EXPECT_EQ(shortSalt.error().code, ErrorCode::InvalidArgument);
    EXPECT_FALSE(deriveKeyArgon2id("pw", "0123456789abcdef", Argon2Params{0, 8192, 1}));
    EXPECT_FALSE(deriveKeyArgon2id("pw", "0123456789abcdef", Argon2Params{1, 0xffffffffU, 1}));
}

TEST(KeyDerivationTest, SubkeysAreDeterministicAndIndependent)
{
    const SecretKey key = SecretKey::random();
    EXPECT_TRUE(deriveSubkey(key, "a").equals(deriveSubkey(key, "a")));
    EXPECT_FALSE(deriveSubkey(key, "a").equals(deriveSubkey(key, "b")));
    EXPECT_FALSE(deriveSubkey(key, "a").equals(key));
}

TEST(SecretKeyTest, MoveZeroesTheSourceAndSizeIsChecked)
{
    SecretKey key = SecretKey::random();
    ASSERT_FALSE(key.isNull());
    SecretKey moved = std::move(key);
    EXPECT_TRUE(key.isNull()); // NOLINT(bugprone-use-after-move): the contract under test
    EXPECT_FALSE(moved.isNull());
    EXPECT_FALSE(SecretKey::fromBytes(QByteArray(31, 'a')));
    EXPECT_FALSE(SecretKey::fromBytes(QByteArray(33, 'a')));
    EXPECT_TRUE(SecretKey::fromBytes(QByteArray(32, 'a')));
}

/// A fake card: an RSA-2048 key and a self-signed certificate generated in memory.
class FakeCard
{
public:
    FakeCard()
    {
        m_key.reset(EVP_RSA_gen(2048));
        std::unique_ptr<X509, decltype(&X509_free)> certificate(X509_new(), &X509_free);
        X509_set_version(certificate.get(), 2);
        ASN1_INTEGER_set(X509_get_serialNumber(certificate.get()), 1);
        X509_gmtime_adj(X509_getm_notBefore(certificate.get()), 0);
        X509_gmtime_adj(X509_getm_notAfter(certificate.get()), 3600);
        X509_NAME* name = X509_get_subject_name(certificate.get());
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>("test card"), -1, -1, 0);
        X509_set_issuer_name(certificate.get(), name);
        X509_set_pubkey(certificate.get(), m_key.get());
        X509_sign(certificate.get(), m_key.get(), EVP_sha256());
        unsigned char* der = nullptr;
        const int size = i2d_X509(certificate.get(), &der);
        m_der = QByteArray(reinterpret_cast<const char*>(der), size);
        OPENSSL_free(der);
    }

    QByteArray certificateDer() const { return m_der; }

    UserKeyring::CardDecrypt decrypt()
    {
        return [this](QByteArrayView ciphertext) -> Expected<QByteArray> {
            ++m_calls;
            std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> context(
                EVP_PKEY_CTX_new(m_key.get(), nullptr), &EVP_PKEY_CTX_free);
            std::size_t size = 0;
            const auto* in = reinterpret_cast<const unsigned char*>(ciphertext.data());
            if (EVP_PKEY_decrypt_init(context.get()) != 1 ||
                EVP_PKEY_CTX_set_rsa_padding(context.get(), RSA_PKCS1_OAEP_PADDING) != 1 ||
                EVP_PKEY_CTX_set_rsa_oaep_md(context.get(), EVP_sha256()) != 1 ||
                EVP_PKEY_CTX_set_rsa_mgf1_md(context.get(), EVP_sha256()) != 1 ||
                EVP_PKEY_decrypt(context.get(), nullptr, &size, in,
                                 static_cast<std::size_t>(ciphertext.size())) != 1) {
                return fail(ErrorCode::Pkcs11Failure, QStringLiteral("decrypt init"));
            }
            QByteArray out(static_cast<qsizetype>(size), '\0');
            if (EVP_PKEY_decrypt(context.get(), reinterpret_cast<unsigned char*>(out.data()), &size, in,
                                 static_cast<std::size_t>(ciphertext.size())) != 1) {
                return fail(ErrorCode::Pkcs11Failure, QStringLiteral("the card could not decrypt"));
            }
            out.resize(static_cast<qsizetype>(size));
            return out;
        };
    }

    int calls() const { return m_calls; }

private:
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> m_key{nullptr, &EVP_PKEY_free};
    QByteArray m_der;
    int m_calls = 0;
};

class UserKeyringTest : public ::testing::Test
{
protected:
    QTemporaryDir m_dir;
    WorkstationPaths m_paths = pathsIn(m_dir);
    std::unique_ptr<Vault> m_system;

    void SetUp() override
    {
        auto vault = openSystemVault(m_paths);
        ASSERT_TRUE(vault) << vault.error().toString().toStdString();
        m_system = std::move(*vault);
    }
};

TEST_F(UserKeyringTest, PasswordWrapUnwrapWrongPasswordAndRewrap)
{
    UserKeyring keyring(*m_system, fastArgon2());
    ASSERT_TRUE(keyring.create(QStringLiteral("yamada"), "first Passw0rd!"));
    EXPECT_TRUE(keyring.hasPasswordWrap(QStringLiteral("yamada")));
    EXPECT_FALSE(keyring.hasCardWrap(QStringLiteral("yamada")));
    auto key = keyring.unwrapWithPassword(QStringLiteral("yamada"), "first Passw0rd!");
    ASSERT_TRUE(key) << key.error().toString().toStdString();

    auto wrong = keyring.unwrapWithPassword(QStringLiteral("yamada"), "first Passw0rd?");
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().code, ErrorCode::AuthenticationFailed);
    auto unknown = keyring.unwrapWithPassword(QStringLiteral("nobody"), "first Passw0rd!");
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().code, ErrorCode::NotFound);

    // Password change: the same data key under the new password only.
    ASSERT_TRUE(keyring.rewrapPassword(QStringLiteral("yamada"), *key, "second Passw0rd!"));
    EXPECT_FALSE(keyring.unwrapWithPassword(QStringLiteral("yamada"), "first Passw0rd!"));
    auto again = keyring.unwrapWithPassword(QStringLiteral("yamada"), "second Passw0rd!");
    ASSERT_TRUE(again);
    EXPECT_TRUE(again->equals(*key));

    // A key that is not the user's is never wrapped.
    auto foreign = keyring.rewrapPassword(QStringLiteral("yamada"), SecretKey::random(), "x");
    ASSERT_FALSE(foreign);
    EXPECT_EQ(foreign.error().code, ErrorCode::InvalidArgument);
    EXPECT_FALSE(keyring.create(QStringLiteral("yamada"), "again"));
    EXPECT_FALSE(keyring.create(QStringLiteral("../etc"), "x"));
}

TEST_F(UserKeyringTest, WrapsAreBoundToTheUser)
{
    UserKeyring keyring(*m_system, fastArgon2());
    ASSERT_TRUE(keyring.create(QStringLiteral("alice"), "same password 1!"));
    ASSERT_TRUE(keyring.create(QStringLiteral("bob"), "same password 1!"));
    // Copy alice's wrap onto bob: the authenticated user ID makes it fail.
    ASSERT_TRUE(m_system->exec(QStringLiteral("UPDATE user_keys SET (password_salt, password_wrap) = (SELECT "
                                              "password_salt, password_wrap FROM user_keys "
                                              "WHERE user_id = 'alice') WHERE user_id = 'bob'")));
    auto swapped = keyring.unwrapWithPassword(QStringLiteral("bob"), "same password 1!");
    ASSERT_FALSE(swapped);
    EXPECT_EQ(swapped.error().code, ErrorCode::AuthenticationFailed);
}

TEST_F(UserKeyringTest, AdminResetThenCardRecoversTheKeyAndRewrapsUnderTheNewPassword)
{
    UserKeyring keyring(*m_system, fastArgon2());
    FakeCard card;
    ASSERT_TRUE(keyring.create(QStringLiteral("sato"), "old Passw0rd!"));
    auto key = keyring.unwrapWithPassword(QStringLiteral("sato"), "old Passw0rd!");
    ASSERT_TRUE(key);
    ASSERT_TRUE(keyring.setCardWrap(QStringLiteral("sato"), *key, card.certificateDer()));
    EXPECT_TRUE(keyring.hasCardWrap(QStringLiteral("sato")));
    EXPECT_EQ(keyring.cardCertificateSha256(QStringLiteral("sato")).size(), 32);
    {
        auto drafts = openUserVault(m_paths, QStringLiteral("sato"), *key);
        ASSERT_TRUE(drafts);
        ASSERT_TRUE((*drafts)->exec(
            QStringLiteral("CREATE TABLE drafts(text TEXT); INSERT INTO drafts VALUES ('所見なし')")));
    }
    // Administrator's reset: the password wrap goes, the card wrap stays.
    ASSERT_TRUE(keyring.dropPasswordWrap(QStringLiteral("sato")));
    EXPECT_FALSE(keyring.hasPasswordWrap(QStringLiteral("sato")));
    auto noPassword = keyring.unwrapWithPassword(QStringLiteral("sato"), "old Passw0rd!");
    ASSERT_FALSE(noPassword);
    EXPECT_EQ(noPassword.error().code, ErrorCode::NotFound);
    // Next sign-in: card + PIN unwrap, then the new password wraps it again.
    auto recovered = keyring.unwrapWithCard(QStringLiteral("sato"), card.decrypt());
    ASSERT_TRUE(recovered) << recovered.error().toString().toStdString();
    EXPECT_EQ(card.calls(), 1);
    EXPECT_TRUE(recovered->equals(*key));
    ASSERT_TRUE(keyring.rewrapPassword(QStringLiteral("sato"), *recovered, "new Passw0rd!"));
    auto viaPassword = keyring.unwrapWithPassword(QStringLiteral("sato"), "new Passw0rd!");
    ASSERT_TRUE(viaPassword);
    auto drafts = openUserVault(m_paths, QStringLiteral("sato"), *viaPassword);
    ASSERT_TRUE(drafts);
    auto rows = (*drafts)->query(QStringLiteral("SELECT text FROM drafts"));
    ASSERT_TRUE(rows);
    EXPECT_EQ(rows->first().first().toString(), QStringLiteral("所見なし"));
}

TEST_F(UserKeyringTest, AnotherCardOrAFailingCardDoesNotUnwrap)
{
    UserKeyring keyring(*m_system, fastArgon2());
    FakeCard card;
    FakeCard otherCard;
    ASSERT_TRUE(keyring.create(QStringLiteral("sato"), "old Passw0rd!"));
    auto key = keyring.unwrapWithPassword(QStringLiteral("sato"), "old Passw0rd!");
    ASSERT_TRUE(key);
    ASSERT_TRUE(keyring.setCardWrap(QStringLiteral("sato"), *key, card.certificateDer()));
    auto other = keyring.unwrapWithCard(QStringLiteral("sato"), otherCard.decrypt());
    ASSERT_FALSE(other);
    EXPECT_EQ(other.error().code, ErrorCode::Pkcs11Failure); // OAEP decoding fails with the wrong key
    auto lying = keyring.unwrapWithCard(
        QStringLiteral("sato"), [](QByteArrayView) -> Expected<QByteArray> { return QByteArray(32, 'x'); });
    ASSERT_FALSE(lying);
    EXPECT_EQ(lying.error().code, ErrorCode::VaultKeyInvalid);
    auto pinWrong =
        keyring.unwrapWithCard(QStringLiteral("sato"), [](QByteArrayView) -> Expected<QByteArray> {
            return fail(ErrorCode::CardPinIncorrect, QStringLiteral("wrong PIN"));
        });
    ASSERT_FALSE(pinWrong);
    EXPECT_EQ(pinWrong.error().code, ErrorCode::CardPinIncorrect);
}

TEST_F(UserKeyringTest, CardWrapNeedsAnRsaCertificate)
{
    UserKeyring keyring(*m_system, fastArgon2());
    ASSERT_TRUE(keyring.create(QStringLiteral("sato"), "old Passw0rd!"));
    auto key = keyring.unwrapWithPassword(QStringLiteral("sato"), "old Passw0rd!");
    ASSERT_TRUE(key);
    auto garbage = keyring.setCardWrap(QStringLiteral("sato"), *key, QByteArray("not a certificate"));
    ASSERT_FALSE(garbage);
    EXPECT_EQ(garbage.error().code, ErrorCode::CertificateInvalid);
    FakeCard card;
    auto truncated = keyring.setCardWrap(QStringLiteral("sato"), *key, card.certificateDer().left(100));
    ASSERT_FALSE(truncated);
    EXPECT_EQ(truncated.error().code, ErrorCode::CertificateInvalid);
    auto noWrap = keyring.unwrapWithCard(QStringLiteral("sato"), card.decrypt());
    ASSERT_FALSE(noWrap);
    EXPECT_EQ(noWrap.error().code, ErrorCode::NotFound);
}

TEST_F(UserKeyringTest, ResetWithoutCardWrapIsRefusedUnlessTheLossIsAccepted)
{
    UserKeyring keyring(*m_system, fastArgon2());
    ASSERT_TRUE(keyring.create(QStringLiteral("kato"), "old Passw0rd!"));
    auto key = keyring.unwrapWithPassword(QStringLiteral("kato"), "old Passw0rd!");
    ASSERT_TRUE(key);
    ASSERT_TRUE(openUserVault(m_paths, QStringLiteral("kato"), *key));
    auto refused = keyring.dropPasswordWrap(QStringLiteral("kato"));
    ASSERT_FALSE(refused);
    EXPECT_TRUE(refused.error().message.contains(QStringLiteral("unrecoverable")));
    EXPECT_TRUE(keyring.hasPasswordWrap(QStringLiteral("kato")));
    ASSERT_TRUE(keyring.dropPasswordWrap(QStringLiteral("kato"), true));
    auto retired = retireUserVault(m_paths, QStringLiteral("kato"));
    ASSERT_TRUE(retired);
    EXPECT_TRUE(retired->contains(QStringLiteral(".unrecoverable-")));
    EXPECT_TRUE(QFile::exists(*retired));
    ASSERT_TRUE(keyring.create(QStringLiteral("kato"), "new Passw0rd!"));
}

TEST_F(UserKeyringTest, UserVaultNeedsTheRightKeyAndAValidId)
{
    const SecretKey key = SecretKey::random();
    ASSERT_TRUE(openUserVault(m_paths, QStringLiteral("ito"), key));
    auto wrong = openUserVault(m_paths, QStringLiteral("ito"), SecretKey::random());
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().code, ErrorCode::VaultKeyInvalid);
    EXPECT_FALSE(openUserVault(m_paths, QStringLiteral("../system"), key));
    EXPECT_FALSE(openUserVault(m_paths, QStringLiteral(".hidden"), key));
    EXPECT_FALSE(openUserVault(m_paths, QString(), key));
}

} // namespace
} // namespace dokuei::security
