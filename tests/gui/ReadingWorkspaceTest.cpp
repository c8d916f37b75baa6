// The reading workspace under Xvfb with a phantom chest assembled by the product's VolumeAssembler: every
// layout, tool and preset driven by real input events (QTest), checked on the views' screenshots against the
// phantom's ground truth (grey = DICOM VOI of the true HU, within a tolerance), the measurement list, and the
// wipe (every view black, list, thumbnails and measurements gone).
#include "dokuei/viewer/ui/ReadingWorkspace.h"

#include "ReadingTestSupport.h"
#include "dokuei/security/WipeRegistry.h"
#include "dokuei/viewer/core/Volume.h"

#include <cmath>
#include <cstdio>

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QListWidget>
#include <QPushButton>
#include <QScreen>
#include <QTest>
#include <QToolBar>
#include <QWheelEvent>

#include <gtest/gtest.h>

using namespace dokuei;
using namespace dokuei::viewer;
using namespace dokuei::viewer::test;

namespace {

/// A chest phantom on a 1 mm isotropic grid, shared by the suite (generated once).
class ReadingWorkspaceTest : public ::testing::Test
{
public:
    static void SetUpTestSuite()
    {
        phantom::PhantomSpec spec = fineChestSpec(160, 96, 1.0);
        s_phantom = loadPhantom(spec).release();
    }
    static void TearDownTestSuite()
    {
        delete s_phantom;
        s_phantom = nullptr;
    }

protected:
    void SetUp() override
    {
        if (!s_phantom) {
            GTEST_SKIP() << "phantom generation failed";
        }
        m_workspace = std::make_unique<ReadingWorkspace>(m_registry);
        m_workspace->resize(1200, 900);
        m_workspace->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(m_workspace.get()));
        SeriesContext context;
        const auto infos = s_phantom->assembler->sliceInfos();
        ASSERT_FALSE(infos.empty());
        context.identity = identityOf(infos[infos.size() / 2]);
        context.seriesWindow = Window{40, 400};
        context.sliceThicknessMm = infos.front().sliceThickness;
        m_workspace->showSeries(&volume(), context, QStringLiteral("1.2.3"), QStringLiteral("1.2.3.4"));
        QApplication::processEvents();
    }
    void TearDown() override
    {
        if (m_workspace) {
            m_registry.wipeAll();
            m_workspace.reset();
        }
    }

    static const Volume& volume() { return s_phantom->volume(); }
    static const phantom::TruthObject& truth(const char* name)
    {
        return truthObject(*s_phantom->model, name);
    }

    /// Clicks the tool bar button of an action (a real mouse click).
    void click(QAction* action)
    {
        ASSERT_NE(action, nullptr);
        QWidget* button = m_workspace->toolBar()->widgetForAction(action);
        ASSERT_NE(button, nullptr) << action->objectName().toStdString();
        QTest::mouseClick(button, Qt::LeftButton);
        QApplication::processEvents();
    }

    static QImage shot(QWidget* view) { return view->grab().toImage().convertToFormat(QImage::Format_RGB32); }

    /// Mean grey of a 3x3 neighbourhood of a widget position in a screenshot.
    static double greyAt(const QImage& image, QPointF p)
    {
        double sum = 0;
        int n = 0;
        const double ratio = image.devicePixelRatio();
        for (int dy = -1; dy <= 1; ++dy) {
            for (int dx = -1; dx <= 1; ++dx) {
                const int x = int(std::lround(p.x() * ratio)) + dx;
                const int y = int(std::lround(p.y() * ratio)) + dy;
                if (x >= 0 && y >= 0 && x < image.width() && y < image.height()) {
                    sum += qGray(image.pixel(x, y));
                    ++n;
                }
            }
        }
        return n ? sum / n : -1;
    }

    static int brightPixels(const QImage& image)
    {
        int bright = 0;
        for (int y = 0; y < image.height(); y += 3) {
            for (int x = 0; x < image.width(); x += 3) {
                bright += qGray(image.pixel(x, y)) > 40 ? 1 : 0;
            }
        }
        return bright;
    }

    static void drag(QWidget* w, Qt::MouseButton button, QPointF from, QPointF to,
                     Qt::KeyboardModifiers mods = {}, int steps = 8)
    {
        // Whole pixels, as a real mouse gives (QTest presses at integer positions).
        from = QPointF(from.toPoint());
        to = QPointF(to.toPoint());
        QTest::mousePress(w, button, mods, from.toPoint());
        for (int i = 1; i <= steps; ++i) {
            const QPointF p = from + (to - from) * (double(i) / steps);
            QMouseEvent move(QEvent::MouseMove, p, w->mapToGlobal(p), Qt::NoButton, button, mods);
            QApplication::sendEvent(w, &move);
        }
        QTest::mouseRelease(w, button, mods, to.toPoint());
        QApplication::processEvents();
    }

