#include "dokuei/security/WorkstationKey.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <QFile>

#include <openssl/crypto.h>

namespace dokuei::security {
namespace {

QString systemError()
{
    return QString::fromLocal8Bit(std::strerror(errno));
}

/// Closes a file descriptor on scope exit.
class FileDescriptor
{
public:
    explicit FileDescriptor(int fd) : m_fd(fd) {}
    ~FileDescriptor()
    {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
    }
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    int get() const { return m_fd; }

private:
    int m_fd;
};

Expected<void> writeAll(int fd, const std::uint8_t* data, std::size_t size)
{
    while (size > 0) {
        const ssize_t written = ::write(fd, data, size);
        if (written < 0) {
            if (errno == EINTR) {
                continue;
            }
            return fail(ErrorCode::IoFailure, systemError());
        }
        data += written;
        size -= static_cast<std::size_t>(written);
    }
    return {};
}

Expected<void> create(const QString& path)
{
    const QByteArray finalName = QFile::encodeName(path);
    const QByteArray temporaryName = finalName + ".new-" + QByteArray::number(::getpid());
    ::unlink(temporaryName.constData());
    FileDescriptor fd(
        ::open(temporaryName.constData(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (fd.get() < 0) {
        return fail(ErrorCode::IoFailure, QStringLiteral("Cannot create the workstation key \"%1\": %2")
                                              .arg(QFile::decodeName(temporaryName), systemError()));
    }
    SecretKey key = SecretKey::random();
    auto written = writeAll(fd.get(), key.bytes().data(), SecretKey::kSize);
    if (!written || ::fsync(fd.get()) != 0) {
        ::unlink(temporaryName.constData());
        return fail(ErrorCode::IoFailure, QStringLiteral("Cannot write the workstation key \"%1\": %2")
                                              .arg(path, written ? systemError() : written.error().message));
    }
    // link() fails if another process created the key meanwhile: then that key is the one to use.
    const int linked = ::link(temporaryName.constData(), finalName.constData());
    const int linkErrno = errno;
    ::unlink(temporaryName.constData());
    if (linked != 0 && linkErrno != EEXIST) {
        errno = linkErrno;
        return fail(ErrorCode::IoFailure,
                    QStringLiteral("Cannot create the workstation key \"%1\": %2").arg(path, systemError()));
    }
    return {};
}

} // namespace

QString WorkstationKey::filePath(const WorkstationPaths& paths)
{
    return paths.dataDir + QStringLiteral("/workstation.key");
}

Expected<SecretKey> WorkstationKey::loadOrCreate(const QString& path)
{
    const QByteArray name = QFile::encodeName(path);
    struct stat status
    {
    };
    if (::lstat(name.constData(), &status) != 0) {
        if (errno != ENOENT) {
            return fail(
                ErrorCode::IoFailure,
                QStringLiteral("Cannot read the workstation key \"%1\": %2").arg(path, systemError()));
        }
        if (auto created = create(path); !created) {
            return std::unexpected(created.error());
        }
    }
    FileDescriptor fd(::open(name.constData(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (fd.get() < 0) {
        return fail(errno == ELOOP ? ErrorCode::PermissionDenied : ErrorCode::IoFailure,
                    QStringLiteral("Cannot open the workstation key \"%1\": %2 (it must be a regular file, "
                                   "not a symbolic link)")
                        .arg(path, systemError()));
    }
    if (::fstat(fd.get(), &status) != 0) {
        return fail(ErrorCode::IoFailure,
                    QStringLiteral("Cannot examine the workstation key \"%1\": %2").arg(path, systemError()));
    }
    if (!S_ISREG(status.st_mode)) {
        return fail(ErrorCode::PermissionDenied,
                    QStringLiteral("The workstation key \"%1\" is not a regular file: remove it").arg(path));
    }
    if (status.st_uid != ::geteuid()) {
        return fail(ErrorCode::PermissionDenied,
                    QStringLiteral("The workstation key \"%1\" belongs to user id %2, not to this user (%3): "
                                   "dokuei refuses a key someone else controls. Run dokuei as the owner or "
                                   "restore the vault from a backup.")
                        .arg(path)
                        .arg(status.st_uid)
                        .arg(::geteuid()));
    }
    if ((status.st_mode & 077) != 0) {
        return fail(ErrorCode::PermissionDenied,
                    QStringLiteral("The workstation key \"%1\" is accessible by group or others (mode %2): "
                                   "anyone who could read it may already have a copy. Run `chmod 600 %1` "
                                   "and, if others may have read it, restore the vault under a new key.")
                        .arg(path)
                        .arg(status.st_mode & 0777, 4, 8, QLatin1Char('0')));
    }
    if (status.st_size != static_cast<off_t>(SecretKey::kSize)) {
        return fail(ErrorCode::VaultKeyInvalid,
                    QStringLiteral("The workstation key \"%1\" has %2 bytes instead of %3: it is damaged. "
                                   "Restore it (or the vault) from a backup.")
                        .arg(path)
                        .arg(status.st_size)
                        .arg(SecretKey::kSize));
    }
    std::array<std::uint8_t, SecretKey::kSize> buffer{};
    std::size_t got = 0;
    while (got < buffer.size()) {
        const ssize_t n = ::read(fd.get(), buffer.data() + got, buffer.size() - got);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            OPENSSL_cleanse(buffer.data(), buffer.size());
            return fail(ErrorCode::IoFailure,
                        QStringLiteral("Cannot read the workstation key \"%1\": %2")
                            .arg(path, n < 0 ? systemError() : QStringLiteral("unexpected end of file")));
        }
        got += static_cast<std::size_t>(n);
    }
    auto key = SecretKey::fromBytes(
        QByteArrayView(reinterpret_cast<const char*>(buffer.data()), static_cast<qsizetype>(buffer.size())));
    OPENSSL_cleanse(buffer.data(), buffer.size());
    return key;
}

} // namespace dokuei::security
