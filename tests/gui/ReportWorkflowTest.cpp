// The report written beside the real viewer, end to end against the local reading centre (Orthanc + nginx
// mutual TLS, the stack's SoftHSM2 card): the chest study opened from the study list, its report opened from
// the template that fits, Japanese typed through input-method events, two measurements drawn on the loaded
// series inserted and a key image added, each reference clicked back to its image, the lock (report text
// gone from process memory, the draft in the user vault), the unlock (draft back), the completeness check and
// final, then the SR and PDF of that report checked by dciodvfy, dsrdump and pdftotext. A second test signs
// out with a draft and finds it offered at the next sign-in.
#include "../integration/Subprocess.h"
#include "WorkstationTestFixture.h"
#include "dokuei/app/LockScreen.h"
#include "dokuei/app/MainWindow.h"
#include "dokuei/app/SignInForm.h"
#include "dokuei/app/StudyBrowser.h"
#include "dokuei/app/Workstation.h"
#include "dokuei/reporting/ReportDocument.h"
#include "dokuei/reporting/ReportPdf.h"
#include "dokuei/reporting/ReportSession.h"
#include "dokuei/reporting/SrIdentity.h"
#include "dokuei/reporting/StructuredReport.h"
#include "dokuei/reporting/TemplateLibrary.h"
#include "dokuei/reporting/ui/ReportEditor.h"
#include "dokuei/security/AuditTrail.h"
#include "dokuei/security/MemoryScanner.h"
#include "dokuei/security/SecureBuffer.h"
#include "dokuei/security/Session.h"
#include "dokuei/security/UserKeyring.h"
#include "dokuei/viewer/core/MeasurementSet.h"
#include "dokuei/viewer/core/Measurements.h"
#include "dokuei/viewer/core/ReadingSession.h"
#include "dokuei/viewer/core/SeriesLoader.h"
#include "dokuei/viewer/core/Volume.h"
#include "dokuei/viewer/ui/ImageView.h"
#include "dokuei/viewer/ui/ReadingWorkspace.h"

#include <array>
#include <csignal>
#include <cstdio>

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QElapsedTimer>
#include <QFile>
#include <QInputMethodEvent>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QProcess>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextCursor>
#include <QTime>
#include <QTreeWidget>
#include <QUuid>

#include <gtest/gtest.h>

namespace dokuei::gui_test {
namespace {

using security::Session;

constexpr int kStudyUidRole = Qt::UserRole + 1;

/// Text typed into the report that the memory scans look for; built at run time so that no constant of the
/// test binary holds it whole.
QString markerText()
{
    return QStringLiteral("右肺上葉に") + QStringLiteral("RPTMARK") + QString::number(4217 * 3) +
           QStringLiteral("の結節影");
}

struct MarkerHits
{
    long long utf8 = -1;
    long long utf16 = -1;
};

MarkerHits scanMarker()
{
    QString marker = markerText();
    QByteArray utf8 = marker.toUtf8();
    QByteArray utf16(reinterpret_cast<const char*>(marker.utf16()), marker.size() * 2);
    security::secureErase(marker);
    MarkerHits hits;
    if (auto scan = security::MemoryScanner::scan(utf8)) {
        hits.utf8 = static_cast<long long>(scan->hits);
    }
    if (auto scan = security::MemoryScanner::scan(utf16)) {
        hits.utf16 = static_cast<long long>(scan->hits);
    }
    security::secureErase(utf8);
    security::secureErase(utf16);
    return hits;
}

/// Kana pre-edit, then the converted text committed, as an input method delivers it.
void typeThroughInputMethod(QWidget* target, const QString& preedit, const QString& committed)
{
    QInputMethodEvent pre(preedit, {});
    QApplication::sendEvent(target, &pre);
    QInputMethodEvent done;
    done.setCommitString(committed);
    QApplication::sendEvent(target, &done);
}

void clickReference(reporting::ReportTextEdit* field, const reporting::ReferenceSpan& span)
{
    QTextCursor cursor(field->document());
    cursor.setPosition(int(span.start + span.length / 2));
    field->ensureCursorVisible();
    const QPoint at = field->cursorRect(cursor).center();
    QTest::mouseClick(field->viewport(), Qt::LeftButton, {}, at);
}

QString runTool(const QString& program, const QStringList& args, int* exitCode)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, args);
    if (!p.waitForStarted(10000)) {
        *exitCode = -1;
        return QStringLiteral("%1 did not start").arg(program);
    }
    p.waitForFinished(120000);
    *exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    return QString::fromUtf8(p.readAll());
}

