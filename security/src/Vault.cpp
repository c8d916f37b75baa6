#include "dokuei/security/Vault.h"

#include "dokuei/security/SecureBuffer.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <limits>
#include <sqlcipher/sqlite3.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <QFile>
#include <QFileInfo>

#include <openssl/crypto.h>

namespace dokuei::security {
namespace {

struct StatementDeleter
{
    void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};
using Statement = std::unique_ptr<sqlite3_stmt, StatementDeleter>;

struct ConnectionDeleter
{
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Connection = std::unique_ptr<sqlite3, ConnectionDeleter>;

/// "x'<64 hex digits>'": SQLCipher's syntax for a raw key (no PBKDF2). Zeroed on destruction.
class RawKeyText
{
public:
    explicit RawKeyText(const SecretKey& key)
    {
        static constexpr char kHex[] = "0123456789abcdef";
        m_text[0] = 'x';
        m_text[1] = '\'';
        std::size_t at = 2;
        for (const std::uint8_t byte : key.bytes()) {
            m_text[at++] = kHex[byte >> 4];
            m_text[at++] = kHex[byte & 0x0f];
        }
        m_text[at] = '\'';
    }
    ~RawKeyText() { OPENSSL_cleanse(m_text.data(), m_text.size()); }
    RawKeyText(const RawKeyText&) = delete;
    RawKeyText& operator=(const RawKeyText&) = delete;
    const char* data() const { return m_text.data(); }
    int size() const { return static_cast<int>(kLength); }

private:
    static constexpr std::size_t kLength = 2 + 2 * SecretKey::kSize + 1;
    std::array<char, kLength + 1> m_text{};
};

extern "C" int sqlite3_key(sqlite3* db, const void* key, int keyLength);

/// Creates an empty file with mode 0600 unless something exists at `path` already, so that SQLite (which
/// would use 0644) never creates the vault readable by others.
Expected<void> createPrivateFile(const QString& path)
{
    const QByteArray name = QFile::encodeName(path);
    const int fd = ::open(name.constData(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0) {
        ::close(fd);
        return {};
    }
    if (errno == EEXIST) {
        return {};
    }
    return fail(ErrorCode::IoFailure, QStringLiteral("Cannot create the vault \"%1\": %2")
                                          .arg(path, QString::fromLocal8Bit(std::strerror(errno))));
}

} // namespace

struct Vault::Impl
{
    QString path;
    Connection db;
    std::thread::id owner;
    int depth = 0;
    qint64 savepointCounter = 0;
    std::vector<std::function<void()>> afterCommit;
    /// The key, for reopening the connection in releaseMemory() (SQLCipher's codec holds it as long
    /// anyway): locked, never-dumped memory of its own.
    SecureBuffer key;
    /// lastInsertRowId() and changes() of the connection closed by the last releaseMemory(), valid until
    /// the next statement.
    bool released = false;
    qint64 lastInsertRowIdBeforeRelease = 0;
    qint64 changesBeforeRelease = 0;
    qint64 releases = 0;

    Error error(int rc, const QString& what) const
    {
        const QString detail = QString::fromUtf8(sqlite3_errmsg(db.get()));
        const int primary = rc & 0xff;
        if (primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT) {
            return Error{ErrorCode::VaultCorrupt,
                         QStringLiteral("The vault \"%1\" failed authentication while %2 (%3): a page was "
                                        "altered or damaged. Restore it from a backup (dokuei-admin vault "
                                        "restore).")
                             .arg(path, what, detail)};
        }
        return Error{ErrorCode::VaultFailure,
                     QStringLiteral("Vault \"%1\": %2 failed: %3").arg(path, what, detail)};
    }

    Expected<void> checkThread() const
    {
        if (!db) {
            return fail(
                ErrorCode::VaultFailure,
                QStringLiteral("The vault \"%1\" could not be reopened after its memory was released: "
                               "restart the application")
                    .arg(path));
        }
        if (std::this_thread::get_id() != owner) {
            return fail(
                ErrorCode::VaultFailure,
                QStringLiteral("The vault \"%1\" was used from a thread other than the one that "
                               "opened it (a programming error: a vault connection is thread-confined)")
                    .arg(path));
        }
        return {};
    }

    Expected<Statement> prepare(const QByteArray& sql, const char** tail = nullptr)
    {
        sqlite3_stmt* raw = nullptr;
        const int rc =
            sqlite3_prepare_v2(db.get(), sql.constData(), static_cast<int>(sql.size()), &raw, tail);
        Statement statement(raw);
        if (rc != SQLITE_OK) {
            return std::unexpected(error(rc, QStringLiteral("preparing \"%1\"").arg(QString::fromUtf8(sql))));
        }
        return statement;
    }

