// What an encrypted vault leaves in memory: the connection's page cache holds decrypted pages (rows with
// patient IDs, study UIDs, report text) for as long as it is open. Vault::releaseMemory() (and the wipe at
// lock, through the WipeRegistry) must leave none of them, and the audit trail, whose records carry patient
// IDs and are written after the wipe at lock and sign-out, must leave none after each use.
//
// Each marker is generated at run time and kept masked (PhiMarker): the scans count only the copies the
// vault and the trail made. Each test first shows that the scan finds the marker while it is held (so a 0
// afterwards means it is gone, not that the scan cannot see it).

#include "PhiMarker.h"
#include "dokuei/security/AuditTrail.h"
#include "dokuei/security/SecretKey.h"
#include "dokuei/security/SecureBuffer.h"
#include "dokuei/security/Vault.h"
#include "dokuei/security/WipeRegistry.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <vector>

#include <QDateTime>
#include <QTemporaryDir>

#include <gtest/gtest.h>

namespace dokuei::security {
namespace {

using testing::PhiMarker;

SecureBuffer mustAllocate(std::size_t bytes)
{
    auto buffer = SecureBuffer::allocate(bytes);
    if (!buffer) {
        throw std::runtime_error(buffer.error().toString().toStdString());
    }
    return std::move(*buffer);
}

/// One ASCII marker (a patient ID or a UID) in the two forms it takes in memory: UTF-8 (SQLite's TEXT, the
/// pages) and UTF-16 (a QString).
struct TextMarker
{
    PhiMarker utf8;
    PhiMarker utf16;

    /// `prefix` then `randomChars` random characters of `alphabet`.
    static TextMarker make(const char* prefix, const char* alphabet, std::size_t randomChars)
    {
        const std::size_t prefixChars = std::strlen(prefix);
        const std::size_t alphabetChars = std::strlen(alphabet);
        const std::size_t chars = prefixChars + randomChars;
        SecureBuffer random = mustAllocate(randomChars);
        testing::fillRandom(random.data(), random.size());
        SecureBuffer utf8 = mustAllocate(chars);
        std::memcpy(utf8.data(), prefix, prefixChars);
        for (std::size_t i = 0; i < randomChars; ++i) {
            utf8.data()[prefixChars + i] =
                std::byte(alphabet[std::to_integer<unsigned>(random.data()[i]) % alphabetChars]);
        }
        random.release();
        SecureBuffer utf16 = mustAllocate(chars * 2);
        for (std::size_t i = 0; i < chars; ++i) {
            const auto unit = static_cast<char16_t>(std::to_integer<unsigned>(utf8.data()[i]));
            std::memcpy(utf16.data() + 2 * i, &unit, 2);
        }
        return {PhiMarker::fromClear(std::move(utf8)), PhiMarker::fromClear(std::move(utf16))};
    }

    /// The marker as a QString (ordinary heap: the caller's copy, to pass to the vault and drop).
    QString toString() const
    {
        SecureBuffer clear = utf8.reveal();
        QString text = QString::fromLatin1(reinterpret_cast<const char*>(clear.data()),
                                           static_cast<qsizetype>(clear.size()));
        clear.release();
        return text;
    }

    /// Whether `text` is the marker, without a lasting copy.
    bool equals(const QString& text) const
    {
        SecureBuffer clear = utf16.reveal();
        const bool same = QStringView(reinterpret_cast<const char16_t*>(clear.data()),
                                      static_cast<qsizetype>(clear.size() / 2)) == text;
        clear.release();
        return same;
    }
};

TextMarker patientIdMarker()
{
    return TextMarker::make("PID", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 21);
}

TextMarker studyUidMarker()
{
    return TextMarker::make("1.2.826.0.1.3680043.9.7713.99.", "0123456789", 24);
}

struct Hits
{
    long long utf8 = -1;
    long long utf16 = -1;
};

Hits scan(const TextMarker& marker)
{
    testing::scrubStack();
    return {marker.utf8.hits(), marker.utf16.hits()};
}

SecretKey mustKey()
{
    return SecretKey::random();
}

class VaultMemoryTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(m_dir.isValid());
        auto vault = Vault::open(m_dir.filePath(QStringLiteral("memory.db")), mustKey());
        ASSERT_TRUE(vault) << vault.error().toString().toStdString();
        m_vault = std::move(*vault);
        ASSERT_TRUE(m_vault->exec(QStringLiteral("CREATE TABLE drafts(id INTEGER PRIMARY KEY, text TEXT)")));
    }