QStringList errorLines(const QString& output)
{
    QStringList errors;
    for (const QString& line : output.split(u'\n')) {
        if (line.startsWith(u"Error")) {
            errors << line;
        }
    }
    return errors;
}

class ReportWorkflowTest : public WorkstationTestFixture
{
protected:
    app::MainWindow* window() const { return m_workstation->mainWindow(); }
    reporting::ReportEditor* editor() const { return window()->reportEditor(); }
    reporting::ReportSession* report() const { return m_workstation->reportSession(); }

    QTreeWidget* studyTree() const
    {
        return window()->studyBrowser()->findChild<QTreeWidget*>(QStringLiteral("studyTree"));
    }

    /// Opens the demo chest study's first series from the study list and waits until it is loaded.
    void openChestSeries()
    {
        const QString studyUid = m_env.value(QStringLiteral("DOKUEI_DEMO_CHEST_STUDY_UID"));
        QTreeWidget* tree = studyTree();
        QTreeWidgetItem* studyItem = nullptr;
        ASSERT_TRUE(QTest::qWaitFor(
            [&] {
                for (int i = 0; i < tree->topLevelItemCount(); ++i) {
                    if (tree->topLevelItem(i)->data(0, kStudyUidRole).toString() == studyUid) {
                        studyItem = tree->topLevelItem(i);
                    }
                }
                return studyItem != nullptr;
            },
            20000))
            << "the chest study is listed";
        studyItem->setExpanded(true);
        ASSERT_TRUE(QTest::qWaitFor([&] { return studyItem->childCount() > 0; }, 20000));
        emit tree->itemDoubleClicked(studyItem->child(0), 0);
        ASSERT_TRUE(QTest::qWaitFor([&] { return window()->seriesLoader()->volume() != nullptr; }, 60000))
            << "the series loads";
        ASSERT_TRUE(QTest::qWaitFor([&] { return window()->readingWorkspace()->hasSeries(); }, 10000));
    }

    /// A measurement of `kind` on stored slice `slice` between two voxels (column, row) of that slice.
    int addMeasurement(viewer::MeasurementKind kind, int slice, std::array<double, 2> a,
                       std::array<double, 2> b)
    {
        const viewer::Volume* volume = window()->seriesLoader()->volume();
        viewer::ImageView* stack = window()->readingWorkspace()->stackView();
        stack->setSliceIndex(slice);
        viewer::Measurement m;
        m.kind = kind;
        m.plane = {stack->axes(), stack->planePoint()};
        m.points = {viewer::voxelToPatient(volume->geometry(), {a[0], a[1], double(slice)}),
                    viewer::voxelToPatient(volume->geometry(), {b[0], b[1], double(slice)})};
        return window()->readingWorkspace()->measurements().add(m);
    }

    void unlock()
    {
        fill(m_workstation->lockScreen()->form(), QStringLiteral("dr.sato"), kSato,
             m_env.user(QStringLiteral("dr.sato")).pin);
        ASSERT_TRUE(QTest::qWaitFor(
            [&] { return m_workstation->session().state() == Session::State::Active; }, 20000));
        ASSERT_TRUE(QTest::qWaitForWindowExposed(window()));
    }

    QList<security::AuditRecord> recentRecords() const
    {
        auto records = m_workstation->auditTrail().records(QDateTime::currentDateTimeUtc().addSecs(-600),
                                                           QDateTime::currentDateTimeUtc().addSecs(60));
        return records ? *records : QList<security::AuditRecord>{};
    }
};

