// SmartCard, Pkcs11Module additions and CardPresenceMonitor on a private SoftHSM2 store (no reading
// centre): what happens without a card, with a card that holds no certificate, and when the module
// reports a card that never existed. The reading-centre suite covers real certificates and keys.
#include "dokuei/security/SmartCard.h"

#include "dokuei/security/CardPresenceMonitor.h"
#include "dokuei/security/Pkcs11Module.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimer>

#include <gtest/gtest.h>

namespace {

using dokuei::ErrorCode;
using dokuei::security::CardPresenceMonitor;
using dokuei::security::Pkcs11Module;
using dokuei::security::SmartCard;

const QString kSoftHsm = QStringLiteral("/usr/lib/softhsm/libsofthsm2.so");
const QString kPin = QStringLiteral("246810");

class SmartCardTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(m_dir.isValid());
        const QString conf = m_dir.filePath(QStringLiteral("softhsm2.conf"));
        QFile file(conf);
        ASSERT_TRUE(file.open(QIODevice::WriteOnly));
        file.write(
            QStringLiteral("directories.tokendir = %1\nobjectstore.backend = file\nlog.level = ERROR\n")
                .arg(m_dir.path())
                .toUtf8());
        file.close();
        qputenv("SOFTHSM2_CONF", QFile::encodeName(conf));
    }
    void TearDown() override { qunsetenv("SOFTHSM2_CONF"); }

    static bool initToken(const QString& label)
    {
        QProcess process;
        process.start(QStringLiteral("softhsm2-util"),
                      {QStringLiteral("--init-token"), QStringLiteral("--free"), QStringLiteral("--label"),
                       label, QStringLiteral("--so-pin"), QStringLiteral("13579135"), QStringLiteral("--pin"),
                       kPin});
        return process.waitForFinished(30000) && process.exitCode() == 0;
    }

    static std::unique_ptr<Pkcs11Module> loadModule()
    {
        auto module = Pkcs11Module::load(kSoftHsm);
        EXPECT_TRUE(module) << module.error().toString().toStdString();
        return module ? std::move(*module) : nullptr;
    }

    QTemporaryDir m_dir;
};

TEST_F(SmartCardTest, NoCardIsCardAbsentNamingTheModule)
{
    auto module = loadModule();
    ASSERT_TRUE(module);
    auto card = SmartCard::open(*module);
    ASSERT_FALSE(card);
    EXPECT_EQ(card.error().code, ErrorCode::CardAbsent);
    EXPECT_TRUE(card.error().message.contains(kSoftHsm)) << card.error().message.toStdString();
    auto tokens = module->tokens();
    ASSERT_TRUE(tokens);
    EXPECT_TRUE(tokens->isEmpty());
}

TEST_F(SmartCardTest, ChoosesThePreferredCardAmongSeveral)
{
    ASSERT_TRUE(initToken(QStringLiteral("card-one")));
    ASSERT_TRUE(initToken(QStringLiteral("card-two")));
    auto module = loadModule();
    ASSERT_TRUE(module);
    auto tokens = module->tokens();
    ASSERT_TRUE(tokens);
    ASSERT_EQ(tokens->size(), 2);

    auto byLabel = SmartCard::open(*module, QStringLiteral("card-two"));
    ASSERT_TRUE(byLabel) << byLabel.error().toString().toStdString();
    EXPECT_EQ((*byLabel)->info().tokenLabel, QStringLiteral("card-two"));
    const QString serialTwo = (*byLabel)->info().serialNumber;

    auto bySerial = SmartCard::open(*module, serialTwo);
    ASSERT_TRUE(bySerial);
    EXPECT_EQ((*bySerial)->info().tokenLabel, QStringLiteral("card-two"));

    auto fallback = SmartCard::open(*module, QStringLiteral("no-such-card"));
    ASSERT_TRUE(fallback);
    EXPECT_EQ((*fallback)->info().serialNumber, tokens->front().serialNumber);

    auto present = module->tokenPresent(serialTwo);
    ASSERT_TRUE(present);
    EXPECT_TRUE(*present);
    present = module->tokenPresent(QStringLiteral("0000000000000000"));
    ASSERT_TRUE(present);
    EXPECT_FALSE(*present);
}

