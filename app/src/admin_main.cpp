// dokuei-admin: the administrator's command-line tool. Scriptable; secrets are only ever read from
// standard input, never from arguments.
#include "dokuei/common/BuildInfo.h"
#include "dokuei/common/Configuration.h"
#include "dokuei/common/WorkstationPaths.h"
#include "dokuei/security/ProcessHardening.h"

#include <cstdio>

#include <QCoreApplication>
#include <QProcessEnvironment>
#include <QStringList>

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

QString usage()
{
    return QStringLiteral("usage: dokuei-admin <command>\n"
                          "  --version        print the version\n"
                          "  paths            where this workstation keeps configuration, vault and policy\n"
                          "  config check     read and validate the configuration files\n"
                          "  help             this text");
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
    err(QStringLiteral("unknown command \"%1\"\n%2").arg(args.join(QLatin1Char(' ')), usage()));
    return 2;
}
