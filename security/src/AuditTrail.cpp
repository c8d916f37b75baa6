#include "dokuei/security/AuditTrail.h"

#include "dokuei/security/ClockStatus.h"
#include "dokuei/security/KeyDerivation.h"
#include "dokuei/security/SecretKey.h"
#include "dokuei/security/Vault.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QSaveFile>
#include <QSet>
#include <QSysInfo>
#include <QTextStream>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace dokuei::security {
namespace {

constexpr qsizetype kHashSize = 32;
constexpr qint64 kMaxDetails = 64 * 1024;
constexpr int kMaxCandidateSearch = 64;

const QString kColumns = QStringLiteral(
    "sequence, utc, local_time, clock_sync, user_id, role, card_fingerprint, workstation, session_id, "
    "event_id, event_type, outcome, patient_id, study_uid, details, emergency, prev_hash, hash, hmac");

QString utcText(const QDateTime& utc)
{
    return utc.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzzZ"));
}

QByteArray sha256(const QByteArray& data)
{
    QByteArray digest(kHashSize, Qt::Uninitialized);
    unsigned int size = 0;
    EVP_Digest(data.constData(), static_cast<std::size_t>(data.size()),
               reinterpret_cast<unsigned char*>(digest.data()), &size, EVP_sha256(), nullptr);
    return digest;
}

QByteArray hmacSha256(const SecretKey& key, const QByteArray& data)
{
    QByteArray mac(kHashSize, Qt::Uninitialized);
    unsigned int size = 0;
    HMAC(EVP_sha256(), key.bytes().data(), static_cast<int>(SecretKey::kSize),
         reinterpret_cast<const unsigned char*>(data.constData()), static_cast<std::size_t>(data.size()),
         reinterpret_cast<unsigned char*>(mac.data()), &size);
    return mac;
}

bool sameBytes(const QByteArray& a, const QByteArray& b)
{
    return a.size() == b.size() &&
           CRYPTO_memcmp(a.constData(), b.constData(), static_cast<std::size_t>(a.size())) == 0;
}

QByteArray zeroHash()
{
    return QByteArray(kHashSize, '\0');
}

/// One stored row exactly as read, so the canonical form is rebuilt from what is stored.
struct StoredRow
{
    qint64 sequence = 0;
    QString sequenceText; ///< as stored (a forged row may hold text)
    QStringList fields;   ///< utc .. emergency, as text
    QByteArray prevHash;
    QByteArray hash;
    QByteArray hmac;
};

constexpr int kFieldCount = 15; // utc .. emergency
const char* const kFieldNames[kFieldCount] = {"utc",       "local_time",       "clock_sync",  "user_id",
                                              "role",      "card_fingerprint", "workstation", "session_id",
                                              "event_id",  "event_type",       "outcome",     "patient_id",
                                              "study_uid", "details",          "emergency"};

/// Length-prefixed serialisation: unambiguous whatever the fields contain.
QByteArray canonical(qint64 sequence, const QStringList& fields, const QByteArray& prevHash)
{
    QByteArray out("dokuei-audit-record-v1\n");
    auto add = [&out](const char* name, const QByteArray& value) {
        out += name;
        out += '=';
        out += QByteArray::number(value.size());
        out += ':';
        out += value;
        out += '\n';
    };
    add("sequence", QByteArray::number(sequence));
    for (int i = 0; i < kFieldCount; ++i) {
        add(kFieldNames[i], i < fields.size() ? fields.at(i).toUtf8() : QByteArray());
    }
    add("prev_hash", prevHash.toHex());
    return out;
}

QByteArray headMessage(qint64 sequence, const QByteArray& hash)
{
    return QByteArray("dokuei-audit-head-v1\n") + QByteArray::number(sequence) + '\n' + hash.toHex();
}

StoredRow rowFromVariants(const QVariantList& row)
{
    StoredRow stored;
    stored.sequenceText = row.value(0).toString();
    stored.sequence = row.value(0).toLongLong();
    for (int i = 0; i < kFieldCount; ++i) {
        stored.fields << row.value(1 + i).toString();
    }
    stored.prevHash = row.value(16).toByteArray();
    stored.hash = row.value(17).toByteArray();
    stored.hmac = row.value(18).toByteArray();
    return stored;
}

AuditRecord recordFromRow(const StoredRow& row)
{
    AuditRecord record;
    record.sequence = row.sequence;
    record.utc = QDateTime::fromString(row.fields.at(0), Qt::ISODateWithMs);
    record.localTime = row.fields.at(1);
    record.clockSync = row.fields.at(2);
    record.userId = row.fields.at(3);
    record.role = row.fields.at(4);
    record.cardFingerprint = row.fields.at(5);
    record.workstation = row.fields.at(6);
    record.sessionId = row.fields.at(7);
    record.event = static_cast<AuditEventId>(row.fields.at(8).toInt());
    record.eventType = row.fields.at(9);
    record.outcome = static_cast<AuditOutcome>(row.fields.at(10).toInt());
    record.patientId = row.fields.at(11);
    record.studyUid = row.fields.at(12);
    record.details = row.fields.at(13);
    record.emergency = row.fields.at(14) == QStringLiteral("1");
    return record;
}

struct Head
{
    qint64 sequence = 0;
    QByteArray hash;
    bool authentic = false;
};

QString formatDuration(qint64 seconds)
{
    return QStringLiteral("%1:%2:%3")
        .arg(seconds / 3600)
        .arg((seconds / 60) % 60, 2, 10, QLatin1Char('0'))
        .arg(seconds % 60, 2, 10, QLatin1Char('0'));
}

} // namespace

