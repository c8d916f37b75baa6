#include "dokuei/reporting/ReportSession.h"

#include "dokuei/security/SecureBuffer.h"

#include <QCoreApplication>
#include <QElapsedTimer>

namespace dokuei::reporting {

namespace {

std::size_t eraseText(QString& text)
{
    return security::secureErase(text);
}

std::size_t eraseSection(SectionContent& s)
{
    std::size_t n = eraseText(s.text);
    for (auto& f : s.fields) {
        n += eraseText(f.text);
    }
    s.references.clear();
    s.fields.clear();
    return n;
}

} // namespace

ReportSession::ReportSession(security::WipeRegistry& registry, QObject* parent)
    : QObject(parent), m_registration(registry, this)
{
    m_autosave.setSingleShot(true);
    m_autosave.setInterval(2000);
    connect(&m_autosave, &QTimer::timeout, this, [this] {
        if (auto result = saveNow(); !result) {
            emit saveFailed(result.error().message);
        }
    });
}

ReportSession::~ReportSession()
{
    eraseDocument();
}

void ReportSession::setStore(DraftStore* store)
{
    m_store = store;
}

void ReportSession::setAuthor(const ReportObserver& author, security::Role role)
{
    m_author = author;
    m_role = role;
}

void ReportSession::audit(const QString& eventType, const QString& details)
{
    if (m_auditor && m_report) {
        m_auditor(
            ReportAuditEvent{eventType, m_report->header.patientId, m_report->header.studyUid, details});
    }
}

namespace {

/// Nothing written yet: a report opened with its study and left as it was (no text, no value, no reference).
bool isBlank(const ReportDocument& report)
{
    if (report.state != ReportState::Draft || !report.measurements.isEmpty() || !report.keyImages.isEmpty()) {
        return false;
    }
    for (const auto& section : report.sections) {
        if (!section.text.trimmed().isEmpty()) {
            return false;
        }
        for (const auto& field : section.fields) {
            if (!field.isEmpty()) {
                return false;
            }
        }
    }
    return true;
}

} // namespace

Expected<void> ReportSession::open(const ReportHeader& header, const ReportTemplate& tmpl,
                                   const QString& language)
{
    if (m_report && m_report->header.studyUid == header.studyUid) {
        return {};
    }
    close();
    std::optional<ReportDocument> stored;
    if (m_store != nullptr) {
        auto found = m_store->openReportFor(header.studyUid);
        if (!found) {
            return std::unexpected(found.error());
        }
        stored = std::move(*found);
    }
    if (stored) {
        m_report = std::move(*stored);
        m_report->header = header;
        m_dirty = false;
        m_stored = true;
        audit(QStringLiteral("ReportDraftOpened"),
              QStringLiteral("report %1 (%2) opened from the user vault")
                  .arg(m_report->reportId, reportStateName(m_report->state)));
    } else {
        m_report = newReport(tmpl, header, m_author, language);
        // Saved at the first autosave once something is written (a study only looked at leaves no draft).
        m_dirty = true;
        m_stored = false;
        audit(QStringLiteral("ReportCreated"), QStringLiteral("report %1 created from template %2 %3")
                                                   .arg(m_report->reportId, tmpl.id, tmpl.version));
        m_autosave.start();
    }
    m_wipedReportId.clear();
    emit documentReset();
    return {};
}

Expected<void> ReportSession::openStored(const QString& reportId)
{
    if (m_store == nullptr) {
        return fail(ErrorCode::InvalidArgument, QStringLiteral("no user vault: not signed in"));
    }
    if (m_report && m_report->reportId == reportId) {
        return {};
    }
    auto loaded = m_store->load(reportId);
    if (!loaded) {
        return std::unexpected(loaded.error());
    }
    close();
    m_report = std::move(*loaded);
    m_dirty = false;
    m_stored = true;
    m_wipedReportId.clear();
    audit(QStringLiteral("ReportDraftRestored"),
          QStringLiteral("report %1 (%2) restored from the user vault")
              .arg(m_report->reportId, reportStateName(m_report->state)));
    emit documentReset();
    return {};
}

void ReportSession::switchTemplate(const ReportTemplate& tmpl)
{
    if (!m_report || isReadOnly() || m_report->templateId == tmpl.id) {
        return;
    }
    QList<SectionContent> sections;
    for (const auto& s : tmpl.sections) {
        if (const auto* old = m_report->section(s.id)) {
            sections << *old;
        } else {
            sections << SectionContent{s.id, {}, {}, {}};
        }
    }
    const auto isKept = [&](const QString& id) {
        return tmpl.section(id) != nullptr || id == QLatin1String(kImpressionId) ||
               id == QLatin1String(kRecommendationId);
    };
    for (const auto& old : m_report->sections) {
        if (isKept(old.sectionId) || old.text.isEmpty() || sections.isEmpty()) {
            continue;
        }
        auto& first = sections.first();
        const qsizetype offset = first.text.isEmpty() ? 0 : first.text.size() + 1;
        first.text = first.text.isEmpty() ? old.text : first.text + u'\n' + old.text;
        for (auto span : old.references) {
            span.start += offset;
            first.references << span;
        }
    }
    for (const auto* fixed : {kImpressionId, kRecommendationId}) {
        const QString id = QString::fromLatin1(fixed);
        const auto* old = m_report->section(id);
        sections << (old != nullptr ? *old : SectionContent{id, {}, {}, {}});
    }
    const QString from = m_report->templateId;
    for (auto& s : m_report->sections) {
        eraseSection(s);
    }
    m_report->sections = std::move(sections);
    m_report->templateId = tmpl.id;
    m_report->templateVersion = tmpl.version;
    m_report->modified = QDateTime::currentDateTimeUtc();
    m_dirty = true;
    m_autosave.start();
    audit(QStringLiteral("ReportTemplateChanged"),
          QStringLiteral("report %1: template %2 -> %3").arg(m_report->reportId, from, tmpl.id));
    emit documentReset();
}

bool ReportSession::update(const std::function<void(ReportDocument&)>& edit)
{
    if (!m_report || isReadOnly()) {
        return false;
    }
    edit(*m_report);
    m_report->modified = QDateTime::currentDateTimeUtc();
    m_dirty = true;
    m_autosave.start(); // restarts: saved once typing has stopped for the delay
    return true;
}

Expected<void> ReportSession::saveNow()
{
    m_autosave.stop();
    if (!m_report || !m_dirty) {
        return {};
    }
    if (!m_stored && isBlank(*m_report)) {
        return {}; // nothing written yet: no draft to keep
    }
    if (m_store == nullptr) {
        return fail(ErrorCode::InvalidArgument, QStringLiteral("the report cannot be saved: no user vault"));
    }
    QElapsedTimer timer;
    timer.start();
    auto stored = m_store->save(*m_report);
    m_lastSaveMicroseconds = timer.nsecsElapsed() / 1000;
    if (!stored) {
        return stored;
    }
    m_dirty = false;
    m_stored = true;
    m_lastSaved = QDateTime::currentDateTimeUtc();
    emit saved(m_lastSaved);
    return {};
}

void ReportSession::markSeriesOpened(const QString& seriesUid)
{
    if (!m_report || m_report->openedSeriesUids.contains(seriesUid)) {
        return;
    }
    // Not an edit of the text: allowed on a final report too? No: a final report is not changed.
    if (isReadOnly()) {
        return;
    }
    m_report->openedSeriesUids << seriesUid;
    m_dirty = true;
    m_autosave.start();
}

QList<CompletenessProblem> ReportSession::completeness(const ReportTemplate& tmpl) const
{
    QList<CompletenessProblem> problems;
    if (!m_report) {
        return problems;
    }
    for (const auto& [uid, description] : m_studySeries) {
        const bool opened = m_report->openedSeriesUids.contains(uid);
        bool reasoned = false;
        for (const auto& r : m_report->unopenedSeries) {
            reasoned = reasoned || (r.seriesUid == uid && !r.reason.trimmed().isEmpty());
        }
        if (!opened && !reasoned) {
            problems << CompletenessProblem{CompletenessProblem::Kind::SeriesNotOpened, uid, description};
        }
    }
    for (const auto& section : tmpl.sections) {
        const auto* content = m_report->section(section.id);
        if (section.required && (content == nullptr || content->text.trimmed().isEmpty())) {
            problems << CompletenessProblem{CompletenessProblem::Kind::RequiredSectionEmpty, section.id,
                                            section.title.text(m_report->language)};
        }
        for (const auto& field : section.fields) {
            if (!field.required) {
                continue;
            }
            bool filled = false;
            if (content != nullptr) {
                for (const auto& v : content->fields) {
                    filled = filled || (v.fieldId == field.id && !v.isEmpty());
                }
            }
            if (!filled) {
                problems << CompletenessProblem{CompletenessProblem::Kind::RequiredFieldEmpty, field.id,
                                                field.label.text(m_report->language)};
            }
        }
    }
    const auto* impression = m_report->section(QString::fromLatin1(kImpressionId));
    if (impression == nullptr || impression->text.trimmed().isEmpty()) {
        problems << CompletenessProblem{CompletenessProblem::Kind::ImpressionEmpty,
                                        QString::fromLatin1(kImpressionId), tr("Impression")};
    }
    return problems;
}

Expected<void> ReportSession::setState(ReportState target, const ReportTemplate& tmpl,
                                       const QString& overrideReason)
{
    if (!m_report) {
        return fail(ErrorCode::InvalidArgument, tr("No report is open."));
    }
    const ReportState from = m_report->state;
    if (from == target) {
        return {};
    }
    if (from == ReportState::Final) {
        return fail(ErrorCode::AccessDenied,
                    tr("A final report is not changed; an amendment is a new version of it."));
    }
    if (!security::hasRight(m_role, security::Right::Draft)) {
        return fail(ErrorCode::AccessDenied, tr("Your role may not write reports."));
    }
    if (target == ReportState::Final && from == ReportState::Preliminary &&
        m_report->author.userId != m_author.userId && !security::hasRight(m_role, security::Right::Verify)) {
        return fail(ErrorCode::AccessDenied,
                    tr("Only a supervising radiologist may finalize another radiologist's preliminary "
                       "report."));
    }
    QString overrideNote;
    if (target == ReportState::Final) {
        const auto problems = completeness(tmpl);
        if (!problems.isEmpty()) {
            if (overrideReason.trimmed().isEmpty()) {
                QStringList lines;
                for (const auto& p : problems) {
                    lines << completenessMessage(p);
                }
                return fail(ErrorCode::InvalidArgument,
                            tr("The report is not complete:") + u'\n' + lines.join(u'\n'));
            }
            m_report->completenessOverride = overrideReason.trimmed();
            overrideNote = QStringLiteral("; completeness check overridden (%1 open items): %2")
                               .arg(problems.size())
                               .arg(overrideReason.trimmed());
            audit(QStringLiteral("ReportCompletenessOverride"),
                  QStringLiteral("report %1: %2 open items, reason: %3")
                      .arg(m_report->reportId)
                      .arg(problems.size())
                      .arg(overrideReason.trimmed()));
        }
    }
    m_report->state = target;
    m_report->modified = QDateTime::currentDateTimeUtc();
    m_dirty = true;
    if (auto saved = saveNow(); !saved) {
        m_report->state = from;
        return saved;
    }
    audit(QStringLiteral("ReportStateChanged"),
          QStringLiteral("report %1: %2 -> %3%4")
              .arg(m_report->reportId, reportStateName(from), reportStateName(target), overrideNote));
    emit stateChanged(target);
    return {};
}

void ReportSession::close()
{
    if (!m_report) {
        return;
    }
    if (auto saved = saveNow(); !saved) {
        emit saveFailed(saved.error().message);
    }
    eraseDocument();
    emit documentReset();
}

bool ReportSession::restore()
{
    if (m_wipedReportId.isEmpty() || m_store == nullptr) {
        return false;
    }
    const QString id = m_wipedReportId;
    auto loaded = m_store->load(id);
    if (!loaded) {
        emit saveFailed(loaded.error().message);
        return false;
    }
    m_report = std::move(*loaded);
    m_dirty = false;
    m_stored = true;
    m_wipedReportId.clear();
    emit documentReset();
    return true;
}

std::size_t ReportSession::eraseDocument()
{
    m_autosave.stop();
    if (!m_report) {
        return 0;
    }
    std::size_t n = 0;
    for (auto& s : m_report->sections) {
        n += eraseSection(s);
    }
    for (auto& m : m_report->measurements) {
        n += eraseText(m.text) + eraseText(m.label);
    }
    for (auto& k : m_report->keyImages) {
        n += eraseText(k.text) + eraseText(k.description) + security::secureErase(k.renderedPng);
    }
    for (auto& u : m_report->unopenedSeries) {
        n += eraseText(u.reason);
    }
    n += eraseText(m_report->completenessOverride);
    auto& h = m_report->header;
    for (QString* field : {&h.patientNameAlphabetic, &h.patientNameIdeographic, &h.patientNamePhonetic,
                           &h.patientId, &h.patientBirthDate, &h.studyUid, &h.studyDescription,
                           &h.accessionNumber, &h.clinicalQuestion, &h.referringPhysician}) {
        n += eraseText(*field);
    }
    m_report.reset();
    m_dirty = false;
    return n;
}

QString ReportSession::wipeName() const
{
    return QStringLiteral("report");
}

std::size_t ReportSession::wipe()
{
    if (!m_report) {
        return 0;
    }
    // The draft goes into the vault first (the vault is open until sign-out completes), then every copy
    // of its text held here is zeroed.
    if (auto saved = saveNow(); !saved) {
        emit saveFailed(saved.error().message);
    }
    // A report never stored (nothing written) has nothing to restore after the unlock.
    m_wipedReportId = m_stored ? m_report->reportId : QString();
    const std::size_t n = eraseDocument();
    m_studySeries.clear();
    emit documentReset();
    return n;
}

QString completenessMessage(const CompletenessProblem& problem)
{
    switch (problem.kind) {
    case CompletenessProblem::Kind::SeriesNotOpened:
        return ReportSession::tr("Series \"%1\" was not opened: open it or give a reason.")
            .arg(problem.label);
    case CompletenessProblem::Kind::RequiredSectionEmpty:
        return ReportSession::tr("Section \"%1\" is required.").arg(problem.label);
    case CompletenessProblem::Kind::RequiredFieldEmpty:
        return ReportSession::tr("Field \"%1\" is required.").arg(problem.label);
    case CompletenessProblem::Kind::ImpressionEmpty:
        return ReportSession::tr("The impression is empty.");
    }
    return {};
}

} // namespace dokuei::reporting
