#include "WorkstationTestFixture.h"
#include "dokuei/app/ChangePasswordDialog.h"
#include "dokuei/app/LockScreen.h"
#include "dokuei/app/LoginWindow.h"
#include "dokuei/app/MainWindow.h"
#include "dokuei/app/PatientBanner.h"
#include "dokuei/app/SignInForm.h"
#include "dokuei/app/StudyBrowser.h"
#include "dokuei/app/Workstation.h"
#include "dokuei/exchange/SeriesRetriever.h"
#include "dokuei/security/AccountStore.h"
#include "dokuei/security/AuditTrail.h"
#include "dokuei/security/CertificateInfo.h"
#include "dokuei/security/Roles.h"
#include "dokuei/security/Session.h"
#include "dokuei/viewer/core/ReadingSession.h"
#include "dokuei/viewer/core/SeriesLoader.h"
#include "dokuei/viewer/core/Volume.h"
#include "dokuei/viewer/ui/ImageView.h"
#include "dokuei/viewer/ui/ReadingWorkspace.h"
#include "dokuei/viewer/ui/SliceView.h"

#include <cstdio>

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMouseEvent>
#include <QPushButton>
#include <QRegularExpression>
#include <QScreen>
#include <QSet>
#include <QTabWidget>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolBar>
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

    QTreeWidget* studyTree() const
    {
        return m_workstation->mainWindow()->studyBrowser()->findChild<QTreeWidget*>(
            QStringLiteral("studyTree"));
    }

    /// The demo chest study in the study list once the reading centre has answered (null after 20 s).
    QTreeWidgetItem* waitForChestStudy()
    {
        QTreeWidget* tree = studyTree();
        const QString study = m_env.value(QStringLiteral("DOKUEI_DEMO_CHEST_STUDY_UID"));
        QTreeWidgetItem* studyItem = nullptr;
        (void)QTest::qWaitFor(
            [&] {
                for (int i = 0; i < tree->topLevelItemCount(); ++i) {
                    if (tree->topLevelItem(i)->data(0, kStudyUidRole).toString() == study) {
                        studyItem = tree->topLevelItem(i);
                    }
                }
                return studyItem != nullptr;
            },
            20000);
        return studyItem;
    }

    /// Opens the demo chest series by double-click and waits for its volume; returns its patient ID.
    QString openChestSeries()
    {
        QTreeWidgetItem* studyItem = waitForChestStudy();
        if (!studyItem) {
            ADD_FAILURE() << "the chest study is not listed: " << visibleText().toStdString();
            return {};
        }
        const QString patientId = studyItem->data(0, kPatientIdRole).toString();
        studyItem->setExpanded(true);
        if (!QTest::qWaitFor([&] { return studyItem->childCount() > 0; }, 20000)) {
            ADD_FAILURE() << "no series listed";
            return {};
        }
        emit studyTree()->itemDoubleClicked(studyItem->child(0), 0);
        if (!QTest::qWaitFor([&] { return m_workstation->mainWindow()->seriesLoader()->volume() != nullptr; },
                             60000)) {
            ADD_FAILURE() << "the series did not load: " << visibleText().toStdString();
        }
        return patientId;
    }

    QList<security::AuditRecord> recentRecords() const
    {
        auto records = m_workstation->auditTrail().records(QDateTime::currentDateTimeUtc().addSecs(-600),
                                                           QDateTime::currentDateTimeUtc().addSecs(60));
        EXPECT_TRUE(records);
        return records ? *records : QList<security::AuditRecord>{};
    }

    /// The study browser's item data roles (StudyBrowser.cpp).
    static constexpr int kStudyUidRole = Qt::UserRole + 1;
    static constexpr int kPatientIdRole = Qt::UserRole + 5;
    const QString kSuzuki = QStringLiteral("Hv5%uB8k&Qm-suzuki");
};

