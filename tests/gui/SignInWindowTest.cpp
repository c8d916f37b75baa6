#include "WorkstationTestFixture.h"
#include "dokuei/app/LockScreen.h"
#include "dokuei/app/LoginWindow.h"
#include "dokuei/app/MainWindow.h"
#include "dokuei/app/PatientBanner.h"
#include "dokuei/viewer/core/SeriesLoader.h"
#include "dokuei/app/SliceView.h"
#include "dokuei/viewer/ui/ImageView.h"
#include "dokuei/viewer/ui/ReadingWorkspace.h"
#include "dokuei/app/StudyBrowser.h"
#include "dokuei/app/SignInForm.h"
#include "dokuei/app/Workstation.h"
#include "dokuei/security/AccountStore.h"
#include "dokuei/security/AuditTrail.h"
#include "dokuei/security/CertificateInfo.h"
#include "dokuei/security/Roles.h"
#include "dokuei/security/Session.h"
#include "dokuei/viewer/core/Volume.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMouseEvent>
#include <QPushButton>
#include <QScreen>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

#include <gtest/gtest.h>

namespace {

using namespace dokuei;
using dokuei::integration::ReadingCenterEnv;
using security::Session;


/// Everything a person could read on the visible top-level windows.
QString visibleText()
{
    QStringList texts;
    for (QWidget* top : QApplication::topLevelWidgets()) {
        if (!top->isVisible()) {
            continue;
        }
        texts << top->windowTitle();
        for (QLabel* label : top->findChildren<QLabel*>()) {
            if (label->isVisible()) {
                texts << label->text();
            }
        }
        for (QLineEdit* edit : top->findChildren<QLineEdit*>()) {
            if (edit->isVisible()) {
                texts << edit->text();
            }
        }
        for (QAbstractButton* button : top->findChildren<QAbstractButton*>()) {
            if (button->isVisible()) {
                texts << button->text();
            }
        }
    }
    return texts.join(QLatin1Char('\n'));
}

class SignInWindowTest : public gui_test::WorkstationTestFixture
{
protected:
    void SetUp() override
    {
        WorkstationTestFixture::SetUp();
        if (!HasFatalFailure()) {
            addUser(QStringLiteral("dr.tanaka"), kTanaka);
        }
    }

    void signInThroughTheWindow()
    {
        m_workstation->start();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(m_workstation->loginWindow()));
        auto* password = m_workstation->loginWindow()->findChild<QLineEdit*>(QStringLiteral("password"));
        EXPECT_EQ(password->echoMode(), QLineEdit::Password) << "the password is masked";
        fill(m_workstation->loginWindow()->form(), QStringLiteral("dr.sato"), kSato,
             m_env.user(QStringLiteral("dr.sato")).pin);
        ASSERT_TRUE(QTest::qWaitFor(
            [&] { return m_workstation->session().state() == Session::State::Active; }, 20000))
            << visibleText().toStdString();
        EXPECT_TRUE(m_workstation->mainWindow()->isVisible());
        EXPECT_FALSE(m_workstation->loginWindow()->isVisible());
    }

};

TEST_F(SignInWindowTest, SignInLockShowsNoPatientDataAndUnlock)
{
    signInThroughTheWindow();
    const QString marker = QStringLiteral("MARKER^%1=山田^太郎").arg(QCoreApplication::applicationPid());
    m_workstation->mainWindow()->patientBanner()->showPatient(marker, QStringLiteral("PID-4711"),
                                                              QStringLiteral("CT"));
    ASSERT_TRUE(visibleText().contains(marker));

    // The instant privacy lock.
    m_workstation->mainWindow()->lockAction()->trigger();
    EXPECT_EQ(m_workstation->session().state(), Session::State::Locked) << "immediate";
    const auto windows = m_workstation->lockScreen()->windows();
    ASSERT_EQ(windows.size(), QGuiApplication::screens().size()) << "one lock window per screen";
    for (int i = 0; i < windows.size(); ++i) {
        ASSERT_TRUE(QTest::qWaitForWindowExposed(windows[i]));
        EXPECT_EQ(windows[i]->geometry(), QGuiApplication::screens()[i]->geometry())
            << "covers the whole screen";
    }
    EXPECT_FALSE(m_workstation->mainWindow()->isVisible());
    const QString onScreen = visibleText();
    EXPECT_FALSE(onScreen.contains(QStringLiteral("MARKER"))) << onScreen.toStdString();
    EXPECT_FALSE(onScreen.contains(QStringLiteral("山田")));
    EXPECT_FALSE(onScreen.contains(QStringLiteral("PID-4711")));
    EXPECT_TRUE(m_workstation->mainWindow()->patientBanner()->text().isEmpty()) << "wiped, not just hidden";
    EXPECT_GE(m_workstation->session().lastWipe().components, 1);

    // A wrong PIN does not unlock; the right password and PIN of the same user do.
    app::SignInForm* form = m_workstation->lockScreen()->form();
    ASSERT_NE(form, nullptr);
    fill(form, QStringLiteral("dr.sato"), kSato, QStringLiteral("00000000"));
    EXPECT_EQ(m_workstation->session().state(), Session::State::Locked);
    EXPECT_FALSE(form->findChild<QLabel*>(QStringLiteral("message"))->text().isEmpty());
    fill(form, QStringLiteral("dr.sato"), kSato, m_env.user(QStringLiteral("dr.sato")).pin);
    ASSERT_TRUE(
        QTest::qWaitFor([&] { return m_workstation->session().state() == Session::State::Active; }, 20000))
        << visibleText().toStdString();
    EXPECT_TRUE(m_workstation->mainWindow()->isVisible());
    EXPECT_FALSE(m_workstation->lockScreen()->isShown());
}

