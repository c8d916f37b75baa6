// Placeholder until the user command group lands in this session (replaced by its implementation).
#include "admin/AdminCommands.h"

namespace dokuei::admin {

int runUserCommand(const QStringList&, AdminContext& context)
{
    context.err << "dokuei-admin: the user commands are not available in this build\n";
    return 1;
}

} // namespace dokuei::admin