    Expected<void> bind(sqlite3_stmt* statement, const QVariantList& params, const QString& sql)
    {
        const int expected = sqlite3_bind_parameter_count(statement);
        if (expected != params.size()) {
            return fail(ErrorCode::InvalidArgument, QStringLiteral("\"%1\" takes %2 parameters, %3 given")
                                                        .arg(sql)
                                                        .arg(expected)
                                                        .arg(params.size()));
        }
        for (int i = 0; i < params.size(); ++i) {
            const QVariant& value = params.at(i);
            const int index = i + 1;
            int rc = SQLITE_OK;
            if (value.isNull() && value.typeId() != QMetaType::QByteArray &&
                value.typeId() != QMetaType::QString) {
                rc = sqlite3_bind_null(statement, index);
            } else {
                switch (value.typeId()) {
                case QMetaType::Bool:
                case QMetaType::Int:
                case QMetaType::UInt:
                case QMetaType::LongLong:
                case QMetaType::Long:
                case QMetaType::Short:
                case QMetaType::UShort:
                    rc = sqlite3_bind_int64(statement, index, value.toLongLong());
                    break;
                case QMetaType::ULongLong:
                case QMetaType::ULong: {
                    const qulonglong unsignedValue = value.toULongLong();
                    if (unsignedValue > static_cast<qulonglong>(std::numeric_limits<qint64>::max())) {
                        return fail(ErrorCode::InvalidArgument,
                                    QStringLiteral("Parameter %1 of \"%2\" does not fit a 64-bit integer")
                                        .arg(index)
                                        .arg(sql));
                    }
                    rc = sqlite3_bind_int64(statement, index, static_cast<sqlite3_int64>(unsignedValue));
                    break;
                }
                case QMetaType::Double:
                case QMetaType::Float:
                    rc = sqlite3_bind_double(statement, index, value.toDouble());
                    break;
                case QMetaType::QString: {
                    if (value.toString().isNull()) {
                        rc = sqlite3_bind_null(statement, index);
                        break;
                    }
                    const QByteArray text = value.toString().toUtf8();
                    rc = sqlite3_bind_text64(statement, index, text.constData(),
                                             static_cast<sqlite3_uint64>(text.size()), SQLITE_TRANSIENT,
                                             SQLITE_UTF8);
                    break;
                }
                case QMetaType::QByteArray: {
                    const QByteArray blob = value.toByteArray();
                    if (blob.isNull()) {
                        rc = sqlite3_bind_null(statement, index);
                        break;
                    }
                    rc = sqlite3_bind_blob64(statement, index, blob.constData(),
                                             static_cast<sqlite3_uint64>(blob.size()), SQLITE_TRANSIENT);
                    break;
                }
                default:
                    return fail(
                        ErrorCode::InvalidArgument,
                        QStringLiteral("Parameter %1 of \"%2\" has type %3, which a vault cannot store "
                                       "(use null, integer, double, QString or QByteArray)")
                            .arg(index)
                            .arg(sql, QString::fromLatin1(value.metaType().name())));
                }
            }
            if (rc != SQLITE_OK) {
                return std::unexpected(
                    error(rc, QStringLiteral("binding parameter %1 of \"%2\"").arg(index).arg(sql)));
            }
        }
        return {};
    }

    static QVariant column(sqlite3_stmt* statement, int index)
    {
        switch (sqlite3_column_type(statement, index)) {
        case SQLITE_INTEGER:
            return QVariant(static_cast<qint64>(sqlite3_column_int64(statement, index)));
        case SQLITE_FLOAT:
            return QVariant(sqlite3_column_double(statement, index));
        case SQLITE_TEXT: {
            const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, index));
            return QVariant(QString::fromUtf8(text, sqlite3_column_bytes(statement, index)));
        }
        case SQLITE_BLOB: {
            const auto* data = static_cast<const char*>(sqlite3_column_blob(statement, index));
            const int size = sqlite3_column_bytes(statement, index);
            return QVariant(size > 0 ? QByteArray(data, size) : QByteArray(""));
        }
        default:
            return QVariant();
        }
    }

