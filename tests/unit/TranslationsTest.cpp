#include "dokuei/app/Translations.h"

#include <QCoreApplication>
#include <QFile>
#include <QTranslator>

#include <gtest/gtest.h>

namespace {

TEST(Translations, ExplicitLanguageWins)
{
    EXPECT_EQ(dokuei::app::resolveLanguage(QStringLiteral("ja")), QStringLiteral("ja"));
    EXPECT_EQ(dokuei::app::resolveLanguage(QStringLiteral("en")), QStringLiteral("en"));
}

TEST(Translations, JapaneseCatalogueIsEmbeddedAndComplete)
{
    QTranslator translator;
    ASSERT_TRUE(translator.load(QStringLiteral(":/i18n/dokuei_ja.qm")));
    EXPECT_EQ(translator.language(), QStringLiteral("ja_JP"));
    EXPECT_EQ(translator.translate("dokuei::app::MainWindow", "&Quit"), QStringLiteral("終了(&Q)"));
    EXPECT_EQ(translator.translate("dokuei::app::SelfCheck", "self-check passed"),
              QStringLiteral("セルフチェック合格"));
}

} // namespace

namespace {

// Every user-facing string ships in Japanese: the catalogue has no unfinished or empty entries.
TEST(Translations, NoUnfinishedEntriesInTheCatalogue)
{
    QFile ts(qEnvironmentVariable("DOKUEI_SOURCE_DIR") +
             QStringLiteral("/resources/translations/dokuei_ja.ts"));
    ASSERT_TRUE(ts.open(QIODevice::ReadOnly)) << ts.fileName().toStdString();
    const QString text = QString::fromUtf8(ts.readAll());
    EXPECT_FALSE(text.contains(QStringLiteral("type=\"unfinished\"")))
        << "run scripts/update-translations and translate";
    EXPECT_FALSE(text.contains(QStringLiteral("<translation></translation>")));
    EXPECT_GT(text.count(QStringLiteral("<message")), 30);
}

} // namespace
