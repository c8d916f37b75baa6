#include "dokuei/app/Translations.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

namespace dokuei::app {

QString resolveLanguage(const QString& requested)
{
    if (requested == QStringLiteral("ja") || requested == QStringLiteral("en")) {
        return requested;
    }
    return QLocale::system().language() == QLocale::Japanese ? QStringLiteral("ja") : QStringLiteral("en");
}

bool installTranslations(QCoreApplication& app, const QString& language)
{
    if (language != QStringLiteral("ja")) {
        return true;
    }
    auto* qtTranslator = new QTranslator(&app);
    if (qtTranslator->load(QLocale(QLocale::Japanese), QStringLiteral("qtbase"), QStringLiteral("_"),
                           QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
        QCoreApplication::installTranslator(qtTranslator);
    }
    auto* translator = new QTranslator(&app);
    if (!translator->load(QStringLiteral(":/i18n/dokuei_ja.qm"))) {
        return false;
    }
    QCoreApplication::installTranslator(translator);
    return true;
}

} // namespace dokuei::app
