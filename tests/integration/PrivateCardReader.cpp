#include "PrivateCardReader.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

namespace dokuei::integration {
namespace {

QByteArray readFile(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

PrivateCardReader::PrivateCardReader(const ReadingCenterEnv& env) : m_stackTokens(env.tokenMaster())
{
    if (m_stackTokens.isEmpty() || !m_dir.isValid()) {
        m_error = QStringLiteral("no master copy of the stack's cards (DOKUEI_RC_TOKEN_MASTER)");
        return;
    }
    m_tokens = m_dir.filePath(QStringLiteral("tokens"));
    QDir().mkpath(m_tokens);
    const QString conf = m_dir.filePath(QStringLiteral("softhsm2.conf"));
    QFile file(conf);
    if (!file.open(QIODevice::WriteOnly)) {
        m_error = QStringLiteral("cannot write %1").arg(conf);
        return;
    }
    file.write(QStringLiteral("directories.tokendir = %1\nobjectstore.backend = file\nlog.level = ERROR\n")
                   .arg(m_tokens)
                   .toUtf8());
    file.close();
    qputenv("SOFTHSM2_CONF", QFile::encodeName(conf));
}

PrivateCardReader::~PrivateCardReader()
{
    qunsetenv("SOFTHSM2_CONF");
}

QString PrivateCardReader::stackTokenDir(const QString& label) const
{
    // SoftHSM2 stores the label space-padded to 32 bytes in the token object.
    const QByteArray padded = label.toUtf8().leftJustified(32, ' ');
    QDirIterator it(m_stackTokens, QDir::Dirs | QDir::NoDotAndDotDot);
    while (it.hasNext()) {
        const QString dir = it.next();
        if (readFile(dir + QStringLiteral("/token.object")).contains(padded)) {
            return dir;
        }
    }
    return {};
}

bool PrivateCardReader::insert(const QString& label)
{
    const QString source = stackTokenDir(label);
    if (source.isEmpty()) {
        return false;
    }
    const QString target = m_tokens + QLatin1Char('/') + QFileInfo(source).fileName();
    if (!QDir().mkpath(target)) {
        return false;
    }
    QDirIterator it(source, QDir::Files);
    while (it.hasNext()) {
        const QString file = it.next();
        const QString copy = target + QLatin1Char('/') + it.fileName();
        QFile::remove(copy);
        if (!QFile::copy(file, copy)) {
            return false;
        }
    }
    return true;
}

bool PrivateCardReader::remove(const QString& label)
{
    const QString source = stackTokenDir(label);
    return !source.isEmpty() &&
           QDir(m_tokens + QLatin1Char('/') + QFileInfo(source).fileName()).removeRecursively();
}

bool PrivateCardReader::insertOnly(const QStringList& labels)
{
    if (!QDir(m_tokens).removeRecursively() || !QDir().mkpath(m_tokens)) {
        return false;
    }
    for (const QString& label : labels) {
        if (!insert(label)) {
            return false;
        }
    }
    return true;
}

} // namespace dokuei::integration