TEST_F(SmartCardTest, CardWithoutCertificatesAndPinErrors)
{
    ASSERT_TRUE(initToken(QStringLiteral("blank-card")));
    auto module = loadModule();
    ASSERT_TRUE(module);
    auto card = SmartCard::open(*module);
    ASSERT_TRUE(card) << card.error().toString().toStdString();
    EXPECT_EQ((*card)->info().manufacturer, QStringLiteral("SoftHSM project"));
    EXPECT_TRUE((*card)->present());

    auto auth = (*card)->authenticationCertificateDer();
    ASSERT_FALSE(auth);
    EXPECT_EQ(auth.error().code, ErrorCode::CertificateInvalid);
    EXPECT_TRUE(auth.error().message.contains(QStringLiteral("blank-card")));
    auto sign = (*card)->signingCertificateDer();
    ASSERT_FALSE(sign);
    EXPECT_EQ(sign.error().code, ErrorCode::CertificateInvalid);

    auto empty = (*card)->login(QString());
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error().code, ErrorCode::CardPinMissing);
    auto wrong = (*card)->login(QStringLiteral("999999"));
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().code, ErrorCode::CardPinIncorrect);
    auto tooLong = (*card)->login(QString(300, QLatin1Char('7')));
    ASSERT_FALSE(tooLong);
    EXPECT_EQ(tooLong.error().code, ErrorCode::CardPinIncorrect);
    ASSERT_TRUE((*card)->login(kPin));
    EXPECT_TRUE((*card)->loggedIn());
    // Logging in again re-checks the PIN (the token is logged out first).
    auto again = (*card)->login(QStringLiteral("111111"));
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, ErrorCode::CardPinIncorrect);
    ASSERT_TRUE((*card)->login(kPin));
    // No key: signing names the missing certificate rather than crashing.
    auto signature = (*card)->signWithAuthenticationKey(QByteArray("x"));
    ASSERT_FALSE(signature);
    EXPECT_EQ(signature.error().code, ErrorCode::CertificateInvalid);
}

TEST_F(SmartCardTest, MonitorReportsACardThatIsNotThereAtTheFirstPoll)
{
    auto module = loadModule();
    ASSERT_TRUE(module);
    CardPresenceMonitor monitor(*module, QStringLiteral("0123456789abcdef"));
    bool removed = false;
    QEventLoop loop;
    QObject::connect(&monitor, &CardPresenceMonitor::cardRemoved, &loop, [&] {
        removed = true;
        loop.quit();
    });
    monitor.start(std::chrono::milliseconds(50));
    EXPECT_TRUE(monitor.isActive());
    QTimer::singleShot(2000, &loop, &QEventLoop::quit);
    loop.exec();
    EXPECT_TRUE(removed);
    EXPECT_FALSE(monitor.isActive());
}

TEST_F(SmartCardTest, MonitorStaysQuietWhileTheCardIsPresentAndStops)
{
    ASSERT_TRUE(initToken(QStringLiteral("staying-card")));
    auto module = loadModule();
    ASSERT_TRUE(module);
    auto tokens = module->tokens();
    ASSERT_TRUE(tokens);
    ASSERT_EQ(tokens->size(), 1);
    CardPresenceMonitor monitor(*module, tokens->front().serialNumber);
    EXPECT_EQ(monitor.serial(), tokens->front().serialNumber);
    bool removed = false;
    QObject::connect(&monitor, &CardPresenceMonitor::cardRemoved, [&] { removed = true; });
    monitor.start(std::chrono::milliseconds(20));
    QEventLoop loop;
    QTimer::singleShot(300, &loop, &QEventLoop::quit);
    loop.exec();
    EXPECT_FALSE(removed);
    monitor.stop();
    EXPECT_FALSE(monitor.isActive());
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
