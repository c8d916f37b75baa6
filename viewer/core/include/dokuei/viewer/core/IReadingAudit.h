#pragma once

#include <QString>

namespace dokuei::viewer {

/// Where the reading session reports patient access (the guideline's "who accessed which patient's data,
/// when"): the composition root records it in the audit trail with the session's user, role and card. The
/// calls carry patient IDs and UIDs, never a patient's name.
class IReadingAudit
{
public:
    virtual ~IReadingAudit() = default;
    /// A search of the reading centre (QIDO-RS) was answered (110112): what was searched, how many matched
    /// (-1: it failed, `problem` says why), and for a search within a study its patient ID and study UID.
    virtual void auditQuery(const QString& filterDescription, int resultCount, const QString& patientId,
                            const QString& studyUid, const QString& problem) = 0;
    /// A series was opened and its retrieval starts (110103).
    virtual void auditSeriesOpened(const QString& patientId, const QString& studyUid,
                                   const QString& seriesUid, int instances) = 0;
    /// The retrieval of the series opened last ended (110104): on success every instance arrived and the
    /// volume is ready (`instances` = images in it); otherwise it failed, or was cancelled by a lock, a
    /// sign-out or another series, after `instances` received images (`problem`).
    virtual void auditSeriesRetrieved(const QString& patientId, const QString& studyUid,
                                      const QString& seriesUid, int instances, bool success,
                                      const QString& problem) = 0;
};

} // namespace dokuei::viewer
