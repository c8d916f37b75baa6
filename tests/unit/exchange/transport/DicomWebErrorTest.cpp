#include <dokuei/exchange/DicomWebError.h>
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
