#include <dokuei/exchange/DicomWebError.h>
#include <dokuei/exchange/TlsProbe.h>
#include <dokuei/security/AuditRecord.h>
#include <dokuei/security/IAuditSink.h>

#include <QSet>

#include <gtest/gtest.h>

using namespace dokuei;
using namespace dokuei::exchange;

namespace {
struct RecordingSink : security::IAuditSink
{
    QList<security::AuditRecord> records;
    Expected<qint64> record(security::AuditRecord r) override
    {
        records.append(r);
        return records.size();
    }
};
} // namespace

TEST(DicomWebError, EachFailureHasItsOwnMessage)
{
    QSet<QString> messages;
    for (int f = int(DicomWebFailure::Unreachable); f <= int(DicomWebFailure::Cancelled); ++f) {
        const DicomWebError e = DicomWebError::make(DicomWebFailure(f), {}, 500);
        EXPECT_FALSE(e.message.isEmpty());
        EXPECT_FALSE(DicomWebError::failureName(DicomWebFailure(f)).isEmpty());
        messages.insert(e.message);
    }
    EXPECT_EQ(messages.size(), int(DicomWebFailure::Cancelled));
}

TEST(DicomWebError, CodesMatchTheKind)
{
    EXPECT_EQ(DicomWebError::make(DicomWebFailure::ServerCertificateRevoked).code(),
              ErrorCode::CertificateRevoked);
    EXPECT_EQ(DicomWebError::make(DicomWebFailure::ServerCertificateExpired).code(),
              ErrorCode::CertificateExpired);
    EXPECT_EQ(DicomWebError::make(DicomWebFailure::ServerCertificateUntrusted).code(),
              ErrorCode::CertificateUntrusted);
    EXPECT_EQ(DicomWebError::make(DicomWebFailure::ClientCertificateRequired).code(), ErrorCode::CardAbsent);
    EXPECT_EQ(DicomWebError::make(DicomWebFailure::NotFound).code(), ErrorCode::NotFound);
    EXPECT_EQ(DicomWebError::make(DicomWebFailure::Unreachable).code(), ErrorCode::IoFailure);
}

TEST(DicomWebError, SecurityFailuresAreAudited)
{
    RecordingSink sink;
    DicomWebError::make(DicomWebFailure::ServerCertificateRevoked, QStringLiteral("CN=x"))
        .audit(&sink, QStringLiteral("rc"), QStringLiteral("dr.sato"));
    DicomWebError::make(DicomWebFailure::NotFound).audit(&sink, QStringLiteral("rc"));
    DicomWebError::make(DicomWebFailure::Unreachable).audit(&sink, QStringLiteral("rc"));
    ASSERT_EQ(sink.records.size(), 1);
    EXPECT_EQ(sink.records[0].event, security::AuditEventId::SecurityAlert);
    EXPECT_EQ(sink.records[0].userId, QStringLiteral("dr.sato"));
    EXPECT_TRUE(sink.records[0].details.contains(QStringLiteral("ServerCertificateRevoked")));
    DicomWebError::make(DicomWebFailure::ServerCertificateRevoked)
        .audit(nullptr, QStringLiteral("rc")); // no sink: no-op
}

namespace {
TlsProbeResult chose(int version, const char* versionName, const char* cipher, const char* standard,
                     bool forwardSecret, bool aead, bool cbc, bool chacha20 = false)
{
    TlsProbeResult r;
    r.serverHelloSeen = true;
    r.version = version;
    r.versionName = QString::fromLatin1(versionName);
    r.cipherName = QString::fromLatin1(cipher);
    r.cipherStandardName = QString::fromLatin1(standard);
    r.forwardSecret = forwardSecret;
    r.aead = aead;
    r.cbc = cbc;
    r.chacha20 = chacha20;
    return r;
}
const QString kAlert = QStringLiteral("Error during SSL handshake: error:0A000410:SSL routines::sslv3 alert "
                                      "handshake failure");
} // namespace

TEST(DicomWebError, ProbeTellsCbcFromRsaKeyExchangeFromOldTls)
{
    // The backend says "handshake failure" for all of them; what the server chose in the probe tells why.
    const TlsProbeResult cbcOnly = chose(0x0303, "TLSv1.2", "ECDHE-RSA-AES256-SHA384",
                                         "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", true, false, true);
    const TlsProbeResult rsaOnly =
        chose(0x0303, "TLSv1.2", "AES256-GCM-SHA384", "TLS_RSA_WITH_AES_256_GCM_SHA384", false, true, false);
    const TlsProbeResult tls11 = chose(0x0302, "TLSv1.1", "ECDHE-RSA-AES256-SHA",
                                       "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", true, false, true);
    const TlsProbeResult chachaOnly = chose(0x0304, "TLSv1.3", "TLS_CHACHA20_POLY1305_SHA256",
                                            "TLS_CHACHA20_POLY1305_SHA256", true, true, false, true);
    const auto cbc = DicomWebError::fromRefusedHandshake(kAlert, &cbcOnly);
    const auto rsa = DicomWebError::fromRefusedHandshake(kAlert, &rsaOnly);
    const auto old = DicomWebError::fromRefusedHandshake(QStringLiteral("unsupported protocol"), &tls11);
    const auto chacha = DicomWebError::fromRefusedHandshake(kAlert, &chachaOnly);
    EXPECT_EQ(cbc.failure, DicomWebFailure::TlsCbcOnly);
    EXPECT_EQ(rsa.failure, DicomWebFailure::TlsNoForwardSecrecy);
    EXPECT_EQ(old.failure, DicomWebFailure::TlsVersionRefused);
    EXPECT_EQ(chacha.failure, DicomWebFailure::TlsCipherRefused);
    EXPECT_TRUE(cbc.message.contains(QStringLiteral("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384")));
    EXPECT_TRUE(rsa.message.contains(QStringLiteral("forward secrecy")));
    EXPECT_TRUE(old.message.contains(QStringLiteral("TLS 1.1 or older")));
    EXPECT_EQ(QSet<QString>({cbc.message, rsa.message, old.message, chacha.message}).size(), 4);
    for (const auto* e : {&cbc, &rsa, &old, &chacha}) {
        EXPECT_TRUE(e->isSecurityRelevant());
        EXPECT_EQ(e->code(), ErrorCode::Unsupported);
    }
}

TEST(DicomWebError, ProbeWithoutAnswerOrWithAnAllowedSuiteKeepsTheBackendsReason)
{
    TlsProbeResult silent; // no ServerHello (closed, timed out, not TLS)
    silent.error = QStringLiteral("timed out after 3000 ms");
    EXPECT_EQ(DicomWebError::fromRefusedHandshake(kAlert, &silent).failure,
              DicomWebFailure::TlsCipherRefused);
    EXPECT_EQ(DicomWebError::fromRefusedHandshake(kAlert, nullptr).failure,
              DicomWebFailure::TlsCipherRefused);
    const TlsProbeResult allowed = chose(0x0303, "TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256",
                                         "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", true, true, false);
    const auto e = DicomWebError::fromRefusedHandshake(kAlert, &allowed);
    EXPECT_EQ(e.failure, DicomWebFailure::TlsCipherRefused);
    EXPECT_TRUE(e.message.contains(kAlert));
    // certificate alerts are not probed
    EXPECT_EQ(
        DicomWebError::fromRefusedHandshake(QStringLiteral("tlsv13 alert certificate required"), &allowed)
            .failure,
        DicomWebFailure::ClientCertificateRefused);
}
