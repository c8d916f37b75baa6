#include "dokuei/security/CardPresenceMonitor.h"

#include "dokuei/security/Pkcs11Module.h"

namespace dokuei::security {

CardPresenceMonitor::CardPresenceMonitor(Pkcs11Module& module, QString serial, QObject* parent)
    : QObject(parent), m_module(module), m_serial(std::move(serial))
{
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &CardPresenceMonitor::poll);
}

CardPresenceMonitor::~CardPresenceMonitor() = default;

void CardPresenceMonitor::start(std::chrono::milliseconds interval)
{
    m_timer.start(interval);
}

void CardPresenceMonitor::stop()
{
    m_timer.stop();
}

bool CardPresenceMonitor::isActive() const
{
    return m_timer.isActive();
}

QString CardPresenceMonitor::serial() const
{
    return m_serial;
}

void CardPresenceMonitor::poll()
{
    const auto present = m_module.tokenPresent(m_serial);
    if (present && *present) {
        return;
    }
    m_timer.stop();
    emit cardRemoved();
}

} // namespace dokuei::security