/// Whether a shared library whose file name starts with `prefix` (e.g. "libsqlite3.so") is mapped here.
bool libraryMapped(const QString& prefix)
{
    QFile maps(QStringLiteral("/proc/self/maps"));
    if (!maps.open(QIODevice::ReadOnly)) {
        ADD_FAILURE() << "cannot read /proc/self/maps";
        return false;
    }
    for (const QByteArray& line : maps.readAll().split('\n')) {
        const QString path = QString::fromUtf8(line.mid(line.lastIndexOf(' ') + 1));
        if (path.section(QLatin1Char('/'), -1).startsWith(prefix)) {
            return true;
        }
    }
    return false;
}

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
    bool unlockAudited = false;
    for (const auto& record : recentRecords()) {
        unlockAudited = unlockAudited || (record.eventType == QStringLiteral("Unlock") &&
                                          record.event == security::AuditEventId::UserAuthentication &&
                                          record.sessionId == m_workstation->session().sessionId());
    }
    EXPECT_TRUE(unlockAudited) << "the unlock is audited on the session's ID";
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
    auto* tree =
        m_workstation->mainWindow()->studyBrowser()->findChild<QTreeWidget*>(QStringLiteral("studyTree"));
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
    viewer::SliceView* view = m_workstation->mainWindow()->sliceView();
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
                         volumeDuringPreview =
                             m_workstation->mainWindow()->seriesLoader()->volume() != nullptr;
                         EXPECT_TRUE(view->isVisible()) << "the slice view comes to the front";
                         previewBright = brightPixels(view->grab().toImage());
                         previewShown = view->previewCount();
                     });
    emit tree->itemDoubleClicked(seriesItem, 0);
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return m_workstation->mainWindow()->seriesLoader()->volume() != nullptr; }, 60000))
        << visibleText().toStdString();
    EXPECT_FALSE(volumeDuringPreview);
    EXPECT_GE(previewShown, 1) << "an instance was previewed before the volume was ready";
    EXPECT_GT(previewBright, 20) << "the previewed slice is drawn";
    const QString banner = m_workstation->mainWindow()->patientBanner()->text();
    EXPECT_FALSE(banner.isEmpty());
    // Patient access is audited with the session's ID: the queries (110112), the series opened (110103)
    // and retrieved (110104), with the patient ID and study UID, never the patient's name.
    {
        const QString patientId = studyItem->data(0, kPatientIdRole).toString();
        ASSERT_FALSE(patientId.isEmpty());
        const QString sessionId = m_workstation->session().sessionId();
        ASSERT_FALSE(sessionId.isEmpty());
        bool studyQuery = false;
        bool seriesQuery = false;
        bool opened = false;
        bool retrieved = false;
        for (const auto& record : recentRecords()) {
            if (record.sessionId != sessionId) {
                continue;
            }
            EXPECT_EQ(record.userId, QStringLiteral("dr.sato"));
            EXPECT_FALSE(record.details.contains(QStringLiteral("MARKER")));
            using security::AuditEventId;
            if (record.event == AuditEventId::Query && record.patientId.isEmpty()) {
                studyQuery = studyQuery || record.outcome == security::AuditOutcome::Success;
            } else if (record.event == AuditEventId::Query) {
                seriesQuery = seriesQuery || (record.patientId == patientId && record.studyUid == study);
            } else if (record.event == AuditEventId::InstancesAccessed) {
                opened = record.patientId == patientId && record.studyUid == study &&
                         record.role == QStringLiteral("radiologist") && !record.cardFingerprint.isEmpty();
            } else if (record.event == AuditEventId::InstancesTransferred) {
                retrieved = record.patientId == patientId && record.studyUid == study &&
                            record.outcome == security::AuditOutcome::Success &&
                            record.details.contains(
                                QStringLiteral(" %1 instances")
                                    .arg(m_env.value(QStringLiteral("DOKUEI_DEMO_CHEST_INSTANCES"))));
            }
        }
        EXPECT_TRUE(studyQuery) << "110112 for the study list";
        EXPECT_TRUE(seriesQuery) << "110112 for the study's series, with patient ID and study UID";
        EXPECT_TRUE(opened) << "110103 with patient ID, study UID, role and card";
        EXPECT_TRUE(retrieved) << "110104 with the instance count";
    }
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
    QMouseEvent move(QEvent::MouseMove, QPointF(centre + QPoint(50, 0)),
                     stack->mapToGlobal(QPointF(centre + QPoint(50, 0))), Qt::NoButton, Qt::RightButton,
                     Qt::NoModifier);
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

    // After signing in and reading, the vaults are SQLCipher's: plain SQLite is never loaded.
    EXPECT_TRUE(libraryMapped(QStringLiteral("libsqlcipher.so")));
    EXPECT_FALSE(libraryMapped(QStringLiteral("libsqlite3.so")));
}

