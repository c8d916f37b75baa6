// The report editor through real widgets and input events (Xvfb), its session on a real SQLCipher vault.
// The viewer side is a recording provider here (the editor's contract); the reading window's GUI test
// drives the same editor beside the real viewer.
#include "dokuei/reporting/ui/ReportEditor.h"

#include "dokuei/security/MemoryScanner.h"
#include "dokuei/security/SecureBuffer.h"
#include "dokuei/security/Vault.h"

#include <csignal>

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QInputMethodEvent>
#include <QLabel>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

using namespace dokuei;
using namespace dokuei::reporting;

namespace {

ReportTemplate chestTemplate()
{
    ReportTemplate t;
    t.id = QStringLiteral("test-chest");
    t.version = QStringLiteral("1");
    t.title = {QStringLiteral("胸部CT"), QStringLiteral("CT chest")};
    TemplateSection lungs;
    lungs.id = QStringLiteral("lungs");
    lungs.title = {QStringLiteral("肺野"), QStringLiteral("Lungs")};
    lungs.normalText = {QStringLiteral("両肺野に異常影を認めない。"), QStringLiteral("Lungs are clear.")};
    lungs.required = true;
    TemplateField category;
    category.id = QStringLiteral("category");
    category.type = FieldType::Choice;
    category.required = true;
    category.label = {QStringLiteral("判定"), QStringLiteral("Category")};
    category.choices << ChoiceOption{{QStringLiteral("A"),
                                      QStringLiteral("99DOKUEI"),
                                      {QStringLiteral("A 異常なし"), QStringLiteral("A normal")}},
                                     {}};
    lungs.fields << category;
    TemplateField lesion;
    lesion.id = QStringLiteral("lesion");
    lesion.type = FieldType::Measurement;
    lesion.label = {QStringLiteral("病変の計測"), QStringLiteral("Lesion measurement")};
    lungs.fields << lesion;
    t.sections << lungs;
    return t;
}

ReportHeader header()
{
    ReportHeader h;
    h.patientId = QStringLiteral("PID-EDITOR-7");
    h.studyUid = QStringLiteral("1.2.392.200036.9116.2.6.1.48.7");
    h.patientNameIdeographic = QStringLiteral("検診^花子");
    h.studyDescription = QStringLiteral("CT Chest");
    h.requestingFacility = QStringLiteral("みなと健診センター");
    h.clinicalQuestion = QStringLiteral("咳嗽が続く");
    return h;
}

ImageReference image(int instance)
{
    return {header().studyUid,
            QStringLiteral("1.2.3.3"),
            QStringLiteral("1.2.3.3.%1").arg(instance),
            QStringLiteral("1.2.840.10008.5.1.4.1.1.2"),
            0,
            3,
            instance,
            -600,
            1500};
}

struct RecordingProvider : ReportReferenceProvider
{
    QList<MeasurementReference> measurements() override
    {
        MeasurementReference a;
        a.viewerId = 1;
        a.kind = QStringLiteral("length");
        a.label = QStringLiteral("L1");
        a.value = 12.3;
        a.unit = QStringLiteral("mm");
        a.image = image(45);
        a.text = QStringLiteral("12.3 mm, Se 3 Im 45");
        MeasurementReference b = a;
        b.viewerId = 2;
        b.label = QStringLiteral("R1");
        b.kind = QStringLiteral("roi");
        b.value = -612.0;
        b.unit = QStringLiteral("[hnsf'U]");
        b.image = image(80);
        b.text = QStringLiteral("mean -612 HU, Se 3 Im 80");
        return {a, b};
    }
    std::optional<KeyImageReference> keyImage() override
    {
        KeyImageReference k;
        k.image = image(62);
        k.measurementIds << QStringLiteral("M1");
        k.renderedPng = QByteArray("\x89PNG", 4);
        return k;
    }
    void show(const ImageReference& img, int viewerMeasurementId) override
    {
        shown << std::make_pair(img, viewerMeasurementId);
    }
    QList<std::pair<ImageReference, int>> shown;
};

QString markerText()
{
    return QStringLiteral("EDITORMARK") + QString::number(777 * 11) + QStringLiteral("結節影");
}

std::size_t markerHits()
{
    QString marker = markerText();
    QByteArray utf16(reinterpret_cast<const char*>(marker.utf16()), marker.size() * 2);
    security::secureErase(marker);
    auto scan = security::MemoryScanner::scan(utf16);
    EXPECT_TRUE(scan);
    return scan ? scan->hits : 9999;
}

void commit(QWidget* target, const QString& preedit, const QString& committed)
{
    if (!preedit.isEmpty()) {
        QInputMethodEvent pre(preedit, {});
        QApplication::sendEvent(target, &pre);
    }
    QInputMethodEvent done;
    done.setCommitString(committed);
    QApplication::sendEvent(target, &done);
}

struct Fixture : ::testing::Test
{
    void SetUp() override
    {
        ASSERT_TRUE(dir.isValid());
        openVault(dir.filePath(QStringLiteral("user.db")));
        session = std::make_unique<ReportSession>(registry);
        session->setStore(store.get());
        session->setAuthor({QStringLiteral("dr1"), QStringLiteral("Dr^One"), {}, {}},
                           security::Role::Radiologist);
        editor = std::make_unique<ReportEditor>(*session, registry);
        editor->setTemplates({chestTemplate()});
        editor->setReferenceProvider(&provider);
        editor->resize(700, 800);
        editor->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(editor.get()));
        editor->activateWindow();
        ASSERT_TRUE(QTest::qWaitForWindowActive(editor.get()));
        ASSERT_TRUE(session->open(header(), chestTemplate(), QStringLiteral("ja")));
    }
    void openVault(const QString& path)
    {
        auto opened = security::Vault::open(path, key);
        ASSERT_TRUE(opened) << opened.error().toString().toStdString();
        vault = std::move(*opened);
        store = std::make_unique<DraftStore>(*vault);
    }
    ReportTextEdit* lungs() const { return editor->textField(QStringLiteral("lungs")); }
    QTemporaryDir dir;
    security::SecretKey key = security::SecretKey::fromBytes(QByteArray(32, '\x5a')).value();
    std::unique_ptr<security::Vault> vault;
    std::unique_ptr<DraftStore> store;
    security::WipeRegistry registry;
    std::unique_ptr<ReportSession> session;
    std::unique_ptr<ReportEditor> editor;
    RecordingProvider provider;
};

} // namespace

