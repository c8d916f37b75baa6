#pragma once

#include "dokuei/security/IAuditSink.h"

#include <algorithm>

#include <QByteArray>
#include <QFile>
#include <QList>
#include <QProcess>
#include <QString>
#include <QStringList>

namespace dokuei::security::testing {

/// Collects audit records; can be told to fail, to prove that a change is not kept without its record.
class FakeAuditSink : public IAuditSink
{
public:
    Expected<qint64> record(AuditRecord record) override
    {
        if (failing) {
            return fail(ErrorCode::AuditTrailBroken, QStringLiteral("audit sink refuses (test)"));
        }
        records.append(std::move(record));
        return records.size();
    }

    qsizetype count(const QString& eventType) const
    {
        return std::count_if(records.begin(), records.end(),
                             [&](const AuditRecord& r) { return r.eventType == eventType; });
    }

    QList<AuditRecord> records;
    bool failing = false;
};

/// A self-signed certificate made by the openssl command (PEM), with subject CN=`commonName`; an EC P-256
/// key, or RSA 2048 when `rsa` (card wraps of user data keys need RSA).
inline QByteArray makeCertificatePem(const QString& directory, const QString& commonName, bool rsa = false)
{
    const QString key = directory + QStringLiteral("/") + commonName + QStringLiteral(".key");
    const QString certificate = directory + QStringLiteral("/") + commonName + QStringLiteral(".pem");
    QProcess openssl;
    openssl.start(
        QStringLiteral("openssl"),
        {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
         rsa ? QStringLiteral("rsa:2048") : QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
         rsa ? QStringLiteral("rsa_keygen_pubexp:65537") : QStringLiteral("ec_paramgen_curve:P-256"),
         QStringLiteral("-nodes"), QStringLiteral("-keyout"), key, QStringLiteral("-out"), certificate,
         QStringLiteral("-days"), QStringLiteral("30"), QStringLiteral("-subj"),
         QStringLiteral("/O=Test Hospital/CN=") + commonName});
    if (!openssl.waitForFinished(30000) || openssl.exitCode() != 0) {
        return {};
    }
    QFile file(certificate);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

/// DER form of a PEM certificate (openssl x509 -outform DER).
inline QByteArray pemToDer(const QByteArray& pem)
{
    QProcess openssl;
    openssl.start(QStringLiteral("openssl"),
                  {QStringLiteral("x509"), QStringLiteral("-outform"), QStringLiteral("DER")});
    openssl.write(pem);
    openssl.closeWriteChannel();
    if (!openssl.waitForFinished(30000) || openssl.exitCode() != 0) {
        return {};
    }
    return openssl.readAllStandardOutput();
}

} // namespace dokuei::security::testing
