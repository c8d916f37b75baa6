#include "dokuei/security/Session.h"

#include "dokuei/security/WipeRegistry.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

#include <gtest/gtest.h>

namespace {

using dokuei::security::Session;
using dokuei::security::SessionIdentity;
using dokuei::security::SessionSummary;
using dokuei::security::WipeRegistry;
using namespace std::chrono_literals;

/// A PHI holder that counts how often it was wiped and what it held.
class FakeHolder : public dokuei::security::IWipeable
{
public:
    QString wipeName() const override { return QStringLiteral("fake holder"); }
    std::size_t wipe() override
    {
        ++wipes;
        const std::size_t bytes = held;
        held = 0;
        return bytes;
    }
    std::size_t held = 1000;
    int wipes = 0;
};

class SessionTest : public ::testing::Test
{
protected:
    static void SetUpTestSuite()
    {
        if (!QCoreApplication::instance()) {
            static int argc = 1;
            static char name[] = "session-tests";
            static char* argv[] = {name, nullptr};
            static QCoreApplication app(argc, argv);
        }
    }

    SessionIdentity sato() const
    {
        return {QStringLiteral("dr.sato"), QStringLiteral("Sato Hanako"), QStringLiteral("radiologist"),
                QStringLiteral("serial-1"), QStringLiteral("ab12")};
    }

    WipeRegistry m_registry;
    FakeHolder m_holder;
};

TEST_F(SessionTest, BeginsActiveWithANewSessionId)
{
    Session session(m_registry);
    EXPECT_EQ(session.state(), Session::State::SignedOut);
    session.begin(sato());
    EXPECT_EQ(session.state(), Session::State::Active);
    EXPECT_EQ(session.identity().userId, QStringLiteral("dr.sato"));
    const QString first = session.sessionId();
    EXPECT_FALSE(first.isEmpty());
    session.end(Session::EndReason::SignOut);
    session.begin(sato());
    EXPECT_NE(session.sessionId(), first);
}

TEST_F(SessionTest, LockWipesEveryRegisteredHolderAndReports)
{
    dokuei::security::WipeRegistration registration(m_registry, &m_holder);
    Session session(m_registry);
    QSignalSpy wiped(&session, &Session::wiped);
    session.begin(sato());
    session.lock(Session::LockReason::Privacy);
    EXPECT_EQ(session.state(), Session::State::Locked);
    EXPECT_EQ(m_holder.wipes, 1);
    EXPECT_EQ(m_holder.held, 0U);
    ASSERT_EQ(wiped.count(), 1);
    EXPECT_EQ(wiped.at(0).at(0).value<std::size_t>(), 1000U);
    EXPECT_EQ(session.lastWipe().components, 1);
    EXPECT_EQ(session.lastWipe().bytesWiped, 1000U);
}

TEST_F(SessionTest, IdleTimeoutLocksAndActivityPostponesIt)
{
    Session session(m_registry);
    session.setIdleTimeout(300ms);
    QSignalSpy locked(&session, &Session::locked);
    session.begin(sato());
    // Activity every 100 ms for 600 ms keeps it active.
    for (int i = 0; i < 6; ++i) {
        QTest::qWait(100);
        session.noteActivity();
    }
    EXPECT_EQ(session.state(), Session::State::Active);
    QElapsedTimer timer;
    timer.start();
    ASSERT_TRUE(QTest::qWaitFor([&] { return session.state() == Session::State::Locked; }, 3000));
    EXPECT_GE(timer.elapsed(), 250);
    ASSERT_EQ(locked.count(), 1);
    EXPECT_EQ(locked.at(0).at(0).value<Session::LockReason>(), Session::LockReason::Idle);
}

TEST_F(SessionTest, NoIdleLockWhileLockedOrSignedOut)
{
    Session session(m_registry);
    session.setIdleTimeout(50ms);
    QSignalSpy locked(&session, &Session::locked);
    QTest::qWait(150);
    EXPECT_EQ(locked.count(), 0);
    session.begin(sato());
    ASSERT_TRUE(QTest::qWaitFor([&] { return locked.count() == 1; }, 2000));
    QTest::qWait(200);
    EXPECT_EQ(locked.count(), 1) << "a locked session does not lock again";
}

TEST_F(SessionTest, ReauthenticationDueLocks)
{
    Session session(m_registry);
    session.setReauthenticationInterval(200ms);
    session.setIdleTimeout(10min);
    QSignalSpy locked(&session, &Session::locked);
    QElapsedTimer timer;
    timer.start();
    session.begin(sato());
    QTest::qWait(50);
    EXPECT_EQ(session.state(), Session::State::Active) << "not before the interval";
    ASSERT_TRUE(QTest::qWaitFor([&] { return locked.count() == 1; }, 3000));
    EXPECT_GE(timer.elapsed(), 150);
    EXPECT_EQ(locked.at(0).at(0).value<Session::LockReason>(), Session::LockReason::ReauthenticationDue);
}

TEST_F(SessionTest, UnlockReturnsToActiveOnlyFromLocked)
{
    Session session(m_registry);
    session.unlock();
    EXPECT_EQ(session.state(), Session::State::SignedOut);
    session.begin(sato());
    session.unlock();
    EXPECT_EQ(session.state(), Session::State::Active);
    session.lock(Session::LockReason::CardRemoved);
    session.unlock();
    EXPECT_EQ(session.state(), Session::State::Active);
}

TEST_F(SessionTest, EndReportsTheSessionAndWipes)
{
    dokuei::security::WipeRegistration registration(m_registry, &m_holder);
    Session session(m_registry);
    QSignalSpy ended(&session, &Session::ended);
    session.begin(sato());
    const QString id = session.sessionId();
    session.lock(Session::LockReason::Idle);
    m_holder.held = 10;
    session.end(Session::EndReason::AnotherUserSignedIn);
    EXPECT_EQ(session.state(), Session::State::SignedOut);
    EXPECT_TRUE(session.identity().userId.isEmpty());
    EXPECT_EQ(m_holder.wipes, 2);
    ASSERT_EQ(ended.count(), 1);
    EXPECT_EQ(ended.at(0).at(0).value<Session::EndReason>(), Session::EndReason::AnotherUserSignedIn);
    const auto summary = ended.at(0).at(1).value<SessionSummary>();
    EXPECT_EQ(summary.identity.userId, QStringLiteral("dr.sato"));
    EXPECT_EQ(summary.sessionId, id);
    EXPECT_TRUE(summary.startedUtc.isValid());
    EXPECT_LE(summary.startedUtc, summary.endedUtc);
}

} // namespace
