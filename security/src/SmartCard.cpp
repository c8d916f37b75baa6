#include "dokuei/security/SmartCard.h"

#include "Pkcs11Session.h"
#include "dokuei/security/CertificateVerifier.h"
#include "dokuei/security/Pkcs11Module.h"

#include <cstring>
#include <optional>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

namespace dokuei::security {
namespace {

/// Room for any RSA signature or plaintext up to 8192-bit keys.
constexpr CK_ULONG kMaxRsaBytes = 1024;

/// DER prefix of DigestInfo { sha256, NULL } followed by the 32-byte hash (RFC 8017 section 9.2).
constexpr unsigned char kSha256DigestInfoPrefix[] = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60,
                                                     0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                                                     0x01, 0x05, 0x00, 0x04, 0x20};

enum class Role
{
    Authentication,
    Signing
};

struct CertificateObject
{
    QByteArray id;
    QString label;
    QByteArray der;
    std::optional<CertificateInfo> info;
};

bool cardGone(CK_RV rv)
{
    return rv == CKR_DEVICE_REMOVED || rv == CKR_TOKEN_NOT_PRESENT || rv == CKR_SESSION_HANDLE_INVALID ||
           rv == CKR_SESSION_CLOSED || rv == CKR_SLOT_ID_INVALID || rv == CKR_TOKEN_NOT_RECOGNIZED;
}

std::unexpected<Error> cardRemoved(CK_RV rv)
{
    return fail(
        ErrorCode::CardAbsent,
        QStringLiteral("The smart card was removed (or the card reader was reset): insert the card and "
                       "sign in again (%1)")
            .arg(ckrName(rv)));
}

/// Wipes a byte array's contents (PIN copies).
void wipe(QByteArray& bytes)
{
    if (!bytes.isEmpty()) {
        OPENSSL_cleanse(bytes.data(), static_cast<size_t>(bytes.size()));
    }
    bytes.clear();
}

} // namespace

struct SmartCard::Impl
{
    Pkcs11Module* module = nullptr;
    CK_FUNCTION_LIST* functions = nullptr;
    quint64 generation = 0;
    CK_SLOT_ID slot = 0;
    CardInfo info;
    std::optional<Pkcs11Session> session;
    bool loggedIn = false;
    mutable std::optional<QList<CertificateObject>> certificates;

    ~Impl()
    {
        if (!session) {
            return;
        }
        if (stale()) {
            session->abandon(); // the module was finalised: the handle died with it
        } else if (loggedIn) {
            functions->C_Logout(session->handle());
        }
    }

    bool stale() const { return Pkcs11ModuleAccess::generation(*module) != generation; }

    Expected<void> usable() const
    {
        if (stale()) {
            return fail(ErrorCode::CardAbsent,
                        QStringLiteral("The smart card connection was reset (the card middleware was "
                                       "re-initialised): open the card again"));
        }
        return {};
    }

    void refreshInfo()
    {
        CK_TOKEN_INFO token = {};
        if (functions->C_GetTokenInfo(slot, &token) == CKR_OK) {
            info.pinCountLow = (token.flags & CKF_USER_PIN_COUNT_LOW) != 0;
            info.pinFinalTry = (token.flags & CKF_USER_PIN_FINAL_TRY) != 0;
            info.pinLocked = (token.flags & CKF_USER_PIN_LOCKED) != 0;
        }
    }

    Expected<QList<CertificateObject>> readCertificates() const
    {
        if (certificates) {
            return *certificates;
        }
        CK_OBJECT_CLASS certificateClass = CKO_CERTIFICATE;
        CK_CERTIFICATE_TYPE certificateType = CKC_X_509;
        CK_ATTRIBUTE templ[] = {{CKA_CLASS, &certificateClass, sizeof certificateClass},
                                {CKA_CERTIFICATE_TYPE, &certificateType, sizeof certificateType}};
        auto objects = session->findObjects(templ, 2);
        if (!objects) {
            return std::unexpected(objects.error());
        }
        QList<CertificateObject> result;
        for (const CK_OBJECT_HANDLE object : *objects) {
            auto value = session->attribute(object, CKA_VALUE);
            auto id = session->attribute(object, CKA_ID);
            auto label = session->attribute(object, CKA_LABEL);
            if (!value || !id || !label) {
                return std::unexpected(!value ? value.error() : !id ? id.error() : label.error());
            }
            if (!*value) {
                continue;
            }
            CertificateObject certificate;
            certificate.der = **value;
            certificate.id = id->value_or(QByteArray());
            certificate.label = QString::fromUtf8(label->value_or(QByteArray())).trimmed();
            if (auto parsed = parseCertificate(certificate.der)) {
                certificate.info = *parsed;
            }
            result << certificate;
        }
        certificates = result;
        return result;
    }

