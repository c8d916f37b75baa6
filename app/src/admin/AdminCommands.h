#pragma once

#include "dokuei/common/WorkstationPaths.h"

#include <functional>

#include <QString>
#include <QStringList>
#include <QTextStream>

namespace dokuei::admin {

/// What every dokuei-admin command group gets. Secrets (passwords, identity-check records that must not
/// appear in `ps`) are read from standard input only, one line each, never from arguments.
struct AdminContext
{
    WorkstationPaths paths;
    QTextStream& out;
    QTextStream& err;
    /// Reads one line from standard input (without echo on a terminal); `what` names it in the prompt
    /// written to stderr when stdin is a terminal. Returns a null QString at end of input.
    std::function<QString(const QString& what)> readSecret;
    /// The operating-system account running the tool (recorded in audit records as the actor).
    QString osUser;
};

/// Rights. dokuei-admin has no sign-in of its own: the administrator control is the operating-system
/// account that owns the workstation key (`<dataDir>/workstation.key`, mode 0600). Only that account can
/// open the system vault (WorkstationKey refuses a key owned by another account or readable by others),
/// and whoever runs the tool as that account may administer accounts, policy, the audit trail and backups.
/// Keep that OS account to the IT administrators. Every record the tool writes names that account as the
/// user (AdminContext::osUser) with this role, so the trail shows who acted and under which control.
inline QString administratorRole()
{
    return QStringLiteral("os-account");
}

/// Exit codes: 0 success, 1 the operation failed (message on err), 2 usage error.
/// Each group prints its own usage for `<group> help` or an unknown sub-command.
int runUserCommand(const QStringList& args, AdminContext& context);     ///< user add|list|disable|...
int runPolicyCommand(const QStringList& args, AdminContext& context);   ///< policy show|set
int runAuditCommand(const QStringList& args, AdminContext& context);    ///< audit verify|report|export
int runVaultCommand(const QStringList& args, AdminContext& context);    ///< vault backup|restore
int runTemplateCommand(const QStringList& args, AdminContext& context); ///< template check|list

} // namespace dokuei::admin