    static void wheel(QWidget* w, int notches, Qt::KeyboardModifiers mods = {})
    {
        const QPointF centre = QRectF(w->rect()).center();
        QWheelEvent event(centre, w->mapToGlobal(centre), QPoint(), QPoint(0, 120 * notches), Qt::NoButton,
                          mods, Qt::NoScrollPhase, false);
        QApplication::sendEvent(w, &event);
    }

    static PhantomVolume* s_phantom;
    security::WipeRegistry m_registry;
    std::unique_ptr<ReadingWorkspace> m_workspace;
};
PhantomVolume* ReadingWorkspaceTest::s_phantom = nullptr;

/// The grey the view must show for a HU under a window (within the tolerance of interpolation and 8 bits).
double expectedGrey(int hu, Window window)
{
    return greyForHu(hu, window);
}

} // namespace

TEST_F(ReadingWorkspaceTest, EveryLayoutShowsItsViewsWithTheTrueGreyOfAnInsert)
{
    const phantom::TruthObject& insert = truth("cylinder-insert"); // 200 HU, along z, noise free
    const struct
    {
        ReadingLayout layout;
        int views;
    } layouts[] = {{ReadingLayout::Single, 1},
                   {ReadingLayout::OneByTwo, 2},
                   {ReadingLayout::TwoByTwo, 4},
                   {ReadingLayout::MprAnd3D, 4}};
    for (const auto& entry : layouts) {
        click(m_workspace->layoutAction(entry.layout));
        ASSERT_EQ(m_workspace->readingLayout(), entry.layout);
        const QList<QWidget*> views = m_workspace->visibleViews();
        ASSERT_EQ(views.size(), entry.views);
        // The views share the area between them: each gets about 1/n of it.
        QApplication::processEvents();
        const QWidget* area = views.front()->parentWidget();
        for (QWidget* w : views) {
            const double share = double(w->width() * w->height()) / (area->width() * area->height());
            EXPECT_NEAR(share, 1.0 / entry.views, 0.1 / entry.views) << w->objectName().toStdString();
        }
        for (QWidget* w : {static_cast<QWidget*>(m_workspace->stackView()),
                           static_cast<QWidget*>(m_workspace->axialView()),
                           static_cast<QWidget*>(m_workspace->coronalView()),
                           static_cast<QWidget*>(m_workspace->sagittalView()),
                           static_cast<QWidget*>(m_workspace->volumeView())}) {
            EXPECT_EQ(w->isVisible(), views.contains(w)) << w->objectName().toStdString();
        }
        for (QWidget* w : views) {
            auto* view = qobject_cast<ImageView*>(w);
            if (!view) {
                EXPECT_GT(brightPixels(shot(w)), 200) << "the 3D view draws the volume";
                continue;
            }
            view->setCrosshair(insert.centre);
            const auto at = view->patientToDisplay(insert.centre);
            ASSERT_TRUE(at);
            const QImage image = shot(view);
            const double grey = greyAt(image, *at);
            std::printf("[gui] layout %d %s: grey %.1f at the insert, expected %.1f\n", int(entry.layout),
                        qPrintable(view->objectName()), grey, expectedGrey(insert.hu, view->voiWindow()));
            EXPECT_NEAR(grey, expectedGrey(insert.hu, view->voiWindow()), 3.0)
                << view->objectName().toStdString();
            image.save(
                QStringLiteral("/tmp/dokuei-gui-%1-%2.png").arg(int(entry.layout)).arg(view->objectName()));
        }
    }
    shot(m_workspace.get()).save(QStringLiteral("/tmp/dokuei-gui-workspace.png"));
}

