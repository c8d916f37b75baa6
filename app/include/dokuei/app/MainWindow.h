#pragma once

#include <memory>

#include <QMainWindow>

class QAction;
class QLabel;
class QTabWidget;

namespace dokuei::security {
class WipeRegistry;
}

namespace dokuei::exchange {
class DicomWebClient;
}

namespace dokuei::viewer {
class ReadingWorkspace;
class SeriesLoader;
class VolumeScene;
class VtkViewWidget;
} // namespace dokuei::viewer

namespace dokuei::app {

class PatientBanner;
class SliceView;
class StudyBrowser;

/// The reading window: the study browser, the patient banner, and the reading workspace (2D, MPR, 3D,
/// measurements) once a series is loaded; while it loads, the preview of the images decoded so far. Before
/// any series it shows a generated test volume (no patient data), proving that Qt 6 and VTK render here.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(security::WipeRegistry& wipeRegistry, QWidget* parent = nullptr);
    ~MainWindow() override;

    viewer::VtkViewWidget* view() const { return m_view; }
    PatientBanner* patientBanner() const { return m_patientBanner; }
    QAction* lockAction() const { return m_lockAction; }
    StudyBrowser* studyBrowser() const { return m_studyBrowser; }
    viewer::SeriesLoader* seriesLoader() const { return m_seriesLoader; }
    /// The loading preview (first decoded images while a series arrives).
    SliceView* sliceView() const { return m_sliceView; }
    /// The reading views, layouts, tools and measurements (the series once it is loaded).
    viewer::ReadingWorkspace* readingWorkspace() const { return m_workspace; }
    /// The reading centre to browse and load from (null: none configured, or signed out).
    void setReadingCentre(exchange::DicomWebClient* client);
    /// Shows who is signed in (ID and role) in the status bar; empty when nobody is.
    void setSignedInUser(const QString& userId, const QString& role);
    /// "GPU ray casting" / "CPU ray casting" once the renderer is known.
    QString volumeMapperName() const;

signals:
    /// The instant privacy lock (toolbar button or Ctrl+Alt+L).
    void lockRequested();
    void signOutRequested();
    /// A series was opened from the study list and its retrieval starts (the access record, 110103).
    void seriesOpened(const QString& patientId, const QString& studyUid, const QString& seriesUid,
                      int instances);
    /// The retrieval of the series opened last ended (the transfer record, 110104): on success every
    /// instance arrived and the volume is ready (`instances` = images in it); otherwise it failed, or was
    /// cancelled by a lock, a sign-out or another series, after `instances` received images (`problem`).
    void seriesRetrieved(const QString& patientId, const QString& studyUid, const QString& seriesUid,
                         int instances, bool success, const QString& problem);

private:
    void createActions();
    void onGlInitialized(const QString& renderer, const QString& version);
    void showAbout();

    viewer::VtkViewWidget* m_view = nullptr;
    std::unique_ptr<viewer::VolumeScene> m_scene;
    QLabel* m_rendererLabel = nullptr;
    QLabel* m_userLabel = nullptr;
    PatientBanner* m_patientBanner = nullptr;
    QAction* m_lockAction = nullptr;
    StudyBrowser* m_studyBrowser = nullptr;
    viewer::SeriesLoader* m_seriesLoader = nullptr;
    SliceView* m_sliceView = nullptr;
    viewer::ReadingWorkspace* m_workspace = nullptr;
    QString m_loadingStudy;
    QString m_loadingSeries;
    QString m_loadingPatientId;
    int m_receivedInstances = 0;
    /// A retrieval was started and its end (seriesRetrieved) not reported yet.
    bool m_retrieving = false;
    /// The loader is being restarted for another series (its clearing cancels the previous retrieval).
    bool m_replacing = false;
    QTabWidget* m_tabs = nullptr;
    exchange::DicomWebClient* m_client = nullptr;
};

} // namespace dokuei::app
