#include "dokuei/app/MainWindow.h"

#include "dokuei/app/PatientBanner.h"
#include "dokuei/app/StudyBrowser.h"
#include "dokuei/common/BuildInfo.h"
#include "dokuei/reporting/ui/ReportEditor.h"
#include "dokuei/security/Roles.h"
#include "dokuei/viewer/core/ReadingSession.h"
#include "dokuei/viewer/core/SeriesLoader.h"
#include "dokuei/viewer/core/VolumeAssembler.h"
#include "dokuei/viewer/ui/ReadingWorkspace.h"
#include "dokuei/viewer/ui/SliceView.h"
#include "dokuei/viewer/ui/VolumeView.h"

#include <algorithm>

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>
#include <QVBoxLayout>

namespace dokuei::app {
namespace {

QString bannerName(const exchange::PersonName& name)
{
    QStringList groups;
    for (const QString& group : {name.ideographic, name.alphabetic}) {
        if (!group.isEmpty()) {
            groups << QString(group).replace(QLatin1Char('^'), QLatin1Char(' '));
        }
    }
    return groups.join(QStringLiteral(" / "));
}

} // namespace

MainWindow::MainWindow(security::WipeRegistry& wipeRegistry, QWidget* parent)
    : QMainWindow(parent), m_rendererLabel(new QLabel(this)), m_userLabel(new QLabel(this)),
      m_patientBanner(new PatientBanner(wipeRegistry, this)), m_wipeRegistry(wipeRegistry)
{
    setWindowTitle(tr("dokuei — CT reading workstation"));
    setObjectName(QStringLiteral("MainWindow"));
    m_studyBrowser = new StudyBrowser(wipeRegistry, this);
    // Registered before the session's loader: the wipe clears the views (and their textures) before the
    // voxels go.
    m_workspace = new viewer::ReadingWorkspace(wipeRegistry, this);
    m_sliceView = new viewer::SliceView(this);
    m_readingPage = new QStackedWidget(this);
    m_readingPage->setObjectName(QStringLiteral("readingPage"));
    m_readingPage->addWidget(m_workspace);
    m_readingPage->addWidget(m_sliceView);
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("mainTabs"));
    // The study list first: the window opens on it. The reading view previews a series while it loads,
    // then reads it.
    m_tabs->addTab(m_studyBrowser, tr("Studies"));
    // The report is written beside the images: the editor goes to the right of the reading view.
    m_readingSplitter = new QSplitter(Qt::Horizontal, this);
    m_readingSplitter->setObjectName(QStringLiteral("readingSplitter"));
    m_readingSplitter->setChildrenCollapsible(false);
    m_readingSplitter->addWidget(m_readingPage);
    m_readingSplitter->setStretchFactor(0, 3);
    m_tabs->addTab(m_readingSplitter, tr("Reading"));
    m_tabs->setCurrentWidget(m_studyBrowser);
    connect(m_workspace, &viewer::ReadingWorkspace::seriesRequested, this,
            [this](const QString& study, const QString& series) {
                if (m_session) {
                    m_session->openSeries(series, study);
                }
            });

    m_wipedNotice = new QFrame(this);
    m_wipedNotice->setObjectName(QStringLiteral("wipedNotice"));
    m_wipedNotice->setStyleSheet(QStringLiteral(
        "#wipedNotice { background: #fff4ce; color: #3a2f00; border-bottom: 1px solid #c9a800; }"));
    m_wipedText = new QLabel(m_wipedNotice);
    m_wipedText->setObjectName(QStringLiteral("wipedText"));
    m_wipedText->setWordWrap(true);
    m_reopenButton = new QPushButton(m_wipedNotice);
    m_reopenButton->setObjectName(QStringLiteral("reopenLastSeries"));
    auto* noticeLayout = new QHBoxLayout(m_wipedNotice);
    noticeLayout->addWidget(m_wipedText, 1);
    noticeLayout->addWidget(m_reopenButton);
    m_wipedNotice->hide();
    connect(m_reopenButton, &QPushButton::clicked, this, [this] {
        if (m_session) {
            m_wipedNotice->hide();
            statusBar()->showMessage(tr("Reopening series %1...").arg(m_session->lastSeriesNumber()));
            m_session->reopenLastSeries();
        }
    });