TEST_F(ReadingWorkspaceTest, PresetsInvertZoomPanFitInterpolationAndResetFromTheKeyboardAndMouse)
{
    ImageView* view = m_workspace->stackView();
    const phantom::TruthObject& insert = truth("cylinder-insert");
    view->setCrosshair(insert.centre);
    view->setFocus();
    const auto greyAtInsert = [&] { return greyAt(shot(view), *view->patientToDisplay(insert.centre)); };
    for (const WindowPreset& preset : fixedWindowPresets()) {
        QTest::keyClick(view, Qt::Key(Qt::Key_0 + preset.numberKey));
        EXPECT_EQ(view->voiWindow(), preset.window) << preset.key;
        EXPECT_NEAR(greyAtInsert(), greyForHu(insert.hu, preset.window), 3.0) << preset.key;
    }
    QTest::keyClick(view, Qt::Key_9);
    EXPECT_EQ(view->voiWindow(), (Window{40, 400})) << "the series' own window";
    EXPECT_EQ(m_workspace->coronalView()->voiWindow(), (Window{40, 400})) << "the 2D views share the window";
    QTest::keyClick(view, Qt::Key_I);
    EXPECT_TRUE(view->inverted());
    EXPECT_NEAR(greyAtInsert(), 255 - greyForHu(insert.hu, Window{40, 400}), 3.0);
    QTest::keyClick(view, Qt::Key_I);

    // Right-button drag: window/level, right widens, down raises the level.
    const QPointF centre = QRectF(view->rect()).center();
    drag(view, Qt::RightButton, centre, centre + QPointF(100, 50));
    EXPECT_GT(view->voiWindow().width, 400);
    EXPECT_GT(view->voiWindow().centre, 40);
    QTest::keyClick(view, Qt::Key_9);

    // Zoom by Ctrl+wheel; the insert stays where the geometry says.
    const double fitted = view->zoom();
    wheel(view, 3, Qt::ControlModifier);
    EXPECT_NEAR(view->zoom(), fitted * std::pow(1.1, 3), 1e-6);
    EXPECT_NEAR(greyAtInsert(), greyForHu(insert.hu, view->voiWindow()), 3.0);
    // Pan by middle-button drag: the image follows the mouse.
    const QPointF before = *view->patientToDisplay(insert.centre);
    drag(view, Qt::MiddleButton, centre, centre + QPointF(40, -30));
    const QPointF after = *view->patientToDisplay(insert.centre);
    EXPECT_NEAR(after.x() - before.x(), 40, 0.5);
    EXPECT_NEAR(after.y() - before.y(), -30, 0.5);
    EXPECT_NEAR(greyAtInsert(), greyForHu(insert.hu, view->voiWindow()), 3.0);
    // 1:1, fit, interpolation, reset.
    QTest::keyClick(view, Qt::Key_O);
    EXPECT_NEAR(view->zoom(), 1.0, 1e-6);
    QTest::keyClick(view, Qt::Key_F);
    EXPECT_NEAR(view->zoom(), fitted, 1e-6);
    QTest::keyClick(view, Qt::Key_N);
    EXPECT_EQ(view->interpolation(), SliceInterpolation::Linear);
    QTest::keyClick(view, Qt::Key_4);
    QTest::keyClick(view, Qt::Key_0);
    EXPECT_EQ(view->interpolation(), SliceInterpolation::Nearest);
    EXPECT_EQ(view->voiWindow(), (Window{40, 400}));
    EXPECT_NEAR(view->zoom(), fitted, 1e-6);
    // The scale bar is drawn and reads a round length.
    EXPECT_GT(view->scaleBarMm(), 0.0);
}

