// The real dokuei-admin `user` and `policy` commands, in a private DOKUEI_HOME, secrets piped on stdin.
#include "AccountsTestSupport.h"
#include "dokuei/common/WorkstationPaths.h"
#include "dokuei/security/AccountStore.h"
#include "dokuei/security/AuditTrail.h"
#include "dokuei/security/SystemVault.h"
#include "dokuei/security/UserKeyring.h"
#include "dokuei/security/Vault.h"

#include <pwd.h>
#include <unistd.h>

#include <QDateTime>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>

#include <gtest/gtest.h>

namespace dokuei::security {
namespace {

const QString kId = QStringLiteral("tanaka.h");
const QString kPassword = QStringLiteral("Kq7#vLm2xR");
const QString kNewPassword = QStringLiteral("Zt5%nBq8wE");
const QString kRecord = QStringLiteral("in person at the reading centre, staff ID card 4711 checked by Sato");

struct Result
{
    int exitCode = -1;
    QString out;
    QString err;
};

QString osUser()
{
    const passwd* entry = ::getpwuid(::geteuid());
    return entry ? QString::fromLocal8Bit(entry->pw_name) : QStringLiteral("uid:%1").arg(::geteuid());
}

class AdminAccountsCli : public ::testing::Test
{
protected:
    void SetUp() override { ASSERT_TRUE(m_home.isValid()); }

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("DOKUEI_HOME"), m_home.path());
        env.insert(QStringLiteral("DOKUEI_SYSCONFDIR"), m_home.path() + QStringLiteral("/etc"));
        return env;
    }

    static QString program()
    {
        return qEnvironmentVariable("DOKUEI_BINARY_DIR") + QStringLiteral("/bin/dokuei-admin");
    }

    /// Runs dokuei-admin with `arguments`, writing `stdinLines` (one per line) to its standard input.
    Result admin(const QStringList& arguments, const QStringList& stdinLines = {}) const
    {
        QProcess process;
        process.setProcessEnvironment(environment());
        process.start(program(), arguments);
        EXPECT_TRUE(process.waitForStarted(10000));
        for (const QString& line : stdinLines) {
            process.write(line.toUtf8() + '\n');
        }
        process.closeWriteChannel();
        EXPECT_TRUE(process.waitForFinished(60000));
        return {process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()),
                QString::fromUtf8(process.readAllStandardError())};
    }

    void addTanaka()
    {
        const Result added =
            admin({QStringLiteral("user"), QStringLiteral("add"), kId, QStringLiteral("--name"),
                   QStringLiteral("田中 花子"), QStringLiteral("--role"), QStringLiteral("radiologist")},
                  {kPassword, kPassword});
        ASSERT_EQ(added.exitCode, 0) << added.err.toStdString();
    }

    /// The system vault as the product opens it, to check what the commands stored.
    struct Opened
    {
        std::unique_ptr<Vault> vault;
        std::unique_ptr<AuditTrail> trail;
        std::unique_ptr<AccountStore> store;
    };
    Opened open() const
    {
        auto paths = WorkstationPaths::resolve(environment());
        EXPECT_TRUE(paths);
        auto vault = openSystemVault(*paths);
        EXPECT_TRUE(vault) << vault.error().toString().toStdString();
        Opened opened;
        opened.vault = std::move(*vault);
        opened.trail = std::make_unique<AuditTrail>(*opened.vault);
        opened.store = std::make_unique<AccountStore>(*opened.vault, *opened.trail);
        return opened;
    }

    QList<AuditRecord> auditRecords(const QString& eventType) const
    {
        Opened opened = open();
        auto records = opened.trail->records(QDateTime::currentDateTimeUtc().addDays(-1),
                                             QDateTime::currentDateTimeUtc().addDays(1));
        EXPECT_TRUE(records);
        QList<AuditRecord> matching;
        for (const AuditRecord& record : *records) {
            if (record.eventType == eventType) {
                matching.append(record);
            }
        }
        return matching;
    }

    QTemporaryDir m_home;
};

