// dokuei-admin audit ...: verify, report and export the tamper-evident audit trail of this workstation's
// system vault. Every use is itself audited (110101 Audit Log Used) with the operating-system account as
// the actor.
#include "admin/AdminCommands.h"
#include "dokuei/security/AuditTrail.h"
#include "dokuei/security/SystemVault.h"
#include "dokuei/security/Vault.h"

#include <memory>
#include <optional>

#include <QDate>
#include <QFile>
#include <QSaveFile>

namespace dokuei::admin {
namespace {

QString usage()
{
    return QStringLiteral(
        "usage: dokuei-admin audit <command>\n"
        "  verify                                   check every record, the hash chain and the head;\n"
        "                                           exit 0 when intact, 1 with the problems listed\n"
        "  report --from YYYY-MM-DD --to YYYY-MM-DD chronological listing, sessions (login, logout,\n"
        "                                           duration, patients) and per-patient access counts\n"
        "  export --from YYYY-MM-DD --to YYYY-MM-DD [--out FILE]\n"
        "                                           the same period as JSON (stdout or FILE, mode 0600)\n"
        "Dates are local calendar days, both included.");
}

struct Period
{
    QDateTime fromUtc;
    QDateTime toUtc;
    QString outFile;
};

/// Parses --from/--to (local days, inclusive) and --out; nullopt after printing the problem.
std::optional<Period> parsePeriod(const QStringList& args, bool allowOut, AdminContext& context)
{
    QString from;
    QString to;
    Period period;
    for (qsizetype i = 1; i < args.size(); ++i) {
        const QString& option = args.at(i);
        if (i + 1 >= args.size()) {
            context.err << "dokuei-admin: " << option << " needs a value\n";
            return std::nullopt;
        }
        const QString value = args.at(++i);
        if (option == QStringLiteral("--from")) {
            from = value;
        } else if (option == QStringLiteral("--to")) {
            to = value;
        } else if (option == QStringLiteral("--out") && allowOut) {
            period.outFile = value;
        } else {
            context.err << "dokuei-admin: unknown option " << option << "\n";
            return std::nullopt;
        }
    }
    const QDate fromDate = QDate::fromString(from, Qt::ISODate);
    const QDate toDate = QDate::fromString(to, Qt::ISODate);
    if (!fromDate.isValid() || !toDate.isValid() || toDate < fromDate) {
        context.err << "dokuei-admin: give --from and --to as dates YYYY-MM-DD with --from not after --to\n";
        return std::nullopt;
    }
    period.fromUtc = fromDate.startOfDay().toUTC();
    period.toUtc = toDate.addDays(1).startOfDay().toUTC();
    return period;
}

int verify(security::AuditTrail& trail, AdminContext& context)
{
    auto result = trail.verify();
    if (!result) {
        context.err << "dokuei-admin: " << result.error().toString() << "\n";
        return 1;
    }
    if (result->ok) {
        context.out << "audit trail intact: " << result->recordsChecked << " records verified\n";
        return 0;
    }
    context.out << "audit trail NOT intact: " << result->problems.size() << " problems in "
                << result->recordsChecked << " records\n";
    for (const auto& problem : result->problems) {
        context.out << security::AuditTrail::problemKindName(problem.kind) << " at sequence "
                    << problem.sequence << ": " << problem.explanation << "\n";
    }
    return 1;
}

} // namespace

int runAuditCommand(const QStringList& args, AdminContext& context)
{
    const QString command = args.value(0);
    if (command.isEmpty() || command == QStringLiteral("help")) {
        context.out << usage() << "\n";
        return command.isEmpty() ? 2 : 0;
    }
    if (command != QStringLiteral("verify") && command != QStringLiteral("report") &&
        command != QStringLiteral("export")) {
        context.err << usage() << "\n";
        return 2;
    }
    if (command == QStringLiteral("verify") && args.size() != 1) {
        context.err << usage() << "\n";
        return 2;
    }
    std::optional<Period> period;
    if (command != QStringLiteral("verify")) {
        period = parsePeriod(args, command == QStringLiteral("export"), context);
        if (!period) {
            return 2;
        }
    }
    auto vault = security::openSystemVault(context.paths);
    if (!vault) {
        context.err << "dokuei-admin: " << vault.error().toString() << "\n";
        return 1;
    }
    security::AuditTrail trail(**vault);
    trail.setActor(context.osUser, administratorRole());
    if (command == QStringLiteral("verify")) {
        return verify(trail, context);
    }
    if (command == QStringLiteral("report")) {
        auto report = trail.report(period->fromUtc, period->toUtc);
        if (!report) {
            context.err << "dokuei-admin: " << report.error().toString() << "\n";
            return 1;
        }
        context.out << *report;
        return 0;
    }
    auto json = trail.exportJson(period->fromUtc, period->toUtc);
    if (!json) {
        context.err << "dokuei-admin: " << json.error().toString() << "\n";
        return 1;
    }
    if (period->outFile.isEmpty()) {
        context.out << QString::fromUtf8(*json);
        return 0;
    }
    QSaveFile file(period->outFile);
    if (!file.open(QIODevice::WriteOnly) || file.write(*json) != json->size() || !file.commit()) {
        context.err << "dokuei-admin: cannot write " << period->outFile << ": " << file.errorString() << "\n";
        return 1;
    }
    QFile::setPermissions(period->outFile, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    context.out << "exported to " << period->outFile << "\n";
    return 0;
}

} // namespace dokuei::admin
