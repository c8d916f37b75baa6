#pragma once

#include "dokuei/common/Error.h"
#include "dokuei/reporting/ReportDocument.h"

#include <QDateTime>
#include <QList>
#include <QString>

namespace dokuei::security {
class Vault;
}

namespace dokuei::reporting {

/// A report kept in the user vault, without its body (for "unfinished reports" lists).
struct DraftSummary
{
    QString reportId;
    QString studyUid;
    QString patientId;
    ReportState state = ReportState::Draft;
    QDateTime modified;
};

/// A phrase of the user's library: a short title and the text it inserts.
struct Phrase
{
    qint64 id = 0;
    QString title;
    QString text;
};

/// The reports and the phrase library of one user, in that user's encrypted vault (SQLCipher; never a plain
/// file). Tables report_drafts and report_phrases; created on first use. The vault stays owned by the
/// caller and must outlive the store. Every buffer of report text this class makes is zeroed before it
/// is released.
class DraftStore
{
public:
    explicit DraftStore(security::Vault& userVault);

    /// Saves (inserts or replaces) the report, in one transaction.
    Expected<void> save(const ReportDocument& report);
    /// NotFound when there is none; InvalidArgument when the stored body is not a report (named).
    Expected<ReportDocument> load(const QString& reportId);
    /// The newest report of the study that is not final, if any.
    Expected<std::optional<ReportDocument>> openReportFor(const QString& studyUid);
    /// Reports that are not final, newest first (offered again at sign-in).
    Expected<QList<DraftSummary>> unfinished();
    Expected<void> remove(const QString& reportId);

    Expected<QList<Phrase>> phrases();
    Expected<qint64> addPhrase(const QString& title, const QString& text);
    Expected<void> removePhrase(qint64 id);

private:
    Expected<void> ensureTables();
    security::Vault& m_vault;
    bool m_ready = false;
};

} // namespace dokuei::reporting