    Expected<QList<QVariantList>> run(const QString& sql, const QVariantList& params, bool collect)
    {
        if (auto onThread = checkThread(); !onThread) {
            return std::unexpected(onThread.error());
        }
        released = false;
        const QByteArray utf8 = sql.toUtf8();
        QList<QVariantList> rows;
        const char* tail = utf8.constData();
        const char* end = utf8.constData() + utf8.size();
        bool first = true;
        while (tail < end) {
            const QByteArray remaining(tail, end - tail);
            const char* nextTail = nullptr;
            auto statement = prepare(remaining, &nextTail);
            if (!statement) {
                return std::unexpected(statement.error());
            }
            tail += nextTail - remaining.constData();
            if (!*statement) {
                continue; // whitespace or a comment
            }
            if (!first && !params.isEmpty()) {
                return fail(
                    ErrorCode::InvalidArgument,
                    QStringLiteral("Parameters can only be bound to a single statement: \"%1\"").arg(sql));
            }
            first = false;
            if (auto bound = bind(statement->get(), params, sql); !bound) {
                return std::unexpected(bound.error());
            }
            const int columns = sqlite3_column_count(statement->get());
            for (;;) {
                const int rc = sqlite3_step(statement->get());
                if (rc == SQLITE_DONE) {
                    break;
                }
                if (rc != SQLITE_ROW) {
                    return std::unexpected(error(rc, QStringLiteral("running \"%1\"").arg(sql)));
                }
                if (collect) {
                    QVariantList row;
                    row.reserve(columns);
                    for (int c = 0; c < columns; ++c) {
                        row << column(statement->get(), c);
                    }
                    rows << row;
                }
            }
            if (collect) {
                if (tail < end && !QByteArray(tail, end - tail).trimmed().isEmpty()) {
                    return fail(ErrorCode::InvalidArgument,
                                QStringLiteral("query() runs one statement only: \"%1\"").arg(sql));
                }
                break;
            }
        }
        return rows;
    }

    Expected<void> plain(const char* sql)
    {
        released = false;
        char* message = nullptr;
        const int rc = sqlite3_exec(db.get(), sql, nullptr, nullptr, &message);
        if (rc != SQLITE_OK) {
            sqlite3_free(message);
            return std::unexpected(error(rc, QString::fromLatin1(sql)));
        }
        return {};
    }

