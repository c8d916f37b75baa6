#include "dokuei/app/MainWindow.h"

#include "ImageStatistics.h"
#include "dokuei/app/PatientBanner.h"
#include "dokuei/app/Translations.h"
#include "dokuei/security/WipeRegistry.h"
#include "dokuei/viewer/ui/ReadingWorkspace.h"
#include "dokuei/viewer/ui/VtkViewWidget.h"

#include <QAction>
#include <QApplication>
#include <QMenuBar>
#include <QTest>
#include <QTranslator>

#include <gtest/gtest.h>

namespace {

// The view's background colour set by VolumeScene (0.05, 0.06, 0.08).
const QColor kBackground(13, 15, 20);

TEST(MainWindow, ShowsTheVtkViewWithRenderedVolume)
{
    dokuei::security::WipeRegistry registry;
    dokuei::app::MainWindow window(registry);
    window.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
    auto* view = window.view();
    ASSERT_NE(view, nullptr);
    ASSERT_TRUE(QTest::qWaitFor([&] { return view->framesRendered() > 0; }, 30000))
        << "the VTK view never rendered a frame";
    EXPECT_FALSE(view->glRenderer().isEmpty());

    const QImage frame = view->grabFramebuffer();
    ASSERT_FALSE(frame.isNull());
    EXPECT_GE(frame.width(), 300);
    // The bone shell of the test volume covers a good part of the view; the rest is the dark background.
    const double volumePixels = dokuei::test::fractionUnlike(frame, kBackground);
    EXPECT_GT(volumePixels, 0.05) << "too few non-background pixels: the volume was not drawn";
    EXPECT_LT(volumePixels, 0.95) << "almost no background pixels: the view is not showing the scene";
    // A corner is background: VTK really drew the scene (not a cleared or garbage buffer).
    const QColor corner = frame.pixelColor(2, 2);
    EXPECT_NEAR(corner.red(), kBackground.red(), 3);
    EXPECT_NEAR(corner.green(), kBackground.green(), 3);
    EXPECT_NEAR(corner.blue(), kBackground.blue(), 3);
}

TEST(MainWindow, ChoosesTheCpuMapperOnSoftwareOpenGl)
{
    qunsetenv("DOKUEI_VOLUME_MAPPER");
    dokuei::security::WipeRegistry registry;
    dokuei::app::MainWindow window(registry);
    window.show();
    ASSERT_TRUE(QTest::qWaitFor([&] { return window.view()->framesRendered() > 0; }, 30000));
    if (window.view()->glRenderer().contains(QStringLiteral("llvmpipe"))) {
        EXPECT_EQ(window.volumeMapperName(), QStringLiteral("CPU ray casting"));
    } else {
        EXPECT_EQ(window.volumeMapperName(), QStringLiteral("GPU ray casting"));
    }
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
    // The banner, the study browser, the reading views, their measurements and the series loader hold
    // patient data.
    EXPECT_EQ(report.components, 5);
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
