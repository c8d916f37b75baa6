#include "dokuei/common/Error.h"

namespace dokuei {

QString errorCodeName(ErrorCode code)
{
    switch (code) {
    case ErrorCode::InvalidArgument:
        return QStringLiteral("InvalidArgument");
    case ErrorCode::NotFound:
        return QStringLiteral("NotFound");
    case ErrorCode::PermissionDenied:
        return QStringLiteral("PermissionDenied");
    case ErrorCode::IoFailure:
        return QStringLiteral("IoFailure");
    case ErrorCode::Unsupported:
        return QStringLiteral("Unsupported");
    case ErrorCode::ConfigurationInvalid:
        return QStringLiteral("ConfigurationInvalid");
    case ErrorCode::DependencyMissing:
        return QStringLiteral("DependencyMissing");
    case ErrorCode::Pkcs11ModuleUnavailable:
        return QStringLiteral("Pkcs11ModuleUnavailable");
    case ErrorCode::Pkcs11Failure:
        return QStringLiteral("Pkcs11Failure");
    case ErrorCode::HardeningFailed:
        return QStringLiteral("HardeningFailed");
    case ErrorCode::GraphicsUnavailable:
        return QStringLiteral("GraphicsUnavailable");
    case ErrorCode::CardAbsent:
        return QStringLiteral("CardAbsent");
    case ErrorCode::CardPinMissing:
        return QStringLiteral("CardPinMissing");
    case ErrorCode::CardPinIncorrect:
        return QStringLiteral("CardPinIncorrect");
    case ErrorCode::CardPinLocked:
        return QStringLiteral("CardPinLocked");
    case ErrorCode::CardNotBound:
        return QStringLiteral("CardNotBound");
    case ErrorCode::CertificateUntrusted:
        return QStringLiteral("CertificateUntrusted");
    case ErrorCode::CertificateExpired:
        return QStringLiteral("CertificateExpired");
    case ErrorCode::CertificateRevoked:
        return QStringLiteral("CertificateRevoked");
    case ErrorCode::CertificateInvalid:
        return QStringLiteral("CertificateInvalid");
    case ErrorCode::ProofOfPossessionFailed:
        return QStringLiteral("ProofOfPossessionFailed");
    case ErrorCode::AuthenticationFailed:
        return QStringLiteral("AuthenticationFailed");
    case ErrorCode::AccountDisabled:
        return QStringLiteral("AccountDisabled");
    case ErrorCode::AccountLocked:
        return QStringLiteral("AccountLocked");
    case ErrorCode::PasswordExpired:
        return QStringLiteral("PasswordExpired");
    case ErrorCode::PasswordChangeRequired:
        return QStringLiteral("PasswordChangeRequired");
    case ErrorCode::PasswordPolicyViolation:
        return QStringLiteral("PasswordPolicyViolation");
    case ErrorCode::Throttled:
        return QStringLiteral("Throttled");
    case ErrorCode::AccessDenied:
        return QStringLiteral("AccessDenied");
    case ErrorCode::SecureMemoryUnavailable:
        return QStringLiteral("SecureMemoryUnavailable");
    case ErrorCode::VaultKeyInvalid:
        return QStringLiteral("VaultKeyInvalid");
    case ErrorCode::VaultCorrupt:
        return QStringLiteral("VaultCorrupt");
    case ErrorCode::VaultFailure:
        return QStringLiteral("VaultFailure");
    case ErrorCode::BackupInvalid:
        return QStringLiteral("BackupInvalid");
    case ErrorCode::AuditTrailBroken:
        return QStringLiteral("AuditTrailBroken");
    }
    return QStringLiteral("Unknown(%1)").arg(static_cast<int>(code));
}

QString Error::toString() const
{
    return errorCodeName(code) + QStringLiteral(": ") + message;
}

} // namespace dokuei
