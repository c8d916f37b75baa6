// dokuei-bench-views: the product's reading views (ReadingWorkspace: QOpenGLWidget + VTK) driven by real Qt
// input events in one process under one display, with a 512 x 512 x 300 phantom chest CT (filled straight
// into a secure Volume, as the loader leaves it). The process is set up as the workstation's
// (ProcessHardening::keepLargeBlocksInHeap(), VTK's surface format, QApplication). Prints JSON lines:
//
//   wl_drag_response_median, wl_drag_response_p95  (ms; limit 100) a scripted right-button drag of 60 moves
//       in the stack view (1x1 layout, view 800 x 800): per move, the time from sending the QMouseEvent until
//       the view drew a new frame and the paint cycles it left pending ran (the window's composition and
//       swap, and the annotation overlay's repaint);
//   wl_drag_response_2x2_median, wl_drag_response_2x2_p95  (ms; limit 100) the same in the 2x2 layout (stack,
//       axial, coronal, sagittal MPR; the window fills the screen): the workspace links the window, a move
//       ends when all four views drew it;
//       extras of both: vtk_render_median (inside VTK's Render(), all views), event_to_render_median,
//       after_render_median (from the last Render() to the end), paintgl_after_render_median (the blit),
//       paint_cycles_median, cycle1_median / cycle2_median (each paint cycle of the window: UpdateRequest),
//       overlay_paint_median (the QPainter overlays), loadavg;
//   peak_rss_2d_mpr_ratio  ((peak RSS - baseline) / volume bytes; limit 1.5) baseline: the empty workspace
//       shown and drawn; then the volume made, shown in 1x1 and 2x2, every 2x2 view scrolled 20 slices, the
//       drags above;
//   peak_rss_with_vr_ratio  (same; limit 2.5) then the MPR + 3D layout, the 3D view turned by mouse drags
//       (interactive frames, then the still frame at release): the whole session's peak above the baseline;
//       extras: the CPU ray cast mapper's gradient and min/max tables (MB);
//   peak_rss_baseline, peak_rss_2d_mpr, peak_rss_with_vr, volume_bytes  (MB = 10^6 bytes) the absolute
//       numbers. Per-stage RSS and malloc figures go to stderr.
//
// Peak RSS is VmHWM from /proc/self/status after resetting it with "5" > /proc/self/clear_refs at the
// baseline (checked: VmHWM must drop to VmRSS); without that reset the peak is the largest VmRSS sampled at
// every frame and step (the line says which: "peak_source").
//
// Diagnostics (not the figures): --baseline-all-layouts shows every layout empty before the baseline (the
// views' GL contexts and framebuffers then count in it); --hide-overlays hides the views' annotation
// overlays;
// --default-malloc skips keepLargeBlocksInHeap().
// Needs an X display (scripts/bench runs it under xvfb-run when DISPLAY is unset).
#include "BenchSupport.h"
#include "dokuei/security/ProcessHardening.h"
#include "dokuei/security/WipeRegistry.h"
#include "dokuei/viewer/core/Volume.h"
#include "dokuei/viewer/ui/ReadingWorkspace.h"
#include "dokuei/viewer/ui/SurfaceFormat.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <malloc.h>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QGridLayout>
#include <QMouseEvent>
#include <QScreen>
#include <QTimer>

#include <vtkCallbackCommand.h>
#include <vtkCommand.h>
#include <vtkFixedPointVolumeRayCastMapper.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkImageData.h>
#include <vtkRenderer.h>
#include <vtkVolume.h>
#include <vtkVolumeCollection.h>