    m_unfinishedNotice = new QFrame(this);
    m_unfinishedNotice->setObjectName(QStringLiteral("unfinishedNotice"));
    m_unfinishedNotice->setStyleSheet(QStringLiteral(
        "#unfinishedNotice { background: #e3f0ff; color: #0b2a4a; border-bottom: 1px solid #6d9ed6; }"));
    m_unfinishedText = new QLabel(m_unfinishedNotice);
    m_unfinishedText->setWordWrap(true);
    m_unfinishedBox = new QComboBox(m_unfinishedNotice);
    m_unfinishedBox->setObjectName(QStringLiteral("unfinishedReports"));
    m_resumeButton = new QPushButton(tr("Resume report"), m_unfinishedNotice);
    m_resumeButton->setObjectName(QStringLiteral("resumeReport"));
    auto* unfinishedLayout = new QHBoxLayout(m_unfinishedNotice);
    unfinishedLayout->addWidget(m_unfinishedText, 1);
    unfinishedLayout->addWidget(m_unfinishedBox);
    unfinishedLayout->addWidget(m_resumeButton);
    m_unfinishedNotice->hide();
    connect(m_resumeButton, &QPushButton::clicked, this, [this] {
        const QString reportId = m_unfinishedBox->currentData().toString();
        if (!reportId.isEmpty() && m_resume) {
            m_unfinishedNotice->hide();
            m_resume(reportId);
        }
    });

    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_wipedNotice);
    layout->addWidget(m_unfinishedNotice);
    layout->addWidget(m_patientBanner);
    layout->addWidget(m_tabs, 1);
    setCentralWidget(central);

    m_userLabel->setObjectName(QStringLiteral("userLabel"));
    m_rendererLabel->setObjectName(QStringLiteral("rendererLabel"));
    statusBar()->addPermanentWidget(m_userLabel);
    statusBar()->addPermanentWidget(m_rendererLabel);
    createActions();
    // The renderer is known once the 3D view first draws (its mapper is chosen then).
    viewer::VolumeView* volumeView = m_workspace->volumeView();
    connect(volumeView, &viewer::VtkViewWidget::glInitialized, this,
            [this, volumeView](const QString& renderer, const QString& version) {
                m_rendererLabel->setText(
                    tr("%1 · OpenGL %2 · %3")
                        .arg(renderer, version.section(QLatin1Char(' '), 0, 0), volumeView->mapperName()));
            });
    resize(1280, 800);
}

MainWindow::~MainWindow() = default;

QWidget* MainWindow::studiesPage() const
{
    return m_studyBrowser;
}

QWidget* MainWindow::readingPage() const
{
    return m_readingSplitter;
}

void MainWindow::showReadingPage()
{
    m_tabs->setCurrentWidget(m_readingSplitter);
}

void MainWindow::setReportSession(reporting::ReportSession* report,
                                  const QList<reporting::ReportTemplate>& templates,
                                  reporting::ReportReferenceProvider* references)
{
    delete m_reportEditor;
    m_reportEditor = nullptr;
    if (!report) {
        offerUnfinishedReports({}, {});
        return;
    }
    // Registered for wipe after the report session: the session saves the draft, then the editor clears
    // its fields, undo stacks and the clipboard.
    m_reportEditor = new reporting::ReportEditor(*report, m_wipeRegistry, m_readingSplitter);
    m_reportEditor->setObjectName(QStringLiteral("reportEditor"));
    m_reportEditor->setTemplates(templates);
    m_reportEditor->setReferenceProvider(references);
    m_readingSplitter->addWidget(m_reportEditor);
    m_readingSplitter->setStretchFactor(1, 2);
    const int total = std::max(width(), 1200);
    m_readingSplitter->setSizes({total * 3 / 5, total * 2 / 5});
}