TEST_F(ReadingWorkspaceTest, ScrollByWheelKeysDragAndCine)
{
    ImageView* view = m_workspace->stackView();
    view->setFocus();
    const int count = view->sliceCount();
    ASSERT_EQ(count, volume().slices());
    view->setSliceIndex(40);
    const QImage at40 = shot(view);
    wheel(view, 3);
    EXPECT_EQ(view->sliceIndex(), 43);
    EXPECT_NE(shot(view), at40) << "another slice is drawn";
    wheel(view, -3);
    EXPECT_EQ(view->sliceIndex(), 40);
    // What is on the screen (the X server's pixels, not a re-render): the annotation "Image n / N" in the
    // bottom-left corner follows the slice in the same frame.
    const auto screenCorner = [&] {
        QTest::qWait(100);
        const QPoint topLeft = view->mapTo(m_workspace.get(), QPoint(0, view->height() - 60));
        return QGuiApplication::primaryScreen()
            ->grabWindow(m_workspace->winId(), topLeft.x(), topLeft.y(), 160, 60)
            .toImage();
    };
    const QImage cornerAt40 = screenCorner();
    QTest::keyClick(view, Qt::Key_Up);
    EXPECT_EQ(view->sliceIndex(), 41);
    EXPECT_NE(screenCorner(), cornerAt40) << "the overlay is repainted with the image";
    QTest::keyClick(view, Qt::Key_Down);
    QTest::keyClick(view, Qt::Key_PageUp);
    EXPECT_EQ(view->sliceIndex(), 50);
    QTest::keyClick(view, Qt::Key_PageDown);
    EXPECT_EQ(view->sliceIndex(), 40);
    QTest::keyClick(view, Qt::Key_End);
    EXPECT_EQ(view->sliceIndex(), count - 1);
    QTest::keyClick(view, Qt::Key_Home);
    EXPECT_EQ(view->sliceIndex(), 0);
    click(m_workspace->toolAction(ReadingTool::Scroll));
    const QPointF centre = QRectF(view->rect()).center();
    drag(view, Qt::LeftButton, centre, centre + QPointF(0, 50));
    EXPECT_EQ(view->sliceIndex(), 10) << "5 px per slice";
    EXPECT_TRUE(view->corners().bottomLeft.value(0).contains(QStringLiteral("11 / %1").arg(count)));
    // Cine: C starts, the slices advance at the rate, C stops.
    view->setCineRate(30);
    QTest::keyClick(view, Qt::Key_C);
    EXPECT_TRUE(view->cineRunning());
    QTest::qWait(400);
    QTest::keyClick(view, Qt::Key_C);
    EXPECT_FALSE(view->cineRunning());
    EXPECT_GE(view->sliceIndex(), 14) << "about 12 frames in 400 ms at 30 fps";
}

TEST_F(ReadingWorkspaceTest, MeasurementToolsThroughTheMouseAgainstTruth)
{
    ImageView* view = m_workspace->stackView();
    const phantom::TruthObject& sphere = truth("sphere-lesion");
    const phantom::TruthObject& insert = truth("cylinder-insert");
    const phantom::TruthObject& clip = truth("metal-clip");
    view->setCrosshair(sphere.centre);
    view->setZoom(4.0); // 0.25 mm per screen pixel: the mouse places points to within 0.2 mm
    view->pan(QRectF(view->rect()).center() - *view->patientToDisplay(sphere.centre));
    const ViewAxes axes = view->axes();
    const auto along = [&](const Vec3& c, double right, double down) {
        return *view->patientToDisplay({c[0] + right * axes.right[0] + down * axes.down[0],
                                        c[1] + right * axes.right[1] + down * axes.down[1],
                                        c[2] + right * axes.right[2] + down * axes.down[2]});
    };
    MeasurementSet& set = m_workspace->measurements();

    click(m_workspace->toolAction(ReadingTool::Length));
    drag(view, Qt::LeftButton, along(sphere.centre, -sphere.radius, 0),
         along(sphere.centre, sphere.radius, 0));
    ASSERT_EQ(set.all().size(), 1u);
    std::printf("[gui] length tool across sphere-lesion: %.3f mm, truth %.3f mm\n", set.all()[0].lengthMm,
                2 * sphere.radius);
    EXPECT_NEAR(set.all()[0].lengthMm, 2 * sphere.radius, 0.5);

    click(m_workspace->toolAction(ReadingTool::Angle));
    drag(view, Qt::LeftButton, along(sphere.centre, 20, 0), along(sphere.centre, 0, 0));
    QTest::mouseClick(view, Qt::LeftButton, {}, along(sphere.centre, 0, -20).toPoint());
    ASSERT_EQ(set.all().size(), 2u);
    ASSERT_TRUE(set.all()[1].angleDegrees);
    EXPECT_NEAR(*set.all()[1].angleDegrees, 90.0, 1.0);

    view->setCrosshair(insert.centre);
    view->setZoom(16.0); // the insert is about 5 mm across on this grid
    view->pan(QRectF(view->rect()).center() - *view->patientToDisplay(insert.centre));
    const double semi = insert.radius - 1.0;
    click(m_workspace->toolAction(ReadingTool::Ellipse));
    drag(view, Qt::LeftButton, along(insert.centre, -semi, -semi), along(insert.centre, semi, semi));
    ASSERT_EQ(set.all().size(), 3u);
    ASSERT_TRUE(set.all()[2].roi);
    EXPECT_NEAR(set.all()[2].roi->meanHu, insert.hu, 1.0);
    EXPECT_EQ(set.all()[2].roi->minHu, insert.hu);

    click(m_workspace->toolAction(ReadingTool::Freehand));
    {
        // A square around the insert's centre, started in the middle of its top side (away from the ellipse's
        // corner handles, which a press would grab).
        const double h = semi * 0.9;
        const QPointF corners[] = {along(insert.centre, 0, -h),  along(insert.centre, h, -h),
                                   along(insert.centre, h, h),   along(insert.centre, -h, h),
                                   along(insert.centre, -h, -h), along(insert.centre, 0, -h)};
        QTest::mousePress(view, Qt::LeftButton, {}, corners[0].toPoint());
        for (int side = 0; side < 5; ++side) {
            for (int i = 1; i <= 10; ++i) {
                const QPointF p = corners[side] + (corners[side + 1] - corners[side]) * (i / 10.0);
                QMouseEvent move(QEvent::MouseMove, p, view->mapToGlobal(p), Qt::NoButton, Qt::LeftButton,
                                 {});
                QApplication::sendEvent(view, &move);
            }
        }
        QTest::mouseRelease(view, Qt::LeftButton, {}, corners[0].toPoint());
        ASSERT_EQ(set.all().size(), 4u);
        ASSERT_TRUE(set.all()[3].roi);
        EXPECT_NEAR(set.all()[3].roi->meanHu, insert.hu, 1.0);
        EXPECT_EQ(set.all()[3].roi->minHu, insert.hu);
        EXPECT_DOUBLE_EQ(set.all()[3].roi->areaMm2, double(set.all()[3].roi->pixelCount) *
                                                        volume().geometry().rowSpacing *
                                                        volume().geometry().columnSpacing);
    }

    view->setCrosshair(clip.centre);
    click(m_workspace->toolAction(ReadingTool::Probe));
    QTest::mouseClick(view, Qt::LeftButton, {}, view->patientToDisplay(clip.centre)->toPoint());
    ASSERT_EQ(set.all().size(), 5u);
    ASSERT_TRUE(set.all()[4].probe);
    EXPECT_EQ(set.all()[4].probe->hu, clip.hu);

    // The list shows them; selecting one in the list selects it; renaming, deleting by button and by key.
    QListWidget* list = m_workspace->measurementList();
    ASSERT_EQ(list->count(), 5);
    EXPECT_TRUE(list->item(4)->text().contains(QStringLiteral("%1 HU").arg(clip.hu)));
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualItemRect(list->item(0)).center());
    EXPECT_EQ(set.selected(), set.all()[0].id);
    list->item(0)->setText(QStringLiteral("S6 結節: whatever"));
    EXPECT_EQ(set.all()[0].label, QStringLiteral("S6 結節"));
    EXPECT_TRUE(list->item(0)->text().startsWith(QStringLiteral("S6 結節: ")));
    QTest::mouseClick(m_workspace->findChild<QPushButton*>(QStringLiteral("DeleteMeasurement")),
                      Qt::LeftButton);
    EXPECT_EQ(set.all().size(), 4u);
    EXPECT_EQ(list->count(), 4);
    set.select(set.all()[0].id);
    view->setFocus();
    QTest::keyClick(view, Qt::Key_Delete);
    EXPECT_EQ(set.all().size(), 3u);
}

