#include "dokuei/viewer/ui/ReadingWorkspace.h"

#include "dokuei/security/SecureBuffer.h"
#include "dokuei/viewer/core/Volume.h"

#include <algorithm>
#include <cstring>

#include <QAction>
#include <QActionGroup>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QPushButton>
#include <QSplitter>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

namespace dokuei::viewer {
namespace {

constexpr int kThumbnailSize = 96;

struct ToolEntry
{
    ReadingTool tool;
    const char* text;
    const char* objectName;
};

// Source texts for tr() are looked up with the workspace's context in buildToolBar.
constexpr ToolEntry kTools[] = {
    {ReadingTool::WindowLevel, QT_TRANSLATE_NOOP("dokuei::viewer::ReadingWorkspace", "Window/level"),
     "toolWindowLevel"},
    {ReadingTool::Scroll, QT_TRANSLATE_NOOP("dokuei::viewer::ReadingWorkspace", "Scroll"), "toolScroll"},
    {ReadingTool::Zoom, QT_TRANSLATE_NOOP("dokuei::viewer::ReadingWorkspace", "Zoom"), "toolZoom"},
    {ReadingTool::Pan, QT_TRANSLATE_NOOP("dokuei::viewer::ReadingWorkspace", "Pan"), "toolPan"},
    {ReadingTool::Crosshair, QT_TRANSLATE_NOOP("dokuei::viewer::ReadingWorkspace", "Crosshair"),
     "toolCrosshair"},
    {ReadingTool::Rotate, QT_TRANSLATE_NOOP("dokuei::viewer::ReadingWorkspace", "Oblique"), "toolRotate"},
    {ReadingTool::Length, QT_TRANSLATE_NOOP("dokuei::viewer::ReadingWorkspace", "Length"), "toolLength"},
    {ReadingTool::Angle, QT_TRANSLATE_NOOP("dokuei::viewer::ReadingWorkspace", "Angle"), "toolAngle"},
    {ReadingTool::Ellipse, QT_TRANSLATE_NOOP("dokuei::viewer::ReadingWorkspace", "Ellipse ROI"),
     "toolEllipse"},
    {ReadingTool::Freehand, QT_TRANSLATE_NOOP("dokuei::viewer::ReadingWorkspace", "Freehand ROI"),
     "toolFreehand"},
    {ReadingTool::Probe, QT_TRANSLATE_NOOP("dokuei::viewer::ReadingWorkspace", "HU probe"), "toolProbe"},
};

const QColor kAxialColour(80, 160, 255);
const QColor kCoronalColour(80, 230, 120);
const QColor kSagittalColour(255, 110, 110);

} // namespace

ReadingWorkspace::ReadingWorkspace(security::WipeRegistry& registry, QWidget* parent)
    : QWidget(parent), m_measurements(new MeasurementSet(registry, this)),
      m_stack(new ImageView(ImageViewKind::Stack, m_measurements, this)),
      m_axial(new ImageView(ImageViewKind::Axial, m_measurements, this)),
      m_coronal(new ImageView(ImageViewKind::Coronal, m_measurements, this)),
      m_sagittal(new ImageView(ImageViewKind::Sagittal, m_measurements, this)),
      m_volumeView(new VolumeView(this)), m_registration(registry, this)
{
    setObjectName(QStringLiteral("ReadingWorkspace"));
    m_stack->setObjectName(QStringLiteral("StackView"));
    m_axial->setObjectName(QStringLiteral("AxialView"));
    m_coronal->setObjectName(QStringLiteral("CoronalView"));
    m_sagittal->setObjectName(QStringLiteral("SagittalView"));
    m_volumeView->setObjectName(QStringLiteral("VolumeView3D"));

    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->setSpacing(0);
    m_toolBar = new QToolBar(tr("Reading tools"), this);
    m_toolBar->setObjectName(QStringLiteral("ReadingToolBar"));
    outer->addWidget(m_toolBar);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    auto* viewArea = new QWidget(splitter);
    viewArea->setStyleSheet(QStringLiteral("background: black"));
    m_grid = new QGridLayout(viewArea);
    m_grid->setContentsMargins(0, 0, 0, 0);
    m_grid->setSpacing(2);
    splitter->addWidget(viewArea);

    auto* side = new QWidget(splitter);
    auto* sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(4, 4, 4, 4);
    sideLayout->addWidget(new QLabel(tr("Series"), side));
    m_seriesList = new QListWidget(side);
    m_seriesList->setObjectName(QStringLiteral("SeriesThumbnails"));
    m_seriesList->setViewMode(QListView::IconMode);
    m_seriesList->setIconSize(QSize(kThumbnailSize, kThumbnailSize));
    m_seriesList->setMovement(QListView::Static);
    m_seriesList->setMaximumHeight(kThumbnailSize + 48);
    sideLayout->addWidget(m_seriesList);
    sideLayout->addWidget(new QLabel(tr("Measurements"), side));
    m_measurementList = new QListWidget(side);
    m_measurementList->setObjectName(QStringLiteral("MeasurementList"));
    m_measurementList->setWordWrap(true);
    sideLayout->addWidget(m_measurementList, 1);
    auto* deleteButton = new QPushButton(tr("Delete measurement"), side);
    deleteButton->setObjectName(QStringLiteral("DeleteMeasurement"));
    sideLayout->addWidget(deleteButton);
    splitter->addWidget(side);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 0);
    splitter->setSizes({900, 240});
    outer->addWidget(splitter, 1);