void MainWindow::offerUnfinishedReports(const QList<std::pair<QString, QString>>& reports,
                                        std::function<void(const QString&)> resume)
{
    m_unfinishedBox->clear();
    m_resume = std::move(resume);
    if (reports.isEmpty()) {
        m_unfinishedNotice->hide();
        return;
    }
    for (const auto& [reportId, label] : reports) {
        m_unfinishedBox->addItem(label, reportId);
    }
    m_unfinishedText->setText(
        tr("You have %n unfinished report(s), saved in your encrypted vault.", nullptr, int(reports.size())));
    m_unfinishedNotice->show();
}

viewer::SeriesLoader* MainWindow::seriesLoader() const
{
    return m_session ? &m_session->loader() : nullptr;
}

void MainWindow::setReadingSession(viewer::ReadingSession* session)
{
    if (m_session) {
        disconnect(m_session, nullptr, this, nullptr);
    }
    m_session = session;
    m_studyBrowser->setSession(session);
    m_wipedNotice->hide();
    if (!session) {
        m_sliceView->setPreview(nullptr);
        m_sliceView->setVolume(nullptr);
        m_workspace->clearSeries();
        m_tabs->setCurrentWidget(m_studyBrowser);
        return;
    }
    connectSession();
    m_tabs->setCurrentWidget(m_studyBrowser);
}

void MainWindow::connectSession()
{
    using viewer::ReadingSession;
    ReadingSession* session = m_session;
    // The session is destroyed at sign-out after setReadingSession(nullptr); until then it outlives these.
    connect(session, &ReadingSession::seriesOpened, this, &MainWindow::onSeriesOpened);
    connect(session, &ReadingSession::seriesPreviewUpdated, this, [this](int decoded) {
        if (!m_session || m_session->loader().volume()) {
            return;
        }
        if (decoded == 1) {
            // The first image is on screen as soon as it is decoded.
            m_sliceView->setPreview(m_session->loader().assembler());
            m_readingPage->setCurrentWidget(m_sliceView);
            m_tabs->setCurrentWidget(m_readingSplitter);
        }
        m_sliceView->previewUpdated();
    });
    connect(session, &ReadingSession::seriesLoadProgress, this,
            [this](int instances, int expected, qint64 bytes, double rate) {
                statusBar()->showMessage(tr("Loading: %1 images, %2 MB, %3 MB/s")
                                             .arg(instances)
                                             .arg(static_cast<double>(bytes) / 1e6, 0, 'f', 1)
                                             .arg(rate / 1e6, 0, 'f', 1));
                m_studyBrowser->showStatus(
                    expected > 0 ? tr("Loading series: %1 of %2 images").arg(instances).arg(expected)
                                 : tr("Loading series: %1 images").arg(instances));
            });
    connect(session, &ReadingSession::seriesReady, this, &MainWindow::onSeriesReady);
    connect(session, &ReadingSession::seriesCleared, this, [this] {
        m_workspace->clearSeries();
        m_sliceView->setPreview(nullptr);
        m_sliceView->setVolume(nullptr);
    });
    connect(session, &ReadingSession::seriesFailed, this, [this](const QString& message) {
        statusBar()->showMessage(tr("Loading failed: %1").arg(message));
        m_studyBrowser->showStatus(tr("Loading failed: %1").arg(message));
    });
    connect(session, &ReadingSession::instanceFailed, this, [this](const QString& message) {
        statusBar()->showMessage(tr("An image could not be loaded: %1").arg(message), 10000);
    });
    connect(session, &ReadingSession::wiped, this, &MainWindow::onWiped);
}

void MainWindow::onSeriesOpened()
{
    const exchange::StudyRecord* study = m_session ? m_session->currentStudy() : nullptr;
    const exchange::SeriesRecord* series = m_session ? m_session->currentSeries() : nullptr;
    if (!study || !series) {
        return;
    }
    m_wipedNotice->hide();
    m_sliceView->setPreview(nullptr);
    m_sliceView->setVolume(nullptr);
    m_workspace->clearSeries();
    m_patientBanner->showPatient(bannerName(study->patientName), study->patientId, series->description);
    statusBar()->showMessage(tr("Loading series..."));
    m_studyBrowser->showStatus(tr("Loading series %1...").arg(series->number));
}