TEST_F(ReadingWorkspaceTest, EditingAMeasurementHandleRecomputesIt)
{
    ImageView* view = m_workspace->stackView();
    const phantom::TruthObject& sphere = truth("sphere-lesion");
    view->setCrosshair(sphere.centre);
    view->setZoom(3.0);
    view->pan(QRectF(view->rect()).center() - *view->patientToDisplay(sphere.centre));
    click(m_workspace->toolAction(ReadingTool::Length));
    const QPointF a = *view->patientToDisplay(sphere.centre);
    drag(view, Qt::LeftButton, a, a + QPointF(60, 0));
    ASSERT_EQ(m_workspace->measurements().all().size(), 1u);
    const double first = m_workspace->measurements().all()[0].lengthMm;
    EXPECT_NEAR(first, 60 * view->mmPerPixel(), 0.3);
    // Drag the end handle 30 px further: the same measurement, longer.
    drag(view, Qt::LeftButton, a + QPointF(60, 0), a + QPointF(90, 0));
    ASSERT_EQ(m_workspace->measurements().all().size(), 1u);
    EXPECT_NEAR(m_workspace->measurements().all()[0].lengthMm, 90 * view->mmPerPixel(), 0.3);
}

TEST_F(ReadingWorkspaceTest, MprCrosshairNavigatesObliqueRotatesAndSlabMipShowsTheInsertMaximum)
{
    click(m_workspace->layoutAction(ReadingLayout::TwoByTwo));
    ImageView* axial = m_workspace->axialView();
    ImageView* coronal = m_workspace->coronalView();
    ImageView* sagittal = m_workspace->sagittalView();
    // Labels of a head-first supine chest, radiological convention.
    EXPECT_EQ(m_workspace->stackView()->sideLabels(), (SideLabels{QStringLiteral("R"), QStringLiteral("L"),
                                                                  QStringLiteral("A"), QStringLiteral("P")}));
    EXPECT_EQ(axial->sideLabels(), (SideLabels{QStringLiteral("R"), QStringLiteral("L"), QStringLiteral("A"),
                                               QStringLiteral("P")}));
    EXPECT_EQ(coronal->sideLabels(), (SideLabels{QStringLiteral("R"), QStringLiteral("L"),
                                                 QStringLiteral("H"), QStringLiteral("F")}));
    EXPECT_EQ(sagittal->sideLabels(), (SideLabels{QStringLiteral("A"), QStringLiteral("P"),
                                                  QStringLiteral("H"), QStringLiteral("F")}));

    // Crosshair: a click on the sphere in the axial view takes the other planes through it.
    const phantom::TruthObject& sphere = truth("sphere-lesion");
    axial->setCrosshair(sphere.centre);
    click(m_workspace->toolAction(ReadingTool::Crosshair));
    QTest::mouseClick(axial, Qt::LeftButton, {}, axial->patientToDisplay(sphere.centre)->toPoint());
    for (ImageView* view : {coronal, sagittal, m_workspace->stackView()}) {
        const Vec3 c = view->crosshair();
        EXPECT_NEAR(c[0], sphere.centre[0], 1.0) << view->objectName().toStdString();
        EXPECT_NEAR(c[1], sphere.centre[1], 1.0) << view->objectName().toStdString();
        EXPECT_NEAR(c[2], sphere.centre[2], 1.0) << view->objectName().toStdString();
    }
    // The coronal plane now cuts the sphere: bright at its centre (grey of 100 HU under 40/400).
    EXPECT_NEAR(greyAt(shot(coronal), *coronal->patientToDisplay(sphere.centre)),
                greyForHu(sphere.hu, coronal->voiWindow()), 3.0);
    // The reference lines: the sagittal plane's line (red) runs vertically through the crosshair in the axial
    // view.
    {
        const QImage image = shot(axial);
        const QPointF c = *axial->patientToDisplay(axial->crosshair());
        const QRgb line = image.pixel(int(std::lround(c.x())), int(std::lround(c.y())) - 40);
        EXPECT_GT(qRed(line), qGreen(line) + 60) << "a red reference line above the crosshair";
    }

    // Oblique: dragging 60 px with the Oblique tool in the axial view turns the coronal and sagittal planes
    // by 30 degrees about the axial normal; their labels turn into two letters.
    click(m_workspace->toolAction(ReadingTool::Rotate));
    const QPointF centre = QRectF(axial->rect()).center();
    drag(axial, Qt::LeftButton, centre, centre + QPointF(60, 0));
    const Vec3 right = coronal->axes().right;
    EXPECT_NEAR(std::abs(right[0]), std::cos(30.0 * M_PI / 180.0), 1e-6);
    EXPECT_NEAR(std::abs(right[1]), 0.5, 1e-6);
    EXPECT_EQ(coronal->sideLabels().right.size(), 2) << coronal->sideLabels().right.toStdString();
    EXPECT_TRUE(coronal->sideLabels().right.startsWith(QLatin1Char('L')));
    EXPECT_TRUE(sagittal->sideLabels().left.startsWith(QLatin1Char('A')));
    // The sphere stays round and centred in the oblique plane.
    EXPECT_NEAR(greyAt(shot(coronal), *coronal->patientToDisplay(sphere.centre)),
                greyForHu(sphere.hu, coronal->voiWindow()), 3.0);
    click(m_workspace->toolAction(ReadingTool::WindowLevel));
    coronal->setFocus();
    QTest::keyClick(coronal, Qt::Key_0);
    EXPECT_NEAR(coronal->axes().right[0], 1.0, 1e-9) << "reset restores the standard plane";

    // Slab: a coronal plane 4 mm in front of the metal clip misses it; a 12 mm MIP slab shows its maximum.
    const phantom::TruthObject& clip = truth("metal-clip");
    ASSERT_LT(clip.radius, 3.5);
    const Vec3 beside{clip.centre[0], clip.centre[1] - 4.0, clip.centre[2]};
    for (ImageView* view : {axial, coronal, sagittal}) {
        view->setCrosshair(beside);
    }
    const Window bone{400, 1800};
    coronal->setWindow(bone);
    const double thin = greyAt(shot(coronal), *coronal->patientToDisplay(beside));
    EXPECT_LT(thin, greyForHu(400, bone)) << "the thin plane misses the clip";
    QComboBox* mode = m_workspace->slabModeBox();
    mode->setFocus();
    QTest::keyClick(mode, Qt::Key_Down); // Thin -> MIP
    ASSERT_EQ(SlabMode(mode->currentData().toInt()), SlabMode::Max);
    QDoubleSpinBox* thickness = m_workspace->slabThicknessBox();
    thickness->setFocus();
    thickness->selectAll();
    QTest::keyClicks(thickness, QStringLiteral("12"));
    QTest::keyClick(thickness, Qt::Key_Enter);
    EXPECT_EQ(coronal->slabMode(), SlabMode::Max);
    EXPECT_DOUBLE_EQ(coronal->slabThickness(), 12.0);
    EXPECT_TRUE(
        coronal->corners().bottomLeft.join(QLatin1Char(' ')).contains(QStringLiteral("MIP slab 12.0 mm")));
    EXPECT_NEAR(greyAt(shot(coronal), *coronal->patientToDisplay(beside)), greyForHu(clip.hu, bone), 3.0)
        << "the slab MIP shows the clip's maximum";
    QTest::keyClick(mode, Qt::Key_Down); // MinIP
    EXPECT_EQ(coronal->slabMode(), SlabMode::Min);
}

