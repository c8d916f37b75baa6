#pragma once

#include "dokuei/common/Error.h"
#include "dokuei/security/KeyDerivation.h"
#include "dokuei/security/PasswordHasher.h"
#include "dokuei/security/Roles.h"
#include "dokuei/security/SecurityPolicy.h"

#include <functional>
#include <optional>

#include <QByteArrayView>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVariantList>

namespace dokuei::security {

class IAuditSink;
class Vault;

/// One person's account. Never holds the password hash (that stays inside AccountStore).
struct Account
{
    QString id; ///< lower case, see AccountStore::validateAccountId
    QString displayName;
    Role role = Role::Radiologist;
    bool disabled = false;
    bool locked = false;             ///< by too many failures; only an administrator unlocks
    bool mustChangePassword = false; ///< initial or reset password: the user sets their own at next sign-in
    QDateTime passwordChangedAt;     ///< UTC
    int consecutiveFailures = 0;
    QDateTime lastFailureAt; ///< UTC; null when none
    QString cardFingerprint; ///< SHA-256 hex (lower case) of the bound authentication certificate's DER
    QString cardSubject;     ///< for display: the bound certificate's subject (RFC 2253)
    QString cardSerial;      ///< for display: its serial number (hex)
    QDateTime createdAt;     ///< UTC
};

/// What the store needs besides its vault and audit sink; the defaults are production values.
struct AccountStoreOptions
{
    /// Argon2id cost for new password hashes (older, weaker hashes are upgraded at the next sign-in).
    Argon2Params hashParams = {};
    /// The current time (UTC); tests inject a fake clock so that throttling delays can pass without
    /// sleeping. Empty: QDateTime::currentDateTimeUtc.
    std::function<QDateTime()> clock;
    /// The role recorded with the acting administrator on the audit records of account and policy changes
    /// (dokuei-admin: "os-account", see AdminCommands.h); empty: none.
    QString actorRole;
};

/// Accounts, roles, password hashes, policy, failure counts and lockout, kept in the system vault (tables
/// `accounts`, `policy`, `unknown_id_failures`, created on first use). Every change is audited through the
/// IAuditSink with the acting administrator; every authentication failure and lock is audited too.
///
/// Account IDs are case-insensitive and stored in lower case: 3 to 32 characters `[a-z0-9._-]`, starting
/// with a letter. Shared or generic IDs are refused (guideline 6.5 C-1): see genericAccountIds().
/// No account exists until an administrator adds one: there are no default credentials.
///
/// Thread-confined like the Vault it uses.
class AccountStore
{
public:
    AccountStore(Vault& systemVault, IAuditSink& audit, AccountStoreOptions options = {});

    /// Lower-cased `id` when it is acceptable as a new account ID; InvalidArgument saying why otherwise
    /// (format, or a shared/generic name such as "admin", also with digits or separators appended, e.g.
    /// "user1", "test-2").
    static Expected<QString> validateAccountId(const QString& id);
    /// The refused shared or generic IDs (lower case): admin, administrator, root, superuser, sysadmin,
    /// system, operator, user, users, test, tester, testuser, guest, shared, common, public, everyone,
    /// anonymous, nobody, default, demo, sample, temp, tmp, support, service, staff, team, radiology,
    /// radiologist, doctor, physician, reader, reading, nurse, technician, tech, dokuei, workstation,
    /// reception, office, info.
    static QStringList genericAccountIds();

    /// The stored policy, or the defaults when none was set yet.
    Expected<SecurityPolicy> policy();
    /// Validates and stores the policy; audits each changed key with its old and new value.
    Expected<void> setPolicy(const SecurityPolicy& policy, const QString& actor);

    /// Adds an account whose password must be changed at first sign-in. The password is checked against
    /// the current profile. AlreadyExists is reported as InvalidArgument naming the ID.
    Expected<void> addUser(const QString& id, const QString& displayName, Role role,
                           const QString& initialPassword, const QString& actor);
    /// Every account, ordered by ID.
    Expected<QList<Account>> list();
    /// NotFound (naming the ID) for an unknown one.
    Expected<Account> get(const QString& id);

