#pragma once

#include <QList>
#include <QObject>
#include <QString>

namespace dokuei::exchange {
class DicomWebClient;
struct StudyRecord;
} // namespace dokuei::exchange

namespace dokuei::viewer {
class IReadingAudit;
class ReadingSession;
} // namespace dokuei::viewer

namespace dokuei::app {

/// Finds the patient's previous report when a study is opened, without widgets: the reading centre's other
/// studies of the patient (QIDO-RS by Patient ID), newest first and not after the study read, their SR
/// series, the first SR instance retrieved (WADO-RS, memory only) and read (reporting::readPriorReport).
/// Emits found() with the first one that reads; nothing when there is none. Every query and retrieval is
/// audited as patient access. Answers for a study no longer read, or that arrive after a wipe, are dropped;
/// the text is handed over and not kept.
class PriorReportFinder : public QObject
{
    Q_OBJECT

public:
    PriorReportFinder(viewer::ReadingSession& reading, viewer::IReadingAudit* audit,
                      QObject* parent = nullptr);

    /// The reading centre (not owned; null while locked or signed out: nothing is searched).
    void setReadingCentre(exchange::DicomWebClient* client);

signals:
    /// The previous report: a title line (its date, title, reader, final or not) and its text.
    void found(const QString& title, const QString& text);
    /// The study read changed: the previous report shown so far is not this one's.
    void cleared();

private:
    struct Candidate
    {
        QString studyUid;
        QString studyDate;
        QString studyTime;
    };
    void onStudyOpened(const QString& studyUid);
    void tryNext(quint64 generation);
    void retrieve(quint64 generation, const Candidate& candidate, const QString& seriesUid);

    viewer::ReadingSession& m_reading;
    viewer::IReadingAudit* m_audit;
    exchange::DicomWebClient* m_client = nullptr;
    QString m_patientId;
    QString m_studyUid;
    QList<Candidate> m_candidates;
    quint64 m_generation = 0;
};

} // namespace dokuei::app
