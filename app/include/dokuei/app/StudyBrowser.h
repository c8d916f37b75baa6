#pragma once

#include "dokuei/security/WipeRegistry.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace dokuei::viewer {
class ReadingSession;
}

namespace dokuei::app {

/// The study list: the reading session's studies with date, description, accession, requesting facility,
/// modality, series and image counts (sortable columns); expanding a study lists its series (number,
/// description, modality, images; the ones opened in bold); double-clicking a series opens it. It only shows
/// the session and calls its intents: the session queries the reading centre. It shows patient names, so it
/// registers with the wipe registry and is cleared on lock.
class StudyBrowser : public QWidget, public security::IWipeable
{
    Q_OBJECT

public:
    /// The columns of the study list.
    enum Column
    {
        PatientColumn,
        DateColumn,
        DescriptionColumn,
        AccessionColumn,
        FacilityColumn,
        ModalityColumn,
        SeriesColumn,
        ImagesColumn,
        ColumnCount,
    };

    StudyBrowser(security::WipeRegistry& registry, QWidget* parent = nullptr);
    ~StudyBrowser() override;

    /// The session to show (not owned; null: signed out).
    void setSession(viewer::ReadingSession* session);
    /// Asks the session to open a series already listed (e.g. its thumbnail was activated); false when the
    /// series is not in the list.
    bool openSeriesByUid(const QString& seriesUid);
    /// A line under the list (search and loading progress).
    void showStatus(const QString& text);
    QString statusText() const;
    QTreeWidget* tree() const { return m_tree; }

    QString wipeName() const override;
    std::size_t wipe() override;

private:
    void showStudies();
    void showSeries(const QString& studyUid);
    void markOpened();
    void updateAvailability();
    QTreeWidgetItem* studyItem(const QString& studyUid) const;

    viewer::ReadingSession* m_session = nullptr; ///< not owned
    QTreeWidget* m_tree;
    QPushButton* m_refresh;
    QLabel* m_status;
    security::WipeRegistration m_registration;
};

} // namespace dokuei::app
