// The report editor while the images are read (Step 5): the product's ReportEditor beside the product's
// ReadingWorkspace showing a 512x512x300 phantom, in one window, the report session autosaving into a real
// SQLCipher user vault. Prints JSON lines:
//   report_keystroke_to_paint_p95  (ms) a key (Latin key events and Japanese input-method commits, one
//                                  character each) to the text field's repaint, typing from 4,000 to 5,000
//                                  characters in a section of the shipped chest template; goal limit_ms 16.
//                                  Peer: a bare QTextEdit with the same text in the same window ("ratio" is
//                                  for reading only, the goal is absolute); extras: the same bare QTextEdit
//                                  in a window of its own (no OpenGL widgets), the window composition's part.
//   report_keystroke_to_paint_median  the same, median.
//   report_autosave_gui_thread_p95  (ms) one save of that 5,000-character draft into the vault, on the GUI
//                                  thread (ReportSession::saveNow after an edit); goal limit_ms 20.
//
//   dokuei-bench-editor [--keys N] [--without-views]
// (needs X: scripts/bench runs it under xvfb-run when DISPLAY is unset). --without-views (diagnostic) hides
// the reading views, to see what the window's OpenGL composition adds to a key.
#include "BenchSupport.h"
#include "dokuei/reporting/DraftStore.h"
#include "dokuei/reporting/ReportSession.h"
#include "dokuei/reporting/TemplateLibrary.h"
#include "dokuei/reporting/ui/ReportEditor.h"
#include "dokuei/security/SecretKey.h"
#include "dokuei/security/Vault.h"
#include "dokuei/security/WipeRegistry.h"
#include "dokuei/viewer/core/SeriesContext.h"
#include "dokuei/viewer/ui/ReadingWorkspace.h"
#include "dokuei/viewer/ui/VtkViewWidget.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <QApplication>
#include <QElapsedTimer>
#include <QHBoxLayout>
#include <QInputMethodEvent>
#include <QKeyEvent>
#include <QTemporaryDir>
#include <QTest>
#include <QTextEdit>

using namespace dokuei;

namespace {

using Clock = std::chrono::steady_clock;

/// Sees the paint of a widget.
class PaintWatch : public QObject
{
public:
    explicit PaintWatch(QWidget* widget) { widget->installEventFilter(this); }
    bool painted = false;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (event->type() == QEvent::Paint) {
            painted = true;
        }
        return QObject::eventFilter(watched, event);
    }
};

/// A report's text of `characters` characters: findings one per line, as radiologists write them (a text
/// without line breaks is one paragraph that the text layout redoes at every key).
QString filler(int characters)
{
    const QString sentences[] = {
        QStringLiteral("右肺上葉S2に8 mm大の充実性結節を認める。前回と比べ増大なし。"),
        QStringLiteral("縦隔リンパ節の腫大なし。胸水なし。"),
        QStringLiteral("No pleural effusion. Heart size is normal."),
        QStringLiteral("両肺に小葉中心性の気腫性変化を認める。")};
    QString text;
    for (int i = 0; text.size() < characters; ++i) {
        text += sentences[i % 4] + QLatin1Char('\n');
    }
    text.truncate(characters);
    return text;
}

/// One character into `field` (Latin as a key event, Japanese as an input-method commit, alternately) and
/// the time until the field's viewport painted it (ms).
double typeOne(QTextEdit* field, PaintWatch& watch, int i)
{
    watch.painted = false;
    const auto t0 = Clock::now();
    if (i % 2 == 0) {
        const QChar c = QLatin1Char(char('a' + i % 26));
        QKeyEvent press(QEvent::KeyPress, Qt::Key_A + i % 26, Qt::NoModifier, QString(c));
        QApplication::sendEvent(field, &press);
        QKeyEvent release(QEvent::KeyRelease, Qt::Key_A + i % 26, Qt::NoModifier, QString(c));
        QApplication::sendEvent(field, &release);
    } else {
        QInputMethodEvent commit;
        commit.setCommitString(QStringLiteral("影"));
        QApplication::sendEvent(field, &commit);
    }
    QElapsedTimer guard;
    guard.start();
    while (!watch.painted && guard.elapsed() < 2000) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 1);
    }
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

std::vector<double> typeMany(QTextEdit* field, int keys)
{
    PaintWatch watch(field->viewport());
    field->setFocus();
    field->moveCursor(QTextCursor::End);
    std::vector<double> times;
    for (int i = 0; i < 20; ++i) { // warm-up (glyph caches)
        typeOne(field, watch, i);
    }
    for (int i = 0; i < keys; ++i) {
        times.push_back(typeOne(field, watch, i));
    }
    return times;
}

} // namespace