    /// The certificate for a role (rule in SmartCard.h).
    Expected<CertificateObject> certificateFor(Role role) const
    {
        if (auto ok = usable(); !ok) {
            return std::unexpected(ok.error());
        }
        auto all = readCertificates();
        if (!all) {
            return std::unexpected(all.error());
        }
        const QString preferredLabel =
            role == Role::Authentication ? QStringLiteral("auth") : QStringLiteral("sign");
        QList<const CertificateObject*> byUsage;
        for (const CertificateObject& certificate : *all) {
            if (!certificate.info) {
                continue;
            }
            const bool matches = role == Role::Authentication
                                     ? certificate.info->digitalSignature && !certificate.info->nonRepudiation
                                     : certificate.info->nonRepudiation;
            if (matches) {
                byUsage << &certificate;
            }
        }
        for (const CertificateObject* certificate : byUsage) {
            if (certificate->label.compare(preferredLabel, Qt::CaseInsensitive) == 0) {
                return *certificate;
            }
        }
        if (!byUsage.isEmpty()) {
            return *byUsage.front();
        }
        for (const CertificateObject& certificate : *all) {
            if (certificate.label.compare(preferredLabel, Qt::CaseInsensitive) == 0) {
                return certificate;
            }
        }
        return fail(
            ErrorCode::CertificateInvalid,
            QStringLiteral("The smart card \"%1\" holds no %2 certificate (%3 certificates on the card): "
                           "use the card issued for dokuei sign-in")
                .arg(info.tokenLabel, role == Role::Authentication
                                          ? QStringLiteral("authentication")
                                          : QStringLiteral("signing (nonRepudiation)"))
                .arg(all->size()));
    }

    /// The private key object belonging to a certificate (same CKA_ID, else same label). Needs login.
    Expected<CK_OBJECT_HANDLE> privateKeyFor(const CertificateObject& certificate) const
    {
        CK_OBJECT_CLASS keyClass = CKO_PRIVATE_KEY;
        QByteArray label = certificate.label.toUtf8();
        const bool byId = !certificate.id.isEmpty();
        CK_ATTRIBUTE templ[] = {
            {CKA_CLASS, &keyClass, sizeof keyClass},
            byId ? CK_ATTRIBUTE{CKA_ID, const_cast<char*>(certificate.id.constData()),
                                static_cast<CK_ULONG>(certificate.id.size())}
                 : CK_ATTRIBUTE{CKA_LABEL, label.data(), static_cast<CK_ULONG>(label.size())}};
        auto keys = session->findObjects(templ, 2);
        if (!keys) {
            return std::unexpected(keys.error());
        }
        if (keys->isEmpty()) {
            return fail(
                ErrorCode::Pkcs11Failure,
                QStringLiteral("The smart card \"%1\" has no private key for its certificate \"%2\" (%3 %4)")
                    .arg(info.tokenLabel, certificate.label,
                         byId ? QStringLiteral("CKA_ID") : QStringLiteral("CKA_LABEL"),
                         byId ? QString::fromLatin1(certificate.id.toHex()) : certificate.label));
        }
        const CK_OBJECT_HANDLE key = keys->front();
        auto type = session->attribute(key, CKA_KEY_TYPE);
        if (!type) {
            return std::unexpected(type.error());
        }
        CK_KEY_TYPE keyType = CKK_RSA;
        if (*type && (*type)->size() == sizeof keyType) {
            std::memcpy(&keyType, (*type)->constData(), sizeof keyType);
        }
        if (keyType != CKK_RSA) {
            return fail(
                ErrorCode::Unsupported,
                QStringLiteral("The smart card's key for \"%1\" is not an RSA key: dokuei supports RSA cards")
                    .arg(certificate.label));
        }
        return key;
    }

