#pragma once

#include "dokuei/security/WipeRegistry.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace dokuei::exchange {
class DicomWebClient;
}

namespace dokuei::app {

/// The reading centre's studies and their series (QIDO-RS), until the worklist step: double-click a series
/// to open it. It shows patient names, so it registers with the wipe registry and is cleared on lock.
class StudyBrowser : public QWidget, public security::IWipeable
{
    Q_OBJECT

public:
    StudyBrowser(security::WipeRegistry& registry, QWidget* parent = nullptr);
    ~StudyBrowser() override;

    /// The client to query (null: no reading centre configured or signed out).
    void setClient(exchange::DicomWebClient* client);
    /// Queries the studies again.
    void refresh();
    /// Emits openSeries for a series already listed (e.g. its thumbnail was activated); false when the
    /// series is not in the list.
    bool openSeriesByUid(const QString& seriesUid);

    QString wipeName() const override;
    std::size_t wipe() override;

signals:
    void openSeries(const QString& studyUid, const QString& seriesUid, int instances, const QString& patient,
                    const QString& patientId, const QString& description);
    /// A search of the reading centre (QIDO-RS) was answered and shown, for the query record (110112):
    /// what was searched (never a patient's name), how many matched (-1: the search failed, `problem` says
    /// why), and for a search of one study's series its patient ID and study UID.
    void queried(const QString& filterDescription, int resultCount, const QString& patientId,
                 const QString& studyUid, const QString& problem);

private:
    void emitOpen(QTreeWidgetItem* seriesItem);
    void loadSeries(QTreeWidgetItem* studyItem);

    exchange::DicomWebClient* m_client = nullptr;
    /// Counts wipes: an answer to a search started before the last wipe (lock) is dropped, never shown.
    quint64 m_generation = 0;
    QTreeWidget* m_tree;
    QPushButton* m_refresh;
    QLabel* m_status;
    security::WipeRegistration m_registration;
};

} // namespace dokuei::app