    buildToolBar();
    linkViews();

    connect(m_measurements, &MeasurementSet::changed, this, &ReadingWorkspace::refreshMeasurementList);
    connect(m_measurements, &MeasurementSet::selectionChanged, this, [this](int id) {
        for (int row = 0; row < m_measurementList->count(); ++row) {
            QListWidgetItem* item = m_measurementList->item(row);
            if (item->data(Qt::UserRole).toInt() == id) {
                m_measurementList->setCurrentItem(item);
            }
        }
    });
    connect(m_measurementList, &QListWidget::currentItemChanged, this, [this](QListWidgetItem* item) {
        if (!item) {
            return;
        }
        const int id = item->data(Qt::UserRole).toInt();
        m_measurements->select(id);
        // Go to where it was drawn: the view of that kind shows its plane.
        if (const Measurement* m = m_measurements->find(id); m && !m->points.empty()) {
            for (ImageView* view : imageViews()) {
                if (view->planeName() == m->view && view->isVisible()) {
                    view->setCrosshair(m->plane.point);
                }
            }
        }
    });
    connect(m_measurementList, &QListWidget::itemChanged, this, [this](QListWidgetItem* item) {
        // Renamed in the list: the label is the text before the first ": ".
        const int id = item->data(Qt::UserRole).toInt();
        QString text = item->text();
        const int colon = text.indexOf(QStringLiteral(": "));
        QString label = colon >= 0 ? text.left(colon) : text;
        const Measurement* m = m_measurements->find(id);
        if (m && label != m->label && label != measurementKindName(m->kind)) {
            m_measurements->setLabel(id, label);
        }
        security::secureErase(text);
    });
    connect(deleteButton, &QPushButton::clicked, this, [this] {
        if (m_measurements->selected() != 0) {
            m_measurements->remove(m_measurements->selected());
        }
    });
    connect(m_seriesList, &QListWidget::itemActivated, this, [this](QListWidgetItem* item) {
        const QString study = item->data(Qt::UserRole).toString();
        const QString series = item->data(Qt::UserRole + 1).toString();
        emit seriesRequested(study, series);
    });

    setReadingLayout(ReadingLayout::Single);
}

ReadingWorkspace::~ReadingWorkspace()
{
    wipe();
}

QList<ImageView*> ReadingWorkspace::imageViews() const
{
    return {m_stack, m_axial, m_coronal, m_sagittal};
}

QAction* ReadingWorkspace::toolAction(ReadingTool tool) const
{
    for (QAction* action : m_toolGroup->actions()) {
        if (action->data().toInt() == int(tool)) {
            return action;
        }
    }
    return nullptr;
}

