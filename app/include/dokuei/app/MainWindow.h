#pragma once

#include <functional>

#include <QList>
#include <QMainWindow>

class QAction;
class QComboBox;
class QLabel;
class QPushButton;
class QStackedWidget;
class QSplitter;
class QTabWidget;

namespace dokuei::security {
class WipeRegistry;
}

namespace dokuei::reporting {
class ReportEditor;
class ReportReferenceProvider;
class ReportSession;
struct ReportTemplate;
} // namespace dokuei::reporting

namespace dokuei::viewer {
class ReadingSession;
class ReadingWorkspace;
class SeriesLoader;
class SliceView;
} // namespace dokuei::viewer

namespace dokuei::app {

class PatientBanner;
class StudyBrowser;

/// The reading window: it opens on the study list (the reading session's studies and series); a series opened
/// there is previewed in the reading view as its first images are decoded, then read in the reading
/// workspace (2D, MPR, 3D, measurements). It shows the reading session and passes on what the user asks for;
/// the session (built by the composition root) queries the reading centre and loads. After an unlock it says
/// that the images were wiped and offers to reopen the last series in one action.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(security::WipeRegistry& wipeRegistry, QWidget* parent = nullptr);
    ~MainWindow() override;

    /// The reading to show (not owned; null: signed out).
    void setReadingSession(viewer::ReadingSession* session);
    viewer::ReadingSession* readingSession() const { return m_session; }
    /// The report of the session (not owned; null: signed out): the editor is built for it beside the
    /// reading view, with the templates to choose from and the viewer's side of references.
    void setReportSession(reporting::ReportSession* report, const QList<reporting::ReportTemplate>& templates,
                          reporting::ReportReferenceProvider* references);
    /// The report editor beside the viewer (null while signed out).
    reporting::ReportEditor* reportEditor() const { return m_reportEditor; }
    /// The splitter of the reading tab: the reading view, then the report editor.
    QSplitter* readingSplitter() const { return m_readingSplitter; }
    /// Brings the reading tab to the front.
    void showReadingPage();
    /// Says in the window that the user has unfinished reports (e.g. after a crash); `resume` is called
    /// with the report ID chosen. Empty `reports` hides it. Each entry: {report ID, what to show}.
    void offerUnfinishedReports(const QList<std::pair<QString, QString>>& reports,
                                std::function<void(const QString&)> resume);
    QWidget* unfinishedNotice() const { return m_unfinishedNotice; }

    PatientBanner* patientBanner() const { return m_patientBanner; }
    QAction* lockAction() const { return m_lockAction; }
    StudyBrowser* studyBrowser() const { return m_studyBrowser; }
    /// The reading session's loader (null without a session).
    viewer::SeriesLoader* seriesLoader() const;
    /// The loading preview (first decoded images while a series arrives), in the reading view.
    viewer::SliceView* sliceView() const { return m_sliceView; }
    /// The reading views, layouts, tools and measurements (the series once it is loaded).
    viewer::ReadingWorkspace* readingWorkspace() const { return m_workspace; }
    /// The study list tab and the reading tab.
    QTabWidget* tabs() const { return m_tabs; }
    QWidget* studiesPage() const;
    QWidget* readingPage() const;
    /// The notice after an unlock ("the images were wiped ...") and its one-action reopen button.
    QWidget* wipedNotice() const { return m_wipedNotice; }
    QPushButton* reopenButton() const { return m_reopenButton; }
    /// Shows who is signed in (ID and role) in the status bar; empty when nobody is.
    void setSignedInUser(const QString& userId, const QString& role);

signals:
    /// The instant privacy lock (toolbar button or Ctrl+Alt+L).
    void lockRequested();
    void signOutRequested();

private:
    void createActions();
    void showAbout();
    void connectSession();
    void onSeriesOpened();
    void onSeriesReady();
    void onWiped();

    QLabel* m_rendererLabel = nullptr;
    QLabel* m_userLabel = nullptr;
    PatientBanner* m_patientBanner = nullptr;
    QAction* m_lockAction = nullptr;
    StudyBrowser* m_studyBrowser = nullptr;
    viewer::SliceView* m_sliceView = nullptr;
    viewer::ReadingWorkspace* m_workspace = nullptr;
    QStackedWidget* m_readingPage = nullptr;
    QTabWidget* m_tabs = nullptr;
    QWidget* m_wipedNotice = nullptr;
    QLabel* m_wipedText = nullptr;
    QPushButton* m_reopenButton = nullptr;
    viewer::ReadingSession* m_session = nullptr; ///< not owned
    security::WipeRegistry& m_wipeRegistry;
    QSplitter* m_readingSplitter = nullptr;
    reporting::ReportEditor* m_reportEditor = nullptr;
    QWidget* m_unfinishedNotice = nullptr;
    QLabel* m_unfinishedText = nullptr;
    QComboBox* m_unfinishedBox = nullptr;
    QPushButton* m_resumeButton = nullptr;
    std::function<void(const QString&)> m_resume;
};

} // namespace dokuei::app