struct AuditTrail::Impl
{
    Vault& vault;
    std::optional<SecretKey> hmacKey;
    QString actorUserId;
    QString actorRole;
    QString actorSessionId;

    explicit Impl(Vault& v) : vault(v) {}

    QString headFile() const { return headFilePath(vault.path()); }

    /// Records carry patient IDs and study UIDs: once a use of the trail is done (and the caller's
    /// transaction, if any, has ended), the vault lets go of the decrypted pages it read or wrote, so that
    /// neither a lock nor a sign-out (whose own records are written after the wipe) leaves them in memory.
    void releaseVaultMemory()
    {
        vault.afterCommit([&v = vault] { (void)v.releaseMemory(); });
    }

    Expected<void> ensureReady()
    {
        if (hmacKey) {
            return {};
        }
        auto created = vault.exec(QStringLiteral(
            "CREATE TABLE IF NOT EXISTS audit_records("
            " sequence INTEGER PRIMARY KEY, utc TEXT NOT NULL, local_time TEXT NOT NULL,"
            " clock_sync TEXT NOT NULL, user_id TEXT NOT NULL, role TEXT NOT NULL,"
            " card_fingerprint TEXT NOT NULL, workstation TEXT NOT NULL, session_id TEXT NOT NULL,"
            " event_id INTEGER NOT NULL, event_type TEXT NOT NULL, outcome INTEGER NOT NULL,"
            " patient_id TEXT NOT NULL, study_uid TEXT NOT NULL, details TEXT NOT NULL,"
            " emergency INTEGER NOT NULL, prev_hash BLOB NOT NULL, hash BLOB NOT NULL, hmac BLOB NOT NULL);"
            "CREATE INDEX IF NOT EXISTS audit_records_utc ON audit_records(utc);"
            "CREATE TABLE IF NOT EXISTS audit_head(id INTEGER PRIMARY KEY CHECK (id = 1),"
            " sequence INTEGER NOT NULL, hash BLOB NOT NULL, hmac BLOB NOT NULL);"
            "CREATE TABLE IF NOT EXISTS audit_keys(id INTEGER PRIMARY KEY CHECK (id = 1),"
            " hmac_key BLOB NOT NULL, created_utc TEXT NOT NULL);"
            "CREATE TRIGGER IF NOT EXISTS audit_records_append_only_update BEFORE UPDATE ON audit_records"
            " BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;"
            "CREATE TRIGGER IF NOT EXISTS audit_records_append_only_delete BEFORE DELETE ON audit_records"
            " BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;"
            "CREATE TRIGGER IF NOT EXISTS audit_keys_fixed_update BEFORE UPDATE ON audit_keys"
            " BEGIN SELECT RAISE(ABORT, 'the audit key cannot change'); END;"
            "CREATE TRIGGER IF NOT EXISTS audit_keys_fixed_delete BEFORE DELETE ON audit_keys"
            " BEGIN SELECT RAISE(ABORT, 'the audit key cannot change'); END;"));
        if (!created) {
            return created;
        }
        auto rows = vault.query(QStringLiteral("SELECT hmac_key FROM audit_keys WHERE id = 1"));
        if (!rows) {
            return std::unexpected(rows.error());
        }
        if (rows->isEmpty()) {
            SecretKey fresh = SecretKey::random();
            auto stored = vault.exec(
                QStringLiteral("INSERT INTO audit_keys(id, hmac_key, created_utc) VALUES (1, ?, ?)"),
                {fresh.view().toByteArray(), utcText(QDateTime::currentDateTimeUtc())});
            if (!stored) {
                return stored;
            }
            hmacKey.emplace(std::move(fresh));
            return {};
        }
        auto key = SecretKey::fromBytes(rows->first().value(0).toByteArray());
        if (!key) {
            return fail(
                ErrorCode::AuditTrailBroken,
                QStringLiteral("The audit trail's HMAC key in \"%1\" is damaged (%2): no record can be "
                               "verified. Restore the vault from a backup.")
                    .arg(vault.path(), key.error().message));
        }
        hmacKey.emplace(std::move(*key));
        return {};
    }