TEST_F(SignInWindowTest, StudyListShowsStudiesAndSeriesAndTheLastSeriesReopensAfterUnlock)
{
    signInThroughTheWindow();
    app::MainWindow* window = m_workstation->mainWindow();
    // The window opens on the study list; no test tab, no loading tab.
    QStringList tabs;
    for (int i = 0; i < window->tabs()->count(); ++i) {
        tabs << window->tabs()->tabText(i);
    }
    EXPECT_EQ(tabs, (QStringList{QStringLiteral("Studies"), QStringLiteral("Reading")}));
    EXPECT_EQ(window->tabs()->currentWidget(), window->studiesPage());

    // The study row: date, description, accession, requesting facility, modality, series and image counts,
    // as the reading centre sent them (QIDO-RS).
    QTreeWidgetItem* studyItem = waitForChestStudy();
    ASSERT_NE(studyItem, nullptr) << visibleText().toStdString();
    viewer::ReadingSession* reading = m_workstation->readingSession();
    ASSERT_NE(reading, nullptr);
    const QString studyUid = m_env.value(QStringLiteral("DOKUEI_DEMO_CHEST_STUDY_UID"));
    const exchange::StudyRecord* record = reading->study(studyUid);
    ASSERT_NE(record, nullptr);
    using Browser = app::StudyBrowser;
    const QString instances = m_env.value(QStringLiteral("DOKUEI_DEMO_CHEST_INSTANCES"));
    EXPECT_TRUE(QRegularExpression(QStringLiteral("^\\d{4}-\\d{2}-\\d{2}$"))
                    .match(studyItem->text(Browser::DateColumn))
                    .hasMatch())
        << studyItem->text(Browser::DateColumn).toStdString();
    EXPECT_FALSE(studyItem->text(Browser::DescriptionColumn).isEmpty());
    EXPECT_EQ(studyItem->text(Browser::DescriptionColumn), record->description);
    EXPECT_FALSE(studyItem->text(Browser::AccessionColumn).isEmpty());
    EXPECT_EQ(studyItem->text(Browser::AccessionColumn), record->accessionNumber);
    EXPECT_FALSE(studyItem->text(Browser::FacilityColumn).isEmpty())
        << "requesting facility (InstitutionName)";
    EXPECT_EQ(studyItem->text(Browser::FacilityColumn), record->institution);
    EXPECT_TRUE(studyItem->text(Browser::ModalityColumn).contains(QStringLiteral("CT")));
    EXPECT_GE(studyItem->text(Browser::SeriesColumn).toInt(), 1);
    EXPECT_GE(studyItem->text(Browser::ImagesColumn).toInt(), instances.toInt());
    // The header facts a report needs come with the study record.
    EXPECT_FALSE(record->patientId.isEmpty());
    EXPECT_FALSE(record->patientName.isEmpty());
    EXPECT_FALSE(record->patientBirthDate.isEmpty());
    EXPECT_FALSE(record->patientSex.isEmpty());

    // The series rows: number, description, modality, image count.
    studyItem->setExpanded(true);
    ASSERT_TRUE(QTest::qWaitFor([&] { return studyItem->childCount() > 0; }, 20000));
    QTreeWidgetItem* seriesItem = studyItem->child(0);
    const exchange::SeriesRecord series = reading->seriesOf(studyUid).value(0);
    EXPECT_EQ(seriesItem->text(Browser::PatientColumn), QStringLiteral("Series %1").arg(series.number));
    EXPECT_FALSE(seriesItem->text(Browser::DescriptionColumn).isEmpty());
    EXPECT_EQ(seriesItem->text(Browser::ModalityColumn), QStringLiteral("CT"));
    EXPECT_EQ(seriesItem->text(Browser::ImagesColumn), QStringLiteral("%1 images").arg(instances));

    // Opened: the product's load is given the series' SOP Instance UIDs (per-instance resume).
    emit studyTree()->itemDoubleClicked(seriesItem, 0);
    ASSERT_TRUE(QTest::qWaitFor([&] { return window->seriesLoader()->volume() != nullptr; }, 60000))
        << visibleText().toStdString();
    const QStringList expected = window->seriesLoader()->expectedSopUids();
    EXPECT_EQ(expected.size(), instances.toInt());
    EXPECT_EQ(QSet<QString>(expected.begin(), expected.end()).size(), expected.size())
        << "each instance once";
    EXPECT_EQ(window->seriesLoader()->retriever()->instancesDelivered(), instances.toInt());
    ASSERT_NE(reading->currentStudy(), nullptr);
    EXPECT_EQ(reading->currentStudy()->studyUid, studyUid);
    EXPECT_EQ(reading->openedSeries(), QStringList{series.seriesUid});
    EXPECT_EQ(window->tabs()->currentWidget(), window->readingPage());
    EXPECT_FALSE(window->wipedNotice()->isVisible());

    // Lock (the images are wiped), unlock: the window says so and reopens the series in one action.
    window->lockAction()->trigger();
    ASSERT_EQ(m_workstation->session().state(), Session::State::Locked);
    EXPECT_EQ(window->seriesLoader()->volume(), nullptr);
    EXPECT_EQ(reading->currentStudy(), nullptr) << "the study record is wiped";
    fill(m_workstation->lockScreen()->form(), QStringLiteral("dr.sato"), kSato,
         m_env.user(QStringLiteral("dr.sato")).pin);
    ASSERT_TRUE(
        QTest::qWaitFor([&] { return m_workstation->session().state() == Session::State::Active; }, 20000))
        << visibleText().toStdString();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(window));
    EXPECT_TRUE(window->wipedNotice()->isVisible());
    EXPECT_TRUE(visibleText().contains(QStringLiteral("images were wiped"))) << visibleText().toStdString();
    EXPECT_EQ(window->reopenButton()->text(), QStringLiteral("Reopen series %1").arg(series.number));
    QTest::mouseClick(window->reopenButton(), Qt::LeftButton);
    ASSERT_TRUE(QTest::qWaitFor([&] { return window->seriesLoader()->volume() != nullptr; }, 60000))
        << "the last series is loaded again: " << visibleText().toStdString();
    ASSERT_NE(reading->currentSeries(), nullptr);
    EXPECT_EQ(reading->currentSeries()->seriesUid, series.seriesUid);
    EXPECT_EQ(window->seriesLoader()->expectedSopUids().size(), instances.toInt());
    EXPECT_FALSE(window->wipedNotice()->isVisible());
    ASSERT_TRUE(QTest::qWaitFor([&] { return window->readingWorkspace()->hasSeries(); }, 10000));
    EXPECT_EQ(window->tabs()->currentWidget(), window->readingPage());
}

