#include "dokuei/app/PriorReportFinder.h"

#include "dokuei/reporting/PriorReport.h"
#include "dokuei/security/SecureBuffer.h"
#include "dokuei/viewer/core/IReadingAudit.h"
#include "dokuei/viewer/core/ReadingSession.h"

#include <algorithm>
#include <dokuei/exchange/DicomWebClient.h>

#include <QCoreApplication>
#include <QDate>
#include <QLocale>
#include <QPointer>
#include <QUrlQuery>

namespace dokuei::app {
namespace {

constexpr int kMaxCandidates = 5; ///< earlier studies looked at, newest first

QString shownDate(const QString& da)
{
    const QDate d = QDate::fromString(da, QStringLiteral("yyyyMMdd"));
    return d.isValid() ? QLocale().toString(d, QLocale::ShortFormat) : da;
}

} // namespace

PriorReportFinder::PriorReportFinder(viewer::ReadingSession& reading, viewer::IReadingAudit* audit,
                                     QObject* parent)
    : QObject(parent), m_reading(reading), m_audit(audit)
{
    connect(&m_reading, &viewer::ReadingSession::studyOpened, this, &PriorReportFinder::onStudyOpened);
    connect(&m_reading, &viewer::ReadingSession::wiped, this, [this] {
        ++m_generation;
        security::secureErase(m_patientId);
        security::secureErase(m_studyUid);
        m_candidates.clear();
    });
}

void PriorReportFinder::setReadingCentre(exchange::DicomWebClient* client)
{
    m_client = client;
    if (!client) {
        ++m_generation;
    }
}

void PriorReportFinder::onStudyOpened(const QString& studyUid)
{
    if (studyUid == m_studyUid && !m_studyUid.isEmpty()) {
        return; // the same study again: already searched
    }
    const exchange::StudyRecord* study = m_reading.study(studyUid);
    emit cleared();
    const quint64 generation = ++m_generation;
    m_candidates.clear();
    if (!study || !m_client || study->patientId.isEmpty()) {
        return;
    }
    m_patientId = study->patientId;
    m_studyUid = studyUid;
    const QString currentDate = study->studyDate;
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("PatientID"), m_patientId);
    QPointer<PriorReportFinder> self(this);
    m_client->searchStudies(
        query, [self, generation, currentDate](exchange::WebExpected<QList<exchange::StudyRecord>> studies) {
            if (!self || self->m_generation != generation) {
                return;
            }
            if (self->m_audit) {
                self->m_audit->auditQuery(QStringLiteral("earlier studies of the patient (previous report)"),
                                          studies ? int(studies->size()) : -1, self->m_patientId,
                                          self->m_studyUid, studies ? QString() : studies.error().message);
            }
            if (!studies) {
                return;
            }
            for (const exchange::StudyRecord& other : *studies) {
                // The patient's other studies, not after the one read (a later report is not a "previous"
                // one).
                if (other.studyUid == self->m_studyUid || other.patientId != self->m_patientId) {
                    continue;
                }
                if (!currentDate.isEmpty() && !other.studyDate.isEmpty() && other.studyDate > currentDate) {
                    continue;
                }
                self->m_candidates.append({other.studyUid, other.studyDate, other.studyTime});
            }
            std::stable_sort(self->m_candidates.begin(), self->m_candidates.end(),
                             [](const Candidate& a, const Candidate& b) {
                                 return a.studyDate != b.studyDate ? a.studyDate > b.studyDate
                                                                   : a.studyTime > b.studyTime;
                             });
            if (self->m_candidates.size() > kMaxCandidates) {
                self->m_candidates.resize(kMaxCandidates);
            }
            self->tryNext(generation);
        });
}

void PriorReportFinder::tryNext(quint64 generation)
{
    if (m_candidates.isEmpty() || !m_client || m_generation != generation) {
        return;
    }
    const Candidate candidate = m_candidates.takeFirst();
    QPointer<PriorReportFinder> self(this);
    m_client->searchSeries(
        candidate.studyUid,
        [self, generation, candidate](exchange::WebExpected<QList<exchange::SeriesRecord>> series) {
            if (!self || self->m_generation != generation) {
                return;
            }
            if (series) {
                for (const exchange::SeriesRecord& record : *series) {
                    if (record.modality == QLatin1String("SR")) {
                        self->retrieve(generation, candidate, record.seriesUid);
                        return;
                    }
                }
            }
            self->tryNext(generation);
        });
}

void PriorReportFinder::retrieve(quint64 generation, const Candidate& candidate, const QString& seriesUid)
{
    QPointer<PriorReportFinder> self(this);
    m_client->searchInstances(
        candidate.studyUid, seriesUid,
        [self, generation, candidate,
         seriesUid](exchange::WebExpected<QList<exchange::InstanceRecord>> instances) {
            if (!self || self->m_generation != generation || !self->m_client) {
                return;
            }
            if (!instances || instances->isEmpty()) {
                self->tryNext(generation);
                return;
            }
            const QString sopUid = instances->front().sopInstanceUid;
            self->m_client->retrieveInstance(
                candidate.studyUid, seriesUid, sopUid,
                [self, generation, candidate, seriesUid](exchange::WebExpected<QByteArray> bytes) {
                    if (!self || self->m_generation != generation) {
                        if (bytes) {
                            bytes->fill('\0');
                        }
                        return;
                    }
                    if (self->m_audit) {
                        self->m_audit->auditSeriesRetrieved(self->m_patientId, candidate.studyUid, seriesUid,
                                                            bytes ? 1 : 0, bool(bytes),
                                                            bytes ? QString() : bytes.error().message);
                    }
                    if (!bytes) {
                        self->tryNext(generation);
                        return;
                    }
                    auto prior = reporting::readPriorReport(*bytes);
                    bytes->fill('\0');
                    if (!prior) {
                        self->tryNext(generation);
                        return;
                    }
                    QStringList title{tr("Previous report")};
                    title << shownDate(!prior->studyDate.isEmpty() ? prior->studyDate : candidate.studyDate);
                    if (!prior->title.isEmpty()) {
                        title << prior->title;
                    }
                    if (!prior->observer.isEmpty()) {
                        title
                            << QString(prior->observer).replace(QLatin1Char('^'), QLatin1Char(' ')).trimmed();
                    }
                    title << (prior->final ? tr("final") : tr("not final"));
                    emit self->found(title.join(QStringLiteral(" · ")), prior->text);
                    reporting::erasePriorReport(*prior);
                });
        });
}

} // namespace dokuei::app
