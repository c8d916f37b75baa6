// dokuei-admin policy ...: the administrator-set security policy of this workstation (password profile,
// idle lock, throttling and lockout, re-authentication, password age), kept in the system vault. Every
// change is audited with the operating-system account running the tool as the actor.
#include "admin/AdminCommands.h"
#include "dokuei/security/AccountStore.h"
#include "dokuei/security/AuditTrail.h"
#include "dokuei/security/SecurityPolicy.h"
#include "dokuei/security/SystemVault.h"
#include "dokuei/security/Vault.h"

#include <memory>

namespace dokuei::admin {
namespace {

QString usage()
{
    return QStringLiteral(
        "usage: dokuei-admin policy <command>\n"
        "  show              every setting as key=value\n"
        "  set KEY VALUE     change one setting (audited)\n"
        "Keys:\n"
        "  profile                 jp-mhlw-2fa (default: card + password, no expiry), jp-mhlw-legacy "
        "(expiry),\n"
        "                          nist-800-63b (length and blocklist only)\n"
        "  idle-lock-minutes       1-60 (default 10)\n"
        "  throttle-from           delays start at this consecutive failure (default 5)\n"
        "  lock-at                 the account locks at this failure, >= throttle-from, <= 100 (default 10)\n"
        "  max-delay-seconds       1-3600 (default 60)\n"
        "  reauthenticate-hours    1-24 (default 12)\n"
        "  password-max-age-days   1-60 (default 60; jp-mhlw-legacy only)");
}

int usageError(AdminContext& context, const QString& message)
{
    context.err << "dokuei-admin: " << message << '\n' << usage() << '\n';
    return 2;
}

} // namespace

int runPolicyCommand(const QStringList& args, AdminContext& context)
{
    if (args.isEmpty()) {
        return usageError(context, QStringLiteral("missing policy command"));
    }
    const QString command = args.first();
    if (command == QStringLiteral("help") || command == QStringLiteral("--help")) {
        context.out << usage() << '\n';
        return 0;
    }
    const bool show = command == QStringLiteral("show");
    const bool set = command == QStringLiteral("set");
    if (!show && !set) {
        return usageError(context, QStringLiteral("unknown policy command \"%1\"").arg(command));
    }
    if ((show && args.size() != 1) || (set && args.size() != 3)) {
        return usageError(context, show ? QStringLiteral("policy show takes no arguments")
                                        : QStringLiteral("policy set needs KEY and VALUE"));
    }
    if (set && !security::SecurityPolicy::keys().contains(args.at(1))) {
        return usageError(context, QStringLiteral("unknown policy key \"%1\"").arg(args.at(1)));
    }

    auto vault = security::openSystemVault(context.paths);
    if (!vault) {
        context.err << "dokuei-admin: cannot open the system vault: " << vault.error().message << '\n';
        return 1;
    }
    security::AuditTrail trail(**vault);
    security::AccountStoreOptions options;
    options.actorRole = administratorRole();
    security::AccountStore store(**vault, trail, options);
    auto policy = store.policy();
    if (!policy && !(set && policy.error().code == ErrorCode::ConfigurationInvalid)) {
        context.err << "dokuei-admin: " << policy.error().message << '\n';
        return 1;
    }
    if (show) {
        for (const auto& [key, value] : policy->entries()) {
            context.out << key << '=' << value << '\n';
        }
        return 0;
    }
    // A damaged stored policy can be repaired key by key, starting from the defaults.
    security::SecurityPolicy changed = policy ? *policy : security::SecurityPolicy{};
    const QString before =
        changed.entries().value(security::SecurityPolicy::keys().indexOf(args.at(1))).second;
    if (auto assigned = changed.set(args.at(1), args.at(2)); !assigned) {
        context.err << "dokuei-admin: " << assigned.error().message << '\n';
        return 1;
    }
    if (auto stored = store.setPolicy(changed, context.osUser); !stored) {
        context.err << "dokuei-admin: " << stored.error().message << '\n';
        return 1;
    }
    const QString after =
        changed.entries().value(security::SecurityPolicy::keys().indexOf(args.at(1))).second;
    context.out << args.at(1) << '=' << after
                << (before == after ? QStringLiteral(" (unchanged)")
                                    : QStringLiteral(" (was %1)").arg(before))
                << '\n';
    if (args.at(1) == QStringLiteral("password-max-age-days") &&
        changed.profile != security::PasswordProfile::JpMhlwLegacy) {
        context.out << "note: passwords only expire under profile jp-mhlw-legacy (now "
                    << profileName(changed.profile) << ")\n";
    }
    return 0;
}

} // namespace dokuei::admin
