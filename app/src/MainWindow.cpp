#include "dokuei/app/MainWindow.h"

#include "dokuei/app/PatientBanner.h"
#include "dokuei/app/SliceView.h"
#include "dokuei/app/StudyBrowser.h"
#include "dokuei/common/BuildInfo.h"
#include "dokuei/viewer/core/SeriesLoader.h"
#include "dokuei/viewer/core/VolumeAssembler.h"
#include "dokuei/viewer/render/TestVolume.h"
#include "dokuei/viewer/render/VolumeMapperPolicy.h"
#include "dokuei/viewer/render/VolumeScene.h"
#include "dokuei/viewer/ui/ReadingWorkspace.h"
#include "dokuei/viewer/ui/VtkViewWidget.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>
#include <QVBoxLayout>

#include <vtkImageData.h>
#include <vtkRenderer.h>

namespace dokuei::app {
namespace {
constexpr int kTestVolumeSize = 128;
}

MainWindow::MainWindow(security::WipeRegistry& wipeRegistry, QWidget* parent)
    : QMainWindow(parent), m_view(new viewer::VtkViewWidget(this)),
      m_scene(std::make_unique<viewer::VolumeScene>()), m_rendererLabel(new QLabel(this)),
      m_userLabel(new QLabel(this)), m_patientBanner(new PatientBanner(wipeRegistry, this))
{
    setWindowTitle(tr("dokuei — CT reading workstation"));
    setObjectName(QStringLiteral("MainWindow"));
    m_view->setObjectName(QStringLiteral("VolumeView"));
    m_studyBrowser = new StudyBrowser(wipeRegistry, this);
    // Registered before the loader: the wipe clears the views (and their textures) before the voxels go.
    m_workspace = new viewer::ReadingWorkspace(wipeRegistry, this);
    m_seriesLoader = new viewer::SeriesLoader(wipeRegistry, this);
    m_sliceView = new SliceView(this);
    m_tabs = new QTabWidget(this);
    // The generated test volume until a series is opened; then the loading preview, then the reading views.
    m_tabs->addTab(m_view, tr("Volume (test)"));
    m_tabs->addTab(m_sliceView, tr("Loading"));
    m_tabs->addTab(m_workspace, tr("Reading"));
    connect(m_workspace, &viewer::ReadingWorkspace::seriesRequested, this,
            [this](const QString&, const QString& series) { m_studyBrowser->openSeriesByUid(series); });
    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_patientBanner);
    layout->addWidget(m_tabs, 1);
    setCentralWidget(central);
    auto* dock = new QDockWidget(tr("Studies"), this);
    dock->setObjectName(QStringLiteral("StudiesDock"));
    dock->setWidget(m_studyBrowser);
    dock->setFeatures(QDockWidget::DockWidgetMovable);
    addDockWidget(Qt::LeftDockWidgetArea, dock);

