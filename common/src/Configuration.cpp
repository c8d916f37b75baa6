#include "dokuei/common/Configuration.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>

namespace dokuei {
namespace {

/// Returns the value of `key` and the file it came from (for error messages). The user file overrides the
/// system file, except for keys the administrator owns: `policy/*` always, and `smart_card/*` (the trust
/// anchors for physicians' cards) whenever the system file sets them.
std::pair<QString, QString> lookup(const QSettings& system, const QSettings& user, const QString& key)
{
    const bool policy = key.startsWith(QStringLiteral("policy/"));
    const bool lockedBySystem = key.startsWith(QStringLiteral("smart_card/")) && system.contains(key);
    if (!policy && !lockedBySystem && user.contains(key)) {
        return {user.value(key).toString().trimmed(), user.fileName()};
    }
    return {system.value(key).toString().trimmed(), system.fileName()};
}

Expected<void> checkReadable(const QString& file, const QString& key, const QString& source)
{
    if (file.isEmpty()) {
        return {};
    }
    const QFileInfo info(file);
    if (!info.isAbsolute()) {
        return fail(ErrorCode::ConfigurationInvalid,
                    QStringLiteral("%1: %2 must be an absolute path, got \"%3\"").arg(source, key, file));
    }
    if (!info.isFile() || !info.isReadable()) {
        return fail(
            ErrorCode::ConfigurationInvalid,
            QStringLiteral("%1: %2 names \"%3\", which is not a readable file").arg(source, key, file));
    }
    return {};
}

} // namespace

Expected<Configuration> Configuration::load(const WorkstationPaths& paths)
{
    for (const QString& file : {paths.systemConfigFile(), paths.userConfigFile()}) {
        const QFileInfo info(file);
        if (info.exists() && !info.isReadable()) {
            return fail(ErrorCode::ConfigurationInvalid,
                        QStringLiteral("%1 exists but cannot be read").arg(file));
        }
    }
    const QSettings system(paths.systemConfigFile(), QSettings::IniFormat);
    const QSettings user(paths.userConfigFile(), QSettings::IniFormat);
    for (const QSettings* settings : {&system, &user}) {
        if (settings->status() == QSettings::FormatError) {
            return fail(ErrorCode::ConfigurationInvalid,
                        QStringLiteral("%1 is not a valid INI file").arg(settings->fileName()));
        }
    }

    Configuration config;

    const auto [url, urlSource] = lookup(system, user, QStringLiteral("reading_centre/url"));
    if (!url.isEmpty()) {
        config.readingCentreUrl = QUrl(url, QUrl::StrictMode);
        if (!config.readingCentreUrl.isValid() ||
            config.readingCentreUrl.scheme() != QStringLiteral("https") ||
            config.readingCentreUrl.host().isEmpty()) {
            return fail(
                ErrorCode::ConfigurationInvalid,
                QStringLiteral("%1: reading_centre/url must be an https:// URL with a host, got \"%2\"")
                    .arg(urlSource, url));
        }
    }

    const auto [ca, caSource] = lookup(system, user, QStringLiteral("reading_centre/ca_file"));
    if (auto ok = checkReadable(ca, QStringLiteral("reading_centre/ca_file"), caSource); !ok) {
        return std::unexpected(ok.error());
    }
    config.readingCentreCaFile = ca;

    const auto [crl, crlSource] = lookup(system, user, QStringLiteral("reading_centre/crl_file"));
    if (auto ok = checkReadable(crl, QStringLiteral("reading_centre/crl_file"), crlSource); !ok) {
        return std::unexpected(ok.error());
    }
    config.readingCentreCrlFile = crl;

    const auto [module, moduleSource] = lookup(system, user, QStringLiteral("pkcs11/module"));
    if (!module.isEmpty() && !QDir::isAbsolutePath(module)) {
        return fail(ErrorCode::ConfigurationInvalid,
                    QStringLiteral("%1: pkcs11/module must be an absolute path, got \"%2\"")
                        .arg(moduleSource, module));
    }
    config.pkcs11Module = module;

    const auto [anchors, anchorsSource] = lookup(system, user, QStringLiteral("smart_card/trust_anchors"));
    if (auto ok = checkReadable(anchors, QStringLiteral("smart_card/trust_anchors"), anchorsSource); !ok) {
        return std::unexpected(ok.error());
    }
    config.cardTrustAnchorFile = anchors;
    const auto [cardCrl, cardCrlSource] = lookup(system, user, QStringLiteral("smart_card/crl_file"));
    if (auto ok = checkReadable(cardCrl, QStringLiteral("smart_card/crl_file"), cardCrlSource); !ok) {
        return std::unexpected(ok.error());
    }
    config.cardCrlFile = cardCrl;

    const auto [language, languageSource] = lookup(system, user, QStringLiteral("ui/language"));
    if (!language.isEmpty() && language != QStringLiteral("ja") && language != QStringLiteral("en")) {
        return fail(ErrorCode::ConfigurationInvalid,
                    QStringLiteral("%1: ui/language must be \"ja\" or \"en\", got \"%2\"")
                        .arg(languageSource, language));
    }
    config.language = language;

    // Templates decide what every report of the workstation contains: the administrator's alone.
    const QString templates = system.value(QStringLiteral("reporting/template_dir")).toString().trimmed();
    if (!templates.isEmpty() && !QDir::isAbsolutePath(templates)) {
        return fail(ErrorCode::ConfigurationInvalid,
                    QStringLiteral("%1: reporting/template_dir must be an absolute path, got \"%2\"")
                        .arg(system.fileName(), templates));
    }
    config.templateDirectory =
        templates.isEmpty() ? paths.systemDir + QStringLiteral("/templates") : QDir::cleanPath(templates);
    // The organisation that reports (the SR's observer context, the PDF's header): the administrator's.
    config.reportingOrganisation =
        system.value(QStringLiteral("reporting/organisation")).toString().trimmed().left(64);
    return config;
}

} // namespace dokuei