TEST_F(ReadingWorkspaceTest, VolumeViewPresetsCropAndRotation)
{
    click(m_workspace->layoutAction(ReadingLayout::MprAnd3D));
    VolumeView* view = m_workspace->volumeView();
    ASSERT_TRUE(view->hasVolume());
    EXPECT_EQ(view->sideLabels(), (SideLabels{QStringLiteral("R"), QStringLiteral("L"), QStringLiteral("H"),
                                              QStringLiteral("F")}))
        << "anterior view: the patient's left on screen right, head up";
    QComboBox* presets = m_workspace->volumePresetBox();
    std::vector<QImage> images;
    for (int i = 0; i < presets->count(); ++i) {
        presets->setCurrentIndex(i);
        images.push_back(shot(view));
        EXPECT_GT(brightPixels(images.back()), 100) << presets->itemText(i).toStdString();
    }
    for (std::size_t i = 0; i < images.size(); ++i) {
        for (std::size_t j = i + 1; j < images.size(); ++j) {
            EXPECT_NE(images[i], images[j]) << "presets " << i << " and " << j << " differ";
        }
    }
    // MIP: the orientation marker (patient left, head half) is bright on the screen's right half.
    presets->setCurrentIndex(presets->findData(int(VolumePreset::Mip)));
    const QImage mip = shot(view);
    const auto brightIn = [](const QImage& image, int x0, int x1) {
        int n = 0;
        for (int y = 0; y < image.height() / 2; ++y) {
            for (int x = x0; x < x1; ++x) {
                n += qGray(image.pixel(x, y)) > 200 ? 1 : 0;
            }
        }
        return n;
    };
    // Crop away the patient's left half: the marker goes.
    view->setCropFractions({0, 0.5, 0, 1, 0, 1});
    const QImage cropped = shot(view);
    EXPECT_LT(brightIn(cropped, cropped.width() / 2, cropped.width()),
              brightIn(mip, mip.width() / 2, mip.width()) / 4);
    view->setCropFractions({0, 1, 0, 1, 0, 1});
    EXPECT_EQ(shot(view), mip);
    // Left-drag rotates the camera (VTK's trackball): the labels follow.
    const QPointF centre = QRectF(view->rect()).center();
    drag(view, Qt::LeftButton, centre, centre + QPointF(150, 0), {}, 15);
    EXPECT_NE(view->sideLabels().left, QStringLiteral("R"));
    EXPECT_NE(shot(view), mip);
    view->setFocus();
    QTest::keyClick(view, Qt::Key_0);
    EXPECT_EQ(view->sideLabels().left, QStringLiteral("R"));
    // Presets on the 3D view's keys 1-5; the tool bar's box follows.
    QTest::keyClick(view, Qt::Key_3);
    EXPECT_EQ(view->preset(), VolumePreset::Lung);
    EXPECT_EQ(VolumePreset(presets->currentData().toInt()), VolumePreset::Lung);
}

