#pragma once

#include <memory>

#include <QMainWindow>

class QLabel;

namespace dokuei::viewer {
class VolumeScene;
class VtkViewWidget;
} // namespace dokuei::viewer

namespace dokuei::app {

/// The reading window. For now it shows a generated test volume (no patient data) in a volume-rendered
/// VTK view, proving that Qt 6 and VTK render together on this workstation.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    viewer::VtkViewWidget* view() const { return m_view; }
    /// "GPU ray casting" / "CPU ray casting" once the renderer is known.
    QString volumeMapperName() const;

private:
    void createActions();
    void onGlInitialized(const QString& renderer, const QString& version);
    void showAbout();

    viewer::VtkViewWidget* m_view = nullptr;
    std::unique_ptr<viewer::VolumeScene> m_scene;
    QLabel* m_rendererLabel = nullptr;
};

} // namespace dokuei::app
