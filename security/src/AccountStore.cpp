#include "dokuei/security/AccountStore.h"

#include "dokuei/security/CertificateInfo.h"
#include "dokuei/security/IAuditSink.h"
#include "dokuei/security/PasswordPolicy.h"
#include "dokuei/security/Vault.h"

#include <algorithm>

#include <QRegularExpression>
#include <QSet>

namespace dokuei::security {
namespace {

/// How the stored hash's password was normalised before hashing, so that verification uses the same
/// form even after the administrator switches profiles.
const QString kFormNfkc = QStringLiteral("nfkc");
const QString kFormAsTyped = QStringLiteral("as-typed");

/// Unknown IDs are counted under at most this many characters (anything typed into the ID field).
constexpr qsizetype kUnknownIdKeyLength = 128;
constexpr qsizetype kMinimumIdentityRecord = 10;
constexpr qsizetype kMaximumDisplayName = 128;

const QString kColumns = QStringLiteral(
    "id, display_name, role, disabled, locked, must_change_password, password_hash, password_form, "
    "password_changed_at, consecutive_failures, last_failure_at, card_fingerprint, card_subject, "
    "card_serial, "
    "created_at");

QString toText(const QDateTime& time)
{
    return time.isValid() ? time.toUTC().toString(Qt::ISODateWithMs) : QString();
}

QDateTime fromText(const QVariant& value)
{
    if (value.isNull()) {
        return {};
    }
    QDateTime time = QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
    time.setTimeSpec(Qt::UTC);
    return time;
}

QString lookupKey(const QString& id)
{
    return id.toLower().left(kUnknownIdKeyLength);
}

Error authenticationFailed()
{
    // Deliberately identical for an unknown ID and a wrong password.
    return Error{ErrorCode::AuthenticationFailed, QStringLiteral("The user ID or password is not correct")};
}

Error accountLocked()
{
    // Identical for real accounts and for unknown IDs that reached the same number of failures.
    return Error{
        ErrorCode::AccountLocked,
        QStringLiteral("The account is locked after too many failed sign-in attempts: an administrator "
                       "must unlock it (dokuei-admin user unlock ID) after checking who made them")};
}

bool hasControlCharacters(const QString& text)
{
    return std::any_of(text.begin(), text.end(), [](QChar c) {
        return c.category() == QChar::Other_Control || c.category() == QChar::Other_Format;
    });
}

} // namespace

struct AccountStore::Row
{
    Account account;
    QString passwordHash;
    QString passwordForm;
};

Expected<AccountStore::Row> AccountStore::rowFromColumns(const QVariantList& columns)
{
    if (columns.size() != 15) {
        return fail(ErrorCode::VaultFailure, QStringLiteral("The accounts table has an unexpected shape"));
    }
    const auto role = roleFromName(columns.at(2).toString());
    if (!role) {
        return fail(ErrorCode::VaultFailure,
                    QStringLiteral("Account \"%1\" has an unknown role \"%2\" in the vault")
                        .arg(columns.at(0).toString(), columns.at(2).toString()));
    }
    AccountStore::Row row;
    Account& account = row.account;
    account.id = columns.at(0).toString();
    account.displayName = columns.at(1).toString();
    account.role = *role;
    account.disabled = columns.at(3).toLongLong() != 0;
    account.locked = columns.at(4).toLongLong() != 0;
    account.mustChangePassword = columns.at(5).toLongLong() != 0;
    row.passwordHash = columns.at(6).toString();
    row.passwordForm = columns.at(7).toString();
    account.passwordChangedAt = fromText(columns.at(8));
    account.consecutiveFailures = static_cast<int>(columns.at(9).toLongLong());
    account.lastFailureAt = fromText(columns.at(10));
    account.cardFingerprint = columns.at(11).toString();
    account.cardSubject = columns.at(12).toString();
    account.cardSerial = columns.at(13).toString();
    account.createdAt = fromText(columns.at(14));
    return row;
}

AccountStore::AccountStore(Vault& systemVault, IAuditSink& audit, AccountStoreOptions options)
    : m_vault(systemVault), m_audit(audit), m_hasher(options.hashParams), m_clock(std::move(options.clock)),
      m_actorRole(std::move(options.actorRole))
{}

QStringList AccountStore::genericAccountIds()
{
    return {QStringLiteral("admin"),     QStringLiteral("administrator"), QStringLiteral("root"),
            QStringLiteral("superuser"), QStringLiteral("sysadmin"),      QStringLiteral("system"),
            QStringLiteral("operator"),  QStringLiteral("user"),          QStringLiteral("users"),
            QStringLiteral("test"),      QStringLiteral("tester"),        QStringLiteral("testuser"),
            QStringLiteral("guest"),     QStringLiteral("shared"),        QStringLiteral("common"),
            QStringLiteral("public"),    QStringLiteral("everyone"),      QStringLiteral("anonymous"),
            QStringLiteral("nobody"),    QStringLiteral("default"),       QStringLiteral("demo"),
            QStringLiteral("sample"),    QStringLiteral("temp"),          QStringLiteral("tmp"),
            QStringLiteral("support"),   QStringLiteral("service"),       QStringLiteral("staff"),
            QStringLiteral("team"),      QStringLiteral("radiology"),     QStringLiteral("radiologist"),
            QStringLiteral("doctor"),    QStringLiteral("physician"),     QStringLiteral("reader"),
            QStringLiteral("reading"),   QStringLiteral("nurse"),         QStringLiteral("technician"),
            QStringLiteral("tech"),      QStringLiteral("dokuei"),        QStringLiteral("workstation"),
            QStringLiteral("reception"), QStringLiteral("office"),        QStringLiteral("info")};
}

Expected<QString> AccountStore::validateAccountId(const QString& id)
{
    const QString lower = id.toLower();
    static const QRegularExpression format(QStringLiteral("^[a-z][a-z0-9._-]{2,31}$"));
    if (!format.match(lower).hasMatch()) {
        return fail(
            ErrorCode::InvalidArgument,
            QStringLiteral("Account ID \"%1\" is not usable: use 3 to 32 characters a-z, 0-9, '.', '_' "
                           "or '-', starting with a letter (for example tanaka.h)")
                .arg(id));
    }
    // Refused when every part (split at . _ -, trailing digits dropped) is generic or empty: "admin",
    // "user01", "radiology-team", "test.2" are shared names; "tanaka.radiology" names a person.
    static const QSet<QString> generic = [] {
        const QStringList list = genericAccountIds();
        return QSet<QString>(list.begin(), list.end());
    }();
    static const QRegularExpression separators(QStringLiteral("[._-]"));
    static const QRegularExpression trailingDigits(QStringLiteral("[0-9]+$"));
    const QStringList parts = lower.split(separators);
    const bool shared = std::all_of(parts.begin(), parts.end(), [](QString part) {
        part.remove(trailingDigits);
        return part.isEmpty() || generic.contains(part);
    });
    if (shared) {
        return fail(
            ErrorCode::InvalidArgument,
            QStringLiteral("Account ID \"%1\" is a shared or generic name: every account belongs to one "
                           "person (guideline 6.5 C-1), so use an ID that names that person (for example "
                           "tanaka.h)")
                .arg(id));
    }
    return lower;
}

QDateTime AccountStore::now() const
{
    return m_clock ? m_clock().toUTC() : QDateTime::currentDateTimeUtc();
}

Expected<void> AccountStore::ensureSchema()
{
    if (m_schemaReady) {
        return {};
    }
    auto created = m_vault.exec(QStringLiteral(
        "CREATE TABLE IF NOT EXISTS accounts("
        " id TEXT PRIMARY KEY NOT NULL,"
        " display_name TEXT NOT NULL,"
        " role TEXT NOT NULL,"
        " disabled INTEGER NOT NULL DEFAULT 0,"
        " locked INTEGER NOT NULL DEFAULT 0,"
        " must_change_password INTEGER NOT NULL DEFAULT 1,"
        " password_hash TEXT NOT NULL,"
        " password_form TEXT NOT NULL,"
        " password_changed_at TEXT NOT NULL,"
        " consecutive_failures INTEGER NOT NULL DEFAULT 0,"
        " last_failure_at TEXT,"
        " card_fingerprint TEXT NOT NULL DEFAULT '',"
        " card_subject TEXT NOT NULL DEFAULT '',"
        " card_serial TEXT NOT NULL DEFAULT '',"
        " created_at TEXT NOT NULL);"
        "CREATE TABLE IF NOT EXISTS unknown_id_failures("
        " id TEXT PRIMARY KEY NOT NULL,"
        " consecutive_failures INTEGER NOT NULL,"
        " last_failure_at TEXT NOT NULL);"
        "CREATE TABLE IF NOT EXISTS policy(key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);"));
    if (!created) {
        return created;
    }
    m_schemaReady = true;
    return {};
}

Expected<std::optional<AccountStore::Row>> AccountStore::findRow(const QString& id)
{
    if (auto schema = ensureSchema(); !schema) {
        return std::unexpected(schema.error());
    }
    auto rows =
        m_vault.query(QStringLiteral("SELECT %1 FROM accounts WHERE id = ?").arg(kColumns), {lookupKey(id)});
    if (!rows) {
        return std::unexpected(rows.error());
    }
    if (rows->isEmpty()) {
        return std::optional<Row>();
    }
    auto row = rowFromColumns(rows->first());
    if (!row) {
        return std::unexpected(row.error());
    }
    return std::optional<Row>(std::move(*row));
}

Expected<AccountStore::Row> AccountStore::requireRow(const QString& id)
{
    auto row = findRow(id);
    if (!row) {
        return std::unexpected(row.error());
    }
    if (!*row) {
        return fail(ErrorCode::NotFound,
                    QStringLiteral("There is no account \"%1\" (dokuei-admin user list shows them)").arg(id));
    }
    return std::move(**row);
}

Expected<int> AccountStore::unknownIdFailures(const QString& key)
{
    auto rows = m_vault.query(
        QStringLiteral("SELECT consecutive_failures FROM unknown_id_failures WHERE id = ?"), {key});
    if (!rows) {
        return std::unexpected(rows.error());
    }
    return rows->isEmpty() ? 0 : static_cast<int>(rows->first().at(0).toLongLong());
}

Expected<void> AccountStore::update(const QString& id, const QString& assignments, const QVariantList& values)
{
    QVariantList params = values;
    params << id;
    if (auto done =
            m_vault.exec(QStringLiteral("UPDATE accounts SET %1 WHERE id = ?").arg(assignments), params);
        !done) {
        return done;
    }
    if (m_vault.changes() != 1) {
        return fail(ErrorCode::NotFound, QStringLiteral("There is no account \"%1\"").arg(id));
    }
    return {};
}

Expected<void> AccountStore::auditChange(const QString& actor, const QString& eventType,
                                         const QString& details)
{
    // Changes to accounts and policy are "security alert" events in DICOM PS3.15 A.5 (event type codes
    // such as 110136 Security Roles Changed, 110137 User Security Attributes Changed), with outcome Success.
    AuditRecord record;
    record.userId = actor;
    record.role = m_actorRole;
    record.event = AuditEventId::SecurityAlert;
    record.eventType = eventType;
    record.outcome = AuditOutcome::Success;
    record.details = details;
    auto recorded = m_audit.record(record);
    if (!recorded) {
        return std::unexpected(recorded.error());
    }
    return {};
}

Expected<void> AccountStore::storePassword(const QString& id, const QString& password,
                                           PasswordProfile profile, bool mustChange)
{
    const PasswordPolicy rules(profile);
    auto encoded = m_hasher.hash(rules.normalise(password));
    if (!encoded) {
        return std::unexpected(encoded.error());
    }
    const QString form = profile == PasswordProfile::Nist80063b ? kFormNfkc : kFormAsTyped;
    return update(id,
                  QStringLiteral("password_hash = ?, password_form = ?, password_changed_at = ?, "
                                 "must_change_password = ?"),
                  {*encoded, form, toText(now()), mustChange});
}

// ---- policy ----

Expected<SecurityPolicy> AccountStore::policy()
{
    if (auto schema = ensureSchema(); !schema) {
        return std::unexpected(schema.error());
    }
    auto rows = m_vault.query(QStringLiteral("SELECT key, value FROM policy ORDER BY key"));
    if (!rows) {
        return std::unexpected(rows.error());
    }
    QList<QPair<QString, QString>> entries;
    for (const QVariantList& row : *rows) {
        entries.append({row.at(0).toString(), row.at(1).toString()});
    }
    auto parsed = SecurityPolicy::fromEntries(entries);
    if (!parsed) {
        return fail(
            ErrorCode::ConfigurationInvalid,
            QStringLiteral("The security policy stored in the vault is unusable (%1): set it again with "
                           "dokuei-admin policy set")
                .arg(parsed.error().message));
    }
    return parsed;
}

Expected<void> AccountStore::setPolicy(const SecurityPolicy& newPolicy, const QString& actor)
{
    if (auto valid = newPolicy.validate(); !valid) {
        return valid;
    }
    auto current = policy();
    if (!current) {
        // An unusable stored policy may be replaced by a valid one.
        if (current.error().code != ErrorCode::ConfigurationInvalid) {
            return std::unexpected(current.error());
        }
        current = SecurityPolicy{};
    }
    const auto before = current->entries();
    const auto after = newPolicy.entries();
    return m_vault.transaction([&]() -> Expected<void> {
        QStringList changes;
        for (qsizetype i = 0; i < after.size(); ++i) {
            if (auto stored =
                    m_vault.exec(QStringLiteral("INSERT OR REPLACE INTO policy(key, value) VALUES(?, ?)"),
                                 {after.at(i).first, after.at(i).second});
                !stored) {
                return stored;
            }
            if (before.at(i).second != after.at(i).second) {
                changes << QStringLiteral("%1: %2 -> %3")
                               .arg(after.at(i).first, before.at(i).second, after.at(i).second);
            }
        }
        if (changes.isEmpty()) {
            return {};
        }
        return auditChange(actor, QStringLiteral("PolicyChanged"),
                           QStringLiteral("security policy changed: ") + changes.join(QStringLiteral("; ")));
    });
}

// ---- administration ----

Expected<void> AccountStore::addUser(const QString& id, const QString& displayName, Role role,
                                     const QString& initialPassword, const QString& actor)
{
    auto accountId = validateAccountId(id);
    if (!accountId) {
        return std::unexpected(accountId.error());
    }
    const QString name = displayName.trimmed();
    if (name.isEmpty() || name.size() > kMaximumDisplayName || hasControlCharacters(name)) {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("Give the person's name for account \"%1\" (1 to %2 characters, one line)")
                        .arg(*accountId)
                        .arg(kMaximumDisplayName));
    }
    auto current = policy();
    if (!current) {
        return std::unexpected(current.error());
    }
    if (auto allowed = PasswordPolicy(current->profile).check(initialPassword, *accountId); !allowed) {
        return allowed;
    }
    auto existing = findRow(*accountId);
    if (!existing) {
        return std::unexpected(existing.error());
    }
    if (*existing) {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("Account \"%1\" already exists").arg(*accountId));
    }
    return m_vault.transaction([&]() -> Expected<void> {
        const QString created = toText(now());
        if (auto inserted = m_vault.exec(
                QStringLiteral("INSERT INTO accounts(id, display_name, role, password_hash, password_form, "
                               "password_changed_at, created_at) VALUES(?, ?, ?, '', '', ?, ?)"),
                {*accountId, name, roleName(role), created, created});
            !inserted) {
            return inserted;
        }
        if (auto stored = storePassword(*accountId, initialPassword, current->profile, true); !stored) {
            return stored;
        }
        // Failures counted while the ID did not exist do not carry over to the new person.
        if (auto cleared =
                m_vault.exec(QStringLiteral("DELETE FROM unknown_id_failures WHERE id = ?"), {*accountId});
            !cleared) {
            return cleared;
        }
        return auditChange(
            actor, QStringLiteral("UserAdded"),
            QStringLiteral("account %1 added: name \"%2\", role %3; initial password must be changed "
                           "at first sign-in")
                .arg(*accountId, name, roleName(role)));
    });
}