    /// Opens the connection on `path` with `key` and applies the vault's settings.
    Expected<void> connect(const SecretKey& connectKey, bool isNew)
    {
        sqlite3* raw = nullptr;
        const QByteArray name = QFile::encodeName(path);
        const int rc =
            sqlite3_open_v2(name.constData(), &raw,
                            SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_PRIVATECACHE, nullptr);
        db.reset(raw);
        if (rc != SQLITE_OK) {
            auto failure = error(rc, QStringLiteral("opening"));
            db.reset();
            return std::unexpected(failure);
        }
        sqlite3_extended_result_codes(raw, 1);
        {
            const RawKeyText text(connectKey);
            if (const int keyed = sqlite3_key(raw, text.data(), text.size()); keyed != SQLITE_OK) {
                auto failure = error(keyed, QStringLiteral("setting the key"));
                db.reset();
                return std::unexpected(failure);
            }
        }
        // Before the first read: a reopen (releaseMemory) waits for another process's write to finish.
        sqlite3_busy_timeout(raw, 5000);
        // The first read authenticates page 1: a wrong key and a damaged first page look the same to
        // SQLCipher.
        char* message = nullptr;
        const int readable =
            sqlite3_exec(raw, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, &message);
        sqlite3_free(message);
        if (readable != SQLITE_OK) {
            const int primary = readable & 0xff;
            if (primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT) {
                db.reset();
                return fail(
                    ErrorCode::VaultKeyInvalid,
                    QStringLiteral("The key does not open the vault \"%1\": the key is wrong, the file is "
                                   "not a dokuei vault, or its first page is damaged. Check that the right "
                                   "key file belongs to this vault, or restore from a backup.")
                        .arg(path));
            }
            auto failure = error(readable, QStringLiteral("reading the first page"));
            db.reset();
            return std::unexpected(failure);
        }
        // secure_delete: freed pages are overwritten (with ciphertext of zeros), temp_store: sorts and
        // temporary tables never go to disk.
        if (auto settings = plain("PRAGMA secure_delete = ON; PRAGMA temp_store = MEMORY; "
                                  "PRAGMA foreign_keys = ON;");
            !settings) {
            db.reset();
            return settings;
        }
        if (isNew) {
            // Writes page 1 now, so that the new file is a keyed vault from the start ('dkei').
            if (auto initialised = plain("PRAGMA application_id = 1684761961"); !initialised) {
                db.reset();
                return initialised;
            }
        }
        return {};
    }
};

Vault::Vault(std::unique_ptr<Impl> impl) : m_impl(std::move(impl))
{}

Vault::~Vault() = default;

Expected<std::unique_ptr<Vault>> Vault::open(const QString& path, const SecretKey& key)
{
    if (path.isEmpty()) {
        return fail(ErrorCode::InvalidArgument, QStringLiteral("Vault::open: the path is empty"));
    }
    if (key.isNull()) {
        return fail(ErrorCode::VaultKeyInvalid,
                    QStringLiteral("Vault \"%1\": refusing to open with an all-zero key").arg(path));
    }
    const QFileInfo info(path);
    if (info.exists() && !info.isFile()) {
        return fail(ErrorCode::VaultFailure,
                    QStringLiteral("The vault \"%1\" is not a regular file").arg(path));
    }
    const bool isNew = !info.exists() || info.size() == 0;
    if (auto created = createPrivateFile(path); !created) {
        return std::unexpected(created.error());
    }
    auto impl = std::make_unique<Impl>();
    impl->path = path;
    impl->owner = std::this_thread::get_id();
    auto kept = SecureBuffer::allocate(SecretKey::kSize);
    if (!kept) {
        return std::unexpected(kept.error());
    }
    impl->key = std::move(*kept);
    std::memcpy(impl->key.data(), key.bytes().data(), SecretKey::kSize);
    if (auto connected = impl->connect(key, isNew); !connected) {
        return std::unexpected(connected.error());
    }
    return std::unique_ptr<Vault>(new Vault(std::move(impl)));
}

Expected<void> Vault::exec(const QString& sql, const QVariantList& params)
{
    auto result = m_impl->run(sql, params, false);
    if (!result) {
        return std::unexpected(result.error());
    }
    return {};
}

Expected<QList<QVariantList>> Vault::query(const QString& sql, const QVariantList& params)
{
    return m_impl->run(sql, params, true);
}

qint64 Vault::lastInsertRowId() const
{
    if (m_impl->released || !m_impl->db) {
        return m_impl->lastInsertRowIdBeforeRelease;
    }
    return sqlite3_last_insert_rowid(m_impl->db.get());
}

qint64 Vault::changes() const
{
    if (m_impl->released || !m_impl->db) {
        return m_impl->changesBeforeRelease;
    }
    return sqlite3_changes(m_impl->db.get());
}

Expected<void> Vault::transaction(const std::function<Expected<void>()>& body)
{
    if (auto onThread = m_impl->checkThread(); !onThread) {
        return onThread;
    }
    const bool outermost = m_impl->depth == 0;
    const QByteArray savepoint = "dokuei_sp" + QByteArray::number(++m_impl->savepointCounter);
    if (outermost) {
        if (auto begun = m_impl->plain("BEGIN IMMEDIATE"); !begun) {
            return begun;
        }
    } else if (auto begun = m_impl->plain(("SAVEPOINT " + savepoint).constData()); !begun) {
        return begun;
    }
    const std::size_t pendingBefore = m_impl->afterCommit.size();
    ++m_impl->depth;
    Expected<void> result = body();
    --m_impl->depth;
    if (result) {
        result = outermost ? m_impl->plain("COMMIT") : m_impl->plain(("RELEASE " + savepoint).constData());
    }
    if (!result) {
        if (outermost) {
            (void)m_impl->plain("ROLLBACK");
        } else {
            (void)m_impl->plain(("ROLLBACK TO " + savepoint + "; RELEASE " + savepoint).constData());
        }
        m_impl->afterCommit.resize(pendingBefore);
        return result;
    }
    if (outermost) {
        auto actions = std::move(m_impl->afterCommit);
        m_impl->afterCommit.clear();
        for (auto& action : actions) {
            action();
        }
    }
    return {};
}

bool Vault::inTransaction() const
{
    return m_impl->depth > 0;
}

void Vault::afterCommit(std::function<void()> action)
{
    if (m_impl->depth == 0) {
        action();
        return;
    }
    m_impl->afterCommit.push_back(std::move(action));
}

Expected<void> Vault::checkIntegrity()
{
    auto rows = query(QStringLiteral("PRAGMA integrity_check"));
    if (!rows) {
        return std::unexpected(rows.error());
    }
    QStringList findings;
    for (const auto& row : *rows) {
        if (!row.isEmpty()) {
            findings << row.first().toString();
        }
    }
    if (findings != QStringList{QStringLiteral("ok")}) {
        return fail(ErrorCode::VaultCorrupt,
                    QStringLiteral("The vault \"%1\" failed its integrity check: %2")
                        .arg(m_impl->path, findings.mid(0, 5).join(QStringLiteral("; "))));
    }
    return {};
}

Expected<void> Vault::exportTo(const QString& path, const SecretKey& key)
{
    if (auto onThread = m_impl->checkThread(); !onThread) {
        return onThread;
    }
    if (m_impl->depth > 0) {
        return fail(
            ErrorCode::VaultFailure,
            QStringLiteral("Vault \"%1\": exportTo cannot run inside a transaction").arg(m_impl->path));
    }
    if (QFileInfo::exists(path)) {
        return fail(ErrorCode::IoFailure,
                    QStringLiteral("Cannot export the vault to \"%1\": the file exists").arg(path));
    }
    if (auto created = createPrivateFile(path); !created) {
        return created;
    }
    const RawKeyText text(key);
    const QVariantList params{path, QByteArray(text.data(), text.size())};
    if (auto attached = exec(QStringLiteral("ATTACH DATABASE ? AS dokuei_export KEY ?"), params); !attached) {
        QFile::remove(path);
        return attached;
    }
    // BEGIN IMMEDIATE keeps other writers out, so the copy is one consistent state.
    auto exported = m_impl->plain("BEGIN IMMEDIATE; SELECT sqlcipher_export('dokuei_export'); COMMIT;");
    if (!exported) {
        (void)m_impl->plain("ROLLBACK");
    }
    auto detached = m_impl->plain("DETACH DATABASE dokuei_export");
    if (!exported || !detached) {
        QFile::remove(path);
        return !exported ? exported : detached;
    }
    return {};
}

Expected<std::size_t> Vault::releaseMemory()
{
    Impl& impl = *m_impl;
    if (auto onThread = impl.checkThread(); !onThread) {
        return std::unexpected(onThread.error());
    }
    if (impl.depth > 0) {
        return fail(ErrorCode::VaultFailure,
                    QStringLiteral("Vault \"%1\": its memory cannot be released inside a transaction")
                        .arg(impl.path));
    }
    if (sqlite3_next_stmt(impl.db.get(), nullptr) != nullptr) {
        return fail(
            ErrorCode::VaultFailure,
            QStringLiteral("Vault \"%1\": a statement is still running, its memory cannot be released")
                .arg(impl.path));
    }
    // What the connection holds: decrypted pages (the page cache), the schema and statements.
    std::size_t held = 0;
    for (const int what :
         {SQLITE_DBSTATUS_CACHE_USED, SQLITE_DBSTATUS_SCHEMA_USED, SQLITE_DBSTATUS_STMT_USED}) {
        int current = 0;
        int highest = 0;
        if (sqlite3_db_status(impl.db.get(), what, &current, &highest, 0) == SQLITE_OK && current > 0) {
            held += static_cast<std::size_t>(current);
        }
    }
    if (!impl.released) {
        impl.lastInsertRowIdBeforeRelease = sqlite3_last_insert_rowid(impl.db.get());
        impl.changesBeforeRelease = sqlite3_changes(impl.db.get());
    }
    // Closing frees all of it (glibc's free, which the zeroing free zeroes: SQLCipher 3.4.1 does not wipe
    // SQLite's allocations itself, only its own key and page buffers); shrinking the cache alone would keep
    // the page cache's bulk allocation, the codec's last decrypted page and the B-tree's cell buffer.
    impl.db.reset();
    auto key = SecretKey::fromBytes(QByteArrayView(reinterpret_cast<const char*>(impl.key.data()),
                                                   static_cast<qsizetype>(impl.key.size())));
    if (!key) {
        return std::unexpected(key.error());
    }
    if (auto reopened = impl.connect(*key, false); !reopened) {
        return std::unexpected(reopened.error());
    }
    impl.released = true;
    ++impl.releases;
    return held;
}

qint64 Vault::memoryReleases() const
{
    return m_impl->releases;
}

QString Vault::wipeName() const
{
    return QStringLiteral("vault page cache (%1)").arg(QFileInfo(m_impl->path).fileName());
}

std::size_t Vault::wipe()
{
    if (m_impl->depth > 0) {
        // Inside a transaction (a wipe from a transaction's body): as soon as it ends.
        afterCommit([this] { (void)releaseMemory(); });
        return 0;
    }
    auto released = releaseMemory();
    return released ? *released : 0;
}

QString Vault::cipherVersion() const
{
    auto rows = m_impl->run(QStringLiteral("PRAGMA cipher_version"), {}, true);
    if (!rows || rows->isEmpty() || rows->first().isEmpty()) {
        return {};
    }
    return rows->first().first().toString();
}

QString Vault::path() const
{
    return m_impl->path;
}

} // namespace dokuei::security
