#pragma once

#include "dokuei/common/Error.h"
#include "dokuei/security/CertificateInfo.h"

#include <memory>

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace dokuei::security {

class CertificateVerifier;
class Pkcs11Module;

/// What the card says about itself (C_GetTokenInfo), read at open and refreshed after each login attempt.
struct CardInfo
{
    QString tokenLabel;
    QString serialNumber;
    QString manufacturer;
    bool pinCountLow = false; ///< CKF_USER_PIN_COUNT_LOW: a wrong PIN was entered since the last login
    bool pinFinalTry = false; ///< CKF_USER_PIN_FINAL_TRY: one more wrong PIN locks the card
    bool pinLocked = false;   ///< CKF_USER_PIN_LOCKED
};

/// One inserted card (token) of a loaded module. Talks to the module's PKCS#11 functions directly and
/// never prompts anyone: the PIN comes from dokuei's own dialog. Not thread-safe; use it from one thread.
///
/// Which certificate is which (HPKI cards carry two key pairs): among the token's X.509 certificates,
/// - the authentication certificate is the one whose keyUsage has digitalSignature and not
///   nonRepudiation; among several, the one labelled "auth", else the first in the token's order; if no
///   certificate has such a keyUsage, the certificate labelled "auth";
/// - the signing certificate is the one whose keyUsage has nonRepudiation; among several, the one labelled
///   "sign", else the first; if none, the certificate labelled "sign".
/// The private key of a certificate is the private key object with the same CKA_ID (or, when the
/// certificate has no CKA_ID, the same CKA_LABEL).
///
/// The card must not outlive its module, and a module `reload()` makes it stale: every operation then
/// fails with CardAbsent and the card must be opened again.
class SmartCard
{
public:
    /// Opens the present card. CardAbsent when no token is present (the message names the module). With
    /// several tokens present: the one whose serial number or label equals `preferredSerial`, otherwise the
    /// first in the module's slot order. Opens a read-only session; no PIN is needed yet.
    static Expected<std::unique_ptr<SmartCard>> open(Pkcs11Module& module,
                                                     const QString& preferredSerial = {});
    ~SmartCard();
    SmartCard(const SmartCard&) = delete;
    SmartCard& operator=(const SmartCard&) = delete;

    CardInfo info() const;

    /// The authentication certificate (DER), readable without PIN (rule above). CertificateInvalid when
    /// the card holds none; CardAbsent when the card is gone.
    Expected<QByteArray> authenticationCertificateDer() const;
    /// The signing (nonRepudiation) certificate (DER), readable without PIN (rule above).
    Expected<QByteArray> signingCertificateDer() const;

    /// C_Login as the card user with `pin` (sent as UTF-8; the copy is wiped). Never retried: one call is
    /// one attempt. Empty PIN -> CardPinMissing (the card is not asked); wrong PIN (or a PIN of a length the
    /// card refuses) -> CardPinIncorrect, with a warning in the message when the card reports a low count
    /// or a final try; locked PIN -> CardPinLocked; card gone -> CardAbsent. When this application is
    /// already logged in to the token, it is logged out first so that the PIN is always checked.
    Expected<void> login(const QString& pin);
    bool loggedIn() const;

    /// The warnings login() appends (untranslated) to a CardPinIncorrect message when the card reports
    /// that one more wrong PIN locks it, or that few tries are left (SignInService::userMessage looks for
    /// them to keep the warning in what it shows).
    static QString pinFinalTryWarning();
    static QString pinCountLowWarning();

    /// Signs `data` with the authentication key: SHA-256 on the host, then CKM_RSA_PKCS over the DigestInfo
    /// (= RSA PKCS#1 v1.5 with SHA-256, what every card supports). Requires login (CardPinMissing
    /// otherwise).
    Expected<QByteArray> signWithAuthenticationKey(QByteArrayView data);

    /// RSA-OAEP decryption (SHA-256, MGF1-SHA-256, no label) with the authentication key. Requires login.
    /// On the card with CKM_RSA_PKCS_OAEP when the module accepts SHA-256 parameters; modules that only do
    /// OAEP with SHA-1 (SoftHSM 2.6: CKR_ARGUMENTS_BAD) get raw RSA (CKM_RSA_X_509) on the card and the
    /// OAEP decoding on the host (OpenSSL, constant time). Pkcs11Failure when the ciphertext was not made
    /// for this key or was altered, or the card refuses (for example a key without CKA_DECRYPT);
    /// Unsupported when the card offers neither mechanism.
    Expected<QByteArray> decryptWithAuthenticationKey(QByteArrayView ciphertext);

    /// Ends the login (C_Logout). Note: PKCS#11 login state belongs to the whole application, so this also
    /// logs out other users of the same token in this process.
    void logout();

    /// True while the token is still present: a token with this card's serial number answers
    /// C_GetTokenInfo. Opens no session.
    bool present() const;

private:
    struct Impl;
    explicit SmartCard(std::unique_ptr<Impl> impl);
    Expected<QByteArray> decryptRawThenDecodeOaep(QByteArrayView ciphertext);
    std::unique_ptr<Impl> m_impl;
};

/// The full card check at sign-in, in this order (nothing is sent to the card before the certificate is
/// known to be good, so a refused card costs no PIN try): read the authentication certificate, verify it
/// for Authentication, log in with `pin`, sign a fresh 32-byte random challenge (RAND_bytes), verify the
/// signature with the certificate (ProofOfPossessionFailed otherwise). Returns the verified certificate
/// and leaves the card logged in; on any failure after login the card is logged out again.
Expected<CertificateInfo> authenticateCard(SmartCard& card, const QString& pin,
                                           const CertificateVerifier& verifier);

} // namespace dokuei::security
