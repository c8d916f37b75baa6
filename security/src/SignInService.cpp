#include "dokuei/security/SignInService.h"

#include "dokuei/security/AuditTrail.h"
#include "dokuei/security/Roles.h"
#include "dokuei/security/UserKeyring.h"

#include <QCoreApplication>
#include <QUuid>

namespace dokuei::security {
namespace {

constexpr int kOutcomeSuccess = static_cast<int>(AuditOutcome::Success);
constexpr int kOutcomeMinor = static_cast<int>(AuditOutcome::MinorFailure);
constexpr int kOutcomeSerious = static_cast<int>(AuditOutcome::SeriousFailure);

QString tr(const char* text)
{
    return QCoreApplication::translate("dokuei::security::SignInService", text);
}

/// Starts the message of the CardAbsent refusal when a PIN was typed without a card (userMessage tells
/// the person that the PIN went nowhere). Not translated: it is for the audit trail.
const QString kPinNotUsed = QStringLiteral("PIN entered but no card found; the PIN was not used");

bool isCertificateProblem(ErrorCode code)
{
    return code == ErrorCode::CertificateUntrusted || code == ErrorCode::CertificateExpired ||
           code == ErrorCode::CertificateRevoked || code == ErrorCode::CertificateInvalid ||
           code == ErrorCode::ProofOfPossessionFailed;
}

} // namespace

SignInService::SignInService(AccountStore& accounts, IAuditSink& audit, UserKeyring& keyring,
                             const CertificateVerifier& verifier, CardOpener openCard)
    : m_accounts(accounts), m_audit(audit), m_keyring(keyring), m_verifier(verifier),
      m_openCard(std::move(openCard))
{}

Expected<SignInService::Success> SignInService::signIn(const Request& request)
{
    return run(request, nullptr, false);
}

Expected<SignInService::Success> SignInService::signInChangingPassword(const Request& request,
                                                                       const QString& newPassword)
{
    return run(request, &newPassword, false);
}

Expected<SignInService::Success> SignInService::reauthenticate(const QString& sessionUserId,
                                                               const Request& request)
{
    if (request.userId.trimmed().compare(sessionUserId, Qt::CaseInsensitive) != 0) {
        return std::unexpected(refuse(
            Attempt{request.userId.trimmed(), {}, request.sessionId},
            Error{ErrorCode::AuthenticationFailed, QStringLiteral("unlock attempted with another user ID")},
            false, false));
    }
    return run(request, nullptr, true);
}

void SignInService::audit(const Attempt& attempt, const QString& eventType, int outcome,
                          const QString& details, const QString& fingerprint, bool securityAlert)
{
    AuditRecord record;
    record.userId = attempt.userId;
    record.role = attempt.role;
    record.sessionId = attempt.sessionId;
    record.cardFingerprint = fingerprint;
    record.event = AuditEventId::UserAuthentication;
    record.eventType = eventType;
    record.outcome = static_cast<AuditOutcome>(outcome);
    record.details = details;
    // An audit failure must not let a sign-in through, but it must not hide the refusal either.
    (void)m_audit.record(record);
    if (securityAlert) {
        AuditRecord alert = record;
        alert.event = AuditEventId::SecurityAlert;
        alert.eventType = QStringLiteral("AuthenticationAlert");
        (void)m_audit.record(alert);
    }
}

Error SignInService::refuse(const Attempt& attempt, const Error& error, bool countsAsFailure,
                            bool securityAlert, const QString& fingerprint)
{
    Error result = error;
    if (countsAsFailure) {
        // The account store records the counted failure and, at the limit, the lock (with its own alert).
        if (auto counted = m_accounts.recordFailure(attempt.userId, errorCodeName(error.code)); !counted) {
            if (counted.error().code == ErrorCode::AccountLocked) {
                // The person learns that the account is now locked only together with the failure itself.
                result = Error{ErrorCode::AccountLocked, error.message};
            }
        }
    }
    audit(attempt, QStringLiteral("Failure"), securityAlert ? kOutcomeSerious : kOutcomeMinor,
          errorCodeName(error.code) + QStringLiteral(": ") + error.message, fingerprint, securityAlert);
    return result;
}

Expected<SignInService::Success> SignInService::run(const Request& request, const QString* newPassword,
                                                    bool unlocking)
{
    const QString userId = request.userId.trimmed();
    Attempt attempt{userId, {}, unlocking ? request.sessionId : QString()};
    if (userId.isEmpty() || request.password.isEmpty()) {
        return std::unexpected(refuse(
            attempt, Error{ErrorCode::AuthenticationFailed, QStringLiteral("user ID or password missing")},
            false, false));
    }

    // The role goes on every record about an existing account (a cheap lookup, after nothing was checked:
    // it tells the person at the screen nothing).
    if (auto known = m_accounts.get(userId)) {
        // Records and the keyring use the account's own ID (IDs are case-insensitive: "Sato.K" is sato.k).
        attempt.userId = known->id;
        attempt.role = roleName(known->role);
    }

    // Throttling first: a throttled account is not even checked.
    if (auto delay = m_accounts.requiredDelaySeconds(userId); delay && *delay > 0) {
        return std::unexpected(
            refuse(attempt, Error{ErrorCode::Throttled, QString::number(*delay)}, false, false));
    }

    // Something the user knows. Unknown ID and wrong password look the same (message and timing).
    auto checked = m_accounts.checkPassword(userId, request.password);
    if (!checked) {
        const ErrorCode code = checked.error().code;
        const bool guess = code == ErrorCode::AuthenticationFailed;
        return std::unexpected(refuse(attempt, checked.error(), guess, code == ErrorCode::AccountLocked));
    }
    const Account account = checked->account;

    // Something the user has: the card, unlocked by its PIN, proving possession of the bound key.
    auto card = m_openCard();
    if (!card) {
        if (card.error().code == ErrorCode::CardAbsent && !request.pin.isEmpty()) {
            // A PIN typed without a card went nowhere: say so, so that nobody thinks it was wrong.
            return std::unexpected(
                refuse(attempt,
                       Error{ErrorCode::CardAbsent,
                             kPinNotUsed + QStringLiteral(" (") + card.error().message + QStringLiteral(")")},
                       false, false));
        }
        return std::unexpected(refuse(attempt, card.error(), false, false));
    }
    if (request.pin.isEmpty()) {
        return std::unexpected(refuse(
            attempt, Error{ErrorCode::CardPinMissing, QStringLiteral("no PIN entered")}, false, false));
    }
    auto certificate = authenticateCard(**card, request.pin, m_verifier);
    if (!certificate) {
        const ErrorCode code = certificate.error().code;
        const bool guess = code == ErrorCode::CardPinIncorrect || isCertificateProblem(code);
        return std::unexpected(refuse(attempt, certificate.error(), guess, isCertificateProblem(code)));
    }
    if (account.cardFingerprint.isEmpty()) {
        return std::unexpected(refuse(
            attempt, Error{ErrorCode::CardNotBound, QStringLiteral("no card is bound to this account")},
            false, true, certificate->fingerprintSha256Hex));
    }
    if (account.cardFingerprint.compare(certificate->fingerprintSha256Hex, Qt::CaseInsensitive) != 0) {
        return std::unexpected(refuse(
            attempt,
            Error{ErrorCode::CardNotBound,
                  QStringLiteral("the card belongs to another account (%1)").arg(certificate->subject)},
            true, true, certificate->fingerprintSha256Hex));
    }

    // Every factor is right. A password that must change is changed before the session starts.
    auto policy = m_accounts.policy();
    const bool expired = policy && m_accounts.passwordExpired(account, *policy);
    QString password = request.password;
    // The keyring wraps the data key under the same form of the password as the account's hash (NFKC
    // under nist-800-63b): an equivalent spelling that passes the password check opens the wrap too.
    auto normalisedCurrent = m_accounts.normalisedPassword(userId, request.password);
    if (!normalisedCurrent) {
        return std::unexpected(normalisedCurrent.error());
    }
    if (expired || account.mustChangePassword) {
        if (!newPassword) {
            const Error error = expired
                                    ? Error{ErrorCode::PasswordExpired, QStringLiteral("password expired")}
                                    : Error{ErrorCode::PasswordChangeRequired,
                                            QStringLiteral("password must be changed at this sign-in")};
            audit(attempt, QStringLiteral("PasswordChangeRequired"), kOutcomeMinor, error.message,
                  certificate->fingerprintSha256Hex);
            return std::unexpected(error);
        }
    }
    if (newPassword) {
        if (auto changed = m_accounts.changePassword(userId, request.password, *newPassword); !changed) {
            audit(attempt, QStringLiteral("PasswordChangeRefused"), kOutcomeMinor, changed.error().message,
                  certificate->fingerprintSha256Hex);
            return std::unexpected(changed.error());
        }
        audit(attempt, QStringLiteral("PasswordChanged"), kOutcomeSuccess,
              QStringLiteral("changed at sign-in"), certificate->fingerprintSha256Hex);
        password = *newPassword;
    }

    // The user's own data key: wrapped under the password, and under the card for recovery after an
    // administrator's reset (the old password's wrap is gone or useless then).
    auto normalisedFinal = m_accounts.normalisedPassword(userId, password);
    if (!normalisedFinal) {
        return std::unexpected(normalisedFinal.error());
    }
    const QByteArray currentPassword = normalisedCurrent->toUtf8();
    const QByteArray finalPassword = normalisedFinal->toUtf8();
    Expected<SecretKey> dataKey =
        std::unexpected(Error{ErrorCode::NotFound, QStringLiteral("no user key yet")});
    bool recovered = false;
    bool legacyWrap = false;
    if (m_keyring.hasPasswordWrap(account.id)) {
        dataKey = m_keyring.unwrapWithPassword(account.id, currentPassword);
        if (!dataKey && *normalisedCurrent != request.password) {
            // A wrap made before the keyring used the normalised form: the password as typed opens it,
            // and it is wrapped again under the normalised form below.
            dataKey = m_keyring.unwrapWithPassword(account.id, request.password.toUtf8());
            legacyWrap = dataKey.has_value();
        }
    }
    if (!dataKey && m_keyring.hasCardWrap(account.id)) {
        SmartCard* cardPtr = card->get();
        dataKey = m_keyring.unwrapWithCard(account.id, [cardPtr](QByteArrayView ciphertext) {
            return cardPtr->decryptWithAuthenticationKey(ciphertext);
        });
        recovered = dataKey.has_value();
        if (recovered) {
            audit(attempt, QStringLiteral("DataKeyRecovered"), kOutcomeSuccess,
                  QStringLiteral("user data key recovered with the card after a password reset"),
                  certificate->fingerprintSha256Hex);
        }
    }
    if (!dataKey && !m_keyring.hasPasswordWrap(account.id) && !m_keyring.hasCardWrap(account.id)) {
        // First sign-in: the user's data key is created now.
        if (auto created = m_keyring.create(account.id, finalPassword); !created) {
            return std::unexpected(created.error());
        }
        dataKey = m_keyring.unwrapWithPassword(account.id, finalPassword);
    }
    if (!dataKey) {
        audit(attempt, QStringLiteral("Failure"), kOutcomeSerious,
              QStringLiteral("user data key could not be opened: ") + dataKey.error().message,
              certificate->fingerprintSha256Hex, true);
        return std::unexpected(dataKey.error());
    }
    if (newPassword || recovered || legacyWrap) {
        if (auto rewrapped = m_keyring.rewrapPassword(account.id, *dataKey, finalPassword); !rewrapped) {
            return std::unexpected(rewrapped.error());
        }
    }
    if (!m_keyring.hasCardWrap(account.id)) {
        if (auto wrapped = m_keyring.setCardWrap(account.id, *dataKey, certificate->der); !wrapped) {
            audit(attempt, QStringLiteral("CardWrapFailed"), kOutcomeMinor, wrapped.error().message,
                  certificate->fingerprintSha256Hex);
        }
    }

    (void)m_accounts.recordSuccess(userId);
    // A new session for a sign-in; the locked session itself for an unlock (which is no new login, so
    // the audit report keeps one session from its Login to its Logout).
    if (!unlocking) {
        attempt.sessionId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    }
    audit(attempt, unlocking ? QStringLiteral("Unlock") : QStringLiteral("Login"), kOutcomeSuccess,
          QStringLiteral("%1 with card %2 (%3)")
              .arg(unlocking ? QStringLiteral("session unlocked") : QStringLiteral("signed in"),
                   (*card)->info().serialNumber, certificate->subject),
          certificate->fingerprintSha256Hex);

    Success success{account, *certificate, std::move(*card), std::move(*dataKey), attempt.sessionId};
    return success;
}

QString SignInService::userMessage(const Error& error)
{
    switch (error.code) {
    case ErrorCode::AuthenticationFailed:
        return tr("The user ID or password is not correct.");
    case ErrorCode::Throttled:
        return tr("Too many failed attempts. Try again in %1 seconds.").arg(error.message);
    case ErrorCode::AccountLocked:
        return tr(
            "This account is locked after too many failed attempts. Ask an administrator to unlock it.");
    case ErrorCode::AccountDisabled:
        return tr("This account is disabled. Ask an administrator.");
    case ErrorCode::CardAbsent:
        if (error.message.startsWith(kPinNotUsed)) {
            return tr("No smart card found. The PIN was not used: insert your card, then enter the PIN "
                      "again.");
        }
        return tr("No smart card found. Insert your card and try again.");
    case ErrorCode::CardPinMissing:
        return tr("Enter the PIN of your smart card.");
    case ErrorCode::CardPinIncorrect: {
        QString text = tr("The card PIN is not correct. The card locks itself after a few wrong PINs.");
        // The card's own warning (SmartCard::login) must reach the person before the last tries.
        if (error.message.contains(SmartCard::pinFinalTryWarning())) {
            text += QLatin1Char(' ') + tr("Warning: one more wrong PIN locks the card.");
        } else if (error.message.contains(SmartCard::pinCountLowWarning())) {
            text +=
                QLatin1Char(' ') + tr("Warning: the card reports that few tries are left before it locks.");
        }
        return text;
    }
    case ErrorCode::CardPinLocked:
        return tr("The card's PIN is locked. Contact the card issuer.");
    case ErrorCode::CardNotBound:
        return tr(
            "This card is not registered for this user ID. Use your own card, or ask an administrator.");
    case ErrorCode::CertificateExpired:
        return tr("The certificate on this card has expired (or is not yet valid).");
    case ErrorCode::CertificateRevoked:
        return tr("The certificate on this card has been revoked.");
    case ErrorCode::CertificateUntrusted:
        return tr("The certificate on this card is not issued by a trusted authority.");
    case ErrorCode::CertificateInvalid:
        return tr("The certificate on this card cannot be used for signing in (unreadable, or not an "
                  "authentication certificate). Ask the card issuer.");
    case ErrorCode::ProofOfPossessionFailed:
        return tr("The card could not prove that it holds the key of its certificate. Do not use this "
                  "card; ask the card issuer.");
    case ErrorCode::PasswordExpired:
        return tr("Your password has expired. Choose a new one.");
    case ErrorCode::PasswordChangeRequired:
        return tr("You must choose a new password now.");
    case ErrorCode::PasswordPolicyViolation:
        return error.message;
    default:
        return tr("Sign-in failed: %1").arg(error.message);
    }
}

} // namespace dokuei::security