TEST_F(Fixture, HeaderShowsPatientStudyFacilityAndQuestion)
{
    const QString text = editor->headerLabel()->text();
    EXPECT_TRUE(text.contains(QStringLiteral("検診 花子")));
    EXPECT_TRUE(text.contains(QStringLiteral("PID-EDITOR-7")));
    EXPECT_TRUE(text.contains(QStringLiteral("みなと健診センター")));
    EXPECT_TRUE(text.contains(QStringLiteral("咳嗽が続く")));
    EXPECT_NE(editor->textField(QString::fromLatin1(kImpressionId)), nullptr);
    EXPECT_NE(editor->textField(QString::fromLatin1(kRecommendationId)), nullptr);
}

TEST_F(Fixture, JapaneseByInputMethodAndNoShortcutWhileTyping)
{
    // A window shortcut like the viewer's number-key presets must not fire while a text field has focus.
    QAction preset(editor.get());
    preset.setShortcut(QKeySequence(Qt::Key_1));
    preset.setShortcutContext(Qt::WindowShortcut);
    editor->addAction(&preset);
    QSignalSpy fired(&preset, &QAction::triggered);
    // Control: on a widget that does not take the key, the shortcut fires.
    editor->keyImageButton()->setFocus();
    QApplication::processEvents();
    QTest::keyClick(editor->keyImageButton(), Qt::Key_1);
    ASSERT_EQ(fired.count(), 1);
    lungs()->setFocus();
    QApplication::processEvents();
    ASSERT_TRUE(lungs()->hasFocus());
    commit(lungs(), QStringLiteral("はいや"), QStringLiteral("肺野"));
    commit(lungs(), QStringLiteral("けっせつ"), QStringLiteral("に結節"));
    // Enter that ends a pre-edit is the input method's: it arrives as the commit, no key, no action.
    commit(lungs(), QStringLiteral("あり"), QStringLiteral("あり。"));
    QTest::keyClicks(lungs(), QStringLiteral("1f"));
    QTest::keyClick(lungs(), Qt::Key_Left);
    QTest::keyClick(lungs(), Qt::Key_Return);
    EXPECT_EQ(fired.count(), 1); // not once more
    EXPECT_EQ(session->document().section(QStringLiteral("lungs"))->text,
              QStringLiteral("肺野に結節あり。1\nf"));
    EXPECT_EQ(session->document().state, ReportState::Draft);
}