TEST_F(SignInWindowTest, PrivacyLockByShortcutAndByToolBarButton)
{
    signInThroughTheWindow();
    app::MainWindow* window = m_workstation->mainWindow();
    const QString pin = m_env.user(QStringLiteral("dr.sato")).pin;
    auto unlock = [&] {
        app::SignInForm* form = m_workstation->lockScreen()->form();
        ASSERT_NE(form, nullptr);
        fill(form, QStringLiteral("dr.sato"), kSato, pin);
        ASSERT_TRUE(QTest::qWaitFor(
            [&] { return m_workstation->session().state() == Session::State::Active; }, 20000))
            << visibleText().toStdString();
    };

    // Ctrl+Alt+L, typed on the reading window.
    window->activateWindow();
    ASSERT_TRUE(QTest::qWaitForWindowActive(window));
    QTest::keyClick(window, Qt::Key_L, Qt::ControlModifier | Qt::AltModifier);
    EXPECT_EQ(m_workstation->session().state(), Session::State::Locked) << "the shortcut locks at once";
    EXPECT_TRUE(m_workstation->lockScreen()->isShown());
    EXPECT_FALSE(window->isVisible());
    unlock();

    // The tool bar's Lock now button, clicked.
    auto* toolBar = window->findChild<QToolBar*>(QStringLiteral("MainToolBar"));
    ASSERT_NE(toolBar, nullptr);
    QWidget* button = toolBar->widgetForAction(window->lockAction());
    ASSERT_NE(button, nullptr);
    ASSERT_TRUE(button->isVisible());
    QTest::mouseClick(button, Qt::LeftButton);
    EXPECT_EQ(m_workstation->session().state(), Session::State::Locked) << "the button locks at once";
    EXPECT_TRUE(m_workstation->lockScreen()->isShown());
    int privacyLocks = 0;
    for (const auto& record : recentRecords()) {
        privacyLocks +=
            record.eventType == QStringLiteral("Lock") && record.details.startsWith(QStringLiteral("Privacy"))
                ? 1
                : 0;
    }
    EXPECT_EQ(privacyLocks, 2);

    // A screen connected while locked is covered at once. Xvfb cannot hot-plug screens: Qt's signals are
    // emitted by hand with the existing screen standing in for the new one.
    QScreen* screen = QGuiApplication::primaryScreen();
    const qsizetype before = m_workstation->lockScreen()->windows().size();
    emit qApp->screenAdded(screen);
    const auto windows = m_workstation->lockScreen()->windows();
    ASSERT_EQ(windows.size(), before + 1);
    ASSERT_TRUE(QTest::qWaitForWindowExposed(windows.last()));
    EXPECT_EQ(windows.last()->geometry(), screen->geometry());
    EXPECT_EQ(windows.last()->findChild<app::SignInForm*>(), nullptr) << "one unlock form only";
    // The screen holding the form goes: the form comes back on the remaining screens.
    emit qApp->screenRemoved(screen);
    ASSERT_EQ(m_workstation->lockScreen()->windows().size(), QGuiApplication::screens().size());
    EXPECT_NE(m_workstation->lockScreen()->form(), nullptr);
    unlock();
    EXPECT_TRUE(window->isVisible());
}

