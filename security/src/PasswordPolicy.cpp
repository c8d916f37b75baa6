#include "dokuei/security/PasswordPolicy.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <mutex>
#include <pwquality.h>
#include <string.h>

#include <QStringList>

namespace dokuei::security {
namespace {

/// The worst passwords that pass the composition rules (letters + digits + symbols), compared after
/// lower-casing. cracklib catches most dictionary-based ones; these are cheap certainties.
constexpr std::array kWorstPasswords = {
    "password1!",  "password1",  "password123!", "password!1", "p@ssw0rd",   "p@ssw0rd1",  "p@ssw0rd!",
    "p@ssword1",   "p@ssword1!", "passw0rd!",    "passw0rd1!", "pa$$w0rd",   "pa$$word1",  "qwerty123!",
    "qwerty1!",    "qwe123!@#",  "1qaz2wsx",     "1qaz2wsx!",  "1qaz!qaz",   "1qaz@wsx",   "zaq12wsx!",
    "abc12345!",   "abcd1234!",  "abc123!@#",    "aa123456!",  "admin123!",  "admin@123",  "welcome1!",
    "welcome123!", "changeme1!", "letmein1!",    "iloveyou1!", "12345678",   "123456789",  "1234567890",
    "11111111",    "00000000",   "87654321",     "12341234",   "abcdefgh",   "qwertyuiop", "password",
    "hospital1!",  "byouin123!", "sakura123!",   "tokyo2020!", "nippon123!", "doctor123!", "radiology1!",
};

/// Context-specific word no password may contain (SP 800-63B 5.1.1.2).
const QString kProductName = QStringLiteral("dokuei");

bool isAsciiLetter(char32_t c)
{
    return (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z');
}

bool isAsciiDigit(char32_t c)
{
    return c >= U'0' && c <= U'9';
}

bool isAsciiSymbol(char32_t c)
{
    return c > 0x20 && c < 0x7f && !isAsciiLetter(c) && !isAsciiDigit(c);
}

struct SettingsDeleter
{
    void operator()(pwquality_settings_t* settings) const { pwquality_free_settings(settings); }
};

/// Result of libpwquality's dictionary check: empty when the password passes.
struct DictionaryVerdict
{
    bool dictionaryMissing = false;
    QString reason;
};

DictionaryVerdict dictionaryCheck(const QString& password)
{
    // cracklib keeps global state: one check at a time.
    static std::mutex mutex;
    const std::lock_guard lock(mutex);

    std::unique_ptr<pwquality_settings_t, SettingsDeleter> settings(pwquality_default_settings());
    if (!settings) {
        return {false, QStringLiteral("the password quality library could not start (out of memory)")};
    }
    // Only the dictionary (and cracklib's own simplicity and palindrome checks): length, classes and the ID
    // are checked by PasswordPolicy itself, the same way for every profile.
    const std::array<std::pair<int, int>, 11> values = {{
        {PWQ_SETTING_MIN_LENGTH, 6},
        {PWQ_SETTING_DIG_CREDIT, 0},
        {PWQ_SETTING_UP_CREDIT, 0},
        {PWQ_SETTING_LOW_CREDIT, 0},
        {PWQ_SETTING_OTH_CREDIT, 0},
        {PWQ_SETTING_MIN_CLASS, 0},
        {PWQ_SETTING_MAX_REPEAT, 0},
        {PWQ_SETTING_MAX_CLASS_REPEAT, 0},
        {PWQ_SETTING_MAX_SEQUENCE, 0},
        {PWQ_SETTING_GECOS_CHECK, 0},
        {PWQ_SETTING_DICT_CHECK, 1},
    }};
    for (const auto& [setting, value] : values) {
        pwquality_set_int_value(settings.get(), setting, value);
    }
    pwquality_set_int_value(settings.get(), PWQ_SETTING_USER_CHECK, 0);

    QByteArray utf8 = password.toUtf8();
    void* auxerror = nullptr;
    const int result = pwquality_check(settings.get(), utf8.constData(), nullptr, nullptr, &auxerror);
    explicit_bzero(utf8.data(), static_cast<size_t>(utf8.size()));
    if (result >= 0 || result == PWQ_ERROR_MIN_LENGTH || result == PWQ_ERROR_EMPTY_PASSWORD) {
        if (auxerror && result < 0) {
            char ignored[PWQ_MAX_ERROR_MESSAGE_LEN];
            pwquality_strerror(ignored, sizeof ignored, result, auxerror);
        }
        return {};
    }
    char buffer[PWQ_MAX_ERROR_MESSAGE_LEN] = {};
    const char* message = pwquality_strerror(buffer, sizeof buffer, result, auxerror);
    const QString reason = QString::fromUtf8(message ? message : "rejected by the dictionary check");
    if (result == PWQ_ERROR_CRACKLIB_CHECK && reason.contains(QStringLiteral("error loading dictionary"))) {
        return {true, reason};
    }
    return {false, reason};
}

} // namespace

QString profileName(PasswordProfile profile)
{
    switch (profile) {
    case PasswordProfile::JpMhlw2fa:
        return QStringLiteral("jp-mhlw-2fa");
    case PasswordProfile::JpMhlwLegacy:
        return QStringLiteral("jp-mhlw-legacy");
    case PasswordProfile::Nist80063b:
        return QStringLiteral("nist-800-63b");
    }
    return QStringLiteral("unknown");
}

std::optional<PasswordProfile> profileFromName(const QString& name)
{
    for (const auto profile :
         {PasswordProfile::JpMhlw2fa, PasswordProfile::JpMhlwLegacy, PasswordProfile::Nist80063b}) {
        if (profileName(profile) == name) {
            return profile;
        }
    }
    return std::nullopt;
}

PasswordPolicy::PasswordPolicy(PasswordProfile profile) : m_profile(profile)
{}

QString PasswordPolicy::normalise(const QString& password) const
{
    if (m_profile == PasswordProfile::Nist80063b) {
        return password.normalized(QString::NormalizationForm_KC);
    }
    return password;
}

std::optional<int> PasswordPolicy::maxAgeDays() const
{
    if (m_profile == PasswordProfile::JpMhlwLegacy) {
        return 60;
    }
    return std::nullopt;
}

Expected<void> PasswordPolicy::check(const QString& password, const QString& userId) const
{
    const QString candidate = normalise(password);
    const QList<uint> codePoints = candidate.toUcs4();
    const bool japanese = m_profile != PasswordProfile::Nist80063b;
    QStringList problems;

    if (codePoints.isEmpty()) {
        return fail(
            ErrorCode::PasswordPolicyViolation,
            QStringLiteral("The password is empty: enter at least %1 characters").arg(kMinimumLength));
    }
    bool control = false;
    bool nonAscii = false;
    bool letter = false;
    bool digit = false;
    bool symbol = false;
    for (const uint c : codePoints) {
        const auto category = QChar::category(c);
        control = control || category == QChar::Other_Control || category == QChar::Other_Format ||
                  category == QChar::Other_Surrogate || category == QChar::Other_NotAssigned;
        nonAscii = nonAscii || c > 0x7e;
        letter = letter || isAsciiLetter(c);
        digit = digit || isAsciiDigit(c);
        symbol = symbol || isAsciiSymbol(c);
    }
    if (control) {
        problems << QStringLiteral(
            "remove control or invisible characters (tab, line breaks, formatting marks)");
    }
    if (japanese && nonAscii) {
        problems << QStringLiteral(
                        "use half-width (ASCII) letters, digits and symbols only: turn the Japanese "
                        "input method (IME) off; full-width characters such as \uFF21 or \uFF11 "
                        "are not accepted under profile %1")
                        .arg(profileName(m_profile));
    }
    if (codePoints.size() < kMinimumLength) {
        problems << QStringLiteral("make it at least %1 characters long (it has %2)")
                        .arg(kMinimumLength)
                        .arg(codePoints.size());
    }
    if (codePoints.size() > kMaximumLength) {
        problems << QStringLiteral("make it at most %1 characters long (it has %2)")
                        .arg(kMaximumLength)
                        .arg(codePoints.size());
    }
    if (japanese) {
        QStringList missing;
        if (!letter) {
            missing << QStringLiteral("a letter");
        }
        if (!digit) {
            missing << QStringLiteral("a digit");
        }
        if (!symbol) {
            missing << QStringLiteral("a symbol such as ! # % + - . @ _");
        }
        if (!missing.isEmpty()) {
            problems << QStringLiteral("add %1 (profile %2 needs letters, digits and symbols)")
                            .arg(missing.join(QStringLiteral(" and ")), profileName(m_profile));
        }
    }
    const QString folded = candidate.toCaseFolded();
    const QString id = normalise(userId).toCaseFolded();
    if (!id.isEmpty() && folded.contains(id)) {
        problems << QStringLiteral("do not include the account ID");
    }
    if (folded.contains(kProductName)) {
        problems << QStringLiteral("do not include the product name \"%1\"").arg(kProductName);
    }
    const QString lower = candidate.toLower();
    const bool worst = std::any_of(kWorstPasswords.begin(), kWorstPasswords.end(),
                                   [&](const char* entry) { return lower == QLatin1String(entry); });
    if (worst) {
        problems << QStringLiteral("choose another password: this one is among the most common passwords");
    } else if (codePoints.size() >= kMinimumLength && codePoints.size() <= kMaximumLength) {
        const DictionaryVerdict verdict = dictionaryCheck(candidate);
        if (verdict.dictionaryMissing) {
            return fail(ErrorCode::DependencyMissing,
                        QStringLiteral("The common-password dictionary cannot be loaded (%1): install the "
                                       "cracklib-runtime package")
                            .arg(verdict.reason));
        }
        if (!verdict.reason.isEmpty()) {
            problems << QStringLiteral("choose a password that is harder to guess (dictionary check: %1)")
                            .arg(verdict.reason);
        }
    }
    if (!problems.isEmpty()) {
        return fail(ErrorCode::PasswordPolicyViolation,
                    QStringLiteral("The password does not meet the %1 policy: %2")
                        .arg(profileName(m_profile), problems.join(QStringLiteral("; "))));
    }
    return {};
}

} // namespace dokuei::security
