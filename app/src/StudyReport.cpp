#include "dokuei/app/StudyReport.h"

#include "dokuei/reporting/ReportSession.h"
#include "dokuei/reporting/TemplateLibrary.h"
#include "dokuei/viewer/core/ReadingSession.h"

#include <dokuei/exchange/DicomWebJson.h>

#include <QCoreApplication>

namespace dokuei::app {

reporting::ReportHeader reportHeader(const exchange::StudyRecord& study)
{
    reporting::ReportHeader header;
    header.patientNameAlphabetic = study.patientName.alphabetic;
    header.patientNameIdeographic = study.patientName.ideographic;
    header.patientNamePhonetic = study.patientName.phonetic;
    header.patientId = study.patientId;
    header.patientBirthDate = study.patientBirthDate;
    header.patientSex = study.patientSex;
    header.studyUid = study.studyUid;
    header.studyDate = study.studyDate;
    header.studyTime = study.studyTime;
    header.studyDescription = study.description;
    header.accessionNumber = study.accessionNumber;
    header.modality = study.modalities.value(0);
    header.requestingFacility = study.institution;
    const exchange::PersonName& referring = study.referringPhysician;
    header.referringPhysician =
        !referring.alphabetic.isEmpty() ? referring.alphabetic : referring.ideographic;
    header.clinicalQuestion = study.reasonForRequest;
    return header;
}

StudyReport::StudyReport(viewer::ReadingSession& reading, reporting::ReportSession& report,
                         const reporting::TemplateLibrary& templates, QString language, QObject* parent)
    : QObject(parent), m_reading(reading), m_report(report), m_templates(templates),
      m_language(std::move(language))
{
    connect(&m_reading, &viewer::ReadingSession::studyOpened, this, &StudyReport::openForCurrentStudy);
    connect(&m_reading, &viewer::ReadingSession::studySeriesListed, this, &StudyReport::onStudySeriesListed);
    connect(&m_reading, &viewer::ReadingSession::seriesOpened, this,
            [this](const QString& studyUid, const QString& seriesUid) {
                if (m_report.hasReport() && m_report.document().header.studyUid == studyUid) {
                    m_report.markSeriesOpened(seriesUid);
                }
            });
}

void StudyReport::openForCurrentStudy()
{
    const exchange::StudyRecord* study = m_reading.currentStudy();
    if (!study) {
        return;
    }
    if (m_report.hasReport() && m_report.document().header.studyUid == study->studyUid) {
        giveSeries(study->studyUid);
        return; // already open (a resumed draft, or the same study again)
    }
    if (m_report.hasReport()) {
        m_report.close(); // saved into the vault; offered again with its study
    }
    const QString modality = study->modalities.value(0, QStringLiteral("CT"));
    const reporting::ReportTemplate* tmpl = m_templates.bestFor(modality, {}, study->description);
    if (!tmpl && !m_templates.templates().isEmpty()) {
        tmpl = &m_templates.templates().front();
    }
    if (!tmpl) {
        emit openFailed(QCoreApplication::translate("dokuei::app::StudyReport",
                                                    "No report template is installed for %1 studies.")
                            .arg(modality));
        return;
    }
    auto opened = m_report.open(reportHeader(*study), *tmpl, m_language);
    if (!opened) {
        emit openFailed(
            QCoreApplication::translate("dokuei::app::StudyReport", "The report could not be opened: %1")
                .arg(opened.error().message));
        return;
    }
    giveSeries(study->studyUid);
}

void StudyReport::onStudySeriesListed(const QString& studyUid)
{
    if (m_report.hasReport() && m_report.document().header.studyUid == studyUid) {
        giveSeries(studyUid);
    }
}

void StudyReport::giveSeries(const QString& studyUid)
{
    QList<std::pair<QString, QString>> series;
    for (const exchange::SeriesRecord& record : m_reading.seriesOf(studyUid)) {
        const QString description =
            record.description.isEmpty()
                ? QCoreApplication::translate("dokuei::app::StudyReport", "Series %1").arg(record.number)
                : QCoreApplication::translate("dokuei::app::StudyReport", "Series %1 (%2)")
                      .arg(record.number)
                      .arg(record.description);
        series.append({record.seriesUid, description});
    }
    m_report.setStudySeries(series);
    if (m_reading.currentStudy() && m_reading.currentStudy()->studyUid == studyUid) {
        for (const QString& uid : m_reading.openedSeries()) {
            m_report.markSeriesOpened(uid);
        }
    }
}

} // namespace dokuei::app