TEST_F(AdminAccountsCli, UserAddReadsThePasswordTwiceFromStdinAndListNeverShowsHashes)
{
    addTanaka();
    const Result list = admin({QStringLiteral("user"), QStringLiteral("list")});
    ASSERT_EQ(list.exitCode, 0) << list.err.toStdString();
    const QStringList lines = list.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    ASSERT_EQ(lines.size(), 2) << list.out.toStdString();
    EXPECT_TRUE(lines.at(0).startsWith(QStringLiteral("ID")));
    const QStringList fields = lines.at(1).simplified().split(QLatin1Char(' '));
    EXPECT_EQ(fields.mid(0, 7),
              (QStringList{kId, QStringLiteral("radiologist"), QStringLiteral("active"), QStringLiteral("0"),
                           QStringLiteral("-"), QStringLiteral("yes"), QStringLiteral("-")}));
    EXPECT_TRUE(lines.at(1).endsWith(QStringLiteral("田中 花子")));
    EXPECT_FALSE(list.out.contains(QStringLiteral("argon2")));
    EXPECT_FALSE(list.out.contains(kPassword));

    // What was stored is the password from stdin, to be changed at first sign-in.
    Opened opened = open();
    auto checked = opened.store->checkPassword(kId, kPassword);
    ASSERT_TRUE(checked) << checked.error().toString().toStdString();
    EXPECT_EQ(checked->changeRequired, AccountStore::ChangeReason::Initial);

    const auto added = auditRecords(QStringLiteral("UserAdded"));
    ASSERT_EQ(added.size(), 1);
    EXPECT_EQ(added.first().userId, osUser());
    EXPECT_EQ(added.first().role, QStringLiteral("os-account"))
        << "the administrator control: the OS account owning the workstation key";
    EXPECT_FALSE(added.first().details.contains(kPassword));
}

TEST_F(AdminAccountsCli, PasswordsGivenAsArgumentsAreRefusedWithoutEchoingThem)
{
    const QString secret = QStringLiteral("Secret#In9Args");
    const QStringList base = {
        QStringLiteral("user"),       QStringLiteral("add"),    kId,
        QStringLiteral("--name"),     QStringLiteral("Tanaka"), QStringLiteral("--role"),
        QStringLiteral("radiologist")};
    const QList<QStringList> attempts = {
        base + QStringList{QStringLiteral("--password"), secret},
        base + QStringList{QStringLiteral("--password=") + secret},
        base + QStringList{QStringLiteral("-p"), secret},
        base + QStringList{QStringLiteral("--pwd=") + secret},
        base + QStringList{secret},
        {QStringLiteral("user"), QStringLiteral("reset-password"), kId, secret},
        {QStringLiteral("user"), QStringLiteral("reset-password"), kId, QStringLiteral("--new-password"),
         secret},
    };
    for (const QStringList& arguments : attempts) {
        const Result result = admin(arguments, {secret, secret});
        EXPECT_EQ(result.exitCode, 2) << arguments.join(QLatin1Char(' ')).toStdString();
        EXPECT_FALSE(result.err.contains(secret)) << result.err.toStdString();
        EXPECT_FALSE(result.out.contains(secret));
    }
    const Result refused = admin(base + QStringList{QStringLiteral("--password"), secret});
    EXPECT_TRUE(refused.err.contains(QStringLiteral("standard input"))) << refused.err.toStdString();
    EXPECT_TRUE(refused.err.contains(QStringLiteral("ps"))) << refused.err.toStdString();
    // Nothing was created by any of them.
    const Result list = admin({QStringLiteral("user"), QStringLiteral("list")});
    EXPECT_FALSE(list.out.contains(kId));
}

TEST_F(AdminAccountsCli, ArgumentsVisibleToPsNeverHoldThePassword)
{
    QProcess process;
    process.setProcessEnvironment(environment());
    process.start(program(),
                  {QStringLiteral("user"), QStringLiteral("add"), kId, QStringLiteral("--name"),
                   QStringLiteral("Tanaka"), QStringLiteral("--role"), QStringLiteral("radiologist")});
    ASSERT_TRUE(process.waitForStarted(10000));
    // While it waits for the password on stdin, its command line is what `ps` shows to every user.
    QByteArray cmdline;
    for (int i = 0; i < 50 && cmdline.isEmpty(); ++i) {
        QFile file(QStringLiteral("/proc/%1/cmdline").arg(process.processId()));
        if (file.open(QIODevice::ReadOnly)) {
            cmdline = file.readAll();
        }
        QThread::msleep(20);
    }
    ASSERT_FALSE(cmdline.isEmpty());
    EXPECT_TRUE(cmdline.contains("user")) << cmdline.toStdString();
    process.write(kPassword.toUtf8() + '\n' + kPassword.toUtf8() + '\n');
    process.closeWriteChannel();
    ASSERT_TRUE(process.waitForFinished(60000));
    EXPECT_EQ(process.exitCode(), 0) << process.readAllStandardError().toStdString();
    EXPECT_FALSE(cmdline.contains(kPassword.toUtf8()));
    Opened opened = open();
    EXPECT_TRUE(opened.store->checkPassword(kId, kPassword));
}

