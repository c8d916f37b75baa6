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
/// tests). Loading calls C_Initialize; destruction calls C_Finalize and unloads the library. libp11 loads and
/// initialises the module; slots, tokens and card operations (SmartCard, CardPresenceMonitor) use the
/// module's own PKCS#11 function list, so that listing tokens never closes another part's sessions.
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

    /// Enumerates the slots now and returns the tokens present (cards inserted). Opens and closes no session.
    Expected<QList<Pkcs11TokenInfo>> tokens() const;

    /// True when a token with this serial number is present now (C_GetSlotList + C_GetTokenInfo, no
    /// session). Pkcs11Failure when the module does not answer.
    Expected<bool> tokenPresent(const QString& serialNumber) const;

    /// Re-initialises the module (C_Finalize, C_Initialize). Needed to see a card inserted after loading:
    /// many modules (SoftHSM2 among them) only scan for tokens in C_Initialize. Every SmartCard opened
    /// before becomes stale (its operations fail with CardAbsent; open it again), and every session of the
    /// module in this process ends, including the OpenSSL pkcs11 engine's. Pkcs11ModuleUnavailable when the
    /// module does not initialise again (then this object is unusable until a later reload succeeds).
    Expected<void> reload();

private:
    friend struct Pkcs11ModuleAccess;
    struct Impl;
    explicit Pkcs11Module(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace dokuei::security