TEST_F(SignInWindowTest, RemovingTheCardLocksWithinTwoSecondsAndAnotherUserEndsTheSession)
{
    signInThroughTheWindow();
    const QString firstSession = m_workstation->session().sessionId();
    QElapsedTimer timer;
    timer.start();
    ASSERT_TRUE(m_reader->remove(QStringLiteral("dr.sato")));
    ASSERT_TRUE(
        QTest::qWaitFor([&] { return m_workstation->session().state() == Session::State::Locked; }, 5000));
    const qint64 latency = timer.elapsed();
    std::printf("card removal -> lock: %lld ms\n", static_cast<long long>(latency));
    EXPECT_LT(latency, 2000);

    // Another person signs in at the lock screen with their own card: the first session ends.
    ASSERT_TRUE(m_reader->insert(QStringLiteral("dr.tanaka")));
    app::SignInForm* form = m_workstation->lockScreen()->form();
    ASSERT_NE(form, nullptr);
    auto* switchUser =
        m_workstation->lockScreen()->windows().front()->findChild<QPushButton*>(QStringLiteral("switchUser"));
    ASSERT_NE(switchUser, nullptr);
    QTest::mouseClick(switchUser, Qt::LeftButton);
    fill(form, QStringLiteral("dr.tanaka"), kTanaka, m_env.user(QStringLiteral("dr.tanaka")).pin);
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return m_workstation->session().identity().userId == QStringLiteral("dr.tanaka"); }, 20000))
        << visibleText().toStdString();
    EXPECT_EQ(m_workstation->session().state(), Session::State::Active);
    EXPECT_NE(m_workstation->session().sessionId(), firstSession);
    auto records = m_workstation->auditTrail().records(QDateTime::currentDateTimeUtc().addSecs(-600),
                                                       QDateTime::currentDateTimeUtc().addSecs(60));
    ASSERT_TRUE(records);
    bool firstEnded = false;
    for (const auto& record : *records) {
        if (record.eventType == QStringLiteral("Logout") && record.sessionId == firstSession &&
            record.details.contains(QStringLiteral("AnotherUserSignedIn"))) {
            firstEnded = true;
        }
    }
    EXPECT_TRUE(firstEnded) << "the first session's end is audited";
}

TEST_F(SignInWindowTest, IdleTimeLocks)
{
    signInThroughTheWindow();
    m_workstation->session().setIdleTimeout(std::chrono::milliseconds(400));
    QElapsedTimer timer;
    timer.start();
    ASSERT_TRUE(
        QTest::qWaitFor([&] { return m_workstation->session().state() == Session::State::Locked; }, 5000));
    EXPECT_GE(timer.elapsed(), 350);
    EXPECT_TRUE(m_workstation->lockScreen()->isShown());
}