TEST_F(ReportWorkflowTest, JapaneseReportWithMeasurementsKeyImageLockUnlockFinalAndItsSrAndPdf)
{
    signIn();
    ASSERT_NE(editor(), nullptr) << "the editor is built with the session";
    ASSERT_NE(report(), nullptr);
    window()->resize(1600, 1000);
    window()->activateWindow();
    ASSERT_TRUE(QTest::qWaitForWindowActive(window())) << "keyboard focus goes to the report's fields";
    openChestSeries();
    const QString studyUid = m_env.value(QStringLiteral("DOKUEI_DEMO_CHEST_STUDY_UID"));
    const exchange::StudyRecord* study = m_workstation->readingSession()->currentStudy();
    ASSERT_NE(study, nullptr);
    const QString patientId = study->patientId;

    // The report opened with the study, beside the viewer, from the template that fits a chest CT.
    ASSERT_TRUE(report()->hasReport());
    EXPECT_EQ(report()->document().header.studyUid, studyUid);
    EXPECT_EQ(report()->document().header.patientId, patientId);
    EXPECT_EQ(report()->document().header.requestingFacility, study->institution);
    EXPECT_EQ(report()->document().templateId, QStringLiteral("ct-chest"))
        << report()->document().templateId.toStdString();
    EXPECT_EQ(window()->tabs()->currentWidget(), window()->readingPage());
    EXPECT_EQ(window()->readingSplitter()->widget(1), editor());
    EXPECT_TRUE(editor()->isVisible());
    EXPECT_GT(editor()->width(), 300);
    EXPECT_TRUE(editor()->headerLabel()->text().contains(patientId))
        << editor()->headerLabel()->text().toStdString();
    EXPECT_EQ(report()->document().openedSeriesUids, m_workstation->readingSession()->openedSeries());

    // Two measurements drawn on the loaded series, on different slices.
    const int slices = window()->seriesLoader()->volume()->slices();
    ASSERT_GE(slices, 20);
    const int lengthSlice = slices / 4;
    const int roiSlice = slices / 2;
    const int keySlice = (slices * 3) / 4;
    const int lengthId = addMeasurement(viewer::MeasurementKind::Length, lengthSlice, {100, 200}, {160, 200});
    const int roiId = addMeasurement(viewer::MeasurementKind::Ellipse, roiSlice, {200, 200}, {240, 230});
    ASSERT_TRUE(window()->readingWorkspace()->measurements().find(lengthId)->valid);
    ASSERT_TRUE(window()->readingWorkspace()->measurements().find(roiId)->valid);

    // Japanese through the input method into the lungs section, then the two measurements and a key image.
    reporting::ReportTextEdit* lungs = editor()->textField(QStringLiteral("lungs"));
    ASSERT_NE(lungs, nullptr);
    lungs->setFocus();
    typeThroughInputMethod(lungs, QStringLiteral("みぎはいじょうように"), markerText());
    // While the text has focus, a viewer number-key preset does not fire.
    const viewer::Window before = window()->readingWorkspace()->stackView()->voiWindow();
    QTest::keyClick(lungs, Qt::Key_2);
    EXPECT_EQ(window()->readingWorkspace()->stackView()->voiWindow(), before);
    typeThroughInputMethod(lungs, QStringLiteral("おおきさ"), QStringLiteral("、大きさ "));
    ASSERT_TRUE(editor()->insertMeasurement(0));
    typeThroughInputMethod(lungs, QStringLiteral("えんけい"), QStringLiteral("、円形ROI "));
    ASSERT_TRUE(editor()->insertMeasurement(1));
    window()->readingWorkspace()->stackView()->setSliceIndex(keySlice);
    lungs->setFocus();
    ASSERT_TRUE(editor()->insertKeyImage());
    const reporting::SectionContent* content = report()->document().section(QStringLiteral("lungs"));
    ASSERT_NE(content, nullptr);
    EXPECT_TRUE(content->text.startsWith(markerText() + QStringLiteral("2、大きさ ")))
        << content->text.toStdString();
    ASSERT_EQ(lungs->spans().size(), 3) << lungs->toHtml().toStdString();
    ASSERT_EQ(content->references.size(), 3);
    ASSERT_EQ(report()->document().measurements.size(), 2);
    ASSERT_EQ(report()->document().keyImages.size(), 1);
    const reporting::MeasurementReference& length = report()->document().measurements[0];
    EXPECT_EQ(length.unit, QStringLiteral("mm"));
    EXPECT_NEAR(length.value, window()->readingWorkspace()->measurements().find(lengthId)->lengthMm, 1e-9);
    EXPECT_TRUE(
        QRegularExpression(QStringLiteral("^\\d+\\.\\d mm, Se \\d+ Im \\d+$")).match(length.text).hasMatch())
        << length.text.toStdString();
    EXPECT_EQ(length.image.studyUid, studyUid);
    EXPECT_EQ(length.image.sopClassUid, QStringLiteral("1.2.840.10008.5.1.4.1.1.2"));
    EXPECT_FALSE(length.image.sopInstanceUid.isEmpty());
    EXPECT_NE(report()->document().measurements[1].image.sopInstanceUid, length.image.sopInstanceUid);
    EXPECT_EQ(report()->document().measurements[1].unit, QStringLiteral("[hnsf'U]"));
    const reporting::KeyImageReference& key = report()->document().keyImages[0];
    EXPECT_TRUE(key.renderedPng.startsWith("\x89PNG")) << "the key image as seen";
    EXPECT_GT(key.image.windowWidth, 0);

    // Each reference, clicked, takes the viewer back to its image (and selects the measurement).
    viewer::ImageView* stack = window()->readingWorkspace()->stackView();
    const int expectedSlices[] = {lengthSlice, roiSlice, keySlice};
    const int expectedSelection[] = {lengthId, roiId, -1};
    for (int i = 0; i < 3; ++i) {
        stack->setSliceIndex(0);
        stack->setWindow({0, 2000});
        window()->tabs()->setCurrentWidget(window()->studiesPage());
        window()->tabs()->setCurrentWidget(window()->readingPage());
        clickReference(lungs, content->references[i]);
        EXPECT_EQ(stack->sliceIndex(), expectedSlices[i]) << "reference " << i;
        if (expectedSelection[i] > 0) {
            EXPECT_EQ(window()->readingWorkspace()->measurements().selected(), expectedSelection[i]);
        } else {
            EXPECT_EQ(stack->voiWindow().width, key.image.windowWidth) << "the key image's window";
        }
    }

    // Lock: the report text leaves process memory; the draft is in the user vault (encrypted).
    // Saved once before the lock: the draft's UTF-8 is then in the vault's decrypted pages too.
    ASSERT_TRUE(report()->saveNow());
    const MarkerHits typed = scanMarker();
    EXPECT_GT(typed.utf16, 0) << "the marker is found while the report is open";
    EXPECT_GT(typed.utf8, 0) << "the saved draft (UTF-8) is found in the vault's page cache before the lock";
    window()->lockAction()->trigger();
    ASSERT_EQ(m_workstation->session().state(), Session::State::Locked);
    const MarkerHits locked = scanMarker();
    std::printf("report marker in process memory: open UTF-8 %lld, UTF-16 %lld; after the lock UTF-8 %lld, "
                "UTF-16 %lld; lock took %lld us\n",
                typed.utf8, typed.utf16, locked.utf8, locked.utf16,
                static_cast<long long>(m_workstation->session().lastWipe().duration.count()));
    std::fflush(stdout);
    EXPECT_EQ(locked.utf16, 0);
    EXPECT_EQ(locked.utf8, 0);
    EXPECT_FALSE(report()->hasReport());
    QFile vaultFile(security::userVaultPath(m_paths, QStringLiteral("dr.sato")));
    ASSERT_TRUE(vaultFile.open(QIODevice::ReadOnly)) << "the user vault exists";
    const QByteArray vaultBytes = vaultFile.readAll();
    EXPECT_FALSE(vaultBytes.contains(QByteArray("RPTMARK"))) << "the vault is encrypted";
    EXPECT_FALSE(vaultBytes.contains(QByteArray("SQLite format 3")));

    // Unlock: the draft comes back from the vault, exactly as typed, references included.
    unlock();
    ASSERT_TRUE(report()->hasReport()) << "the draft is restored after the unlock";
    content = report()->document().section(QStringLiteral("lungs"));
    ASSERT_NE(content, nullptr);
    EXPECT_TRUE(content->text.startsWith(markerText()));
    EXPECT_EQ(content->references.size(), 3);
    lungs = editor()->textField(QStringLiteral("lungs"));
    ASSERT_NE(lungs, nullptr);
    EXPECT_EQ(lungs->toPlainText(), content->text) << "back in the editor";
    EXPECT_EQ(lungs->spans().size(), 3);

    // Final only through the completeness check: refused while required parts are missing.
    const reporting::ReportTemplate* tmpl = editor()->currentTemplate();
    ASSERT_NE(tmpl, nullptr);
    auto refused = editor()->finalize();
    ASSERT_FALSE(refused);
    EXPECT_EQ(report()->document().state, reporting::ReportState::Draft);
    for (const QString& section : {QStringLiteral("mediastinum"), QStringLiteral("pleura")}) {
        auto* normal = editor()->findChild<QPushButton*>(QStringLiteral("normal-") + section);
        ASSERT_NE(normal, nullptr) << section.toStdString();
        QTest::mouseClick(normal, Qt::LeftButton);
    }
    auto* contrast = qobject_cast<QComboBox*>(editor()->fieldWidget(QStringLiteral("contrast")));
    ASSERT_NE(contrast, nullptr);
    contrast->setCurrentIndex(1);
    reporting::ReportTextEdit* impression =
        editor()->textField(QString::fromLatin1(reporting::kImpressionId));
    impression->setFocus();
    typeThroughInputMethod(impression, QStringLiteral("みぎはいけっせつ"),
                           QStringLiteral("右肺上葉結節。経過観察。"));
    QString reason;
    for (const reporting::CompletenessProblem& problem : report()->completeness(*tmpl)) {
        EXPECT_EQ(problem.kind, reporting::CompletenessProblem::Kind::SeriesNotOpened)
            << reporting::completenessMessage(problem).toStdString();
        reason = QStringLiteral("他シリーズは同一撮影の再構成のため読影対象外");
    }
    ASSERT_TRUE(editor()->finalize(reason));
    EXPECT_EQ(report()->document().state, reporting::ReportState::Final);
    ASSERT_NE(editor()->textField(QStringLiteral("lungs")), nullptr);
    EXPECT_TRUE(editor()->textField(QStringLiteral("lungs"))->isReadOnly()) << "a final report is read-only";
    bool stateAudited = false;
    for (const security::AuditRecord& record : recentRecords()) {
        stateAudited =
            stateAudited || (record.eventType == QStringLiteral("ReportStateChanged") &&
                             record.patientId == patientId && record.studyUid == studyUid &&
                             record.userId == QStringLiteral("dr.sato") && !record.sessionId.isEmpty());
    }
    EXPECT_TRUE(stateAudited) << "the state change is audited with user, session, patient and study";

    // The SR and PDF of that report, checked by the field's tools.
    QTemporaryDir out;
    const reporting::SrIdentity identity = reporting::SrIdentity::generate();
    auto sr = reporting::makeStructuredReport(report()->document(), *tmpl, identity);
    ASSERT_TRUE(sr) << sr.error().message.toStdString();
    auto pdf = reporting::renderReportPdf(report()->document(), *tmpl);
    ASSERT_TRUE(pdf) << pdf.error().message.toStdString();
    auto encapsulated = reporting::makeEncapsulatedPdf(*pdf, report()->document(), *tmpl,
                                                       reporting::SrIdentity::generate(9002));
    ASSERT_TRUE(encapsulated);
    const auto write = [&](const QString& name, const QByteArray& bytes) {
        QFile f(out.filePath(name));
        EXPECT_TRUE(f.open(QIODevice::WriteOnly));
        f.write(bytes);
        return f.fileName();
    };
    const QString srPath = write(QStringLiteral("report.dcm"), *sr);
    const QString pdfPath = write(QStringLiteral("report.pdf"), *pdf);
    const QString docPath = write(QStringLiteral("report-pdf.dcm"), *encapsulated);
    int code = 0;
    for (const QString& path : {srPath, docPath}) {
        const QString output = runTool(QStringLiteral("dciodvfy"), {path}, &code);
        EXPECT_GE(code, 0) << output.toStdString();
        EXPECT_EQ(errorLines(output), QStringList{}) << output.toStdString();
    }
    const QString dump = runTool(QStringLiteral("dsrdump"), {QStringLiteral("+Pl"), srPath}, &code);
    EXPECT_EQ(code, 0) << dump.toStdString();
    EXPECT_TRUE(dump.contains(markerText())) << "the typed Japanese in the SR";
    EXPECT_TRUE(dump.contains(QStringLiteral("右肺上葉結節。経過観察。")));
    EXPECT_TRUE(dump.contains(length.image.sopInstanceUid)) << "the measurement's source image";
    EXPECT_TRUE(dump.contains(QStringLiteral("FINAL")) || dump.contains(QStringLiteral("COMPLETE")));
    const QString text =
        runTool(QStringLiteral("pdftotext"),
                {QStringLiteral("-enc"), QStringLiteral("UTF-8"), pdfPath, QStringLiteral("-")}, &code);
    EXPECT_EQ(code, 0);
    EXPECT_TRUE(reporting::normalizedReportText(text).contains(reporting::normalizedReportText(markerText())))
        << text.toStdString();
}

