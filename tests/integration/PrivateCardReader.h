#pragma once

#include "ReadingCenterEnv.h"

#include <QString>
#include <QStringList>
#include <QTemporaryDir>

namespace dokuei::integration {

/// A card reader for one test: a private SoftHSM2 store (selected through SOFTHSM2_CONF for this process)
/// that holds copies of exactly the stack's tokens "inserted", taken from the stack's master copy that no
/// SoftHSM2 process opens (ReadingCenterEnv::tokenMaster). Copies keep wrong PINs away from the stack's
/// own tokens and parallel tests out of each other's stores; removing a copy makes the card vanish for a
/// running process within one presence poll, and a card inserted later is seen after the PKCS#11 module is
/// re-initialised (as with SoftHSM2's
/// --delete-token / --init-token).
class PrivateCardReader
{
public:
    /// Finds the stack's master copy of the cards and points this process at an empty reader.
    explicit PrivateCardReader(const ReadingCenterEnv& env);
    ~PrivateCardReader();

    /// Empty when the reader is usable, otherwise what went wrong.
    QString error() const { return m_error; }

    /// Inserts a copy of the stack token with this label (the user ID). Returns false if there is none.
    bool insert(const QString& label);
    /// Removes the inserted copy of this token.
    bool remove(const QString& label);
    /// Exactly these cards and no others.
    bool insertOnly(const QStringList& labels);

private:
    QString stackTokenDir(const QString& label) const;

    QTemporaryDir m_dir;
    QString m_stackTokens;
    QString m_tokens;
    QString m_error;
};

} // namespace dokuei::integration