namespace {

using Clock = std::chrono::steady_clock;
using namespace dokuei;
using namespace dokuei::viewer;
namespace bench = dokuei::bench;

constexpr int kSize = 512;
constexpr int kSlices = 300;
constexpr int kDragMoves = 60;
constexpr int kScrollSteps = 20;
constexpr int kViewSize = 800; // the stack view in the 1x1 layout
constexpr int kFrameTimeoutMs = 60000;

/// A field of /proc/self/status in KiB (0 when absent).
long long statusKiB(const char* field)
{
    std::ifstream status("/proc/self/status");
    std::string line;
    const std::size_t n = std::strlen(field);
    while (std::getline(status, line)) {
        if (line.compare(0, n, field) == 0) {
            return std::atoll(line.c_str() + n);
        }
    }
    return 0;
}

/// Resets VmHWM to the current RSS; true when the kernel did it (VmHWM dropped to about VmRSS).
bool resetPeak()
{
    {
        std::ofstream clear("/proc/self/clear_refs");
        if (!clear) {
            return false;
        }
        clear << "5";
        clear.flush();
        if (!clear) {
            return false;
        }
    }
    const long long hwm = statusKiB("VmHWM:");
    const long long rss = statusKiB("VmRSS:");
    return hwm > 0 && hwm <= rss + 1024; // a page or two may come in between the two reads
}

/// The largest VmRSS seen at every frame and step (the peak when VmHWM cannot be reset).
long long g_sampledPeakKiB = 0;
void sampleRss()
{
    g_sampledPeakKiB = std::max(g_sampledPeakKiB, statusKiB("VmRSS:"));
}

/// Where the memory is at a stage: RSS, and what malloc holds (all arenas; mmapped blocks included) and has
/// handed out; the rest of RSS is mappings outside malloc (the secure volume's buffer, libraries, the GL
/// driver's own mappings, thread stacks).
struct Stage
{
    std::string name;
    long long rssKiB = 0;
    long long hwmKiB = 0;
    double mallocHeldMB = 0;
    double mallocUsedMB = 0;
};
std::vector<Stage> g_stages;
void stage(const char* name)
{
    const struct mallinfo2 mi = ::mallinfo2();
    Stage st;
    st.name = name;
    st.rssKiB = statusKiB("VmRSS:");
    st.hwmKiB = statusKiB("VmHWM:");
    st.mallocHeldMB = double(mi.arena + mi.hblkhd) / 1e6;
    st.mallocUsedMB = double(mi.uordblks + mi.hblkhd) / 1e6;
    g_stages.push_back(st);
    g_sampledPeakKiB = std::max(g_sampledPeakKiB, st.rssKiB);
    std::fprintf(stderr,
                 "[views] stage %-26s RSS %7.1f MB  VmHWM %7.1f MB  malloc held %7.1f MB, in use %7.1f MB\n",
                 name, double(st.rssKiB) * 1024 / 1e6, double(st.hwmKiB) * 1024 / 1e6, st.mallocHeldMB,
                 st.mallocUsedMB);
}

/// Time VTK spends in Render() of the watched windows (between StartEvent and EndEvent), summed, ms; when the
/// first Render() since the reset started and when the last one ended.
double g_renderMs = 0;
std::optional<Clock::time_point> g_firstRenderStart;
Clock::time_point g_lastRenderEnd;
/// The rest of the views' paintGL after VTK's Render() (the blit into Qt's framebuffer, the alpha clear),
/// summed: from each Render()'s end to that view's frameRendered().
double g_blitMs = 0;
void resetRenderTimes()
{
    g_renderMs = 0;
    g_blitMs = 0;
    g_firstRenderStart.reset();
}
void timeRenders(vtkRenderWindow* window)
{
    auto* start = new Clock::time_point{};
    vtkNew<vtkCallbackCommand> onStart;
    onStart->SetClientData(start);
    onStart->SetCallback([](vtkObject*, unsigned long, void* data, void*) {
        *static_cast<Clock::time_point*>(data) = Clock::now();
        if (!g_firstRenderStart) {
            g_firstRenderStart = *static_cast<Clock::time_point*>(data);
        }
    });
    onStart->SetClientDataDeleteCallback([](void* data) { delete static_cast<Clock::time_point*>(data); });
    vtkNew<vtkCallbackCommand> onEnd;
    onEnd->SetClientData(start);
    onEnd->SetCallback([](vtkObject*, unsigned long, void* data, void*) {
        g_lastRenderEnd = Clock::now();
        g_renderMs += std::chrono::duration<double, std::milli>(g_lastRenderEnd -
                                                                *static_cast<Clock::time_point*>(data))
                          .count();
    });
    window->AddObserver(vtkCommand::StartEvent, onStart);
    window->AddObserver(vtkCommand::EndEvent, onEnd);
}

/// The CPU ray cast mapper's tables derived from the voxels (bytes): gradient normals (2 B per voxel) and
/// magnitudes (1 B per voxel) when present, and the space-leaping min/max volume.
struct MapperTables : vtkFixedPointVolumeRayCastMapper
{
    static double minMaxBytes(vtkFixedPointVolumeRayCastMapper* m)
    {
        const int* size = m->*(&MapperTables::MinMaxVolumeSize);
        return (m->*(&MapperTables::MinMaxVolume)) ? 3.0 * 2.0 * double(size[0]) * size[1] * size[2] * size[3]
                                                   : 0.0;
    }
};

std::string loadAverage()
{
    std::ifstream in("/proc/loadavg");
    std::string a, b, c;
    in >> a >> b >> c;
    return a + " " + b + " " + c;
}

std::vector<int> frameCounts(const std::vector<VtkViewWidget*>& views)
{
    std::vector<int> counts;
    counts.reserve(views.size());
    for (const VtkViewWidget* v : views) {
        counts.push_back(v->framesRendered());
    }
    return counts;
}

/// Times the Qt side of each frame: the paint cycles of the top-level window (QEvent::UpdateRequest: the
/// widget paints, the views' paintGL, the backing store flush: composition and swap) and, inside them, the
/// repaints of the views' annotation overlays (transparent child widgets, painted with QPainter in the raster
/// backing store).
class CycleTimer : public QObject
{
public:
    explicit CycleTimer(QWidget* top) : m_top(top) { top->installEventFilter(this); }
    void watchOverlaysOf(QWidget* view)
    {
        for (QWidget* child : view->findChildren<QWidget*>(Qt::FindDirectChildrenOnly)) {
            if (child->testAttribute(Qt::WA_TransparentForMouseEvents)) {
                child->installEventFilter(this);
                m_overlays.push_back(child);
                if (hideOverlays) {
                    child->hide();
                }
            }
        }
    }
    void reset()
    {
        cycles = 0;
        cycleMs = {0, 0};
        overlayPaints = 0;
        overlayMs = 0;
    }
    bool hideOverlays = false;
    int cycles = 0;
    std::array<double, 2> cycleMs{}; // the first two paint cycles of a move
    int overlayPaints = 0;
    double overlayMs = 0;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (watched == m_top && event->type() == QEvent::UpdateRequest) {
            const auto t0 = Clock::now();
            watched->event(event); // the whole paint cycle, timed
            const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
            if (cycles < 2) {
                cycleMs[std::size_t(cycles)] = ms;
            }
            ++cycles;
            return true;
        }
        if (event->type() == QEvent::Paint &&
            std::find(m_overlays.begin(), m_overlays.end(), watched) != m_overlays.end()) {
            const auto t0 = Clock::now();
            watched->event(event); // the overlay's own paintEvent, timed
            overlayMs += std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
            ++overlayPaints;
            return true;
        }
        return false;
    }

private:
    QWidget* m_top;
    std::vector<QObject*> m_overlays;
};
CycleTimer* g_cycles = nullptr;