TEST_F(ReportWorkflowTest, KilledWhileTypingTheDraftIsOfferedAtTheNextSignInExactlyAsLastSaved)
{
    if (qEnvironmentVariableIsSet("DOKUEI_GUI_TEST_HOME")) {
        GTEST_SKIP() << "the parent's test";
    }
    // The workstation of this test closes its vaults; a child process signs in on the same directory, opens
    // the chest study and types until it is killed (SIGKILL: no wipe, no save at exit).
    m_workstation.reset();
    QProcess child;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DOKUEI_GUI_TEST_HOME"), m_paths.configDir.section(QLatin1Char('/'), 0, -2));
    child.setProcessEnvironment(env);
    child.setProcessChannelMode(QProcess::MergedChannels);
    child.start(QCoreApplication::applicationFilePath(),
                {QStringLiteral("--gtest_filter=ReportWorkflowTest.ChildTypesUntilKilled")});
    ASSERT_TRUE(child.waitForStarted(10000));
    QByteArray out;
    QString lastSaved;
    int saves = 0;
    QElapsedTimer timer;
    timer.start();
    while (child.state() == QProcess::Running && saves < 3 && timer.elapsed() < 120000) {
        child.waitForReadyRead(200);
        out += child.readAll();
        saves = int(out.count("\nSAVED ") + (out.startsWith("SAVED ") ? 1 : 0));
    }
    ASSERT_GE(saves, 3) << out.toStdString();
    ::kill(pid_t(child.processId()), SIGKILL);
    ASSERT_TRUE(child.waitForFinished(10000));
    EXPECT_EQ(child.exitStatus(), QProcess::CrashExit);
    out += child.readAll();
    for (const QByteArray& line : out.split('\n')) {
        if (line.startsWith("SAVED ")) {
            lastSaved = QString::fromUtf8(QByteArray::fromBase64(line.mid(6).trimmed()));
        }
    }
    ASSERT_FALSE(lastSaved.isEmpty());

    // The application started again: the draft is offered at sign-in and opens exactly as last saved.
    restartWorkstation();
    signIn();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(window()));
    QWidget* notice = window()->unfinishedNotice();
    ASSERT_TRUE(notice->isVisible()) << "the unfinished report is offered after the crash";
    QTest::mouseClick(notice->findChild<QPushButton*>(QStringLiteral("resumeReport")), Qt::LeftButton);
    ASSERT_TRUE(report()->hasReport());
    EXPECT_EQ(report()->document().section(QStringLiteral("lungs"))->text, lastSaved);
    EXPECT_EQ(editor()->textField(QStringLiteral("lungs"))->toPlainText(), lastSaved) << "exactly as saved";
}

