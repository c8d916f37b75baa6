// dokuei-admin vault ...: encrypted, verified backups of the system vault and the user vaults. The backup
// passphrase is read from standard input (twice for a backup), never from arguments. Both operations are
// audited: a backup in the vault it copies, a restore in the replaced vault (attempt) and in the restored
// one (result).
#include "admin/AdminCommands.h"
#include "dokuei/security/AuditTrail.h"
#include "dokuei/security/SystemVault.h"
#include "dokuei/security/Vault.h"
#include "dokuei/security/VaultBackup.h"

#include <QFileInfo>

namespace dokuei::admin {
namespace {

using security::AuditEventId;
using security::AuditOutcome;
using security::AuditRecord;

QString usage()
{
    return QStringLiteral(
        "usage: dokuei-admin vault <command>\n"
        "  backup FILE    write an encrypted copy of the system vault (accounts, policy, key wraps,\n"
        "                 audit trail) and the users' encrypted vaults; reads the backup passphrase\n"
        "                 (at least 12 characters) twice from stdin\n"
        "  restore FILE   verify FILE completely (passphrase, integrity, audit chain), then replace the\n"
        "                 vault; the replaced vault directory is kept next to it. Reads the passphrase\n"
        "                 from stdin. Run it while no one is signed in.");
}

void audit(security::Vault& vault, const QString& user, const QString& type, AuditOutcome outcome,
           const QString& details, AdminContext& context)
{
    security::AuditTrail trail(vault);
    AuditRecord record;
    record.userId = user;
    record.role = administratorRole();
    record.event = AuditEventId::ApplicationActivity;
    record.eventType = type;
    record.outcome = outcome;
    record.details = details;
    if (auto recorded = trail.record(record); !recorded) {
        context.err << "dokuei-admin: could not audit " << type << ": " << recorded.error().toString()
                    << "\n";
    }
}

int backup(const QString& file, AdminContext& context)
{
    const QString passphrase = context.readSecret(QStringLiteral("Backup passphrase"));
    const QString repeated = context.readSecret(QStringLiteral("Repeat the backup passphrase"));
    if (passphrase.isNull() || repeated.isNull()) {
        context.err << "dokuei-admin: the backup passphrase is read twice from standard input\n";
        return 2;
    }
    if (passphrase != repeated) {
        context.err << "dokuei-admin: the two passphrases differ\n";
        return 1;
    }
    auto vault = security::openSystemVault(context.paths);
    if (!vault) {
        context.err << "dokuei-admin: " << vault.error().toString() << "\n";
        return 1;
    }
    QByteArray secret = passphrase.toUtf8();
    auto summary = security::VaultBackup::create(context.paths, **vault, file, secret);
    secret.fill('\0');
    if (!summary) {
        audit(**vault, context.osUser, QStringLiteral("VaultBackup"), AuditOutcome::SeriousFailure,
              QStringLiteral("backup to %1 failed: %2").arg(file, summary.error().message), context);
        context.err << "dokuei-admin: " << summary.error().toString() << "\n";
        return 1;
    }
    audit(**vault, context.osUser, QStringLiteral("VaultBackup"), AuditOutcome::Success,
          QStringLiteral("backup to %1: %2 entries, %3 audit records")
              .arg(QFileInfo(file).absoluteFilePath())
              .arg(summary->entries.size())
              .arg(summary->auditRecords),
          context);
    context.out << "backup written to " << file << " (" << summary->bytes << " bytes; "
                << summary->entries.join(QStringLiteral(", ")) << ")\n";
    return 0;
}

int restore(const QString& file, AdminContext& context)
{
    const QString passphrase = context.readSecret(QStringLiteral("Backup passphrase"));
    if (passphrase.isNull()) {
        context.err << "dokuei-admin: the backup passphrase is read from standard input\n";
        return 2;
    }
    const QString absolute = QFileInfo(file).absoluteFilePath();
    // The attempt goes on the record of the vault about to be replaced (when there is one that opens).
    if (QFileInfo::exists(security::systemVaultPath(context.paths))) {
        if (auto current = security::openSystemVault(context.paths)) {
            audit(**current, context.osUser, QStringLiteral("VaultRestoreStarted"), AuditOutcome::Success,
                  QStringLiteral("restore from %1 requested").arg(absolute), context);
        }
    }
    QByteArray secret = passphrase.toUtf8();
    auto summary = security::VaultBackup::restore(context.paths, file, secret);
    secret.fill('\0');
    if (!summary) {
        if (auto current = security::openSystemVault(context.paths)) {
            audit(**current, context.osUser, QStringLiteral("VaultRestoreRefused"),
                  AuditOutcome::MinorFailure,
                  QStringLiteral("restore from %1 refused: %2").arg(absolute, summary.error().message),
                  context);
        }
        context.err << "dokuei-admin: " << summary.error().toString() << "\n";
        return 1;
    }
    auto restored = security::openSystemVault(context.paths);
    if (!restored) {
        context.err << "dokuei-admin: " << restored.error().toString() << "\n";
        return 1;
    }
    audit(
        **restored, context.osUser, QStringLiteral("VaultRestore"), AuditOutcome::Success,
        QStringLiteral("restored from %1 (%2 audit records); the replaced vault is kept at %3")
            .arg(absolute)
            .arg(summary->auditRecords)
            .arg(summary->previousVaultDir.isEmpty() ? QStringLiteral("(none)") : summary->previousVaultDir),
        context);
    context.out << "vault restored from " << file << " (" << summary->auditRecords
                << " audit records verified)\n";
    if (!summary->previousVaultDir.isEmpty()) {
        context.out << "the replaced vault is kept at " << summary->previousVaultDir
                    << ": remove it once the restored vault is confirmed\n";
    }
    return 0;
}

} // namespace

int runVaultCommand(const QStringList& args, AdminContext& context)
{
    const QString command = args.value(0);
    if (command.isEmpty() || command == QStringLiteral("help")) {
        context.out << usage() << "\n";
        return command.isEmpty() ? 2 : 0;
    }
    if ((command != QStringLiteral("backup") && command != QStringLiteral("restore")) || args.size() != 2) {
        context.err << usage() << "\n";
        return 2;
    }
    return command == QStringLiteral("backup") ? backup(args.at(1), context) : restore(args.at(1), context);
}

} // namespace dokuei::admin