    Expected<void> requireLogin() const
    {
        if (auto ok = usable(); !ok) {
            return ok;
        }
        if (!loggedIn) {
            return fail(ErrorCode::CardPinMissing,
                        QStringLiteral("The smart card is not unlocked: enter the card's PIN first"));
        }
        return {};
    }

    /// One RSA operation (sign or decrypt) on the authentication key.
    /// `rvOut` receives the card's answer (CKR_OK when the card was not asked).
    Expected<QByteArray> rsaOperation(bool decrypt, CK_MECHANISM* mechanism, QByteArrayView input,
                                      CK_RV* rvOut = nullptr)
    {
        if (auto ok = requireLogin(); !ok) {
            return std::unexpected(ok.error());
        }
        auto certificate = certificateFor(Role::Authentication);
        if (!certificate) {
            return std::unexpected(certificate.error());
        }
        auto key = privateKeyFor(*certificate);
        if (!key) {
            return std::unexpected(key.error());
        }
        const CK_SESSION_HANDLE handle = session->handle();
        CK_RV rv = decrypt ? functions->C_DecryptInit(handle, mechanism, *key)
                           : functions->C_SignInit(handle, mechanism, *key);
        QByteArray output(static_cast<qsizetype>(kMaxRsaBytes), '\0');
        CK_ULONG length = kMaxRsaBytes;
        if (rv == CKR_OK) {
            auto* in = reinterpret_cast<CK_BYTE*>(const_cast<char*>(input.data()));
            auto* out = reinterpret_cast<CK_BYTE*>(output.data());
            rv = decrypt ? functions->C_Decrypt(handle, in, static_cast<CK_ULONG>(input.size()), out, &length)
                         : functions->C_Sign(handle, in, static_cast<CK_ULONG>(input.size()), out, &length);
        }
        if (rvOut) {
            *rvOut = rv;
        }
        if (rv == CKR_OK && length <= kMaxRsaBytes) {
            output.resize(static_cast<qsizetype>(length));
            return output;
        }
        wipe(output);
        const QString operation = decrypt ? QStringLiteral("decrypt") : QStringLiteral("sign");
        if (cardGone(rv)) {
            loggedIn = false;
            return cardRemoved(rv);
        }
        if (rv == CKR_USER_NOT_LOGGED_IN) {
            loggedIn = false;
            return fail(ErrorCode::CardPinMissing,
                        QStringLiteral("The smart card is no longer unlocked: enter the card's PIN again"));
        }
        if (rv == CKR_KEY_FUNCTION_NOT_PERMITTED) {
            return fail(
                ErrorCode::Pkcs11Failure,
                QStringLiteral("The smart card's authentication key is not allowed to %1 (key usage set "
                               "when the card was issued)")
                    .arg(operation));
        }
        if (rv == CKR_ENCRYPTED_DATA_INVALID || rv == CKR_ENCRYPTED_DATA_LEN_RANGE ||
            rv == CKR_DATA_LEN_RANGE) {
            return fail(ErrorCode::Pkcs11Failure,
                        QStringLiteral("The smart card cannot %1 these %2 bytes: they were not made for this "
                                       "card's key (%3)")
                            .arg(operation)
                            .arg(input.size())
                            .arg(ckrName(rv)));
        }
        return fail(ErrorCode::Pkcs11Failure,
                    QStringLiteral("The smart card could not %1: %2").arg(operation, ckrName(rv)));
    }
};

SmartCard::SmartCard(std::unique_ptr<Impl> impl) : m_impl(std::move(impl))
{}

SmartCard::~SmartCard() = default;

