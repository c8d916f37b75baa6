#include "dokuei/security/VaultBackup.h"

#include "AesGcm.h"
#include "dokuei/security/AuditTrail.h"
#include "dokuei/security/SystemVault.h"
#include "dokuei/security/UserKeyring.h"
#include "dokuei/security/Vault.h"
#include "dokuei/security/WorkstationKey.h"

#include <cerrno>
#include <chrono>
#include <fcntl.h>
#include <thread>
#include <unistd.h>

#include <QDataStream>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QSysInfo>
#include <QtEndian>

#include <openssl/crypto.h>

namespace dokuei::security {
namespace {

const QByteArray kMagic("DOKUEI-VAULT-BACKUP-1\n");
constexpr qsizetype kSaltSize = 16;
constexpr qsizetype kHeaderSize = 22 + 12 + kSaltSize;
constexpr qint64 kMaxBackupSize = qint64(8) * 1024 * 1024 * 1024;
constexpr qint64 kMaxEntries = 100000;

SecretKey containerKey(const SecretKey& backupKey)
{
    return deriveSubkey(backupKey, "dokuei backup container v1");
}

SecretKey backupSystemKey(const SecretKey& backupKey)
{
    return deriveSubkey(backupKey, "dokuei backup system vault v1");
}

QString utcStamp()
{
    return QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMddTHHmmsszzzZ"));
}

Error invalid(const QString& file, const QString& why)
{
    return Error{ErrorCode::BackupInvalid, QStringLiteral("The backup \"%1\" %2").arg(file, why)};
}

/// Reads a file that SQLite may be writing, holding a read lock on SQLite's SHARED range so that no
/// writer can reach its EXCLUSIVE state (and change the file) meanwhile.
Expected<QByteArray> readSqliteFileConsistently(const QString& path)
{
    const QByteArray name = QFile::encodeName(path);
    const int fd = ::open(name.constData(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        return fail(ErrorCode::IoFailure, QStringLiteral("Cannot read \"%1\" for the backup").arg(path));
    }
    struct flock lock
    {
    };
    lock.l_type = F_RDLCK;
    lock.l_whence = SEEK_SET;
    lock.l_start = 0x40000000 + 2; // SQLite's SHARED_FIRST
    lock.l_len = 510;              // SHARED_SIZE
    bool locked = false;
    for (int attempt = 0; attempt < 100 && !locked; ++attempt) {
        locked = ::fcntl(fd, F_SETLK, &lock) == 0;
        if (!locked) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }
    QByteArray bytes;
    if (locked) {
        QFile file;
        if (file.open(fd, QIODevice::ReadOnly, QFileDevice::DontCloseHandle)) {
            bytes = file.readAll();
        }
    }
    ::close(fd);
    if (!locked) {
        return fail(ErrorCode::IoFailure,
                    QStringLiteral("\"%1\" stayed busy (being written): try the backup again when no one is "
                                   "signed in")
                        .arg(path));
    }
    return bytes;
}

void appendEntry(QByteArray& payload, const QString& name, const QByteArray& data)
{
    QDataStream stream(&payload, QIODevice::Append);
    stream.setByteOrder(QDataStream::BigEndian);
    const QByteArray utf8 = name.toUtf8();
    stream << static_cast<quint32>(utf8.size());
    stream.writeRawData(utf8.constData(), static_cast<int>(utf8.size()));
    stream << static_cast<quint64>(data.size());
    stream.writeRawData(data.constData(), static_cast<int>(data.size()));
}

bool isAllowedEntryName(const QString& name)
{
    if (name == QStringLiteral("manifest.json") || name == QStringLiteral("system.db") ||
        name == QStringLiteral("system.db.audit-head")) {
        return true;
    }
    if (!name.startsWith(QStringLiteral("users/"))) {
        return false;
    }
    QString base = name.mid(6);
    if (base.endsWith(QStringLiteral(".db-journal"))) {
        base.chop(11);
    } else if (base.endsWith(QStringLiteral(".db"))) {
        base.chop(3);
    } else {
        return false;
    }
    return UserKeyring::isValidUserId(base);
}

Expected<QList<std::pair<QString, QByteArray>>> parseEntries(const QString& file, const QByteArray& payload)
{
    QList<std::pair<QString, QByteArray>> entries;
    qsizetype at = 0;
    auto readU32 = [&](quint32& value) {
        if (payload.size() - at < 4) {
            return false;
        }
        value = qFromBigEndian<quint32>(payload.constData() + at);
        at += 4;
        return true;
    };
    auto readU64 = [&](quint64& value) {
        if (payload.size() - at < 8) {
            return false;
        }
        value = qFromBigEndian<quint64>(payload.constData() + at);
        at += 8;
        return true;
    };
    while (at < payload.size()) {
        quint32 nameSize = 0;
        quint64 dataSize = 0;
        if (entries.size() >= kMaxEntries || !readU32(nameSize) || nameSize == 0 || nameSize > 1024 ||
            payload.size() - at < static_cast<qsizetype>(nameSize)) {
            return std::unexpected(invalid(file, QStringLiteral("has a malformed entry list")));
        }
        const QString name = QString::fromUtf8(payload.constData() + at, nameSize);
        at += nameSize;
        if (!readU64(dataSize) || dataSize > static_cast<quint64>(payload.size() - at)) {
            return std::unexpected(invalid(file, QStringLiteral("has a malformed entry \"%1\"").arg(name)));
        }
        if (!isAllowedEntryName(name)) {
            return std::unexpected(
                invalid(file, QStringLiteral("contains an unexpected entry \"%1\"").arg(name)));
        }
        for (const auto& existing : entries) {
            if (existing.first == name) {
                return std::unexpected(invalid(file, QStringLiteral("contains \"%1\" twice").arg(name)));
            }
        }
        entries.append({name, payload.mid(at, static_cast<qsizetype>(dataSize))});
        at += static_cast<qsizetype>(dataSize);
    }
    return entries;
}

Expected<void> writePrivateFile(const QString& path, const QByteArray& bytes)
{
    const QByteArray name = QFile::encodeName(path);
    const int fd = ::open(name.constData(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        return fail(ErrorCode::IoFailure, QStringLiteral("Cannot create \"%1\"").arg(path));
    }
    QFile file;
    bool ok = file.open(fd, QIODevice::WriteOnly, QFileDevice::DontCloseHandle) &&
              file.write(bytes) == bytes.size() && file.flush() && ::fsync(fd) == 0;
    file.close();
    ::close(fd);
    if (!ok) {
        return fail(ErrorCode::IoFailure, QStringLiteral("Cannot write \"%1\"").arg(path));
    }
    return {};
}

/// Opens a system vault copy, checks every page and the audit chain; returns the number of records.
Expected<qint64> verifySystemCopy(const QString& path, const SecretKey& key, const QString& what)
{
    auto vault = Vault::open(path, key);
    if (!vault) {
        return std::unexpected(vault.error());
    }
    if (auto integrity = (*vault)->checkIntegrity(); !integrity) {
        return std::unexpected(integrity.error());
    }
    AuditTrail trail(**vault);
    auto verified = trail.verify(AuditTrail::Usage::Unaudited);
    if (!verified) {
        return std::unexpected(verified.error());
    }
    if (!verified->ok) {
        QStringList problems;
        for (const auto& problem : verified->problems.mid(0, 5)) {
            problems << QStringLiteral("%1 at %2")
                            .arg(AuditTrail::problemKindName(problem.kind))
                            .arg(problem.sequence);
        }
        return fail(ErrorCode::AuditTrailBroken, QStringLiteral("The audit trail in %1 does not verify (%2)")
                                                     .arg(what, problems.join(QStringLiteral(", "))));
    }
    return verified->recordsChecked;
}

} // namespace

Expected<VaultBackup::Summary> VaultBackup::create(const WorkstationPaths& paths, Vault& systemVault,
                                                   const QString& file, QByteArrayView passphrase,
                                                   const Argon2Params& params)
{
    if (passphrase.size() < kMinimumPassphraseLength) {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("The backup passphrase must have at least %1 characters")
                        .arg(kMinimumPassphraseLength));
    }
    if (file.isEmpty()) {
        return fail(ErrorCode::InvalidArgument, QStringLiteral("No backup file given"));
    }
    QByteArray header = kMagic;
    {
        QDataStream stream(&header, QIODevice::Append);
        stream.setByteOrder(QDataStream::BigEndian);
        stream << static_cast<quint32>(params.timeCost) << static_cast<quint32>(params.memoryKiB)
               << static_cast<quint32>(params.parallelism);
    }
    const QByteArray salt = randomBytes(kSaltSize);
    header += salt;
    auto backupKey = deriveKeyArgon2id(passphrase, salt, params);
    if (!backupKey) {
        return std::unexpected(backupKey.error());
    }

    Summary summary;
    QByteArray payload;
    const QString exported =
        paths.vaultDir() + QStringLiteral("/.backup-export-%1-%2.db").arg(::getpid()).arg(utcStamp());
    const QByteArray headBefore = QFile(AuditTrail::headFilePath(systemVault.path())).exists()
                                      ? [&] {
                                            QFile head(AuditTrail::headFilePath(systemVault.path()));
                                            return head.open(QIODevice::ReadOnly) ? head.readAll() : QByteArray();
                                        }()
                                      : QByteArray();
    if (auto done = systemVault.exportTo(exported, backupSystemKey(*backupKey)); !done) {
        return std::unexpected(done.error());
    }
    QFile exportedFile(exported);
    const QByteArray systemBytes =
        exportedFile.open(QIODevice::ReadOnly) ? exportedFile.readAll() : QByteArray();
    exportedFile.close();
    QFile::remove(exported);
    if (systemBytes.isEmpty()) {
        return fail(ErrorCode::IoFailure,
                    QStringLiteral("Cannot read the exported system vault \"%1\"").arg(exported));
    }
    // Checked as the restore would check it, so a backup that would not restore is never written.
    {
        const QString check = exported + QStringLiteral(".check");
        if (auto written = writePrivateFile(check, systemBytes); !written) {
            return std::unexpected(written.error());
        }
        if (!headBefore.isEmpty()) {
            (void)writePrivateFile(AuditTrail::headFilePath(check), headBefore);
        }
        auto records =
            verifySystemCopy(check, backupSystemKey(*backupKey), QStringLiteral("the vault being backed up"));
        QFile::remove(check);
        QFile::remove(AuditTrail::headFilePath(check));
        if (!records) {
            return std::unexpected(records.error());
        }
        summary.auditRecords = *records;
    }
    const QJsonObject manifest{
        {QStringLiteral("format"), QStringLiteral("dokuei-vault-backup-1")},
        {QStringLiteral("created_utc"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate)},
        {QStringLiteral("workstation"), QSysInfo::machineHostName()},
        {QStringLiteral("audit_records"), summary.auditRecords}};
    appendEntry(payload, QStringLiteral("manifest.json"),
                QJsonDocument(manifest).toJson(QJsonDocument::Compact));
    appendEntry(payload, QStringLiteral("system.db"), systemBytes);
    summary.entries << QStringLiteral("manifest.json") << QStringLiteral("system.db");
    if (!headBefore.isEmpty()) {
        appendEntry(payload, QStringLiteral("system.db.audit-head"), headBefore);
        summary.entries << QStringLiteral("system.db.audit-head");
    }
    const QDir users(paths.vaultDir() + QStringLiteral("/users"));
    for (const QString& name : users.entryList({QStringLiteral("*.db"), QStringLiteral("*.db-journal")},
                                               QDir::Files | QDir::NoSymLinks, QDir::Name)) {
        const QString entry = QStringLiteral("users/") + name;
        if (!isAllowedEntryName(entry)) {
            continue;
        }
        auto bytes = readSqliteFileConsistently(users.filePath(name));
        if (!bytes) {
            return std::unexpected(bytes.error());
        }
        appendEntry(payload, entry, *bytes);
        summary.entries << entry;
    }
    const QByteArray sealed = aesgcm::seal(containerKey(*backupKey), payload, header);
    payload.fill('\0');
    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly) || out.write(header) != header.size() ||
        out.write(sealed) != sealed.size() || !out.commit()) {
        return fail(ErrorCode::IoFailure,
                    QStringLiteral("Cannot write the backup \"%1\": %2").arg(file, out.errorString()));
    }
    QFile::setPermissions(file, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    summary.bytes = header.size() + sealed.size();
    return summary;
}

Expected<VaultBackup::Summary> VaultBackup::restore(const WorkstationPaths& paths, const QString& file,
                                                    QByteArrayView passphrase)
{
    QFile in(file);
    if (!in.open(QIODevice::ReadOnly)) {
        return fail(ErrorCode::NotFound,
                    QStringLiteral("Cannot read the backup \"%1\": %2").arg(file, in.errorString()));
    }
    if (in.size() > kMaxBackupSize) {
        return std::unexpected(invalid(file, QStringLiteral("is larger than any backup dokuei writes")));
    }
    const QByteArray bytes = in.readAll();
    in.close();
    if (bytes.size() < kHeaderSize + aesgcm::kNonceSize + aesgcm::kTagSize || !bytes.startsWith(kMagic)) {
        return std::unexpected(
            invalid(file, QStringLiteral("is not a dokuei vault backup (or is truncated)")));
    }
    const QByteArray header = bytes.left(kHeaderSize);
    const Argon2Params params{qFromBigEndian<quint32>(header.constData() + 22),
                              qFromBigEndian<quint32>(header.constData() + 26),
                              qFromBigEndian<quint32>(header.constData() + 30)};
    if (!argon2ParamsPlausible(params)) {
        return std::unexpected(
            invalid(file, QStringLiteral("has implausible key-derivation parameters: damaged")));
    }
    auto backupKey = deriveKeyArgon2id(passphrase, header.mid(34, kSaltSize), params);
    if (!backupKey) {
        return std::unexpected(backupKey.error());
    }
    auto payload = aesgcm::open(containerKey(*backupKey), QByteArrayView(bytes).sliced(kHeaderSize), header);
    if (!payload) {
        return std::unexpected(
            invalid(file, QStringLiteral("does not authenticate: the passphrase is wrong or the "
                                         "file was altered or damaged. Nothing was changed.")));
    }
    auto entries = parseEntries(file, *payload);
    payload->fill('\0');
    if (!entries) {
        return std::unexpected(entries.error());
    }
    const QByteArray* systemBytes = nullptr;
    const QByteArray* headBytes = nullptr;
    for (const auto& [name, data] : *entries) {
        if (name == QStringLiteral("system.db")) {
            systemBytes = &data;
        } else if (name == QStringLiteral("system.db.audit-head")) {
            headBytes = &data;
        }
    }
    if (!systemBytes) {
        return std::unexpected(invalid(file, QStringLiteral("has no system vault")));
    }

    // Staging next to the vault directory (same file system, so the swap is two renames).
    if (auto directories = paths.ensureUserDirectories(); !directories) {
        return std::unexpected(directories.error());
    }
    auto workstationKey = WorkstationKey::loadOrCreate(WorkstationKey::filePath(paths));
    if (!workstationKey) {
        return std::unexpected(workstationKey.error());
    }
    const QString stamp = utcStamp();
    const QString staging = paths.dataDir + QStringLiteral("/vault.restore-") + stamp;
    QDir stagingDir(staging);
    auto cleanUp = [&] { QDir(staging).removeRecursively(); };
    for (const QString& dir : {staging, staging + QStringLiteral("/users")}) {
        if (auto created = ensurePrivateDirectory(dir); !created) {
            cleanUp();
            return std::unexpected(created.error());
        }
    }
    Summary summary;
    const QString copy = staging + QStringLiteral("/backup-system.db");
    auto checked = [&]() -> Expected<void> {
        if (auto written = writePrivateFile(copy, *systemBytes); !written) {
            return written;
        }
        if (headBytes) {
            if (auto written = writePrivateFile(AuditTrail::headFilePath(copy), *headBytes); !written) {
                return written;
            }
        }
        auto records = verifySystemCopy(copy, backupSystemKey(*backupKey), QStringLiteral("the backup"));
        if (!records) {
            return std::unexpected(records.error());
        }
        summary.auditRecords = *records;
        {
            auto vault = Vault::open(copy, backupSystemKey(*backupKey));
            if (!vault) {
                return std::unexpected(vault.error());
            }
            if (auto exported = (*vault)->exportTo(staging + QStringLiteral("/system.db"),
                                                   systemVaultKey(*workstationKey));
                !exported) {
                return exported;
            }
        }
        if (headBytes) {
            if (auto written = writePrivateFile(
                    AuditTrail::headFilePath(staging + QStringLiteral("/system.db")), *headBytes);
                !written) {
                return written;
            }
        }
        QFile::remove(copy);
        QFile::remove(AuditTrail::headFilePath(copy));
        auto again = verifySystemCopy(staging + QStringLiteral("/system.db"), systemVaultKey(*workstationKey),
                                      QStringLiteral("the re-encrypted copy"));
        if (!again) {
            return std::unexpected(again.error());
        }
        for (const auto& [name, data] : *entries) {
            if (!name.startsWith(QStringLiteral("users/"))) {
                continue;
            }
            if (data.startsWith("SQLite format 3")) {
                return std::unexpected(
                    invalid(file, QStringLiteral("holds an unencrypted user vault \"%1\"").arg(name)));
            }
            if (auto written = writePrivateFile(staging + QLatin1Char('/') + name, data); !written) {
                return written;
            }
        }
        return {};
    }();
    if (!checked) {
        cleanUp();
        Error error = checked.error();
        if (error.code == ErrorCode::VaultKeyInvalid || error.code == ErrorCode::VaultCorrupt ||
            error.code == ErrorCode::AuditTrailBroken) {
            error = invalid(
                file, QStringLiteral("failed verification: %1. Nothing was changed.").arg(error.message));
        }
        return std::unexpected(error);
    }
    for (const auto& entry : *entries) {
        summary.entries << entry.first;
        summary.bytes += entry.second.size();
    }

    // Swap: the current vault directory is kept until the new one has opened and verified.
    const QString current = paths.vaultDir();
    const QString previous = paths.dataDir + QStringLiteral("/vault.before-restore-") + stamp;
    const bool hadCurrent = QFileInfo::exists(current);
    if (hadCurrent && !QDir().rename(current, previous)) {
        cleanUp();
        return fail(
            ErrorCode::IoFailure,
            QStringLiteral("Cannot move the current vault \"%1\" aside: nothing was changed").arg(current));
    }
    if (!QDir().rename(staging, current)) {
        if (hadCurrent) {
            QDir().rename(previous, current);
        }
        cleanUp();
        return fail(ErrorCode::IoFailure,
                    QStringLiteral("Cannot move the restored vault into \"%1\"").arg(current));
    }
    auto final = verifySystemCopy(systemVaultPath(paths), systemVaultKey(*workstationKey),
                                  QStringLiteral("the restored vault"));
    if (!final) {
        QDir(current).removeRecursively();
        if (hadCurrent) {
            QDir().rename(previous, current);
        }
        return std::unexpected(final.error());
    }
    summary.previousVaultDir = hadCurrent ? previous : QString();
    return summary;
}

} // namespace dokuei::security
