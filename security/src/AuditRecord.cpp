#include "dokuei/security/AuditRecord.h"

namespace dokuei::security {

QString auditEventName(AuditEventId event)
{
    switch (event) {
    case AuditEventId::ApplicationActivity:
        return QStringLiteral("Application Activity");
    case AuditEventId::AuditLogUsed:
        return QStringLiteral("Audit Log Used");
    case AuditEventId::InstancesAccessed:
        return QStringLiteral("DICOM Instances Accessed");
    case AuditEventId::InstancesTransferred:
        return QStringLiteral("DICOM Instances Transferred");
    case AuditEventId::Export:
        return QStringLiteral("Export");
    case AuditEventId::Query:
        return QStringLiteral("Query");
    case AuditEventId::SecurityAlert:
        return QStringLiteral("Security Alert");
    case AuditEventId::UserAuthentication:
        return QStringLiteral("User Authentication");
    }
    return {};
}

bool isKnownAuditEvent(int value)
{
    return !auditEventName(static_cast<AuditEventId>(value)).isEmpty();
}

QString auditOutcomeName(AuditOutcome outcome)
{
    switch (outcome) {
    case AuditOutcome::Success:
        return QStringLiteral("Success");
    case AuditOutcome::MinorFailure:
        return QStringLiteral("MinorFailure");
    case AuditOutcome::SeriousFailure:
        return QStringLiteral("SeriousFailure");
    case AuditOutcome::MajorFailure:
        return QStringLiteral("MajorFailure");
    }
    return {};
}

} // namespace dokuei::security