Expected<QList<Account>> AccountStore::list()
{
    if (auto schema = ensureSchema(); !schema) {
        return std::unexpected(schema.error());
    }
    auto rows = m_vault.query(QStringLiteral("SELECT %1 FROM accounts ORDER BY id").arg(kColumns));
    if (!rows) {
        return std::unexpected(rows.error());
    }
    QList<Account> accounts;
    for (const QVariantList& columns : *rows) {
        auto row = rowFromColumns(columns);
        if (!row) {
            return std::unexpected(row.error());
        }
        accounts.append(row->account);
    }
    return accounts;
}

Expected<Account> AccountStore::get(const QString& id)
{
    auto row = requireRow(id);
    if (!row) {
        return std::unexpected(row.error());
    }
    return row->account;
}

Expected<void> AccountStore::setDisabled(const QString& id, bool disabled, const QString& actor)
{
    auto row = requireRow(id);
    if (!row) {
        return std::unexpected(row.error());
    }
    return m_vault.transaction([&]() -> Expected<void> {
        if (auto done = update(row->account.id, QStringLiteral("disabled = ?"), {disabled}); !done) {
            return done;
        }
        return auditChange(
            actor, disabled ? QStringLiteral("UserDisabled") : QStringLiteral("UserEnabled"),
            QStringLiteral("account %1 %2%3")
                .arg(row->account.id, disabled ? QStringLiteral("disabled") : QStringLiteral("enabled"),
                     row->account.disabled == disabled ? QStringLiteral(" (no change)") : QString()));
    });
}

