#include "dokuei/security/PasswordHasher.h"

#include <QRegularExpression>

#include <gtest/gtest.h>

namespace dokuei::security {
namespace {

/// Cheap parameters for tests; production defaults are checked separately.
Argon2Params fast()
{
    return Argon2Params{1, 256, 1};
}

TEST(PasswordHasher, KnownAnswerFromTheReferenceImplementation)
{
    // Argon2id v=19, t=2, m=64 MiB, p=1, password "password", salt "somesalt" (argon2 reference test.c).
    const QString reference = QStringLiteral(
        "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc");
    const PasswordHasher hasher;
    EXPECT_TRUE(hasher.verify(QStringLiteral("password"), reference));
    EXPECT_FALSE(hasher.verify(QStringLiteral("Password"), reference));
    EXPECT_FALSE(hasher.verify(QStringLiteral("password "), reference));
    // t=2 is weaker than the production t=3.
    EXPECT_TRUE(hasher.needsRehash(reference));
}

TEST(PasswordHasher, ProductionDefaultsAreArgon2idWith64MiB)
{
    const PasswordHasher hasher;
    EXPECT_EQ(hasher.params().memoryKiB, 65536U);
    EXPECT_EQ(hasher.params().timeCost, 3U);
    EXPECT_EQ(hasher.params().parallelism, 1U);
}

TEST(PasswordHasher, HashIsPhcWithParamsAndFreshSalt)
{
    const PasswordHasher hasher(fast());
    const auto first = hasher.hash(QStringLiteral("Kq7#vLm2"));
    const auto second = hasher.hash(QStringLiteral("Kq7#vLm2"));
    ASSERT_TRUE(first) << first.error().toString().toStdString();
    ASSERT_TRUE(second);
    static const QRegularExpression phc(
        QStringLiteral(R"(^\$argon2id\$v=19\$m=256,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$)"));
    EXPECT_TRUE(phc.match(*first).hasMatch()) << first->toStdString();
    EXPECT_NE(*first, *second) << "salt must be fresh each time";
    EXPECT_FALSE(first->contains(QStringLiteral("Kq7#vLm2")));
    const auto params = PasswordHasher::parseParams(*first);
    ASSERT_TRUE(params);
    EXPECT_EQ(*params, fast());
}

TEST(PasswordHasher, VerifyAcceptsOnlyTheRightPassword)
{
    const PasswordHasher hasher(fast());
    const QString password = QStringLiteral("\u8aad\u5f71 Kq7#vLm2");
    const auto encoded = hasher.hash(password);
    ASSERT_TRUE(encoded);
    EXPECT_TRUE(hasher.verify(password, *encoded));
    EXPECT_FALSE(hasher.verify(QStringLiteral("Kq7#vLm2"), *encoded));
    EXPECT_FALSE(hasher.verify(QString(), *encoded));
    // A hasher with other parameters still verifies: the parameters come from the string.
    EXPECT_TRUE(PasswordHasher(Argon2Params{2, 512, 1}).verify(password, *encoded));
}

TEST(PasswordHasher, MalformedOrForeignHashesNeverVerify)
{
    const PasswordHasher hasher(fast());
    const QString password = QStringLiteral("password");
    for (const QString& encoded : {
             QString(),
             QStringLiteral("password"),
             QStringLiteral(
                 "$argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$wWKIMhR9lyDFvRz9YTZweHKfbftvj+qf+YFY4NeBbtA"),
             QStringLiteral(
                 "$argon2id$v=16$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"),
             QStringLiteral("$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$"),
             QStringLiteral(
                 "$argon2id$v=19$m=99999999,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"),
             QStringLiteral("$6$rounds=5000$salt$hash"),
         }) {
        EXPECT_FALSE(hasher.verify(password, encoded)) << encoded.toStdString();
        EXPECT_TRUE(hasher.needsRehash(encoded)) << encoded.toStdString();
    }
}

TEST(PasswordHasher, NeedsRehashWhenStoredParamsAreWeaker)
{
    const auto weak = PasswordHasher(Argon2Params{1, 256, 1}).hash(QStringLiteral("Kq7#vLm2"));
    const auto strong = PasswordHasher(Argon2Params{2, 1024, 1}).hash(QStringLiteral("Kq7#vLm2"));
    ASSERT_TRUE(weak);
    ASSERT_TRUE(strong);
    const PasswordHasher current(Argon2Params{2, 1024, 1});
    EXPECT_TRUE(current.needsRehash(*weak));
    EXPECT_FALSE(current.needsRehash(*strong));
    EXPECT_TRUE(PasswordHasher(Argon2Params{3, 1024, 1}).needsRehash(*strong)) << "time cost raised";
    EXPECT_TRUE(PasswordHasher(Argon2Params{2, 2048, 1}).needsRehash(*strong)) << "memory raised";
    EXPECT_FALSE(PasswordHasher(Argon2Params{1, 256, 1}).needsRehash(*strong)) << "never downgrade";
}

TEST(PasswordHasher, DecoyIsWellFormedAndMatchesNothing)
{
    const PasswordHasher hasher(fast());
    const QString decoy = hasher.decoy();
    const auto params = PasswordHasher::parseParams(decoy);
    ASSERT_TRUE(params) << decoy.toStdString();
    EXPECT_EQ(*params, fast());
    EXPECT_FALSE(hasher.verify(QString(), decoy));
    EXPECT_FALSE(hasher.verify(QStringLiteral("password"), decoy));
    EXPECT_NE(decoy, hasher.decoy());
}

TEST(PasswordHasher, ImplausibleParamsAreRefusedWhenHashing)
{
    const auto result = PasswordHasher(Argon2Params{0, 256, 1}).hash(QStringLiteral("Kq7#vLm2"));
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, ErrorCode::InvalidArgument);
}

} // namespace
} // namespace dokuei::security
