#include "dokuei/viewer/core/ReadingSession.h"

#include "dokuei/viewer/core/IReadingAudit.h"

#include <algorithm>
#include <dokuei/exchange/DicomWebClient.h>
#include <utility>

#include <QCryptographicHash>
#include <QMessageAuthenticationCode>
#include <QPointer>
#include <QRandomGenerator>

namespace dokuei::viewer {
namespace {

/// What a study search looked for, for the query record: the matching keys, never a patient's name.
QString describeFilter(const QUrlQuery& filter)
{
    if (filter.isEmpty()) {
        return QStringLiteral("studies: all");
    }
    QStringList keys;
    for (const auto& [key, value] : filter.queryItems()) {
        const bool name = key == QStringLiteral("PatientName") || key == QStringLiteral("00100010");
        keys << (name ? key + QStringLiteral("=(name)") : key + QLatin1Char('=') + value);
    }
    return QStringLiteral("studies: ") + keys.join(QLatin1Char('&'));
}

} // namespace

ReadingSession::ReadingSession(security::WipeRegistry& registry, IReadingAudit* audit, QObject* parent)
    : ReadingSession(registry, audit, SeriesLoader::Options{}, parent)
{}

ReadingSession::ReadingSession(security::WipeRegistry& registry, IReadingAudit* audit,
                               SeriesLoader::Options loaderOptions, QObject* parent)
    : QObject(parent), m_audit(audit), m_registration(registry, this)
{
    // Registered after this session: the session's wipe cancels the load (and reports it) while it still
    // knows the patient ID; the loader's own wipe then finds nothing.
    m_loader = new SeriesLoader(registry, loaderOptions, this);
    m_tagKey.resize(32);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32*>(m_tagKey.data()),
                                          m_tagKey.size() / qsizetype(sizeof(quint32)));
    connectLoader();
}

ReadingSession::~ReadingSession()
{
    blockSignals(true); // no widget hears of a session being destroyed
    wipe();
    m_tagKey.fill('\0');
}

void ReadingSession::connectLoader()
{
    connect(m_loader, &SeriesLoader::progress, this, [this](int instances, qint64 bytes, double rate) {
        m_received = instances;
        emit seriesLoadProgress(instances, m_expected, bytes, rate);
    });
    connect(m_loader, &SeriesLoader::previewUpdated, this, &ReadingSession::seriesPreviewUpdated);
    connect(m_loader, &SeriesLoader::instanceFailed, this, &ReadingSession::instanceFailed);
    connect(m_loader, &SeriesLoader::ready, this, [this] {
        if (m_wiping || m_replacing) {
            return; // the assembler closed by the wipe's cancel: not a retrieved series
        }
        const int images =
            m_loader->assembler() ? static_cast<int>(m_loader->assembler()->sliceInfos().size()) : 0;
        endRetrieval(true, images, {});
        emit seriesReady();
    });
    connect(m_loader, &SeriesLoader::failed, this, [this](const QString& message) {
        if (m_wiping || m_replacing) {
            // The transfer aborted by the wipe or by the next series: reported as cancelled (below), neither
            // as a failure of the reading centre nor (ready, above) as a retrieved series.
            return;
        }
        endRetrieval(false, m_received, message);
        emit seriesFailed(message);
    });
    connect(m_loader, &SeriesLoader::cleared, this, [this] {
        // Wiped (lock, sign-out) or replaced by the next series: a retrieval cut short ends as cancelled.
        endRetrieval(false, m_received,
                     m_replacing ? QStringLiteral("cancelled: another series was opened")
                                 : QStringLiteral("cancelled: wiped at lock or sign-out"));
        emit seriesCleared();
    });
}

void ReadingSession::setReadingCentre(exchange::DicomWebClient* client)
{
    if (client == m_client) {
        return;
    }
    if (!client) {
        ++m_loadToken;
        m_loader->cancel();
    }
    m_client = client;
    emit readingCentreChanged(client != nullptr);
}