TEST_F(Fixture, MeasurementsAndKeyImageAreLinksThatTakeTheViewerBack)
{
    lungs()->setFocus();
    QApplication::processEvents();
    ASSERT_TRUE(lungs()->hasFocus());
    commit(lungs(), {}, QStringLiteral("右上葉結節 "));
    ASSERT_TRUE(editor->insertMeasurement(0));
    ASSERT_TRUE(editor->insertMeasurement(1));
    ASSERT_TRUE(editor->insertKeyImage());
    const auto& doc = session->document();
    ASSERT_EQ(doc.measurements.size(), 2);
    ASSERT_EQ(doc.keyImages.size(), 1);
    const auto* content = doc.section(QStringLiteral("lungs"));
    EXPECT_TRUE(content->text.contains(QStringLiteral("12.3 mm, Se 3 Im 45")));
    ASSERT_EQ(content->references.size(), 3);
    // Click in the middle of each link.
    for (int i = 0; i < 3; ++i) {
        const auto span = content->references[i];
        QTextCursor cursor(lungs()->document());
        cursor.setPosition(int(span.start + span.length / 2));
        const QPoint at = lungs()->cursorRect(cursor).center();
        QTest::mouseClick(lungs()->viewport(), Qt::LeftButton, {}, at);
    }
    ASSERT_EQ(provider.shown.size(), 3);
    EXPECT_EQ(provider.shown[0].first.instanceNumber, 45);
    EXPECT_EQ(provider.shown[0].second, 1);
    EXPECT_EQ(provider.shown[1].first.instanceNumber, 80);
    EXPECT_EQ(provider.shown[1].second, 2);
    EXPECT_EQ(provider.shown[2].first.instanceNumber, 62);
    EXPECT_EQ(provider.shown[2].first.windowWidth, 1500);
    // The links survive a save and reload.
    ASSERT_TRUE(session->saveNow());
    auto back = store->load(doc.reportId);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->section(QStringLiteral("lungs"))->references, content->references);
}

TEST_F(Fixture, LockWipesTheTextFromMemoryKeepsTheDraftAndUnlockBringsItBack)
{
    lungs()->setFocus();
    QApplication::processEvents();
    ASSERT_TRUE(lungs()->hasFocus());
    {
        QString typed = QStringLiteral("所見 ") + markerText();
        commit(lungs(), {}, typed);
        security::secureErase(typed);
    }
    QApplication::processEvents();
    EXPECT_GE(markerHits(), 1u);
    const QString reportId = session->document().reportId;
    registry.wipeAll();
    QApplication::processEvents();
    EXPECT_FALSE(session->hasReport());
    EXPECT_EQ(editor->textField(QStringLiteral("lungs")), nullptr);
    EXPECT_EQ(markerHits(), 0u);
    auto stored = store->load(reportId);
    ASSERT_TRUE(stored);
    EXPECT_TRUE(stored->section(QStringLiteral("lungs"))->text.contains(markerText()));
    stored = std::unexpected(Error{ErrorCode::NotFound, {}});

    ASSERT_TRUE(session->restore());
    ASSERT_NE(lungs(), nullptr);
    EXPECT_EQ(lungs()->toPlainText(), QStringLiteral("所見 ") + markerText());
}

TEST_F(Fixture, FinalThroughTheCompletenessCheck)
{
    session->setStudySeries({{QStringLiteral("1.2.3.3"), QStringLiteral("Chest 1mm")}});
    auto refused = editor->finalize();
    ASSERT_FALSE(refused);
    EXPECT_TRUE(refused.error().message.contains(QStringLiteral("Chest 1mm")));
    session->markSeriesOpened(QStringLiteral("1.2.3.3"));
    QTest::mouseClick(editor->findChild<QPushButton*>(QStringLiteral("normal-lungs")), Qt::LeftButton);
    EXPECT_EQ(session->document().section(QStringLiteral("lungs"))->text,
              QStringLiteral("両肺野に異常影を認めない。"));
    auto* category = qobject_cast<QComboBox*>(editor->fieldWidget(QStringLiteral("category")));
    ASSERT_NE(category, nullptr);
    category->setCurrentIndex(1);
    auto* impression = editor->textField(QString::fromLatin1(kImpressionId));
    impression->setFocus();
    commit(impression, {}, QStringLiteral("異常なし"));
    ASSERT_TRUE(editor->finalize());
    EXPECT_EQ(session->document().state, ReportState::Final);
    EXPECT_TRUE(editor->textField(QStringLiteral("lungs"))->isReadOnly());
    EXPECT_FALSE(editor->keyImageButton()->isEnabled());
}

