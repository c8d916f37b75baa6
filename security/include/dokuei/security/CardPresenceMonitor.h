#pragma once

#include <chrono>

#include <QObject>
#include <QString>
#include <QTimer>

namespace dokuei::security {

class Pkcs11Module;

/// Watches one card by serial number and emits cardRemoved() within one poll after it vanishes. Each poll
/// asks the module which tokens are present (C_GetSlotList + C_GetTokenInfo; no session, no PIN), on the
/// thread that owns the monitor (the GUI thread: a poll takes well under a millisecond with SoftHSM2).
/// Fails closed: when the module stops answering, that counts as a removal. After cardRemoved() the
/// monitor stops; start() again to watch a re-inserted card. The module must outlive the monitor.
class CardPresenceMonitor : public QObject
{
    Q_OBJECT

public:
    CardPresenceMonitor(Pkcs11Module& module, QString serial, QObject* parent = nullptr);
    ~CardPresenceMonitor() override;

    /// Starts (or restarts) polling. The bound is removal -> lock within 2 s: the 500 ms default
    /// leaves room for the lock itself.
    void start(std::chrono::milliseconds interval = std::chrono::milliseconds(500));
    void stop();
    bool isActive() const;
    QString serial() const;

signals:
    /// The card with this serial number is no longer present (or the module no longer answers).
    void cardRemoved();

private:
    void poll();

    Pkcs11Module& m_module;
    QString m_serial;
    QTimer m_timer;
};

} // namespace dokuei::security