    Expected<Head> tableHead()
    {
        auto rows = vault.query(QStringLiteral("SELECT sequence, hash, hmac FROM audit_head WHERE id = 1"));
        if (!rows) {
            return std::unexpected(rows.error());
        }
        Head head;
        if (rows->isEmpty()) {
            return head;
        }
        head.sequence = rows->first().value(0).toLongLong();
        head.hash = rows->first().value(1).toByteArray();
        head.authentic = sameBytes(rows->first().value(2).toByteArray(),
                                   hmacSha256(*hmacKey, headMessage(head.sequence, head.hash)));
        return head;
    }

    /// nullopt when there is no head file.
    std::optional<Head> fileHead()
    {
        QFile file(headFile());
        if (!file.open(QIODevice::ReadOnly)) {
            return std::nullopt;
        }
        const QList<QByteArray> parts = file.read(4096).trimmed().split(' ');
        Head head;
        if (parts.size() != 4 || parts.at(0) != "dokuei-audit-head-v1") {
            return head; // present but not authentic
        }
        bool numeric = false;
        head.sequence = parts.at(1).toLongLong(&numeric);
        head.hash = QByteArray::fromHex(parts.at(2));
        head.authentic = numeric && sameBytes(QByteArray::fromHex(parts.at(3)),
                                              hmacSha256(*hmacKey, headMessage(head.sequence, head.hash)));
        return head;
    }

    void writeHeadFile(qint64 sequence, const QByteArray& hash)
    {
        const QByteArray mac = hmacSha256(*hmacKey, headMessage(sequence, hash));
        QSaveFile file(headFile());
        if (!file.open(QIODevice::WriteOnly)) {
            return; // verify() reports a head file that lags behind or is missing
        }
        file.write("dokuei-audit-head-v1 " + QByteArray::number(sequence) + ' ' + hash.toHex() + ' ' +
                   mac.toHex() + '\n');
        file.commit();
    }