    /// Writes the marker in a row (inside a short report-like text), reads it back and checks it, then
    /// lets go of every copy of the test's own.
    [[gnu::noinline]] void writeAndReadBack(const TextMarker& marker)
    {
        {
            const QString text = QStringLiteral("所見: ") + marker.toString() + QStringLiteral(" 以上");
            ASSERT_TRUE(m_vault->exec(QStringLiteral("INSERT INTO drafts(text) VALUES (?)"), {text}));
        }
        auto rows = m_vault->query(QStringLiteral("SELECT text FROM drafts ORDER BY id DESC LIMIT 1"));
        ASSERT_TRUE(rows);
        ASSERT_EQ(rows->size(), 1);
        QString back = rows->first().value(0).toString();
        rows->clear();
        ASSERT_TRUE(back.startsWith(QStringLiteral("所見: ")));
        EXPECT_TRUE(marker.equals(back.mid(4, back.size() - 4 - 3))) << "the row did not come back";
        secureErase(back);
    }

    QTemporaryDir m_dir;
    std::unique_ptr<Vault> m_vault;
};

TEST_F(VaultMemoryTest, PageCacheHoldsTheRowUntilReleaseMemoryThenNothingIsLeft)
{
    const TextMarker marker = patientIdMarker();
    ASSERT_EQ(scan(marker).utf8 + scan(marker).utf16, 0) << "the test itself holds the marker";
    writeAndReadBack(marker);

    // Every copy of the test's is gone: what the scan finds is the connection's (its decrypted pages).
    const Hits held = scan(marker);
    EXPECT_GT(held.utf8, 0) << "the page cache's copy is not found: the scan is not looking";
    const Hits heldLater = scan(marker);
    EXPECT_GT(heldLater.utf8, 0) << "the decrypted page does not stay without releaseMemory()";

    const auto released = m_vault->releaseMemory();
    ASSERT_TRUE(released) << released.error().toString().toStdString();
    EXPECT_GT(*released, 0u) << "the connection held nothing";
    const Hits after = scan(marker);
    std::printf("vault row marker: held utf8=%lld utf16=%lld; after releaseMemory utf8=%lld utf16=%lld "
                "(%zu bytes released)\n",
                held.utf8, held.utf16, after.utf8, after.utf16, *released);
    EXPECT_EQ(after.utf8, 0);
    EXPECT_EQ(after.utf16, 0);

    // The vault still works, and reading the row brings it back (and releasing drops it again).
    writeAndReadBack(marker);
    EXPECT_GT(scan(marker).utf8, 0);
    ASSERT_TRUE(m_vault->releaseMemory());
    EXPECT_EQ(scan(marker).utf8, 0);
    EXPECT_EQ(m_vault->memoryReleases(), 2);
}

TEST_F(VaultMemoryTest, WipeAllReleasesARegisteredVault)
{
    const TextMarker marker = patientIdMarker();
    WipeRegistry registry;
    const WipeRegistration registration(registry, m_vault.get());
    writeAndReadBack(marker);
    const Hits before = scan(marker);
    EXPECT_GT(before.utf8, 0);

    const WipeReport report = registry.wipeAll();
    EXPECT_EQ(report.names, QStringList{QStringLiteral("vault page cache (memory.db)")});
    EXPECT_GT(report.bytesWiped, 0u);
    const Hits after = scan(marker);
    EXPECT_EQ(after.utf8, 0);
    EXPECT_EQ(after.utf16, 0);
    std::printf("wipe of a registered vault: before utf8=%lld, after utf8=%lld utf16=%lld (%zu bytes)\n",
                before.utf8, after.utf8, after.utf16, report.bytesWiped);

    // A second wipe finds nothing new to release but must not fail; the vault keeps working.
    (void)registry.wipeAll();
    auto rows = m_vault->query(QStringLiteral("SELECT count(*) FROM drafts"));
    ASSERT_TRUE(rows);
    EXPECT_EQ(rows->first().value(0).toLongLong(), 1);
}