TEST_F(SignInWindowTest, ThePolicysIdleTimeAndReauthenticationIntervalReachTheSession)
{
    auto policy = m_workstation->accounts().policy();
    ASSERT_TRUE(policy);
    policy->idleLockMinutes = 3;
    policy->reauthenticateHours = 2;
    ASSERT_TRUE(m_workstation->accounts().setPolicy(*policy, QStringLiteral("test")));
    signInThroughTheWindow();
    EXPECT_EQ(m_workstation->session().idleTimeout(), std::chrono::minutes(3));
    EXPECT_EQ(m_workstation->session().reauthenticationInterval(), std::chrono::hours(2));
}

TEST_F(SignInWindowTest, ForcedPasswordChangeAtSignIn)
{
    // An administrator's reset: the password must be changed at the next sign-in.
    const QString temporary = QStringLiteral("Tq8#reset-Wm3v!sato");
    const QString chosen = QStringLiteral("Zp4&new-Kc7r?sato");
    ASSERT_TRUE(m_workstation->accounts().resetPassword(QStringLiteral("dr.sato"), temporary,
                                                        QStringLiteral("in person, staff card 12345 checked"),
                                                        QStringLiteral("test")));
    m_workstation->start();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(m_workstation->loginWindow()));

    // The dialog runs modally inside the sign-in: drive it from a timer.
    int step = 0;
    QString weakError;
    QTimer driver;
    driver.setInterval(50);
    QObject::connect(&driver, &QTimer::timeout, [&] {
        auto* dialog = qobject_cast<app::ChangePasswordDialog*>(QApplication::activeModalWidget());
        if (!dialog || !dialog->isVisible()) {
            return;
        }
        auto* first = dialog->findChild<QLineEdit*>(QStringLiteral("newPassword"));
        auto* second = dialog->findChild<QLineEdit*>(QStringLiteral("confirmPassword"));
        auto* message = dialog->findChild<QLabel*>(QStringLiteral("message"));
        auto* ok = dialog->findChild<QPushButton*>(QStringLiteral("ok"));
        if (!first || !second || !message || !ok) {
            ADD_FAILURE() << "the dialog's fields";
            dialog->reject();
            return;
        }
        if (step == 0) {
            QTest::keyClicks(first, QStringLiteral("short"));
            QTest::keyClicks(second, QStringLiteral("short"));
            step = 1;
            QTest::mouseClick(ok, Qt::LeftButton);
        } else if (step == 1 && !message->text().isEmpty()) {
            weakError = message->text();
            first->clear();
            second->clear();
            QTest::keyClicks(first, chosen);
            QTest::keyClicks(second, chosen);
            step = 2;
            QTest::mouseClick(ok, Qt::LeftButton);
        }
    });
    driver.start();
    fill(m_workstation->loginWindow()->form(), QStringLiteral("dr.sato"), temporary,
         m_env.user(QStringLiteral("dr.sato")).pin);
    ASSERT_TRUE(
        QTest::qWaitFor([&] { return m_workstation->session().state() == Session::State::Active; }, 20000))
        << visibleText().toStdString();
    driver.stop();
    EXPECT_EQ(step, 2) << "the dialog appeared, refused the weak password, took the good one";
    EXPECT_FALSE(weakError.isEmpty()) << "the policy's reason is shown";
    EXPECT_TRUE(m_workstation->mainWindow()->isVisible());
    auto check = m_workstation->accounts().checkPassword(QStringLiteral("dr.sato"), chosen);
    ASSERT_TRUE(check) << "the new password is the account's";
    EXPECT_EQ(check->changeRequired, security::AccountStore::ChangeReason::None);
    bool changed = false;
    for (const auto& record : recentRecords()) {
        changed = changed || (record.userId == QStringLiteral("dr.sato") &&
                              record.eventType == QStringLiteral("PasswordChanged"));
    }
    EXPECT_TRUE(changed);
}