    Expected<qint64> append(AuditRecord record)
    {
        if (auto ready = ensureReady(); !ready) {
            return std::unexpected(ready.error());
        }
        if (!isKnownAuditEvent(static_cast<int>(record.event))) {
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("Unknown audit event ID %1").arg(static_cast<int>(record.event)));
        }
        if (auditOutcomeName(record.outcome).isEmpty()) {
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("Unknown audit outcome %1").arg(static_cast<int>(record.outcome)));
        }
        if (record.details.size() > kMaxDetails) {
            record.details = record.details.left(kMaxDetails) + QStringLiteral(" [truncated]");
        }
        if (!record.utc.isValid()) {
            record.utc = QDateTime::currentDateTimeUtc();
        }
        record.utc = record.utc.toUTC();
        record.localTime = record.utc.toLocalTime().toString(Qt::ISODateWithMs);
        if (!record.localTime.contains(QLatin1Char('+')) && !record.localTime.endsWith(QLatin1Char('Z')) &&
            record.localTime.count(QLatin1Char('-')) < 3) {
            record.localTime += QStringLiteral("Z");
        }
        record.clockSync = ClockStatus::name(ClockStatus::current());
        if (record.workstation.isEmpty()) {
            record.workstation = QSysInfo::machineHostName();
        }
        qint64 sequence = 0;
        QByteArray hash;
        auto written = vault.transaction([&]() -> Expected<void> {
            auto last = vault.query(
                QStringLiteral("SELECT sequence, hash FROM audit_records ORDER BY sequence DESC LIMIT 1"));
            if (!last) {
                return std::unexpected(last.error());
            }
            auto head = tableHead();
            if (!head) {
                return std::unexpected(head.error());
            }
            qint64 highest = head->sequence;
            QByteArray prevHash = zeroHash();
            if (!last->isEmpty()) {
                highest = std::max(highest, last->first().value(0).toLongLong());
                prevHash = last->first().value(1).toByteArray();
            }
            if (const auto file = fileHead(); file && file->authentic) {
                highest = std::max(highest, file->sequence);
            }
            // Never reuse a sequence number, even after truncation: the gap stays visible.
            sequence = highest + 1;
            const QStringList fields{utcText(record.utc),
                                     record.localTime,
                                     record.clockSync,
                                     record.userId,
                                     record.role,
                                     record.cardFingerprint,
                                     record.workstation,
                                     record.sessionId,
                                     QString::number(static_cast<int>(record.event)),
                                     record.eventType,
                                     QString::number(static_cast<int>(record.outcome)),
                                     record.patientId,
                                     record.studyUid,
                                     record.details,
                                     record.emergency ? QStringLiteral("1") : QStringLiteral("0")};
            hash = sha256(canonical(sequence, fields, prevHash));
            const QByteArray mac = hmacSha256(*hmacKey, hash);
            QVariantList params{sequence};
            for (const QString& field : fields) {
                params << (field.isNull() ? QStringLiteral("") : field); // NOT NULL columns
            }
            params[9] = static_cast<int>(record.event);
            params[11] = static_cast<int>(record.outcome);
            params[15] = record.emergency ? 1 : 0;
            params << prevHash << hash << mac;
            auto inserted = vault.exec(QStringLiteral("INSERT INTO audit_records(%1) VALUES "
                                                      "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
                                           .arg(kColumns),
                                       params);
            if (!inserted) {
                return inserted;
            }
            return vault.exec(
                QStringLiteral(
                    "INSERT OR REPLACE INTO audit_head(id, sequence, hash, hmac) VALUES (1, ?, ?, ?)"),
                {sequence, hash, hmacSha256(*hmacKey, headMessage(sequence, hash))});
        });
        if (!written) {
            releaseVaultMemory();
            return std::unexpected(written.error());
        }
        vault.afterCommit([this, sequence, hash]() { writeHeadFile(sequence, hash); });
        releaseVaultMemory();
        return sequence;
    }

    Expected<QList<StoredRow>> allRows()
    {
        auto rows =
            vault.query(QStringLiteral("SELECT %1 FROM audit_records ORDER BY sequence").arg(kColumns));
        releaseVaultMemory();
        if (!rows) {
            return std::unexpected(rows.error());
        }
        QList<StoredRow> stored;
        stored.reserve(rows->size());
        for (const auto& row : *rows) {
            stored << rowFromVariants(row);
        }
        return stored;
    }

    Expected<VerifyResult> check()
    {
        if (auto ready = ensureReady(); !ready) {
            return std::unexpected(ready.error());
        }
        auto loaded = allRows();
        if (!loaded) {
            return std::unexpected(loaded.error());
        }
        const QList<StoredRow>& rows = *loaded;
        VerifyResult result;
        result.recordsChecked = rows.size();
        const SecretKey& key = *hmacKey;

        // 1. Which rows are authentic, and under which sequence were they written?
        std::vector<qint64> original(static_cast<std::size_t>(rows.size()), 0);
        std::vector<bool> pairAuthentic(static_cast<std::size_t>(rows.size()), false);
        QHash<QByteArray, qint64> sequenceOfHash;
        auto matches = [&](const StoredRow& row, qint64 sequence) {
            return sameBytes(sha256(canonical(sequence, row.fields, row.prevHash)), row.hash);
        };
        qint64 highestStored = 0;
        for (qsizetype i = 0; i < rows.size(); ++i) {
            const StoredRow& row = rows.at(i);
            highestStored = std::max(highestStored, row.sequence);
            pairAuthentic[static_cast<std::size_t>(i)] =
                row.hash.size() == kHashSize && sameBytes(row.hmac, hmacSha256(key, row.hash));
            if (pairAuthentic[static_cast<std::size_t>(i)] &&
                row.sequenceText == QString::number(row.sequence) && matches(row, row.sequence)) {
                original[static_cast<std::size_t>(i)] = row.sequence;
                sequenceOfHash.insert(row.hash, row.sequence);
            }
        }
        // Moved rows: their predecessor's hash tells which sequence they were written with.
        for (bool progress = true; progress;) {
            progress = false;
            for (qsizetype i = 0; i < rows.size(); ++i) {
                const auto at = static_cast<std::size_t>(i);
                if (original[at] != 0 || !pairAuthentic[at]) {
                    continue;
                }
                const StoredRow& row = rows.at(i);
                qint64 candidate = 0;
                if (sameBytes(row.prevHash, zeroHash())) {
                    candidate = 1;
                } else if (sequenceOfHash.contains(row.prevHash)) {
                    candidate = sequenceOfHash.value(row.prevHash) + 1;
                }
                if (candidate != 0 && matches(row, candidate)) {
                    original[at] = candidate;
                    sequenceOfHash.insert(row.hash, candidate);
                    progress = true;
                }
            }
        }
        auto tableHeadValue = tableHead();
        if (!tableHeadValue) {
            return std::unexpected(tableHeadValue.error());
        }
        const Head head = *tableHeadValue;
        const std::optional<Head> file = fileHead();
        const qint64 searchLimit = std::max({highestStored, head.authentic ? head.sequence : 0,
                                             file && file->authentic ? file->sequence : 0}) +
                                   1;
        // Authentic rows whose predecessor is gone: search a bounded number of them exhaustively.
        int searched = 0;
        for (qsizetype i = 0; i < rows.size() && searched < kMaxCandidateSearch; ++i) {
            const auto at = static_cast<std::size_t>(i);
            if (original[at] != 0 || !pairAuthentic[at]) {
                continue;
            }
            ++searched;
            for (qint64 candidate = 1; candidate <= searchLimit; ++candidate) {
                if (matches(rows.at(i), candidate)) {
                    original[at] = candidate;
                    sequenceOfHash.insert(rows.at(i).hash, candidate);
                    break;
                }
            }
        }

        QList<Problem> problems;
        std::map<qint64, qsizetype> rowOfOriginal; // original sequence -> row index
        std::set<qsizetype> unexplained;           // rows that are not authentic records
        qint64 highestOriginal = 0;
        for (qsizetype i = 0; i < rows.size(); ++i) {
            const qint64 written = original[static_cast<std::size_t>(i)];
            if (written == 0) {
                unexplained.insert(i);
                continue;
            }
            if (rowOfOriginal.contains(written)) {
                problems << Problem{
                    rows.at(i).sequence, Problem::Kind::Inserted,
                    QStringLiteral("sequence %1 is a copy of record %2 replayed into the trail")
                        .arg(rows.at(i).sequence)
                        .arg(written)};
                continue;
            }
            rowOfOriginal[written] = i;
            highestOriginal = std::max(highestOriginal, written);
            if (written != rows.at(i).sequence) {
                problems << Problem{written, Problem::Kind::Reordered,
                                    QStringLiteral("record %1 was moved: it now stands at sequence %2")
                                        .arg(written)
                                        .arg(rows.at(i).sequenceText)};
            }
        }
        // Chain links between authentic neighbours.
        for (const auto& [written, index] : rowOfOriginal) {
            const QByteArray& prev = rows.at(index).prevHash;
            if (written == 1) {
                if (!sameBytes(prev, zeroHash())) {
                    problems << Problem{written, Problem::Kind::Modified,
                                        QStringLiteral("record 1 does not start the chain")};
                }
                continue;
            }
            if (const auto before = rowOfOriginal.find(written - 1);
                before != rowOfOriginal.end() && !sameBytes(prev, rows.at(before->second).hash)) {
                problems << Problem{
                    written, Problem::Kind::Modified,
                    QStringLiteral("record %1 does not link to record %2 (the chain was rebuilt)")
                        .arg(written)
                        .arg(written - 1)};
            }
        }
        // Head: the vault's row and the file next to the vault.
        qint64 expectedLast = highestOriginal;
        if (head.authentic) {
            expectedLast = std::max(expectedLast, head.sequence);
        } else if (!rows.isEmpty() || head.sequence != 0) {
            problems << Problem{
                head.sequence, Problem::Kind::Modified,
                head.hash.isEmpty() && head.sequence == 0
                    ? QStringLiteral("the head record in the vault is missing")
                    : QStringLiteral("the head record in the vault was altered (HMAC mismatch)")};
        }
        if (!file) {
            if (!rows.isEmpty()) {
                problems << Problem{
                    highestOriginal + 1, Problem::Kind::TruncatedTail,
                    QStringLiteral("the head file %1 is missing: deletion of the newest records "
                                   "cannot be ruled out")
                        .arg(headFile())};
            }
        } else if (!file->authentic) {
            problems << Problem{
                file->sequence, Problem::Kind::Modified,
                QStringLiteral("the head file %1 was altered (HMAC mismatch)").arg(headFile())};
        } else {
            expectedLast = std::max(expectedLast, file->sequence);
            // The file may lag the vault by the records of a crash between commit and file write, but
            // what it names must be in the chain.
            const auto named = rowOfOriginal.find(file->sequence);
            if (file->sequence > 0 && named != rowOfOriginal.end() &&
                !sameBytes(rows.at(named->second).hash, file->hash)) {
                problems << Problem{file->sequence, Problem::Kind::Modified,
                                    QStringLiteral("record %1 differs from the one named by the head file")
                                        .arg(file->sequence)};
            }
        }
        if (head.authentic && head.sequence > 0) {
            const auto named = rowOfOriginal.find(head.sequence);
            if (named != rowOfOriginal.end() && !sameBytes(rows.at(named->second).hash, head.hash)) {
                problems << Problem{
                    head.sequence, Problem::Kind::Modified,
                    QStringLiteral("record %1 differs from the one named by the head").arg(head.sequence)};
            }
        }
        // Records that should exist but are not there as written.
        QHash<qint64, qsizetype> unexplainedAt;
        for (const qsizetype i : unexplained) {
            unexplainedAt.insert(rows.at(i).sequence, i);
        }
        qint64 tailStart = 0;
        for (qint64 written = 1; written <= expectedLast; ++written) {
            if (rowOfOriginal.contains(written)) {
                continue;
            }
            if (unexplainedAt.contains(written)) {
                const qsizetype index = unexplainedAt.value(written);
                unexplained.erase(index);
                unexplainedAt.remove(written);
                problems << Problem{written, Problem::Kind::Modified,
                                    QStringLiteral("record %1 was altered: its content no longer matches its "
                                                   "hash and HMAC")
                                        .arg(written)};
            } else if (written > highestOriginal) {
                tailStart = written;
                break;
            } else {
                problems << Problem{written, Problem::Kind::Deleted,
                                    QStringLiteral("record %1 was deleted").arg(written)};
            }
        }
        if (tailStart != 0) {
            problems << Problem{tailStart, Problem::Kind::TruncatedTail,
                                QStringLiteral("records %1 to %2 are missing from the end of the trail")
                                    .arg(tailStart)
                                    .arg(expectedLast)};
        }
        for (const qsizetype i : unexplained) {
            problems << Problem{rows.at(i).sequence, Problem::Kind::Inserted,
                                QStringLiteral("sequence %1 was not written by dokuei (no valid HMAC): an "
                                               "inserted record")
                                    .arg(rows.at(i).sequenceText)};
        }
        std::stable_sort(problems.begin(), problems.end(),
                         [](const Problem& a, const Problem& b) { return a.sequence < b.sequence; });
        result.problems = problems;
        result.ok = problems.isEmpty();
        return result;
    }

    Expected<qint64> recordUse(const QString& what, const QString& details, AuditOutcome outcome)
    {
        AuditRecord used;
        used.userId = actorUserId;
        used.role = actorRole;
        used.sessionId = actorSessionId;
        used.event = AuditEventId::AuditLogUsed;
        used.eventType = what;
        used.outcome = outcome;
        used.details = details;
        return append(std::move(used));
    }

    Expected<QList<AuditRecord>> recordsIn(const QDateTime& fromUtc, const QDateTime& toUtc)
    {
        if (auto ready = ensureReady(); !ready) {
            return std::unexpected(ready.error());
        }
        if (!fromUtc.isValid() || !toUtc.isValid() || toUtc < fromUtc) {
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("The audit period must have a valid start before its end"));
        }
        auto rows = vault.query(
            QStringLiteral("SELECT %1 FROM audit_records WHERE utc >= ? AND utc < ? ORDER BY sequence")
                .arg(kColumns),
            {utcText(fromUtc), utcText(toUtc)});
        releaseVaultMemory();
        if (!rows) {
            return std::unexpected(rows.error());
        }
        QList<AuditRecord> records;
        for (const auto& row : *rows) {
            records << recordFromRow(rowFromVariants(row));
        }
        return records;
    }
};

