#pragma once

#include <expected>

#include <QString>

namespace dokuei {

/// One catalogue of error codes for the whole product. Codes are stable: they appear in logs and audit
/// records. Add new codes at the end of their group.
enum class ErrorCode
{
    // general
    InvalidArgument = 100,
    NotFound,
    PermissionDenied,
    IoFailure,
    Unsupported,
    // configuration and environment
    ConfigurationInvalid = 200,
    DependencyMissing,
    // security
    Pkcs11ModuleUnavailable = 300,
    Pkcs11Failure,
    HardeningFailed,
    CardAbsent,     ///< no token in any slot
    CardPinMissing, ///< a card is present but no PIN was given
    CardPinIncorrect,
    CardPinLocked,
    CardNotBound,         ///< the card's certificate is not the one bound to this account
    CertificateUntrusted, ///< no chain to the configured trust anchors
    CertificateExpired,   ///< outside its validity period (or not yet valid)
    CertificateRevoked,
    CertificateInvalid,      ///< unparsable, wrong key usage or purpose
    ProofOfPossessionFailed, ///< the card did not sign the challenge with the certificate's key
    AuthenticationFailed,    ///< wrong ID or password (deliberately the same for both)
    AccountDisabled,
    AccountLocked,
    PasswordExpired,
    PasswordChangeRequired,
    PasswordPolicyViolation,
    Throttled,    ///< too many recent failures: wait before trying again
    AccessDenied, ///< the role lacks the right
    SecureMemoryUnavailable,
    // rendering
    GraphicsUnavailable = 400,
    // vault and audit trail
    VaultKeyInvalid = 500, ///< the key does not open the vault (wrong key or not a vault)
    VaultCorrupt,          ///< authentication of a page failed: the file was altered or damaged
    VaultFailure,          ///< any other SQLCipher error (message has the detail)
    BackupInvalid,
    AuditTrailBroken,
};

/// Stable, machine-readable name of a code ("Pkcs11ModuleUnavailable").
QString errorCodeName(ErrorCode code);

/// An expected failure: a code from the catalogue and a message a person can act on (what failed, with
/// which input, and what to do).
struct Error
{
    ErrorCode code;
    QString message;

    /// "<CodeName>: <message>"
    QString toString() const;
};

template <typename T> using Expected = std::expected<T, Error>;

/// Shorthand for `std::unexpected(Error{code, message})`.
inline std::unexpected<Error> fail(ErrorCode code, QString message)
{
    return std::unexpected(Error{code, std::move(message)});
}

} // namespace dokuei