Expected<void> AccountStore::unlock(const QString& id, const QString& actor)
{
    auto row = requireRow(id);
    if (!row) {
        return std::unexpected(row.error());
    }
    return m_vault.transaction([&]() -> Expected<void> {
        if (auto done =
                update(row->account.id,
                       QStringLiteral("locked = 0, consecutive_failures = 0, last_failure_at = NULL"), {});
            !done) {
            return done;
        }
        return auditChange(actor, QStringLiteral("UserUnlocked"),
                           QStringLiteral("account %1 unlocked (%2, %3 consecutive failures cleared)")
                               .arg(row->account.id, row->account.locked ? QStringLiteral("was locked")
                                                                         : QStringLiteral("was not locked"))
                               .arg(row->account.consecutiveFailures));
    });
}

Expected<void> AccountStore::resetPassword(const QString& id, const QString& newPassword,
                                           const QString& identityCheckRecord, const QString& actor)
{
    const QString record = identityCheckRecord.simplified();
    if (record.size() < kMinimumIdentityRecord) {
        return fail(
            ErrorCode::InvalidArgument,
            QStringLiteral("A password reset needs a record of how the person's identity was checked (at "
                           "least %1 characters, for example \"in person, staff ID card checked\")")
                .arg(kMinimumIdentityRecord));
    }
    auto row = requireRow(id);
    if (!row) {
        return std::unexpected(row.error());
    }
    auto current = policy();
    if (!current) {
        return std::unexpected(current.error());
    }
    if (auto allowed = PasswordPolicy(current->profile).check(newPassword, row->account.id); !allowed) {
        return allowed;
    }
    return m_vault.transaction([&]() -> Expected<void> {
        if (auto stored = storePassword(row->account.id, newPassword, current->profile, true); !stored) {
            return stored;
        }
        if (auto cleared =
                update(row->account.id,
                       QStringLiteral("locked = 0, consecutive_failures = 0, last_failure_at = NULL"), {});
            !cleared) {
            return cleared;
        }
        return auditChange(
            actor, QStringLiteral("PasswordReset"),
            QStringLiteral("password of account %1 reset by an administrator; must be changed at next "
                           "sign-in%2; identity check: %3")
                .arg(row->account.id, row->account.locked ? QStringLiteral("; account unlocked") : QString(),
                     record));
    });
}