AuditTrail::AuditTrail(Vault& systemVault) : m_impl(std::make_unique<Impl>(systemVault))
{}

AuditTrail::~AuditTrail() = default;

Expected<qint64> AuditTrail::record(AuditRecord record)
{
    return m_impl->append(std::move(record));
}

void AuditTrail::setActor(const QString& userId, const QString& role, const QString& sessionId)
{
    m_impl->actorUserId = userId;
    m_impl->actorRole = role;
    m_impl->actorSessionId = sessionId;
}

Expected<AuditTrail::VerifyResult> AuditTrail::verify(Usage usage)
{
    auto result = m_impl->check();
    if (!result || usage == Usage::Unaudited) {
        return result;
    }
    auto used = m_impl->recordUse(QStringLiteral("Verify"),
                                  QStringLiteral("%1 records checked, %2 problems")
                                      .arg(result->recordsChecked)
                                      .arg(result->problems.size()),
                                  result->ok ? AuditOutcome::Success : AuditOutcome::SeriousFailure);
    if (!used) {
        return std::unexpected(used.error());
    }
    if (!result->ok) {
        AuditRecord alert;
        alert.userId = m_impl->actorUserId;
        alert.role = m_impl->actorRole;
        alert.sessionId = m_impl->actorSessionId;
        alert.event = AuditEventId::SecurityAlert;
        alert.eventType = QStringLiteral("AuditTrailTampered");
        alert.outcome = AuditOutcome::SeriousFailure;
        QStringList first;
        for (const auto& problem : result->problems.mid(0, 10)) {
            first << QStringLiteral("%1 at %2").arg(problemKindName(problem.kind)).arg(problem.sequence);
        }
        alert.details = first.join(QStringLiteral(", "));
        if (auto recorded = m_impl->append(std::move(alert)); !recorded) {
            return std::unexpected(recorded.error());
        }
    }
    return result;
}