TEST_F(SignInWindowTest, AnAccountWithoutTheRightToViewIsNotLetIn)
{
    // An administrator (accounts and policy only, never patient data) with a valid, bound card.
    const QString admin = QStringLiteral("suzuki.admin");
    addUser(admin, kSuzuki, security::Role::Administrator, QStringLiteral("dr.suzuki"));
    ASSERT_FALSE(HasFatalFailure());
    ASSERT_TRUE(m_reader->remove(QStringLiteral("dr.sato")));
    ASSERT_TRUE(m_reader->insert(QStringLiteral("dr.suzuki")));
    m_workstation->start();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(m_workstation->loginWindow()));
    app::SignInForm* form = m_workstation->loginWindow()->form();
    auto* message = form->findChild<QLabel*>(QStringLiteral("message"));
    ASSERT_NE(message, nullptr);
    fill(form, admin, kSuzuki, m_env.user(QStringLiteral("dr.suzuki")).pin);
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return message->text().contains(QStringLiteral("no right to read images")); }, 20000))
        << visibleText().toStdString();
    QTest::qWait(200);
    EXPECT_EQ(m_workstation->session().state(), Session::State::SignedOut);
    EXPECT_FALSE(m_workstation->mainWindow()->isVisible()) << "no reading window";
    EXPECT_TRUE(m_workstation->loginWindow()->isVisible());
    bool refusal = false;
    QString loginSession;
    for (const auto& record : recentRecords()) {
        if (record.userId != admin) {
            continue;
        }
        EXPECT_NE(record.event, security::AuditEventId::Query) << "nothing was looked up";
        if (record.eventType == QStringLiteral("Login")) {
            loginSession = record.sessionId;
        }
        refusal = refusal || (record.event == security::AuditEventId::UserAuthentication &&
                              record.outcome != security::AuditOutcome::Success &&
                              record.details.contains(QStringLiteral("RightMissing")) &&
                              record.eventType == QStringLiteral("Logout") && !record.sessionId.isEmpty() &&
                              record.sessionId == loginSession);
    }
    EXPECT_TRUE(refusal) << "the refusal is audited and closes the login's session";

    // Nor at the lock screen: the administrator signing in there leaves the locked session as it is.
    ASSERT_TRUE(m_reader->remove(QStringLiteral("dr.suzuki")));
    ASSERT_TRUE(m_reader->insert(QStringLiteral("dr.sato")));
    fill(form, QStringLiteral("dr.sato"), kSato, m_env.user(QStringLiteral("dr.sato")).pin);
    ASSERT_TRUE(
        QTest::qWaitFor([&] { return m_workstation->session().state() == Session::State::Active; }, 20000))
        << visibleText().toStdString();
    const QString satoSession = m_workstation->session().sessionId();
    m_workstation->mainWindow()->lockAction()->trigger();
    ASSERT_EQ(m_workstation->session().state(), Session::State::Locked);
    ASSERT_TRUE(m_reader->remove(QStringLiteral("dr.sato")));
    ASSERT_TRUE(m_reader->insert(QStringLiteral("dr.suzuki")));
    app::SignInForm* lockForm = m_workstation->lockScreen()->form();
    ASSERT_NE(lockForm, nullptr);
    QTest::mouseClick(
        m_workstation->lockScreen()->windows().front()->findChild<QPushButton*>(QStringLiteral("switchUser")),
        Qt::LeftButton);
    fill(lockForm, admin, kSuzuki, m_env.user(QStringLiteral("dr.suzuki")).pin);
    auto* lockMessage = lockForm->findChild<QLabel*>(QStringLiteral("message"));
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return lockMessage->text().contains(QStringLiteral("no right to read images")); }, 20000))
        << visibleText().toStdString();
    EXPECT_EQ(m_workstation->session().state(), Session::State::Locked);
    EXPECT_EQ(m_workstation->session().sessionId(), satoSession) << "the locked session is not ended";
    EXPECT_FALSE(m_workstation->mainWindow()->isVisible());
}