TEST_F(ReadingWorkspaceTest, OverlaysNameThePatientAsWrittenAndWarnOfLossyImages)
{
    ImageView* view = m_workspace->stackView();
    const CornerTexts corners = view->corners();
    ASSERT_FALSE(corners.topLeft.isEmpty());
    EXPECT_TRUE(corners.topLeft[0].contains(QStringLiteral("山田"))) << corners.topLeft[0].toStdString();
    EXPECT_FALSE(view->lossyWarningShown());
    SeriesContext context;
    context.identity = identityOf(s_phantom->assembler->sliceInfos().front());
    context.identity.lossy = true;
    m_workspace->showSeries(&volume(), context, QStringLiteral("1.2.3"), QStringLiteral("1.2.3.4"));
    EXPECT_TRUE(view->lossyWarningShown());
    const QImage image = shot(view);
    int red = 0;
    for (int y = 0; y < 40; ++y) {
        for (int x = image.width() / 4; x < image.width() * 3 / 4; ++x) {
            const QRgb p = image.pixel(x, y);
            red += (qRed(p) > 200 && qGreen(p) < 120) ? 1 : 0;
        }
    }
    EXPECT_GT(red, 20) << "the red warning is drawn at the top";
}

TEST_F(ReadingWorkspaceTest, WipeBlanksEveryViewTheThumbnailsAndTheMeasurements)
{
    click(m_workspace->layoutAction(ReadingLayout::TwoByTwo));
    click(m_workspace->toolAction(ReadingTool::Probe));
    ImageView* stack = m_workspace->stackView();
    QTest::mouseClick(stack, Qt::LeftButton, {}, stack->rect().center());
    ASSERT_EQ(m_workspace->measurements().all().size(), 1u);
    ASSERT_FALSE(m_workspace->thumbnail(QStringLiteral("1.2.3.4")).isNull());
    EXPECT_EQ(m_workspace->seriesList()->count(), 1);
    for (QWidget* w : m_workspace->visibleViews()) {
        EXPECT_GT(brightPixels(shot(w)), 100);
    }
    const security::WipeReport report = m_registry.wipeAll();
    EXPECT_TRUE(report.names.contains(QStringLiteral("reading views")));
    for (QWidget* w : m_workspace->visibleViews()) {
        EXPECT_EQ(brightPixels(shot(w)), 0) << w->objectName().toStdString() << " is black after the wipe";
    }
    EXPECT_FALSE(stack->hasVolume());
    EXPECT_TRUE(stack->corners().topLeft.isEmpty());
    EXPECT_TRUE(m_workspace->measurements().all().empty());
    EXPECT_EQ(m_workspace->measurementList()->count(), 0);
    EXPECT_EQ(m_workspace->seriesList()->count(), 0);
    EXPECT_TRUE(m_workspace->thumbnail(QStringLiteral("1.2.3.4")).isNull());
}