void ReadingWorkspace::buildToolBar()
{
    struct LayoutEntry
    {
        ReadingLayout layout;
        QString text;
        const char* name;
    };
    const LayoutEntry layouts[] = {
        {ReadingLayout::Single, tr("1×1"), "layoutSingle"},
        {ReadingLayout::OneByTwo, tr("1×2"), "layoutOneByTwo"},
        {ReadingLayout::TwoByTwo, tr("2×2"), "layoutTwoByTwo"},
        {ReadingLayout::MprAnd3D, tr("MPR + 3D"), "layoutMprAnd3D"},
    };
    auto* layoutGroup = new QActionGroup(this);
    for (const LayoutEntry& entry : layouts) {
        QAction* action = m_toolBar->addAction(entry.text);
        action->setObjectName(QLatin1String(entry.name));
        action->setCheckable(true);
        layoutGroup->addAction(action);
        m_layoutActions[std::size_t(entry.layout)] = action;
        const ReadingLayout layout = entry.layout;
        connect(action, &QAction::triggered, this, [this, layout] { setReadingLayout(layout); });
    }
    m_toolBar->addSeparator();

    m_toolGroup = new QActionGroup(this);
    for (const ToolEntry& entry : kTools) {
        QAction* action = m_toolBar->addAction(tr(entry.text));
        action->setObjectName(QLatin1String(entry.objectName));
        action->setCheckable(true);
        action->setData(int(entry.tool));
        m_toolGroup->addAction(action);
        const ReadingTool tool = entry.tool;
        connect(action, &QAction::triggered, this, [this, tool] { setTool(tool); });
    }
    m_toolBar->addSeparator();

    // Window presets: the same number keys as in the views (1-8, 9 the series' own).
    auto* presetButton = new QToolButton(m_toolBar);
    presetButton->setObjectName(QStringLiteral("WindowPresetButton"));
    presetButton->setText(tr("Window"));
    presetButton->setPopupMode(QToolButton::InstantPopup);
    auto* presetMenu = new QMenu(presetButton);
    for (const WindowPreset& preset : fixedWindowPresets()) {
        QAction* action = presetMenu->addAction(tr("%1 (W %2 / L %3)  [%4]")
                                                    .arg(preset.name())
                                                    .arg(preset.window.width)
                                                    .arg(preset.window.centre)
                                                    .arg(preset.numberKey));
        action->setObjectName(QStringLiteral("preset_%1").arg(QLatin1String(preset.key)));
        const int key = preset.numberKey;
        connect(action, &QAction::triggered, this, [this, key] { m_stack->applyPreset(key); });
    }
    QAction* seriesPreset = presetMenu->addAction(tr("Series window  [9]"));
    seriesPreset->setObjectName(QStringLiteral("preset_series"));
    connect(seriesPreset, &QAction::triggered, this,
            [this] { m_stack->applyPreset(kSeriesWindowNumberKey); });
    presetButton->setMenu(presetMenu);
    m_toolBar->addWidget(presetButton);

    QAction* invert = m_toolBar->addAction(tr("Invert"));
    invert->setObjectName(QStringLiteral("actionInvert"));
    connect(invert, &QAction::triggered, this, [this] {
        const bool inverted = !m_stack->inverted();
        for (ImageView* view : imageViews()) {
            view->setInverted(inverted);
        }
    });
    QAction* reset = m_toolBar->addAction(tr("Reset"));
    reset->setObjectName(QStringLiteral("actionResetViews"));
    connect(reset, &QAction::triggered, this, [this] {
        for (ImageView* view : imageViews()) {
            view->reset();
        }
        m_volumeView->resetCamera();
        refreshReferences();
    });
    QAction* cine = m_toolBar->addAction(tr("Cine"));
    cine->setObjectName(QStringLiteral("actionCine"));
    cine->setCheckable(true);
    connect(cine, &QAction::toggled, this, [this](bool on) { m_stack->setCineRunning(on); });
    m_toolBar->addSeparator();

    m_toolBar->addWidget(new QLabel(tr("Slab "), m_toolBar));
    m_slabMode = new QComboBox(m_toolBar);
    m_slabMode->setObjectName(QStringLiteral("SlabMode"));
    m_slabMode->addItem(tr("Thin"), int(SlabMode::None));
    m_slabMode->addItem(tr("MIP"), int(SlabMode::Max));
    m_slabMode->addItem(tr("MinIP"), int(SlabMode::Min));
    m_slabMode->addItem(tr("Average"), int(SlabMode::Mean));
    m_toolBar->addWidget(m_slabMode);
    m_slabThickness = new QDoubleSpinBox(m_toolBar);
    m_slabThickness->setObjectName(QStringLiteral("SlabThickness"));
    m_slabThickness->setRange(1.0, 100.0);
    m_slabThickness->setValue(10.0);
    m_slabThickness->setSuffix(tr(" mm"));
    m_toolBar->addWidget(m_slabThickness);
    const auto applySlab = [this] {
        setSlab(SlabMode(m_slabMode->currentData().toInt()), m_slabThickness->value());
    };
    connect(m_slabMode, &QComboBox::currentIndexChanged, this, applySlab);
    connect(m_slabThickness, &QDoubleSpinBox::valueChanged, this, applySlab);
    m_toolBar->addSeparator();

    m_toolBar->addWidget(new QLabel(tr("3D "), m_toolBar));
    m_volumePreset = new QComboBox(m_toolBar);
    m_volumePreset->setObjectName(QStringLiteral("VolumePreset"));
    for (const VolumePreset preset : {VolumePreset::Bone, VolumePreset::SoftTissue, VolumePreset::Lung,
                                      VolumePreset::Vessels, VolumePreset::Mip}) {
        m_volumePreset->addItem(VolumeView::presetName(preset), int(preset));
    }
    m_toolBar->addWidget(m_volumePreset);
    connect(m_volumePreset, &QComboBox::currentIndexChanged, this,
            [this] { m_volumeView->setPreset(VolumePreset(m_volumePreset->currentData().toInt())); });
    // A preset chosen with the 3D view's keys shows in the box too.
    connect(m_volumeView, &VolumeView::presetChanged, this, [this](VolumePreset preset) {
        const QSignalBlocker block(m_volumePreset);
        m_volumePreset->setCurrentIndex(m_volumePreset->findData(int(preset)));
    });
    QAction* crop = m_toolBar->addAction(tr("Crop…"));
    crop->setObjectName(QStringLiteral("actionCrop"));
    connect(crop, &QAction::triggered, this, &ReadingWorkspace::editCrop);
}