Expected<std::unique_ptr<SmartCard>> SmartCard::open(Pkcs11Module& module, const QString& preferredSerial)
{
    CK_FUNCTION_LIST* functions = Pkcs11ModuleAccess::functions(module);
    auto tokens = presentTokens(functions, module.path());
    if (!tokens) {
        return std::unexpected(tokens.error());
    }
    if (tokens->isEmpty()) {
        return fail(ErrorCode::CardAbsent,
                    QStringLiteral("No smart card was found: insert your card into the reader and try again "
                                   "(card middleware \"%1\")")
                        .arg(module.path()));
    }
    const Pkcs11PresentToken* chosen = &tokens->front();
    if (!preferredSerial.isEmpty()) {
        for (const Pkcs11PresentToken& token : *tokens) {
            if (pkcs11Text(token.info.serialNumber, sizeof token.info.serialNumber) == preferredSerial ||
                pkcs11Text(token.info.label, sizeof token.info.label) == preferredSerial) {
                chosen = &token;
                break;
            }
        }
    }
    auto impl = std::make_unique<Impl>();
    impl->module = &module;
    impl->functions = functions;
    impl->generation = Pkcs11ModuleAccess::generation(module);
    impl->slot = chosen->slot;
    impl->info.tokenLabel = pkcs11Text(chosen->info.label, sizeof chosen->info.label);
    impl->info.serialNumber = pkcs11Text(chosen->info.serialNumber, sizeof chosen->info.serialNumber);
    impl->info.manufacturer = pkcs11Text(chosen->info.manufacturerID, sizeof chosen->info.manufacturerID);
    impl->info.pinCountLow = (chosen->info.flags & CKF_USER_PIN_COUNT_LOW) != 0;
    impl->info.pinFinalTry = (chosen->info.flags & CKF_USER_PIN_FINAL_TRY) != 0;
    impl->info.pinLocked = (chosen->info.flags & CKF_USER_PIN_LOCKED) != 0;
    auto session = Pkcs11Session::open(functions, chosen->slot);
    if (!session) {
        return std::unexpected(session.error());
    }
    impl->session.emplace(std::move(*session));
    return std::unique_ptr<SmartCard>(new SmartCard(std::move(impl)));
}

CardInfo SmartCard::info() const
{
    return m_impl->info;
}

Expected<QByteArray> SmartCard::authenticationCertificateDer() const
{
    auto certificate = m_impl->certificateFor(Role::Authentication);
    if (!certificate) {
        return std::unexpected(certificate.error());
    }
    return certificate->der;
}

Expected<QByteArray> SmartCard::signingCertificateDer() const
{
    auto certificate = m_impl->certificateFor(Role::Signing);
    if (!certificate) {
        return std::unexpected(certificate.error());
    }
    return certificate->der;
}

QString SmartCard::pinFinalTryWarning()
{
    return QStringLiteral("Warning: one more wrong PIN locks the card.");
}

QString SmartCard::pinCountLowWarning()
{
    return QStringLiteral("Warning: the card reports that few tries are left before it locks.");
}

