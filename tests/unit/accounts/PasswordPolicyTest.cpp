#include "dokuei/security/PasswordPolicy.h"

#include <gtest/gtest.h>

namespace dokuei::security {
namespace {

const QString kUser = QStringLiteral("tanaka.h");

/// `length` printable ASCII characters without any pattern a dictionary check would call systematic, with
/// letters, digits and symbols.
QString variedAscii(int length)
{
    static const QString alphabet =
        QStringLiteral("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!#%+-.@_*?=");
    QString result;
    quint32 state = 12345;
    for (int i = 0; i < length; ++i) {
        state = state * 1103515245U + 12345U;
        result += alphabet.at(static_cast<int>((state >> 16) % static_cast<quint32>(alphabet.size())));
    }
    return QStringLiteral("a7#") + result.left(length - 3);
}

::testing::AssertionResult accepted(PasswordProfile profile, const QString& password,
                                    const QString& user = kUser)
{
    const auto result = PasswordPolicy(profile).check(password, user);
    if (result) {
        return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << result.error().toString().toStdString();
}

/// Refused with PasswordPolicyViolation, a message containing `expected`, and never the password itself.
::testing::AssertionResult refused(PasswordProfile profile, const QString& password, const QString& expected,
                                   const QString& user = kUser)
{
    const auto result = PasswordPolicy(profile).check(password, user);
    if (result) {
        return ::testing::AssertionFailure() << "accepted";
    }
    if (result.error().code != ErrorCode::PasswordPolicyViolation) {
        return ::testing::AssertionFailure() << "wrong code: " << result.error().toString().toStdString();
    }
    if (!result.error().message.contains(expected, Qt::CaseInsensitive)) {
        return ::testing::AssertionFailure() << "message lacks \"" << expected.toStdString()
                                             << "\": " << result.error().message.toStdString();
    }
    if (password.size() >= 4 && result.error().message.contains(password)) {
        return ::testing::AssertionFailure() << "message echoes the password";
    }
    return ::testing::AssertionSuccess();
}

TEST(PasswordPolicy, ProfileNamesRoundTrip)
{
    EXPECT_EQ(profileName(PasswordProfile::JpMhlw2fa), QStringLiteral("jp-mhlw-2fa"));
    EXPECT_EQ(profileName(PasswordProfile::JpMhlwLegacy), QStringLiteral("jp-mhlw-legacy"));
    EXPECT_EQ(profileName(PasswordProfile::Nist80063b), QStringLiteral("nist-800-63b"));
    for (const auto profile :
         {PasswordProfile::JpMhlw2fa, PasswordProfile::JpMhlwLegacy, PasswordProfile::Nist80063b}) {
        EXPECT_EQ(profileFromName(profileName(profile)), profile);
    }
    EXPECT_FALSE(profileFromName(QStringLiteral("JP-MHLW-2FA")));
}

TEST(PasswordPolicy, JapaneseProfilesAcceptLettersDigitsAndSymbols)
{
    for (const auto profile : {PasswordProfile::JpMhlw2fa, PasswordProfile::JpMhlwLegacy}) {
        EXPECT_TRUE(accepted(profile, QStringLiteral("Kq7#vLm2")));
        EXPECT_TRUE(accepted(profile, QStringLiteral("hX9!rT4w-pQ")));
        EXPECT_TRUE(accepted(profile, QStringLiteral("7zebra*Violin*kettle")));
        // 64 and 256 half-width characters are accepted.
        EXPECT_TRUE(accepted(profile, variedAscii(64)));
        EXPECT_TRUE(accepted(profile, variedAscii(256)));
    }
}

TEST(PasswordPolicy, JapaneseProfilesRefuseMissingClassesSayingWhatToAdd)
{
    const auto profile = PasswordProfile::JpMhlw2fa;
    EXPECT_TRUE(refused(profile, QStringLiteral("Kq7vLm2xR"), QStringLiteral("add a symbol")));
    EXPECT_TRUE(refused(profile, QStringLiteral("Kq#vLm!xR"), QStringLiteral("add a digit")));
    EXPECT_TRUE(refused(profile, QStringLiteral("7#4!9$2%1"), QStringLiteral("add a letter")));
    EXPECT_TRUE(refused(profile, QStringLiteral("correct horse battery staple"),
                        QStringLiteral("a digit and a symbol")));
    EXPECT_TRUE(refused(profile, QStringLiteral("Kq7#vL"), QStringLiteral("at least 8 characters")));
    EXPECT_TRUE(refused(profile, variedAscii(257), QStringLiteral("at most 256")));
    const auto empty = PasswordPolicy(profile).check(QString(), kUser);
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error().code, ErrorCode::PasswordPolicyViolation);
}

TEST(PasswordPolicy, JapaneseProfilesRefuseFullWidthInputAskingToTurnTheImeOff)
{
    // Ｋｑ７＃ｖＬｍ２: the same keys as Kq7#vLm2 typed with the Japanese IME on.
    const QString fullWidth = QStringLiteral("\uFF2B\uFF51\uFF17\uFF03\uFF56\uFF2C\uFF4D\uFF12");
    EXPECT_TRUE(refused(PasswordProfile::JpMhlw2fa, fullWidth, QStringLiteral("IME")));
    EXPECT_TRUE(refused(PasswordProfile::JpMhlwLegacy, fullWidth, QStringLiteral("half-width")));
    // Kana and kanji as well.
    EXPECT_TRUE(refused(PasswordProfile::JpMhlw2fa, QStringLiteral("Kq7#\u3042\u3044\u8aad\u5f71"),
                        QStringLiteral("half-width")));
    EXPECT_EQ(PasswordPolicy(PasswordProfile::JpMhlw2fa).normalise(fullWidth), fullWidth);
}

TEST(PasswordPolicy, EveryProfileRefusesCommonPasswords)
{
    for (const auto profile :
         {PasswordProfile::JpMhlw2fa, PasswordProfile::JpMhlwLegacy, PasswordProfile::Nist80063b}) {
        EXPECT_TRUE(refused(profile, QStringLiteral("Password1!"), QStringLiteral("most common")));
        EXPECT_TRUE(refused(profile, QStringLiteral("P@ssw0rd"), QStringLiteral("most common")));
        EXPECT_TRUE(refused(profile, QStringLiteral("qwerty123!"), QStringLiteral("most common")));
    }
}

TEST(PasswordPolicy, DictionaryCheckThroughCracklibRefusesWordBasedPasswords)
{
    // Not in the built-in list: only libpwquality's cracklib check knows these.
    EXPECT_TRUE(
        refused(PasswordProfile::Nist80063b, QStringLiteral("elephants"), QStringLiteral("dictionary")));
    EXPECT_TRUE(
        refused(PasswordProfile::Nist80063b, QStringLiteral("abcdefghij"), QStringLiteral("dictionary")));
    EXPECT_TRUE(
        refused(PasswordProfile::Nist80063b, QStringLiteral("12121212"), QStringLiteral("dictionary")));
}

TEST(PasswordPolicy, NoProfileAcceptsTheAccountIdInsideThePassword)
{
    for (const auto profile :
         {PasswordProfile::JpMhlw2fa, PasswordProfile::JpMhlwLegacy, PasswordProfile::Nist80063b}) {
        EXPECT_TRUE(refused(profile, QStringLiteral("x7#TANAKA.Hq"), QStringLiteral("account ID")));
        EXPECT_TRUE(refused(profile, QStringLiteral("tanaka.h#42z"), QStringLiteral("account ID")));
        // The same password is fine for somebody else.
        EXPECT_TRUE(accepted(profile, QStringLiteral("x7#TANAKA.Hq"), QStringLiteral("suzuki.k")));
        EXPECT_TRUE(refused(profile, QStringLiteral("x7#Dokuei#9q"), QStringLiteral("product name")));
    }
}

TEST(PasswordPolicy, NistHasNoCompositionRulesAndAllowsLongPassphrases)
{
    const auto profile = PasswordProfile::Nist80063b;
    EXPECT_TRUE(accepted(profile, QStringLiteral("plumvioletcastle")));
    EXPECT_TRUE(accepted(profile, QStringLiteral("quiet lantern under the ginkgo tree")));
    const QString long64 = QStringLiteral("violet ginkgo lantern kettle river ");
    EXPECT_TRUE(accepted(profile, (long64 + long64).left(64)));
    EXPECT_TRUE(accepted(profile, (long64.repeated(8)).left(256)));
    EXPECT_TRUE(refused(profile, long64.repeated(8).left(257), QStringLiteral("at most 256")));
    EXPECT_TRUE(refused(profile, QStringLiteral("short1!"), QStringLiteral("at least 8")));
    EXPECT_TRUE(refused(profile, QStringLiteral("tab\there-is-bad"), QStringLiteral("control")));
}

TEST(PasswordPolicy, NistNormalisesWithNfkcAndAcceptsJapanese)
{
    const PasswordPolicy policy(PasswordProfile::Nist80063b);
    // Full-width letters become half-width ones; a full-width space becomes a space.
    EXPECT_EQ(policy.normalise(QStringLiteral("\uFF2B\uFF51\uFF17\u3000x")), QStringLiteral("Kq7 x"));
    // Half-width katakana become full-width katakana (ｶﾞ -> ガ).
    EXPECT_EQ(policy.normalise(QStringLiteral("\uFF76\uFF9E")), QStringLiteral("\u30AC"));
    // A Japanese passphrase (読影室の窓から富士山が見える) is accepted: 13 characters, no ASCII at all.
    EXPECT_TRUE(accepted(PasswordProfile::Nist80063b,
                         QStringLiteral("\u8aad\u5f71\u5ba4\u306e\u7a93\u304b\u3089\u5bcc\u58eb\u5c71\u304c"
                                        "\u898b\u3048\u308b")));
    // Full-width forms of a common password are that common password after NFKC.
    EXPECT_TRUE(refused(PasswordProfile::Nist80063b,
                        QStringLiteral("\uFF30\uFF41\uFF53\uFF53\uFF57\uFF4F\uFF52\uFF44\uFF11\uFF01"),
                        QStringLiteral("most common")));
    // And a full-width account ID inside is still the ID.
    EXPECT_TRUE(refused(PasswordProfile::Nist80063b,
                        QStringLiteral("blue \uFF34\uFF41\uFF4E\uFF41\uFF4B\uFF41.\uFF48 river"),
                        QStringLiteral("account ID")));
}

TEST(PasswordPolicy, OnlyTheLegacyProfileExpires)
{
    EXPECT_EQ(PasswordPolicy(PasswordProfile::JpMhlwLegacy).maxAgeDays(), 60);
    EXPECT_FALSE(PasswordPolicy(PasswordProfile::JpMhlw2fa).maxAgeDays());
    EXPECT_FALSE(PasswordPolicy(PasswordProfile::Nist80063b).maxAgeDays());
}

TEST(PasswordPolicy, MessageListsEveryProblemAtOnce)
{
    const auto result = PasswordPolicy(PasswordProfile::JpMhlw2fa).check(QStringLiteral("tanaka.h"), kUser);
    ASSERT_FALSE(result);
    EXPECT_TRUE(result.error().message.contains(QStringLiteral("add a digit")));
    EXPECT_TRUE(result.error().message.contains(QStringLiteral("account ID")));
    EXPECT_TRUE(result.error().message.contains(QStringLiteral("jp-mhlw-2fa")));
}

} // namespace
} // namespace dokuei::security