    connect(m_studyBrowser, &StudyBrowser::openSeries, this,
            [this](const QString& study, const QString& series, int instances, const QString& patient,
                   const QString& patientId, const QString& description) {
                if (!m_client) {
                    return;
                }
                m_sliceView->setVolume(nullptr);
                m_workspace->clearSeries();
                m_patientBanner->showPatient(patient, patientId, description);
                statusBar()->showMessage(tr("Loading series..."));
                // Clears the previous series (a retrieval still running is reported as cancelled).
                m_replacing = true;
                m_seriesLoader->start(*m_client, study, series, instances);
                m_replacing = false;
                m_loadingStudy = study;
                m_loadingSeries = series;
                m_loadingPatientId = patientId;
                m_receivedInstances = 0;
                m_retrieving = true;
                emit seriesOpened(patientId, study, series, instances);
                m_sliceView->setPreview(m_seriesLoader->assembler());
            });
    connect(m_seriesLoader, &viewer::SeriesLoader::previewUpdated, this, [this](int decoded) {
        if (decoded == 1) {
            m_tabs->setCurrentWidget(m_sliceView); // the first image is on screen as soon as it is decoded
        }
        m_sliceView->previewUpdated();
    });
    connect(m_seriesLoader, &viewer::SeriesLoader::progress, this,
            [this](int instances, qint64 bytes, double rate) {
                m_receivedInstances = instances;
                statusBar()->showMessage(tr("Loading: %1 images, %2 MB, %3 MB/s")
                                             .arg(instances)
                                             .arg(static_cast<double>(bytes) / 1e6, 0, 'f', 1)
                                             .arg(rate / 1e6, 0, 'f', 1));
            });
    connect(m_seriesLoader, &viewer::SeriesLoader::ready, this, [this] {
        const auto infos = m_seriesLoader->assembler()->sliceInfos();
        std::optional<viewer::Window> seriesWindow;
        if (!infos.empty() && infos[infos.size() / 2].hasWindow) {
            seriesWindow =
                viewer::Window{infos[infos.size() / 2].windowCentre, infos[infos.size() / 2].windowWidth};
        }
        viewer::SeriesContext context;
        if (!infos.empty()) {
            const viewer::InstanceInfo& middle = infos[infos.size() / 2];
            context.identity = viewer::identityOf(middle);
            context.sliceThicknessMm = middle.sliceThickness;
            for (const viewer::InstanceInfo& info : infos) {
                context.identity.lossy = context.identity.lossy || info.lossyCompressed;
            }
        }
        context.seriesWindow = seriesWindow;
        m_sliceView->setPreview(nullptr);
        m_sliceView->setVolume(nullptr);
        m_workspace->showSeries(m_seriesLoader->volume(), context, m_loadingStudy, m_loadingSeries);
        viewer::eraseIdentity(context.identity);
        m_tabs->setCurrentWidget(m_workspace);
        statusBar()->showMessage(tr("Series loaded"), 5000);
        if (m_retrieving) {
            m_retrieving = false;
            emit seriesRetrieved(m_loadingPatientId, m_loadingStudy, m_loadingSeries,
                                 static_cast<int>(infos.size()), true, {});
        }
    });
    connect(m_seriesLoader, &viewer::SeriesLoader::cleared, this, [this] {
        // Wiped (lock, sign-out) or replaced by the next series: a retrieval cut short ends as cancelled.
        if (m_retrieving) {
            m_retrieving = false;
            emit seriesRetrieved(m_loadingPatientId, m_loadingStudy, m_loadingSeries, m_receivedInstances,
                                 false,
                                 m_replacing ? QStringLiteral("cancelled: another series was opened")
                                             : QStringLiteral("cancelled: wiped at lock or sign-out"));
        }
        m_loadingPatientId.clear();
        m_workspace->clearSeries();
        m_sliceView->setPreview(nullptr);
        m_sliceView->setVolume(nullptr);
    });
    connect(m_seriesLoader, &viewer::SeriesLoader::failed, this, [this](const QString& message) {
        statusBar()->showMessage(tr("Loading failed: %1").arg(message));
        if (m_retrieving) {
            m_retrieving = false;
            emit seriesRetrieved(m_loadingPatientId, m_loadingStudy, m_loadingSeries, m_receivedInstances,
                                 false, message);
        }
    });
    connect(m_seriesLoader, &viewer::SeriesLoader::instanceFailed, this, [this](const QString& message) {
        statusBar()->showMessage(tr("An image could not be loaded: %1").arg(message), 10000);
    });
    m_userLabel->setObjectName(QStringLiteral("userLabel"));
    statusBar()->addPermanentWidget(m_userLabel);
    statusBar()->addPermanentWidget(m_rendererLabel);
    statusBar()->showMessage(tr("Test volume (no patient data)"));
    createActions();

    auto volume = viewer::makeTestVolume(kTestVolumeSize);
    m_scene->setVolume(volume);
    m_view->addRenderer(m_scene->renderer());

    connect(m_view, &viewer::VtkViewWidget::glInitialized, this, &MainWindow::onGlInitialized);
    connect(m_view, &viewer::VtkViewWidget::interactionChanged, this,
            [this](bool interacting) { m_scene->setInteracting(interacting); });
    resize(1024, 768);
}

MainWindow::~MainWindow() = default;

QString MainWindow::volumeMapperName() const
{
    return QString::fromLatin1(viewer::volumeMapperName(m_scene->mapperKind()));
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

    QMenu* viewMenu = menuBar()->addMenu(tr("&View"));
    QAction* resetView = viewMenu->addAction(tr("&Reset view"), QKeySequence(Qt::Key_R), this, [this] {
        m_scene->renderer()->ResetCamera();
        m_view->update();
    });
    resetView->setObjectName(QStringLiteral("actionResetView"));

    QMenu* helpMenu = menuBar()->addMenu(tr("&Help"));
    helpMenu->addAction(tr("&About dokuei"), this, &MainWindow::showAbout);

    QToolBar* toolBar = addToolBar(tr("Main"));
    toolBar->setObjectName(QStringLiteral("MainToolBar"));
    toolBar->addAction(m_lockAction);
    toolBar->addAction(resetView);
}

void MainWindow::setReadingCentre(exchange::DicomWebClient* client)
{
    m_client = client;
    m_studyBrowser->setClient(client);
    if (client) {
        m_studyBrowser->refresh();
    }
}

void MainWindow::setSignedInUser(const QString& userId, const QString& role)
{
    m_userLabel->setText(userId.isEmpty() ? QString() : tr("%1 (%2)").arg(userId, role));
}

void MainWindow::onGlInitialized(const QString& renderer, const QString& version)
{
    const QByteArray requested = qgetenv("DOKUEI_VOLUME_MAPPER");
    m_scene->setMapperKind(viewer::chooseVolumeMapper(renderer.toStdString(), requested.toStdString()));
    m_rendererLabel->setText(
        tr("%1 · OpenGL %2 · %3").arg(renderer, version.section(QLatin1Char(' '), 0, 0), volumeMapperName()));
    m_view->update();
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About dokuei"),
                       tr("<p><b>dokuei</b> %1</p><p>Remote CT reading workstation for radiologists.</p>")
                           .arg(dokueiVersion()));
}

} // namespace dokuei::app
