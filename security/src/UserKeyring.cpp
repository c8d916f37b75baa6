#include "dokuei/security/UserKeyring.h"

#include "AesGcm.h"
#include "dokuei/security/SystemVault.h"

#include <memory>

#include <QCryptographicHash>
#include <QDateTime>
#include <QFile>
#include <QRegularExpression>

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

namespace dokuei::security {
namespace {

constexpr qsizetype kSaltSize = 16;
constexpr qsizetype kCheckSize = 16;

template <auto FreeFunction> struct Free
{
    template <typename T> void operator()(T* handle) const { FreeFunction(handle); }
};
using X509Handle = std::unique_ptr<X509, Free<X509_free>>;
using PkeyContext = std::unique_ptr<EVP_PKEY_CTX, Free<EVP_PKEY_CTX_free>>;

QByteArray associatedData(const QString& userId)
{
    return QByteArray("dokuei-user-key-v1\n") + userId.toUtf8();
}

QByteArray keyCheck(const SecretKey& key)
{
    return deriveSubkey(key, "dokuei user key check v1").view().first(kCheckSize).toByteArray();
}

QString nowText()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
}

} // namespace

UserKeyring::UserKeyring(Vault& systemVault, Argon2Params params) : m_vault(systemVault), m_params(params)
{}

bool UserKeyring::isValidUserId(const QString& userId)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$"));
    return pattern.match(userId).hasMatch();
}

Expected<void> UserKeyring::ensureTable()
{
    if (m_ready) {
        return {};
    }
    auto created = m_vault.exec(QStringLiteral(
        "CREATE TABLE IF NOT EXISTS user_keys(user_id TEXT PRIMARY KEY, key_check BLOB NOT NULL,"
        " password_salt BLOB, argon2_t INTEGER, argon2_m INTEGER, argon2_p INTEGER, password_wrap BLOB,"
        " card_wrap BLOB, card_certificate_sha256 BLOB, updated_utc TEXT NOT NULL)"));
    m_ready = created.has_value();
    return created;
}

Expected<void> UserKeyring::create(const QString& userId, QByteArrayView password)
{
    if (!isValidUserId(userId)) {
        return fail(
            ErrorCode::InvalidArgument,
            QStringLiteral("\"%1\" is not a valid user ID for a key (1-64 letters, digits, '.', '_', '-')")
                .arg(userId));
    }
    if (auto ready = ensureTable(); !ready) {
        return ready;
    }
    auto existing = m_vault.query(QStringLiteral("SELECT 1 FROM user_keys WHERE user_id = ?"), {userId});
    if (!existing) {
        return std::unexpected(existing.error());
    }
    if (!existing->isEmpty()) {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("User \"%1\" already has a data key: change its password wrap instead")
                        .arg(userId));
    }
    const SecretKey dataKey = SecretKey::random();
    if (auto inserted = m_vault.exec(
            QStringLiteral("INSERT INTO user_keys(user_id, key_check, updated_utc) VALUES (?, ?, ?)"),
            {userId, keyCheck(dataKey), nowText()});
        !inserted) {
        return inserted;
    }
    return rewrapPassword(userId, dataKey, password);
}

Expected<SecretKey> UserKeyring::unwrapWithPassword(const QString& userId, QByteArrayView password)
{
    if (auto ready = ensureTable(); !ready) {
        return std::unexpected(ready.error());
    }
    auto rows =
        m_vault.query(QStringLiteral("SELECT password_salt, argon2_t, argon2_m, argon2_p, password_wrap, "
                                     "key_check FROM user_keys WHERE user_id = ?"),
                      {userId});
    if (!rows) {
        return std::unexpected(rows.error());
    }
    if (rows->isEmpty()) {
        return fail(ErrorCode::NotFound, QStringLiteral("User \"%1\" has no data key").arg(userId));
    }
    const QVariantList& row = rows->first();
    if (row.at(4).isNull()) {
        return fail(ErrorCode::NotFound,
                    QStringLiteral("The data key of \"%1\" is not wrapped under a password (the password was "
                                   "reset): sign in with the card to recover it")
                        .arg(userId));
    }
    const Argon2Params params{static_cast<std::uint32_t>(row.at(1).toLongLong()),
                              static_cast<std::uint32_t>(row.at(2).toLongLong()),
                              static_cast<std::uint32_t>(row.at(3).toLongLong())};
    auto kek = deriveKeyArgon2id(password, row.at(0).toByteArray(), params);
    if (!kek) {
        return std::unexpected(kek.error());
    }
    auto plain = aesgcm::open(*kek, row.at(4).toByteArray(), associatedData(userId));
    if (!plain) {
        return fail(ErrorCode::AuthenticationFailed,
                    QStringLiteral("The password does not unlock the data key of \"%1\"").arg(userId));
    }
    auto key = SecretKey::fromBytes(*plain);
    plain->fill('\0');
    if (!key || keyCheck(*key) != row.at(5).toByteArray()) {
        return fail(ErrorCode::VaultCorrupt,
                    QStringLiteral("The stored data key of \"%1\" is damaged").arg(userId));
    }
    return key;
}