Expected<void> AccountStore::setRole(const QString& id, Role role, const QString& actor)
{
    auto row = requireRow(id);
    if (!row) {
        return std::unexpected(row.error());
    }
    return m_vault.transaction([&]() -> Expected<void> {
        if (auto done = update(row->account.id, QStringLiteral("role = ?"), {roleName(role)}); !done) {
            return done;
        }
        return auditChange(actor, QStringLiteral("RoleChanged"),
                           QStringLiteral("account %1 role: %2 -> %3")
                               .arg(row->account.id, roleName(row->account.role), roleName(role)));
    });
}

Expected<void> AccountStore::bindCard(const QString& id, QByteArrayView authCertificateDer,
                                      const QString& actor)
{
    auto certificate = parseCertificate(authCertificateDer);
    if (!certificate) {
        return std::unexpected(certificate.error());
    }
    auto row = requireRow(id);
    if (!row) {
        return std::unexpected(row.error());
    }
    const QString fingerprint = certificate->fingerprintSha256Hex.toLower();
    auto owners =
        m_vault.query(QStringLiteral("SELECT id FROM accounts WHERE card_fingerprint = ? AND id <> ?"),
                      {fingerprint, row->account.id});
    if (!owners) {
        return std::unexpected(owners.error());
    }
    if (!owners->isEmpty()) {
        return fail(
            ErrorCode::InvalidArgument,
            QStringLiteral("This certificate is already bound to account \"%1\": a card belongs to one "
                           "person")
                .arg(owners->first().at(0).toString()));
    }
    return m_vault.transaction([&]() -> Expected<void> {
        if (auto done = update(row->account.id,
                               QStringLiteral("card_fingerprint = ?, card_subject = ?, card_serial = ?"),
                               {fingerprint, certificate->subject, certificate->serialNumberHex});
            !done) {
            return done;
        }
        return auditChange(
            actor, QStringLiteral("CardBound"),
            QStringLiteral(
                "account %1 bound to card certificate SHA-256 %2 (subject %3, serial %4, issuer %5)%6")
                .arg(row->account.id, fingerprint, certificate->subject, certificate->serialNumberHex,
                     certificate->issuer,
                     row->account.cardFingerprint.isEmpty()
                         ? QString()
                         : QStringLiteral("; replaces %1").arg(row->account.cardFingerprint)));
    });
}

