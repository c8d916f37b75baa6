#pragma once

#include <QWidget>

namespace dokuei::viewer {
class Volume;
}

namespace dokuei::app {

/// A plain 2D view of one slice of the loaded volume with a soft-tissue window (W 400 / L 40); the wheel
/// and the arrow keys move through the slices. The reading tools proper (presets, MPR, overlays) are the
/// next step.
class SliceView : public QWidget
{
    Q_OBJECT

public:
    explicit SliceView(QWidget* parent = nullptr);

    /// Shows `volume` (not owned) at its middle slice; null clears the view.
    void setVolume(viewer::Volume* volume);
    int currentSlice() const { return m_slice; }
    void setSlice(int slice);

protected:
    void paintEvent(QPaintEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;

private:
    viewer::Volume* m_volume = nullptr;
    int m_slice = 0;
    int m_window = 400;
    int m_level = 40;
};

} // namespace dokuei::app