TEST_F(ReportWorkflowTest, ChildTypesUntilKilled)
{
    if (!qEnvironmentVariableIsSet("DOKUEI_GUI_TEST_HOME")) {
        GTEST_SKIP() << "runs only as the child of KilledWhileTyping...";
    }
    signIn();
    window()->activateWindow();
    ASSERT_TRUE(QTest::qWaitForWindowActive(window()));
    openChestSeries();
    ASSERT_TRUE(report()->hasReport());
    QObject::connect(report(), &reporting::ReportSession::saved, [this] {
        const QString text = report()->document().section(QStringLiteral("lungs"))->text;
        std::printf("SAVED %s\n", text.toUtf8().toBase64().constData());
        std::fflush(stdout);
    });
    reporting::ReportTextEdit* lungs = editor()->textField(QStringLiteral("lungs"));
    ASSERT_NE(lungs, nullptr);
    lungs->setFocus();
    // One character (code point: 𠮷 is two UTF-16 units) per commit.
    const QList<uint> characters = QStringLiteral("右肺下葉に径8mmの充実性結節を認める。角𠮷。").toUcs4();
    for (int i = 0; i < 100000; ++i) {
        const char32_t character = characters[i % characters.size()];
        typeThroughInputMethod(lungs, QStringLiteral("けっせつ"), QString::fromUcs4(&character, 1));
        QTest::qWait(i % 6 == 5 ? 2300 : 30); // now and then a pause long enough for the autosave (2 s)
    }
}