Expected<QList<AuditRecord>> AuditTrail::records(const QDateTime& fromUtc, const QDateTime& toUtc)
{
    return m_impl->recordsIn(fromUtc, toUtc);
}

Expected<QString> AuditTrail::report(const QDateTime& fromUtc, const QDateTime& toUtc)
{
    auto verified = m_impl->check();
    if (!verified) {
        return std::unexpected(verified.error());
    }
    auto records = m_impl->recordsIn(fromUtc, toUtc);
    if (!records) {
        return std::unexpected(records.error());
    }
    QString text;
    QTextStream out(&text);
    out << "dokuei audit report\n";
    out << "Period (UTC): " << utcText(fromUtc) << " to " << utcText(toUtc) << " (end excluded)\n";
    out << "Records in period: " << records->size() << "\n";
    if (verified->ok) {
        out << "Trail verification: OK (" << verified->recordsChecked << " records checked)\n";
    } else {
        out << "Trail verification: " << verified->problems.size() << " PROBLEMS\n";
        for (const auto& problem : verified->problems) {
            out << "  " << problemKindName(problem.kind) << " at " << problem.sequence << ": "
                << problem.explanation << "\n";
        }
    }
    qsizetype unsynchronised = 0;
    out << "\nChronological listing\n";
    out << "seq | local time | clock | user | role | workstation | session | event | type | outcome | "
           "patient | "
           "study | emergency | details\n";
    for (const auto& record : *records) {
        if (record.clockSync != QStringLiteral("synchronised")) {
            ++unsynchronised;
        }
        out << record.sequence << " | " << record.localTime << " | " << record.clockSync << " | "
            << record.userId << " | " << record.role << " | " << record.workstation << " | "
            << record.sessionId << " | " << static_cast<int>(record.event) << " "
            << auditEventName(record.event) << " | " << record.eventType << " | "
            << auditOutcomeName(record.outcome) << " | " << record.patientId << " | " << record.studyUid
            << " | " << (record.emergency ? "EMERGENCY" : "") << " | " << record.details << "\n";
    }
    if (unsynchronised > 0) {
        out << "Note: " << unsynchronised << " records were written while the clock was not known to be "
            << "synchronised.\n";
    }

    struct Session
    {
        QString user;
        QString id;
        QDateTime login;
        QDateTime logout;
        QStringList patients;
    };
    // A session is opened by its successful 110114 "Login" (SignInService, with a new session ID) and
    // closed by the 110114 "Logout" with the same session ID (written when the session ends). Everything
    // else in between (Lock, Unlock, refused unlock attempts, SessionStart) belongs to it and never opens
    // another; records with a patient ID and that session ID are its patients handled. A session that
    // began before the period gets a row as soon as one of its patient records or its Logout is seen.
    // Records without a session ID (older trails) fall back to one session per user ("user:<id>").
    QList<Session> sessions;
    QHash<QString, qsizetype> openSession; // session key -> index
    QSet<QString> closedSessions;
    auto sessionKey = [](const AuditRecord& record) {
        return record.sessionId.isEmpty() ? QStringLiteral("user:") + record.userId : record.sessionId;
    };
    for (const auto& record : *records) {
        const QString key = sessionKey(record);
        if (record.event == AuditEventId::UserAuthentication && record.outcome == AuditOutcome::Success &&
            record.eventType == QStringLiteral("Login")) {
            openSession.insert(key, sessions.size());
            closedSessions.remove(key);
            sessions << Session{record.userId, record.sessionId, record.utc, {}, {}};
        } else if (record.event == AuditEventId::UserAuthentication &&
                   record.eventType == QStringLiteral("Logout")) {
            closedSessions.insert(key);
            if (openSession.contains(key)) {
                sessions[openSession.value(key)].logout = record.utc;
                openSession.remove(key);
            } else {
                sessions << Session{record.userId, record.sessionId, {}, record.utc, {}};
            }
        } else if (!record.patientId.isEmpty()) {
            if (!openSession.contains(key) && !record.sessionId.isEmpty() && !closedSessions.contains(key)) {
                // A session that began before the period.
                openSession.insert(key, sessions.size());
                sessions << Session{record.userId, record.sessionId, {}, {}, {}};
            }
            if (!openSession.contains(key)) {
                continue;
            }
            QStringList& patients = sessions[openSession.value(key)].patients;
            if (!patients.contains(record.patientId)) {
                patients << record.patientId;
            }
        }
    }
    out << "\nSessions\n";
    out << "user | session | login (local) | logout (local) | duration | patients handled\n";
    for (const auto& session : sessions) {
        const QString login = session.login.isValid() ? session.login.toLocalTime().toString(Qt::ISODate)
                                                      : QStringLiteral("(before the period)");
        const QString logout = session.logout.isValid() ? session.logout.toLocalTime().toString(Qt::ISODate)
                                                        : QStringLiteral("(no logout in the period)");
        const QString duration = session.login.isValid() && session.logout.isValid()
                                     ? formatDuration(session.login.secsTo(session.logout))
                                     : QStringLiteral("-");
        out << session.user << " | " << session.id << " | " << login << " | " << logout << " | " << duration
            << " | " << session.patients.join(QStringLiteral(", ")) << "\n";
    }

    QMap<QString, QPair<qsizetype, QStringList>> perPatient;
    for (const auto& record : *records) {
        if (record.patientId.isEmpty()) {
            continue;
        }
        auto& entry = perPatient[record.patientId];
        ++entry.first;
        if (!entry.second.contains(record.userId)) {
            entry.second << record.userId;
        }
    }
    out << "\nPer-patient access counts\n";
    out << "patient | accesses | users\n";
    for (auto it = perPatient.cbegin(); it != perPatient.cend(); ++it) {
        out << it.key() << " | " << it.value().first << " | " << it.value().second.join(QStringLiteral(", "))
            << "\n";
    }
    out.flush();
    auto used = m_impl->recordUse(QStringLiteral("Report"),
                                  QStringLiteral("report %1 to %2, %3 records")
                                      .arg(utcText(fromUtc), utcText(toUtc))
                                      .arg(records->size()),
                                  AuditOutcome::Success);
    if (!used) {
        return std::unexpected(used.error());
    }
    return text;
}