/// Runs the event loop until every view drew a frame after `since` AND the Qt paint cycle that drew the last
/// of them has finished (the quit is queued behind it: composition and swap included). False on timeout.
bool waitFrames(const std::vector<VtkViewWidget*>& views, const std::vector<int>& since,
                int timeoutMs = kFrameTimeoutMs)
{
    const auto drawn = [&] {
        for (std::size_t i = 0; i < views.size(); ++i) {
            if (views[i]->framesRendered() <= since[i]) {
                return false;
            }
        }
        return true;
    };
    QEventLoop loop;
    bool done = false;
    for (VtkViewWidget* v : views) {
        QObject::connect(v, &VtkViewWidget::frameRendered, &loop, [&] {
            g_blitMs += std::chrono::duration<double, std::milli>(Clock::now() - g_lastRenderEnd).count();
            sampleRss();
            if (!done && drawn()) {
                done = true;
                QMetaObject::invokeMethod(&loop, &QEventLoop::quit, Qt::QueuedConnection);
            }
        });
    }
    if (drawn()) {
        return true;
    }
    QTimer timeout;
    timeout.setSingleShot(true);
    QObject::connect(&timeout, &QTimer::timeout, &loop, &QEventLoop::quit);
    timeout.start(timeoutMs);
    loop.exec();
    return done;
}

/// Runs the event loop until the view stops drawing (no frame for `quietMs`); returns the time until the end
/// of its last frame, ms.
double waitIdle(VtkViewWidget* view, int quietMs = 400)
{
    const auto t0 = Clock::now();
    auto last = t0;
    while (waitFrames({view}, {view->framesRendered()}, quietMs)) {
        last = Clock::now();
    }
    return std::chrono::duration<double, std::milli>(last - t0).count();
}

/// Lets pending paints and events run for a moment (no frame expected).
void settle(int ms = 50)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
    sampleRss();
}

void sendMouse(QWidget* w, QEvent::Type type, QPointF p, Qt::MouseButton button, Qt::MouseButtons buttons)
{
    QMouseEvent event(type, p, w->mapToGlobal(p), button, buttons, Qt::NoModifier);
    QApplication::sendEvent(w, &event);
}

