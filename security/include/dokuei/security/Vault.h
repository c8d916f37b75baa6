#pragma once

#include "dokuei/common/Error.h"
#include "dokuei/security/SecretKey.h"
#include "dokuei/security/WipeRegistry.h"

#include <functional>
#include <memory>

#include <QList>
#include <QString>
#include <QVariant>

namespace dokuei::security {

/// An encrypted SQLite database: SQLCipher 3.4.1 (AES-256-CBC pages, HMAC-SHA1 per page) opened with a
/// raw 256-bit key (`x'..'`), never a passphrase, so SQLCipher's own PBKDF2 is not the key derivation.
///
/// Thread-confined: one connection, used only on the thread that opened it (other threads get
/// VaultFailure). Parameters bind as QVariant: null, bool/int/qint64 (INTEGER), double (REAL), QString
/// (TEXT, UTF-8), QByteArray (BLOB); any other type fails with InvalidArgument. Results come back as
/// qint64, double, QString, QByteArray or a null QVariant.
///
/// Decrypted data in memory: the vault keeps no rows of its own (what query() returns is the caller's);
/// the connection's page cache holds decrypted pages until releaseMemory(), which every holder of patient
/// data in a vault calls once it is done (the audit trail after each use) and the wipe at lock and sign-out
/// calls through IWipeable (register the vault with the WipeRegistry).
class Vault : public IWipeable
{
public:
    /// Opens the vault at `path` with `key`, creating it (file mode 0600) when missing. Fails with
    /// VaultKeyInvalid when the key does not open it (wrong key, not a vault, or its first page damaged),
    /// VaultCorrupt when a page fails authentication, and VaultFailure or IoFailure otherwise; each message
    /// names the path.
    static Expected<std::unique_ptr<Vault>> open(const QString& path, const SecretKey& key);
    ~Vault() override;
    Vault(const Vault&) = delete;
    Vault& operator=(const Vault&) = delete;

    /// Runs one statement with parameters, or (without parameters) a script of several statements.
    Expected<void> exec(const QString& sql, const QVariantList& params = {});
    /// Runs one statement and returns every row.
    Expected<QList<QVariantList>> query(const QString& sql, const QVariantList& params = {});
    qint64 lastInsertRowId() const;
    /// Number of rows changed by the last INSERT, UPDATE or DELETE.
    qint64 changes() const;

    /// Runs `body` in a transaction: BEGIN IMMEDIATE .. COMMIT, or ROLLBACK when the body (or the commit)
    /// fails; the body's error is returned. Nested calls use savepoints, so a failing inner body undoes
    /// only its own work.
    Expected<void> transaction(const std::function<Expected<void>()>& body);
    /// True inside transaction().
    bool inTransaction() const;
    /// Runs `action` once the outermost transaction has committed (immediately when none is open);
    /// dropped when it rolls back. For side effects outside the database that must only follow a commit.
    void afterCommit(std::function<void()> action);

    /// `PRAGMA integrity_check` (which reads, and so authenticates, every page): ok or VaultCorrupt with
    /// SQLite's first findings.
    Expected<void> checkIntegrity();
    /// Writes a consistent copy of the whole database to a new file at `path` encrypted under `key`
    /// (SQLCipher's sqlcipher_export). Fails if `path` exists.
    Expected<void> exportTo(const QString& path, const SecretKey& key);

    /// Releases every decrypted page and buffer the connection holds: closes it (SQLite frees its page
    /// cache, schema, codec and B-tree buffers, which the zeroing free zeroes) and opens it again with the
    /// same key. Returns the bytes the connection held (page cache, schema, statements). lastInsertRowId()
    /// and changes() keep their values until the next statement. Fails with VaultFailure inside a
    /// transaction, on another thread, or when the vault cannot be reopened (then every later call fails).
    /// About a millisecond; run it after using patient data, not per row.
    Expected<std::size_t> releaseMemory();
    /// How many times releaseMemory() succeeded (for tests and diagnostics).
    qint64 memoryReleases() const;

    /// IWipeable: "vault page cache (<file name>)".
    QString wipeName() const override;
    /// releaseMemory(), or, inside a transaction, as soon as it ends (returning 0); 0 when it fails.
    std::size_t wipe() override;

    /// `PRAGMA cipher_version` ("3.4.1" here).
    QString cipherVersion() const;
    QString path() const;

private:
    struct Impl;
    explicit Vault(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace dokuei::security