    Expected<void> setDisabled(const QString& id, bool disabled, const QString& actor);
    /// Clears the lock and the failure count.
    Expected<void> unlock(const QString& id, const QString& actor);
    /// An administrator's reset after checking the person's identity (guideline 6.5 C-2): the record of
    /// how (at least 10 characters, e.g. "in person, staff card 12345 checked by Sato") is required and
    /// goes into the audit record. The new password is policy-checked and must be changed at next sign-in.
    /// Also clears the failure count and the lock (the person has just been identified).
    Expected<void> resetPassword(const QString& id, const QString& newPassword,
                                 const QString& identityCheckRecord, const QString& actor);
    Expected<void> setRole(const QString& id, Role role, const QString& actor);
    /// Binds the authentication certificate of the person's card (DER, or PEM): stores its SHA-256
    /// fingerprint, subject and serial, replacing any earlier binding. CertificateInvalid when the bytes are
    /// not exactly one X.509 certificate; InvalidArgument when that certificate is already bound to another
    /// account (one card, one person). Trust, validity and key usage are checked at sign-in
    /// (CertificateVerifier), not here.
    Expected<void> bindCard(const QString& id, QByteArrayView authCertificateDer, const QString& actor);

    // ---- sign-in support (SignInService) ----

    enum class ChangeReason
    {
        None,
        Initial, ///< initial or administrator-reset password (Account::mustChangePassword)
        Expired, ///< older than the policy's maximum age (jp-mhlw-legacy)
    };

    struct PasswordCheck
    {
        Account account;
        bool rehashed = false; ///< the stored hash was upgraded to the current parameters
        ChangeReason changeRequired = ChangeReason::None; ///< the caller must run the change flow
    };

    /// Verifies ID + password. Always runs one Argon2id verification (against a decoy for unknown IDs) so
    /// that every answer takes the same time; when the account's stored hash has weaker parameters than
    /// the current ones (not yet upgraded), a decoy verification with the current parameters is run too,
    /// so that such an account does not answer faster than an unknown ID. Answers, in this order:
    /// - AccountLocked when the account is locked (whatever the password: a locked account is no longer an
    ///   oracle for guessing); unknown IDs that reached lock-at failures answer the same way;
    /// - AuthenticationFailed, with the same message, for an unknown ID or a wrong password;
    /// - AccountDisabled for a disabled account (only after the right password);
    /// - otherwise the account; `changeRequired` says whether the password must be changed first
    ///   (PasswordChangeRequired / PasswordExpired are for the caller to raise).
    /// Does not count failures (recordFailure does) and does not audit (the caller audits the sign-in).
    Expected<PasswordCheck> checkPassword(const QString& id, const QString& password);

    /// The form of `password` that this account's stored hash was made from: NFKC when the hash was made
    /// under nist-800-63b, the password as typed otherwise (the form travels with the hash, so it stays
    /// right after a profile switch). Anything else derived from the password (the user keyring's wrap of
    /// the data key) must use this form too, or an NFKC-equivalent spelling that passes checkPassword would
    /// not open it. NotFound for an unknown ID.
    Expected<QString> normalisedPassword(const QString& id, const QString& password);

    /// Seconds the caller must still wait before the next attempt for this ID (0 when none), from the
    /// persisted failure count and time of the last failure. Unknown IDs are throttled the same way.
    Expected<int> requiredDelaySeconds(const QString& id);

    /// Records a failed authentication of any factor: increments the persisted count and audits it
    /// (110114, minor failure, with the reason). At lock-at failures the account locks (audited as a
    /// 110113 security alert) and this returns AccountLocked. Unknown IDs are counted in their own table
    /// and answer the same way.
    Expected<void> recordFailure(const QString& id, const QString& reason);
    /// Resets the failure count after a successful sign-in (not audited here: the caller audits the login).
    Expected<void> recordSuccess(const QString& id);

    /// The user's own change: verifies the old password (AuthenticationFailed otherwise), checks the new
    /// one against the policy (and that it differs from the old), stores it, clears mustChangePassword,
    /// sets passwordChangedAt; audited.
    Expected<void> changePassword(const QString& id, const QString& oldPassword, const QString& newPassword);

    /// Whether the account's password is older than the policy allows (never under jp-mhlw-2fa and
    /// nist-800-63b).
    bool passwordExpired(const Account& account, const SecurityPolicy& policy) const;

private:
    struct Row;
    static Expected<Row> rowFromColumns(const QVariantList& columns);
    Expected<void> ensureSchema();
    Expected<std::optional<Row>> findRow(const QString& id);
    Expected<Row> requireRow(const QString& id);
    Expected<int> unknownIdFailures(const QString& key);
    Expected<void> storePassword(const QString& id, const QString& password, PasswordProfile profile,
                                 bool mustChange);
    Expected<void> auditChange(const QString& actor, const QString& eventType, const QString& details);
    Expected<void> update(const QString& id, const QString& assignments, const QVariantList& values);
    QDateTime now() const;

    Vault& m_vault;
    IAuditSink& m_audit;
    PasswordHasher m_hasher;
    std::function<QDateTime()> m_clock;
    QString m_actorRole;
    bool m_schemaReady = false;
};

} // namespace dokuei::security