TEST_F(AdminAccountsCli, UserAddRefusesGenericIdsMismatchesWeakPasswordsAndMissingInput)
{
    struct Case
    {
        QString id;
        QString role;
        QStringList stdinLines;
        int exitCode;
        QString says;
    };
    const QList<Case> cases = {
        {QStringLiteral("admin"),
         QStringLiteral("administrator"),
         {kPassword, kPassword},
         1,
         QStringLiteral("shared")},
        {QStringLiteral("guest2"),
         QStringLiteral("radiologist"),
         {kPassword, kPassword},
         1,
         QStringLiteral("shared")},
        {kId,
         QStringLiteral("radiologist"),
         {kPassword, kPassword + QStringLiteral("x")},
         1,
         QStringLiteral("differ")},
        {kId,
         QStringLiteral("radiologist"),
         {QStringLiteral("Password1!"), QStringLiteral("Password1!")},
         1,
         QStringLiteral("common")},
        {kId,
         QStringLiteral("radiologist"),
         {QStringLiteral("short"), QStringLiteral("short")},
         1,
         QStringLiteral("at least 8")},
        {kId, QStringLiteral("radiologist"), {}, 1, QStringLiteral("standard input")},
        {kId, QStringLiteral("radiologist"), {kPassword}, 1, QStringLiteral("twice")},
        {kId, QStringLiteral("chief"), {kPassword, kPassword}, 2, QStringLiteral("unknown role")},
    };
    for (const Case& c : cases) {
        const Result result =
            admin({QStringLiteral("user"), QStringLiteral("add"), c.id, QStringLiteral("--name"),
                   QStringLiteral("Someone"), QStringLiteral("--role"), c.role},
                  c.stdinLines);
        EXPECT_EQ(result.exitCode, c.exitCode) << c.id.toStdString() << ": " << result.err.toStdString();
        EXPECT_TRUE(result.err.contains(c.says)) << result.err.toStdString();
        for (const QString& line : c.stdinLines) {
            EXPECT_FALSE(result.err.contains(line)) << "echoed a password";
        }
    }
    EXPECT_EQ(admin({QStringLiteral("user"), QStringLiteral("add"), kId}).exitCode, 2);
    const Result list = admin({QStringLiteral("user"), QStringLiteral("list")});
    EXPECT_TRUE(list.out.contains(QStringLiteral("no accounts"))) << list.out.toStdString();
}

TEST_F(AdminAccountsCli, DisableEnableUnlockAndSetRoleAreStoredAndAuditedWithTheOsUser)
{
    addTanaka();
    {
        Opened opened = open();
        for (int i = 0; i < 10; ++i) {
            (void)opened.store->recordFailure(kId, QStringLiteral("AuthenticationFailed"));
        }
    }
    Result list = admin({QStringLiteral("user"), QStringLiteral("list")});
    EXPECT_TRUE(list.out.contains(QStringLiteral("locked"))) << list.out.toStdString();
    EXPECT_TRUE(list.out.contains(QStringLiteral(" 10 ")));

    EXPECT_EQ(admin({QStringLiteral("user"), QStringLiteral("unlock"), kId}).exitCode, 0);
    EXPECT_EQ(admin({QStringLiteral("user"), QStringLiteral("disable"), kId}).exitCode, 0);
    list = admin({QStringLiteral("user"), QStringLiteral("list")});
    EXPECT_TRUE(list.out.contains(QStringLiteral("disabled"))) << list.out.toStdString();
    EXPECT_FALSE(list.out.contains(QStringLiteral("locked")));
    EXPECT_EQ(admin({QStringLiteral("user"), QStringLiteral("enable"), kId}).exitCode, 0);
    const Result role =
        admin({QStringLiteral("user"), QStringLiteral("set-role"), kId, QStringLiteral("auditor")});
    EXPECT_EQ(role.exitCode, 0) << role.err.toStdString();
    list = admin({QStringLiteral("user"), QStringLiteral("list")});
    EXPECT_TRUE(list.out.contains(QStringLiteral("auditor")));
    EXPECT_TRUE(list.out.contains(QStringLiteral("active")));

    for (const QString& type : {QStringLiteral("UserUnlocked"), QStringLiteral("UserDisabled"),
                                QStringLiteral("UserEnabled"), QStringLiteral("RoleChanged")}) {
        const auto records = auditRecords(type);
        ASSERT_EQ(records.size(), 1) << type.toStdString();
        EXPECT_EQ(records.first().userId, osUser());
        EXPECT_TRUE(records.first().details.contains(kId));
    }

    const Result unknown =
        admin({QStringLiteral("user"), QStringLiteral("disable"), QStringLiteral("nobody.here")});
    EXPECT_EQ(unknown.exitCode, 1);
    EXPECT_TRUE(unknown.err.contains(QStringLiteral("no account"))) << unknown.err.toStdString();
    EXPECT_EQ(
        admin({QStringLiteral("user"), QStringLiteral("set-role"), kId, QStringLiteral("root")}).exitCode, 2);
    EXPECT_EQ(admin({QStringLiteral("user"), QStringLiteral("unlock")}).exitCode, 2);
    EXPECT_EQ(admin({QStringLiteral("user"), QStringLiteral("frobnicate")}).exitCode, 2);
}

