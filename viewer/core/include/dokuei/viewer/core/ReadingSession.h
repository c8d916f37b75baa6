#pragma once

#include "dokuei/security/WipeRegistry.h"
#include "dokuei/viewer/core/SeriesContext.h"
#include "dokuei/viewer/core/SeriesLoader.h"

#include <dokuei/exchange/DicomWebJson.h>
#include <optional>

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QUrlQuery>

namespace dokuei::exchange {
class DicomWebClient;
}

namespace dokuei::viewer {

class IReadingAudit;

/// The reading, without widgets: the reading centre's study list (QIDO-RS), the study being read with its
/// series and which of them were opened, the series being loaded (it owns the SeriesLoader and gives it the
/// series' expected SOP Instance UIDs, so a broken transfer resumes instance by instance), and the last
/// series opened, to reopen after an unlock. Widgets show it and call its intents (refreshStudies, openStudy,
/// openSeries, reopenLastSeries); no widget queries the reading centre.
///
/// Built by the composition root once per signed-in session with the services; lives on the GUI thread.
/// Study records and UIDs are patient data: the wipe (lock, sign-out) drops and cancels everything. To offer
/// "reopen" after the unlock it keeps only keyed hashes of the last study's and series' UIDs (HMAC-SHA-256
/// under a random key of this object) and the series number, never the UIDs themselves.
class ReadingSession : public QObject, public security::IWipeable
{
    Q_OBJECT

public:
    /// `audit` (not owned, may be null in tests) records every query, series opened and retrieval.
    ReadingSession(security::WipeRegistry& registry, IReadingAudit* audit, QObject* parent = nullptr);
    ReadingSession(security::WipeRegistry& registry, IReadingAudit* audit,
                   SeriesLoader::Options loaderOptions, QObject* parent = nullptr);
    ~ReadingSession() override;

    /// The reading centre to search and load from (not owned); null: none configured, locked or signed out.
    /// Null cancels the load in progress.
    void setReadingCentre(exchange::DicomWebClient* client);
    bool hasReadingCentre() const { return m_client != nullptr; }

    /// The studies of the last answered search (empty before it and after a wipe).
    const QList<exchange::StudyRecord>& studies() const { return m_studies; }
    /// A listed study by UID; null when not listed.
    const exchange::StudyRecord* study(const QString& studyUid) const;
    /// The study being read (the one opened last), with the header facts a report needs: patient name groups,
    /// ID, birth date, sex, study date, description, accession, requesting facility, referring physician and
    /// the clinical question when the reading centre sent one. Null when none.
    const exchange::StudyRecord* currentStudy() const;
    /// The series of a study once they were searched (empty otherwise).
    QList<exchange::SeriesRecord> seriesOf(const QString& studyUid) const { return m_series.value(studyUid); }
    bool seriesListed(const QString& studyUid) const { return m_series.contains(studyUid); }
    /// The series opened last (loading or loaded); null when none.
    const exchange::SeriesRecord* currentSeries() const;
    /// The UIDs of the current study's series opened during this reading, in the order first opened.
    QStringList openedSeries() const;
    bool wasOpened(const QString& seriesUid) const
    {
        return m_opened.value(m_currentStudyUid).contains(seriesUid);
    }

    SeriesLoader& loader() { return *m_loader; }
    const SeriesLoader& loader() const { return *m_loader; }
    /// What the loaded series' views annotate with (empty while nothing is loaded). Holds the patient's name:
    /// erase it (eraseIdentity) once shown.
    SeriesContext loadedSeriesContext() const;

    /// After a wipe: the series last opened can be reopened with reopenLastSeries().
    bool canReopenLastSeries() const { return m_lastSeries.has_value() && m_lastSeries->wiped; }
    /// Series Number of the series last opened (-1: none or unknown).
    int lastSeriesNumber() const { return m_lastSeries ? m_lastSeries->number : -1; }

