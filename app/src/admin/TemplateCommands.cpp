// dokuei-admin template ...: report templates. `check FILE` validates one file before it is copied into
// the template directory; `list` shows what this workstation loads (shipped + the configured directory).
// Read-only: nothing is written and nothing audited.
#include "admin/AdminCommands.h"
#include "dokuei/common/Configuration.h"
#include "dokuei/reporting/TemplateLibrary.h"

namespace dokuei::admin {
namespace {

QString usage()
{
    return QStringLiteral(
        "usage: dokuei-admin template <command>\n"
        "  check FILE   validate one template file (format: resources/templates/README.md); prints\n"
        "               \"ok: <id> <title>\" or every problem as file:line: field: message, exit 1 on "
        "problems\n"
        "  list         the templates this workstation loads: the shipped ones, then those of\n"
        "               [reporting] template_dir (system configuration), and every refused file");
}

int usageError(AdminContext& context, const QString& message)
{
    context.err << "dokuei-admin: " << message << '\n' << usage() << '\n';
    return 2;
}

QString describe(const reporting::ReportTemplate& t)
{
    return QStringLiteral("%1 %2 / %3").arg(t.id, t.title.ja, t.title.en);
}

int check(const QString& file, AdminContext& context)
{
    const auto parsed = reporting::loadTemplateFile(file);
    if (!parsed) {
        for (const auto& problem : parsed.error()) {
            context.err << problem.toString() << '\n';
        }
        context.err << "dokuei-admin: " << file << ": refused (" << parsed.error().size() << " problem"
                    << (parsed.error().size() == 1 ? "" : "s") << ")\n";
        return 1;
    }
    context.out << "ok: " << describe(*parsed) << '\n';
    return 0;
}

int list(AdminContext& context)
{
    auto config = Configuration::load(context.paths);
    if (!config) {
        context.err << "dokuei-admin: " << config.error().message << '\n';
        return 1;
    }
    const QStringList directories{reporting::shippedTemplateDirectory(), config->templateDirectory};
    const auto library = reporting::TemplateLibrary::load(directories);
    for (const QString& directory : directories) {
        context.out << "directory: " << directory << '\n';
    }
    for (const auto& t : library.templates()) {
        context.out << "ok: " << describe(t) << " (" << t.sourceFile << ")\n";
    }
    for (const auto& problem : library.problems()) {
        context.err << problem.toString() << '\n';
    }
    return library.problems().isEmpty() ? 0 : 1;
}

} // namespace

int runTemplateCommand(const QStringList& args, AdminContext& context)
{
    if (args.isEmpty()) {
        return usageError(context, QStringLiteral("missing template command"));
    }
    const QString command = args.first();
    if (command == QStringLiteral("help") || command == QStringLiteral("--help")) {
        context.out << usage() << '\n';
        return 0;
    }
    if (command == QStringLiteral("check")) {
        if (args.size() != 2) {
            return usageError(context, QStringLiteral("template check needs exactly one FILE"));
        }
        return check(args.at(1), context);
    }
    if (command == QStringLiteral("list")) {
        if (args.size() != 1) {
            return usageError(context, QStringLiteral("template list takes no arguments"));
        }
        return list(context);
    }
    return usageError(context, QStringLiteral("unknown template command \"%1\"").arg(command));
}

} // namespace dokuei::admin