TEST_F(ReadingWorkspaceTest, AnotherStudyShowsNoneOfThePreviousStudysMeasurementsOrThumbnails)
{
    SeriesContext context;
    context.identity = identityOf(s_phantom->assembler->sliceInfos().front());
    Measurement probe;
    probe.kind = MeasurementKind::Probe;
    probe.plane = {m_workspace->stackView()->axes(), m_workspace->stackView()->planePoint()};
    probe.points = {m_workspace->stackView()->planePoint()};
    m_workspace->measurements().add(probe);
    // A second series of the same study keeps the study's measurements and lists both series.
    m_workspace->showSeries(&volume(), context, QStringLiteral("1.2.3"), QStringLiteral("1.2.3.5"));
    EXPECT_EQ(m_workspace->measurements().all().size(), 1u);
    EXPECT_EQ(m_workspace->seriesList()->count(), 2);
    // A series of another study: nothing of the previous study stays on screen.
    m_workspace->showSeries(&volume(), context, QStringLiteral("1.2.9"), QStringLiteral("1.2.9.1"));
    EXPECT_TRUE(m_workspace->measurements().all().empty());
    EXPECT_EQ(m_workspace->measurementList()->count(), 0);
    ASSERT_EQ(m_workspace->seriesList()->count(), 1);
    EXPECT_EQ(m_workspace->seriesList()->item(0)->data(Qt::UserRole).toString(), QStringLiteral("1.2.9"));
    EXPECT_TRUE(m_workspace->thumbnail(QStringLiteral("1.2.3.4")).isNull());
    EXPECT_FALSE(m_workspace->thumbnail(QStringLiteral("1.2.9.1")).isNull());
}
