#pragma once

#include "dokuei/viewer/core/MeasurementSet.h"
#include "dokuei/viewer/core/OrientationLabels.h"
#include "dokuei/viewer/core/OverlayText.h"
#include "dokuei/viewer/core/SeriesContext.h"
#include "dokuei/viewer/core/WindowLevel.h"
#include "dokuei/viewer/render/PlaneScene.h"
#include "dokuei/viewer/render/SliceScene.h"
#include "dokuei/viewer/ui/VtkViewWidget.h"

#include <memory>
#include <optional>
#include <vector>

#include <QPointF>
#include <QTimer>

namespace dokuei::viewer {

class Volume;

/// What a 2D view shows: the acquired images as stored (Stack) or a multiplanar reformat.
enum class ImageViewKind
{
    Stack,
    Axial,
    Coronal,
    Sagittal,
};

/// What the left mouse button does in a 2D view (right button: window/level, middle: pan, wheel: slices,
/// Ctrl+wheel: zoom, always).
enum class ReadingTool
{
    WindowLevel,
    Scroll,
    Zoom,
    Pan,
    Crosshair, ///< click/drag moves the linked crosshair (MPR navigation)
    Rotate,    ///< drag turns the other MPR planes about this view's normal (oblique MPR)
    Length,
    Angle,
    Ellipse,
    Freehand,
    Probe,
};

/// A reference line drawn in an MPR view: where another view's plane cuts this one.
struct ReferencePlane
{
    Vec3 normal{};
    QColor colour;
};

/// A 2D reading view: the stored stack (SliceScene) or an axial / coronal / sagittal / oblique MPR plane
/// with thick slab MIP / MinIP / average (PlaneScene), in our Qt-VTK bridge.
///
/// Input: wheel, arrows, PageUp/PageDown (10), Home/End and Scroll-tool drag move through the slices;
/// right-drag window/level; number keys 1-8 presets, 9 the series' window; I invert; F fit; O 1:1;
/// N nearest/linear; 0 reset; C cine on/off, +/- cine rate; Ctrl+wheel zoom; middle-drag pan; the left
/// button does the current tool. Touchpads: pixel deltas are accumulated into slice steps.
///
/// Overlays (QPainter over VTK's image): four corners (patient, study, slice/position/thickness, W/L and
/// zoom), orientation labels from the direction cosines on all four sides (oblique planes included), a
/// scale bar, a lossy-compression warning, measurements of this plane, and in MPR views the crosshair and
/// the reference lines of the other planes.
///
/// Patient data: the scene wraps the volume zero-copy; clearVolume() (called by the workspace's wipe) drops
/// it, erases the identity and releases the graphics resources before returning.
class ImageView : public VtkViewWidget
{
    Q_OBJECT

public:
    ImageView(ImageViewKind kind, MeasurementSet* measurements, QWidget* parent = nullptr);
    ~ImageView() override;

    ImageViewKind kind() const { return m_kind; }
    /// "Stack", "Axial", ... translated.
    QString planeName() const;

    /// Shows `volume` (not owned; clearVolume() before it goes). Stack: the middle slice (or `slice`);
    /// MPR: the plane through the volume centre. The window becomes the series' own when it has one.
    void setVolume(const Volume* volume, const SeriesContext& context);
    /// Drops the volume and every patient datum this view holds, releases textures and framebuffers and
    /// repaints (black) before returning.
    void clearVolume();
    bool hasVolume() const;
    /// The voxels changed in place.
    void voxelsChanged();

    // Navigation
    int sliceIndex() const;
    int sliceCount() const;
    void setSliceIndex(int index);
    void step(int delta);
    /// Moves the view to contain a patient point (stack: nearest slice; MPR: the plane through it) and
    /// puts the crosshair there; does not emit crosshairMoved.
    void setCrosshair(const Vec3& lps);
    Vec3 crosshair() const { return m_crosshair; }
    /// MPR only: turns the plane about an LPS axis through the crosshair.
    void rotatePlane(const Vec3& axisLps, double degrees);
    /// MPR only: restores the standard plane of this view's kind through the crosshair.
    void resetPlane();
    void setReferencePlanes(std::vector<ReferencePlane> planes);
    void setSlab(SlabMode mode, double thicknessMm);
    SlabMode slabMode() const;
    double slabThickness() const;

