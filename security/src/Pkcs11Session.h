#pragma once

// Private to dokuei_security: raw access to a loaded module's PKCS#11 function list, an RAII session and
// the helpers the card code shares.

#include "dokuei/common/Error.h"
#include "dokuei/security/Pkcs11Module.h"

#include <optional>
// p11-kit's header in its default (OASIS-compatible) naming: CK_* types, fields such as pValue and
// serialNumber. It gets there through macros on common lower-case words (`#define value pValue`,
// `#define count ulCount`...); they are undefined right after the include so they cannot rewrite our code.
#include <p11-kit/pkcs11.h>
#undef cryptoki_version
#undef manufacturer_id
#undef library_description
#undef library_version
#undef slot_description
#undef hardware_version
#undef firmware_version
#undef serial_number
#undef max_session_count
#undef session_count
#undef max_rw_session_count
#undef rw_session_count
#undef max_pin_len
#undef min_pin_len
#undef total_public_memory
#undef free_public_memory
#undef total_private_memory
#undef free_private_memory
#undef utc_time
#undef slot_id
#undef device_error
#undef value
#undef value_len
#undef count
#undef parameter
#undef parameter_len
#undef params
#undef min_key_size
#undef max_key_size
#undef create_mutex
#undef destroy_mutex
#undef lock_mutex
#undef unlock_mutex
#undef reserved
#undef hash_alg
#undef s_len
#undef source_data
#undef source_data_len
#undef counter_bits
#undef iv_ptr
#undef iv_len
#undef iv_bits
#undef aad_ptr
#undef aad_len
#undef tag_bits
#undef shared_data_len
#undef shared_data
#undef public_data_len
#undef public_data
#undef string_data
#undef string_data_len
#undef data_params

#include <QByteArray>
#include <QList>
#include <QString>

namespace dokuei::security {

/// What SmartCard and CardPresenceMonitor need from a Pkcs11Module's internals.
struct Pkcs11ModuleAccess
{
    /// The module's function list; null while the module is not initialised (a failed reload). The
    /// pointer stays valid as long as the module object lives (the library stays mapped across reloads).
    static CK_FUNCTION_LIST* functions(const Pkcs11Module& module);
    /// Incremented by every reload: handles from an older generation are dead.
    static quint64 generation(const Pkcs11Module& module);
};

/// "CKR_PIN_INCORRECT (0xa0)"
QString ckrName(CK_RV rv);

/// A PKCS#11 text field (blank-padded, not NUL-terminated) as a trimmed string.
QString pkcs11Text(const unsigned char* field, std::size_t size);

/// The present, initialised tokens: (slot id, token info) in the module's slot order.
struct Pkcs11PresentToken
{
    CK_SLOT_ID slot = 0;
    CK_TOKEN_INFO info = {};
};
Expected<QList<Pkcs11PresentToken>> presentTokens(CK_FUNCTION_LIST* functions, const QString& modulePath);

/// An open PKCS#11 session, closed on destruction (unless abandoned).
class Pkcs11Session
{
public:
    static Expected<Pkcs11Session> open(CK_FUNCTION_LIST* functions, CK_SLOT_ID slot);
    Pkcs11Session(Pkcs11Session&& other) noexcept;
    Pkcs11Session& operator=(Pkcs11Session&& other) noexcept;
    Pkcs11Session(const Pkcs11Session&) = delete;
    Pkcs11Session& operator=(const Pkcs11Session&) = delete;
    ~Pkcs11Session();

    CK_SESSION_HANDLE handle() const { return m_handle; }
    CK_FUNCTION_LIST* functions() const { return m_functions; }
    /// Forgets the handle without C_CloseSession (the module was finalised: the handle is dead).
    void abandon() { m_handle = CK_INVALID_HANDLE; }

    /// Objects matching the template (C_FindObjectsInit/C_FindObjects/C_FindObjectsFinal).
    Expected<QList<CK_OBJECT_HANDLE>> findObjects(CK_ATTRIBUTE* templ, CK_ULONG count) const;
    /// One attribute's value; std::nullopt when the object has no such attribute (or it is sensitive).
    Expected<std::optional<QByteArray>> attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) const;

private:
    Pkcs11Session(CK_FUNCTION_LIST* functions, CK_SESSION_HANDLE handle);
    CK_FUNCTION_LIST* m_functions = nullptr;
    CK_SESSION_HANDLE m_handle = CK_INVALID_HANDLE;
};

} // namespace dokuei::security
