#pragma once

#include "dokuei/viewer/core/OrientationLabels.h"
#include "dokuei/viewer/core/OverlayText.h"
#include "dokuei/viewer/render/VolumeScene.h"
#include "dokuei/viewer/ui/VtkViewWidget.h"

namespace dokuei::viewer {

class Volume;

/// The 3D view: volume rendering of the series (VolumeScene) in our Qt-VTK bridge. Left-drag rotates,
/// middle-drag pans, right-drag and the wheel zoom (VTK's trackball camera); while the mouse is down the
/// scene renders at interactive quality, full quality when still. The mapper is the one the OpenGL renderer
/// suits (VolumeMapperPolicy). Overlays: patient name and ID, the preset, and orientation labels on the four
/// sides from the camera (so a turned volume still says where the patient's left is).
class VolumeView : public VtkViewWidget
{
    Q_OBJECT

public:
    explicit VolumeView(QWidget* parent = nullptr);
    ~VolumeView() override;

    VolumeScene& scene() { return *m_scene; }
    /// Shows `volume` (not owned; clearVolume() before it goes).
    void setVolume(const Volume* volume, const SeriesIdentity& identity);
    void clearVolume();
    bool hasVolume() const;
    void voxelsChanged();

    void setPreset(VolumePreset preset);
    VolumePreset preset() const;
    static QString presetName(VolumePreset preset);
    void resetCamera();
    /// Crop: the fraction (0..1) of the volume's extent kept along each patient axis: {xmin, xmax, ymin,
    /// ymax, zmin, zmax}, each in 0..1 of the volume's bounds.
    void setCropFractions(const std::array<double, 6>& fractions);
    std::array<double, 6> cropFractions() const { return m_crop; }
    /// The patient directions towards the four sides of the screen (from the camera).
    ViewAxes screenAxes() const;
    SideLabels sideLabels() const;
    QString mapperName() const;

signals:
    void presetChanged(dokuei::viewer::VolumePreset preset);

protected:
    void paintOverlay(QPainter& painter) override;
    void keyPressEvent(QKeyEvent* event) override;

private:
    std::unique_ptr<VolumeScene> m_scene;
    const Volume* m_volume = nullptr;
    SeriesIdentity m_identity;
    std::array<double, 6> m_crop{0, 1, 0, 1, 0, 1};
};

} // namespace dokuei::viewer