TEST_F(AdminAccountsCli, ResetPasswordNeedsTheIdentityRecordFromStdinAndAuditsIt)
{
    addTanaka();
    const QStringList reset = {QStringLiteral("user"), QStringLiteral("reset-password"), kId};
    Result result = admin(reset, {kNewPassword, kNewPassword, QStringLiteral("checked")});
    EXPECT_EQ(result.exitCode, 1);
    EXPECT_TRUE(result.err.contains(QStringLiteral("identity"))) << result.err.toStdString();
    result = admin(reset, {kNewPassword, kNewPassword});
    EXPECT_EQ(result.exitCode, 1);
    EXPECT_TRUE(result.err.contains(QStringLiteral("identity"))) << result.err.toStdString();
    {
        Opened opened = open();
        EXPECT_TRUE(opened.store->checkPassword(kId, kPassword)) << "refused resets change nothing";
    }
    EXPECT_TRUE(auditRecords(QStringLiteral("PasswordReset")).isEmpty());

    result = admin(reset, {kNewPassword, kNewPassword, kRecord});
    ASSERT_EQ(result.exitCode, 0) << result.err.toStdString();
    {
        Opened opened = open();
        EXPECT_FALSE(opened.store->checkPassword(kId, kPassword));
        auto checked = opened.store->checkPassword(kId, kNewPassword);
        ASSERT_TRUE(checked);
        EXPECT_EQ(checked->changeRequired, AccountStore::ChangeReason::Initial);
    }
    const auto records = auditRecords(QStringLiteral("PasswordReset"));
    ASSERT_EQ(records.size(), 1);
    EXPECT_EQ(records.first().userId, osUser());
    EXPECT_TRUE(records.first().details.contains(kRecord));
    EXPECT_FALSE(records.first().details.contains(kNewPassword));
    EXPECT_EQ(admin({QStringLiteral("user"), QStringLiteral("reset-password"), QStringLiteral("ghost.x")},
                    {kNewPassword, kNewPassword, kRecord})
                  .exitCode,
              1);
}

TEST_F(AdminAccountsCli, ResetPasswordKeepsTheUsersDataForTheCardToReopen)
{
    addTanaka();
    const QByteArray pem = testing::makeCertificatePem(m_home.path(), QStringLiteral("Tanaka RSA"), true);
    ASSERT_FALSE(pem.isEmpty());
    QByteArray keyBytes;
    {
        // The person signed in once: the data key is wrapped under the password and the card.
        Opened opened = open();
        UserKeyring keyring(*opened.vault, Argon2Params{1, 256, 1});
        ASSERT_TRUE(keyring.create(kId, kPassword.toUtf8()));
        auto key = keyring.unwrapWithPassword(kId, kPassword.toUtf8());
        ASSERT_TRUE(key);
        ASSERT_TRUE(keyring.setCardWrap(kId, *key, testing::pemToDer(pem)));
    }
    const Result result = admin({QStringLiteral("user"), QStringLiteral("reset-password"), kId},
                                {kNewPassword, kNewPassword, kRecord});
    ASSERT_EQ(result.exitCode, 0) << result.err.toStdString();
    EXPECT_TRUE(result.out.contains(QStringLiteral("card"))) << result.out.toStdString();
    Opened opened = open();
    UserKeyring keyring(*opened.vault);
    EXPECT_FALSE(keyring.hasPasswordWrap(kId)) << "the old password's wrap is gone";
    EXPECT_TRUE(keyring.hasCardWrap(kId)) << "the card still opens the data key";
    EXPECT_TRUE(auditRecords(QStringLiteral("UserDataKeyDeleted")).isEmpty());
}