Expected<void> SmartCard::login(const QString& pin)
{
    if (auto ok = m_impl->usable(); !ok) {
        return ok;
    }
    if (pin.isEmpty()) {
        return fail(ErrorCode::CardPinMissing, QStringLiteral("Enter the PIN of your smart card"));
    }
    m_impl->refreshInfo();
    if (m_impl->info.pinLocked) {
        return fail(
            ErrorCode::CardPinLocked,
            QStringLiteral("The PIN of smart card \"%1\" is locked after too many wrong entries: ask the "
                           "card issuer to unblock it")
                .arg(m_impl->info.tokenLabel));
    }
    CK_FUNCTION_LIST* f = m_impl->functions;
    const CK_SESSION_HANDLE handle = m_impl->session->handle();
    QByteArray utf8 = pin.toUtf8();
    auto* pinBytes = reinterpret_cast<CK_UTF8CHAR*>(utf8.data());
    const auto pinLength = static_cast<CK_ULONG>(utf8.size());
    CK_RV rv = f->C_Login(handle, CKU_USER, pinBytes, pinLength);
    if (rv == CKR_USER_ALREADY_LOGGED_IN) {
        // Someone in this process (another card object, the pkcs11 engine) left the token unlocked: the PIN
        // given now must still be checked, so start from a logged-out token. The first call checked nothing.
        f->C_Logout(handle);
        rv = f->C_Login(handle, CKU_USER, pinBytes, pinLength);
    }
    wipe(utf8);
    m_impl->refreshInfo();
    switch (rv) {
    case CKR_OK:
        m_impl->loggedIn = true;
        return {};
    case CKR_PIN_INCORRECT:
    case CKR_PIN_INVALID:
    case CKR_PIN_LEN_RANGE: {
        m_impl->loggedIn = false;
        QString message =
            QStringLiteral("The PIN is not correct for smart card \"%1\": check it and try again.")
                .arg(m_impl->info.tokenLabel);
        if (m_impl->info.pinFinalTry) {
            message += QLatin1Char(' ') + pinFinalTryWarning();
        } else if (m_impl->info.pinCountLow) {
            message += QLatin1Char(' ') + pinCountLowWarning();
        }
        return fail(ErrorCode::CardPinIncorrect, message);
    }
    case CKR_PIN_LOCKED:
        m_impl->loggedIn = false;
        m_impl->info.pinLocked = true;
        return fail(
            ErrorCode::CardPinLocked,
            QStringLiteral("The PIN of smart card \"%1\" is locked after too many wrong entries: ask the "
                           "card issuer to unblock it")
                .arg(m_impl->info.tokenLabel));
    case CKR_PIN_EXPIRED:
        f->C_Logout(handle);
        m_impl->loggedIn = false;
        return fail(
            ErrorCode::CardPinLocked,
            QStringLiteral("The PIN of smart card \"%1\" has expired: change it with the card issuer's "
                           "PIN tool, then sign in again")
                .arg(m_impl->info.tokenLabel));
    default:
        m_impl->loggedIn = false;
        if (cardGone(rv)) {
            return cardRemoved(rv);
        }
        return fail(ErrorCode::Pkcs11Failure,
                    QStringLiteral("The smart card refused the login: %1").arg(ckrName(rv)));
    }
}

bool SmartCard::loggedIn() const
{
    return m_impl->loggedIn && !m_impl->stale();
}

Expected<QByteArray> SmartCard::signWithAuthenticationKey(QByteArrayView data)
{
    QByteArray digestInfo(reinterpret_cast<const char*>(kSha256DigestInfoPrefix),
                          sizeof kSha256DigestInfoPrefix);
    unsigned char digest[32];
    unsigned int digestLength = 0;
    if (EVP_Digest(data.data(), static_cast<size_t>(data.size()), digest, &digestLength, EVP_sha256(),
                   nullptr) != 1 ||
        digestLength != sizeof digest) {
        return fail(ErrorCode::Pkcs11Failure, QStringLiteral("SHA-256 is unavailable"));
    }
    digestInfo.append(reinterpret_cast<const char*>(digest), sizeof digest);
    CK_MECHANISM mechanism = {CKM_RSA_PKCS, nullptr, 0};
    return m_impl->rsaOperation(false, &mechanism, digestInfo);
}

Expected<QByteArray> SmartCard::decryptWithAuthenticationKey(QByteArrayView ciphertext)
{
    CK_RSA_PKCS_OAEP_PARAMS parameters = {};
    parameters.hashAlg = CKM_SHA256;
    parameters.mgf = CKG_MGF1_SHA256;
    parameters.source = CKZ_DATA_SPECIFIED;
    parameters.pSourceData = nullptr;
    parameters.ulSourceDataLen = 0;
    CK_MECHANISM oaep = {CKM_RSA_PKCS_OAEP, &parameters, sizeof parameters};
    CK_RV rv = CKR_OK;
    auto onCard = m_impl->rsaOperation(true, &oaep, ciphertext, &rv);
    if (onCard ||
        (rv != CKR_MECHANISM_INVALID && rv != CKR_MECHANISM_PARAM_INVALID && rv != CKR_ARGUMENTS_BAD)) {
        return onCard;
    }
    // The module implements OAEP with SHA-1 only (SoftHSM 2.6 answers CKR_ARGUMENTS_BAD to SHA-256
    // parameters): raw RSA on the card, OAEP-SHA256 decoding here.
    return decryptRawThenDecodeOaep(ciphertext);
}

