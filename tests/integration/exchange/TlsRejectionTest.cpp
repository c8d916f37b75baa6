// TLS rejection: `openssl s_server` instances started by the test on free loopback ports present bad
// certificates or weak protocol settings; each must be refused with its own failure before any HTTP
// request (URL, headers, body) reaches the server. The test PKI is generated here with the openssl CLI.
#include "Subprocess.h"

#include <dokuei/exchange/DicomWebClient.h>
#include <dokuei/security/AuditRecord.h>
#include <dokuei/security/IAuditSink.h>
#include <memory>

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QThread>

#include <gtest/gtest.h>

namespace dokuei::integration {
namespace {

using namespace dokuei::exchange;

bool run(const QStringList& args, const QString& cwd, QString* error)
{
    QProcess p;
    p.setWorkingDirectory(cwd);
    p.start(QStringLiteral("openssl"), args);
    if (!p.waitForFinished(60000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        *error = QStringLiteral("openssl %1: %2")
                     .arg(args.join(QLatin1Char(' ')), QString::fromLocal8Bit(p.readAllStandardError()));
        return false;
    }
    return true;
}

void writeFile(const QString& path, const QByteArray& data)
{
    QFile f(path);
    if (f.open(QIODevice::WriteOnly))
        f.write(data);
}

struct RecordingSink : security::IAuditSink
{
    QList<security::AuditRecord> records;
    Expected<qint64> record(security::AuditRecord r) override
    {
        records.append(std::move(r));
        return records.size();
    }
};

class TlsRejectionTest : public ::testing::Test
{
protected:
    static void SetUpTestSuite()
    {
        s_dir = std::make_unique<QTemporaryDir>();
        s_error = makePki();
    }
    static void TearDownTestSuite() { s_dir.reset(); }

    void SetUp() override { ASSERT_TRUE(s_error.isEmpty()) << s_error.toStdString(); }

    static QString path(const QString& name) { return s_dir->filePath(name); }

    static QString makeCa(const QString& name)
    {
        QString error;
        const QString d = path(name);
        QDir().mkpath(d + QStringLiteral("/newcerts"));
        writeFile(d + QStringLiteral("/index.txt"), {});
        writeFile(d + QStringLiteral("/serial"), "1000\n");
        writeFile(d + QStringLiteral("/crlnumber"), "1000\n");
        writeFile(d + QStringLiteral("/ca.cnf"),
                  QStringLiteral("[ca]\ndefault_ca = d\n[d]\ndir = %1\n"
                                 "database = $dir/index.txt\nnew_certs_dir = $dir/newcerts\n"
                                 "serial = $dir/serial\ncrlnumber = $dir/crlnumber\n"
                                 "default_md = sha256\npolicy = p\ndefault_days = 30\n"
                                 "default_crl_days = 30\nunique_subject = no\n"
                                 "[p]\ncommonName = supplied\n")
                      .arg(d)
                      .toUtf8());
        if (!run({QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                  QStringLiteral("ec"), QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:P-256"),
                  QStringLiteral("-nodes"), QStringLiteral("-keyout"), d + QStringLiteral("/ca.key"),
                  QStringLiteral("-out"), d + QStringLiteral("/ca.pem"), QStringLiteral("-subj"),
                  QStringLiteral("/CN=%1").arg(name), QStringLiteral("-days"), QStringLiteral("2"),
                  QStringLiteral("-addext"), QStringLiteral("basicConstraints=critical,CA:TRUE"),
                  QStringLiteral("-addext"), QStringLiteral("keyUsage=critical,keyCertSign,cRLSign")},
                 d, &error))
            return error;
        return {};
    }

    // An RSA server certificate (RSA so that static-RSA suites are possible) issued by `ca`.
    static QString makeLeaf(const QString& ca, const QString& name, const QString& san,
                            const QString& start = {}, const QString& end = {})
    {
        QString error;
        const QString d = path(ca);
        writeFile(path(name + QStringLiteral(".ext")),
                  QStringLiteral("subjectAltName = %1\nbasicConstraints = CA:FALSE\nkeyUsage = "
                                 "digitalSignature, keyEncipherment\n"
                                 "extendedKeyUsage = serverAuth\n")
                      .arg(san)
                      .toUtf8());
        if (!run({QStringLiteral("req"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"),
                  QStringLiteral("-nodes"), QStringLiteral("-keyout"), path(name + QStringLiteral(".key")),
                  QStringLiteral("-out"), path(name + QStringLiteral(".csr")), QStringLiteral("-subj"),
                  QStringLiteral("/CN=%1").arg(name)},
                 d, &error))
            return error;
        QStringList args{QStringLiteral("ca"),       QStringLiteral("-batch"),
                         QStringLiteral("-config"),  d + QStringLiteral("/ca.cnf"),
                         QStringLiteral("-keyfile"), d + QStringLiteral("/ca.key"),
                         QStringLiteral("-cert"),    d + QStringLiteral("/ca.pem"),
                         QStringLiteral("-in"),      path(name + QStringLiteral(".csr")),
                         QStringLiteral("-out"),     path(name + QStringLiteral(".pem")),
                         QStringLiteral("-extfile"), path(name + QStringLiteral(".ext")),
                         QStringLiteral("-notext")};
        if (!start.isEmpty())
            args << QStringLiteral("-startdate") << start << QStringLiteral("-enddate") << end;
        if (!run(args, d, &error))
            return error;
        return {};
    }

    static QString makePki()
    {
        QString e;
        const QString local = QStringLiteral("DNS:localhost,IP:127.0.0.1");
        if (!(e = makeCa(QStringLiteral("testca"))).isEmpty() ||
            !(e = makeCa(QStringLiteral("rogueca"))).isEmpty() ||
            !(e = makeLeaf(QStringLiteral("testca"), QStringLiteral("good"), local)).isEmpty() ||
            !(e = makeLeaf(QStringLiteral("rogueca"), QStringLiteral("untrusted"), local)).isEmpty() ||
            !(e = makeLeaf(QStringLiteral("testca"), QStringLiteral("expired"), local,
                           QStringLiteral("20200101000000Z"), QStringLiteral("20210101000000Z")))
                 .isEmpty() ||
            !(e = makeLeaf(QStringLiteral("testca"), QStringLiteral("revoked"), local)).isEmpty() ||
            !(e = makeLeaf(QStringLiteral("testca"), QStringLiteral("otherhost"),
                           QStringLiteral("DNS:other.example")))
                 .isEmpty() ||
            !(e = makeLeaf(QStringLiteral("testca"), QStringLiteral("clientcardmarker"),
                           QStringLiteral("DNS:client.example")))
                 .isEmpty())
            return e;
        const QString d = path(QStringLiteral("testca"));
        const QStringList base{QStringLiteral("-config"),  d + QStringLiteral("/ca.cnf"),
                               QStringLiteral("-keyfile"), d + QStringLiteral("/ca.key"),
                               QStringLiteral("-cert"),    d + QStringLiteral("/ca.pem")};
        if (!run(QStringList{QStringLiteral("ca")} + base +
                     QStringList{QStringLiteral("-revoke"), path(QStringLiteral("revoked.pem"))},
                 d, &e) ||
            !run(QStringList{QStringLiteral("ca")} + base +
                     QStringList{QStringLiteral("-gencrl"), QStringLiteral("-out"),
                                 path(QStringLiteral("crl.pem"))},
                 d, &e))
            return e;
        return {};
    }

    struct Server
    {
        std::unique_ptr<QProcess> process;
        int port = 0;
        QByteArray output;
    };

    static int freePort()
    {
        QTcpServer s;
        s.listen(QHostAddress::LocalHost, 0);
        return s.serverPort();
    }

    static Server startServer(const QString& cert, const QStringList& extra)
    {
        Server server;
        server.port = freePort();
        server.process = std::make_unique<QProcess>();
        server.process->setProcessChannelMode(QProcess::MergedChannels);
        server.process->start(QStringLiteral("openssl"),
                              QStringList{QStringLiteral("s_server"), QStringLiteral("-accept"),
                                          QStringLiteral("127.0.0.1:%1").arg(server.port),
                                          QStringLiteral("-cert"), path(cert + QStringLiteral(".pem")),
                                          QStringLiteral("-key"), path(cert + QStringLiteral(".key")),
                                          QStringLiteral("-ign_eof")} +
                                  extra);
        // wait until it listens
        for (int i = 0; i < 100; ++i) {
            server.process->waitForReadyRead(100);
            server.output += server.process->readAll();
            if (server.output.contains("ACCEPT"))
                break;
        }
        return server;
    }

    static QByteArray stop(Server& server)
    {
        server.process->waitForReadyRead(200);
        server.output += server.process->readAll();
        server.process->kill();
        server.process->waitForFinished(5000);
        server.output += server.process->readAll();
        return server.output;
    }

    static DicomWebError attempt(Server& server, bool withCrl, QByteArray* serverOutput,
                                 RecordingSink* sink = nullptr, bool withClientCertificate = false)
    {
        auto policy = TlsPolicy::load({path(QStringLiteral("testca/ca.pem")),
                                       withCrl ? path(QStringLiteral("crl.pem")) : QString(),
                                       {}});
        EXPECT_TRUE(policy) << policy.error().message.toStdString();
        DicomWebClientSettings settings;
        settings.baseUrl = QUrl(QStringLiteral("https://127.0.0.1:%1/dicom-web").arg(server.port));
        settings.timeout = std::chrono::seconds(5);
        settings.audit = sink;
        settings.userId = QStringLiteral("dr.test");
        DicomWebClient client(*policy, settings);
        if (withClientCertificate) {
            QFile keyFile(path(QStringLiteral("clientcardmarker.key")));
            EXPECT_TRUE(keyFile.open(QIODevice::ReadOnly));
            const QSslKey key(keyFile.readAll(), QSsl::Rsa);
            EXPECT_FALSE(key.isNull());
            client.setClientCredentials(
                {key, QSslCertificate::fromPath(path(QStringLiteral("clientcardmarker.pem"))).value(0)});
        }
        QUrlQuery query;
        query.addQueryItem(QStringLiteral("PatientName"), QStringLiteral("PHI-MARKER"));
        auto result = client.searchStudiesSync(query);
        *serverOutput = stop(server);
        EXPECT_FALSE(result);
        return result ? DicomWebError{} : result.error();
    }

    /// Refused with `expected`, one SecurityAlert, a message naming the reason (`fragment`), and nothing of
    /// the request (nor of the diagnostic probe) reaching the server.
    static void expectRefused(const QString& cert, const QStringList& extra, bool withCrl,
                              DicomWebFailure expected, const QString& fragment)
    {
        Server server = startServer(cert, extra);
        ASSERT_TRUE(server.output.contains("ACCEPT")) << server.output.toStdString();
        QByteArray out;
        RecordingSink sink;
        const DicomWebError error = attempt(server, withCrl, &out, &sink);
        ASSERT_EQ(sink.records.size(), 1) << "one SecurityAlert per refusal";
        EXPECT_EQ(sink.records[0].event, security::AuditEventId::SecurityAlert);
        EXPECT_EQ(sink.records[0].userId, QStringLiteral("dr.test"));
        EXPECT_TRUE(sink.records[0].details.contains(DicomWebError::failureName(expected)));
        EXPECT_EQ(error.failure, expected)
            << DicomWebError::failureName(error.failure).toStdString() << ": " << error.message.toStdString();
        EXPECT_TRUE(error.message.contains(fragment))
            << "expected \"" << fragment.toStdString() << "\" in: " << error.message.toStdString();
        std::cout << DicomWebError::failureName(error.failure).toStdString() << ": "
                  << error.message.toStdString() << "\n";
        EXPECT_FALSE(out.contains("GET ")) << "the request reached the server:\n" << out.toStdString();
        EXPECT_FALSE(out.contains("PHI-MARKER")) << out.toStdString();
        EXPECT_FALSE(out.contains("dicom-web")) << out.toStdString();
    }

    static inline std::unique_ptr<QTemporaryDir> s_dir;
    static inline QString s_error;
};

TEST_F(TlsRejectionTest, ControlAGoodServerIsReached)
{
    // The same client, PKI and detection reach a good server (which echoes but never answers): the
    // refusals below are for the stated reasons, and a request that gets through is seen.
    Server server = startServer(QStringLiteral("good"), {});
    ASSERT_TRUE(server.output.contains("ACCEPT")) << server.output.toStdString();
    QByteArray out;
    const DicomWebError error = attempt(server, true, &out);
    EXPECT_EQ(error.failure, DicomWebFailure::Timeout) << error.message.toStdString();
    EXPECT_TRUE(out.contains("GET /dicom-web/studies")) << out.toStdString();
}

TEST_F(TlsRejectionTest, UntrustedCaIsRefused)
{
    expectRefused(QStringLiteral("untrusted"), {}, false, DicomWebFailure::ServerCertificateUntrusted,
                  QStringLiteral("not issued by a trusted CA"));
}

TEST_F(TlsRejectionTest, ExpiredCertificateIsRefused)
{
    expectRefused(QStringLiteral("expired"), {}, false, DicomWebFailure::ServerCertificateExpired,
                  QStringLiteral("has expired"));
}

TEST_F(TlsRejectionTest, RevokedCertificateIsRefused)
{
    expectRefused(QStringLiteral("revoked"), {}, true, DicomWebFailure::ServerCertificateRevoked,
                  QStringLiteral("is revoked"));
}

TEST_F(TlsRejectionTest, CertificateForAnotherHostIsRefused)
{
    expectRefused(QStringLiteral("otherhost"), {}, false, DicomWebFailure::ServerCertificateWrongHost,
                  QStringLiteral("issued for another host"));
}

TEST_F(TlsRejectionTest, Tls11OnlyIsRefused)
{
    expectRefused(
        QStringLiteral("good"),
        {QStringLiteral("-tls1_1"), QStringLiteral("-cipher"), QStringLiteral("DEFAULT@SECLEVEL=0")}, false,
        DicomWebFailure::TlsVersionRefused, QStringLiteral("only speaks TLS 1.1 or older: it chose TLSv1.1"));
}

TEST_F(TlsRejectionTest, CbcOnlyCiphersAreRefused)
{
    expectRefused(QStringLiteral("good"),
                  {QStringLiteral("-no_tls1_3"), QStringLiteral("-cipher"),
                   QStringLiteral("ECDHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA384:ECDHE-RSA-AES128-SHA")},
                  false, DicomWebFailure::TlsCbcOnly, QStringLiteral("only offers CBC cipher suites"));
}

TEST_F(TlsRejectionTest, RsaKeyExchangeOnlyCiphersAreRefused)
{
    expectRefused(QStringLiteral("good"),
                  {QStringLiteral("-no_tls1_3"), QStringLiteral("-cipher"),
                   QStringLiteral("AES128-GCM-SHA256:AES256-GCM-SHA384")},
                  false, DicomWebFailure::TlsNoForwardSecrecy,
                  QStringLiteral("only offers RSA key exchange, without forward secrecy"));
}

TEST_F(TlsRejectionTest, DiagnosticProbePresentsNoClientCertificate)
{
    // A CBC-only server that asks for a client certificate, and a client that has one: the real handshake
    // fails at the ServerHello (before any certificate is sent), the probe completes its handshake with an
    // empty Certificate message. The server must never see the client certificate.
    Server server = startServer(QStringLiteral("good"),
                                {QStringLiteral("-verify"), QStringLiteral("1"), QStringLiteral("-no_tls1_3"),
                                 QStringLiteral("-cipher"), QStringLiteral("ECDHE-RSA-AES128-SHA256")});
    ASSERT_TRUE(server.output.contains("ACCEPT")) << server.output.toStdString();
    QByteArray out;
    RecordingSink sink;
    const DicomWebError error = attempt(server, false, &out, &sink, true);
    EXPECT_EQ(error.failure, DicomWebFailure::TlsCbcOnly) << error.message.toStdString();
    EXPECT_EQ(sink.records.size(), 1);
    EXPECT_TRUE(out.contains("CIPHER is ECDHE-RSA-AES128-SHA256")) << "the probe completed its handshake:\n"
                                                                   << out.toStdString();
    EXPECT_FALSE(out.contains("clientcardmarker")) << out.toStdString();
    EXPECT_FALSE(out.contains("GET ")) << out.toStdString();
    EXPECT_FALSE(out.contains("PHI-MARKER")) << out.toStdString();
}

TEST_F(TlsRejectionTest, Tls13ChaCha20OnlyIsRefused)
{
    // TLS 1.3 suites are restricted too (AES-GCM only).
    expectRefused(QStringLiteral("good"),
                  {QStringLiteral("-tls1_3"), QStringLiteral("-ciphersuites"),
                   QStringLiteral("TLS_CHACHA20_POLY1305_SHA256")},
                  false, DicomWebFailure::TlsCipherRefused,
                  QStringLiteral("it chose TLSv1.3 with TLS_CHACHA20_POLY1305_SHA256"));
}

TEST_F(TlsRejectionTest, UnreachableServerHasItsOwnMessage)
{
    auto policy = TlsPolicy::load({path(QStringLiteral("testca/ca.pem")), {}, {}});
    ASSERT_TRUE(policy);
    DicomWebClientSettings settings;
    settings.baseUrl = QUrl(QStringLiteral("https://127.0.0.1:%1/dicom-web").arg(freePort()));
    DicomWebClient client(*policy, settings);
    auto result = client.searchStudiesSync();
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().failure, DicomWebFailure::Unreachable) << result.error().message.toStdString();
}

} // namespace
} // namespace dokuei::integration
