#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <vector>

#include <QString>
#include <QStringList>

namespace dokuei::security {

/// A component that holds patient data (pixels, names, report text) and can drop it when the session locks.
class IWipeable
{
public:
    virtual ~IWipeable() = default;
    /// What the component is, for the lock report ("series cache"). Never patient data itself.
    virtual QString wipeName() const = 0;
    /// Zeroes and releases everything the component holds; returns the number of bytes zeroed. Must not
    /// block on I/O or the network. May be called more than once (the second call finds nothing).
    virtual std::size_t wipe() = 0;
};

/// What one WipeRegistry::wipeAll() did.
struct WipeReport
{
    std::size_t bytesWiped = 0;
    int components = 0;
    std::chrono::microseconds duration{0};
    /// wipeName() of each component wiped, in registration order.
    QStringList names;
};

/// Every holder of patient data registers here; wipeAll() (on lock, sign-out, card removal) zeroes and
/// releases all of it and reports what it did. Built once in the composition root and passed in.
///
/// Thread-safe: add(), remove() and wipeAll() may be called from any thread. remove() waits for a wipeAll()
/// in progress on another thread, so a component that removes itself in its destructor (WipeRegistration)
/// is never wiped after it is gone. A component's wipe() may itself add or remove components.
class WipeRegistry
{
public:
    WipeRegistry();
    ~WipeRegistry();
    WipeRegistry(const WipeRegistry&) = delete;
    WipeRegistry& operator=(const WipeRegistry&) = delete;

    /// Registers a component; a null pointer or one already registered is ignored.
    void add(IWipeable* component);
    /// Unregisters a component; one not registered is ignored.
    void remove(IWipeable* component);
    int size() const;

    /// Calls wipe() on every registered component (they stay registered), timing the whole pass.
    WipeReport wipeAll();

private:
    mutable std::recursive_mutex m_mutex;
    std::vector<IWipeable*> m_components;
};

/// Registration for the lifetime of a scope or of the owning object: adds in the constructor, removes in
/// the destructor.
class WipeRegistration
{
public:
    WipeRegistration(WipeRegistry& registry, IWipeable* component);
    ~WipeRegistration();
    WipeRegistration(const WipeRegistration&) = delete;
    WipeRegistration& operator=(const WipeRegistration&) = delete;

private:
    WipeRegistry& m_registry;
    IWipeable* m_component;
};

} // namespace dokuei::security
