// dokuei-admin: the administrator's command-line tool. Scriptable; secrets are only ever read from
// standard input, never from arguments.
#include "admin/AdminCommands.h"
#include "dokuei/common/BuildInfo.h"
#include "dokuei/common/Configuration.h"
#include "dokuei/common/WorkstationPaths.h"
#include "dokuei/security/ProcessHardening.h"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <pwd.h>
#include <string>
#include <termios.h>
#include <unistd.h>

#include <QCoreApplication>
#include <QProcessEnvironment>
#include <QStringList>
#include <QTextStream>

namespace {

void out(const QString& text)
{
    std::fputs(text.toLocal8Bit().constData(), stdout);
    std::fputc('\n', stdout);
}

void err(const QString& text)
{
    std::fputs((QStringLiteral("dokuei-admin: ") + text).toLocal8Bit().constData(), stderr);
    std::fputc('\n', stderr);
}

/// One line from standard input, echo off when it is a terminal (the prompt goes to stderr).
QString readSecretLine(const QString& what)
{
    const bool terminal = ::isatty(STDIN_FILENO) != 0;
    termios saved{};
    if (terminal) {
        std::fprintf(stderr, "%s: ", qPrintable(what));
        std::fflush(stderr);
        ::tcgetattr(STDIN_FILENO, &saved);
        termios silent = saved;
        silent.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        ::tcsetattr(STDIN_FILENO, TCSANOW, &silent);
    }
    std::string line;
    const bool got = static_cast<bool>(std::getline(std::cin, line));
    if (terminal) {
        ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        std::fputc('\n', stderr);
    }
    if (!got) {
        return {};
    }
    if (!line.empty() && line.back() == '\r') {
        line.pop_back();
    }
    QString secret = QString::fromStdString(line);
    std::fill(line.begin(), line.end(), '\0');
    return secret;
}

QString currentOsUser()
{
    if (const passwd* entry = ::getpwuid(::geteuid())) {
        return QString::fromLocal8Bit(entry->pw_name);
    }
    return QStringLiteral("uid:%1").arg(::geteuid());
}

QString usage()
{
    return QStringLiteral(
        "usage: dokuei-admin <command>\n"
        "  --version        print the version\n"
        "  paths            where this workstation keeps configuration, vault and policy\n"
        "  config check     read and validate the configuration files\n"
        "  user ...         accounts: add|list|disable|enable|unlock|reset-password|set-role|bind-card\n"
        "  policy ...       password and session policy: show|set\n"
        "  audit ...        audit trail: verify|report|export\n"
        "  vault ...        encrypted vault: backup|restore\n"
        "  template ...     report templates: check FILE|list\n"
        "  help             this text\n"
        "Secrets are read from standard input, one per line, never from arguments.\n"
        "Rights: dokuei-admin has no sign-in of its own. The administrator control is the operating-system\n"
        "account that owns the workstation key (<data_dir>/workstation.key, mode 0600): only that account\n"
        "can open the vault, and whoever runs dokuei-admin as that account administers accounts, policy,\n"
        "audit trail and backups. Keep that account to the IT administrators. Every change is audited with\n"
        "that OS account's name as the user and the role \"os-account\".");
}

int showPaths()
{
    auto paths = dokuei::WorkstationPaths::resolve(QProcessEnvironment::systemEnvironment());
    if (!paths) {
        err(paths.error().message);
        return 1;
    }
    out(QStringLiteral("config_dir=%1").arg(paths->configDir));
    out(QStringLiteral("data_dir=%1").arg(paths->dataDir));
    out(QStringLiteral("vault_dir=%1").arg(paths->vaultDir()));
    out(QStringLiteral("user_config=%1").arg(paths->userConfigFile()));
    out(QStringLiteral("system_config=%1").arg(paths->systemConfigFile()));
    return 0;
}

int checkConfig()
{
    auto paths = dokuei::WorkstationPaths::resolve(QProcessEnvironment::systemEnvironment());
    if (!paths) {
        err(paths.error().message);
        return 1;
    }
    auto config = dokuei::Configuration::load(*paths);
    if (!config) {
        err(config.error().message);
        return 1;
    }
    out(QStringLiteral("reading_centre/url=%1").arg(config->readingCentreUrl.toString()));
    out(QStringLiteral("reading_centre/ca_file=%1").arg(config->readingCentreCaFile));
    out(QStringLiteral("reading_centre/crl_file=%1").arg(config->readingCentreCrlFile));
    out(QStringLiteral("pkcs11/module=%1").arg(config->pkcs11Module));
    out(QStringLiteral("ui/language=%1").arg(config->language));
    out(QStringLiteral("reporting/template_dir=%1").arg(config->templateDirectory));
    out(QStringLiteral("configuration is valid"));
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    if (auto hardened = dokuei::security::ProcessHardening::disableCoreDumps(); !hardened) {
        err(hardened.error().message);
        return 1;
    }
    QCoreApplication app(argc, argv);
    QStringList args = QCoreApplication::arguments().mid(1);
    if (args.isEmpty() || args.first() == QStringLiteral("help") ||
        args.first() == QStringLiteral("--help")) {
        out(usage());
        return args.isEmpty() ? 2 : 0;
    }
    if (args == QStringList{QStringLiteral("--version")}) {
        out(QStringLiteral("dokuei-admin %1").arg(dokuei::dokueiVersion()));
        return 0;
    }
    if (args == QStringList{QStringLiteral("paths")}) {
        return showPaths();
    }
    if (args == QStringList{QStringLiteral("config"), QStringLiteral("check")}) {
        return checkConfig();
    }
    using Group = int (*)(const QStringList&, dokuei::admin::AdminContext&);
    const std::pair<QString, Group> groups[] = {
        {QStringLiteral("user"), &dokuei::admin::runUserCommand},
        {QStringLiteral("policy"), &dokuei::admin::runPolicyCommand},
        {QStringLiteral("audit"), &dokuei::admin::runAuditCommand},
        {QStringLiteral("vault"), &dokuei::admin::runVaultCommand},
        {QStringLiteral("template"), &dokuei::admin::runTemplateCommand},
    };
    for (const auto& [name, run] : groups) {
        if (args.first() != name) {
            continue;
        }
        auto paths = dokuei::WorkstationPaths::resolve(QProcessEnvironment::systemEnvironment());
        if (!paths) {
            err(paths.error().message);
            return 1;
        }
        if (auto ok = paths->ensureUserDirectories(); !ok) {
            err(ok.error().message);
            return 1;
        }
        QTextStream outStream(stdout);
        QTextStream errStream(stderr);
        dokuei::admin::AdminContext context{*paths, outStream, errStream, &readSecretLine, currentOsUser()};
        const int code = run(args.mid(1), context);
        outStream.flush();
        errStream.flush();
        return code;
    }
    err(QStringLiteral("unknown command \"%1\"\n%2").arg(args.join(QLatin1Char(' ')), usage()));
    return 2;
}
