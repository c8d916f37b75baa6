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
    // rendering
    GraphicsUnavailable = 400,
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
