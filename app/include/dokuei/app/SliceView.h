#pragma once

#include <QWidget>

#include <limits>

namespace dokuei::viewer {
class Volume;
class VolumeAssembler;
} // namespace dokuei::viewer

namespace dokuei::app {

/// A plain 2D view of one slice of the loaded volume with a soft-tissue window (W 400 / L 40); the wheel
/// and the arrow keys move through the slices. While a series loads it previews the instances decoded so
/// far (in position order, from the assembler): the first is on screen as soon as it is decoded, and the
/// slice being looked at stays in view when the finished volume replaces the preview. The reading tools
/// proper (presets, MPR, overlays) are the next step.
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

protected:
    void paintEvent(QPaintEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;

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
    int m_window = 400;
    int m_level = 40;
};

} // namespace dokuei::app
