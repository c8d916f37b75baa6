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
class SignInService
{
public:
    struct Request
    {
        QString userId;
        QString password;
        QString pin;
    };

    struct Success
    {
        Account account;
        CertificateInfo certificate;
        std::unique_ptr<SmartCard> card;
        SecretKey dataKey; ///< opens the user's own vault (drafts, outbox)
    };

    /// Opens the card currently in the reader (re-scanning the module so a newly inserted card is seen).
    using CardOpener = std::function<Expected<std::unique_ptr<SmartCard>>()>;

    SignInService(AccountStore& accounts, IAuditSink& audit, UserKeyring& keyring,
                  const CertificateVerifier& verifier, CardOpener openCard);

    /// Full sign-in. PasswordExpired / PasswordChangeRequired mean every factor was right but the password
    /// must be changed first: call signInChangingPassword with the same request and the new password.
    Expected<Success> signIn(const Request& request);
    Expected<Success> signInChangingPassword(const Request& request, const QString& newPassword);

    /// Unlocking a locked session: the same four factors, and the ID must be the session's user.
    Expected<Success> reauthenticate(const QString& sessionUserId, const Request& request);

    /// A message for the person at the screen for each refusal (translated; never says which of ID or
    /// password was wrong).
    static QString userMessage(const Error& error);

private:
    Expected<Success> run(const Request& request, const QString* newPassword);
    void audit(const QString& userId, const QString& eventType, int outcome, const QString& details,
               const QString& fingerprint = {}, bool securityAlert = false);
    Error refuse(const QString& userId, const Error& error, bool countsAsFailure, bool securityAlert,
                 const QString& fingerprint = {});

    AccountStore& m_accounts;
    IAuditSink& m_audit;
    UserKeyring& m_keyring;
    const CertificateVerifier& m_verifier;
    CardOpener m_openCard;
};

} // namespace dokuei::security
