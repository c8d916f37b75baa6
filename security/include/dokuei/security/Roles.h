#pragma once

#include <optional>

#include <QList>
#include <QString>

namespace dokuei::security {

/// What a person does at the reading centre. One role per account (least privilege: a person who both
/// reads and administers has two accounts).
enum class Role
{
    Radiologist,            ///< reads studies, writes, signs and sends reports
    SupervisingRadiologist, ///< a radiologist who also supervises (approval of others' reports comes later)
    Administrator,          ///< accounts and policy only; never sees patient data
    Auditor,                ///< reads the audit trail only
};

/// Separate rights (guideline 6.5 C-5, D-1): viewing, drafting, signing and sending are distinct.
enum class Right
{
    View,       ///< open studies and images (patient data)
    Draft,      ///< write and edit report drafts
    Sign,       ///< sign a report with the card
    Send,       ///< send a signed report back to the requesting facility
    Administer, ///< manage accounts and policy
    ReadAudit,  ///< read, verify and export the audit trail
    Verify,     ///< finalize another radiologist's preliminary report (supervising radiologists)
};

/// Stable name used in the CLI, the vault and audit records: "radiologist", "supervising-radiologist",
/// "administrator", "auditor".
QString roleName(Role role);

/// The role with that stable name (exact, lower case); std::nullopt for anything else.
std::optional<Role> roleFromName(const QString& name);

/// Every role, in the order above.
QList<Role> allRoles();

/// Stable name of a right: "view", "draft", "sign", "send", "administer", "read-audit", "verify".
QString rightName(Right right);

/// Whether the role carries the right. Radiologist and supervising radiologist: view, draft, sign, send.
/// Administrator: administer only (no patient data). Auditor: read-audit only.
bool hasRight(Role role, Right right);

} // namespace dokuei::security