// ---- sign-in support ----

Expected<AccountStore::PasswordCheck> AccountStore::checkPassword(const QString& id, const QString& password)
{
    auto current = policy();
    if (!current) {
        return std::unexpected(current.error());
    }
    auto found = findRow(id);
    if (!found) {
        return std::unexpected(found.error());
    }
    if (!*found) {
        // Same work as a real verification, then the same answers a real account would give.
        (void)m_hasher.verify(password, m_hasher.decoy());
        auto failures = unknownIdFailures(lookupKey(id));
        if (!failures) {
            return std::unexpected(failures.error());
        }
        if (*failures >= current->lockAtFailure) {
            return std::unexpected(accountLocked());
        }
        return std::unexpected(authenticationFailed());
    }
    Row& row = **found;
    const QString candidate =
        row.passwordForm == kFormNfkc ? password.normalized(QString::NormalizationForm_KC) : password;
    const bool correct = m_hasher.verify(candidate, row.passwordHash);
    if (m_hasher.needsRehash(row.passwordHash)) {
        // A hash made with weaker (older) parameters verifies faster than the decoy of an unknown ID: pay
        // for one decoy verification as well, so that timing does not tell such accounts apart from
        // unknown IDs (the hash itself is upgraded after the next successful sign-in).
        (void)m_hasher.verify(candidate, m_hasher.decoy());
    }
    if (row.account.locked) {
        // Whatever the password: a locked account must not confirm guesses.
        return std::unexpected(accountLocked());
    }
    if (!correct) {
        return std::unexpected(authenticationFailed());
    }
    if (row.account.disabled) {
        return fail(ErrorCode::AccountDisabled,
                    QStringLiteral("The account is disabled: ask an administrator to enable it"));
    }
    PasswordCheck result{row.account, false, ChangeReason::None};
    if (m_hasher.needsRehash(row.passwordHash)) {
        auto upgraded = m_hasher.hash(candidate);
        if (upgraded && update(row.account.id, QStringLiteral("password_hash = ?"), {*upgraded})) {
            result.rehashed = true;
        }
    }
    if (row.account.mustChangePassword) {
        result.changeRequired = ChangeReason::Initial;
    } else if (passwordExpired(row.account, *current)) {
        result.changeRequired = ChangeReason::Expired;
    }
    return result;
}

