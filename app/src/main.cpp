// dokuei: the radiologist's workstation. Thin: hardening, configuration, then the windows.
#include "dokuei/app/SelfCheck.h"
#include "dokuei/app/Translations.h"
#include "dokuei/app/Workstation.h"
#include "dokuei/common/BuildInfo.h"
#include "dokuei/common/Configuration.h"
#include "dokuei/common/WorkstationPaths.h"
#include "dokuei/security/ProcessHardening.h"
#include "dokuei/viewer/ui/SurfaceFormat.h"

#include <cstdio>
#include <cstring>
#include <memory>

#include <QApplication>
#include <QCommandLineParser>
#include <QGuiApplication>
#include <QMessageBox>
#include <QProcessEnvironment>

#include <dcmtk/oflog/oflog.h>

namespace {

bool hasArgument(int argc, char** argv, const char* name)
{
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], name) == 0) {
            return true;
        }
    }
    return false;
}

bool displayAvailable()
{
    return qEnvironmentVariableIsSet("DISPLAY") || qEnvironmentVariableIsSet("WAYLAND_DISPLAY") ||
           qEnvironmentVariableIsSet("QT_QPA_PLATFORM");
}

struct Startup
{
    dokuei::WorkstationPaths paths;
    dokuei::Configuration config;
    QString error;
};

Startup loadConfiguration()
{
    Startup startup;
    auto paths = dokuei::WorkstationPaths::resolve(QProcessEnvironment::systemEnvironment());
    if (!paths) {
        startup.error = paths.error().message;
        return startup;
    }
    startup.paths = *paths;
    if (auto ok = paths->ensureUserDirectories(); !ok) {
        startup.error = ok.error().message;
        return startup;
    }
    auto config = dokuei::Configuration::load(*paths);
    if (!config) {
        startup.error = config.error().message;
        return startup;
    }
    startup.config = *config;
    return startup;
}

int runSelfCheck(int argc, char** argv)
{
    dokuei::viewer::installVtkSurfaceFormat();
    const bool graphics = displayAvailable();
    std::unique_ptr<QCoreApplication> app;
    if (graphics) {
        app = std::make_unique<QGuiApplication>(argc, argv);
    } else {
        app = std::make_unique<QCoreApplication>(argc, argv);
    }
    const Startup startup = loadConfiguration();
    dokuei::app::installTranslations(*app, dokuei::app::resolveLanguage(startup.config.language));
    const auto items = dokuei::app::SelfCheck::run({startup.error, startup.config.pkcs11Module, graphics});
    std::fputs(dokuei::app::SelfCheck::format(items).toLocal8Bit().constData(), stdout);
    return dokuei::app::SelfCheck::passed(items) ? 0 : 1;
}

} // namespace

int main(int argc, char** argv)
{
    // Before anything can hold patient data: no core dumps, no ptrace by other processes of this user.
    if (auto hardened = dokuei::security::ProcessHardening::disableCoreDumps(); !hardened) {
        std::fprintf(stderr, "dokuei: refusing to start: %s\n", qPrintable(hardened.error().message));
        return 1;
    }
    dokuei::security::ProcessHardening::keepLargeBlocksInHeap();
    // DCMTK reports problems with received instances through our errors (shown and audited); its own log
    // would only repeat them on stderr.
    OFLog::configure(OFLogger::FATAL_LOG_LEVEL);
    if (hasArgument(argc, argv, "--version")) {
        std::printf("dokuei %s\n", qPrintable(dokuei::dokueiVersion()));
        return 0;
    }
    if (hasArgument(argc, argv, "--self-check")) {
        return runSelfCheck(argc, argv);
    }

    dokuei::viewer::installVtkSurfaceFormat();
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("dokuei"));
    QApplication::setApplicationVersion(dokuei::dokueiVersion());

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Remote CT reading workstation"));
    parser.addHelpOption();
    parser.addOption(
        {QStringLiteral("version"), QApplication::translate("main", "Print the version and exit.")});
    parser.addOption(
        {QStringLiteral("self-check"),
         QApplication::translate("main", "Check libraries, OpenGL, memory locking, core dumps and "
                                         "the smart card module, then exit (non-zero on failure).")});
    const QCommandLineOption languageOption(
        QStringLiteral("lang"), QApplication::translate("main", "User interface language: ja or en."),
        QStringLiteral("language"));
    parser.addOption(languageOption);
    parser.process(app);

    const Startup startup = loadConfiguration();
    const QString requested =
        parser.isSet(languageOption) ? parser.value(languageOption) : startup.config.language;
    dokuei::app::installTranslations(app, dokuei::app::resolveLanguage(requested));
    if (!startup.error.isEmpty()) {
        QMessageBox::critical(nullptr, QApplication::translate("main", "dokuei cannot start"), startup.error);
        return 1;
    }

    auto workstation = dokuei::app::Workstation::create(startup.paths, startup.config);
    if (!workstation) {
        QMessageBox::critical(nullptr, QApplication::translate("main", "dokuei cannot start"),
                              workstation.error().message);
        return 1;
    }
    (*workstation)->start();
    return QApplication::exec();
}