    // Display
    /// The VOI window shown (named so as not to hide QWidget::window()).
    Window voiWindow() const { return m_window; }
    void setWindow(Window window);
    /// Number key 1..9 (see WindowLevel.h); false when that key has no preset (9 without a series window).
    bool applyPreset(int numberKey);
    bool inverted() const { return m_invert; }
    void setInverted(bool inverted);
    SliceInterpolation interpolation() const;
    void setInterpolation(SliceInterpolation interpolation);
    /// Screen pixels per image pixel (the smallest in-plane voxel spacing).
    double zoom() const;
    void setZoom(double zoom);
    void fit();
    void oneToOne();
    /// Moves the image by a widget-pixel offset.
    void pan(QPointF delta);
    /// Window, invert, interpolation, zoom, pan and (MPR) plane back to their initial state.
    void reset();

    // Cine
    void setCineRunning(bool running);
    bool cineRunning() const { return m_cine.isActive(); }
    void setCineRate(double framesPerSecond);
    double cineRate() const { return m_cineRate; }

    // Tools
    ReadingTool tool() const { return m_tool; }
    void setTool(ReadingTool tool);

    // Geometry and annotations (for the workspace, tools and tests)
    ViewAxes axes() const;
    /// A patient point of the plane shown (stack: the slice centre of the first voxel row/column origin).
    Vec3 planePoint() const;
    /// Patient LPS of a point on the plane under a widget position; nullopt without a volume.
    std::optional<Vec3> displayToPatient(QPointF widgetPosition) const;
    /// Widget position of a patient point projected on the view.
    std::optional<QPointF> patientToDisplay(const Vec3& lps) const;
    /// Millimetres per widget pixel.
    double mmPerPixel() const;
    SideLabels sideLabels() const;
    CornerTexts corners() const;
    bool lossyWarningShown() const { return hasVolume() && m_context.identity.lossy; }
    /// Length of the scale bar drawn, mm (0 when none).
    double scaleBarMm() const { return m_scaleBarMm; }

signals:
    /// The user moved the crosshair (Crosshair tool, or scrolling an MPR plane moves it along the normal).
    void crosshairMoved(const Vec3& lps);
    /// The user turned this view's crosshair (Rotate tool): the other planes turn about `axisLps`.
    void rotateRequested(const Vec3& axisLps, double degrees);
    void windowChanged(const Window& window);
    void viewChanged();

protected:
    void paintOverlay(QPainter& painter) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void resizeGL(int width, int height) override;

private:
    class Scene;
    class StackScene;
    class MprScene;

    void changed();
    void moveCameraInPlane(double dxMm, double dyMm);
    void applyPlane(const ViewAxes& axes, const Vec3& centre);
    void drawMeasurements(QPainter& painter);
    void drawCrosshair(QPainter& painter);
    void drawScaleBar(QPainter& painter);
    void drawCorners(QPainter& painter);
    bool onThisPlane(const Measurement& m) const;
    void finishDrawing();
    int handleAt(QPointF position, int* measurementId) const;
    double imagePixelMm() const;

    ImageViewKind m_kind;
    MeasurementSet* m_measurements;
    std::unique_ptr<Scene> m_scene;
    const Volume* m_volume = nullptr;
    SeriesContext m_context;
    Window m_window{40, 400};
    bool m_invert = false;
    ReadingTool m_tool = ReadingTool::WindowLevel;
    Vec3 m_crosshair{};
    std::vector<ReferencePlane> m_references;
    double m_scaleBarMm = 0;

    // Mouse state
    Qt::MouseButton m_dragButton = Qt::NoButton;
    QPointF m_pressPosition;
    QPointF m_lastPosition;
    Window m_dragStartWindow;
    double m_scrollRemainder = 0;
    int m_wheelRemainder = 0;
    // Drawing / editing a measurement
    std::vector<Vec3> m_drawing;
    bool m_drawingActive = false;
    int m_editId = 0;
    int m_editHandle = -1;

    QTimer m_cine;
    double m_cineRate = 10;
};

} // namespace dokuei::viewer