int main(int argc, char** argv)
{
    int keys = 980;
    bool withoutViews = false;
    for (int i = 1; i < argc; ++i) {
        withoutViews = withoutViews || std::strcmp(argv[i], "--without-views") == 0;
        if (std::strcmp(argv[i], "--keys") == 0 && i + 1 < argc) {
            keys = std::max(10, std::atoi(argv[++i]));
        }
    }
    QApplication app(argc, argv);
    security::WipeRegistry registry;

    QTemporaryDir dir;
    auto vault =
        security::Vault::open(dir.filePath(QStringLiteral("user.db")), security::SecretKey::random());
    if (!vault) {
        std::fprintf(stderr, "[editor] vault: %s\n", qPrintable(vault.error().toString()));
        return 1;
    }
    reporting::DraftStore store(**vault);
    const auto library = reporting::TemplateLibrary::load({reporting::shippedTemplateDirectory()});
    const reporting::ReportTemplate* tmpl = library.find(QStringLiteral("ct-chest"));
    if (!tmpl) {
        std::fprintf(stderr, "[editor] the shipped chest template did not load\n");
        return 1;
    }

    auto volume = bench::makePhantomVolume(bench::chestSpec(512, 300), "editor", &registry);
    if (!volume) {
        return 1;
    }
    QWidget window;
    auto* layout = new QHBoxLayout(&window);
    auto* workspace = new viewer::ReadingWorkspace(registry, &window);
    reporting::ReportSession session(registry);
    session.setStore(&store);
    session.setAuthor(
        {QStringLiteral("dr.bench"), QStringLiteral("BENCH^DOCTOR"), {}, QStringLiteral("radiologist")},
        security::Role::Radiologist);
    reporting::ReportHeader header;
    header.patientId = QStringLiteral("BENCH-0001");
    header.patientNameIdeographic = QStringLiteral("検証^太郎");
    header.studyUid = QStringLiteral("1.2.826.0.1.3680043.10.1");
    header.studyDescription = QStringLiteral("CT 胸部");
    header.modality = QStringLiteral("CT");
    if (auto opened = session.open(header, *tmpl, QStringLiteral("ja")); !opened) {
        std::fprintf(stderr, "[editor] report: %s\n", qPrintable(opened.error().toString()));
        return 1;
    }
    auto* editor = new reporting::ReportEditor(session, registry, &window);
    editor->setTemplates(library.templates());
    auto* peer = new QTextEdit(&window);
    layout->addWidget(workspace, 3);
    layout->addWidget(editor, 2);
    layout->addWidget(peer, 1);
    window.resize(1800, 1000);
    if (withoutViews) {
        workspace->hide();
    }
    window.show();
    if (!QTest::qWaitForWindowExposed(&window)) {
        std::fprintf(stderr, "[editor] the window was not shown\n");
        return 1;
    }
    viewer::SeriesContext context;
    context.identity.patientName = QStringLiteral("BENCH^EDITOR");
    context.seriesWindow = viewer::Window{-600, 1500};
    context.sliceThicknessMm = volume->geometry().sliceSpacing;
    workspace->showSeries(volume.get(), context, header.studyUid,
                          QStringLiteral("1.2.826.0.1.3680043.10.1.1"));
    window.activateWindow();
    (void)QTest::qWaitForWindowActive(&window);
    QTest::qWait(300);

    const int start = 5000 - keys - 20; // the warm-up types 20 more
    reporting::ReportTextEdit* field = editor->textField(QStringLiteral("lungs"));
    field->setContent(filler(start), {});
    session.update(
        [&](reporting::ReportDocument& d) { d.section(QStringLiteral("lungs"))->text = filler(start); });
    peer->setPlainText(filler(start));
    QTest::qWait(100);

    const std::vector<double> product = typeMany(field, keys);
    const std::vector<double> bare = typeMany(peer, keys);
    // The same bare QTextEdit in a window of its own, without OpenGL views: what the window's composition of
    // its OpenGL widgets (every repaint of that window goes through it) adds to each key.
    QTextEdit alone;
    alone.resize(600, 900);
    alone.setPlainText(filler(start));
    alone.show();
    (void)QTest::qWaitForWindowExposed(&alone);
    alone.activateWindow();
    (void)QTest::qWaitForWindowActive(&alone);
    const std::vector<double> ownWindow = typeMany(&alone, keys);
    const int characters = int(field->toPlainText().size());
    const double p95 = bench::quantile(product, 0.95);
    const double peerP95 = bench::quantile(bare, 0.95);
    bench::printPeerLine(
        "report_keystroke_to_paint_p95", p95, "bare QTextEdit, same window", peerP95,
        bench::format("\"limit_ms\":16,\"keys\":%d,\"characters_at_end\":%d,\"volume\":\"512x512x300\","
                      "\"max_ms\":%.3f,\"bare_own_window_p95_ms\":%.3f,\"bare_own_window_median_ms\":%.3f",
                      keys, characters, bench::quantile(product, 1.0), bench::quantile(ownWindow, 0.95),
                      bench::quantile(ownWindow, 0.5)));
    bench::printPeerLine("report_keystroke_to_paint_median", bench::quantile(product, 0.5),
                         "bare QTextEdit, same window", bench::quantile(bare, 0.5),
                         bench::format("\"keys\":%d", keys));

    // Autosave of that draft on the GUI thread: one edit, one save, measured by the session itself.
    std::vector<double> saves;
    for (int i = 0; i < 30; ++i) {
        session.update([&](reporting::ReportDocument& d) {
            d.section(QStringLiteral("lungs"))->text += QStringLiteral("。");
        });
        if (auto saved = session.saveNow(); !saved) {
            std::fprintf(stderr, "[editor] save: %s\n", qPrintable(saved.error().toString()));
            return 1;
        }
        saves.push_back(double(session.lastSaveMicroseconds()) / 1000.0);
    }
    std::printf(
        "{\"name\":\"report_autosave_gui_thread_p95\",\"value\":%.3f,\"unit\":\"ms\",\"limit_ms\":20,"
        "\"median_ms\":%.3f,\"max_ms\":%.3f,\"saves\":%d,\"characters\":%d,\"store\":\"SQLCipher user "
        "vault\"}\n",
        bench::quantile(saves, 0.95), bench::quantile(saves, 0.5), bench::quantile(saves, 1.0),
        int(saves.size()), int(session.document().section(QStringLiteral("lungs"))->text.size()));
    std::fflush(stdout);
    return 0;
}