Expected<QByteArray> AuditTrail::exportJson(const QDateTime& fromUtc, const QDateTime& toUtc)
{
    auto verified = m_impl->check();
    if (!verified) {
        return std::unexpected(verified.error());
    }
    auto rows = m_impl->vault.query(
        QStringLiteral("SELECT %1 FROM audit_records WHERE utc >= ? AND utc < ? ORDER BY sequence")
            .arg(kColumns),
        {utcText(fromUtc), utcText(toUtc)});
    m_impl->releaseVaultMemory();
    if (!rows) {
        return std::unexpected(rows.error());
    }
    QJsonArray records;
    for (const auto& row : *rows) {
        const StoredRow stored = rowFromVariants(row);
        const AuditRecord record = recordFromRow(stored);
        records.append(QJsonObject{
            {QStringLiteral("sequence"), record.sequence},
            {QStringLiteral("utc"), stored.fields.at(0)},
            {QStringLiteral("local_time"), record.localTime},
            {QStringLiteral("clock_sync"), record.clockSync},
            {QStringLiteral("user_id"), record.userId},
            {QStringLiteral("role"), record.role},
            {QStringLiteral("card_fingerprint"), record.cardFingerprint},
            {QStringLiteral("workstation"), record.workstation},
            {QStringLiteral("session_id"), record.sessionId},
            {QStringLiteral("event_id"), static_cast<int>(record.event)},
            {QStringLiteral("event_name"), auditEventName(record.event)},
            {QStringLiteral("event_type"), record.eventType},
            {QStringLiteral("outcome"), static_cast<int>(record.outcome)},
            {QStringLiteral("patient_id"), record.patientId},
            {QStringLiteral("study_uid"), record.studyUid},
            {QStringLiteral("details"), record.details},
            {QStringLiteral("emergency"), record.emergency},
            {QStringLiteral("prev_hash"), QString::fromLatin1(stored.prevHash.toHex())},
            {QStringLiteral("hash"), QString::fromLatin1(stored.hash.toHex())},
        });
    }
    QJsonArray problems;
    for (const auto& problem : verified->problems) {
        problems.append(QJsonObject{{QStringLiteral("sequence"), problem.sequence},
                                    {QStringLiteral("kind"), problemKindName(problem.kind)},
                                    {QStringLiteral("explanation"), problem.explanation}});
    }
    const QJsonObject document{
        {QStringLiteral("format"), QStringLiteral("dokuei-audit-export-v1")},
        {QStringLiteral("exported_utc"), utcText(QDateTime::currentDateTimeUtc())},
        {QStringLiteral("from_utc"), utcText(fromUtc)},
        {QStringLiteral("to_utc"), utcText(toUtc)},
        {QStringLiteral("workstation"), QSysInfo::machineHostName()},
        {QStringLiteral("verification"),
         QJsonObject{{QStringLiteral("ok"), verified->ok},
                     {QStringLiteral("records_checked"), verified->recordsChecked},
                     {QStringLiteral("problems"), problems}}},
        {QStringLiteral("records"), records},
    };
    auto used = m_impl->recordUse(QStringLiteral("Export"),
                                  QStringLiteral("JSON export %1 to %2, %3 records")
                                      .arg(utcText(fromUtc), utcText(toUtc))
                                      .arg(records.size()),
                                  AuditOutcome::Success);
    if (!used) {
        return std::unexpected(used.error());
    }
    return QJsonDocument(document).toJson(QJsonDocument::Indented);
}

QString AuditTrail::headFilePath(const QString& vaultPath)
{
    return vaultPath + QStringLiteral(".audit-head");
}

QString AuditTrail::problemKindName(Problem::Kind kind)
{
    switch (kind) {
    case Problem::Kind::Modified:
        return QStringLiteral("Modified");
    case Problem::Kind::Deleted:
        return QStringLiteral("Deleted");
    case Problem::Kind::Inserted:
        return QStringLiteral("Inserted");
    case Problem::Kind::Reordered:
        return QStringLiteral("Reordered");
    case Problem::Kind::TruncatedTail:
        return QStringLiteral("TruncatedTail");
    }
    return {};
}

} // namespace dokuei::security
