// Placeholder until the vault command group lands in this session (replaced by its implementation).
#include "admin/AdminCommands.h"

namespace dokuei::admin {

int runVaultCommand(const QStringList&, AdminContext& context)
{
    context.err << "dokuei-admin: the vault commands are not available in this build\n";
    return 1;
}

} // namespace dokuei::admin