TEST_F(SignInWindowTest, TheAuditReportShowsTheSessionWithItsPatients)
{
    const QDateTime from = QDateTime::currentDateTimeUtc().addSecs(-5);
    signInThroughTheWindow();
    const QString sessionId = m_workstation->session().sessionId();
    const QString patientId = openChestSeries();
    ASSERT_FALSE(patientId.isEmpty());
    QTest::qWait(1100); // a duration of at least one second
    auto* signOut = m_workstation->mainWindow()->findChild<QAction*>(QStringLiteral("actionSignOut"));
    ASSERT_NE(signOut, nullptr);
    signOut->trigger();
    ASSERT_EQ(m_workstation->session().state(), Session::State::SignedOut);
    EXPECT_TRUE(m_workstation->loginWindow()->isVisible());

    auto report = m_workstation->auditTrail().report(from, QDateTime::currentDateTimeUtc().addSecs(5));
    ASSERT_TRUE(report) << report.error().toString().toStdString();
    const QString sessions = report->section(QStringLiteral("\nSessions\n"), 1);
    QStringList row;
    for (const QString& line : sessions.split(QLatin1Char('\n'))) {
        const QStringList fields = line.split(QStringLiteral(" | "));
        if (fields.size() == 6 && fields[1] == sessionId) {
            EXPECT_TRUE(row.isEmpty()) << "one row per session: " << report->toStdString();
            row = fields;
        }
    }
    ASSERT_EQ(row.size(), 6) << report->toStdString();
    EXPECT_EQ(row[0], QStringLiteral("dr.sato"));
    EXPECT_FALSE(row[2].startsWith(QLatin1Char('('))) << "login: " << row[2].toStdString();
    EXPECT_FALSE(row[3].startsWith(QLatin1Char('('))) << "logout: " << row[3].toStdString();
    EXPECT_NE(row[4], QStringLiteral("-")) << "duration";
    EXPECT_NE(row[4], QStringLiteral("0:00:00")) << "duration";
    EXPECT_TRUE(row[5].split(QStringLiteral(", ")).contains(patientId))
        << "patients handled: " << row[5].toStdString();
    // The per-patient access counts list the patient, and the report names no patient's name.
    const QString perPatient = report->section(QStringLiteral("\nPer-patient access counts\n"), 1);
    EXPECT_TRUE(perPatient.contains(patientId + QStringLiteral(" | "))) << perPatient.toStdString();
}

