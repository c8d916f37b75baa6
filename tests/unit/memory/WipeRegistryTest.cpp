#include "dokuei/security/WipeRegistry.h"

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace dokuei::security {
namespace {

class FakeHolder : public IWipeable
{
public:
    FakeHolder(QString name, std::size_t bytes) : m_name(std::move(name)), m_bytes(bytes) {}
    QString wipeName() const override { return m_name; }
    std::size_t wipe() override
    {
        ++m_wipes;
        return std::exchange(m_bytes, 0);
    }
    int wipes() const { return m_wipes; }

private:
    QString m_name;
    std::size_t m_bytes;
    std::atomic<int> m_wipes{0};
};

TEST(WipeRegistry, WipesEveryRegisteredComponentAndReports)
{
    WipeRegistry registry;
    FakeHolder cache(QStringLiteral("series cache"), 1000);
    FakeHolder patient(QStringLiteral("patient context"), 24);
    registry.add(&cache);
    registry.add(&patient);
    EXPECT_EQ(registry.size(), 2);

    const WipeReport report = registry.wipeAll();
    EXPECT_EQ(report.bytesWiped, 1024u);
    EXPECT_EQ(report.components, 2);
    EXPECT_EQ(report.names, QStringList({QStringLiteral("series cache"), QStringLiteral("patient context")}));
    EXPECT_GE(report.duration.count(), 0);
    EXPECT_EQ(cache.wipes(), 1);
    EXPECT_EQ(patient.wipes(), 1);

    // Components stay registered; a second lock finds nothing left to wipe.
    const WipeReport second = registry.wipeAll();
    EXPECT_EQ(second.bytesWiped, 0u);
    EXPECT_EQ(second.components, 2);
    EXPECT_EQ(cache.wipes(), 2);
}

TEST(WipeRegistry, IgnoresNullAndDuplicatesAndRemovesOnlyWhatIsRegistered)
{
    WipeRegistry registry;
    FakeHolder holder(QStringLiteral("report draft"), 10);
    FakeHolder stranger(QStringLiteral("never registered"), 10);
    registry.add(nullptr);
    registry.add(&holder);
    registry.add(&holder);
    EXPECT_EQ(registry.size(), 1);
    registry.remove(&stranger);
    registry.remove(nullptr);
    EXPECT_EQ(registry.size(), 1);

    EXPECT_EQ(registry.wipeAll().bytesWiped, 10u);
    EXPECT_EQ(holder.wipes(), 1);
    EXPECT_EQ(stranger.wipes(), 0);

    registry.remove(&holder);
    EXPECT_EQ(registry.size(), 0);
    const WipeReport empty = registry.wipeAll();
    EXPECT_EQ(empty.components, 0);
    EXPECT_TRUE(empty.names.isEmpty());
    EXPECT_EQ(holder.wipes(), 1);
}

TEST(WipeRegistration, RegistersForItsLifetime)
{
    WipeRegistry registry;
    FakeHolder holder(QStringLiteral("key images"), 5);
    {
        const WipeRegistration registration(registry, &holder);
        EXPECT_EQ(registry.size(), 1);
    }
    EXPECT_EQ(registry.size(), 0);
    EXPECT_EQ(registry.wipeAll().components, 0);
    EXPECT_EQ(holder.wipes(), 0);
}

/// A holder that, when wiped, drops a child holder it owns (which unregisters itself on the same thread).
class ParentHolder : public IWipeable
{
public:
    explicit ParentHolder(WipeRegistry& registry) : m_registry(registry)
    {
        m_child = std::make_unique<FakeHolder>(QStringLiteral("child"), 7);
        m_childRegistration = std::make_unique<WipeRegistration>(registry, m_child.get());
    }
    QString wipeName() const override { return QStringLiteral("parent"); }
    std::size_t wipe() override
    {
        m_childRegistration.reset();
        m_child.reset();
        return 3;
    }

private:
    WipeRegistry& m_registry;
    std::unique_ptr<FakeHolder> m_child;
    std::unique_ptr<WipeRegistration> m_childRegistration;
};

TEST(WipeRegistry, AComponentMayUnregisterAnotherWhileBeingWiped)
{
    WipeRegistry registry;
    ParentHolder parent(registry); // registers its child first
    const WipeRegistration registration(registry, &parent);
    ASSERT_EQ(registry.size(), 2);
    // Child first, then parent drops it: both wiped, the destroyed child is not called again.
    const WipeReport report = registry.wipeAll();
    EXPECT_EQ(report.components, 2);
    EXPECT_EQ(report.bytesWiped, 10u);
    EXPECT_EQ(registry.size(), 1);
    EXPECT_EQ(registry.wipeAll().bytesWiped, 3u);
}

TEST(WipeRegistry, SurvivesConcurrentRegistrationAndWiping)
{
    WipeRegistry registry;
    FakeHolder permanent(QStringLiteral("permanent"), 1);
    registry.add(&permanent);
    std::atomic<bool> stop{false};
    std::vector<std::thread> churners;
    for (int t = 0; t < 4; ++t) {
        churners.emplace_back([&registry, &stop] {
            while (!stop.load()) {
                FakeHolder transient(QStringLiteral("transient"), 100);
                const WipeRegistration registration(registry, &transient);
                std::this_thread::yield();
            }
        });
    }
    int wipes = 0;
    for (int i = 0; i < 2000; ++i) {
        const WipeReport report = registry.wipeAll();
        ASSERT_GE(report.components, 1);
        ASSERT_EQ(report.names.size(), report.components);
        ++wipes;
    }
    stop = true;
    for (std::thread& thread : churners) {
        thread.join();
    }
    EXPECT_EQ(registry.size(), 1);
    EXPECT_EQ(permanent.wipes(), wipes);
}

} // namespace
} // namespace dokuei::security
