#pragma once

#include "dokuei/common/Error.h"
#include "dokuei/security/AccountStore.h"
#include "dokuei/security/CertificateVerifier.h"
#include "dokuei/security/SecretKey.h"
#include "dokuei/security/SmartCard.h"

#include <functional>
#include <memory>

#include <QString>

namespace dokuei::security {

class IAuditSink;
class UserKeyring;

/// Sign-in with all four factors, every time: ID + password (something the user knows, checked first so
/// that nobody without the password can burn the card's PIN tries), then the smart card with its PIN
/// (something the user has, proven by signing a fresh challenge with a certificate that chains to the
/// trust anchors, is valid, not revoked, and is the one bound to this account).
///
/// Every outcome is audited (DICOM 110114; certificate and card-binding problems also as 110113 security
/// alerts). Failures of any knowledge or possession factor count towards throttling and lockout; a missing
/// card or an empty PIN does not (nothing was guessed). The service never sleeps: when the account is
/// throttled it answers Throttled with the seconds to wait, and the UI keeps the button disabled.
///
/// Audit records (all DICOM 110114 User Authentication unless said otherwise), each with the user ID, the
/// account's role once the account is known, the card fingerprint once the card is known, and the session
/// ID: "Login" (a successful signIn / signInChangingPassword, with the new session's ID), "Unlock" (a
/// successful reauthenticate, with the locked session's ID), "Failure" (every refusal; 110113
/// "AuthenticationAlert" besides for certificate and card-binding problems), "PasswordChangeRequired",
/// "PasswordChangeRefused", "PasswordChanged", "DataKeyRecovered", "CardWrapFailed". Failure records of an
/// unlock attempt carry the locked session's ID; those of a sign-in carry none (there is no session yet).
/// AuditTrail::report pairs "Login" with the "Logout" of the same session ID (written by whoever ends the
/// session, with SessionSummary::sessionId).
class SignInService
{
public:
    struct Request
    {
        QString userId;
        QString password;
        QString pin;
        /// For reauthenticate: the locked session's ID, put on every audit record of the attempt (and
        /// returned in Success::sessionId). Ignored by signIn, which starts a new session.
        QString sessionId = {};
    };

    struct Success
    {
        Account account;
        CertificateInfo certificate;
        std::unique_ptr<SmartCard> card;
        SecretKey dataKey; ///< opens the user's own vault (drafts, outbox)
        /// The session this sign-in belongs to: a fresh ID (QUuid without braces) for signIn and
        /// signInChangingPassword, already on the "Login" record (start the Session with it:
        /// Session::begin(identity, sessionId)); the request's ID for reauthenticate.
        QString sessionId = {};
    };

    /// Opens the card currently in the reader (re-scanning the module so a newly inserted card is seen).
    using CardOpener = std::function<Expected<std::unique_ptr<SmartCard>>()>;

    SignInService(AccountStore& accounts, IAuditSink& audit, UserKeyring& keyring,
                  const CertificateVerifier& verifier, CardOpener openCard);

    /// Full sign-in. PasswordExpired / PasswordChangeRequired mean every factor was right but the password
    /// must be changed first: call signInChangingPassword with the same request and the new password.
    Expected<Success> signIn(const Request& request);
    Expected<Success> signInChangingPassword(const Request& request, const QString& newPassword);

    /// Unlocking a locked session: the same four factors, and the ID must be the session's user. Pass the
    /// session's ID in request.sessionId: success is audited as "Unlock" (not "Login") with it.
    Expected<Success> reauthenticate(const QString& sessionUserId, const Request& request);

    /// A message for the person at the screen for each refusal (translated; never says which of ID or
    /// password was wrong). Every refusal of the sign-in failure matrix has its own text, except wrong
    /// password and unknown ID (AuthenticationFailed, the same on purpose); a card that is absent while a
    /// PIN was typed gets its own text (the PIN was not used); a wrong PIN keeps the card's warning when
    /// the card reports few tries left (SmartCard::pinCountLowWarning / pinFinalTryWarning).
    static QString userMessage(const Error& error);

private:
    /// Who and what the records of one attempt are about (filled in as the attempt learns more).
    struct Attempt
    {
        QString userId;
        QString role;      ///< once the account is known
        QString sessionId; ///< the session being unlocked, or the new session once signed in
    };

    Expected<Success> run(const Request& request, const QString* newPassword, bool unlocking);
    void audit(const Attempt& attempt, const QString& eventType, int outcome, const QString& details,
               const QString& fingerprint = {}, bool securityAlert = false);
    Error refuse(const Attempt& attempt, const Error& error, bool countsAsFailure, bool securityAlert,
                 const QString& fingerprint = {});

    AccountStore& m_accounts;
    IAuditSink& m_audit;
    UserKeyring& m_keyring;
    const CertificateVerifier& m_verifier;
    CardOpener m_openCard;
};

} // namespace dokuei::security