TEST_F(AdminAccountsCli, ResetPasswordNeverSilentlyLosesTheUsersEncryptedData)
{
    addTanaka();
    {
        // The person has signed in once: their data key exists, wrapped under their password only (no card
        // wrap, e.g. a card whose key cannot decrypt).
        Opened opened = open();
        UserKeyring keyring(*opened.vault, Argon2Params{1, 256, 1});
        ASSERT_TRUE(keyring.create(kId, kPassword.toUtf8()));
    }
    const QStringList reset = {QStringLiteral("user"), QStringLiteral("reset-password"), kId};
    Result result = admin(reset, {kNewPassword, kNewPassword, kRecord});
    EXPECT_EQ(result.exitCode, 1);
    EXPECT_TRUE(result.err.contains(QStringLiteral("--accept-data-loss"))) << result.err.toStdString();
    {
        Opened opened = open();
        EXPECT_TRUE(opened.store->checkPassword(kId, kPassword)) << "nothing changed";
        UserKeyring keyring(*opened.vault);
        EXPECT_TRUE(keyring.hasPasswordWrap(kId));
    }
    result = admin(reset + QStringList{QStringLiteral("--accept-data-loss")},
                   {kNewPassword, kNewPassword, kRecord});
    ASSERT_EQ(result.exitCode, 0) << result.err.toStdString();
    {
        Opened opened = open();
        EXPECT_TRUE(opened.store->checkPassword(kId, kNewPassword));
        UserKeyring keyring(*opened.vault);
        EXPECT_FALSE(keyring.hasPasswordWrap(kId));
    }
    EXPECT_EQ(auditRecords(QStringLiteral("UserDataKeyDeleted")).size(), 1);
}

TEST_F(AdminAccountsCli, BindCardAcceptsPemAndDerAndRefusesNonCertificates)
{
    addTanaka();
    const QByteArray pem = testing::makeCertificatePem(m_home.path(), QStringLiteral("Tanaka Hanako"));
    ASSERT_FALSE(pem.isEmpty());
    const QString pemPath = m_home.filePath(QStringLiteral("Tanaka Hanako.pem"));
    const QString derPath = m_home.filePath(QStringLiteral("tanaka.der"));
    QFile der(derPath);
    ASSERT_TRUE(der.open(QIODevice::WriteOnly));
    der.write(testing::pemToDer(pem));
    der.close();

    Result result =
        admin({QStringLiteral("user"), QStringLiteral("bind-card"), kId, QStringLiteral("--cert"), pemPath});
    ASSERT_EQ(result.exitCode, 0) << result.err.toStdString();
    EXPECT_TRUE(result.out.contains(QStringLiteral("CN=Tanaka Hanako"))) << result.out.toStdString();
    EXPECT_TRUE(result.out.contains(QStringLiteral("sha256: ")));
    result =
        admin({QStringLiteral("user"), QStringLiteral("bind-card"), kId, QStringLiteral("--cert"), derPath});
    ASSERT_EQ(result.exitCode, 0) << result.err.toStdString();
    Opened opened = open();
    const QString fingerprint = opened.store->get(kId)->cardFingerprint;
    EXPECT_EQ(fingerprint.size(), 64);
    EXPECT_TRUE(admin({QStringLiteral("user"), QStringLiteral("list")})
                    .out.contains(QStringLiteral("bound:") + fingerprint.left(16)));
    EXPECT_EQ(auditRecords(QStringLiteral("CardBound")).size(), 2);

    const QString key = m_home.filePath(QStringLiteral("Tanaka Hanako.key"));
    for (const QString& path : {key, m_home.filePath(QStringLiteral("missing.pem"))}) {
        result =
            admin({QStringLiteral("user"), QStringLiteral("bind-card"), kId, QStringLiteral("--cert"), path});
        EXPECT_EQ(result.exitCode, 1) << path.toStdString();
        EXPECT_TRUE(result.err.contains(path)) << result.err.toStdString();
    }
    EXPECT_EQ(admin({QStringLiteral("user"), QStringLiteral("bind-card"), kId}).exitCode, 2);
    EXPECT_EQ(open().store->get(kId)->cardFingerprint, fingerprint);
}

