#pragma once

#include <dokuei/viewer/core/OrientationLabels.h>
#include <dokuei/viewer/core/WindowLevel.h>
#include <limits>
#include <optional>

#include <QPoint>
#include <QWidget>

namespace dokuei::viewer {

class Volume;
class VolumeAssembler;

/// A 2D view of one slice of the loaded volume as stored, with the DICOM linear VOI window (soft tissue
/// W 400 / L 40 at first; presets on the number keys 1-8, the series' own on 9, right-button drag for
/// window/level, I inverts) and orientation labels on all four sides from the direction cosines; the wheel
/// and the arrow keys move through the slices. While a series loads it previews the instances decoded so far
/// (in position order, from the assembler): the first is on screen as soon as it is decoded, and the slice
/// being looked at stays in view when the finished volume replaces the preview. The reading tools proper
/// (MPR, overlays, measurements) are in the ReadingWorkspace, which takes over once the volume is ready.
class SliceView : public QWidget
{
    Q_OBJECT

public:
    explicit SliceView(QWidget* parent = nullptr);

    /// Shows `volume` (not owned) at the previewed position, else at its middle slice; null clears the view.
    void setVolume(viewer::Volume* volume);
    /// Previews the series `assembler` (not owned) is assembling; null ends the preview. Call
    /// previewUpdated() when it has decoded more.
    void setPreview(const viewer::VolumeAssembler* assembler);
    void previewUpdated();
    /// Instances shown in the preview (0 when none).
    int previewCount() const { return m_previewCount; }
    int currentSlice() const { return m_slice; }
    void setSlice(int slice);
    viewer::Window window() const { return m_window; }
    /// The series' own window (DICOM Window Center/Width): shown at once and on key 9; nullopt when absent.
    void setSeriesWindow(std::optional<viewer::Window> window);
    bool inverted() const { return m_invert; }
    /// The orientation labels drawn on the four sides (empty when nothing is shown).
    viewer::SideLabels sideLabels() const { return m_labels; }

protected:
    void paintEvent(QPaintEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;

private:
    void paintPreview(QPainter& painter);
    void step(int delta);
    void drawSlice(QPainter& painter, const std::int16_t* voxels, int rows, int columns);

    viewer::Volume* m_volume = nullptr;
    const viewer::VolumeAssembler* m_preview = nullptr;
    int m_previewCount = 0;
    /// Position (mm along the slice normal) of the previewed instance; NaN before the first one.
    double m_previewPosition = std::numeric_limits<double>::quiet_NaN();
    int m_slice = 0;
    viewer::Window m_window{40, 400};
    std::optional<viewer::Window> m_seriesWindow;
    bool m_invert = false;
    viewer::SideLabels m_labels;
    QPoint m_dragStart;
    viewer::Window m_dragWindow;
    void drawOverlay(QPainter& painter, const viewer::ViewAxes& axes, const QString& corner);
};

} // namespace dokuei::viewer
