#pragma once

#include "dokuei/common/Error.h"

#include <optional>

#include <QString>

namespace dokuei::security {

/// Password rule sets the administrator chooses between (stored in the system vault).
enum class PasswordProfile
{
    JpMhlw2fa,    ///< "jp-mhlw-2fa" (default): the card is always the second factor, so no periodic expiry
    JpMhlwLegacy, ///< "jp-mhlw-legacy": the same rules plus expiry after at most 60 days
    Nist80063b,   ///< "nist-800-63b": length and blocklist only, any Unicode, NFKC
};

/// Stable name ("jp-mhlw-2fa", "jp-mhlw-legacy", "nist-800-63b").
QString profileName(PasswordProfile profile);
/// The profile with that stable name; std::nullopt for anything else.
std::optional<PasswordProfile> profileFromName(const QString& name);

/// Checks a candidate password against one profile. Never logs, stores or echoes the password.
///
/// Every profile:
/// - at least kMinimumLength characters (Unicode code points, after normalise()) and at most kMaximumLength
///   (so 64-character passphrases always fit);
/// - no control characters;
/// - must not contain the account ID (case-insensitive) nor the product name "dokuei";
/// - must not be a known common password: a built-in list of the worst ones (compared case-insensitively)
///   and libpwquality's dictionary check against the cracklib dictionary (cracklib-runtime), which also
///   refuses passwords based on dictionary words, too simple or too systematic ones and palindromes.
///   A missing dictionary fails closed with DependencyMissing.
///
/// jp-mhlw-2fa and jp-mhlw-legacy (guideline 6.5 C-10: letters, digits and symbols):
/// - half-width (ASCII) printable characters only: at least one letter, one digit and one symbol
///   (a printable ASCII character that is neither letter, digit nor space). Full-width characters
///   (全角, e.g. "Ｐａｓｓ１２３！" typed with the IME on) are refused with a message asking to switch the
///   IME off, rather than silently treated as different characters from the half-width ones: the same
///   keystrokes must always give the same password, whatever the IME state. normalise() is the identity.
///
/// nist-800-63b (SP 800-63B 5.1.1.2):
/// - any Unicode, normalised with NFKC before checking and before hashing (so full-width and half-width
///   forms of the same characters are the same password); no composition rules.
class PasswordPolicy
{
public:
    static constexpr int kMinimumLength = 8;
    static constexpr int kMaximumLength = 256;

    explicit PasswordPolicy(PasswordProfile profile);

    PasswordProfile profile() const { return m_profile; }

    /// Ok when the password may be used by the account `userId` (empty: no ID check). Otherwise
    /// PasswordPolicyViolation with one message listing everything to change, or DependencyMissing when
    /// the dictionary cannot be loaded.
    Expected<void> check(const QString& password, const QString& userId) const;

    /// The form that is checked and hashed: NFKC for nist-800-63b, the password unchanged for the Japanese
    /// profiles (which refuse full-width characters instead, see above). Callers hash normalise(password)
    /// both when setting and when verifying.
    QString normalise(const QString& password) const;

    /// 60 for jp-mhlw-legacy (the caller may lower it through SecurityPolicy::passwordMaxAgeDays),
    /// std::nullopt when passwords do not expire.
    std::optional<int> maxAgeDays() const;

private:
    PasswordProfile m_profile;
};

} // namespace dokuei::security