void ReadingWorkspace::linkViews()
{
    const QList<ImageView*> views = imageViews();
    for (ImageView* view : views) {
        connect(view, &ImageView::crosshairMoved, this, [this, view](const Vec3& lps) {
            for (ImageView* other : imageViews()) {
                if (other != view) {
                    other->setCrosshair(lps);
                }
            }
        });
        connect(view, &ImageView::windowChanged, this, [this, view](const Window& window) {
            if (m_syncing) {
                return;
            }
            m_syncing = true;
            for (ImageView* other : imageViews()) {
                if (other != view) {
                    other->setWindow(window);
                }
            }
            m_syncing = false;
        });
        connect(view, &ImageView::rotateRequested, this, [this, view](const Vec3& axis, double degrees) {
            for (ImageView* other : {m_axial, m_coronal, m_sagittal}) {
                if (other != view) {
                    other->rotatePlane(axis, degrees);
                }
            }
            refreshReferences();
        });
        connect(view, &ImageView::viewChanged, this, [this] { refreshReferences(); });
    }
}

void ReadingWorkspace::refreshReferences()
{
    const std::array<std::pair<ImageView*, QColor>, 3> mpr{
        {{m_axial, kAxialColour}, {m_coronal, kCoronalColour}, {m_sagittal, kSagittalColour}}};
    for (const auto& [view, colour] : mpr) {
        std::vector<ReferencePlane> references;
        for (const auto& [other, otherColour] : mpr) {
            if (other != view && other->hasVolume()) {
                references.push_back({viewNormal(other->axes()), otherColour});
            }
        }
        view->setReferencePlanes(std::move(references));
    }
}

void ReadingWorkspace::setReadingLayout(ReadingLayout layout)
{
    m_layout = layout;
    QList<QWidget*> all{m_stack, m_axial, m_coronal, m_sagittal, m_volumeView};
    for (QWidget* w : all) {
        m_grid->removeWidget(w);
    }
    const QList<QWidget*> shown = visibleViews();
    for (QWidget* w : all) {
        w->setVisible(shown.contains(w));
    }
    switch (layout) {
    case ReadingLayout::Single:
        m_grid->addWidget(m_stack, 0, 0);
        break;
    case ReadingLayout::OneByTwo:
        m_grid->addWidget(m_stack, 0, 0);
        m_grid->addWidget(m_volumeView, 0, 1);
        break;
    case ReadingLayout::TwoByTwo:
        m_grid->addWidget(m_stack, 0, 0);
        m_grid->addWidget(m_axial, 0, 1);
        m_grid->addWidget(m_coronal, 1, 0);
        m_grid->addWidget(m_sagittal, 1, 1);
        break;
    case ReadingLayout::MprAnd3D:
        m_grid->addWidget(m_axial, 0, 0);
        m_grid->addWidget(m_coronal, 0, 1);
        m_grid->addWidget(m_sagittal, 1, 0);
        m_grid->addWidget(m_volumeView, 1, 1);
        break;
    }
    // Only the rows and columns in use stretch: an empty second row or column would otherwise take half the
    // area (1x1 showed the stack in a quarter of it).
    const int rows = (layout == ReadingLayout::TwoByTwo || layout == ReadingLayout::MprAnd3D) ? 2 : 1;
    const int columns = layout == ReadingLayout::Single ? 1 : 2;
    for (int i = 0; i < 2; ++i) {
        m_grid->setRowStretch(i, i < rows ? 1 : 0);
        m_grid->setColumnStretch(i, i < columns ? 1 : 0);
    }
    m_layoutActions[std::size_t(layout)]->setChecked(true);
    if (m_volume && shown.contains(m_volumeView) && !m_volumeView->hasVolume()) {
        m_volumeView->setVolume(m_volume, m_identity);
    }
    refreshReferences();
}