TEST_F(SignInWindowTest, AFailedRetrievalIsAuditedAsAFailedTransfer)
{
    signInThroughTheWindow();
    QTreeWidgetItem* studyItem = waitForChestStudy();
    ASSERT_NE(studyItem, nullptr);
    const QString patientId = studyItem->data(0, kPatientIdRole).toString();
    studyItem->setExpanded(true);
    ASSERT_TRUE(QTest::qWaitFor([&] { return studyItem->childCount() > 0; }, 20000));
    // A series the reading centre does not have: WADO-RS answers 404.
    const QString missing = QStringLiteral("1.2.826.0.1.3680043.8.498.99999999999");
    studyItem->child(0)->setData(0, Qt::UserRole + 2, missing);
    emit studyTree()->itemDoubleClicked(studyItem->child(0), 0);
    const QString sessionId = m_workstation->session().sessionId();
    auto failedTransfer = [&] {
        for (const auto& record : recentRecords()) {
            if (record.event == security::AuditEventId::InstancesTransferred &&
                record.sessionId == sessionId && record.details.contains(missing)) {
                return record;
            }
        }
        return security::AuditRecord{};
    };
    ASSERT_TRUE(QTest::qWaitFor([&] { return failedTransfer().sequence != 0; }, 60000))
        << visibleText().toStdString();
    const security::AuditRecord record = failedTransfer();
    EXPECT_NE(record.outcome, security::AuditOutcome::Success);
    EXPECT_EQ(record.patientId, patientId);
    EXPECT_EQ(record.studyUid, m_env.value(QStringLiteral("DOKUEI_DEMO_CHEST_STUDY_UID")));
    EXPECT_TRUE(record.details.contains(QStringLiteral("failed"))) << record.details.toStdString();
}

TEST_F(SignInWindowTest, LockingNeverWaitsForAStalledReadingCentre)
{
    // A "reading centre" that accepts the connection and never answers, not even the TLS handshake.
    QTcpServer stalled;
    ASSERT_TRUE(stalled.listen(QHostAddress::LocalHost));
    int connections = 0;
    QObject::connect(&stalled, &QTcpServer::newConnection, [&] {
        while (QTcpSocket* socket = stalled.nextPendingConnection()) {
            socket->setParent(&stalled); // held open, never written to
            ++connections;
        }
    });
    // The same vault (dr.sato exists), the workstation configured for the stalled server.
    m_workstation.reset();
    m_config.readingCentreUrl =
        QUrl(QStringLiteral("https://127.0.0.1:%1/dicom-web").arg(stalled.serverPort()));
    auto workstation = app::Workstation::create(m_paths, m_config);
    ASSERT_TRUE(workstation) << workstation.error().toString().toStdString();
    m_workstation = std::move(*workstation);

    signInThroughTheWindow();
    // The study browser's QIDO-RS search is under way: connected, waiting for the server's first byte.
    ASSERT_TRUE(QTest::qWaitFor([&] { return connections > 0; }, 10000));
    const QDateTime before = QDateTime::currentDateTimeUtc().addSecs(-1);

    QElapsedTimer clock;
    clock.start();
    m_workstation->session().lock(Session::LockReason::Privacy);
    const qint64 lockMs = clock.elapsed();
    EXPECT_EQ(m_workstation->session().state(), Session::State::Locked);
    EXPECT_TRUE(m_workstation->lockScreen()->isShown());
    // A lock that waited for the reading centre would last the client's transfer timeout (15 s) or longer:
    // the server has answered nothing, the search is still pending, and the lock is over.
    EXPECT_LT(lockMs, 5000) << "the lock waited for the network";
    auto records = m_workstation->auditTrail().records(before, QDateTime::currentDateTimeUtc().addSecs(1));
    ASSERT_TRUE(records);
    bool lockRecorded = false;
    for (const auto& record : *records) {
        EXPECT_NE(record.event, security::AuditEventId::Query)
            << "the search must not have ended before the lock: the test would prove nothing";
        lockRecorded |= record.event == security::AuditEventId::ApplicationActivity &&
                        record.eventType == QStringLiteral("Lock");
    }
    EXPECT_TRUE(lockRecorded);
    std::printf("lock with a stalled reading-centre request: %lld ms\n", static_cast<long long>(lockMs));
}

} // namespace
