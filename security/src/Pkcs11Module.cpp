#include "dokuei/security/Pkcs11Module.h"

#include "Pkcs11Session.h"

#include <dlfcn.h>

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

/// The module's own function list, from a second dlopen of the library libp11 already loaded (RTLD_NOLOAD:
/// the same mapping, so the same initialised module). Holding this reference keeps the library mapped
/// across reload(), so function pointers stay valid.
struct LibraryHandle
{
    void* handle = nullptr;
    ~LibraryHandle()
    {
        if (handle) {
            dlclose(handle);
        }
    }
};

Expected<CK_FUNCTION_LIST*> functionListOf(void* library, const QString& path)
{
    auto* getFunctionList = reinterpret_cast<CK_C_GetFunctionList>(dlsym(library, "C_GetFunctionList"));
    CK_FUNCTION_LIST* functions = nullptr;
    if (!getFunctionList || getFunctionList(&functions) != CKR_OK || !functions) {
        return fail(ErrorCode::Pkcs11ModuleUnavailable,
                    QStringLiteral("\"%1\" does not provide a PKCS#11 function list").arg(path));
    }
    return functions;
}

} // namespace

struct Pkcs11Module::Impl
{
    QString path;
    ContextPtr ctx;
    bool loaded = false;
    LibraryHandle library;
    CK_FUNCTION_LIST* functions = nullptr;
    quint64 generation = 0;

    ~Impl() { unload(); }

    /// Loads and initialises the module (ctx, functions).
    Expected<void> load();

    void unload()
    {
        if (loaded) {
            PKCS11_CTX_unload(ctx.get());
            loaded = false;
        }
        functions = nullptr;
    }
};

Expected<void> Pkcs11Module::Impl::load()
{
    Impl& impl = *this;
    impl.ctx.reset(PKCS11_CTX_new());
    if (!impl.ctx) {
        return fail(ErrorCode::Pkcs11Failure, QStringLiteral("Cannot allocate a PKCS#11 context"));
    }
    ERR_clear_error();
    if (PKCS11_CTX_load(impl.ctx.get(), QFile::encodeName(impl.path).constData()) != 0) {
        return fail(
            ErrorCode::Pkcs11ModuleUnavailable,
            QStringLiteral("\"%1\" could not be loaded as a PKCS#11 module (missing C_GetFunctionList or "
                           "C_Initialize failed): %2")
                .arg(impl.path, takeOpenSslErrors()));
    }
    impl.loaded = true;
    if (!impl.library.handle) {
        impl.library.handle = dlopen(QFile::encodeName(impl.path).constData(), RTLD_NOW | RTLD_NOLOAD);
        if (!impl.library.handle) {
            return fail(ErrorCode::Pkcs11ModuleUnavailable,
                        QStringLiteral("\"%1\" was loaded by libp11 but cannot be opened again: %2")
                            .arg(impl.path, QString::fromLocal8Bit(dlerror())));
        }
    }
    auto functionList = functionListOf(impl.library.handle, impl.path);
    if (!functionList) {
        return std::unexpected(functionList.error());
    }
    impl.functions = *functionList;
    return {};
}

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
    if (auto loaded = impl->load(); !loaded) {
        return std::unexpected(loaded.error());
    }
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
    // Not PKCS11_enumerate_slots: releasing libp11's slot list calls C_CloseAllSessions on every slot,
    // which would log an open SmartCard (and the pkcs11 engine) out.
    auto present = presentTokens(m_impl->functions, m_impl->path);
    if (!present) {
        return std::unexpected(present.error());
    }
    QList<Pkcs11TokenInfo> result;
    for (const Pkcs11PresentToken& token : *present) {
        Pkcs11TokenInfo info;
        info.label = pkcs11Text(token.info.label, sizeof token.info.label);
        info.serialNumber = pkcs11Text(token.info.serialNumber, sizeof token.info.serialNumber);
        info.manufacturer = pkcs11Text(token.info.manufacturerID, sizeof token.info.manufacturerID);
        info.userPinSet = (token.info.flags & CKF_USER_PIN_INITIALIZED) != 0;
        info.userPinCountLow = (token.info.flags & CKF_USER_PIN_COUNT_LOW) != 0;
        info.userPinFinalTry = (token.info.flags & CKF_USER_PIN_FINAL_TRY) != 0;
        info.userPinLocked = (token.info.flags & CKF_USER_PIN_LOCKED) != 0;
        result << info;
    }
    return result;
}

Expected<bool> Pkcs11Module::tokenPresent(const QString& serialNumber) const
{
    auto present = presentTokens(m_impl->functions, m_impl->path);
    if (!present) {
        return std::unexpected(present.error());
    }
    for (const Pkcs11PresentToken& token : *present) {
        if (pkcs11Text(token.info.serialNumber, sizeof token.info.serialNumber) == serialNumber) {
            return true;
        }
    }
    return false;
}

Expected<void> Pkcs11Module::reload()
{
    m_impl->unload();
    ++m_impl->generation;
    return m_impl->load();
}

CK_FUNCTION_LIST* Pkcs11ModuleAccess::functions(const Pkcs11Module& module)
{
    return module.m_impl->functions;
}

quint64 Pkcs11ModuleAccess::generation(const Pkcs11Module& module)
{
    return module.m_impl->generation;
}

} // namespace dokuei::security
