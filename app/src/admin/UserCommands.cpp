// dokuei-admin user ...: accounts on this workstation's system vault. Every change goes through
// AccountStore, which audits it (with the operating-system account running the tool as the actor) on the
// tamper-evident trail in the same vault. Passwords and identity-check records are read from standard input
// only: arguments show in `ps`, /proc/<pid>/cmdline and shell history.
#include "admin/AdminCommands.h"
#include "dokuei/security/AccountStore.h"
#include "dokuei/security/AuditTrail.h"
#include "dokuei/security/CertificateInfo.h"
#include "dokuei/security/SystemVault.h"
#include "dokuei/security/UserKeyring.h"
#include "dokuei/security/Vault.h"

#include <memory>
#include <optional>

#include <QFile>
#include <QFileInfo>
#include <QHash>

namespace dokuei::admin {
namespace {

using security::Account;
using security::AccountStore;

constexpr qint64 kMaximumCertificateFileSize = 1024 * 1024;

QString usage()
{
    return QStringLiteral(
        "usage: dokuei-admin user <command>\n"
        "  add ID --name NAME --role ROLE   new account; reads the initial password twice from stdin\n"
        "                                   (the person must change it at first sign-in)\n"
        "  list                             accounts: id, role, state, card, must-change, last failure, "
        "name\n"
        "  disable ID | enable ID           refuse / allow sign-in\n"
        "  unlock ID                        clear a lock after too many failures (and the failure count)\n"
        "  reset-password ID [--accept-data-loss]\n"
        "                                   reads the new password twice, then one line recording how the\n"
        "                                   person's identity was checked (at least 10 characters), from\n"
        "                                   stdin; the card reopens the user's encrypted drafts at the next\n"
        "                                   sign-in (--accept-data-loss: for a user whose drafts no card "
        "opens)\n"
        "  set-role ID ROLE                 change the role\n"
        "  bind-card ID --cert FILE         bind the card's authentication certificate (PEM or DER)\n"
        "Roles: radiologist, supervising-radiologist, administrator, auditor.\n"
        "IDs: 3-32 characters a-z 0-9 . _ -, one per person; shared or generic IDs (admin, root, user, "
        "test,\n"
        "guest, shared, radiology, ...) are refused. Secrets are never taken from arguments.");
}

/// The system vault, its audit trail and the account store on it, for one command.
struct Accounts
{
    std::unique_ptr<security::Vault> vault;
    std::unique_ptr<security::AuditTrail> trail;
    std::unique_ptr<AccountStore> store;
};

std::optional<Accounts> openAccounts(AdminContext& context)
{
    auto vault = security::openSystemVault(context.paths);
    if (!vault) {
        context.err << "dokuei-admin: cannot open the system vault: " << vault.error().message << '\n';
        return std::nullopt;
    }
    Accounts accounts;
    accounts.vault = std::move(*vault);
    accounts.trail = std::make_unique<security::AuditTrail>(*accounts.vault);
    security::AccountStoreOptions options;
    options.actorRole = administratorRole();
    accounts.store = std::make_unique<AccountStore>(*accounts.vault, *accounts.trail, options);
    return accounts;
}

int failed(AdminContext& context, const Error& error)
{
    context.err << "dokuei-admin: " << error.message << '\n';
    return 1;
}

int usageError(AdminContext& context, const QString& message)
{
    context.err << "dokuei-admin: " << message << '\n' << usage() << '\n';
    return 2;
}

/// Any argument that tries to pass a secret is refused outright, before anything else happens.
std::optional<QString> secretArgument(const QStringList& args)
{
    static const QStringList secretOptions = {
        QStringLiteral("--password"),
        QStringLiteral("--pass"),
        QStringLiteral("--passwd"),
        QStringLiteral("-p"),
        QStringLiteral("--pin"),
        QStringLiteral("--secret"),
        QStringLiteral("--initial-password"),
        QStringLiteral("--new-password"),
        QStringLiteral("--identity-check"),
        QStringLiteral("--record"),
    };
    for (const QString& arg : args) {
        const QString option = arg.section(QLatin1Char('='), 0, 0);
        if (secretOptions.contains(option, Qt::CaseInsensitive)) {
            return option;
        }
    }
    return std::nullopt;
}

/// Options of the form `--key VALUE` plus positional arguments; anything unexpected is a usage error.
struct Parsed
{
    QStringList positional;
    QHash<QString, QString> options;
    QString problem;
};

Parsed parse(const QStringList& args, const QStringList& allowedOptions)
{
    Parsed parsed;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString& arg = args.at(i);
        if (!arg.startsWith(QStringLiteral("--"))) {
            parsed.positional << arg;
            continue;
        }
        if (!allowedOptions.contains(arg)) {
            // Only the option's name: whatever follows '=' might be a secret typed in the wrong place.
            parsed.problem = QStringLiteral("unknown option %1").arg(arg.section(QLatin1Char('='), 0, 0));
            return parsed;
        }
        if (i + 1 >= args.size()) {
            parsed.problem = QStringLiteral("%1 needs a value").arg(arg);
            return parsed;
        }
        parsed.options.insert(arg, args.at(++i));
    }
    return parsed;
}

/// Reads a new password twice; null QString (after printing why) when missing or different.
QString readNewPassword(AdminContext& context, const QString& what)
{
    const QString first = context.readSecret(what);
    if (first.isNull()) {
        context.err << "dokuei-admin: no " << what.toLower()
                    << " on standard input (give it, then the same again, one per line)\n";
        return {};
    }
    const QString second = context.readSecret(QStringLiteral("Repeat the ") + what.toLower());
    if (second.isNull()) {
        context.err << "dokuei-admin: the " << what.toLower()
                    << " must be given twice on standard input (one per line)\n";
        return {};
    }
    if (first != second) {
        context.err << "dokuei-admin: the two entries of the " << what.toLower()
                    << " differ; nothing changed\n";
        return {};
    }
    return first;
}

QString stateText(const Account& account)
{
    QStringList state;
    if (account.disabled) {
        state << QStringLiteral("disabled");
    }
    if (account.locked) {
        state << QStringLiteral("locked");
    }
    if (state.isEmpty()) {
        state << QStringLiteral("active");
    }
    return state.join(QLatin1Char('+'));
}

QString timeText(const QDateTime& utc)
{
    return utc.isValid() ? utc.toLocalTime().toString(Qt::ISODate) : QStringLiteral("-");
}

int listAccounts(AdminContext& context)
{
    auto accounts = openAccounts(context);
    if (!accounts) {
        return 1;
    }
    auto list = accounts->store->list();
    if (!list) {
        return failed(context, list.error());
    }
    // Name last: it may hold full-width characters that break column alignment.
    const QStringList header = {QStringLiteral("ID"),           QStringLiteral("ROLE"),
                                QStringLiteral("STATE"),        QStringLiteral("FAILURES"),
                                QStringLiteral("CARD"),         QStringLiteral("MUST-CHANGE"),
                                QStringLiteral("LAST-FAILURE"), QStringLiteral("NAME")};
    QList<QStringList> rows{header};
    for (const Account& account : *list) {
        rows.append({account.id, security::roleName(account.role), stateText(account),
                     QString::number(account.consecutiveFailures),
                     account.cardFingerprint.isEmpty()
                         ? QStringLiteral("-")
                         : QStringLiteral("bound:") + account.cardFingerprint.left(16),
                     account.mustChangePassword ? QStringLiteral("yes") : QStringLiteral("no"),
                     timeText(account.lastFailureAt), account.displayName});
    }
    QList<qsizetype> widths(header.size(), 0);
    for (const QStringList& row : rows) {
        for (qsizetype column = 0; column < row.size(); ++column) {
            widths[column] = std::max(widths[column], row.at(column).size());
        }
    }
    for (const QStringList& row : rows) {
        QString line;
        for (qsizetype column = 0; column < row.size(); ++column) {
            line +=
                column + 1 < row.size() ? row.at(column).leftJustified(widths[column] + 2) : row.at(column);
        }
        context.out << line << '\n';
    }
    if (list->isEmpty()) {
        context.out << "(no accounts: add one with dokuei-admin user add)\n";
    }
    return 0;
}

int addAccount(const QStringList& args, AdminContext& context)
{
    const Parsed parsed = parse(args, {QStringLiteral("--name"), QStringLiteral("--role")});
    if (!parsed.problem.isEmpty()) {
        return usageError(context, parsed.problem);
    }
    if (parsed.positional.size() != 1 || !parsed.options.contains(QStringLiteral("--name")) ||
        !parsed.options.contains(QStringLiteral("--role"))) {
        return usageError(
            context, QStringLiteral("user add needs ID, --name NAME and --role ROLE (and nothing else)"));
    }
    const auto role = security::roleFromName(parsed.options.value(QStringLiteral("--role")));
    if (!role) {
        return usageError(
            context,
            QStringLiteral("unknown role \"%1\"").arg(parsed.options.value(QStringLiteral("--role"))));
    }
    auto id = AccountStore::validateAccountId(parsed.positional.first());
    if (!id) {
        return failed(context, id.error());
    }
    const QString password = readNewPassword(context, QStringLiteral("Initial password for %1").arg(*id));
    if (password.isNull()) {
        return 1;
    }
    auto accounts = openAccounts(context);
    if (!accounts) {
        return 1;
    }
    if (auto added = accounts->store->addUser(*id, parsed.options.value(QStringLiteral("--name")), *role,
                                              password, context.osUser);
        !added) {
        return failed(context, added.error());
    }
    context.out << "added " << *id << " (" << security::roleName(*role)
                << "); the initial password must be changed at first sign-in; bind the card with "
                   "dokuei-admin user bind-card "
                << *id << " --cert FILE\n";
    return 0;
}

int resetPassword(const QString& id, bool acceptDataLoss, AdminContext& context)
{
    auto accounts = openAccounts(context);
    if (!accounts) {
        return 1;
    }
    // Fail before asking for secrets when the account does not exist or the reset would lose data.
    auto account = accounts->store->get(id);
    if (!account) {
        return failed(context, account.error());
    }
    // The user's data key (drafts, outbox) is wrapped under the old password, which nobody here knows, and
    // under the card. The password wrap goes; the card recovers the key at the next sign-in. Without a card
    // wrap the data would be lost: that needs the administrator's explicit --accept-data-loss.
    security::UserKeyring keyring(*accounts->vault);
    const bool passwordWrap = keyring.hasPasswordWrap(account->id);
    const bool cardWrap = keyring.hasCardWrap(account->id);
    const bool losesData = passwordWrap && !cardWrap;
    if (losesData && !acceptDataLoss) {
        context.err
            << "dokuei-admin: " << account->id
            << "'s encrypted drafts and outbox can only be opened with their current password (no card "
               "has opened them yet), so a reset would make them unreadable. Ask the person to sign in "
               "once with their card and password, or, if the password is truly lost, run again with "
               "--accept-data-loss (their user vault is then kept aside as unrecoverable, not deleted).\n";
        return 1;
    }
    const QString password = readNewPassword(context, QStringLiteral("New password for %1").arg(account->id));
    if (password.isNull()) {
        return 1;
    }
    const QString record =
        context.readSecret(QStringLiteral("How was the person's identity checked (one line)"));
    if (record.isNull()) {
        context.err << "dokuei-admin: after the password, give one line on standard input recording how the "
                       "person's identity was checked\n";
        return 1;
    }
    auto reset = accounts->vault->transaction([&]() -> Expected<void> {
        if (auto done = accounts->store->resetPassword(account->id, password, record, context.osUser);
            !done) {
            return done;
        }
        if (!passwordWrap) {
            return {};
        }
        if (auto dropped = keyring.dropPasswordWrap(account->id, losesData); !dropped) {
            return dropped;
        }
        if (!losesData) {
            return {};
        }
        security::AuditRecord alert;
        alert.userId = context.osUser;
        alert.role = administratorRole();
        alert.event = security::AuditEventId::SecurityAlert;
        alert.eventType = QStringLiteral("UserDataKeyDeleted");
        alert.outcome = security::AuditOutcome::Success;
        alert.details =
            QStringLiteral("password reset of %1 with --accept-data-loss: the user's data key had no "
                           "card wrap and was deleted; the user vault is kept aside as unrecoverable")
                .arg(account->id);
        auto recorded = accounts->trail->record(alert);
        return recorded ? Expected<void>{} : std::unexpected(recorded.error());
    });
    if (!reset) {
        return failed(context, reset.error());
    }
    context.out << "password of " << account->id << " reset; it must be changed at the next sign-in.\n";
    if (losesData) {
        auto retired = security::retireUserVault(context.paths, account->id);
        if (!retired) {
            return failed(context, retired.error());
        }
        if (!retired->isEmpty()) {
            context.out << "the old user vault is kept, unreadable, at " << *retired << '\n';
        }
    } else if (passwordWrap) {
        context.out << "their encrypted drafts stay; the card opens them at that sign-in.\n";
    }
    return 0;
}

int bindCard(const QStringList& args, AdminContext& context)
{
    const Parsed parsed = parse(args, {QStringLiteral("--cert")});
    if (!parsed.problem.isEmpty()) {
        return usageError(context, parsed.problem);
    }
    if (parsed.positional.size() != 1 || !parsed.options.contains(QStringLiteral("--cert"))) {
        return usageError(context, QStringLiteral("user bind-card needs ID and --cert FILE"));
    }
    const QString path = parsed.options.value(QStringLiteral("--cert"));
    QFile file(path);
    if (!QFileInfo(path).isFile() || !file.open(QIODevice::ReadOnly)) {
        context.err << "dokuei-admin: cannot read the certificate file \"" << path << "\"\n";
        return 1;
    }
    if (file.size() > kMaximumCertificateFileSize) {
        context.err << "dokuei-admin: \"" << path << "\" is too large to be a certificate\n";
        return 1;
    }
    const QByteArray bytes = file.readAll();
    auto certificate = security::parseCertificate(bytes);
    if (!certificate) {
        context.err << "dokuei-admin: \"" << path
                    << "\" is not a certificate: " << certificate.error().message << '\n';
        return 1;
    }
    auto accounts = openAccounts(context);
    if (!accounts) {
        return 1;
    }
    if (auto bound = accounts->store->bindCard(parsed.positional.first(), certificate->der, context.osUser);
        !bound) {
        return failed(context, bound.error());
    }
    context.out << "bound " << parsed.positional.first().toLower() << " to\n"
                << "  subject: " << certificate->subject << '\n'
                << "  issuer: " << certificate->issuer << '\n'
                << "  serial: " << certificate->serialNumberHex << '\n'
                << "  sha256: " << certificate->fingerprintSha256Hex << '\n'
                << "(trust, validity, revocation and key usage are checked at every sign-in)\n";
    return 0;
}

/// disable, enable, unlock, set-role: one ID, maybe one more value, then a store call.
int simpleChange(const QString& command, const QStringList& args, AdminContext& context)
{
    const bool setRole = command == QStringLiteral("set-role");
    const qsizetype expected = setRole ? 2 : 1;
    if (args.size() != expected || args.first().startsWith(QStringLiteral("--"))) {
        return usageError(context, setRole ? QStringLiteral("user set-role needs ID and ROLE")
                                           : QStringLiteral("user %1 needs exactly one ID").arg(command));
    }
    std::optional<security::Role> role;
    if (setRole) {
        role = security::roleFromName(args.at(1));
        if (!role) {
            return usageError(context, QStringLiteral("unknown role \"%1\"").arg(args.at(1)));
        }
    }
    auto accounts = openAccounts(context);
    if (!accounts) {
        return 1;
    }
    AccountStore& store = *accounts->store;
    const QString& id = args.first();
    Expected<void> result;
    QString done;
    if (command == QStringLiteral("disable")) {
        result = store.setDisabled(id, true, context.osUser);
        done = QStringLiteral("disabled");
    } else if (command == QStringLiteral("enable")) {
        result = store.setDisabled(id, false, context.osUser);
        done = QStringLiteral("enabled");
    } else if (command == QStringLiteral("unlock")) {
        result = store.unlock(id, context.osUser);
        done = QStringLiteral("unlocked (failure count cleared)");
    } else {
        result = store.setRole(id, *role, context.osUser);
        done = QStringLiteral("now has the role ") + security::roleName(*role);
    }
    if (!result) {
        return failed(context, result.error());
    }
    context.out << id.toLower() << ' ' << done << '\n';
    return 0;
}

} // namespace

