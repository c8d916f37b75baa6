#include "ReadingCenterEnv.h"

#include "Subprocess.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>

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
        return std::unexpected(
            QStringLiteral("DOKUEI_SOURCE_DIR and DOKUEI_STACK_DIR must be set (run through ctest)"));
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

QString ReadingCenterEnv::tokenMaster() const
{
    const QString master = value(QStringLiteral("DOKUEI_RC_TOKEN_MASTER"));
    if (!master.isEmpty()) {
        return master;
    }
    QFile conf(value(QStringLiteral("SOFTHSM2_CONF")));
    if (!conf.open(QIODevice::ReadOnly)) {
        return {};
    }
    for (const QByteArray& line : conf.readAll().split('\n')) {
        if (line.trimmed().startsWith("directories.tokendir")) {
            return QString::fromUtf8(line.mid(line.indexOf('=') + 1).trimmed());
        }
    }
    return {};
}

QString ReadingCenterEnv::privateStoreConf() const
{
    static QTemporaryDir dir; // lives as long as the test process
    static QString conf;
    if (!conf.isEmpty()) {
        return conf;
    }
    const QString master = tokenMaster();
    if (!dir.isValid() || master.isEmpty()) {
        return {};
    }
    const QString store = dir.filePath(QStringLiteral("tokens"));
    QDirIterator tokens(master, QDir::Dirs | QDir::NoDotAndDotDot);
    while (tokens.hasNext()) {
        const QString token = tokens.next();
        const QString target = store + QLatin1Char('/') + tokens.fileName();
        if (!QDir().mkpath(target)) {
            return {};
        }
        QDirIterator files(token, QDir::Files);
        while (files.hasNext()) {
            files.next();
            if (!QFile::copy(files.filePath(), target + QLatin1Char('/') + files.fileName())) {
                return {};
            }
        }
    }
    QDir().mkpath(store);
    QFile file(dir.filePath(QStringLiteral("softhsm2.conf")));
    if (!file.open(QIODevice::WriteOnly)) {
        return {};
    }
    file.write(QStringLiteral("directories.tokendir = %1\nobjectstore.backend = file\nlog.level = ERROR\n")
                   .arg(store)
                   .toUtf8());
    file.close();
    conf = file.fileName();
    return conf;
}

QProcessEnvironment ReadingCenterEnv::cardEnvironment() const
{
    QProcessEnvironment env;
    env.insert(QStringLiteral("SOFTHSM2_CONF"), privateStoreConf());
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
