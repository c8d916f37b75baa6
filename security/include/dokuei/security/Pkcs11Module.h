#pragma once

#include "dokuei/common/Error.h"

#include <memory>

#include <QString>
#include <QStringList>

namespace dokuei::security {

/// A token (smart card) seen in a slot of a PKCS#11 module.
struct Pkcs11TokenInfo
{
    QString label;
    QString serialNumber;
    QString manufacturer;
    bool userPinSet = false;
    bool userPinCountLow = false;
    bool userPinFinalTry = false;
    bool userPinLocked = false;
};

/// A loaded PKCS#11 module (the smart card middleware: OpenSC, the card vendor's module, or SoftHSM2 in
/// tests). Loading calls C_Initialize; destruction calls C_Finalize and unloads the library.
class Pkcs11Module
{
public:
    ~Pkcs11Module();
    Pkcs11Module(const Pkcs11Module&) = delete;
    Pkcs11Module& operator=(const Pkcs11Module&) = delete;

    /// Loads the module at an absolute path. Fails with Pkcs11ModuleUnavailable naming the path when the
    /// file is missing, is not a PKCS#11 module, or its C_Initialize fails (the message includes OpenSSL's
    /// / libp11's reason).
    static Expected<std::unique_ptr<Pkcs11Module>> load(const QString& path);

    QString path() const;
    /// Manufacturer and description from C_GetInfo.
    QString manufacturer() const;
    QString description() const;

    /// Enumerates the slots now and returns the tokens present (cards inserted).
    Expected<QList<Pkcs11TokenInfo>> tokens() const;

private:
    struct Impl;
    explicit Pkcs11Module(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace dokuei::security
