#pragma once

#include <QObject>
#include <QString>

namespace dokuei::reporting {
class ReportSession;
class TemplateLibrary;
struct ReportHeader;
} // namespace dokuei::reporting

namespace dokuei::exchange {
struct StudyRecord;
}

namespace dokuei::viewer {
class ReadingSession;
}

namespace dokuei::app {

/// Keeps the report with the reading, without widgets: when a study is opened its report is opened (the
/// unfinished draft of that study from the user vault, or a new one from the template that fits the study's
/// modality and description), the study's series are given to the completeness check and every series
/// opened is marked. Built by the composition root per signed-in session; both sessions outlive it.
class StudyReport : public QObject
{
    Q_OBJECT

public:
    StudyReport(viewer::ReadingSession& reading, reporting::ReportSession& report,
                const reporting::TemplateLibrary& templates, QString language, QObject* parent = nullptr);

    /// Opens the report of the reading's current study now (also done on ReadingSession::studyOpened).
    void openForCurrentStudy();

signals:
    /// The report could not be opened (no template for the modality, the vault refused): for the user.
    void openFailed(const QString& message);

private:
    void onStudySeriesListed(const QString& studyUid);
    void giveSeries(const QString& studyUid);

    viewer::ReadingSession& m_reading;
    reporting::ReportSession& m_report;
    const reporting::TemplateLibrary& m_templates;
    QString m_language;
};

/// The report header of a study as the reading centre listed it.
reporting::ReportHeader reportHeader(const exchange::StudyRecord& study);

} // namespace dokuei::app