Expected<void> UserKeyring::requireDataKeyOf(const QString& userId, const SecretKey& dataKey)
{
    if (auto ready = ensureTable(); !ready) {
        return ready;
    }
    auto rows = m_vault.query(QStringLiteral("SELECT key_check FROM user_keys WHERE user_id = ?"), {userId});
    if (!rows) {
        return std::unexpected(rows.error());
    }
    if (rows->isEmpty()) {
        return fail(ErrorCode::NotFound, QStringLiteral("User \"%1\" has no data key").arg(userId));
    }
    if (keyCheck(dataKey) != rows->first().first().toByteArray()) {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("Refusing to wrap a key that is not the data key of \"%1\"").arg(userId));
    }
    return {};
}

Expected<void> UserKeyring::rewrapPassword(const QString& userId, const SecretKey& dataKey,
                                           QByteArrayView newPassword)
{
    if (auto own = requireDataKeyOf(userId, dataKey); !own) {
        return own;
    }
    const QByteArray salt = randomBytes(kSaltSize);
    auto kek = deriveKeyArgon2id(newPassword, salt, m_params);
    if (!kek) {
        return std::unexpected(kek.error());
    }
    const QByteArray wrapped = aesgcm::seal(*kek, dataKey.view(), associatedData(userId));
    return m_vault.exec(QStringLiteral("UPDATE user_keys SET password_salt = ?, argon2_t = ?, argon2_m = ?, "
                                       "argon2_p = ?, password_wrap = ?, updated_utc = ? WHERE user_id = ?"),
                        {salt, qint64(m_params.timeCost), qint64(m_params.memoryKiB),
                         qint64(m_params.parallelism), wrapped, nowText(), userId});
}

Expected<void> UserKeyring::setCardWrap(const QString& userId, const SecretKey& dataKey,
                                        QByteArrayView certificateDer)
{
    if (auto own = requireDataKeyOf(userId, dataKey); !own) {
        return own;
    }
    const auto* der = reinterpret_cast<const unsigned char*>(certificateDer.data());
    X509Handle certificate(d2i_X509(nullptr, &der, static_cast<long>(certificateDer.size())));
    EVP_PKEY* publicKey = certificate ? X509_get0_pubkey(certificate.get()) : nullptr;
    if (!publicKey || EVP_PKEY_get_base_id(publicKey) != EVP_PKEY_RSA ||
        EVP_PKEY_get_bits(publicKey) < 2048) {
        return fail(
            ErrorCode::CertificateInvalid,
            QStringLiteral("The card certificate of \"%1\" is not a DER X.509 certificate with an RSA key "
                           "of at least 2048 bits: the data key cannot be wrapped for the card")
                .arg(userId));
    }
    PkeyContext context(EVP_PKEY_CTX_new(publicKey, nullptr));
    std::size_t size = 0;
    bool ok = context && EVP_PKEY_encrypt_init(context.get()) == 1 &&
              EVP_PKEY_CTX_set_rsa_padding(context.get(), RSA_PKCS1_OAEP_PADDING) == 1 &&
              EVP_PKEY_CTX_set_rsa_oaep_md(context.get(), EVP_sha256()) == 1 &&
              EVP_PKEY_CTX_set_rsa_mgf1_md(context.get(), EVP_sha256()) == 1 &&
              EVP_PKEY_encrypt(context.get(), nullptr, &size, dataKey.bytes().data(), SecretKey::kSize) == 1;
    QByteArray wrapped(static_cast<qsizetype>(size), Qt::Uninitialized);
    ok = ok && EVP_PKEY_encrypt(context.get(), reinterpret_cast<unsigned char*>(wrapped.data()), &size,
                                dataKey.bytes().data(), SecretKey::kSize) == 1;
    if (!ok) {
        return fail(
            ErrorCode::CertificateInvalid,
            QStringLiteral("RSA-OAEP encryption with the card certificate of \"%1\" failed").arg(userId));
    }
    wrapped.resize(static_cast<qsizetype>(size));
    const QByteArray fingerprint =
        QCryptographicHash::hash(QByteArrayView(certificateDer), QCryptographicHash::Sha256);
    return m_vault.exec(QStringLiteral("UPDATE user_keys SET card_wrap = ?, card_certificate_sha256 = ?, "
                                       "updated_utc = ? WHERE user_id = ?"),
                        {wrapped, fingerprint, nowText(), userId});
}