TEST_F(VaultMemoryTest, WipeInsideATransactionReleasesWhenItEnds)
{
    const TextMarker marker = patientIdMarker();
    Hits inside;
    std::size_t wiped = 1;
    auto done = m_vault->transaction([&]() -> Expected<void> {
        writeAndReadBack(marker);
        wiped = m_vault->wipe();
        EXPECT_FALSE(m_vault->releaseMemory()) << "released inside a transaction";
        inside = scan(marker);
        return {};
    });
    ASSERT_TRUE(done);
    EXPECT_EQ(wiped, 0u);
    EXPECT_GT(inside.utf8, 0);
    EXPECT_EQ(scan(marker).utf8, 0) << "the wipe asked for inside the transaction did not follow its end";
    EXPECT_EQ(m_vault->memoryReleases(), 1);
}

TEST_F(VaultMemoryTest, LastInsertRowIdAndChangesSurviveARelease)
{
    ASSERT_TRUE(m_vault->exec(QStringLiteral("INSERT INTO drafts(text) VALUES ('a')")));
    ASSERT_TRUE(m_vault->exec(QStringLiteral("INSERT INTO drafts(text) VALUES ('b')")));
    const qint64 id = m_vault->lastInsertRowId();
    ASSERT_TRUE(m_vault->releaseMemory());
    EXPECT_EQ(m_vault->lastInsertRowId(), id);
    EXPECT_EQ(m_vault->changes(), 1);
    ASSERT_TRUE(m_vault->exec(QStringLiteral("INSERT INTO drafts(text) VALUES ('c')")));
    EXPECT_EQ(m_vault->lastInsertRowId(), id + 1);
    // The reopened connection has the vault's settings again.
    auto secure = m_vault->query(QStringLiteral("PRAGMA secure_delete"));
    ASSERT_TRUE(secure);
    EXPECT_EQ(secure->first().value(0).toLongLong(), 1);
    auto foreign = m_vault->query(QStringLiteral("PRAGMA foreign_keys"));
    ASSERT_TRUE(foreign);
    EXPECT_EQ(foreign->first().value(0).toLongLong(), 1);
}