QList<QWidget*> ReadingWorkspace::visibleViews() const
{
    switch (m_layout) {
    case ReadingLayout::Single:
        return {m_stack};
    case ReadingLayout::OneByTwo:
        return {m_stack, m_volumeView};
    case ReadingLayout::TwoByTwo:
        return {m_stack, m_axial, m_coronal, m_sagittal};
    case ReadingLayout::MprAnd3D:
        return {m_axial, m_coronal, m_sagittal, m_volumeView};
    }
    return {};
}

void ReadingWorkspace::setTool(ReadingTool tool)
{
    m_tool = tool;
    for (ImageView* view : imageViews()) {
        view->setTool(tool);
    }
    if (QAction* action = toolAction(tool)) {
        action->setChecked(true);
    }
}

void ReadingWorkspace::setSlab(SlabMode mode, double thicknessMm)
{
    for (ImageView* view : {m_axial, m_coronal, m_sagittal}) {
        view->setSlab(mode, thicknessMm);
    }
    const QSignalBlocker blockMode(m_slabMode);
    const QSignalBlocker blockThickness(m_slabThickness);
    m_slabMode->setCurrentIndex(m_slabMode->findData(int(mode)));
    m_slabThickness->setValue(thicknessMm);
}

void ReadingWorkspace::showSeries(const Volume* volume, const SeriesContext& context, const QString& studyUid,
                                  const QString& seriesUid)
{
    clearSeries();
    if (!volume || volume->wiped()) {
        return;
    }
    if (studyUid != m_studyUid) {
        // Another study (another patient, perhaps): the previous study's measurements and the thumbnails of
        // its series must not be shown with it.
        (void)dropStudy();
        m_studyUid = studyUid;
    }
    m_volume = volume;
    m_measurements->setVolume(volume);
    for (ImageView* view : imageViews()) {
        view->setVolume(volume, context);
        view->setTool(m_tool);
    }
    // The 3D view gets the volume only when it is on screen: its first shaded frame computes the gradient
    // tables (seconds for 512x512x300 on the CPU mapper) and holds about 1.5x the volume in memory.
    m_identity = context.identity;
    if (visibleViews().contains(m_volumeView)) {
        m_volumeView->setVolume(volume, m_identity);
    }
    m_volumeView->setPreset(VolumePreset(m_volumePreset->currentData().toInt()));
    setSlab(SlabMode(m_slabMode->currentData().toInt()), m_slabThickness->value());
    refreshReferences();

    // The thumbnail: made here, in memory, from the middle slice; it is patient data and goes with the wipe.
    QImage thumb = makeThumbnail(*volume, context);
    m_thumbnails.insert(seriesUid, thumb);
    QListWidgetItem* item = nullptr;
    for (int row = 0; row < m_seriesList->count(); ++row) {
        if (m_seriesList->item(row)->data(Qt::UserRole + 1).toString() == seriesUid) {
            item = m_seriesList->item(row);
        }
    }
    if (!item) {
        item = new QListWidgetItem(m_seriesList);
    }
    item->setIcon(QIcon(QPixmap::fromImage(thumb)));
    item->setText(tr("Series %1").arg(context.identity.seriesNumber));
    item->setToolTip(context.identity.seriesDescription);
    item->setData(Qt::UserRole, studyUid);
    item->setData(Qt::UserRole + 1, seriesUid);
    m_seriesList->setCurrentItem(item);
}

