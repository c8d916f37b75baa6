#pragma once

#include <QDateTime>
#include <QString>

namespace dokuei::security {

/// Event IDs of DICOM PS3.15 A.5 (DCM code values) used by dokuei.
enum class AuditEventId
{
    ApplicationActivity = 110100,
    AuditLogUsed = 110101,
    InstancesAccessed = 110103,
    InstancesTransferred = 110104,
    Export = 110106,
    Query = 110112,
    SecurityAlert = 110113,
    UserAuthentication = 110114,
};

/// Event outcome indicator of PS3.15 A.5 (RFC 3881).
enum class AuditOutcome
{
    Success = 0,
    MinorFailure = 4,
    SeriousFailure = 8,
    MajorFailure = 12,
};

/// "User Authentication" for 110114, ...; empty for an unknown value.
QString auditEventName(AuditEventId event);
/// True for the eight IDs above.
bool isKnownAuditEvent(int value);
/// "Success", "MinorFailure", "SeriousFailure", "MajorFailure"; empty for an unknown value.
QString auditOutcomeName(AuditOutcome outcome);

/// One entry of the audit trail. The trail assigns `sequence`, `localTime`, `clockSync`, and `utc` and
/// `workstation` when they are empty.
struct AuditRecord
{
    qint64 sequence = 0;
    QDateTime utc;
    QString localTime; ///< ISO 8601 with the UTC offset of this machine (JST on Japanese machines)
    QString clockSync; ///< "synchronised" / "unsynchronised" / "unknown" (kernel NTP status)
    QString userId;
    QString role;
    QString cardFingerprint; ///< SHA-256 of the authentication certificate, hex
    QString workstation;     ///< host name when empty
    QString sessionId;
    AuditEventId event = AuditEventId::ApplicationActivity;
    QString eventType; ///< "Login", "Logout", "Failure", "Lock", "Unlock", "PasswordReset", "UserAdded", ...
    AuditOutcome outcome = AuditOutcome::Success;
    QString patientId; ///< for 110103 / 110104 / 110106
    QString studyUid;
    QString details;        ///< free text: never a password or a PIN
    bool emergency = false; ///< break-glass access
};

} // namespace dokuei::security