struct DragResult
{
    std::vector<double> settledMs; // until the events pending after the frame ran too (the overlay's repaint)
    std::vector<double> cycles;    // paint cycles of the window per move (until settled)
    std::vector<double> overlayMs; // overlay repaints per move (until settled)
    std::vector<double> cycle1Ms;  // the paint cycle that drew the views
    std::vector<double> cycle2Ms;  // the next one (0 when none)
    std::vector<double> ms;
    std::vector<double> renderMs; // of those, inside VTK's Render() (all views redrawn)
    std::vector<double> beforeMs; // from the event to the first Render()
    std::vector<double> afterMs;  // from the end of the last Render() to the end of the paint cycle
    std::vector<double> blitMs;   // paintGL after Render(), all views
    int timeouts = 0;
};

/// A right-button drag of kDragMoves moves in `view`; per move the response until all `watched` views drew.
DragResult windowLevelDrag(ImageView* view, const std::vector<VtkViewWidget*>& watched)
{
    DragResult result;
    const QPointF start = QRectF(view->rect()).center() - QPointF(90, 60);
    sendMouse(view, QEvent::MouseButtonPress, start, Qt::RightButton, Qt::RightButton);
    settle(20);
    for (int i = 1; i <= kDragMoves; ++i) {
        const QPointF p = start + QPointF(3.0 * i, 2.0 * i);
        const auto since = frameCounts(watched);
        resetRenderTimes();
        g_cycles->reset();
        const auto t0 = Clock::now();
        sendMouse(view, QEvent::MouseMove, p, Qt::NoButton, Qt::RightButton);
        if (!waitFrames(watched, since)) {
            ++result.timeouts;
            continue;
        }
        const auto t1 = Clock::now();
        result.ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
        result.renderMs.push_back(g_renderMs);
        result.blitMs.push_back(g_blitMs);
        if (g_firstRenderStart) {
            result.beforeMs.push_back(
                std::chrono::duration<double, std::milli>(*g_firstRenderStart - t0).count());
            result.afterMs.push_back(std::chrono::duration<double, std::milli>(t1 - g_lastRenderEnd).count());
        }
        QCoreApplication::processEvents(); // what the frame left pending (the annotation overlay's repaint)
        result.settledMs.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        result.cycles.push_back(g_cycles->cycles);
        result.overlayMs.push_back(g_cycles->overlayMs);
        result.cycle1Ms.push_back(g_cycles->cycleMs[0]);
        result.cycle2Ms.push_back(g_cycles->cycleMs[1]);
    }
    sendMouse(view, QEvent::MouseButtonRelease, start + QPointF(3.0 * kDragMoves, 2.0 * kDragMoves),
              Qt::RightButton, Qt::NoButton);
    settle(50);
    return result;
}

void printDrag(const char* name, const DragResult& drag, const char* layout, QSize viewSize, int views,
               const char* note)
{
    for (const auto& [suffix, q] : {std::pair{"median", 0.5}, std::pair{"p95", 0.95}}) {
        std::printf("{\"name\":\"%s_%s\",\"value\":%.3f,\"unit\":\"ms\",\"limit\":100,\"moves\":%zu,"
                    "\"timeouts\":%d,\"max\":%.3f,\"vtk_render_median\":%.3f,\"event_to_render_median\":%.3f,"
                    "\"after_render_median\":%.3f,\"paintgl_after_render_median\":%.3f,\"settled_median\":%."
                    "3f,\"settled_p95\":%.3f,"
                    "\"paint_cycles_median\":%.1f,\"cycle1_median\":%.3f,\"cycle2_median\":%.3f,\"overlay_"
                    "paint_median\":%.3f,\"layout\":\"%s\",\"view\":\"%dx%d\",\"views_redrawn\":%d,"
                    "\"matrix\":\"%dx%dx%d\",\"loadavg\":\"%s\"%s%s}\n",
                    name, suffix, bench::quantile(drag.ms, q), drag.ms.size(), drag.timeouts,
                    bench::quantile(drag.ms, 1.0), bench::quantile(drag.renderMs, 0.5),
                    bench::quantile(drag.beforeMs, 0.5), bench::quantile(drag.afterMs, 0.5),
                    bench::quantile(drag.blitMs, 0.5), bench::quantile(drag.settledMs, 0.5),
                    bench::quantile(drag.settledMs, 0.95), bench::quantile(drag.cycles, 0.5),
                    bench::quantile(drag.cycle1Ms, 0.5), bench::quantile(drag.cycle2Ms, 0.5),
                    bench::quantile(drag.overlayMs, 0.5), layout, viewSize.width(), viewSize.height(), views,
                    kSize, kSize, kSlices, loadAverage().c_str(),
                    g_cycles->hideOverlays ? ",\"overlays\":\"hidden (diagnostic run)\"" : "", note);
    }
    std::fflush(stdout);
}

