#include "dokuei/app/MainWindow.h"

#include "dokuei/app/PatientBanner.h"
#include "dokuei/app/StudyBrowser.h"
#include "dokuei/app/Translations.h"
#include "dokuei/security/WipeRegistry.h"
#include "dokuei/viewer/ui/ReadingWorkspace.h"
#include "dokuei/viewer/ui/VtkViewWidget.h"

#include <QAction>
#include <QApplication>
#include <QMenuBar>
#include <QStatusBar>
#include <QTabWidget>
#include <QTest>
#include <QTranslator>
#include <QTreeWidget>

#include <gtest/gtest.h>

namespace {

/// The titles of the window's tabs.
QStringList tabTitles(const dokuei::app::MainWindow& window)
{
    QStringList titles;
    for (int i = 0; i < window.tabs()->count(); ++i) {
        titles << window.tabs()->tabText(i);
    }
    return titles;
}

TEST(MainWindow, OpensOnTheStudyListWithNoTestTab)
{
    dokuei::security::WipeRegistry registry;
    dokuei::app::MainWindow window(registry);
    window.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
    EXPECT_EQ(tabTitles(window), (QStringList{QStringLiteral("Studies"), QStringLiteral("Reading")}))
        << "no test-volume tab and no loading tab: "
        << tabTitles(window).join(QLatin1Char(',')).toStdString();
    EXPECT_EQ(window.tabs()->currentWidget(), window.studiesPage()) << "the window opens on the study list";
    EXPECT_TRUE(window.studyBrowser()->isVisible());
    EXPECT_FALSE(window.wipedNotice()->isVisible());
    EXPECT_EQ(window.seriesLoader(), nullptr) << "no reading session: nothing can load";
    // The study list's columns, translated (English here).
    QTreeWidget* tree = window.studyBrowser()->tree();
    QStringList headers;
    for (int i = 0; i < tree->columnCount(); ++i) {
        headers << tree->headerItem()->text(i);
    }
    EXPECT_EQ(headers, (QStringList{QStringLiteral("Patient / series"), QStringLiteral("Date"),
                                    QStringLiteral("Description"), QStringLiteral("Accession"),
                                    QStringLiteral("Requesting facility"), QStringLiteral("Modality"),
                                    QStringLiteral("Series"), QStringLiteral("Images")}));
    EXPECT_TRUE(tree->isSortingEnabled());
    // Nothing of a test volume anywhere in the product's window.
    for (QWidget* widget : window.findChildren<QWidget*>()) {
        EXPECT_NE(widget->objectName(), QStringLiteral("VolumeView")) << "the test volume view is gone";
    }
    EXPECT_FALSE(window.statusBar()->currentMessage().contains(QStringLiteral("Test volume")));
}

TEST(MainWindow, SpeaksJapanese)
{
    ASSERT_TRUE(dokuei::app::installTranslations(*qApp, QStringLiteral("ja")));
    dokuei::security::WipeRegistry registry;
    {
        dokuei::app::MainWindow window(registry);
        EXPECT_EQ(window.windowTitle(), QStringLiteral("dokuei — CT 読影ワークステーション"));
        QStringList menus;
        for (QAction* action : window.menuBar()->actions()) {
            menus << action->text();
        }
        EXPECT_TRUE(menus.contains(QStringLiteral("ファイル(&F)")))
            << menus.join(QLatin1Char(',')).toStdString();
        // The reading tools, the measurement list and the annotations (contexts of classes in namespaces
        // and of free functions: each must reach its catalogue entry).
        dokuei::viewer::ReadingWorkspace* reading = window.readingWorkspace();
        EXPECT_EQ(reading->toolAction(dokuei::viewer::ReadingTool::Length)->text(), QStringLiteral("距離"));
        EXPECT_EQ(reading->stackView()->planeName(), QStringLiteral("スタック"));
        EXPECT_EQ(dokuei::viewer::measurementKindName(dokuei::viewer::MeasurementKind::Ellipse),
                  QStringLiteral("楕円 ROI"));
        dokuei::viewer::ViewReadout readout;
        readout.count = 10;
        EXPECT_TRUE(dokuei::viewer::cornerTexts({}, readout)
                        .bottomLeft.join(QLatin1Char(' '))
                        .contains(QStringLiteral("位置")));
        EXPECT_EQ(dokuei::viewer::VolumeView::presetName(dokuei::viewer::VolumePreset::Bone),
                  QStringLiteral("CT 骨"));
        // The refusal of an account without the right to read images (Workstation).
        EXPECT_TRUE(
            QCoreApplication::translate("dokuei::app::Workstation",
                                        "This account has no right to read images on this workstation "
                                        "(role: %1). Sign in with a radiologist's account; accounts and "
                                        "policy are managed with dokuei-admin.")
                .startsWith(QStringLiteral("このアカウントには")));
    }
    // Remove our translators again so other tests see English.
    for (QTranslator* translator : qApp->findChildren<QTranslator*>()) {
        QCoreApplication::removeTranslator(translator);
        delete translator;
    }
    dokuei::app::MainWindow english(registry);
    EXPECT_EQ(english.windowTitle(), QStringLiteral("dokuei — CT reading workstation"));
}

} // namespace

namespace {

TEST(MainWindow, PatientBannerIsWipedWithTheRegistry)
{
    dokuei::security::WipeRegistry registry;
    dokuei::app::MainWindow window(registry);
    window.patientBanner()->showPatient(QStringLiteral("Yamada^Taro=山田^太郎"), QStringLiteral("P123"),
                                        QStringLiteral("CT chest"));
    EXPECT_TRUE(window.patientBanner()->text().contains(QStringLiteral("山田")));
    const auto report = registry.wipeAll();
    // The banner, the study browser, the reading views and their measurements hold patient data (the
    // series loader belongs to the reading session, built per signed-in session).
    EXPECT_EQ(report.components, 4);
    EXPECT_TRUE(report.names.contains(QStringLiteral("reading views")));
    EXPECT_TRUE(report.names.contains(QStringLiteral("measurements")));
    EXPECT_TRUE(report.names.contains(QStringLiteral("patient banner")));
    EXPECT_GT(report.bytesWiped, 0U);
    EXPECT_TRUE(window.patientBanner()->text().isEmpty());
}

TEST(MainWindow, PrivacyLockActionHasAShortcutAndSignalsALock)
{
    dokuei::security::WipeRegistry registry;
    dokuei::app::MainWindow window(registry);
    ASSERT_NE(window.lockAction(), nullptr);
    EXPECT_EQ(window.lockAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_L));
    int requests = 0;
    QObject::connect(&window, &dokuei::app::MainWindow::lockRequested, [&] { ++requests; });
    window.lockAction()->trigger();
    EXPECT_EQ(requests, 1);
}

} // namespace
