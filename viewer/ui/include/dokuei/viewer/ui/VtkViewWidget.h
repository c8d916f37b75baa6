#pragma once

#include "dokuei/viewer/core/OrientationLabels.h"

#include <QOpenGLWidget>
#include <QString>

class QPainter;

#include <vtkSmartPointer.h>

class vtkCamera;
class vtkGenericOpenGLRenderWindow;
class vtkGenericRenderWindowInteractor;
class vtkRenderer;

namespace dokuei::viewer {

/// The world directions (unit vectors) towards screen right and screen down of a camera: right = direction of
/// projection x view up, down = -view up. For the scenes whose world is patient LPS this is what a view
/// shows.
ViewAxes cameraScreenAxes(vtkCamera* camera);

/// A QOpenGLWidget that hosts a VTK render window in Qt's OpenGL context: VTK renders into its own
/// framebuffer during paintGL and the result is blitted into the widget's framebuffer. Mouse and wheel
/// events drive a trackball-camera interactor; every render request goes through Qt's update().
/// Requires installVtkSurfaceFormat() before QApplication.
class VtkViewWidget : public QOpenGLWidget
{
    Q_OBJECT

public:
    explicit VtkViewWidget(QWidget* parent = nullptr);
    ~VtkViewWidget() override;

    vtkGenericOpenGLRenderWindow* renderWindow() const;
    void addRenderer(vtkRenderer* renderer);

    /// GL_RENDERER / GL_VERSION of the context, known after the first initializeGL (empty before).
    QString glRenderer() const { return m_glRenderer; }
    QString glVersion() const { return m_glVersion; }
    /// How many frames VTK has drawn into this widget.
    int framesRendered() const { return m_framesRendered; }

    /// Asks for a new frame and a repaint of the overlay, in the same paint cycle. Use this instead of
    /// update(): a QOpenGLWidget's update() does not repaint its child widgets.
    void requestFrame();

    /// For the wipe: releases the graphics resources of every prop in the window (textures, buffers, VTK's
    /// framebuffers; on Mesa llvmpipe these live in process memory and are freed through the zeroing free())
    /// and repaints now, so that neither VTK's framebuffer nor the widget's holds the last image. The scenes
    /// must have dropped their data first (their clear()).
    void releaseSceneGraphics();

signals:
    /// Emitted once the OpenGL context exists and the renderer string is known.
    void glInitialized(const QString& renderer, const QString& version);
    void frameRendered();
    /// The user started (true) or finished (false) dragging in the view.
    void interactionChanged(bool interacting);

protected:
    void initializeGL() override;
    void resizeGL(int width, int height) override;
    void paintGL() override;
    void resizeEvent(QResizeEvent* event) override;
    /// Drawn with QPainter over VTK's image after every frame, in a transparent child widget (annotations,
    /// measurements). Default: nothing.
    virtual void paintOverlay(QPainter& painter);
    /// Whether mouse and wheel events drive VTK's trackball camera (default true). Views with their own
    /// tools turn it off and handle the events themselves.
    void setTrackballInteraction(bool enabled) { m_trackball = enabled; }

    void mousePressEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;

private:
    void releaseGraphics();
    void forwardMouse(QMouseEvent* event, unsigned long vtkEvent);

    vtkSmartPointer<vtkGenericOpenGLRenderWindow> m_window;
    vtkSmartPointer<vtkGenericRenderWindowInteractor> m_interactor;
    QString m_glRenderer;
    QString m_glVersion;
    int m_framesRendered = 0;
    int m_buttonsDown = 0;
    bool m_trackball = true;
    QWidget* m_overlay = nullptr;
};

} // namespace dokuei::viewer