double mb(long long kib)
{
    return double(kib) * 1024.0 / 1e6;
}

} // namespace

int main(int argc, char** argv)
{
    const auto begin = Clock::now();
    const auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - begin).count(); };
    // As the workstation does at start; --default-malloc (diagnostic) leaves glibc's thresholds alone, to see
    // what keeping large blocks in the heap adds to the peak (freed frame-sized blocks stay resident).
    bool defaultMalloc = false;
    for (int i = 1; i < argc; ++i) {
        defaultMalloc = defaultMalloc || std::strcmp(argv[i], "--default-malloc") == 0;
    }
    if (!defaultMalloc) {
        security::ProcessHardening::keepLargeBlocksInHeap();
    }
    installVtkSurfaceFormat();
    QApplication app(argc, argv);

    // --- the empty session: the baseline
    // --------------------------------------------------------------------
    security::WipeRegistry registry;
    auto workspace = std::make_unique<ReadingWorkspace>(registry);
    workspace->resize(1200, 960);
    workspace->show();
    ImageView* stack = workspace->stackView();
    for (VtkViewWidget* v :
         std::initializer_list<VtkViewWidget*>{stack, workspace->axialView(), workspace->coronalView(),
                                               workspace->sagittalView(), workspace->volumeView()}) {
        timeRenders(v->renderWindow());
    }
    CycleTimer cycles(workspace.get());
    g_cycles = &cycles;
    // --baseline-all-layouts: every layout shown (empty) before the baseline, so that the figures leave out
    // what the views cost without any volume (GL contexts, framebuffers, shaders).
    bool allLayoutsInBaseline = false;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--baseline-all-layouts") == 0) {
            allLayoutsInBaseline = true;
        } else if (std::strcmp(argv[i], "--hide-overlays") == 0) {
            cycles.hideOverlays = true; // diagnostic: what the annotation overlays cost per frame
        }
    }
    for (QWidget* v : std::initializer_list<QWidget*>{stack, workspace->axialView(), workspace->coronalView(),
                                                      workspace->sagittalView(), workspace->volumeView()}) {
        cycles.watchOverlaysOf(v);
    }
    if (!waitFrames({stack}, {0})) {
        std::fprintf(stderr, "[views] the empty workspace drew no frame\n");
        return 1;
    }
    if (allLayoutsInBaseline) {
        for (ReadingLayout layout :
             {ReadingLayout::TwoByTwo, ReadingLayout::MprAnd3D, ReadingLayout::Single}) {
            workspace->setReadingLayout(layout);
            settle(300);
        }
    }
    // The 1x1 layout leaves the stack view a quarter of the view area: ReadingWorkspace::setReadingLayout()
    // gives rows 0-1 and columns 0-1 stretch 1 in every layout, and the empty row 1 / column 1 take half of
    // each direction. For the figure asked (a stack view of about kViewSize square) the bench sets the unused
    // row and column to stretch 0 (the next setReadingLayout() puts them back) and says so in the JSON line.
    QWidget* viewArea = stack->parentWidget();
    auto* grid = qobject_cast<QGridLayout*>(viewArea->layout());
    const QSize quarterStack = stack->size();
    const bool quarterLayout = stack->width() * 3 < viewArea->width() * 2;
    if (quarterLayout && grid) {
        grid->setRowStretch(1, 0);
        grid->setColumnStretch(1, 0);
    }
    {
        // Size the window so that the view area (and with the fix above, the stack view) is kViewSize square.
        const QSize outer = workspace->size();
        const QSize inner = viewArea->size();
        QSize want(outer.width() - inner.width() + kViewSize, outer.height() - inner.height() + kViewSize);
        if (QScreen* screen = workspace->screen()) {
            want = want.boundedTo(screen->availableSize());
        }
        const int before = stack->framesRendered();
        workspace->resize(want);
        waitFrames({stack}, {before}, 5000);
        std::fprintf(
            stderr,
            "[views] workspace %dx%d, view area %dx%d, stack view %dx%d (1x1 as the product lays it out: "
            "%dx%d of %dx%d)\n",
            workspace->width(), workspace->height(), viewArea->width(), viewArea->height(), stack->width(),
            stack->height(), quarterStack.width(), quarterStack.height(), outer.width(), outer.height());
    }
    settle(200);
    stage("empty session (baseline)");
    const QString glRenderer = stack->glRenderer();
    const long long baselineKiB = statusKiB("VmRSS:");
    const bool hwmReset = resetPeak();
    g_sampledPeakKiB = baselineKiB;
    std::fprintf(stderr, "[views] %s; empty session RSS %.1f MB (VmHWM reset %s) after %.1f s\n",
                 glRenderer.toStdString().c_str(), mb(baselineKiB), hwmReset ? "works" : "does NOT work",
                 elapsed());
    const auto peakKiB = [&] { return hwmReset ? statusKiB("VmHWM:") : g_sampledPeakKiB; };

    // --- the volume --------------------------------------------------------------------------------------
    std::unique_ptr<Volume> volume =
        bench::makePhantomVolume(bench::chestSpec(kSize, kSlices), "views", &registry);
    if (!volume) {
        return 1;
    }
    const double volumeBytes = double(volume->bytes());
    stage("volume made");
    std::fprintf(stderr, "[views] volume %dx%dx%d (%.1f MB) made at %.1f s; RSS %.1f MB\n", kSize, kSize,
                 kSlices, volumeBytes / 1e6, elapsed(), mb(statusKiB("VmRSS:")));
    SeriesContext context;
    context.identity.patientName = QStringLiteral("BENCH^VIEWS");
    context.identity.patientId = QStringLiteral("BENCH-0001");
    context.identity.studyDescription = QStringLiteral("Phantom chest");
    context.identity.seriesDescription = QStringLiteral("512x512x300");
    context.seriesWindow = Window{40, 400};
    context.sliceThicknessMm = volume->geometry().sliceSpacing;

    // --- 1x1: the stack view, window/level drag
    // --------------------------------------------------------------
    {
        const int before = stack->framesRendered();
        workspace->showSeries(volume.get(), context, QStringLiteral("1.2.826.0.1.3680043.10.1"),
                              QStringLiteral("1.2.826.0.1.3680043.10.1.1"));
        waitFrames({stack}, {before});
    }
    settle(100);
    stage("1x1 shown");
    const QSize stackSize = stack->size();
    DragResult single = windowLevelDrag(stack, {stack});
    printDrag("wl_drag_response", single, "1x1", stackSize, 1,
              quarterLayout
                  ? ",\"note\":\"bench set the empty grid row/column of the 1x1 layout to stretch 0 "
                    "(the product leaves the stack view a quarter of the view area)\""
                  : "");
    std::fprintf(stderr, "[views] 1x1 drag: median %.1f ms, p95 %.1f ms (%zu moves) at %.1f s\n",
                 bench::quantile(single.ms, 0.5), bench::quantile(single.ms, 0.95), single.ms.size(),
                 elapsed());
    stage("1x1 W/L drag");

    // --- 2x2: stack + three MPR views; scroll each, then the linked window/level drag ---------------------
    const std::vector<ImageView*> twoByTwo{stack, workspace->axialView(), workspace->coronalView(),
                                           workspace->sagittalView()};
    std::vector<VtkViewWidget*> twoByTwoWidgets(twoByTwo.begin(), twoByTwo.end());
    {
        // The 2x2 and MPR + 3D layouts in the window a reader would use: the whole screen.
        const auto since = frameCounts(twoByTwoWidgets);
        if (QScreen* screen = workspace->screen()) {
            workspace->resize(screen->availableSize());
        }
        workspace->setReadingLayout(ReadingLayout::TwoByTwo);
        if (!waitFrames(twoByTwoWidgets, since)) {
            std::fprintf(stderr, "[views] the 2x2 layout did not draw every view\n");
        }
    }
    settle(100);
    stage("2x2 shown");
    std::vector<double> scrollMs;
    for (ImageView* view : twoByTwo) {
        for (int i = 0; i < kScrollSteps; ++i) {
            const int before = view->framesRendered();
            const auto t0 = Clock::now();
            view->step(i < kScrollSteps / 2 ? 1 : -2);
            if (waitFrames({view}, {before})) {
                scrollMs.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
            }
        }
    }
    settle(100);
    stage("2x2 scrolled");
    const long long peak2dKiB = std::max(peakKiB(), g_sampledPeakKiB);
    std::fprintf(stderr,
                 "[views] 2x2 scroll (%zu steps, 4 views): median %.1f ms; peak RSS %.1f MB at %.1f s\n",
                 scrollMs.size(), bench::quantile(scrollMs, 0.5), mb(peak2dKiB), elapsed());
    const QSize quadSize = stack->size();
    DragResult quad = windowLevelDrag(stack, twoByTwoWidgets);
    printDrag("wl_drag_response_2x2", quad, "2x2", quadSize, 4, "");
    std::fprintf(stderr, "[views] 2x2 drag: median %.1f ms, p95 %.1f ms (%zu moves) at %.1f s\n",
                 bench::quantile(quad.ms, 0.5), bench::quantile(quad.ms, 0.95), quad.ms.size(), elapsed());
    stage("2x2 W/L drag");
    const long long peak2dAfterDragKiB = std::max(peakKiB(), g_sampledPeakKiB);

    // --- MPR + 3D: volume rendering, the 3D view turned by the mouse -----------------------------------
    VolumeView* vr = workspace->volumeView();
    std::vector<double> interactiveMs;
    std::vector<double> stillMs;
    double firstVrMs = 0;
    {
        const int before = vr->framesRendered();
        const auto t0 = Clock::now();
        workspace->setReadingLayout(ReadingLayout::MprAnd3D);
        if (!waitFrames({vr}, {before})) {
            std::fprintf(stderr, "[views] the 3D view drew no frame\n");
        }
        // The first frames may come before the mapper the GL renderer suits is in place: until the view is
        // quiet.
        const auto firstDone = Clock::now();
        firstVrMs = std::chrono::duration<double, std::milli>(firstDone - t0).count() + waitIdle(vr, 1000);
    }
    settle(100);
    stage("MPR+3D first frames");
    double gradientMB = 0;
    double minMaxMB = 0;
    {
        vtkVolumeCollection* volumes = vr->scene().renderer()->GetVolumes();
        volumes->InitTraversal();
        if (vtkVolume* v = volumes->GetNextVolume()) {
            if (auto* cpu = vtkFixedPointVolumeRayCastMapper::SafeDownCast(v->GetMapper())) {
                const double voxels = double(kSize) * kSize * kSlices;
                gradientMB = ((cpu->GetGradientNormal() ? 2.0 * voxels : 0.0) +
                              (cpu->GetGradientMagnitude() ? 1.0 * voxels : 0.0)) /
                             1e6;
                minMaxMB = MapperTables::minMaxBytes(cpu) / 1e6;
            }
        }
        std::fprintf(
            stderr,
            "[views] CPU ray cast mapper tables: gradient normals+magnitudes %.1f MB, min/max %.1f MB\n",
            gradientMB, minMaxMB);
    }
    std::fprintf(stderr,
                 "[views] 3D view %dx%d (%s): first frame %.0f ms; RSS %.1f MB, peak %.1f MB at %.1f s\n",
                 vr->width(), vr->height(), vr->mapperName().toStdString().c_str(), firstVrMs,
                 mb(statusKiB("VmRSS:")), mb(std::max(peakKiB(), g_sampledPeakKiB)), elapsed());
    constexpr int kDrags = 2;
    constexpr int kRotateMoves = 8;
    for (int d = 0; d < kDrags; ++d) {
        const QPointF start = QRectF(vr->rect()).center() - QPointF(60, 0);
        int before = vr->framesRendered();
        sendMouse(vr, QEvent::MouseButtonPress, start, Qt::LeftButton, Qt::LeftButton);
        waitFrames({vr}, {before}, 5000); // the interactive quality is switched on: one frame
        QPointF p = start;
        for (int i = 1; i <= kRotateMoves; ++i) {
            p = start + QPointF(15.0 * i, d == 0 ? 0.0 : 6.0 * i);
            before = vr->framesRendered();
            const auto t0 = Clock::now();
            sendMouse(vr, QEvent::MouseMove, p, Qt::NoButton, Qt::LeftButton);
            if (waitFrames({vr}, {before})) {
                interactiveMs.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
            }
        }
        before = vr->framesRendered();
        const auto t0 = Clock::now();
        sendMouse(vr, QEvent::MouseButtonRelease, p, Qt::LeftButton, Qt::NoButton);
        if (waitFrames({vr}, {before})) {
            stillMs.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        }
        settle(50);
    }
    settle(100);
    stage("3D turned");
    const long long peakVrKiB = std::max(peakKiB(), g_sampledPeakKiB);
    std::fprintf(
        stderr,
        "[views] 3D turned: interactive frames median %.0f ms (%zu), still frames median %.0f ms (%zu); "
        "RSS %.1f MB, peak %.1f MB at %.1f s\n",
        bench::quantile(interactiveMs, 0.5), interactiveMs.size(), bench::quantile(stillMs, 0.5),
        stillMs.size(), mb(statusKiB("VmRSS:")), mb(peakVrKiB), elapsed());

    // --- the memory figures
    // ---------------------------------------------------------------------------------
    const char* source =
        hwmReset ? "VmHWM after clear_refs 5 at the baseline" : "max VmRSS sampled per frame";
    const auto ratio = [&](long long peak) { return (double(peak - baselineKiB) * 1024.0) / volumeBytes; };
    std::printf(
        "{\"name\":\"peak_rss_2d_mpr_ratio\",\"value\":%.3f,\"unit\":\"x volume\",\"limit\":1.5,"
        "\"peak_mb\":%.1f,\"baseline_mb\":%.1f,\"volume_mb\":%.1f,\"layout\":\"2x2\",\"scroll_steps\":%d,"
        "\"peak_after_wl_drag_mb\":%.1f,\"above_volume_mb\":%.1f,\"baseline_all_layouts\":%s,\"default_"
        "malloc\":%s,"
        "\"peak_source\":\"%s\"}\n",
        ratio(peak2dKiB), mb(peak2dKiB), mb(baselineKiB), volumeBytes / 1e6, kScrollSteps,
        mb(peak2dAfterDragKiB), mb(peak2dKiB - baselineKiB) - volumeBytes / 1e6,
        allLayoutsInBaseline ? "true" : "false", defaultMalloc ? "true" : "false", source);
    std::printf(
        "{\"name\":\"peak_rss_with_vr_ratio\",\"value\":%.3f,\"unit\":\"x volume\",\"limit\":2.5,"
        "\"peak_mb\":%.1f,\"baseline_mb\":%.1f,\"volume_mb\":%.1f,\"layout\":\"MPR+3D\",\"mapper\":\"%s\","
        "\"vr_view\":\"%dx%d\",\"interactive_frames\":%zu,\"still_frames\":%zu,\"first_frames_ms\":%.0f,"
        "\"interactive_median_ms\":%.0f,\"still_median_ms\":%.0f,\"gradient_tables_mb\":%.1f,"
        "\"minmax_table_mb\":%.1f,\"above_2d_peak_mb\":%.1f,\"baseline_all_layouts\":%s,"
        "\"default_malloc\":%s,\"peak_source\":\"%s\"}\n",
        ratio(peakVrKiB), mb(peakVrKiB), mb(baselineKiB), volumeBytes / 1e6,
        vr->mapperName().toStdString().c_str(), vr->width(), vr->height(), interactiveMs.size(),
        stillMs.size(), firstVrMs, bench::quantile(interactiveMs, 0.5), bench::quantile(stillMs, 0.5),
        gradientMB, minMaxMB, mb(peakVrKiB - peak2dAfterDragKiB), allLayoutsInBaseline ? "true" : "false",
        defaultMalloc ? "true" : "false", source);
    std::printf(
        "{\"name\":\"peak_rss_baseline\",\"value\":%.1f,\"unit\":\"MB\",\"note\":\"empty workspace shown "
        "and drawn\",\"gl_renderer\":\"%s\"}\n",
        mb(baselineKiB), glRenderer.toStdString().c_str());
    std::printf("{\"name\":\"peak_rss_2d_mpr\",\"value\":%.1f,\"unit\":\"MB\",\"above_baseline\":%.1f}\n",
                mb(peak2dKiB), mb(peak2dKiB - baselineKiB));
    std::printf("{\"name\":\"peak_rss_with_vr\",\"value\":%.1f,\"unit\":\"MB\",\"above_baseline\":%.1f}\n",
                mb(peakVrKiB), mb(peakVrKiB - baselineKiB));
    std::printf("{\"name\":\"volume_bytes\",\"value\":%.1f,\"unit\":\"MB\",\"matrix\":\"%dx%dx%d\"}\n",
                volumeBytes / 1e6, kSize, kSize, kSlices);
    std::fflush(stdout);

    registry.wipeAll(); // the views drop the volume first (the workspace is registered before it)
    workspace.reset();
    volume.reset();
    std::fprintf(stderr, "[views] done in %.1f s\n", elapsed());
    return 0;
}
