#include "dokuei/security/Roles.h"

namespace dokuei::security {

QString roleName(Role role)
{
    switch (role) {
    case Role::Radiologist:
        return QStringLiteral("radiologist");
    case Role::SupervisingRadiologist:
        return QStringLiteral("supervising-radiologist");
    case Role::Administrator:
        return QStringLiteral("administrator");
    case Role::Auditor:
        return QStringLiteral("auditor");
    }
    return QStringLiteral("unknown");
}

std::optional<Role> roleFromName(const QString& name)
{
    for (const Role role : allRoles()) {
        if (roleName(role) == name) {
            return role;
        }
    }
    return std::nullopt;
}

QList<Role> allRoles()
{
    return {Role::Radiologist, Role::SupervisingRadiologist, Role::Administrator, Role::Auditor};
}

QString rightName(Right right)
{
    switch (right) {
    case Right::View:
        return QStringLiteral("view");
    case Right::Draft:
        return QStringLiteral("draft");
    case Right::Sign:
        return QStringLiteral("sign");
    case Right::Send:
        return QStringLiteral("send");
    case Right::Administer:
        return QStringLiteral("administer");
    case Right::ReadAudit:
        return QStringLiteral("read-audit");
    case Right::Verify:
        return QStringLiteral("verify");
    }
    return QStringLiteral("unknown");
}

bool hasRight(Role role, Right right)
{
    switch (role) {
    case Role::Radiologist:
        return right == Right::View || right == Right::Draft || right == Right::Sign || right == Right::Send;
    case Role::SupervisingRadiologist:
        // A radiologist who also verifies (finalizes) the preliminary reports of others.
        return right == Right::View || right == Right::Draft || right == Right::Sign ||
               right == Right::Send || right == Right::Verify;
    case Role::Administrator:
        // Least privilege: administering accounts never requires patient data or the audit content.
        return right == Right::Administer;
    case Role::Auditor:
        return right == Right::ReadAudit;
    }
    return false;
}

} // namespace dokuei::security