Expected<QString> AccountStore::normalisedPassword(const QString& id, const QString& password)
{
    auto row = requireRow(id);
    if (!row) {
        return std::unexpected(row.error());
    }
    return row->passwordForm == kFormNfkc ? password.normalized(QString::NormalizationForm_KC) : password;
}

Expected<int> AccountStore::requiredDelaySeconds(const QString& id)
{
    auto current = policy();
    if (!current) {
        return std::unexpected(current.error());
    }
    auto found = findRow(id);
    if (!found) {
        return std::unexpected(found.error());
    }
    int failures = 0;
    QDateTime last;
    if (*found) {
        if ((*found)->account.locked) {
            return 0; // the lock answers; waiting would not change it
        }
        failures = (*found)->account.consecutiveFailures;
        last = (*found)->account.lastFailureAt;
    } else {
        auto rows = m_vault.query(
            QStringLiteral(
                "SELECT consecutive_failures, last_failure_at FROM unknown_id_failures WHERE id = ?"),
            {lookupKey(id)});
        if (!rows) {
            return std::unexpected(rows.error());
        }
        if (!rows->isEmpty()) {
            failures = static_cast<int>(rows->first().at(0).toLongLong());
            last = fromText(rows->first().at(1));
        }
        if (failures >= current->lockAtFailure) {
            return 0;
        }
    }
    const int delay = current->delayAfterFailures(failures);
    if (delay == 0 || !last.isValid()) {
        return 0;
    }
    const qint64 elapsedMs = std::max<qint64>(last.msecsTo(now()), 0);
    const qint64 remainingMs = qint64(delay) * 1000 - elapsedMs;
    return remainingMs <= 0 ? 0 : static_cast<int>((remainingMs + 999) / 1000);
}