TEST_F(ReportWorkflowTest, ADraftLeftAtSignOutIsOfferedAtTheNextSignIn)
{
    signIn();
    window()->activateWindow();
    ASSERT_TRUE(QTest::qWaitForWindowActive(window()));
    openChestSeries();
    ASSERT_TRUE(report()->hasReport());
    const QString reportId = report()->document().reportId;
    reporting::ReportTextEdit* lungs = editor()->textField(QStringLiteral("lungs"));
    ASSERT_NE(lungs, nullptr);
    lungs->setFocus();
    typeThroughInputMethod(lungs, QStringLiteral("すりがらす"), QStringLiteral("すりガラス影、8 mm。"));
    const QString typed = lungs->toPlainText();

    window()->findChild<QAction*>(QStringLiteral("actionSignOut"))->trigger();
    ASSERT_EQ(m_workstation->session().state(), Session::State::SignedOut);
    EXPECT_EQ(window()->reportEditor(), nullptr);
    EXPECT_EQ(report(), nullptr);

    signIn();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(window()));
    QWidget* notice = window()->unfinishedNotice();
    EXPECT_TRUE(notice->isVisible()) << "the unfinished report is offered";
    auto* box = notice->findChild<QComboBox*>(QStringLiteral("unfinishedReports"));
    ASSERT_NE(box, nullptr);
    ASSERT_EQ(box->findData(reportId), 0) << "newest first";
    QTest::mouseClick(notice->findChild<QPushButton*>(QStringLiteral("resumeReport")), Qt::LeftButton);
    ASSERT_TRUE(report()->hasReport());
    EXPECT_EQ(report()->document().reportId, reportId);
    EXPECT_EQ(editor()->textField(QStringLiteral("lungs"))->toPlainText(), typed) << "exactly as typed";
    EXPECT_FALSE(notice->isVisible());
}

