#include "dokuei/security/Pkcs11Module.h"

#include <QFileInfo>

#include <libp11.h>
#include <openssl/err.h>

namespace dokuei::security {
namespace {

/// Drains OpenSSL's error queue (where libp11 reports) into one line.
QString takeOpenSslErrors()
{
    QStringList reasons;
    while (const unsigned long code = ERR_get_error()) {
        char buffer[256] = {};
        ERR_error_string_n(code, buffer, sizeof buffer);
        reasons << QString::fromLatin1(buffer);
    }
    return reasons.isEmpty() ? QStringLiteral("no further detail") : reasons.join(QStringLiteral("; "));
}

QString fromC(const char* text)
{
    return text ? QString::fromUtf8(text).trimmed() : QString();
}

struct ContextDeleter
{
    void operator()(PKCS11_CTX* ctx) const { PKCS11_CTX_free(ctx); }
};
using ContextPtr = std::unique_ptr<PKCS11_CTX, ContextDeleter>;

} // namespace

struct Pkcs11Module::Impl
{
    QString path;
    ContextPtr ctx;
    bool loaded = false;

    ~Impl()
    {
        if (loaded) {
            PKCS11_CTX_unload(ctx.get());
        }
    }
};

Pkcs11Module::Pkcs11Module(std::unique_ptr<Impl> impl) : m_impl(std::move(impl))
{}

Pkcs11Module::~Pkcs11Module() = default;

Expected<std::unique_ptr<Pkcs11Module>> Pkcs11Module::load(const QString& path)
{
    if (path.isEmpty()) {
        return fail(
            ErrorCode::Pkcs11ModuleUnavailable,
            QStringLiteral("No PKCS#11 module is configured: set pkcs11/module to the smart card "
                           "middleware's library (for example /usr/lib/x86_64-linux-gnu/opensc-pkcs11.so)"));
    }
    const QFileInfo info(path);
    if (!info.isAbsolute()) {
        return fail(ErrorCode::Pkcs11ModuleUnavailable,
                    QStringLiteral("PKCS#11 module path must be absolute: \"%1\"").arg(path));
    }
    if (!info.isFile()) {
        return fail(ErrorCode::Pkcs11ModuleUnavailable,
                    QStringLiteral("PKCS#11 module \"%1\" does not exist").arg(path));
    }
    auto impl = std::make_unique<Impl>();
    impl->path = path;
    impl->ctx.reset(PKCS11_CTX_new());
    if (!impl->ctx) {
        return fail(ErrorCode::Pkcs11Failure, QStringLiteral("Cannot allocate a PKCS#11 context"));
    }
    ERR_clear_error();
    if (PKCS11_CTX_load(impl->ctx.get(), QFile::encodeName(path).constData()) != 0) {
        return fail(
            ErrorCode::Pkcs11ModuleUnavailable,
            QStringLiteral("\"%1\" could not be loaded as a PKCS#11 module (missing C_GetFunctionList or "
                           "C_Initialize failed): %2")
                .arg(path, takeOpenSslErrors()));
    }
    impl->loaded = true;
    return std::unique_ptr<Pkcs11Module>(new Pkcs11Module(std::move(impl)));
}

QString Pkcs11Module::path() const
{
    return m_impl->path;
}

QString Pkcs11Module::manufacturer() const
{
    return fromC(m_impl->ctx->manufacturer);
}

QString Pkcs11Module::description() const
{
    return fromC(m_impl->ctx->description);
}

Expected<QList<Pkcs11TokenInfo>> Pkcs11Module::tokens() const
{
    PKCS11_SLOT* slotList = nullptr;
    unsigned int count = 0;
    ERR_clear_error();
    if (PKCS11_enumerate_slots(m_impl->ctx.get(), &slotList, &count) != 0) {
        return fail(ErrorCode::Pkcs11Failure,
                    QStringLiteral("Cannot list the slots of PKCS#11 module \"%1\": %2")
                        .arg(m_impl->path, takeOpenSslErrors()));
    }
    QList<Pkcs11TokenInfo> result;
    for (unsigned int i = 0; i < count; ++i) {
        const PKCS11_TOKEN* token = slotList[i].token;
        if (!token || !token->initialized) {
            continue;
        }
        Pkcs11TokenInfo info;
        info.label = fromC(token->label);
        info.serialNumber = fromC(token->serialnr);
        info.manufacturer = fromC(token->manufacturer);
        info.userPinSet = token->userPinSet != 0;
        info.userPinCountLow = token->userPinCountLow != 0;
        info.userPinFinalTry = token->userPinFinalTry != 0;
        info.userPinLocked = token->userPinLocked != 0;
        result << info;
    }
    PKCS11_release_all_slots(m_impl->ctx.get(), slotList, count);
    return result;
}

} // namespace dokuei::security