QImage ReadingWorkspace::makeThumbnail(const Volume& volume, const SeriesContext& context) const
{
    const int k = volume.slices() / 2;
    const std::int16_t* voxels = volume.slice(k);
    QImage image(volume.columns(), volume.rows(), QImage::Format_Grayscale8);
    if (!voxels) {
        image.fill(0);
        return image;
    }
    const Window window = context.seriesWindow.value_or(Window{40, 400});
    for (int y = 0; y < volume.rows(); ++y) {
        applyWindow(std::span<const std::int16_t>(voxels + std::ptrdiff_t(y) * volume.columns(),
                                                  std::size_t(volume.columns())),
                    std::span<std::uint8_t>(image.scanLine(y), std::size_t(volume.columns())), window);
    }
    QImage small =
        image.scaled(kThumbnailSize, kThumbnailSize, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    std::memset(image.bits(), 0, std::size_t(image.sizeInBytes()));
    return small;
}

void ReadingWorkspace::clearSeries()
{
    for (ImageView* view : imageViews()) {
        view->clearVolume();
    }
    m_volumeView->clearVolume();
    m_measurements->setVolume(nullptr);
    m_volume = nullptr;
    eraseIdentity(m_identity);
}

void ReadingWorkspace::refreshMeasurementList()
{
    const QSignalBlocker block(m_measurementList);
    for (int row = 0; row < m_measurementList->count(); ++row) {
        QString text = m_measurementList->item(row)->text();
        security::secureErase(text);
    }
    m_measurementList->clear();
    for (const Measurement& m : m_measurements->all()) {
        const QString name = m.label.isEmpty() ? measurementKindName(m.kind) : m.label;
        auto* item = new QListWidgetItem(QStringLiteral("%1: %2 (%3)").arg(name, measurementText(m), m.view),
                                         m_measurementList);
        item->setData(Qt::UserRole, m.id);
        item->setFlags(item->flags() | Qt::ItemIsEditable);
        if (m.id == m_measurements->selected()) {
            m_measurementList->setCurrentItem(item);
        }
    }
}

void ReadingWorkspace::editCrop()
{
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Crop the 3D view"));
    auto* form = new QFormLayout(&dialog);
    const std::array<double, 6> current = m_volumeView->cropFractions();
    std::array<QDoubleSpinBox*, 6> boxes{};
    const QString names[6] = {tr("Right (R) side %"),     tr("Left (L) side %"), tr("Anterior (A) side %"),
                              tr("Posterior (P) side %"), tr("Feet (F) side %"), tr("Head (H) side %")};
    for (std::size_t i = 0; i < 6; ++i) {
        boxes[i] = new QDoubleSpinBox(&dialog);
        boxes[i]->setRange(0, 100);
        boxes[i]->setValue(current[i] * 100);
        boxes[i]->setObjectName(QStringLiteral("crop%1").arg(i));
        form->addRow(names[i], boxes[i]);
    }
    auto* buttons = new QDialogButtonBox(
        QDialogButtonBox::Ok | QDialogButtonBox::Cancel | QDialogButtonBox::Reset, &dialog);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    connect(buttons->button(QDialogButtonBox::Reset), &QPushButton::clicked, &dialog, [&boxes] {
        for (std::size_t i = 0; i < 6; ++i) {
            boxes[i]->setValue(i % 2 == 0 ? 0 : 100);
        }
    });
    form->addRow(buttons);
    if (dialog.exec() == QDialog::Accepted) {
        std::array<double, 6> fractions{};
        for (std::size_t i = 0; i < 6; ++i) {
            fractions[i] = boxes[i]->value() / 100.0;
        }
        m_volumeView->setCropFractions(fractions);
    }
}

QString ReadingWorkspace::wipeName() const
{
    return QStringLiteral("reading views");
}

std::size_t ReadingWorkspace::dropStudy()
{
    std::size_t bytes = m_measurements->wipe();
    {
        const QSignalBlocker block(m_measurementList);
        m_measurementList->clear();
    }
    for (auto it = m_thumbnails.begin(); it != m_thumbnails.end(); ++it) {
        bytes += std::size_t(it->sizeInBytes());
        std::memset(it->bits(), 0, std::size_t(it->sizeInBytes()));
    }
    m_thumbnails.clear();
    for (int row = 0; row < m_seriesList->count(); ++row) {
        QListWidgetItem* item = m_seriesList->item(row);
        QString tip = item->toolTip();
        security::secureErase(tip);
    }
    m_seriesList->clear();
    return bytes;
}

std::size_t ReadingWorkspace::wipe()
{
    // Counted: what this object zeroes itself (thumbnails, measurements); the voxels are counted by the
    // volume's owner, and the views' textures are released by VTK and the GL driver.
    clearSeries();
    std::size_t bytes = dropStudy();
    security::secureErase(m_studyUid);
    // Repaint the side panel now so its backing store holds no names or thumbnails.
    if (isVisible()) {
        repaint();
    }
    return bytes;
}

} // namespace dokuei::viewer