Expected<void> AccountStore::recordFailure(const QString& id, const QString& reason)
{
    auto current = policy();
    if (!current) {
        return std::unexpected(current.error());
    }
    auto found = findRow(id);
    if (!found) {
        return std::unexpected(found.error());
    }
    bool lockedNow = false;
    const QString when = toText(now());
    auto done = m_vault.transaction([&]() -> Expected<void> {
        AuditRecord record;
        record.event = AuditEventId::UserAuthentication;
        record.eventType = QStringLiteral("FailureCounted");
        record.outcome = AuditOutcome::MinorFailure;
        int failures = 0;
        if (*found) {
            const Account& account = (*found)->account;
            failures = account.consecutiveFailures + 1;
            lockedNow = !account.locked && failures >= current->lockAtFailure;
            if (auto updated = update(
                    account.id, QStringLiteral("consecutive_failures = ?, last_failure_at = ?, locked = ?"),
                    {failures, when, account.locked || lockedNow});
                !updated) {
                return updated;
            }
            record.userId = account.id;
            record.role = roleName(account.role);
            record.cardFingerprint = account.cardFingerprint;
        } else {
            const QString key = lookupKey(id);
            auto previous = unknownIdFailures(key);
            if (!previous) {
                return std::unexpected(previous.error());
            }
            failures = *previous + 1;
            lockedNow = failures == current->lockAtFailure;
            if (auto stored = m_vault.exec(
                    // SQLCipher 3.4.1 predates UPSERT (SQLite 3.24).
                    QStringLiteral("INSERT OR REPLACE INTO unknown_id_failures(id, consecutive_failures, "
                                   "last_failure_at) VALUES(?, ?, ?)"),
                    {key, failures, when});
                !stored) {
                return stored;
            }
            record.userId = key;
        }
        const int delay = current->delayAfterFailures(failures);
        record.details =
            QStringLiteral("%1consecutive failure %2 (%3); %4")
                .arg(*found ? QString() : QStringLiteral("unknown user ID; "), QString::number(failures),
                     reason.isEmpty() ? QStringLiteral("no reason given") : reason,
                     failures >= current->lockAtFailure
                         ? QStringLiteral("account locked")
                         : QStringLiteral("next attempt allowed after %1 s").arg(delay));
        if (auto recorded = m_audit.record(record); !recorded) {
            return std::unexpected(recorded.error());
        }
        if (lockedNow) {
            AuditRecord alert = record;
            alert.event = AuditEventId::SecurityAlert;
            alert.eventType = QStringLiteral("AccountLocked");
            alert.outcome = AuditOutcome::SeriousFailure;
            alert.details = QStringLiteral("%1locked after %2 consecutive failed sign-in attempts; only an "
                                           "administrator can unlock it")
                                .arg(*found ? QStringLiteral("account ") + record.userId + QStringLiteral(" ")
                                            : QStringLiteral("unknown user ID "),
                                     QString::number(failures));
            if (auto recorded = m_audit.record(alert); !recorded) {
                return std::unexpected(recorded.error());
            }
        }
        return {};
    });
    if (!done) {
        return done;
    }
    if (lockedNow) {
        return std::unexpected(accountLocked());
    }
    return {};
}