// kill -9 while typing: a child process (this binary, filtered to the test below) types into the editor
// with a 300 ms autosave and reports each save; the parent kills it with SIGKILL mid-typing, then opens
// the same vault and finds the draft as it was last saved, then offered again (unfinished()).
TEST_F(Fixture, KilledWhileTypingTheDraftIsOfferedAgainExactlyAsTyped)
{
    if (qEnvironmentVariableIsSet("DOKUEI_EDITOR_CHILD")) {
        GTEST_SKIP();
    }
    const QString vaultPath = dir.filePath(QStringLiteral("crash.db"));
    QProcess child;
    auto env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DOKUEI_EDITOR_CHILD"), vaultPath);
    child.setProcessEnvironment(env);
    child.setProcessChannelMode(QProcess::MergedChannels);
    child.start(QCoreApplication::applicationFilePath(),
                {QStringLiteral("--gtest_filter=EditorChild.TypesUntilKilled")});
    ASSERT_TRUE(child.waitForStarted(10000));
    QByteArray out;
    QString lastSaved;
    while (child.state() == QProcess::Running) {
        child.waitForReadyRead(200);
        out += child.readAll();
        const auto lines = out.split('\n');
        for (const auto& line : lines) {
            if (line.startsWith("SAVED ")) {
                lastSaved = QString::fromUtf8(line.mid(6));
            }
        }
        if (lastSaved.size() >= 12) {
            break;
        }
    }
    ASSERT_GE(lastSaved.size(), 12) << out.toStdString();
    ::kill(pid_t(child.processId()), SIGKILL);
    ASSERT_TRUE(child.waitForFinished(10000));
    EXPECT_EQ(child.exitStatus(), QProcess::CrashExit);
    out += child.readAll();
    for (const auto& line : out.split('\n')) {
        if (line.startsWith("SAVED ")) {
            lastSaved = QString::fromUtf8(line.mid(6));
        }
    }

    openVault(vaultPath);
    auto unfinished = store->unfinished();
    ASSERT_TRUE(unfinished);
    ASSERT_EQ(unfinished->size(), 1);
    auto draft = store->load(unfinished->first().reportId);
    ASSERT_TRUE(draft);
    EXPECT_EQ(draft->section(QStringLiteral("lungs"))->text, lastSaved);
}

TEST(EditorChild, TypesUntilKilled)
{
    const QString vaultPath = qEnvironmentVariable("DOKUEI_EDITOR_CHILD");
    if (vaultPath.isEmpty()) {
        GTEST_SKIP() << "runs only as the child of KilledWhileTyping";
    }
    auto vault =
        security::Vault::open(vaultPath, security::SecretKey::fromBytes(QByteArray(32, '\x5a')).value());
    ASSERT_TRUE(vault);
    DraftStore store(**vault);
    security::WipeRegistry registry;
    ReportSession session(registry);
    session.setStore(&store);
    session.setAutosaveDelay(300);
    ReportEditor editor(session, registry);
    editor.setTemplates({chestTemplate()});
    editor.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&editor));
    ASSERT_TRUE(session.open(header(), chestTemplate(), QStringLiteral("ja")));
    QObject::connect(&session, &ReportSession::saved, [&] {
        printf("SAVED %s\n", session.document().section(QStringLiteral("lungs"))->text.toUtf8().constData());
        fflush(stdout);
    });
    auto* field = editor.textField(QStringLiteral("lungs"));
    field->setFocus();
    const QString words = QStringLiteral("右肺下葉に径8mmの充実性結節を認める角𠮷");
    for (int i = 0; i < 10000; ++i) {
        commit(field, {}, words.mid(i % words.size(), 1));
        QTest::qWait(i % 4 == 3 ? 450 : 20); // pauses long enough for the autosave now and then
    }
}

TEST_F(Fixture, AMeasurementFieldChoosesAmongTheMeasurementsInsertedIntoTheReport)
{
    auto* box = qobject_cast<QComboBox*>(editor->fieldWidget(QStringLiteral("lesion")));
    ASSERT_NE(box, nullptr) << "a measurement field is a choice of the report's measurements";
    EXPECT_EQ(box->count(), 1) << "nothing to choose before a measurement is inserted";
    lungs()->setFocus();
    ASSERT_TRUE(editor->insertMeasurement(0));
    ASSERT_TRUE(editor->insertMeasurement(1));
    ASSERT_EQ(box->count(), 3) << "the list follows the measurements inserted";
    EXPECT_TRUE(box->itemText(2).contains(QStringLiteral("-612 HU"))) << box->itemText(2).toStdString();
    box->setCurrentIndex(2);
    emit box->activated(2);
    const SectionContent* content = session->document().section(QStringLiteral("lungs"));
    ASSERT_NE(content, nullptr);
    const auto field = std::find_if(content->fields.begin(), content->fields.end(),
                                    [](const FieldValue& v) { return v.fieldId == QLatin1String("lesion"); });
    ASSERT_NE(field, content->fields.end());
    EXPECT_EQ(field->referenceIds, QStringList{QStringLiteral("M2")});
    // Saved and reopened, the choice stays.
    ASSERT_TRUE(session->saveNow());
    const QString reportId = session->document().reportId;
    session->close();
    ASSERT_TRUE(session->openStored(reportId));
    box = qobject_cast<QComboBox*>(editor->fieldWidget(QStringLiteral("lesion")));
    ASSERT_NE(box, nullptr);
    EXPECT_EQ(box->currentData().toString(), QStringLiteral("M2"));
}