TEST_F(VaultMemoryTest, AuditTrailKeepsNoPatientIdOrStudyUidAfterEachUse)
{
    AuditTrail trail(*m_vault);
    const TextMarker patientId = patientIdMarker();
    const TextMarker studyUid = studyUidMarker();
    ASSERT_EQ(scan(patientId).utf8 + scan(studyUid).utf8, 0) << "the test itself holds a marker";
    const auto writeRecord = [&] {
        AuditRecord record;
        record.userId = QStringLiteral("dr.sato");
        record.role = QStringLiteral("Radiologist");
        record.event = AuditEventId::InstancesAccessed;
        record.eventType = QStringLiteral("SeriesOpened");
        record.patientId = patientId.toString();
        record.studyUid = studyUid.toString();
        record.details = QStringLiteral("series opened");
        return trail.record(std::move(record));
    };

    // Inside a transaction of the caller's, the record's page is in the cache (the scan sees it)...
    Hits insidePatient;
    Hits insideStudy;
    auto written = m_vault->transaction([&]() -> Expected<void> {
        auto sequence = writeRecord();
        if (!sequence) {
            return std::unexpected(sequence.error());
        }
        insidePatient = scan(patientId);
        insideStudy = scan(studyUid);
        return {};
    });
    ASSERT_TRUE(written) << written.error().toString().toStdString();
    EXPECT_GT(insidePatient.utf8, 0) << "the record's page is not found: the scan is not looking";
    EXPECT_GT(insideStudy.utf8, 0);
    // ... and once it has committed, nothing of it is left: no page, no serialisation, no bound copy.
    const Hits afterWritePatient = scan(patientId);
    const Hits afterWriteStudy = scan(studyUid);
    EXPECT_EQ(afterWritePatient.utf8, 0);
    EXPECT_EQ(afterWritePatient.utf16, 0);
    EXPECT_EQ(afterWriteStudy.utf8, 0);
    EXPECT_EQ(afterWriteStudy.utf16, 0);

    // A record outside any transaction (as the lock's and the sign-out's are written), after others that
    // load the page holding the first one.
    ASSERT_TRUE(writeRecord());
    AuditRecord lock;
    lock.userId = QStringLiteral("dr.sato");
    lock.eventType = QStringLiteral("Lock");
    ASSERT_TRUE(trail.record(lock));
    EXPECT_EQ(scan(patientId).utf8, 0) << "an append left the page with earlier records in memory";
    EXPECT_EQ(scan(studyUid).utf8, 0);

    // Reading the trail: the records returned are the caller's (found while held), the vault keeps none.
    {
        auto records = trail.records(QDateTime::currentDateTimeUtc().addSecs(-600),
                                     QDateTime::currentDateTimeUtc().addSecs(600));
        ASSERT_TRUE(records);
        int withPatient = 0;
        for (const AuditRecord& record : *records) {
            withPatient += patientId.equals(record.patientId) && studyUid.equals(record.studyUid) ? 1 : 0;
        }
        EXPECT_EQ(withPatient, 2);
        EXPECT_GT(scan(patientId).utf16, 0) << "the records read are not found while held";
        for (AuditRecord& record : *records) {
            secureErase(record.patientId);
            secureErase(record.studyUid);
        }
    }
    auto verified = trail.verify();
    ASSERT_TRUE(verified);
    EXPECT_TRUE(verified->ok);
    auto report = trail.report(QDateTime::currentDateTimeUtc().addSecs(-600),
                               QDateTime::currentDateTimeUtc().addSecs(600));
    ASSERT_TRUE(report);
    EXPECT_TRUE(report->contains(QStringLiteral("Per-patient access counts")));
    secureErase(*report);
    auto exported = trail.exportJson(QDateTime::currentDateTimeUtc().addSecs(-600),
                                     QDateTime::currentDateTimeUtc().addSecs(600));
    ASSERT_TRUE(exported);
    secureErase(*exported);
    const Hits afterReadPatient = scan(patientId);
    const Hits afterReadStudy = scan(studyUid);
    std::printf("audit record: inside the transaction patient ID utf8=%lld, study UID utf8=%lld; after the "
                "commit patient ID utf8=%lld utf16=%lld, study UID utf8=%lld utf16=%lld; after records, "
                "verify, report and export patient ID utf8=%lld utf16=%lld, study UID utf8=%lld utf16=%lld\n",
                insidePatient.utf8, insideStudy.utf8, afterWritePatient.utf8, afterWritePatient.utf16,
                afterWriteStudy.utf8, afterWriteStudy.utf16, afterReadPatient.utf8, afterReadPatient.utf16,
                afterReadStudy.utf8, afterReadStudy.utf16);
    EXPECT_EQ(afterReadPatient.utf8, 0);
    EXPECT_EQ(afterReadPatient.utf16, 0);
    EXPECT_EQ(afterReadStudy.utf8, 0);
    EXPECT_EQ(afterReadStudy.utf16, 0);
}

// What a release costs: it runs after every use of the audit trail, so it must stay far below a frame.
TEST_F(VaultMemoryTest, ReleaseMemoryTakesAboutAMillisecond)
{
    AuditTrail trail(*m_vault);
    for (int i = 0; i < 200; ++i) {
        AuditRecord record;
        record.userId = QStringLiteral("dr.sato");
        record.eventType = QStringLiteral("Filler");
        record.details = QString(200, QLatin1Char('x'));
        ASSERT_TRUE(trail.record(std::move(record)));
    }
    std::vector<double> releaseMs;
    std::vector<double> recordMs;
    for (int i = 0; i < 50; ++i) {
        ASSERT_TRUE(m_vault->query(QStringLiteral("SELECT count(*) FROM audit_records")));
        const auto start = std::chrono::steady_clock::now();
        ASSERT_TRUE(m_vault->releaseMemory());
        const auto released = std::chrono::steady_clock::now();
        AuditRecord record;
        record.userId = QStringLiteral("dr.sato");
        record.eventType = QStringLiteral("Timed");
        ASSERT_TRUE(trail.record(std::move(record)));
        const auto recorded = std::chrono::steady_clock::now();
        releaseMs.push_back(std::chrono::duration<double, std::milli>(released - start).count());
        recordMs.push_back(std::chrono::duration<double, std::milli>(recorded - released).count());
    }
    std::sort(releaseMs.begin(), releaseMs.end());
    std::sort(recordMs.begin(), recordMs.end());
    std::printf("releaseMemory: median %.3f ms, p95 %.3f ms; an audit record with its release: median %.3f "
                "ms, p95 %.3f ms\n",
                releaseMs[25], releaseMs[47], recordMs[25], recordMs[47]);
    EXPECT_LT(releaseMs[25], 10.0);
}

} // namespace
} // namespace dokuei::security
