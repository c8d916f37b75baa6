#pragma once

#include "dokuei/security/WipeRegistry.h"
#include "dokuei/viewer/core/MeasurementSet.h"
#include "dokuei/viewer/ui/ImageView.h"
#include "dokuei/viewer/ui/VolumeView.h"

#include <array>

#include <QHash>
#include <QImage>
#include <QWidget>

class QAction;
class QActionGroup;
class QComboBox;
class QDoubleSpinBox;
class QGridLayout;
class QListWidget;
class QToolBar;

namespace dokuei::viewer {

enum class ReadingLayout
{
    Single,   ///< 1x1: the stack
    OneByTwo, ///< 1x2: the stack and the 3D view
    TwoByTwo, ///< 2x2: the stack, axial, coronal and sagittal MPR
    MprAnd3D, ///< MPR 3-up + 3D: axial, coronal, sagittal and the 3D view
};

/// The reading area: the views in a layout, the tool bar (layouts, tools, window presets, slab, 3D preset,
/// crop, cine), the series browser with thumbnails made in memory, and the measurement list (select,
/// rename, delete). The MPR views are linked by one crosshair with reference lines; the 2D views share one
/// window/level. Holds patient data (views, thumbnails, measurements): registered for wipe; the wipe clears
/// every view (textures and framebuffers released and repainted black) before it returns.
class ReadingWorkspace : public QWidget, public security::IWipeable
{
    Q_OBJECT

public:
    explicit ReadingWorkspace(security::WipeRegistry& registry, QWidget* parent = nullptr);
    ~ReadingWorkspace() override;

    /// Shows the series (volume not owned: clearSeries() or the wipe before it goes) in every view, and makes
    /// its thumbnail.
    void showSeries(const Volume* volume, const SeriesContext& context, const QString& studyUid,
                    const QString& seriesUid);
    /// Drops the volume from every view (the thumbnails and measurements stay until the wipe).
    void clearSeries();
    bool hasSeries() const { return m_volume != nullptr; }

    void setReadingLayout(ReadingLayout layout);
    ReadingLayout readingLayout() const { return m_layout; }
    void setTool(ReadingTool tool);
    ReadingTool tool() const { return m_tool; }
    void setSlab(SlabMode mode, double thicknessMm);

    ImageView* stackView() const { return m_stack; }
    ImageView* axialView() const { return m_axial; }
    ImageView* coronalView() const { return m_coronal; }
    ImageView* sagittalView() const { return m_sagittal; }
    VolumeView* volumeView() const { return m_volumeView; }
    /// The views of the current layout.
    QList<QWidget*> visibleViews() const;
    MeasurementSet& measurements() { return *m_measurements; }
    QListWidget* measurementList() const { return m_measurementList; }
    QListWidget* seriesList() const { return m_seriesList; }
    QToolBar* toolBar() const { return m_toolBar; }
    QAction* layoutAction(ReadingLayout layout) const { return m_layoutActions[std::size_t(layout)]; }
    QAction* toolAction(ReadingTool tool) const;
    QComboBox* slabModeBox() const { return m_slabMode; }
    QDoubleSpinBox* slabThicknessBox() const { return m_slabThickness; }
    QComboBox* volumePresetBox() const { return m_volumePreset; }
    /// The thumbnail made for a series (null image when none).
    QImage thumbnail(const QString& seriesUid) const { return m_thumbnails.value(seriesUid); }

    QString wipeName() const override;
    std::size_t wipe() override;

signals:
    /// A thumbnail of a series not on screen was activated.
    void seriesRequested(const QString& studyUid, const QString& seriesUid);

private:
    /// Zeroes and drops the study's measurements, thumbnails and series list (bytes zeroed).
    std::size_t dropStudy();
    void buildToolBar();
    void linkViews();
    void refreshReferences();
    void refreshMeasurementList();
    void editCrop();
    QImage makeThumbnail(const Volume& volume, const SeriesContext& context) const;
    QList<ImageView*> imageViews() const;

    MeasurementSet* m_measurements;
    ImageView* m_stack;
    ImageView* m_axial;
    ImageView* m_coronal;
    ImageView* m_sagittal;
    VolumeView* m_volumeView;
    QGridLayout* m_grid = nullptr;
    QToolBar* m_toolBar = nullptr;
    QListWidget* m_seriesList = nullptr;
    QListWidget* m_measurementList = nullptr;
    std::array<QAction*, 4> m_layoutActions{};
    QActionGroup* m_toolGroup = nullptr;
    QComboBox* m_slabMode = nullptr;
    QDoubleSpinBox* m_slabThickness = nullptr;
    QComboBox* m_volumePreset = nullptr;
    ReadingLayout m_layout = ReadingLayout::Single;
    ReadingTool m_tool = ReadingTool::WindowLevel;
    const Volume* m_volume = nullptr;
    SeriesIdentity m_identity; ///< for the 3D view, which gets the volume when it is first shown
    QHash<QString, QImage> m_thumbnails;
    QString m_studyUid; ///< the study of the series shown last (thumbnails and measurements are its own)
    bool m_syncing = false;
    security::WipeRegistration m_registration;
};

} // namespace dokuei::viewer