Expected<SecretKey> UserKeyring::unwrapWithCard(const QString& userId, const CardDecrypt& decrypt)
{
    if (auto ready = ensureTable(); !ready) {
        return std::unexpected(ready.error());
    }
    auto rows = m_vault.query(QStringLiteral("SELECT card_wrap, key_check FROM user_keys WHERE user_id = ?"),
                              {userId});
    if (!rows) {
        return std::unexpected(rows.error());
    }
    if (rows->isEmpty() || rows->first().at(0).isNull()) {
        return fail(ErrorCode::NotFound,
                    QStringLiteral("The data key of \"%1\" is not wrapped for a card (bind the card first)")
                        .arg(userId));
    }
    auto plain = decrypt(rows->first().at(0).toByteArray());
    if (!plain) {
        return std::unexpected(plain.error());
    }
    auto key = SecretKey::fromBytes(*plain);
    plain->fill('\0');
    if (!key || keyCheck(*key) != rows->first().at(1).toByteArray()) {
        return fail(
            ErrorCode::VaultKeyInvalid,
            QStringLiteral("The card did not return the data key of \"%1\" (another card?)").arg(userId));
    }
    return key;
}

Expected<void> UserKeyring::dropPasswordWrap(const QString& userId, bool acceptDataLoss)
{
    if (auto ready = ensureTable(); !ready) {
        return ready;
    }
    auto rows = m_vault.query(QStringLiteral("SELECT card_wrap FROM user_keys WHERE user_id = ?"), {userId});
    if (!rows) {
        return std::unexpected(rows.error());
    }
    if (rows->isEmpty()) {
        return {}; // nothing to drop
    }
    if (rows->first().first().isNull()) {
        if (!acceptDataLoss) {
            return fail(
                ErrorCode::InvalidArgument,
                QStringLiteral("User \"%1\" has no card wrap of the data key: dropping the password wrap "
                               "would make the user's drafts unrecoverable. Bind the card first, or "
                               "confirm the loss explicitly.")
                    .arg(userId));
        }
        return m_vault.exec(QStringLiteral("DELETE FROM user_keys WHERE user_id = ?"), {userId});
    }
    return m_vault.exec(
        QStringLiteral("UPDATE user_keys SET password_salt = NULL, argon2_t = NULL, argon2_m = NULL, "
                       "argon2_p = NULL, password_wrap = NULL, updated_utc = ? WHERE user_id = ?"),
        {nowText(), userId});
}

bool UserKeyring::hasPasswordWrap(const QString& userId)
{
    if (!ensureTable()) {
        return false;
    }
    auto rows = m_vault.query(
        QStringLiteral("SELECT 1 FROM user_keys WHERE user_id = ? AND password_wrap IS NOT NULL"), {userId});
    return rows && !rows->isEmpty();
}

bool UserKeyring::hasCardWrap(const QString& userId)
{
    if (!ensureTable()) {
        return false;
    }
    auto rows = m_vault.query(
        QStringLiteral("SELECT 1 FROM user_keys WHERE user_id = ? AND card_wrap IS NOT NULL"), {userId});
    return rows && !rows->isEmpty();
}

QByteArray UserKeyring::cardCertificateSha256(const QString& userId)
{
    if (!ensureTable()) {
        return {};
    }
    auto rows = m_vault.query(
        QStringLiteral("SELECT card_certificate_sha256 FROM user_keys WHERE user_id = ?"), {userId});
    return rows && !rows->isEmpty() ? rows->first().first().toByteArray() : QByteArray();
}

QString userVaultPath(const WorkstationPaths& paths, const QString& userId)
{
    return paths.vaultDir() + QStringLiteral("/users/") + userId + QStringLiteral(".db");
}

Expected<std::unique_ptr<Vault>> openUserVault(const WorkstationPaths& paths, const QString& userId,
                                               const SecretKey& dataKey)
{
    if (!UserKeyring::isValidUserId(userId)) {
        return fail(ErrorCode::InvalidArgument, QStringLiteral("\"%1\" is not a valid user ID").arg(userId));
    }
    if (auto dir = ensurePrivateDirectory(paths.vaultDir()); !dir) {
        return std::unexpected(dir.error());
    }
    if (auto dir = ensurePrivateDirectory(paths.vaultDir() + QStringLiteral("/users")); !dir) {
        return std::unexpected(dir.error());
    }
    return Vault::open(userVaultPath(paths, userId), deriveSubkey(dataKey, "dokuei user vault v1"));
}

Expected<QString> retireUserVault(const WorkstationPaths& paths, const QString& userId)
{
    if (!UserKeyring::isValidUserId(userId)) {
        return fail(ErrorCode::InvalidArgument, QStringLiteral("\"%1\" is not a valid user ID").arg(userId));
    }
    const QString path = userVaultPath(paths, userId);
    if (!QFile::exists(path)) {
        return QString();
    }
    const QString retired = path + QStringLiteral(".unrecoverable-") +
                            QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMddTHHmmssZ"));
    if (!QFile::rename(path, retired)) {
        return fail(ErrorCode::IoFailure,
                    QStringLiteral("Cannot rename \"%1\" to \"%2\"").arg(path, retired));
    }
    return retired;
}

} // namespace dokuei::security
