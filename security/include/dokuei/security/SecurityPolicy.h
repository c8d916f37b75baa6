#pragma once

#include "dokuei/common/Error.h"
#include "dokuei/security/PasswordPolicy.h"

#include <QList>
#include <QPair>
#include <QString>

namespace dokuei::security {

/// The administrator-set policy for this workstation, stored in the system vault (table `policy`, one row
/// per key below). A value object: AccountStore persists it, the session and sign-in services read it.
struct SecurityPolicy
{
    PasswordProfile profile = PasswordProfile::JpMhlw2fa; ///< key "profile"
    int idleLockMinutes = 10;                             ///< key "idle-lock-minutes", 1..60
    int throttleFromFailure = 5;  ///< key "throttle-from": exponential delay from the Nth consecutive failure
    int lockAtFailure = 10;       ///< key "lock-at": the account locks at the Nth; an administrator unlocks
    int maxDelaySeconds = 60;     ///< key "max-delay-seconds", 1..3600: cap of the delay
    int reauthenticateHours = 12; ///< key "reauthenticate-hours", 1..24
    int passwordMaxAgeDays = 60;  ///< key "password-max-age-days", 1..60; applies to jp-mhlw-legacy only

    /// The keys above, in display order.
    static QStringList keys();

    /// Ok when every value is in range and the values fit together (1 <= throttle-from <= lock-at <= 100);
    /// otherwise ConfigurationInvalid naming the key, its value and the allowed range.
    Expected<void> validate() const;

    /// Sets one key from its text form (as typed in `dokuei-admin policy set KEY VALUE`) and validates the
    /// result. InvalidArgument for an unknown key or a value that is not a number or profile name;
    /// ConfigurationInvalid for a value out of range. Leaves the policy unchanged on failure.
    Expected<void> set(const QString& key, const QString& value);

    /// A policy from stored key/value pairs (missing keys keep their defaults), validated as a whole.
    /// InvalidArgument or ConfigurationInvalid naming the key when a value is unusable.
    static Expected<SecurityPolicy> fromEntries(const QList<QPair<QString, QString>>& entries);

    /// Every key with its value in text form, in display order (what `policy show` prints and the vault
    /// stores).
    QList<QPair<QString, QString>> entries() const;

    /// Seconds to wait before the next attempt after `consecutiveFailures` failures: 0 below
    /// throttle-from, then 1, 2, 4, 8 ... seconds, capped at max-delay-seconds.
    int delayAfterFailures(int consecutiveFailures) const;

    /// Days after which a password expires under this policy; std::nullopt when it never does.
    std::optional<int> passwordMaxAge() const;

    bool operator==(const SecurityPolicy&) const = default;

private:
    /// Parses one key into this policy without validating the whole.
    Expected<void> assign(const QString& key, const QString& value);
};

} // namespace dokuei::security