/// A JSON attribute's first value of a QIDO-RS answer's object.
QString jsonValue(const QJsonObject& object, const char* tag)
{
    const QJsonValue first =
        object.value(QLatin1String(tag)).toObject().value(QStringLiteral("Value")).toArray().first();
    return first.isObject() ? first.toObject().value(QStringLiteral("Ideographic")).toString()
                            : first.toString();
}

TEST_F(ReportWorkflowTest, ThePatientsPreviousReportIsShownReadOnlyBesideTheReport)
{
    // The chest patient, as the reading centre lists them (QIDO-RS with the card, before dokuei holds it).
    const QString studyUid = m_env.value(QStringLiteral("DOKUEI_DEMO_CHEST_STUDY_UID"));
    QStringList qido = m_env.curlCardArgs(QStringLiteral("dr.sato"));
    qido << QStringLiteral("-H") << QStringLiteral("Accept: application/dicom+json")
         << m_env.url() + QStringLiteral("/studies?StudyInstanceUID=%1&includefield=00100010").arg(studyUid);
    const auto listed = integration::runSubprocess(QStringLiteral("curl"), qido, m_env.cardEnvironment());
    ASSERT_EQ(listed.exitCode, 0) << listed.err.toStdString();
    const QJsonObject chest = QJsonDocument::fromJson(listed.out).array().first().toObject();
    const QString patientId = jsonValue(chest, "00100020");
    const QString studyDate = jsonValue(chest, "00080020");
    ASSERT_FALSE(patientId.isEmpty()) << listed.out.toStdString();

    // A final report of an earlier study of this patient, read at another centre: an SR only, stored into
    // the reading centre (STOW-RS).
    const auto library = reporting::TemplateLibrary::load({reporting::shippedTemplateDirectory()});
    const reporting::ReportTemplate* tmpl = library.find(QStringLiteral("ct-chest"));
    ASSERT_NE(tmpl, nullptr);
    reporting::ReportHeader header;
    header.patientId = patientId;
    header.patientNameIdeographic = jsonValue(chest, "00100010");
    header.studyUid = reporting::SrIdentity::generate().seriesInstanceUid; // a fresh valid UID for the study
    header.studyDate = QDate::fromString(studyDate, QStringLiteral("yyyyMMdd"))
                           .addYears(-1)
                           .toString(QStringLiteral("yyyyMMdd"));
    header.studyTime = QTime::currentTime().toString(QStringLiteral("HHmmss"));
    header.studyDescription = QStringLiteral("胸部CT 単純");
    header.modality = QStringLiteral("CT");
    reporting::ReportDocument prior =
        reporting::newReport(*tmpl, header,
                             {QStringLiteral("dr.prior"), QStringLiteral("Maeda^Ken"),
                              QStringLiteral("前回読影センター"), QStringLiteral("radiologist")},
                             QStringLiteral("ja"));
    // Unique per run: the reading centre keeps the earlier runs' reports (the newest is shown).
    const QString priorText = QStringLiteral("前回PRIOR") +
                              QUuid::createUuid().toString(QUuid::Id128).left(12) +
                              QStringLiteral("右肺上葉に6 mm結節");
    prior.section(QStringLiteral("lungs"))->text = priorText;
    prior.section(QString::fromLatin1(reporting::kImpressionId))->text = QStringLiteral("経過観察を推奨");
    prior.state = reporting::ReportState::Final;
    auto sr = reporting::makeStructuredReport(prior, *tmpl, reporting::SrIdentity::generate());
    ASSERT_TRUE(sr) << sr.error().message.toStdString();
    QTemporaryDir dir;
    const QByteArray boundary = "dokuei-prior-report-5c2a";
    QFile body(dir.filePath(QStringLiteral("stow.body")));
    ASSERT_TRUE(body.open(QIODevice::WriteOnly));
    body.write("--" + boundary + "\r\nContent-Type: application/dicom\r\n\r\n" + *sr + "\r\n--" + boundary +
               "--\r\n");
    body.close();
    QStringList stow = m_env.curlCardArgs(QStringLiteral("dr.sato"));
    stow << QStringLiteral("-X") << QStringLiteral("POST") << QStringLiteral("-H")
         << QStringLiteral("Content-Type: multipart/related; type=\"application/dicom\"; boundary=%1")
                .arg(QString::fromLatin1(boundary))
         << QStringLiteral("--data-binary") << QLatin1Char('@') + body.fileName() << QStringLiteral("-o")
         << QStringLiteral("/dev/null") << QStringLiteral("-w") << QStringLiteral("%{http_code}")
         << m_env.url() + QStringLiteral("/studies");
    const auto stored = integration::runSubprocess(QStringLiteral("curl"), stow, m_env.cardEnvironment());
    ASSERT_EQ(stored.out, QByteArray("200")) << stored.err.toStdString();

    // Opening the chest study shows it read-only beside the report, with its date and reader.
    signIn();
    openChestSeries();
    auto* pane = editor()->findChild<QTextEdit*>(QStringLiteral("priorReport"));
    ASSERT_NE(pane, nullptr);
    ASSERT_TRUE(QTest::qWaitFor([&] { return pane->toPlainText().contains(priorText); }, 20000))
        << "the previous report is not shown: " << pane->toPlainText().toStdString();
    EXPECT_TRUE(pane->isVisible());
    EXPECT_TRUE(pane->isReadOnly()) << "read-only, copied from";
    EXPECT_TRUE(pane->toPlainText().contains(QStringLiteral("経過観察を推奨")));
    bool queried = false;
    bool retrieved = false;
    for (const security::AuditRecord& record : recentRecords()) {
        queried =
            queried || (record.event == security::AuditEventId::Query && record.patientId == patientId &&
                        record.details.contains(QStringLiteral("previous report")));
        retrieved = retrieved || (record.event == security::AuditEventId::InstancesTransferred &&
                                  record.studyUid == header.studyUid && record.patientId == patientId);
    }
    EXPECT_TRUE(queried) << "the search of the patient's studies is audited";
    EXPECT_TRUE(retrieved) << "the previous report's retrieval is audited";
    // It goes with the lock like the report.
    window()->lockAction()->trigger();
    EXPECT_TRUE(pane->toPlainText().isEmpty());
}

} // namespace
} // namespace dokuei::gui_test
