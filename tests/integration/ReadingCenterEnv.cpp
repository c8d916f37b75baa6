#include "ReadingCenterEnv.h"

#include "Subprocess.h"

#include <QDir>
#include <QRegularExpression>

namespace dokuei::integration {

QMap<QString, QString> ReadingCenterEnv::parseExports(const QByteArray& text)
{
    QMap<QString, QString> vars;
    static const QRegularExpression line(QStringLiteral(R"(^export ([A-Za-z_][A-Za-z0-9_]*)='(.*)'$)"));
    const QStringList lines = QString::fromUtf8(text).split(QLatin1Char('\n'));
    for (const QString& l : lines) {
        const QRegularExpressionMatch m = line.match(l);
        if (!m.hasMatch()) {
            continue;
        }
        QString v = m.captured(2);
        v.replace(QStringLiteral("'\\''"), QStringLiteral("'"));
        vars.insert(m.captured(1), v);
    }
    return vars;
}

std::expected<ReadingCenterEnv, QString> ReadingCenterEnv::load()
{
    const QString source = qEnvironmentVariable("DOKUEI_SOURCE_DIR");
    const QString dir = qEnvironmentVariable("DOKUEI_STACK_DIR");
    if (source.isEmpty() || dir.isEmpty()) {
        return std::unexpected(QStringLiteral("DOKUEI_SOURCE_DIR and DOKUEI_STACK_DIR must be set (run through ctest)"));
    }
    ReadingCenterEnv env;
    env.m_script = QDir(source).filePath(QStringLiteral("scripts/reading-center"));
    const SubprocessResult r =
        runSubprocess(env.m_script, {QStringLiteral("env"), QStringLiteral("--dir"), dir});
    if (r.exitCode != 0) {
        return std::unexpected(QStringLiteral("%1 env --dir %2 failed (%3): %4")
                                   .arg(env.m_script, dir, r.failure, QString::fromUtf8(r.err)));
    }
    env.m_vars = parseExports(r.out);
    if (env.url().isEmpty() || env.caFile().isEmpty()) {
        return std::unexpected(QStringLiteral("reading-center env printed no DOKUEI_RC_URL/DOKUEI_RC_CA"));
    }
    return env;
}

QString ReadingCenterEnv::userKey(const QString& id)
{
    QString key = id.toUpper();
    static const QRegularExpression other(QStringLiteral("[^A-Z0-9]"));
    key.replace(other, QStringLiteral("_"));
    return key;
}

ReadingCenterUser ReadingCenterEnv::user(const QString& id) const
{
    const QString p = QStringLiteral("DOKUEI_RC_USER_%1_").arg(userKey(id));
    ReadingCenterUser u;
    u.id = value(p + QStringLiteral("ID"));
    u.kind = value(p + QStringLiteral("KIND"));
    u.pin = value(p + QStringLiteral("PIN"));
    u.authCert = value(p + QStringLiteral("AUTH_CERT"));
    u.signCert = value(p + QStringLiteral("SIGN_CERT"));
    u.authKeyUri = value(p + QStringLiteral("AUTH_KEY_URI"));
    u.signKeyUri = value(p + QStringLiteral("SIGN_KEY_URI"));
    return u;
}

QStringList ReadingCenterEnv::userIds() const
{
    return (value(QStringLiteral("DOKUEI_RC_DEMO_USERS")) + QLatin1Char(' ') +
            value(QStringLiteral("DOKUEI_RC_TEST_USERS")))
        .split(QLatin1Char(' '), Qt::SkipEmptyParts);
}

QProcessEnvironment ReadingCenterEnv::cardEnvironment() const
{
    QProcessEnvironment env;
    env.insert(QStringLiteral("SOFTHSM2_CONF"), value(QStringLiteral("SOFTHSM2_CONF")));
    env.insert(QStringLiteral("OPENSSL_CONF"), value(QStringLiteral("DOKUEI_RC_OPENSSL_CONF")));
    return env;
}

QStringList ReadingCenterEnv::curlCardArgs(const QString& userId) const
{
    const ReadingCenterUser u = user(userId);
    return {QStringLiteral("-sS"),
            QStringLiteral("--engine"),
            QStringLiteral("pkcs11"),
            QStringLiteral("--key-type"),
            QStringLiteral("ENG"),
            QStringLiteral("--key"),
            u.authKeyUri + QStringLiteral(";pin-value=") + u.pin,
            QStringLiteral("--cert"),
            u.authCert,
            QStringLiteral("--cacert"),
            caFile()};
}

QStringList ReadingCenterEnv::curlAnonymousArgs() const
{
    return {QStringLiteral("-sS"), QStringLiteral("--cacert"), caFile()};
}

} // namespace dokuei::integration
