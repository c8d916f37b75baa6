#pragma once

#include "dokuei/common/Error.h"
#include "dokuei/reporting/DraftStore.h"
#include "dokuei/reporting/ReportDocument.h"
#include "dokuei/security/Roles.h"
#include "dokuei/security/WipeRegistry.h"

#include <functional>
#include <optional>

#include <QDateTime>
#include <QObject>
#include <QTimer>

namespace dokuei::reporting {

/// What stands between a report and "final".
struct CompletenessProblem
{
    enum class Kind
    {
        SeriesNotOpened, ///< a series of the study was neither opened nor given a reason
        RequiredSectionEmpty,
        RequiredFieldEmpty,
        ImpressionEmpty,
    };
    Kind kind;
    QString id;    ///< series UID, section id or field id
    QString label; ///< for the message (series description, section title, field label)
};

/// One audited event of the report (state changes, overrides, drafts restored).
struct ReportAuditEvent
{
    QString eventType; ///< "ReportStateChanged", "ReportCompletenessOverride", "ReportDraftRestored", ...
    QString patientId;
    QString studyUid;
    QString details; ///< never report text
};

/// The report of the study being read: the document the editor edits, its autosave into the user vault,
/// its states. GUI-free; the editor shows it and calls update(). Registers for wipe: at lock and sign-out the
/// draft is saved into the vault, then every copy of its text held here is zeroed; restore() loads it again
/// after unlock.
class ReportSession : public QObject, public security::IWipeable
{
    Q_OBJECT

public:
    using Auditor = std::function<void(const ReportAuditEvent&)>;

    explicit ReportSession(security::WipeRegistry& registry, QObject* parent = nullptr);
    ~ReportSession() override;

    /// The user's store (their vault) for this sign-in; nullptr at sign-out (after the wipe).
    void setStore(DraftStore* store);
    DraftStore* store() const { return m_store; }
    void setAuditor(Auditor auditor) { m_auditor = std::move(auditor); }
    /// Who is writing (role decides the states they may set).
    void setAuthor(const ReportObserver& author, security::Role role);

    /// Opens the report of a study: the unfinished report of that study from the vault when there is one
    /// (exactly as saved), otherwise a new one from `tmpl`. The header is refreshed from `header`.
    Expected<void> open(const ReportHeader& header, const ReportTemplate& tmpl, const QString& language);
    /// Opens a stored report by ID (resume after a crash).
    Expected<void> openStored(const QString& reportId);
    bool hasReport() const { return m_report.has_value(); }
    const ReportDocument& document() const { return *m_report; }
    /// Switches the template: sections of the same id keep their content; the text of sections the new
    /// template does not have is appended to its first section, so nothing typed is lost.
    void switchTemplate(const ReportTemplate& tmpl);

    /// Applies an edit and schedules the autosave (refused, returning false, when the report is final).
    bool update(const std::function<void(ReportDocument&)>& edit);
    bool isReadOnly() const { return m_report && m_report->state == ReportState::Final; }
    bool isDirty() const { return m_dirty; }
    /// Saves now when there are unsaved changes.
    Expected<void> saveNow();
    /// Autosave delay after the last edit (default 2 s; the requirement is at most 5 s).
    void setAutosaveDelay(int milliseconds) { m_autosave.setInterval(milliseconds); }
    QDateTime lastSaved() const { return m_lastSaved; }
    /// Time the last save took on this thread.
    qint64 lastSaveMicroseconds() const { return m_lastSaveMicroseconds; }

    /// The series of the study, for the completeness check ({uid, description}).
    void setStudySeries(const QList<std::pair<QString, QString>>& series) { m_studySeries = series; }
    void markSeriesOpened(const QString& seriesUid);
    QList<CompletenessProblem> completeness(const ReportTemplate& tmpl) const;
    /// Changes the state. Draft -> Preliminary, Draft/Preliminary -> Final (completeness checked:
    /// InvalidArgument listing the problems unless `overrideReason` is given, which is audited),
    /// Preliminary -> Draft. A preliminary report of another author goes final only with Right::Verify.
    /// Final is final (Step 6 amends by a new version). Saved and audited.
    Expected<void> setState(ReportState target, const ReportTemplate& tmpl,
                            const QString& overrideReason = {});

    /// Saves, then drops the document (remembering only its ID for restore()).
    void close();
    /// Loads the report that was open at the wipe back from the vault (after unlock); false when none.
    bool restore();
    QString wipedReportId() const { return m_wipedReportId; }

    QString wipeName() const override;
    std::size_t wipe() override;

signals:
    /// The document was replaced (opened, restored, template switched, wiped).
    void documentReset();
    void saved(const QDateTime& when);
    void saveFailed(const QString& message);
    void stateChanged(dokuei::reporting::ReportState state);

private:
    void audit(const QString& eventType, const QString& details);
    std::size_t eraseDocument();

    std::optional<ReportDocument> m_report;
    DraftStore* m_store = nullptr;
    Auditor m_auditor;
    ReportObserver m_author;
    security::Role m_role = security::Role::Radiologist;
    QList<std::pair<QString, QString>> m_studySeries;
    QTimer m_autosave;
    bool m_dirty = false;
    bool m_stored = false; ///< the report is in the vault (loaded from it or saved once)
    QDateTime m_lastSaved;
    qint64 m_lastSaveMicroseconds = 0;
    QString m_wipedReportId;
    security::WipeRegistration m_registration;
};

QString completenessMessage(const CompletenessProblem& problem);

} // namespace dokuei::reporting