const exchange::StudyRecord* ReadingSession::study(const QString& studyUid) const
{
    for (const exchange::StudyRecord& record : m_studies) {
        if (record.studyUid == studyUid) {
            return &record;
        }
    }
    return nullptr;
}

const exchange::StudyRecord* ReadingSession::currentStudy() const
{
    return m_currentStudyUid.isEmpty() ? nullptr : study(m_currentStudyUid);
}

const exchange::SeriesRecord* ReadingSession::currentSeries() const
{
    if (m_currentSeriesUid.isEmpty()) {
        return nullptr;
    }
    const auto it = m_series.constFind(m_currentStudyUid);
    if (it == m_series.constEnd()) {
        return nullptr;
    }
    for (const exchange::SeriesRecord& record : *it) {
        if (record.seriesUid == m_currentSeriesUid) {
            return &record;
        }
    }
    return nullptr;
}

QStringList ReadingSession::openedSeries() const
{
    return m_opened.value(m_currentStudyUid);
}

SeriesContext ReadingSession::loadedSeriesContext() const
{
    if (!m_loader->volume() || !m_loader->assembler()) {
        return {};
    }
    return makeSeriesContext(m_loader->assembler()->sliceInfos());
}

QString ReadingSession::patientIdOf(const QString& studyUid) const
{
    const exchange::StudyRecord* record = study(studyUid);
    return record ? record->patientId : QString();
}

QByteArray ReadingSession::tagOf(const QString& uid) const
{
    return QMessageAuthenticationCode::hash(uid.toUtf8(), m_tagKey, QCryptographicHash::Sha256);
}

void ReadingSession::refreshStudies(const QUrlQuery& filter)
{
    if (!m_client) {
        return;
    }
    emit studiesSearching();
    QPointer<ReadingSession> self(this);
    const quint64 generation = m_generation;
    const QString description = describeFilter(filter);
    m_client->searchStudies(
        filter, [self, generation, description](exchange::WebExpected<QList<exchange::StudyRecord>> studies) {
            if (!self || self->m_generation != generation) {
                return; // gone, or the session was locked while the reading centre answered
            }
            if (!studies) {
                if (self->m_audit) {
                    self->m_audit->auditQuery(description, -1, {}, {}, studies.error().message);
                }
                self->m_reopening = false;
                emit self->searchFailed(studies.error().message);
                return;
            }
            self->m_studies = std::move(*studies);
            // Series listed earlier stay valid for studies still listed.
            for (auto it = self->m_series.begin(); it != self->m_series.end();) {
                it = self->study(it.key()) ? std::next(it) : self->m_series.erase(it);
            }
            if (self->m_audit) {
                self->m_audit->auditQuery(description, static_cast<int>(self->m_studies.size()), {}, {}, {});
            }
            emit self->studiesChanged();
            if (self->m_reopening) {
                self->continueReopen();
            }
        });
}

void ReadingSession::openStudy(const QString& studyUid)
{
    if (!study(studyUid)) {
        return;
    }
    m_currentStudyUid = studyUid;
    if (m_series.contains(studyUid)) {
        emit studyOpened(studyUid);
        if (!m_pendingSeriesUid.isEmpty()) {
            const QString pending = std::exchange(m_pendingSeriesUid, QString());
            openSeries(pending, studyUid);
        }
        return;
    }
    if (!m_client) {
        return;
    }
    QPointer<ReadingSession> self(this);
    const quint64 generation = m_generation;
    m_client->searchSeries(
        studyUid, [self, generation, studyUid](exchange::WebExpected<QList<exchange::SeriesRecord>> series) {
            if (!self || self->m_generation != generation || !self->study(studyUid)) {
                return;
            }
            const QString filter = QStringLiteral("series of study %1").arg(studyUid);
            const QString patientId = self->patientIdOf(studyUid);
            if (!series) {
                if (self->m_audit) {
                    self->m_audit->auditQuery(filter, -1, patientId, studyUid, series.error().message);
                }
                self->m_pendingSeriesUid.clear();
                self->m_reopening = false;
                emit self->searchFailed(series.error().message);
                return;
            }
            for (exchange::SeriesRecord& record : *series) {
                if (record.studyUid.isEmpty()) {
                    record.studyUid = studyUid;
                }
            }
            const int count = static_cast<int>(series->size());
            self->m_series.insert(studyUid, std::move(*series));
            if (self->m_audit) {
                self->m_audit->auditQuery(filter, count, patientId, studyUid, {});
            }
            emit self->studySeriesListed(studyUid);
            if (self->m_currentStudyUid != studyUid) {
                return; // another study was opened meanwhile; its own answer announces it
            }
            emit self->studyOpened(studyUid);
            if (!self->m_pendingSeriesUid.isEmpty()) {
                const QString pending = std::exchange(self->m_pendingSeriesUid, QString());
                self->openSeries(pending, studyUid);
            } else if (self->m_reopening) {
                self->continueReopen();
            }
        });
}