Expected<QByteArray> SmartCard::decryptRawThenDecodeOaep(QByteArrayView ciphertext)
{
    auto der = authenticationCertificateDer();
    if (!der) {
        return std::unexpected(der.error());
    }
    const auto* cursor = reinterpret_cast<const unsigned char*>(der->constData());
    X509* certificate = d2i_X509(nullptr, &cursor, der->size());
    const int modulusBytes = certificate ? EVP_PKEY_get_size(X509_get0_pubkey(certificate)) : 0;
    X509_free(certificate);
    if (modulusBytes <= 0 || ciphertext.size() != modulusBytes) {
        return fail(
            ErrorCode::Pkcs11Failure,
            QStringLiteral("The smart card cannot decrypt these %1 bytes: they were not made for this "
                           "card's key")
                .arg(ciphertext.size()));
    }
    CK_MECHANISM raw = {CKM_RSA_X_509, nullptr, 0};
    CK_RV rv = CKR_OK;
    auto block = m_impl->rsaOperation(true, &raw, ciphertext, &rv);
    if (!block) {
        if (rv == CKR_MECHANISM_INVALID) {
            return fail(ErrorCode::Unsupported,
                        QStringLiteral("The smart card supports neither RSA-OAEP with SHA-256 nor raw RSA "
                                       "decryption: it cannot unwrap the data key"));
        }
        return block;
    }
    // The encoded message, left-padded to the modulus length (modules may strip leading zeros).
    QByteArray encoded(modulusBytes - std::min<qsizetype>(block->size(), modulusBytes), '\0');
    encoded.append(*block);
    wipe(*block);
    QByteArray plaintext(modulusBytes, '\0');
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    // Constant-time OAEP decoding (OpenSSL's own, as used by its RSA decryption).
    const int length =
        RSA_padding_check_PKCS1_OAEP_mgf1(reinterpret_cast<unsigned char*>(plaintext.data()), modulusBytes,
                                          reinterpret_cast<const unsigned char*>(encoded.constData()),
                                          modulusBytes, modulusBytes, nullptr, 0, EVP_sha256(), EVP_sha256());
#pragma GCC diagnostic pop
    wipe(encoded);
    ERR_clear_error();
    if (length < 0) {
        wipe(plaintext);
        return fail(
            ErrorCode::Pkcs11Failure,
            QStringLiteral("The data could not be decrypted with the smart card's key: it was not made "
                           "for this card or was altered"));
    }
    plaintext.resize(length);
    return plaintext;
}

void SmartCard::logout()
{
    if (m_impl->loggedIn && !m_impl->stale()) {
        m_impl->functions->C_Logout(m_impl->session->handle());
    }
    m_impl->loggedIn = false;
}

bool SmartCard::present() const
{
    const auto present = m_impl->module->tokenPresent(m_impl->info.serialNumber);
    return present.value_or(false);
}

Expected<CertificateInfo> authenticateCard(SmartCard& card, const QString& pin,
                                           const CertificateVerifier& verifier)
{
    auto der = card.authenticationCertificateDer();
    if (!der) {
        return std::unexpected(der.error());
    }
    auto certificate = verifier.verify(*der, CertificateVerifier::Purpose::Authentication);
    if (!certificate) {
        return certificate;
    }
    if (auto loggedIn = card.login(pin); !loggedIn) {
        return std::unexpected(loggedIn.error());
    }
    QByteArray challenge(32, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(challenge.data()), static_cast<int>(challenge.size())) !=
        1) {
        card.logout();
        return fail(ErrorCode::Pkcs11Failure, QStringLiteral("No random challenge could be generated"));
    }
    auto signature = card.signWithAuthenticationKey(challenge);
    if (!signature) {
        card.logout();
        return std::unexpected(signature.error());
    }
    if (!CertificateVerifier::verifySignature(*der, challenge, *signature)) {
        card.logout();
        return fail(
            ErrorCode::ProofOfPossessionFailed,
            QStringLiteral("The smart card \"%1\" did not prove that it holds the key of its certificate "
                           "\"%2\": the card may be forged or damaged")
                .arg(card.info().tokenLabel, certificate->subject));
    }
    return certificate;
}

} // namespace dokuei::security
