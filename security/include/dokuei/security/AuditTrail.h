#pragma once

#include "dokuei/common/Error.h"
#include "dokuei/security/AuditRecord.h"
#include "dokuei/security/IAuditSink.h"

#include <memory>

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>

namespace dokuei::security {

class Vault;

/// The tamper-evident audit trail, kept in the system vault (tables audit_records, audit_head,
/// audit_keys) and appended only through this class (triggers refuse UPDATE and DELETE).
///
/// Each record carries SHA-256 over a canonical serialisation of all its fields, its sequence and the
/// previous record's hash (a hash chain), and an HMAC-SHA256 of that hash under a random key kept in the
/// vault. The head (last sequence and hash, HMAC'ed) is kept in the vault and in a file next to it
/// (headFilePath()), so deleting the newest records is detected too.
///
/// What this protects against: anyone editing, deleting, inserting or reordering records without the
/// HMAC key. Someone holding the workstation key can read the HMAC key and rewrite the whole trail
/// consistently; exporting the trail (or its head) elsewhere regularly is what detects that.
class AuditTrail : public IAuditSink
{
public:
    /// Creates the tables and the HMAC key on first use (lazily: errors surface from the first call).
    explicit AuditTrail(Vault& systemVault);
    ~AuditTrail() override;
    AuditTrail(const AuditTrail&) = delete;
    AuditTrail& operator=(const AuditTrail&) = delete;

    /// Appends the record (assigning sequence, local time, clock status, and UTC time and workstation
    /// when empty) and returns its sequence. Inside a Vault::transaction the record commits or rolls back
    /// with it. Fails with InvalidArgument for an unknown event ID or outcome.
    Expected<qint64> record(AuditRecord record) override;

    /// Who uses the trail (verify/report/export are audited as 110101 Audit Log Used with these fields).
    void setActor(const QString& userId, const QString& role, const QString& sessionId = {});

    struct Problem
    {
        qint64 sequence;
        enum class Kind
        {
            Modified,
            Deleted,
            Inserted,
            Reordered,
            TruncatedTail,
        } kind;
        QString explanation;
    };
    struct VerifyResult
    {
        bool ok = false;
        qint64 recordsChecked = 0;
        QList<Problem> problems;
    };
    enum class Usage
    {
        Audited,   ///< the use is recorded as 110101 Audit Log Used
        Unaudited, ///< for checking a copy (a backup being restored), which must not be changed
    };

    /// Checks every record, the chain and the head. `ok` when no problem was found.
    Expected<VerifyResult> verify(Usage usage = Usage::Audited);
    /// Records with fromUtc <= utc < toUtc, in sequence (= chronological) order. Not audited by itself.
    Expected<QList<AuditRecord>> records(const QDateTime& fromUtc, const QDateTime& toUtc);
    /// Text report for [fromUtc, toUtc): verification summary, chronological listing, sessions (login,
    /// logout, duration, patients handled) and per-patient access counts (guideline 6.8 D-5). Audited.
    /// A session runs from a successful 110114 "Login" to the 110114 "Logout" with the same session ID;
    /// Lock / Unlock and other records of that session never open another; records with a patient ID and
    /// that session ID are its patients handled (records without a session ID: one session per user).
    Expected<QString> report(const QDateTime& fromUtc, const QDateTime& toUtc);
    /// JSON export of the same period (records with their hashes, and the verification). Audited.
    Expected<QByteArray> exportJson(const QDateTime& fromUtc, const QDateTime& toUtc);

    /// The head file next to the vault: `<vault path>.audit-head`.
    static QString headFilePath(const QString& vaultPath);
    static QString problemKindName(Problem::Kind kind);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace dokuei::security
