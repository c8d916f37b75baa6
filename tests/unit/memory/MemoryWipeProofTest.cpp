// The proof that locking leaves no patient data in the process: PHI markers held by registered components
// and passed through ordinary heap allocations are found before the lock and not after it.
//
// The same source builds two executables. dokuei_memory_tests links the zeroing free (as dokuei and
// dokuei-admin do) and asserts 0 hits after the lock. dokuei_memory_leftover_tests does not link it and
// asserts that copies are left behind: it documents why the zeroing free is needed.

#include "PhiMarker.h"
#include "dokuei/security/SecureBuffer.h"
#include "dokuei/security/WipeRegistry.h"

#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

#include <gtest/gtest.h>

#ifndef DOKUEI_ZEROING_FREE_LINKED
#error "define DOKUEI_ZEROING_FREE_LINKED to 0 or 1"
#endif

namespace dokuei::security {
namespace {

using testing::PhiMarker;
using testing::PhiMarkers;

constexpr std::size_t kSliceBytes = 512 * 512 * 2;
constexpr std::size_t kMarkerOffsets[] = {1000, 70000, 300000, 520000};

/// Stands in for the series cache: pixels in secure memory, with the pixel marker planted in it.
class PixelCache : public IWipeable
{
public:
    explicit PixelCache(const PhiMarker& marker) : m_pixels(*SecureBuffer::allocate(kSliceBytes))
    {
        SecureBuffer clear = marker.reveal();
        for (const std::size_t offset : kMarkerOffsets) {
            std::memcpy(m_pixels.data() + offset, clear.data(), clear.size());
        }
    }
    QString wipeName() const override { return QStringLiteral("series cache"); }
    std::size_t wipe() override { return m_pixels.release(); }
    const SecureBuffer& pixels() const { return m_pixels; }

private:
    SecureBuffer m_pixels;
};

/// Stands in for the patient context of an open study: the name as a QString (UTF-16) and as the UTF-8 of
/// the DICOM PatientName element, in ordinary heap memory as Qt holds it.
class PatientContext : public IWipeable
{
public:
    explicit PatientContext(const PhiMarkers& markers)
    {
        SecureBuffer utf16 = markers.nameUtf16.reveal();
        m_name = QString::fromUtf16(reinterpret_cast<const char16_t*>(utf16.data()),
                                    static_cast<qsizetype>(utf16.size() / sizeof(char16_t)));
        SecureBuffer utf8 = markers.nameUtf8.reveal();
        m_patientNameElement =
            QByteArray(reinterpret_cast<const char*>(utf8.data()), static_cast<qsizetype>(utf8.size()));
    }
    QString wipeName() const override { return QStringLiteral("patient context"); }
    std::size_t wipe() override { return secureErase(m_name) + secureErase(m_patientNameElement); }
    const QString& name() const { return m_name; }
    const QByteArray& patientNameElement() const { return m_patientNameElement; }

private:
    QString m_name;
    QByteArray m_patientNameElement;
};

struct Hits
{
    long long utf8 = 0;
    long long utf16 = 0;
    long long pixels = 0;
};

Hits countHits(const PhiMarkers& markers)
{
    testing::scrubStack();
    return {markers.nameUtf8.hits(), markers.nameUtf16.hits(), markers.pixels.hits()};
}

/// What the application does with PHI all day: copies, conversions, serialisation. Everything here is
/// ordinary heap memory, freed when the function returns.
[[gnu::noinline]] bool passThroughOrdinaryHeap(const PatientContext& patient, const PixelCache& cache)
{
    bool same = true;
    QString copy(patient.name().constData(), patient.name().size()); // a deep copy
    QString grown;
    for (const QChar c : patient.name()) {
        grown.append(c); // realloc on every growth
    }
    same = same && grown == copy;
    const QString upper = patient.name().toUpper();
    const QByteArray utf8 = patient.name().toUtf8();
    same = same && utf8 == patient.patientNameElement();
    const std::string standard(utf8.constData(), static_cast<std::size_t>(utf8.size()));
    const std::u16string standard16(reinterpret_cast<const char16_t*>(copy.utf16()),
                                    static_cast<std::size_t>(copy.size()));
    std::vector<char> bytes(standard.begin(), standard.end());
    bytes.insert(bytes.begin(), 100, ' '); // moves the contents within a reallocated block

    const auto* pixelBytes = reinterpret_cast<const char*>(cache.pixels().data());
    const QByteArray slice(pixelBytes, 64 * 1024);
    const std::vector<std::byte> pixelCopy(cache.pixels().data(), cache.pixels().data() + 64 * 1024);

    QJsonObject object;
    object.insert(QStringLiteral("PatientName"), patient.name());
    object.insert(QStringLiteral("Pixels"), QString::fromLatin1(slice.toBase64()));
    const QByteArray json = QJsonDocument(object).toJson(QJsonDocument::Compact);
    const QJsonDocument parsed = QJsonDocument::fromJson(json);
    const QString nameBack = parsed.object().value(QStringLiteral("PatientName")).toString();
    const QByteArray pixelsBack =
        QByteArray::fromBase64(parsed.object().value(QStringLiteral("Pixels")).toString().toLatin1());
    same = same && nameBack == patient.name() && upper.size() == copy.size() && pixelsBack == slice &&
           pixelCopy.size() == 64 * 1024 && standard16.size() == static_cast<std::size_t>(copy.size()) &&
           bytes.size() == standard.size() + 100;
    return same;
}

TEST(MemoryWipeProof, LockLeavesNoPhiMarkerInProcessMemory)
{
    const PhiMarkers markers = testing::makePhiMarkers();
    WipeRegistry registry;
    PixelCache cache(markers.pixels);
    PatientContext patient(markers);
    const WipeRegistration cacheRegistration(registry, &cache);
    const WipeRegistration patientRegistration(registry, &patient);

    ASSERT_TRUE(passThroughOrdinaryHeap(patient, cache)) << "the copies did not hold the data";

    const Hits before = countHits(markers);
    EXPECT_GT(before.utf8, 0) << "UTF-8 name not found before the lock: the scan is not looking";
    EXPECT_GT(before.utf16, 0) << "UTF-16 name not found before the lock: the scan is not looking";
    EXPECT_GE(before.pixels, static_cast<long long>(std::size(kMarkerOffsets))) << "pixel marker not found";

    const WipeReport report = registry.wipeAll();
    EXPECT_EQ(report.components, 2);
    EXPECT_GE(report.bytesWiped, kSliceBytes);
    EXPECT_EQ(report.names, QStringList({QStringLiteral("series cache"), QStringLiteral("patient context")}));

    const Hits after = countHits(markers);
    // Numbers only: the markers themselves are never printed.
    std::cout << "PHI marker hits before lock: utf8=" << before.utf8 << " utf16=" << before.utf16
              << " pixels=" << before.pixels << "; after lock: utf8=" << after.utf8
              << " utf16=" << after.utf16 << " pixels=" << after.pixels << " (zeroing free "
              << (DOKUEI_ZEROING_FREE_LINKED ? "linked" : "absent") << ")\n";
    ::testing::Test::RecordProperty("hits_before",
                                    std::to_string(before.utf8 + before.utf16 + before.pixels));
    ::testing::Test::RecordProperty("hits_after", std::to_string(after.utf8 + after.utf16 + after.pixels));
    ASSERT_GE(after.utf8, 0) << "scan failed";
    ASSERT_GE(after.utf16, 0) << "scan failed";
    ASSERT_GE(after.pixels, 0) << "scan failed";
#if DOKUEI_ZEROING_FREE_LINKED
    EXPECT_EQ(after.utf8, 0);
    EXPECT_EQ(after.utf16, 0);
    EXPECT_EQ(after.pixels, 0);
#else
    // Without the zeroing free the registered holders are wiped, but the freed copies stay in the heap.
    EXPECT_GT(after.utf8 + after.utf16 + after.pixels, 0)
        << "no copies left without the zeroing free: the proof above would not show that it is needed";
#endif
}

} // namespace
} // namespace dokuei::security
