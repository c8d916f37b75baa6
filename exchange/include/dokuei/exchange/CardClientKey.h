#pragma once

#include <dokuei/common/Error.h>

#include <QByteArray>
#include <QSslCertificate>
#include <QSslKey>
#include <QString>

namespace dokuei::security {
class SmartCard;
}

namespace dokuei::exchange {

struct CardClientKeySettings
{
    QString modulePath; ///< the PKCS#11 module (e.g. SoftHSM2's or the card vendor's)
    QString enginePath = QStringLiteral("/usr/lib/x86_64-linux-gnu/engines-3/pkcs11.so");
    /// The private key: "pkcs11:token=<label>;object=auth;type=private" (or with serial=...).
    QString keyUri;
};

struct ClientCredentials
{
    QSslKey key; ///< wraps the engine's EVP_PKEY; Qt owns it
    QSslCertificate certificate;
};

/// The card's authentication key for mutual TLS, through OpenSSL's pkcs11 engine (libp11): the dynamic
/// engine is loaded once per process with MODULE_PATH; the PIN is given through a UI_METHOD reading it
/// from memory (never a TTY), and every copy of it is zeroed afterwards.
/// PKCS#11 login is per process: after the card was logged out (lock), load the key again after unlock.
class CardClientKey
{
public:
    /// CardAbsent when no token matches the URI or the module reports none; CardPinIncorrect when the
    /// login fails; Pkcs11Failure / DependencyMissing for engine problems. `pin` is zeroed.
    static Expected<QSslKey> loadPrivateKey(const CardClientKeySettings& settings, QByteArray& pin);
    /// DER (security::SmartCard::authenticationCertificateDer) to QSslCertificate.
    static Expected<QSslCertificate> certificateFromDer(const QByteArray& der);
    /// Key and certificate: certificate from the card, key through the engine.
    static Expected<ClientCredentials> load(const CardClientKeySettings& settings,
                                            const security::SmartCard& card, QByteArray& pin);
};

} // namespace dokuei::exchange