Expected<void> AccountStore::recordSuccess(const QString& id)
{
    auto found = findRow(id);
    if (!found) {
        return std::unexpected(found.error());
    }
    if (!*found || (*found)->account.locked) {
        return {};
    }
    return update((*found)->account.id, QStringLiteral("consecutive_failures = 0, last_failure_at = NULL"),
                  {});
}

Expected<void> AccountStore::changePassword(const QString& id, const QString& oldPassword,
                                            const QString& newPassword)
{
    auto checked = checkPassword(id, oldPassword);
    if (!checked) {
        return std::unexpected(checked.error());
    }
    const Account& account = checked->account;
    auto current = policy();
    if (!current) {
        return std::unexpected(current.error());
    }
    const PasswordPolicy rules(current->profile);
    if (auto allowed = rules.check(newPassword, account.id); !allowed) {
        return allowed;
    }
    if (rules.normalise(newPassword) == rules.normalise(oldPassword)) {
        return fail(
            ErrorCode::PasswordPolicyViolation,
            QStringLiteral("The new password is the same as the current one: choose a different one"));
    }
    return m_vault.transaction([&]() -> Expected<void> {
        if (auto stored = storePassword(account.id, newPassword, current->profile, false); !stored) {
            return stored;
        }
        AuditRecord record;
        record.userId = account.id;
        record.role = roleName(account.role);
        record.cardFingerprint = account.cardFingerprint;
        record.event = AuditEventId::UserAuthentication;
        record.eventType = QStringLiteral("PasswordChanged");
        record.outcome = AuditOutcome::Success;
        record.details =
            QStringLiteral("password changed by the user%1")
                .arg(account.mustChangePassword ? QStringLiteral(" (initial or reset password replaced)")
                                                : QString());
        auto recorded = m_audit.record(record);
        if (!recorded) {
            return std::unexpected(recorded.error());
        }
        return {};
    });
}

bool AccountStore::passwordExpired(const Account& account, const SecurityPolicy& policy) const
{
    const auto maxAge = policy.passwordMaxAge();
    if (!maxAge) {
        return false;
    }
    if (!account.passwordChangedAt.isValid()) {
        return true;
    }
    return account.passwordChangedAt.addDays(*maxAge) <= now();
}

} // namespace dokuei::security
