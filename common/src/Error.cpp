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
    }
    return QStringLiteral("Unknown(%1)").arg(static_cast<int>(code));
}

QString Error::toString() const
{
    return errorCodeName(code) + QStringLiteral(": ") + message;
}

} // namespace dokuei