int runUserCommand(const QStringList& args, AdminContext& context)
{
    if (args.isEmpty()) {
        return usageError(context, QStringLiteral("missing user command"));
    }
    const QString command = args.first();
    const QStringList rest = args.mid(1);
    if (command == QStringLiteral("help") || command == QStringLiteral("--help")) {
        context.out << usage() << '\n';
        return 0;
    }
    if (const auto option = secretArgument(rest)) {
        context.err
            << "dokuei-admin: " << *option
            << " refused: passwords and identity-check records are never taken from arguments (they "
               "would show in ps and in the shell history). Give them on standard input, one per line; "
               "see dokuei-admin user help\n";
        return 2;
    }
    if (command == QStringLiteral("add")) {
        return addAccount(rest, context);
    }
    if (command == QStringLiteral("list")) {
        if (!rest.isEmpty()) {
            return usageError(context, QStringLiteral("user list takes no arguments"));
        }
        return listAccounts(context);
    }
    if (command == QStringLiteral("reset-password")) {
        QStringList ids = rest;
        const bool acceptDataLoss = ids.removeAll(QStringLiteral("--accept-data-loss")) > 0;
        if (ids.size() != 1 || ids.first().startsWith(QStringLiteral("-"))) {
            return usageError(context,
                              QStringLiteral("user reset-password takes exactly one ID (and optionally "
                                             "--accept-data-loss); the new password and the "
                                             "identity-check record come from standard input"));
        }
        return resetPassword(ids.first(), acceptDataLoss, context);
    }
    if (command == QStringLiteral("bind-card")) {
        return bindCard(rest, context);
    }
    if (command == QStringLiteral("disable") || command == QStringLiteral("enable") ||
        command == QStringLiteral("unlock") || command == QStringLiteral("set-role")) {
        return simpleChange(command, rest, context);
    }
    return usageError(context, QStringLiteral("unknown user command \"%1\"").arg(command));
}

} // namespace dokuei::admin