TEST_F(SignInWindowTest, OpensASeriesFromTheReadingCentreAndLockWipesIt)
{
    signInThroughTheWindow();
    auto* tree = m_workstation->mainWindow()->studyBrowser()->findChild<QTreeWidget*>(QStringLiteral("studyTree"));
    ASSERT_NE(tree, nullptr);
    // The chest series (300 slices): long enough to see the preview before the volume is complete.
    const QString study = m_env.value(QStringLiteral("DOKUEI_DEMO_CHEST_STUDY_UID"));
    QTreeWidgetItem* studyItem = nullptr;
    ASSERT_TRUE(QTest::qWaitFor(
        [&] {
            for (int i = 0; i < tree->topLevelItemCount(); ++i) {
                if (tree->topLevelItem(i)->data(0, Qt::UserRole + 1).toString() == study) {
                    studyItem = tree->topLevelItem(i);
                }
            }
            return studyItem != nullptr;
        },
        20000))
        << "the studies of the reading centre (QIDO-RS over mutual TLS with the card) are listed";
    studyItem->setExpanded(true);
    ASSERT_TRUE(QTest::qWaitFor([&] { return studyItem->childCount() > 0; }, 20000));
    QTreeWidgetItem* seriesItem = studyItem->child(0);
    app::SliceView* view = m_workstation->mainWindow()->sliceView();
    auto brightPixels = [](const QImage& image) {
        int bright = 0;
        for (int y = 0; y < image.height(); y += 4) {
            for (int x = 0; x < image.width(); x += 4) {
                bright += qGray(image.pixel(x, y)) > 40 ? 1 : 0;
            }
        }
        return bright;
    };
    // Progressive display: at the first decoded instance the slice view is in front and draws it while
    // the volume is not complete yet.
    int previewBright = -1;
    int previewShown = 0;
    bool volumeDuringPreview = true;
    QObject::connect(m_workstation->mainWindow()->seriesLoader(), &viewer::SeriesLoader::previewUpdated, view,
                     [&](int decoded) {
                         if (decoded != 1) {
                             return;
                         }
                         volumeDuringPreview = m_workstation->mainWindow()->seriesLoader()->volume() != nullptr;
                         EXPECT_TRUE(view->isVisible()) << "the slice view comes to the front";
                         previewBright = brightPixels(view->grab().toImage());
                         previewShown = view->previewCount();
                     });
    emit tree->itemDoubleClicked(seriesItem, 0);
    ASSERT_TRUE(QTest::qWaitFor([&] { return m_workstation->mainWindow()->seriesLoader()->volume() != nullptr; }, 60000))
        << visibleText().toStdString();
    EXPECT_FALSE(volumeDuringPreview);
    EXPECT_GE(previewShown, 1) << "an instance was previewed before the volume was ready";
    EXPECT_GT(previewBright, 20) << "the previewed slice is drawn";
    const QString banner = m_workstation->mainWindow()->patientBanner()->text();
    EXPECT_FALSE(banner.isEmpty());
    const int slices = m_env.value(QStringLiteral("DOKUEI_DEMO_CHEST_INSTANCES")).toInt();
    EXPECT_EQ(m_workstation->mainWindow()->seriesLoader()->volume()->slices(), slices);
    EXPECT_EQ(view->previewCount(), 0) << "the volume replaced the preview";
    // The finished volume is read in the reading workspace's stack view (VTK, through our Qt bridge).
    viewer::ImageView* stack = m_workstation->mainWindow()->readingWorkspace()->stackView();
    ASSERT_TRUE(QTest::qWaitFor([&] { return stack->isVisible() && stack->hasVolume(); }, 5000));
    EXPECT_GE(stack->sliceIndex(), 0);
    EXPECT_LT(stack->sliceIndex(), slices);
    EXPECT_EQ(stack->sliceCount(), slices);
    EXPECT_GT(brightPixels(stack->grab().toImage()), 20) << "the slice is drawn";
    // The demo chest is an axial head-first supine acquisition shown as stored: patient's right on screen
    // left, anterior at the top.
    const viewer::SideLabels labels = stack->sideLabels();
    EXPECT_EQ(labels.left, QStringLiteral("R"));
    EXPECT_EQ(labels.right, QStringLiteral("L"));
    EXPECT_EQ(labels.top, QStringLiteral("A"));
    EXPECT_EQ(labels.bottom, QStringLiteral("P"));
    // The series' own window is shown first (the phantom writes 40/400 first) and comes back on 9.
    EXPECT_EQ(stack->voiWindow(), (viewer::Window{40, 400}));
    // Window presets on the number keys (4 = lung 1500/-600), invert on I, window/level by right-button drag.
    stack->setFocus();
    QTest::keyClick(stack, Qt::Key_4);
    EXPECT_EQ(stack->voiWindow(), (viewer::Window{-600, 1500}));
    const QImage lung = stack->grab().toImage();
    QTest::keyClick(stack, Qt::Key_I);
    EXPECT_TRUE(stack->inverted());
    const QImage invertedLung = stack->grab().toImage();
    EXPECT_NE(lung, invertedLung);
    QTest::keyClick(stack, Qt::Key_I);
    QTest::keyClick(stack, Qt::Key_9);
    EXPECT_EQ(stack->voiWindow(), (viewer::Window{40, 400}));
    QTest::keyClick(stack, Qt::Key_1);
    EXPECT_EQ(stack->voiWindow(), (viewer::Window{40, 80}));
    const QPoint centre = stack->rect().center();
    QTest::mousePress(stack, Qt::RightButton, Qt::NoModifier, centre);
    QMouseEvent move(QEvent::MouseMove, QPointF(centre + QPoint(50, 0)), stack->mapToGlobal(QPointF(centre + QPoint(50, 0))),
                     Qt::NoButton, Qt::RightButton, Qt::NoModifier);
    QApplication::sendEvent(stack, &move);
    QTest::mouseRelease(stack, Qt::RightButton, Qt::NoModifier, centre + QPoint(50, 0));
    EXPECT_GT(stack->voiWindow().width, 80) << "dragging right widens the window";
    EXPECT_EQ(stack->voiWindow().centre, 40);

    m_workstation->mainWindow()->lockAction()->trigger();
    EXPECT_EQ(m_workstation->mainWindow()->seriesLoader()->volume(), nullptr) << "pixels wiped at lock";
    EXPECT_EQ(tree->topLevelItemCount(), 0) << "patient list wiped at lock";
    EXPECT_TRUE(m_workstation->mainWindow()->patientBanner()->text().isEmpty());
    EXPECT_GE(m_workstation->session().lastWipe().components, 3);
    EXPECT_GT(m_workstation->session().lastWipe().bytesWiped, 64U * 64U * 2U);
}

} // namespace
