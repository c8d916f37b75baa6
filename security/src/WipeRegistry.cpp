#include "dokuei/security/WipeRegistry.h"

#include <algorithm>

namespace dokuei::security {

WipeRegistry::WipeRegistry() = default;

WipeRegistry::~WipeRegistry() = default;

void WipeRegistry::add(IWipeable* component)
{
    if (component == nullptr) {
        return;
    }
    const std::lock_guard lock(m_mutex);
    if (std::ranges::find(m_components, component) == m_components.end()) {
        m_components.push_back(component);
    }
}

void WipeRegistry::remove(IWipeable* component)
{
    const std::lock_guard lock(m_mutex);
    std::erase(m_components, component);
}

int WipeRegistry::size() const
{
    const std::lock_guard lock(m_mutex);
    return static_cast<int>(m_components.size());
}

WipeReport WipeRegistry::wipeAll()
{
    const auto start = std::chrono::steady_clock::now();
    WipeReport report;
    {
        // Recursive: a component's wipe() may add or remove components (its own children) on this thread.
        // Hence the snapshot, and the check that each component is still registered before it is called.
        const std::lock_guard lock(m_mutex);
        const std::vector<IWipeable*> snapshot = m_components;
        for (IWipeable* component : snapshot) {
            if (std::ranges::find(m_components, component) == m_components.end()) {
                continue;
            }
            report.bytesWiped += component->wipe();
            report.names << component->wipeName();
            ++report.components;
        }
    }
    report.duration =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
    return report;
}

WipeRegistration::WipeRegistration(WipeRegistry& registry, IWipeable* component)
    : m_registry(registry), m_component(component)
{
    m_registry.add(m_component);
}

WipeRegistration::~WipeRegistration()
{
    m_registry.remove(m_component);
}

} // namespace dokuei::security