void ReadingSession::openSeries(const QString& seriesUid, const QString& studyUid)
{
    const QString studyToRead = studyUid.isEmpty() ? m_currentStudyUid : studyUid;
    if (!study(studyToRead) || !m_client) {
        return;
    }
    if (!m_series.contains(studyToRead)) {
        m_pendingSeriesUid = seriesUid;
        openStudy(studyToRead);
        return;
    }
    const QList<exchange::SeriesRecord> listed = m_series.value(studyToRead);
    const auto found = std::find_if(listed.begin(), listed.end(), [&](const exchange::SeriesRecord& record) {
        return record.seriesUid == seriesUid;
    });
    if (found == listed.end()) {
        // Not (or no longer) listed by the reading centre: the attempt is audited as a failed transfer.
        if (m_audit) {
            m_audit->auditSeriesRetrieved(patientIdOf(studyToRead), studyToRead, seriesUid, 0, false,
                                          QStringLiteral("the reading centre does not list this series"));
        }
        emit seriesFailed(tr("The reading centre does not list this series (any more)."));
        return;
    }
    const exchange::SeriesRecord record = *found;
    // Clears the previous series (a retrieval still running is reported as cancelled).
    m_replacing = true;
    m_loader->wipe();
    endRetrieval(false, m_received, QStringLiteral("cancelled: another series was opened"));
    m_replacing = false;

    m_currentStudyUid = studyToRead;
    m_currentSeriesUid = seriesUid;
    QStringList& opened = m_opened[studyToRead];
    if (!opened.contains(seriesUid)) {
        opened << seriesUid;
    }
    m_lastSeries = LastSeries{tagOf(studyToRead), tagOf(seriesUid), record.number, false};
    m_reopening = false;
    m_retrieving = true;
    m_received = 0;
    m_expected = std::max(0, record.instanceCount);
    m_retrievingPatientId = patientIdOf(studyToRead);
    m_retrievingStudyUid = studyToRead;
    m_retrievingSeriesUid = seriesUid;
    if (m_audit) {
        m_audit->auditSeriesOpened(m_retrievingPatientId, studyToRead, seriesUid, record.instanceCount);
    }
    emit seriesOpened(studyToRead, seriesUid);

    // The instances' SOP Instance UIDs: the retriever resumes a broken transfer instance by instance with
    // them.
    const quint64 token = ++m_loadToken;
    QPointer<ReadingSession> self(this);
    m_client->searchInstances(
        studyToRead, seriesUid,
        [self, token, studyToRead, record](exchange::WebExpected<QList<exchange::InstanceRecord>> instances) {
            if (!self || self->m_loadToken != token || !self->m_client) {
                return; // gone, wiped, or another series was opened meanwhile
            }
            const QString filter = QStringLiteral("instances of series %1").arg(record.seriesUid);
            const QString patientId = self->patientIdOf(studyToRead);
            QStringList expected;
            if (instances) {
                for (const exchange::InstanceRecord& instance : *instances) {
                    expected << instance.sopInstanceUid;
                }
                if (self->m_audit) {
                    self->m_audit->auditQuery(filter, static_cast<int>(expected.size()), patientId,
                                              studyToRead, {});
                }
            } else if (self->m_audit) {
                // Loaded anyway (without per-instance resume): the series request may still succeed.
                self->m_audit->auditQuery(filter, -1, patientId, studyToRead, instances.error().message);
            }
            if (!expected.isEmpty()) {
                self->m_expected = static_cast<int>(expected.size());
            }
            self->m_loader->start(*self->m_client, studyToRead, record.seriesUid, self->m_expected, expected);
        });
}

