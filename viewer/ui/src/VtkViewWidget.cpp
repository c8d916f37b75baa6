#include "dokuei/viewer/ui/VtkViewWidget.h"

#include "dokuei/viewer/core/Vec3Math.h"

#include <functional>
#include <type_traits>

#include <QMouseEvent>
#include <QOpenGLContext>
#include <QOpenGLExtraFunctions>
#include <QOpenGLFunctions>
#include <QPainter>
#include <QWheelEvent>

#include <vtkCallbackCommand.h>
#include <vtkCamera.h>
#include <vtkCommand.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkGenericRenderWindowInteractor.h>
#include <vtkInteractorStyleTrackballCamera.h>
#include <vtkNew.h>
#include <vtkOpenGLFramebufferObject.h>
#include <vtkOpenGLState.h>
#include <vtkRenderer.h>

namespace dokuei::viewer {
namespace {

/// Adapts a lambda to a VTK observer without a global or a static.
template <typename Handler> void observe(vtkObject* subject, unsigned long event, Handler&& handler)
{
    using F = std::decay_t<Handler>;
    auto* heapHandler = new F(std::forward<Handler>(handler));
    vtkNew<vtkCallbackCommand> command;
    command->SetClientData(heapHandler);
    command->SetCallback([](vtkObject*, unsigned long, void* clientData, void* callData) {
        (*static_cast<F*>(clientData))(callData);
    });
    command->SetClientDataDeleteCallback([](void* clientData) { delete static_cast<F*>(clientData); });
    subject->AddObserver(event, command);
}

/// Draws its view's overlay; mouse events go through to the view.
class OverlayWidget : public QWidget
{
public:
    OverlayWidget(VtkViewWidget* view, std::function<void(QPainter&)> paint)
        : QWidget(view), m_paint(std::move(paint))
    {
        setAttribute(Qt::WA_TransparentForMouseEvents);
        setAttribute(Qt::WA_NoSystemBackground);
        setFocusPolicy(Qt::NoFocus);
    }

protected:
    void paintEvent(QPaintEvent*) override
    {

        QPainter painter(this);
        m_paint(painter);
    }

private:
    std::function<void(QPainter&)> m_paint;
};

} // namespace

VtkViewWidget::VtkViewWidget(QWidget* parent)
    : QOpenGLWidget(parent), m_window(vtkSmartPointer<vtkGenericOpenGLRenderWindow>::New()),
      m_interactor(vtkSmartPointer<vtkGenericRenderWindowInteractor>::New())
{
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(false);
    setMinimumSize(320, 240);

    // VTK may only draw once Qt has made a context: initializeGL flips this on.
    m_window->SetReadyForRendering(false);
    // VTK renders into its own framebuffer; paintGL blits the result into Qt's framebuffer itself.
    m_window->SetFrameBlitModeToNoBlit();
    m_window->SetMultiSamples(0);

    // VTK asks for the context many times while it renders. QOpenGLWidget::makeCurrent() also re-binds the
    // widget's framebuffer, which would silently redirect VTK's draws into Qt's framebuffer: only switch
    // when the context is not current already.
    observe(m_window, vtkCommand::WindowMakeCurrentEvent, [this](void*) {
        if (context() && QOpenGLContext::currentContext() != context()) {
            makeCurrent();
        }
    });
    observe(m_window, vtkCommand::WindowIsCurrentEvent, [this](void*) {
        m_window->SetIsCurrent(context() && QOpenGLContext::currentContext() == context());
    });
    observe(m_window, vtkCommand::WindowSupportsOpenGLEvent,
            [this](void*) { m_window->SetSupportsOpenGL(1); });
    observe(m_window, vtkCommand::WindowIsDirectEvent, [this](void*) { m_window->SetIsDirect(1); });

    m_interactor->SetRenderWindow(m_window);
    vtkNew<vtkInteractorStyleTrackballCamera> style;
    m_interactor->SetInteractorStyle(style);
    // All drawing happens in paintGL: the interactor only asks Qt for a repaint.
    m_interactor->EnableRenderOff();
    observe(m_interactor, vtkCommand::RenderEvent, [this](void*) { requestFrame(); });
    m_interactor->Initialize();

    m_overlay = new OverlayWidget(this, [this](QPainter& painter) { paintOverlay(painter); });
    m_overlay->setGeometry(rect());
}

VtkViewWidget::~VtkViewWidget()
{
    releaseGraphics();
    // QOpenGLWidget destroys the context after our members are gone: stop listening to it first.
    if (context()) {
        disconnect(context(), nullptr, this, nullptr);
    }
}

vtkGenericOpenGLRenderWindow* VtkViewWidget::renderWindow() const
{
    return m_window;
}

void VtkViewWidget::addRenderer(vtkRenderer* renderer)
{
    m_window->AddRenderer(renderer);
    requestFrame();
}

void VtkViewWidget::releaseGraphics()
{
    if (!context() || !m_window) {
        return;
    }
    makeCurrent();
    m_window->Finalize();
    m_window->SetReadyForRendering(false);
    doneCurrent();
}

ViewAxes cameraScreenAxes(vtkCamera* camera)
{
    double up[3];
    double dop[3];
    camera->GetViewUp(up);
    camera->GetDirectionOfProjection(dop);
    const Vec3 upVector{up[0], up[1], up[2]};
    return {normalised(cross({dop[0], dop[1], dop[2]}, upVector)), normalised(scale(upVector, -1.0))};
}

void VtkViewWidget::paintOverlay(QPainter&)
{}

void VtkViewWidget::requestFrame()
{
    update();
    if (m_overlay) {
        m_overlay->update();
    }
}

void VtkViewWidget::resizeEvent(QResizeEvent* event)
{
    QOpenGLWidget::resizeEvent(event);
    if (m_overlay) {
        m_overlay->setGeometry(rect());
    }
}

void VtkViewWidget::releaseSceneGraphics()
{
    if (context() && m_window) {
        makeCurrent();
        m_window->ReleaseGraphicsResources(m_window);
        // Qt's framebuffer of this widget still holds the last frame (on llvmpipe: in process memory), and a
        // hidden widget is not repainted: clear it here.
        auto* gl = context()->functions();
        gl->glBindFramebuffer(GL_FRAMEBUFFER, defaultFramebufferObject());
        gl->glClearColor(0.0F, 0.0F, 0.0F, 1.0F);
        gl->glClear(GL_COLOR_BUFFER_BIT);
        gl->glFinish();
        doneCurrent();
    }
    if (isVisible()) {
        repaint();
    }
    if (m_overlay && m_overlay->isVisible()) {
        m_overlay->repaint();
    }
}

void VtkViewWidget::initializeGL()
{
    // Release VTK's GL resources before Qt destroys this context (e.g. re-parenting, shutdown).
    connect(context(), &QOpenGLContext::aboutToBeDestroyed, this, &VtkViewWidget::releaseGraphics,
            Qt::UniqueConnection);

    auto* gl = context()->functions();
    m_glRenderer = QString::fromLatin1(reinterpret_cast<const char*>(gl->glGetString(GL_RENDERER)));
    m_glVersion = QString::fromLatin1(reinterpret_cast<const char*>(gl->glGetString(GL_VERSION)));

    const qreal ratio = devicePixelRatioF();
    m_window->SetSize(static_cast<int>(width() * ratio), static_cast<int>(height() * ratio));
    m_window->SetOwnContext(0);
    m_window->SetReadyForRendering(true);
    m_window->OpenGLInitContext();
    emit glInitialized(m_glRenderer, m_glVersion);
}

void VtkViewWidget::resizeGL(int width, int height)
{
    const qreal ratio = devicePixelRatioF();
    const int w = static_cast<int>(width * ratio);
    const int h = static_cast<int>(height * ratio);
    m_window->SetSize(w, h);
    m_interactor->UpdateSize(w, h);
}

void VtkViewWidget::paintGL()
{
    // Qt bound its framebuffer behind VTK's back: refresh VTK's state cache before VTK touches GL, so that
    // VTK binds its own framebuffers explicitly, and restore Qt's state afterwards.
    vtkOpenGLState* state = m_window->GetState();
    state->Reset();
    state->Push();
    m_window->Render(); // into VTK's own framebuffer

    // Copy VTK's image into the widget's framebuffer.
    const int* size = m_window->GetRenderFramebuffer()->GetLastSize();
    const qreal ratio = devicePixelRatioF();
    const int w = static_cast<int>(width() * ratio);
    const int h = static_cast<int>(height() * ratio);
    auto* gl = context()->extraFunctions();
    gl->glBindFramebuffer(GL_DRAW_FRAMEBUFFER, defaultFramebufferObject());
    const GLenum colour = GL_COLOR_ATTACHMENT0;
    gl->glDrawBuffers(1, &colour);
    state->vtkglDisable(GL_SCISSOR_TEST);
    m_window->BlitDisplayFramebuffer(0, 0, 0, size[0], size[1], 0, 0, w, h, GL_COLOR_BUFFER_BIT, GL_NEAREST);
    // VTK leaves alpha at 0 where nothing was drawn, and Qt composes the widget using alpha: make it opaque.
    gl->glColorMask(GL_FALSE, GL_FALSE, GL_FALSE, GL_TRUE);
    gl->glClearColor(0.0F, 0.0F, 0.0F, 1.0F);
    gl->glViewport(0, 0, w, h);
    gl->glClear(GL_COLOR_BUFFER_BIT);
    gl->glColorMask(GL_TRUE, GL_TRUE, GL_TRUE, GL_TRUE);
    state->Pop();

    // The overlay is a transparent child widget that Qt composes over this one (QPainter inside paintGL
    // drew nothing visible here after VTK's rendering under Mesa). Qt repaints it in the same cycle as this
    // widget only when both were asked for before it (requestFrame()): a QOpenGLWidget's update() does not
    // repaint its raster children, and asking for the overlay from here cost a second paint cycle per frame.

    ++m_framesRendered;
    emit frameRendered();
}

void VtkViewWidget::forwardMouse(QMouseEvent* event, unsigned long vtkEvent)
{
    if (!m_trackball) {
        return;
    }
    const qreal ratio = devicePixelRatioF();
    const QPointF position = event->position();
    m_interactor->SetEventInformationFlipY(
        static_cast<int>(position.x() * ratio), static_cast<int>(position.y() * ratio),
        (event->modifiers() & Qt::ControlModifier) ? 1 : 0, (event->modifiers() & Qt::ShiftModifier) ? 1 : 0);
    m_interactor->InvokeEvent(vtkEvent, event);
}

void VtkViewWidget::mousePressEvent(QMouseEvent* event)
{
    unsigned long vtkEvent = vtkCommand::LeftButtonPressEvent;
    if (event->button() == Qt::RightButton) {
        vtkEvent = vtkCommand::RightButtonPressEvent;
    } else if (event->button() == Qt::MiddleButton) {
        vtkEvent = vtkCommand::MiddleButtonPressEvent;
    }
    if (m_buttonsDown++ == 0) {
        emit interactionChanged(true);
    }
    forwardMouse(event, vtkEvent);
}

void VtkViewWidget::mouseReleaseEvent(QMouseEvent* event)
{
    unsigned long vtkEvent = vtkCommand::LeftButtonReleaseEvent;
    if (event->button() == Qt::RightButton) {
        vtkEvent = vtkCommand::RightButtonReleaseEvent;
    } else if (event->button() == Qt::MiddleButton) {
        vtkEvent = vtkCommand::MiddleButtonReleaseEvent;
    }
    forwardMouse(event, vtkEvent);
    if (m_buttonsDown > 0 && --m_buttonsDown == 0) {
        emit interactionChanged(false);
        requestFrame();
    }
}

void VtkViewWidget::mouseMoveEvent(QMouseEvent* event)
{
    forwardMouse(event, vtkCommand::MouseMoveEvent);
}

void VtkViewWidget::wheelEvent(QWheelEvent* event)
{
    if (!m_trackball) {
        event->ignore();
        return;
    }
    const qreal ratio = devicePixelRatioF();
    m_interactor->SetEventInformationFlipY(static_cast<int>(event->position().x() * ratio),
                                           static_cast<int>(event->position().y() * ratio));
    if (event->angleDelta().y() > 0) {
        m_interactor->InvokeEvent(vtkCommand::MouseWheelForwardEvent, event);
    } else if (event->angleDelta().y() < 0) {
        m_interactor->InvokeEvent(vtkCommand::MouseWheelBackwardEvent, event);
    }
    event->accept();
}

} // namespace dokuei::viewer
