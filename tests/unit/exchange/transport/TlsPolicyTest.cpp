#include <dokuei/exchange/TlsPolicy.h>

#include <QFile>
#include <QProcess>
#include <QSslCipher>
#include <QSslConfiguration>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace dokuei;
using namespace dokuei::exchange;

namespace {

// A throwaway CA made with the openssl CLI (no keys in the repository).
QString makeCa(const QTemporaryDir& dir)
{
    const QString cert = dir.filePath(QStringLiteral("ca.pem"));
    QProcess p;
    p.start(QStringLiteral("openssl"),
            {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"),
             QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:P-256"), QStringLiteral("-nodes"),
             QStringLiteral("-keyout"), dir.filePath(QStringLiteral("ca.key")), QStringLiteral("-out"), cert,
             QStringLiteral("-subj"), QStringLiteral("/CN=unit test CA"), QStringLiteral("-days"),
             QStringLiteral("2")});
    p.waitForFinished(30000);
    return cert;
}

} // namespace

TEST(TlsPolicy, AllowsOnlyEcdheAesGcmAndTls13AesGcm)
{
    const QList<QSslCipher> ciphers = TlsPolicy::allowedCiphers();
    ASSERT_FALSE(ciphers.isEmpty());
    bool tls13 = false, tls12 = false;
    for (const QSslCipher& c : ciphers) {
        const QString n = c.name();
        SCOPED_TRACE(n.toStdString());
        EXPECT_FALSE(n.contains(QLatin1String("CBC")));
        EXPECT_FALSE(n.contains(QLatin1String("CHACHA")));
        EXPECT_FALSE(n.endsWith(QLatin1String("-SHA"))); // CBC suites in OpenSSL naming
        EXPECT_TRUE(n.contains(QLatin1String("GCM")));
        if (n.startsWith(QLatin1String("TLS_"))) {
            tls13 = true;
            EXPECT_TRUE(n == QLatin1String("TLS_AES_128_GCM_SHA256") ||
                        n == QLatin1String("TLS_AES_256_GCM_SHA384"));
        } else {
            tls12 = true;
            EXPECT_TRUE(n.startsWith(QLatin1String("ECDHE-")));
            EXPECT_EQ(c.keyExchangeMethod(), QStringLiteral("ECDH"));
        }
    }
    EXPECT_TRUE(tls12);
    EXPECT_TRUE(tls13);
}

TEST(TlsPolicy, RejectsWeakSuitesByName)
{
    for (const QSslCipher& c : QSslConfiguration::supportedCiphers()) {
        const QString n = c.name();
        const bool weak = n.contains(QLatin1String("CBC")) || n.contains(QLatin1String("CHACHA")) ||
                          n.startsWith(QLatin1String("AES")) || n.startsWith(QLatin1String("DHE-")) ||
                          !n.contains(QLatin1String("GCM"));
        if (weak) {
            EXPECT_FALSE(TlsPolicy::isCipherAllowed(c)) << n.toStdString();
        }
    }
}

TEST(TlsPolicy, ConfigurationUsesOnlyTheConfiguredCa)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const QString ca = makeCa(dir);
    auto policy = TlsPolicy::load({ca, {}, {}});
    ASSERT_TRUE(policy) << policy.error().message.toStdString();
    const QSslConfiguration config = policy->configuration();
    EXPECT_EQ(config.protocol(), QSsl::TlsV1_2OrLater);
    ASSERT_EQ(config.caCertificates().size(), 1);
    EXPECT_EQ(config.caCertificates().first().subjectInfo(QSslCertificate::CommonName).value(0),
              QStringLiteral("unit test CA"));
    EXPECT_EQ(config.peerVerifyMode(), QSslSocket::VerifyPeer);
    EXPECT_EQ(config.ciphers(), TlsPolicy::allowedCiphers());
    EXPECT_FALSE(config.testSslOption(QSsl::SslOptionDisableSessionTickets));
}

TEST(TlsPolicy, MissingOrEmptyFilesAreConfigurationErrors)
{
    QTemporaryDir dir;
    auto missing = TlsPolicy::load({dir.filePath(QStringLiteral("nope.pem")), {}, {}});
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, ErrorCode::ConfigurationInvalid);
    EXPECT_TRUE(missing.error().message.contains(QStringLiteral("nope.pem")));

    QFile empty(dir.filePath(QStringLiteral("empty.pem")));
    ASSERT_TRUE(empty.open(QIODevice::WriteOnly));
    empty.close();
    auto none = TlsPolicy::load({empty.fileName(), {}, {}});
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().code, ErrorCode::ConfigurationInvalid);

    const QString ca = makeCa(dir);
    auto badCrl = TlsPolicy::load({ca, ca, {}});
    ASSERT_FALSE(badCrl);
    EXPECT_TRUE(badCrl.error().message.contains(QStringLiteral("CRL")));

    auto badPin = TlsPolicy::load({ca, {}, QByteArray("abc")});
    ASSERT_FALSE(badPin);
    EXPECT_EQ(badPin.error().code, ErrorCode::InvalidArgument);
}

TEST(TlsPolicy, PinMismatchIsRefused)
{
    QTemporaryDir dir;
    const QString ca = makeCa(dir);
    const QSslCertificate cert = QSslCertificate::fromPath(ca).value(0);
    const QByteArray spki = TlsPolicy::spkiSha256(cert);
    ASSERT_EQ(spki.size(), 32);
    auto pinned = TlsPolicy::load({ca, {}, spki.toHex()});
    ASSERT_TRUE(pinned);
    EXPECT_TRUE(pinned->checkPeer({cert}).ok());
    auto other = TlsPolicy::load({ca, {}, QByteArray(32, 'x')});
    ASSERT_TRUE(other);
    EXPECT_EQ(other->checkPeer({cert}).failure, PeerCheckFailure::PinMismatch);
}