void ReadingSession::endRetrieval(bool success, int instances, const QString& problem)
{
    if (!m_retrieving) {
        return;
    }
    m_retrieving = false;
    if (m_audit) {
        m_audit->auditSeriesRetrieved(m_retrievingPatientId, m_retrievingStudyUid, m_retrievingSeriesUid,
                                      instances, success, problem);
    }
}

void ReadingSession::reopenLastSeries()
{
    if (!canReopenLastSeries() || !m_client) {
        return;
    }
    m_reopening = true;
    if (m_studies.isEmpty()) {
        refreshStudies();
        return;
    }
    continueReopen();
}

void ReadingSession::continueReopen()
{
    if (!m_lastSeries) {
        m_reopening = false;
        return;
    }
    const exchange::StudyRecord* found = nullptr;
    for (const exchange::StudyRecord& record : m_studies) {
        if (tagOf(record.studyUid) == m_lastSeries->studyTag) {
            found = &record;
        }
    }
    if (!found) {
        m_reopening = false;
        emit seriesFailed(tr("The series read before the lock is no longer listed by the reading centre."));
        return;
    }
    const QString studyUid = found->studyUid;
    if (!m_series.contains(studyUid)) {
        openStudy(studyUid); // continues here once its series are listed
        return;
    }
    for (const exchange::SeriesRecord& record : m_series.value(studyUid)) {
        if (tagOf(record.seriesUid) == m_lastSeries->seriesTag) {
            m_currentStudyUid = studyUid;
            emit studyOpened(studyUid);
            openSeries(record.seriesUid, studyUid);
            return;
        }
    }
    m_reopening = false;
    emit seriesFailed(tr("The series read before the lock is no longer listed by the reading centre."));
}

QString ReadingSession::wipeName() const
{
    return QStringLiteral("reading session");
}

std::size_t ReadingSession::wipe()
{
    // The load first, while the patient ID of its record is still known.
    m_wiping = true;
    std::size_t bytes = m_loader->wipe();
    endRetrieval(false, m_received, QStringLiteral("cancelled: wiped at lock or sign-out"));
    m_wiping = false;
    ++m_generation;
    ++m_loadToken;
    for (const exchange::StudyRecord& record : m_studies) {
        bytes += static_cast<std::size_t>(
                     record.patientId.size() + record.studyUid.size() + record.patientName.alphabetic.size() +
                     record.patientName.ideographic.size() + record.patientName.phonetic.size()) *
                 sizeof(QChar);
    }
    const bool hadData = !m_studies.isEmpty() || !m_series.isEmpty() || !m_currentStudyUid.isEmpty();
    m_studies.clear();
    m_series.clear();
    m_opened.clear();
    m_currentStudyUid.clear();
    m_currentSeriesUid.clear();
    m_pendingSeriesUid.clear();
    m_retrievingPatientId.clear();
    m_retrievingStudyUid.clear();
    m_retrievingSeriesUid.clear();
    m_reopening = false;
    m_received = 0;
    m_expected = 0;
    if (m_lastSeries) {
        m_lastSeries->wiped = true;
    }
    if (hadData) {
        emit studiesChanged();
    }
    emit wiped();
    return bytes;
}

} // namespace dokuei::viewer
