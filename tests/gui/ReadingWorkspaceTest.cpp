// The reading workspace under Xvfb with a phantom chest assembled by the product's VolumeAssembler: every
// layout, tool and preset driven by real input events (QTest), checked on the views' screenshots against the
// phantom's ground truth (grey = DICOM VOI of the true HU, within a tolerance), the measurement list, and the
// wipe (every view black, list, thumbnails and measurements gone).
#include "dokuei/viewer/ui/ReadingWorkspace.h"

#include "ReadingTestSupport.h"
#include "dokuei/security/WipeRegistry.h"
#include "dokuei/viewer/core/Volume.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QListWidget>
#include <QPushButton>
#include <QTest>
#include <QToolBar>
#include <QWheelEvent>

#include <cmath>
#include <cstdio>

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
    static const phantom::TruthObject& truth(const char* name) { return truthObject(*s_phantom->model, name); }

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

    static void drag(QWidget* w, Qt::MouseButton button, QPointF from, QPointF to, Qt::KeyboardModifiers mods = {},
                     int steps = 8)
    {
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
        QWheelEvent event(centre, w->mapToGlobal(centre), QPoint(), QPoint(0, 120 * notches), Qt::NoButton, mods,
                          Qt::NoScrollPhase, false);
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
    } layouts[] = {{ReadingLayout::Single, 1}, {ReadingLayout::OneByTwo, 2}, {ReadingLayout::TwoByTwo, 4},
                   {ReadingLayout::MprAnd3D, 4}};
    for (const auto& entry : layouts) {
        click(m_workspace->layoutAction(entry.layout));
        ASSERT_EQ(m_workspace->readingLayout(), entry.layout);
        const QList<QWidget*> views = m_workspace->visibleViews();
        ASSERT_EQ(views.size(), entry.views);
        for (QWidget* w : {static_cast<QWidget*>(m_workspace->stackView()), static_cast<QWidget*>(m_workspace->axialView()),
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
                        qPrintable(view->objectName()), grey, expectedGrey(insert.hu, view->window()));
            EXPECT_NEAR(grey, expectedGrey(insert.hu, view->window()), 3.0) << view->objectName().toStdString();
            image.save(QStringLiteral("/tmp/dokuei-gui-%1-%2.png").arg(int(entry.layout)).arg(view->objectName()));
        }
    }
    shot(m_workspace.get()).save(QStringLiteral("/tmp/dokuei-gui-workspace.png"));
}