TEST_F(AdminAccountsCli, PolicyShowAndSetValidateAndAudit)
{
    Result show = admin({QStringLiteral("policy"), QStringLiteral("show")});
    ASSERT_EQ(show.exitCode, 0) << show.err.toStdString();
    EXPECT_EQ(show.out,
              QStringLiteral("profile=jp-mhlw-2fa\nidle-lock-minutes=10\nthrottle-from=5\nlock-at=10\n"
                             "max-delay-seconds=60\nreauthenticate-hours=12\npassword-max-age-days=60\n"));

    Result set = admin({QStringLiteral("policy"), QStringLiteral("set"), QStringLiteral("idle-lock-minutes"),
                        QStringLiteral("5")});
    ASSERT_EQ(set.exitCode, 0) << set.err.toStdString();
    EXPECT_TRUE(set.out.contains(QStringLiteral("idle-lock-minutes=5 (was 10)")));
    set = admin({QStringLiteral("policy"), QStringLiteral("set"), QStringLiteral("profile"),
                 QStringLiteral("jp-mhlw-legacy")});
    ASSERT_EQ(set.exitCode, 0) << set.err.toStdString();

    const QList<QStringList> refused = {
        {QStringLiteral("idle-lock-minutes"), QStringLiteral("61")},
        {QStringLiteral("idle-lock-minutes"), QStringLiteral("0")},
        {QStringLiteral("password-max-age-days"), QStringLiteral("90")},
        {QStringLiteral("lock-at"), QStringLiteral("3")},
        {QStringLiteral("profile"), QStringLiteral("none")},
        {QStringLiteral("max-delay-seconds"), QStringLiteral("soon")},
    };
    for (const QStringList& keyValue : refused) {
        const Result result = admin(QStringList{QStringLiteral("policy"), QStringLiteral("set")} + keyValue);
        EXPECT_EQ(result.exitCode, 1) << keyValue.join(QLatin1Char('=')).toStdString();
        EXPECT_TRUE(result.err.contains(keyValue.first()) || result.err.contains(QStringLiteral("profile")))
            << result.err.toStdString();
    }
    EXPECT_EQ(admin({QStringLiteral("policy"), QStringLiteral("set"), QStringLiteral("colour"),
                     QStringLiteral("red")})
                  .exitCode,
              2);
    EXPECT_EQ(admin({QStringLiteral("policy"), QStringLiteral("set"), QStringLiteral("lock-at")}).exitCode,
              2);
    EXPECT_EQ(admin({QStringLiteral("policy"), QStringLiteral("frobnicate")}).exitCode, 2);

    show = admin({QStringLiteral("policy"), QStringLiteral("show")});
    EXPECT_TRUE(show.out.contains(QStringLiteral("profile=jp-mhlw-legacy\nidle-lock-minutes=5\n")))
        << show.out.toStdString();
    const auto records = auditRecords(QStringLiteral("PolicyChanged"));
    ASSERT_EQ(records.size(), 2);
    EXPECT_EQ(records.at(0).userId, osUser());
    EXPECT_TRUE(records.at(0).details.contains(QStringLiteral("idle-lock-minutes: 10 -> 5")));
    EXPECT_TRUE(records.at(1).details.contains(QStringLiteral("profile: jp-mhlw-2fa -> jp-mhlw-legacy")));
}

TEST_F(AdminAccountsCli, HelpDescribesTheCommandsAndTheGenericIdRule)
{
    const Result user = admin({QStringLiteral("user"), QStringLiteral("help")});
    EXPECT_EQ(user.exitCode, 0);
    for (const char* word : {"add", "list", "disable", "enable", "unlock", "reset-password", "set-role",
                             "bind-card", "shared or generic"}) {
        EXPECT_TRUE(user.out.contains(QString::fromLatin1(word))) << word;
    }
    const Result policy = admin({QStringLiteral("policy"), QStringLiteral("help")});
    EXPECT_EQ(policy.exitCode, 0);
    for (const QString& key : SecurityPolicy::keys()) {
        EXPECT_TRUE(policy.out.contains(key)) << key.toStdString();
    }
}

} // namespace
} // namespace dokuei::security
