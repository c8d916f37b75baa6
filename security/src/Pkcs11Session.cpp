#include "Pkcs11Session.h"

#include <vector>

namespace dokuei::security {

QString ckrName(CK_RV rv)
{
    const char* name = nullptr;
    switch (rv) {
    case CKR_OK:
        name = "CKR_OK";
        break;
    case CKR_CANCEL:
        name = "CKR_CANCEL";
        break;
    case CKR_HOST_MEMORY:
        name = "CKR_HOST_MEMORY";
        break;
    case CKR_SLOT_ID_INVALID:
        name = "CKR_SLOT_ID_INVALID";
        break;
    case CKR_GENERAL_ERROR:
        name = "CKR_GENERAL_ERROR";
        break;
    case CKR_FUNCTION_FAILED:
        name = "CKR_FUNCTION_FAILED";
        break;
    case CKR_ARGUMENTS_BAD:
        name = "CKR_ARGUMENTS_BAD";
        break;
    case CKR_ATTRIBUTE_SENSITIVE:
        name = "CKR_ATTRIBUTE_SENSITIVE";
        break;
    case CKR_ATTRIBUTE_TYPE_INVALID:
        name = "CKR_ATTRIBUTE_TYPE_INVALID";
        break;
    case CKR_DATA_INVALID:
        name = "CKR_DATA_INVALID";
        break;
    case CKR_DATA_LEN_RANGE:
        name = "CKR_DATA_LEN_RANGE";
        break;
    case CKR_DEVICE_ERROR:
        name = "CKR_DEVICE_ERROR";
        break;
    case CKR_DEVICE_MEMORY:
        name = "CKR_DEVICE_MEMORY";
        break;
    case CKR_DEVICE_REMOVED:
        name = "CKR_DEVICE_REMOVED";
        break;
    case CKR_ENCRYPTED_DATA_INVALID:
        name = "CKR_ENCRYPTED_DATA_INVALID";
        break;
    case CKR_ENCRYPTED_DATA_LEN_RANGE:
        name = "CKR_ENCRYPTED_DATA_LEN_RANGE";
        break;
    case CKR_FUNCTION_NOT_SUPPORTED:
        name = "CKR_FUNCTION_NOT_SUPPORTED";
        break;
    case CKR_KEY_HANDLE_INVALID:
        name = "CKR_KEY_HANDLE_INVALID";
        break;
    case CKR_KEY_TYPE_INCONSISTENT:
        name = "CKR_KEY_TYPE_INCONSISTENT";
        break;
    case CKR_KEY_FUNCTION_NOT_PERMITTED:
        name = "CKR_KEY_FUNCTION_NOT_PERMITTED";
        break;
    case CKR_MECHANISM_INVALID:
        name = "CKR_MECHANISM_INVALID";
        break;
    case CKR_MECHANISM_PARAM_INVALID:
        name = "CKR_MECHANISM_PARAM_INVALID";
        break;
    case CKR_OBJECT_HANDLE_INVALID:
        name = "CKR_OBJECT_HANDLE_INVALID";
        break;
    case CKR_OPERATION_ACTIVE:
        name = "CKR_OPERATION_ACTIVE";
        break;
    case CKR_OPERATION_NOT_INITIALIZED:
        name = "CKR_OPERATION_NOT_INITIALIZED";
        break;
    case CKR_PIN_INCORRECT:
        name = "CKR_PIN_INCORRECT";
        break;
    case CKR_PIN_INVALID:
        name = "CKR_PIN_INVALID";
        break;
    case CKR_PIN_LEN_RANGE:
        name = "CKR_PIN_LEN_RANGE";
        break;
    case CKR_PIN_EXPIRED:
        name = "CKR_PIN_EXPIRED";
        break;
    case CKR_PIN_LOCKED:
        name = "CKR_PIN_LOCKED";
        break;
    case CKR_SESSION_CLOSED:
        name = "CKR_SESSION_CLOSED";
        break;
    case CKR_SESSION_HANDLE_INVALID:
        name = "CKR_SESSION_HANDLE_INVALID";
        break;
    case CKR_TOKEN_NOT_PRESENT:
        name = "CKR_TOKEN_NOT_PRESENT";
        break;
    case CKR_TOKEN_NOT_RECOGNIZED:
        name = "CKR_TOKEN_NOT_RECOGNIZED";
        break;
    case CKR_USER_ALREADY_LOGGED_IN:
        name = "CKR_USER_ALREADY_LOGGED_IN";
        break;
    case CKR_USER_NOT_LOGGED_IN:
        name = "CKR_USER_NOT_LOGGED_IN";
        break;
    case CKR_USER_PIN_NOT_INITIALIZED:
        name = "CKR_USER_PIN_NOT_INITIALIZED";
        break;
    case CKR_USER_TYPE_INVALID:
        name = "CKR_USER_TYPE_INVALID";
        break;
    case CKR_BUFFER_TOO_SMALL:
        name = "CKR_BUFFER_TOO_SMALL";
        break;
    case CKR_CRYPTOKI_NOT_INITIALIZED:
        name = "CKR_CRYPTOKI_NOT_INITIALIZED";
        break;
    case CKR_CRYPTOKI_ALREADY_INITIALIZED:
        name = "CKR_CRYPTOKI_ALREADY_INITIALIZED";
        break;
    default:
        break;
    }
    const QString hex = QStringLiteral("0x%1").arg(static_cast<qulonglong>(rv), 0, 16);
    return name ? QStringLiteral("%1 (%2)").arg(QString::fromLatin1(name), hex) : hex;
}

QString pkcs11Text(const unsigned char* field, std::size_t size)
{
    std::size_t length = 0;
    while (length < size && field[length] != '\0') {
        ++length;
    }
    return QString::fromUtf8(reinterpret_cast<const char*>(field), static_cast<qsizetype>(length)).trimmed();
}

Expected<QList<Pkcs11PresentToken>> presentTokens(CK_FUNCTION_LIST* functions, const QString& modulePath)
{
    if (!functions) {
        return fail(
            ErrorCode::Pkcs11Failure,
            QStringLiteral("PKCS#11 module \"%1\" is not initialised (a re-initialisation failed): load "
                           "it again")
                .arg(modulePath));
    }
    std::vector<CK_SLOT_ID> slotIds;
    CK_RV rv = CKR_OK;
    for (int attempt = 0; attempt < 4; ++attempt) {
        CK_ULONG count = 0;
        rv = functions->C_GetSlotList(CK_TRUE, nullptr, &count);
        if (rv != CKR_OK) {
            break;
        }
        slotIds.resize(count);
        rv = functions->C_GetSlotList(CK_TRUE, slotIds.data(), &count);
        if (rv == CKR_OK) {
            slotIds.resize(count);
            break;
        }
        if (rv != CKR_BUFFER_TOO_SMALL) {
            break;
        }
    }
    if (rv != CKR_OK) {
        return fail(ErrorCode::Pkcs11Failure,
                    QStringLiteral("Cannot list the slots of PKCS#11 module \"%1\": %2")
                        .arg(modulePath, ckrName(rv)));
    }
    QList<Pkcs11PresentToken> tokens;
    for (const CK_SLOT_ID slot : slotIds) {
        Pkcs11PresentToken token;
        token.slot = slot;
        // A token removed between the two calls answers CKR_TOKEN_NOT_PRESENT (or similar): skip it.
        if (functions->C_GetTokenInfo(slot, &token.info) != CKR_OK) {
            continue;
        }
        if (!(token.info.flags & CKF_TOKEN_INITIALIZED)) {
            continue;
        }
        tokens << token;
    }
    return tokens;
}

Pkcs11Session::Pkcs11Session(CK_FUNCTION_LIST* functions, CK_SESSION_HANDLE handle)
    : m_functions(functions), m_handle(handle)
{}

Pkcs11Session::Pkcs11Session(Pkcs11Session&& other) noexcept
    : m_functions(other.m_functions), m_handle(std::exchange(other.m_handle, CK_INVALID_HANDLE))
{}

Pkcs11Session& Pkcs11Session::operator=(Pkcs11Session&& other) noexcept
{
    if (this != &other) {
        if (m_handle != CK_INVALID_HANDLE) {
            m_functions->C_CloseSession(m_handle);
        }
        m_functions = other.m_functions;
        m_handle = std::exchange(other.m_handle, CK_INVALID_HANDLE);
    }
    return *this;
}

Pkcs11Session::~Pkcs11Session()
{
    if (m_handle != CK_INVALID_HANDLE) {
        m_functions->C_CloseSession(m_handle);
    }
}

Expected<Pkcs11Session> Pkcs11Session::open(CK_FUNCTION_LIST* functions, CK_SLOT_ID slot)
{
    CK_SESSION_HANDLE handle = CK_INVALID_HANDLE;
    const CK_RV rv = functions->C_OpenSession(slot, CKF_SERIAL_SESSION, nullptr, nullptr, &handle);
    if (rv == CKR_TOKEN_NOT_PRESENT || rv == CKR_DEVICE_REMOVED || rv == CKR_SLOT_ID_INVALID) {
        return fail(ErrorCode::CardAbsent,
                    QStringLiteral("The smart card was removed: insert it again (%1)").arg(ckrName(rv)));
    }
    if (rv != CKR_OK) {
        return fail(ErrorCode::Pkcs11Failure,
                    QStringLiteral("Cannot open a session with the smart card: %1").arg(ckrName(rv)));
    }
    return Pkcs11Session(functions, handle);
}

Expected<QList<CK_OBJECT_HANDLE>> Pkcs11Session::findObjects(CK_ATTRIBUTE* templ, CK_ULONG count) const
{
    CK_RV rv = m_functions->C_FindObjectsInit(m_handle, templ, count);
    if (rv != CKR_OK) {
        return fail(ErrorCode::Pkcs11Failure,
                    QStringLiteral("Cannot search the smart card's objects: %1").arg(ckrName(rv)));
    }
    QList<CK_OBJECT_HANDLE> objects;
    CK_OBJECT_HANDLE batch[32];
    for (;;) {
        CK_ULONG found = 0;
        rv = m_functions->C_FindObjects(m_handle, batch, 32, &found);
        if (rv != CKR_OK || found == 0) {
            break;
        }
        for (CK_ULONG i = 0; i < found; ++i) {
            objects << batch[i];
        }
        if (objects.size() > 4096) {
            break; // no card holds that many objects: a broken module
        }
    }
    m_functions->C_FindObjectsFinal(m_handle);
    if (rv != CKR_OK) {
        return fail(ErrorCode::Pkcs11Failure,
                    QStringLiteral("Cannot search the smart card's objects: %1").arg(ckrName(rv)));
    }
    return objects;
}

Expected<std::optional<QByteArray>> Pkcs11Session::attribute(CK_OBJECT_HANDLE object,
                                                             CK_ATTRIBUTE_TYPE type) const
{
    CK_ATTRIBUTE query = {type, nullptr, 0};
    CK_RV rv = m_functions->C_GetAttributeValue(m_handle, object, &query, 1);
    if (rv == CKR_ATTRIBUTE_SENSITIVE || rv == CKR_ATTRIBUTE_TYPE_INVALID ||
        query.ulValueLen == static_cast<CK_ULONG>(-1)) {
        return std::optional<QByteArray>();
    }
    if (rv != CKR_OK) {
        return fail(ErrorCode::Pkcs11Failure,
                    QStringLiteral("Cannot read an attribute of a smart card object: %1").arg(ckrName(rv)));
    }
    if (query.ulValueLen > 1024 * 1024) {
        return fail(
            ErrorCode::Pkcs11Failure,
            QStringLiteral("A smart card object attribute claims %1 bytes: refused").arg(query.ulValueLen));
    }
    QByteArray value(static_cast<qsizetype>(query.ulValueLen), '\0');
    query.pValue = value.data();
    rv = m_functions->C_GetAttributeValue(m_handle, object, &query, 1);
    if (rv != CKR_OK) {
        return fail(ErrorCode::Pkcs11Failure,
                    QStringLiteral("Cannot read an attribute of a smart card object: %1").arg(ckrName(rv)));
    }
    value.resize(static_cast<qsizetype>(query.ulValueLen));
    return std::optional<QByteArray>(value);
}

} // namespace dokuei::security
