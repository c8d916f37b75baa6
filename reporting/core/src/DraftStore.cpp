#include "dokuei/reporting/DraftStore.h"

#include "dokuei/security/SecureBuffer.h"
#include "dokuei/security/Vault.h"

namespace dokuei::reporting {

DraftStore::DraftStore(security::Vault& userVault) : m_vault(userVault)
{}

Expected<void> DraftStore::ensureTables()
{
    if (m_ready) {
        return {};
    }
    auto created = m_vault.exec(
        QStringLiteral("CREATE TABLE IF NOT EXISTS report_drafts ("
                       "  report_id TEXT PRIMARY KEY,"
                       "  study_uid TEXT NOT NULL,"
                       "  patient_id TEXT NOT NULL,"
                       "  state TEXT NOT NULL,"
                       "  modified TEXT NOT NULL,"
                       "  body BLOB NOT NULL);"
                       "CREATE INDEX IF NOT EXISTS report_drafts_study ON report_drafts(study_uid);"
                       "CREATE TABLE IF NOT EXISTS report_phrases ("
                       "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
                       "  title TEXT NOT NULL,"
                       "  text TEXT NOT NULL);"));
    if (!created) {
        return std::unexpected(created.error());
    }
    m_ready = true;
    return {};
}

Expected<void> DraftStore::save(const ReportDocument& report)
{
    if (report.reportId.isEmpty()) {
        return fail(ErrorCode::InvalidArgument, QStringLiteral("report without an ID cannot be saved"));
    }
    if (auto ready = ensureTables(); !ready) {
        return ready;
    }
    QByteArray body = toJson(report);
    auto saved = m_vault.exec(
        QStringLiteral(
            "INSERT OR REPLACE INTO report_drafts(report_id, study_uid, patient_id, state, modified, "
            "body) VALUES (?, ?, ?, ?, ?, ?)"),
        {report.reportId, report.header.studyUid, report.header.patientId, reportStateName(report.state),
         report.modified.toUTC().toString(Qt::ISODateWithMs), body});
    security::secureErase(body);
    return saved;
}

Expected<ReportDocument> DraftStore::load(const QString& reportId)
{
    if (auto ready = ensureTables(); !ready) {
        return std::unexpected(ready.error());
    }
    auto rows =
        m_vault.query(QStringLiteral("SELECT body FROM report_drafts WHERE report_id = ?"), {reportId});
    if (!rows) {
        return std::unexpected(rows.error());
    }
    if (rows->isEmpty()) {
        return fail(ErrorCode::NotFound, QStringLiteral("no report %1 in the user vault").arg(reportId));
    }
    QByteArray body = rows->first().value(0).toByteArray();
    rows->clear();
    auto report = fromJson(body);
    security::secureErase(body);
    return report;
}

Expected<std::optional<ReportDocument>> DraftStore::openReportFor(const QString& studyUid)
{
    if (auto ready = ensureTables(); !ready) {
        return std::unexpected(ready.error());
    }
    auto rows = m_vault.query(QStringLiteral("SELECT report_id FROM report_drafts WHERE study_uid = ? AND "
                                             "state != 'final' ORDER BY modified DESC LIMIT 1"),
                              {studyUid});
    if (!rows) {
        return std::unexpected(rows.error());
    }
    if (rows->isEmpty()) {
        return std::optional<ReportDocument>{};
    }
    auto report = load(rows->first().value(0).toString());
    if (!report) {
        return std::unexpected(report.error());
    }
    return std::optional<ReportDocument>(std::move(*report));
}

Expected<QList<DraftSummary>> DraftStore::unfinished()
{
    if (auto ready = ensureTables(); !ready) {
        return std::unexpected(ready.error());
    }
    auto rows = m_vault.query(QStringLiteral("SELECT report_id, study_uid, patient_id, state, modified FROM "
                                             "report_drafts WHERE state != 'final' ORDER BY modified DESC"));
    if (!rows) {
        return std::unexpected(rows.error());
    }
    QList<DraftSummary> out;
    for (const auto& row : *rows) {
        DraftSummary s;
        s.reportId = row.value(0).toString();
        s.studyUid = row.value(1).toString();
        s.patientId = row.value(2).toString();
        s.state = reportStateFromName(row.value(3).toString()).value_or(ReportState::Draft);
        s.modified = QDateTime::fromString(row.value(4).toString(), Qt::ISODateWithMs);
        out << s;
    }
    return out;
}

Expected<void> DraftStore::remove(const QString& reportId)
{
    if (auto ready = ensureTables(); !ready) {
        return ready;
    }
    return m_vault.exec(QStringLiteral("DELETE FROM report_drafts WHERE report_id = ?"), {reportId});
}

Expected<QList<Phrase>> DraftStore::phrases()
{
    if (auto ready = ensureTables(); !ready) {
        return std::unexpected(ready.error());
    }
    auto rows =
        m_vault.query(QStringLiteral("SELECT id, title, text FROM report_phrases ORDER BY title, id"));
    if (!rows) {
        return std::unexpected(rows.error());
    }
    QList<Phrase> out;
    for (const auto& row : *rows) {
        out << Phrase{row.value(0).toLongLong(), row.value(1).toString(), row.value(2).toString()};
    }
    return out;
}

Expected<qint64> DraftStore::addPhrase(const QString& title, const QString& text)
{
    if (title.trimmed().isEmpty() || text.isEmpty()) {
        return fail(ErrorCode::InvalidArgument, QStringLiteral("a phrase needs a title and a text"));
    }
    if (auto ready = ensureTables(); !ready) {
        return std::unexpected(ready.error());
    }
    auto added = m_vault.exec(QStringLiteral("INSERT INTO report_phrases(title, text) VALUES (?, ?)"),
                              {title.trimmed(), text});
    if (!added) {
        return std::unexpected(added.error());
    }
    return m_vault.lastInsertRowId();
}

Expected<void> DraftStore::removePhrase(qint64 id)
{
    if (auto ready = ensureTables(); !ready) {
        return ready;
    }
    return m_vault.exec(QStringLiteral("DELETE FROM report_phrases WHERE id = ?"), {id});
}

} // namespace dokuei::reporting