    QString wipeName() const override;
    std::size_t wipe() override;

public slots:
    /// Searches the reading centre's studies (QIDO-RS; `filter` holds matching keys, empty: all).
    void refreshStudies(const QUrlQuery& filter = {});
    /// Makes a listed study the one read and searches its series (once; studyOpened when listed).
    void openStudy(const QString& studyUid);
    /// Opens a series of `studyUid` (empty: of the current study): cancels the load in progress, searches the
    /// series' instances (QIDO-RS) and loads it with their SOP Instance UIDs. Opens the study first when
    /// its series are not listed yet.
    void openSeries(const QString& seriesUid, const QString& studyUid = {});
    /// After a wipe: lists the studies again if needed, finds the last study and series by their keyed
    /// hashes and opens the series; seriesFailed when the reading centre no longer lists it.
    void reopenLastSeries();

signals:
    void readingCentreChanged(bool available);
    /// A search of the studies started.
    void studiesSearching();
    /// The study list changed (a search answered, or the wipe emptied it).
    void studiesChanged();
    /// A search failed (studies, series or instances): a message for the user.
    void searchFailed(const QString& message);
    /// The series of a study were listed (seriesOf), whether or not it is still the study read.
    void studySeriesListed(const QString& studyUid);
    /// The study read changed (currentStudy()) and its series are listed.
    void studyOpened(const QString& studyUid);
    /// A series was opened; its instances are searched, then it loads.
    void seriesOpened(const QString& studyUid, const QString& seriesUid);
    /// Instances received of `expected` (0: unknown), bytes and rate.
    void seriesLoadProgress(int instances, int expected, qint64 bytes, double bytesPerSecond);
    /// One more instance decoded: loader().assembler() previews it.
    void seriesPreviewUpdated(int decoded);
    /// The volume is complete: loader().volume().
    void seriesReady();
    void seriesFailed(const QString& message);
    /// One instance of the series could not be loaded; the others continue.
    void instanceFailed(const QString& message);
    /// The volume is gone (replaced or wiped): views must drop their pointers now.
    void seriesCleared();
    /// Everything was wiped (lock, sign-out); canReopenLastSeries() tells whether a series can be reopened.
    void wiped();

private:
    struct LastSeries
    {
        QByteArray studyTag;
        QByteArray seriesTag;
        int number = -1;
        bool wiped = false;
    };

    void connectLoader();
    void startLoad(const QString& studyUid, const exchange::SeriesRecord& series, quint64 token);
    void endRetrieval(bool success, int instances, const QString& problem);
    void continueReopen();
    QByteArray tagOf(const QString& uid) const;
    QString patientIdOf(const QString& studyUid) const;

    IReadingAudit* m_audit;
    exchange::DicomWebClient* m_client = nullptr;
    SeriesLoader* m_loader;
    QByteArray m_tagKey; ///< random, for the keyed hashes of the last series' UIDs
    QList<exchange::StudyRecord> m_studies;
    QHash<QString, QList<exchange::SeriesRecord>> m_series;
    QHash<QString, QStringList> m_opened; ///< per study, series UIDs opened
    QString m_currentStudyUid;
    QString m_currentSeriesUid;
    QString m_pendingSeriesUid; ///< to open once its study's series are listed
    std::optional<LastSeries> m_lastSeries;
    bool m_reopening = false;
    /// Counts wipes: an answer to a search started before the last wipe is dropped.
    quint64 m_generation = 0;
    /// Counts series opened: an instance search answered for an earlier series is dropped.
    quint64 m_loadToken = 0;
    /// A retrieval was opened (110103) and its end (110104) not reported yet.
    bool m_retrieving = false;
    bool m_replacing = false;
    bool m_wiping =
        false; ///< inside wipe(): a transfer the wipe aborts is cancelled, not failed or retrieved
    int m_received = 0;
    int m_expected = 0;
    QString m_retrievingPatientId;
    QString m_retrievingStudyUid;
    QString m_retrievingSeriesUid;
    security::WipeRegistration m_registration;
};

} // namespace dokuei::viewer
