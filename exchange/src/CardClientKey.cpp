// The ENGINE API is deprecated in OpenSSL 3, but libp11's pkcs11 engine is what Debian 12 ships (no
// provider yet): use it deliberately.
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include "dokuei/exchange/CardClientKey.h"

#include <dokuei/security/SmartCard.h>
#include <memory>

#include <QFile>
#include <QMutex>
#include <QMutexLocker>

#include <openssl/crypto.h>
#include <openssl/engine.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ui.h>

namespace dokuei::exchange {

namespace {

struct UiMethodDeleter
{
    void operator()(UI_METHOD* p) const { UI_destroy_method(p); }
};

// The engine lives as long as the process: it is on OpenSSL's engine list (LIST_ADD), and OpenSSL's own
// exit handler (OPENSSL_cleanup) releases it. Freeing it from a static destructor would run after that
// handler and crash.
struct EngineHolder
{
    ENGINE* engine = nullptr;
    QString modulePath;
};

QMutex& engineMutex()
{
    static QMutex mutex;
    return mutex;
}

EngineHolder& holder()
{
    static EngineHolder h;
    return h;
}

QString opensslErrors()
{
    QStringList parts;
    while (const unsigned long e = ERR_get_error()) {
        char buf[256];
        ERR_error_string_n(e, buf, sizeof buf);
        parts.append(QString::fromLatin1(buf));
    }
    return parts.join(QStringLiteral("; "));
}

struct PinData
{
    const QByteArray* pin = nullptr;
};

int uiReader(UI* ui, UI_STRING* uis)
{
    switch (UI_get_string_type(uis)) {
    case UIT_PROMPT:
    case UIT_VERIFY: {
        auto* data = static_cast<PinData*>(UI_get0_user_data(ui));
        if (!data || !data->pin)
            return 0;
        return UI_set_result_ex(ui, uis, data->pin->constData(), int(data->pin->size())) == 0 ? 1 : 0;
    }
    default:
        return 1; // info / error strings: nothing to show, never a TTY
    }
}

int uiNoop(UI*)
{
    return 1;
}
int uiWriter(UI*, UI_STRING*)
{
    return 1;
}

Expected<ENGINE*> engine(const CardClientKeySettings& settings)
{
    EngineHolder& h = holder();
    if (h.engine) {
        if (h.modulePath != settings.modulePath)
            return fail(
                ErrorCode::Unsupported,
                QStringLiteral("The pkcs11 engine is already bound to the module %1").arg(h.modulePath));
        return h.engine;
    }
    if (!QFile::exists(settings.enginePath))
        return fail(ErrorCode::DependencyMissing,
                    QStringLiteral("The OpenSSL pkcs11 engine %1 is missing (libengine-pkcs11-openssl)")
                        .arg(settings.enginePath));
    if (!QFile::exists(settings.modulePath))
        return fail(ErrorCode::Pkcs11ModuleUnavailable,
                    QStringLiteral("The PKCS#11 module %1 is missing").arg(settings.modulePath));
    ENGINE_load_dynamic();
    ENGINE* e = ENGINE_by_id("dynamic");
    if (!e)
        return fail(ErrorCode::DependencyMissing,
                    QStringLiteral("OpenSSL has no dynamic engine: %1").arg(opensslErrors()));
    const QByteArray so = QFile::encodeName(settings.enginePath);
    const QByteArray module = QFile::encodeName(settings.modulePath);
    if (ENGINE_ctrl_cmd_string(e, "SO_PATH", so.constData(), 0) != 1 ||
        ENGINE_ctrl_cmd_string(e, "ID", "pkcs11", 0) != 1 ||
        ENGINE_ctrl_cmd_string(e, "LIST_ADD", "1", 0) != 1 ||
        ENGINE_ctrl_cmd_string(e, "LOAD", nullptr, 0) != 1 ||
        ENGINE_ctrl_cmd_string(e, "MODULE_PATH", module.constData(), 0) != 1 || ENGINE_init(e) != 1) {
        const QString detail = opensslErrors();
        ENGINE_free(e);
        return fail(
            ErrorCode::Pkcs11Failure,
            QStringLiteral("Cannot load the pkcs11 engine with %1: %2").arg(settings.modulePath, detail));
    }
    h.engine = e;
    h.modulePath = settings.modulePath;
    return e;
}

} // namespace

Expected<QSslKey> CardClientKey::loadPrivateKey(const CardClientKeySettings& settings, QByteArray& pin)
{
    struct Zero
    {
        QByteArray& p;
        ~Zero()
        {
            if (!p.isEmpty())
                OPENSSL_cleanse(p.data(), size_t(p.size()));
            p.clear();
        }
    } zero{pin};
    if (pin.isEmpty())
        return fail(ErrorCode::CardPinMissing, QStringLiteral("No PIN was given for the card"));
    if (!settings.keyUri.startsWith(QLatin1String("pkcs11:")))
        return fail(ErrorCode::InvalidArgument, QStringLiteral("The card key URI must be a pkcs11: URI"));

    QMutexLocker lock(&engineMutex());
    auto e = engine(settings);
    if (!e)
        return std::unexpected(e.error());
    ERR_clear_error();

    std::unique_ptr<UI_METHOD, UiMethodDeleter> method(UI_create_method("dokuei-pin"));
    UI_method_set_opener(method.get(), uiNoop);
    UI_method_set_closer(method.get(), uiNoop);
    UI_method_set_writer(method.get(), uiWriter);
    UI_method_set_flusher(method.get(), uiNoop);
    UI_method_set_reader(method.get(), uiReader);
    PinData data{&pin};
    const QByteArray uri = settings.keyUri.toUtf8();
    EVP_PKEY* pkey = ENGINE_load_private_key(*e, uri.constData(), method.get(), &data);
    // libp11 keeps a copy of a PIN given through the UI (for re-login): clear it (it cleanses it).
    ENGINE_ctrl_cmd_string(*e, "PIN", nullptr, 0);
    if (!pkey) {
        const QString detail = opensslErrors();
        if (detail.contains(QLatin1String("PIN"), Qt::CaseInsensitive) ||
            detail.contains(QLatin1String("login"), Qt::CaseInsensitive))
            return fail(ErrorCode::CardPinIncorrect,
                        QStringLiteral("The card refused the PIN (%1)").arg(detail));
        return fail(
            ErrorCode::CardAbsent,
            QStringLiteral("The card's authentication key %1 cannot be loaded: no such card or key (%2)")
                .arg(settings.keyUri, detail));
    }
    ERR_clear_error();
    return QSslKey(Qt::HANDLE(pkey), QSsl::PrivateKey); // Qt owns the EVP_PKEY
}

Expected<QSslCertificate> CardClientKey::certificateFromDer(const QByteArray& der)
{
    QSslCertificate certificate(der, QSsl::Der);
    if (certificate.isNull())
        return fail(ErrorCode::CertificateInvalid,
                    QStringLiteral("The card's authentication certificate cannot be parsed"));
    return certificate;
}

Expected<ClientCredentials> CardClientKey::load(const CardClientKeySettings& settings,
                                                const security::SmartCard& card, QByteArray& pin)
{
    auto der = card.authenticationCertificateDer();
    if (!der) {
        OPENSSL_cleanse(pin.data(), size_t(pin.size()));
        pin.clear();
        return std::unexpected(der.error());
    }
    auto certificate = certificateFromDer(*der);
    if (!certificate) {
        OPENSSL_cleanse(pin.data(), size_t(pin.size()));
        pin.clear();
        return std::unexpected(certificate.error());
    }
    auto key = loadPrivateKey(settings, pin);
    if (!key)
        return std::unexpected(key.error());
    return ClientCredentials{*key, *certificate};
}

} // namespace dokuei::exchange