void MainWindow::onSeriesReady()
{
    const exchange::StudyRecord* study = m_session ? m_session->currentStudy() : nullptr;
    const exchange::SeriesRecord* series = m_session ? m_session->currentSeries() : nullptr;
    viewer::Volume* volume = m_session ? m_session->loader().volume() : nullptr;
    if (!study || !series || !volume) {
        return;
    }
    viewer::SeriesContext context = m_session->loadedSeriesContext();
    m_sliceView->setPreview(nullptr);
    m_sliceView->setVolume(nullptr);
    m_workspace->showSeries(volume, context, study->studyUid, series->seriesUid);
    viewer::eraseIdentity(context.identity);
    m_readingPage->setCurrentWidget(m_workspace);
    m_tabs->setCurrentWidget(m_readingSplitter);
    statusBar()->showMessage(tr("Series loaded"), 5000);
    m_studyBrowser->showStatus(
        tr("Series %1 loaded: %n images", nullptr, volume->slices()).arg(series->number));
}

void MainWindow::onWiped()
{
    // Everything shown went with the wipe; the window opens on the study list again after the unlock.
    m_sliceView->setPreview(nullptr);
    m_sliceView->setVolume(nullptr);
    m_workspace->clearSeries();
    m_readingPage->setCurrentWidget(m_workspace);
    m_tabs->setCurrentWidget(m_studyBrowser);
    statusBar()->clearMessage();
    if (m_session && m_session->canReopenLastSeries()) {
        m_wipedText->setText(
            tr("For privacy, the images were wiped from memory when the session was locked."));
        m_reopenButton->setText(m_session->lastSeriesNumber() >= 0
                                    ? tr("Reopen series %1").arg(m_session->lastSeriesNumber())
                                    : tr("Reopen the last series"));
        m_wipedNotice->show();
    }
}

void MainWindow::createActions()
{
    QMenu* fileMenu = menuBar()->addMenu(tr("&File"));
    m_lockAction = fileMenu->addAction(tr("&Lock now"), QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_L), this,
                                       &MainWindow::lockRequested);
    m_lockAction->setObjectName(QStringLiteral("actionLock"));
    m_lockAction->setToolTip(tr("Privacy lock: hide everything now (Ctrl+Alt+L)"));
    QAction* signOut = fileMenu->addAction(tr("Sign &out"), this, &MainWindow::signOutRequested);
    signOut->setObjectName(QStringLiteral("actionSignOut"));
    fileMenu->addSeparator();
    QAction* quit =
        fileMenu->addAction(tr("&Quit"), QKeySequence::Quit, qApp, &QApplication::closeAllWindows);
    quit->setObjectName(QStringLiteral("actionQuit"));

    QMenu* helpMenu = menuBar()->addMenu(tr("&Help"));
    helpMenu->addAction(tr("&About dokuei"), this, &MainWindow::showAbout);

    QToolBar* toolBar = addToolBar(tr("Main"));
    toolBar->setObjectName(QStringLiteral("MainToolBar"));
    toolBar->addAction(m_lockAction);
}

void MainWindow::setSignedInUser(const QString& userId, const QString& role)
{
    // The role as the user reads it (the stable name is for the audit trail and the configuration).
    const auto known = security::roleFromName(role);
    QString shown = role;
    if (known) {
        switch (*known) {
        case security::Role::Radiologist:
            shown = tr("radiologist");
            break;
        case security::Role::SupervisingRadiologist:
            shown = tr("supervising radiologist");
            break;
        case security::Role::Administrator:
            shown = tr("administrator");
            break;
        case security::Role::Auditor:
            shown = tr("auditor");
            break;
        }
    }
    m_userLabel->setText(userId.isEmpty() ? QString() : tr("%1 (%2)").arg(userId, shown));
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About dokuei"),
                       tr("<p><b>dokuei</b> %1</p><p>Remote CT reading workstation for radiologists.</p>")
                           .arg(dokueiVersion()));
}

} // namespace dokuei::app
