#pragma once

#include <expected>

#include <QMap>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace dokuei::integration {

// A demo or test user of the reading centre as `reading-center env` describes it.
struct ReadingCenterUser
{
    QString id;       // also the token label
    QString kind;     // qualified | revoked | expired | untrusted | unqualified
    QString pin;      // user PIN of the token
    QString authCert; // PEM file of the authentication certificate (key "auth", id 01 on the token)
    QString signCert; // PEM file of the signing certificate (key "sign", id 02 on the token)
    QString authKeyUri;
    QString signKeyUri;
};

// The running local reading centre (scripts/reading-center), read from `reading-center env --dir DIR`
// where DIR is $DOKUEI_STACK_DIR. Knows how to make curl talk mutual TLS with a user's card.
class ReadingCenterEnv
{
public:
    // Runs `<source>/scripts/reading-center env --dir $DOKUEI_STACK_DIR` and parses its export lines.
    // The error names the command and what it printed.
    static std::expected<ReadingCenterEnv, QString> load();

    // Parses `export K='V'` lines (V may contain '\'' sequences); other lines are ignored.
    static QMap<QString, QString> parseExports(const QByteArray& text);

    // The value of an exported variable; empty when absent.
    QString value(const QString& key) const { return m_vars.value(key); }
    bool contains(const QString& key) const { return m_vars.contains(key); }

    QString url() const { return value(QStringLiteral("DOKUEI_RC_URL")); }
    QString caFile() const { return value(QStringLiteral("DOKUEI_RC_CA")); }
    QString stackDir() const { return value(QStringLiteral("DOKUEI_STACK_DIR")); }
    QString script() const { return m_script; }
    ReadingCenterUser user(const QString& id) const;
    QStringList userIds() const;

    // Environment for child processes that use the cards: SOFTHSM2_CONF of this process's own copy of
    // every stack card (privateStoreConf) and an OPENSSL_CONF that loads the pkcs11 engine.
    QProcessEnvironment cardEnvironment() const;

    // The stack's master copy of the cards, which no SoftHSM2 process opens (DOKUEI_RC_TOKEN_MASTER;
    // for older stacks the tokendir of the stack's SOFTHSM2_CONF).
    QString tokenMaster() const;
    // A SoftHSM2 configuration for a store private to this test process holding copies of every card
    // in the master, made at the first call. SoftHSM2 rewrites the files of every token in a store each
    // time a process uses it, and a process reading a store another one is rewriting fails
    // (CKR_GENERAL_ERROR): tests that run in parallel never share a store. Empty on failure.
    QString privateStoreConf() const;

    // curl arguments for mutual TLS with the user's card key (pkcs11 engine, PIN in the URI) and
    // authentication certificate, trusting the demo CA.
    QStringList curlCardArgs(const QString& userId) const;
    // curl arguments for an anonymous TLS client (no certificate), trusting the demo CA.
    QStringList curlAnonymousArgs() const;

    // The user-id fragment used in variable names (dr.sato -> DR_SATO).
    static QString userKey(const QString& id);

private:
    QMap<QString, QString> m_vars;
    QString m_script;
};

} // namespace dokuei::integration
