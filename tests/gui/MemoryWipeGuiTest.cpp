// The memory proof through the real application: a phantom series whose pixels and patient name carry a
// random marker is stored into the local reading centre (STOW-RS over mutual TLS with the card), the
// reading window signs in, lists it and opens it with its own loader; a scan of the process's readable
// memory finds the marker's forms (stored pixel bytes, HU in the volume, the name in UTF-8 and UTF-16).
// Then the user locks the seat; the same scan must find none of them.
//
// The marker never exists in the clear in this process except inside SecureBuffers and the arguments of
// the phantom generator's command line (ordinary heap, freed — and zeroed by the zeroing free — before the
// first scan): every copy the scans count was made by the application.

#include "../integration/Subprocess.h"
#include "../unit/memory/PhiMarker.h"
#include "WorkstationTestFixture.h"
#include "dokuei/app/LockScreen.h"
#include "dokuei/app/LoginWindow.h"
#include "dokuei/app/MainWindow.h"
#include "dokuei/app/PatientBanner.h"
#include "dokuei/app/SignInForm.h"
#include "dokuei/app/StudyBrowser.h"
#include "dokuei/app/Workstation.h"
#include "dokuei/security/AccountStore.h"
#include "dokuei/security/AuditTrail.h"
#include "dokuei/security/CertificateInfo.h"
#include "dokuei/security/MemoryScanner.h"
#include "dokuei/security/Roles.h"
#include "dokuei/security/SecureBuffer.h"
#include "dokuei/security/Session.h"
#include "dokuei/viewer/core/SeriesLoader.h"
#include "dokuei/viewer/core/WindowLevel.h"
#include "dokuei/viewer/ui/ReadingWorkspace.h"

#include <array>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QGuiApplication>
#include <QLabel>
#include <QLineEdit>
#include <QPixmap>
#include <QPushButton>
#include <QScreen>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolBar>
#include <QTreeWidget>

#include <gtest/gtest.h>

namespace {

using namespace dokuei;
using dokuei::integration::ReadingCenterEnv;
using security::MemoryScanner;
using security::SecureBuffer;
using security::Session;
using security::testing::PhiMarker;

SecureBuffer mustAllocate(std::size_t bytes)
{
    auto buffer = SecureBuffer::allocate(bytes);
    if (!buffer) {
        throw std::runtime_error(buffer.error().toString().toStdString());
    }
    return std::move(*buffer);
}

// The phantom's tiny preset with --noise 0: air is exactly -1000 HU, stored as 24 with the default rescale
// (slope 1, intercept -1024). The marker sits in row 1 from column 1 on, and the pixel right after it is air
// (checked by hand: the body does not reach the image's top rows). That neighbour is part of the pixel
// forms, so that they cannot be confused with the patient name (whose bytes never include a 0x00 or 0xFC).
constexpr int kIntercept = -1024;
constexpr int kAirHu = -1000;
constexpr std::size_t kMarkerChars = 32; // even: the text fills whole pixels

/// The four forms of one random marker text, each kept masked (see PhiMarker).
struct MarkerForms
{
    PhiMarker text;      // the --marker argument itself
    PhiMarker pixelRaw;  // stored pixel bytes (little endian) + the air pixel after them
    PhiMarker pixelHu;   // the same pixels as int16 HU (little endian), as the volume holds them
    PhiMarker nameUtf8;  // the family name and the DICOM PN component separator
    PhiMarker nameUtf16; // the family name as a QString holds it
    // The patient ID (random, given to the phantom): the audit records, the study list, the banner.
    PhiMarker patientIdUtf8;
    PhiMarker patientIdUtf16;
    // Only with narrow pixels (see makeMarkerForms): the marker row as the 2D views' slice texture holds it
    // under `textureWindow`. Empty otherwise.
    PhiMarker textureRgba; // VTK's RGBA texture data: grey, grey, grey, 255 per pixel (+ the air pixel)
    PhiMarker textureGrey; // the same greys one byte per pixel (a luminance texture, if any)
    viewer::Window textureWindow;
};

/// `prefix` then `randomChars` random capitals and digits (ASCII, so also its UTF-8).
PhiMarker asciiMarker(QByteArrayView prefix, std::size_t randomChars,
                      const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
{
    const std::size_t alphabetChars = std::strlen(alphabet);
    const auto prefixChars = static_cast<std::size_t>(prefix.size());
    SecureBuffer random = mustAllocate(randomChars);
    security::testing::fillRandom(random.data(), random.size());
    SecureBuffer text = mustAllocate(prefixChars + randomChars);
    std::memcpy(text.data(), prefix.data(), prefixChars);
    for (std::size_t i = 0; i < randomChars; ++i) {
        text.data()[prefixChars + i] =
            std::byte(alphabet[std::to_integer<unsigned>(random.data()[i]) % alphabetChars]);
    }
    random.release();
    return PhiMarker::fromClear(std::move(text));
}

/// An ASCII marker as a QString holds it (UTF-16, host order).
PhiMarker utf16Of(const PhiMarker& ascii)
{
    SecureBuffer text = ascii.reveal();
    SecureBuffer utf16 = mustAllocate(text.size() * 2);
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto unit = static_cast<char16_t>(std::to_integer<unsigned>(text.data()[i]));
        std::memcpy(utf16.data() + 2 * i, &unit, 2);
    }
    text.release();
    return PhiMarker::fromClear(std::move(utf16));
}

/// An ASCII marker as a QString (ordinary heap: the caller's copy, to drop with secureErase()).
QString asQString(const PhiMarker& ascii)
{
    SecureBuffer text = ascii.reveal();
    QString out =
        QString::fromLatin1(reinterpret_cast<const char*>(text.data()), static_cast<qsizetype>(text.size()));
    text.release();
    return out;
}

/// `narrowPixels`: every second marker character (the high byte of each little-endian pixel) is one and the
/// same random character, so the marker's HU lie within 75 HU (the alphabet's low bytes '0'..'z') and a
/// window of width 256 maps them one to one onto 8-bit greys: the slice texture's bytes are then known.
MarkerForms makeMarkerForms(bool narrowPixels = false)
{
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    SecureBuffer random = mustAllocate(kMarkerChars);
    security::testing::fillRandom(random.data(), random.size());
    SecureBuffer text = mustAllocate(kMarkerChars);
    auto* chars = reinterpret_cast<unsigned char*>(text.data());
    for (std::size_t i = 0; i < kMarkerChars; ++i) {
        const std::size_t source = narrowPixels && i % 2 == 1 ? 1 : i;
        chars[i] = static_cast<unsigned char>(
            kAlphabet[std::to_integer<unsigned>(random.data()[source]) % (sizeof(kAlphabet) - 1)]);
    }
    random.release();

    SecureBuffer raw = mustAllocate(kMarkerChars + 2);
    std::memcpy(raw.data(), text.data(), kMarkerChars);
    const auto airStored = static_cast<std::uint16_t>(kAirHu - kIntercept);
    raw.data()[kMarkerChars] = std::byte(airStored & 0xff);
    raw.data()[kMarkerChars + 1] = std::byte(airStored >> 8);

    SecureBuffer hu = mustAllocate(kMarkerChars + 2);
    for (std::size_t i = 0; i < kMarkerChars / 2; ++i) {
        const int stored = chars[2 * i] | (chars[2 * i + 1] << 8);
        const auto value = static_cast<std::uint16_t>(static_cast<std::int16_t>(stored + kIntercept));
        hu.data()[2 * i] = std::byte(value & 0xff);
        hu.data()[2 * i + 1] = std::byte(value >> 8);
    }
    const auto airHu = static_cast<std::uint16_t>(static_cast<std::int16_t>(kAirHu));
    hu.data()[kMarkerChars] = std::byte(airHu & 0xff);
    hu.data()[kMarkerChars + 1] = std::byte(airHu >> 8);

    SecureBuffer utf8 = mustAllocate(kMarkerChars + 1);
    std::memcpy(utf8.data(), text.data(), kMarkerChars);
    utf8.data()[kMarkerChars] = std::byte('^');

    SecureBuffer utf16 = mustAllocate(kMarkerChars * 2);
    for (std::size_t i = 0; i < kMarkerChars; ++i) {
        const char16_t unit = chars[i];
        std::memcpy(utf16.data() + 2 * i, &unit, 2); // host order, as QString holds it
    }
    MarkerForms forms;
    forms.text = PhiMarker::fromClear(std::move(text));
    forms.pixelRaw = PhiMarker::fromClear(std::move(raw));
    forms.pixelHu = PhiMarker::fromClear(std::move(hu));
    forms.nameUtf8 = PhiMarker::fromClear(std::move(utf8));
    forms.nameUtf16 = PhiMarker::fromClear(std::move(utf16));
    forms.patientIdUtf8 = asciiMarker(QByteArrayView("PID"), 21);
    forms.patientIdUtf16 = utf16Of(forms.patientIdUtf8);
    if (narrowPixels) {
        // vtkImageMapper3D::MakeTextureData (VTK 9.1) turns a one-component int16 slice into RGBA bytes,
        // row by row as stored, each pixel (g, g, g, 255) with g = clamp((hu - (level - window/2)) * 255 /
        // window, 0, 255) + 0.5 truncated. SliceScene sets VTK's window to w - 1 and level to c - 0.5, so
        // with w = 256: g = hu - c + 128, exactly greyForHu (DICOM linear VOI) for every HU in c-127..c+127.
        // The high byte is the same in every pixel: centre the window 100 HU above the lowest possible
        // marker HU ('0' as low byte), so greys lie in 28..102 ('0'..'z'), and air clamps to 0.
        SecureBuffer clearText = forms.text.reveal();
        const auto* c = reinterpret_cast<const unsigned char*>(clearText.data());
        const int highHu = (c[1] << 8) + kIntercept;
        forms.textureWindow = viewer::Window{double(highHu + '0' + 100), 256.0};
        SecureBuffer rgba = mustAllocate((kMarkerChars / 2 + 1) * 4);
        SecureBuffer grey = mustAllocate(kMarkerChars / 2 + 1);
        for (std::size_t i = 0; i <= kMarkerChars / 2; ++i) {
            const int huValue = i < kMarkerChars / 2 ? (c[2 * i] | (c[2 * i + 1] << 8)) + kIntercept : kAirHu;
            const std::uint8_t g = viewer::greyForHu(huValue, forms.textureWindow);
            for (std::size_t k = 0; k < 3; ++k) {
                rgba.data()[4 * i + k] = std::byte(g);
            }
            rgba.data()[4 * i + 3] = std::byte(255);
            grey.data()[i] = std::byte(g);
        }
        clearText.release();
        forms.textureRgba = PhiMarker::fromClear(std::move(rgba));
        forms.textureGrey = PhiMarker::fromClear(std::move(grey));
    }
    return forms;
}

/// Whether the marker's texture greys are what the window promises (28..102, none clamped; the air pixel 0):
/// checked without printing them.
bool textureGreysAreExact(const MarkerForms& forms)
{
    SecureBuffer grey = forms.textureGrey.reveal();
    bool ok = grey.size() == kMarkerChars / 2 + 1 && std::to_integer<int>(grey.data()[kMarkerChars / 2]) == 0;
    for (std::size_t i = 0; ok && i < kMarkerChars / 2; ++i) {
        const int g = std::to_integer<int>(grey.data()[i]);
        ok = g >= 28 && g <= 102;
    }
    grey.release();
    return ok;
}

struct FormHits
{
    long long hits = -1;
    QStringList regions;
};

/// Occurrences of one form now, with the mappings that hold them.
FormHits scanFor(const PhiMarker& marker)
{
    SecureBuffer clear = marker.reveal();
    const auto result = MemoryScanner::scan(
        QByteArrayView(reinterpret_cast<const char*>(clear.data()), static_cast<qsizetype>(clear.size())));
    clear.release();
    if (!result) {
        return {};
    }
    return {static_cast<long long>(result->hits), result->hitRegions};
}

struct AllHits
{
    FormHits pixelRaw;
    FormHits pixelHu;
    FormHits nameUtf8;
    FormHits nameUtf16;
    FormHits textureRgba{0, {}}; // 0 when the forms have no texture form
    FormHits textureGrey{0, {}};
};

AllHits scanAll(const MarkerForms& forms)
{
    security::testing::scrubStack();
    AllHits hits{scanFor(forms.pixelRaw), scanFor(forms.pixelHu), scanFor(forms.nameUtf8),
                 scanFor(forms.nameUtf16)};
    if (forms.textureRgba.size() > 0) {
        hits.textureRgba = scanFor(forms.textureRgba);
        hits.textureGrey = scanFor(forms.textureGrey);
    }
    return hits;
}

std::string where(const FormHits& hits)
{
    return hits.regions.join(QStringLiteral(", ")).toStdString();
}

/// The Study Instance UID of the study read, masked, in UTF-8 (DICOM, JSON, the audit records' pages) and
/// UTF-16 (QString). Made from the test's own QString, which the test then erases.
struct StudyUidForms
{
    PhiMarker utf8;
    PhiMarker utf16;
};

StudyUidForms studyUidForms(const QString& studyUid)
{
    const QByteArray latin1 = studyUid.toLatin1();
    SecureBuffer text = mustAllocate(static_cast<std::size_t>(latin1.size()));
    std::memcpy(text.data(), latin1.constData(), static_cast<std::size_t>(latin1.size()));
    PhiMarker utf8 = PhiMarker::fromClear(std::move(text));
    PhiMarker utf16 = utf16Of(utf8);
    return {std::move(utf8), std::move(utf16)};
}

/// The identifiers of the study read: the patient ID and the study UID, each in UTF-8 and UTF-16.
struct IdentifierHits
{
    FormHits patientIdUtf8;
    FormHits patientIdUtf16;
    FormHits studyUidUtf8;
    FormHits studyUidUtf16;

    long long patientId() const { return patientIdUtf8.hits + patientIdUtf16.hits; }
    long long studyUid() const { return studyUidUtf8.hits + studyUidUtf16.hits; }
};

IdentifierHits scanIdentifiers(const MarkerForms& forms, const StudyUidForms& uid)
{
    security::testing::scrubStack();
    return {scanFor(forms.patientIdUtf8), scanFor(forms.patientIdUtf16), scanFor(uid.utf8),
            scanFor(uid.utf16)};
}

void printIdentifiers(const char* when, const IdentifierHits& hits)
{
    std::printf(
        "%s: patient ID UTF-8=%lld [%s] UTF-16=%lld [%s]; study UID UTF-8=%lld [%s] UTF-16=%lld [%s]\n", when,
        hits.patientIdUtf8.hits, where(hits.patientIdUtf8).c_str(), hits.patientIdUtf16.hits,
        where(hits.patientIdUtf16).c_str(), hits.studyUidUtf8.hits, where(hits.studyUidUtf8).c_str(),
        hits.studyUidUtf16.hits, where(hits.studyUidUtf16).c_str());
    std::fflush(stdout);
}

/// None of the identifiers is left (a failed scan, -1, fails too).
void expectNoIdentifier(const char* when, const IdentifierHits& hits)
{
    EXPECT_EQ(hits.patientIdUtf8.hits, 0) << when << ": patient ID (UTF-8) in " << where(hits.patientIdUtf8);
    EXPECT_EQ(hits.patientIdUtf16.hits, 0)
        << when << ": patient ID (UTF-16) in " << where(hits.patientIdUtf16);
    EXPECT_EQ(hits.studyUidUtf8.hits, 0) << when << ": study UID (UTF-8) in " << where(hits.studyUidUtf8);
    EXPECT_EQ(hits.studyUidUtf16.hits, 0) << when << ": study UID (UTF-16) in " << where(hits.studyUidUtf16);
}

class MemoryWipeGuiTest : public gui_test::WorkstationTestFixture
{
protected:
    /// Generates the marker series with the phantom generator and stores it into the reading centre with
    /// curl (mutual TLS with a copy of dr.sato's card). Neither the files nor curl's answer enter this
    /// process. Returns the study UID (empty on failure, with the failure recorded).
    QString storeMarkerSeries(const MarkerForms& forms, const QStringList& options = {}, int slices = 16)
    {
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("series"));
        const QString studyUid = QStringLiteral("1.2.826.0.1.3680043.9.7713.77.%1.%2")
                                     .arg(QCoreApplication::applicationPid())
                                     .arg(QDateTime::currentSecsSinceEpoch());
        {
            SecureBuffer text = forms.text.reveal();
            QStringList args{QStringLiteral("--preset"),
                             QStringLiteral("tiny"),
                             QStringLiteral("--noise"),
                             QStringLiteral("0"),
                             QStringLiteral("--transfer-syntax"),
                             QStringLiteral("explicit-le"),
                             QStringLiteral("--marker"),
                             QString::fromLatin1(reinterpret_cast<const char*>(text.data()),
                                                 static_cast<qsizetype>(text.size())),
                             QStringLiteral("--study-uid"),
                             studyUid,
                             QStringLiteral("--patient-id"),
                             asQString(forms.patientIdUtf8),
                             QStringLiteral("--out"),
                             out,
                             QStringLiteral("--quiet")};
            text.release();
            args += options;
            const auto run = dokuei::integration::runSubprocess(QStringLiteral(DOKUEI_PHANTOM_PATH), args);
            EXPECT_EQ(run.exitCode, 0) << run.err.toStdString() << run.failure.toStdString();
            if (run.exitCode != 0) {
                return {};
            }
        }
        const QStringList files = QDir(out).entryList({QStringLiteral("*.dcm")}, QDir::Files);
        EXPECT_EQ(files.size(), slices) << "one file per slice";
        // One multipart/related STOW-RS body, assembled by the shell straight into a file.
        const QString body = dir.filePath(QStringLiteral("stow.body"));
        const QString boundary = QStringLiteral("dokuei-stow-boundary-7d1e");
        QStringList shell{
            QStringLiteral("-c"),
            QStringLiteral(
                "cd \"$1\" && out=$2 && b=$3 && shift 3 && { for f; do "
                "printf -- '--%s\\r\\nContent-Type: application/dicom\\r\\n\\r\\n' \"$b\"; "
                "cat \"$f\"; printf '\\r\\n'; done; printf -- '--%s--\\r\\n' \"$b\"; } > \"$out\""),
            QStringLiteral("sh"),
            out,
            body,
            boundary};
        shell << files;
        const auto assembled = dokuei::integration::runSubprocess(QStringLiteral("/bin/sh"), shell);
        EXPECT_EQ(assembled.exitCode, 0) << assembled.err.toStdString();
        QStringList curl = m_env.curlCardArgs(QStringLiteral("dr.sato"));
        curl << QStringLiteral("-X") << QStringLiteral("POST") << QStringLiteral("-H")
             << QStringLiteral("Content-Type: multipart/related; type=\"application/dicom\"; boundary=%1")
                    .arg(boundary)
             << QStringLiteral("--data-binary") << QLatin1Char('@') + body << QStringLiteral("-o")
             << QStringLiteral("/dev/null") << QStringLiteral("-w") << QStringLiteral("%{http_code}")
             << m_env.url() + QStringLiteral("/studies");
        const auto stored =
            dokuei::integration::runSubprocess(QStringLiteral("curl"), curl, m_env.cardEnvironment());
        EXPECT_EQ(stored.exitCode, 0) << stored.err.toStdString() << stored.failure.toStdString();
        EXPECT_EQ(stored.out, QByteArray("200")) << "STOW-RS answered " << stored.out.toStdString();
        return stored.exitCode == 0 && stored.out == "200" ? studyUid : QString();
    }

    /// Opens the first series of this study from the study browser, as a double-click does.
    void openSeries(const QString& studyUid)
    {
        auto* tree =
            m_workstation->mainWindow()->studyBrowser()->findChild<QTreeWidget*>(QStringLiteral("studyTree"));
        ASSERT_NE(tree, nullptr);
        QTreeWidgetItem* studyItem = nullptr;
        ASSERT_TRUE(QTest::qWaitFor(
            [&] {
                for (int i = 0; i < tree->topLevelItemCount(); ++i) {
                    if (tree->topLevelItem(i)->data(0, Qt::UserRole + 1).toString() == studyUid) {
                        studyItem = tree->topLevelItem(i);
                    }
                }
                return studyItem != nullptr;
            },
            20000))
            << "the stored marker study is listed";
        studyItem->setExpanded(true);
        ASSERT_TRUE(QTest::qWaitFor([&] { return studyItem->childCount() > 0; }, 20000));
        emit tree->itemDoubleClicked(studyItem->child(0), 0);
    }

    /// While the series loads, scans for the stored pixel bytes and the UTF-8 name at each instance received
    /// until both were seen, then calls `seen` once. The loader keeps neither once an instance is decoded,
    /// so they are only in memory while instances travel (the reply's and the parser's buffers, the
    /// decoder's dataset).
    void scanWhileArriving(const MarkerForms& forms, AllHits& inFlight, std::function<void(int)> seen = {})
    {
        inFlight.pixelRaw.hits = 0;
        inFlight.nameUtf8.hits = 0;
        QObject::connect(
            m_workstation->mainWindow()->seriesLoader(), &viewer::SeriesLoader::progress,
            m_workstation->mainWindow(),
            [&forms, &inFlight, seen, done = false](int instances, qint64, double) mutable {
                if (inFlight.pixelRaw.hits <= 0) {
                    inFlight.pixelRaw = scanFor(forms.pixelRaw);
                }
                if (inFlight.nameUtf8.hits <= 0) {
                    inFlight.nameUtf8 = scanFor(forms.nameUtf8);
                }
                if (!done && inFlight.pixelRaw.hits > 0 && inFlight.nameUtf8.hits > 0) {
                    done = true;
                    if (seen) {
                        seen(instances);
                    }
                }
            },
            Qt::DirectConnection);
    }
};

TEST_F(MemoryWipeGuiTest, LockLeavesNoCopyOfALoadedSeriesPixelsOrPatientName)
{
    const MarkerForms forms = makeMarkerForms();
    QString studyUid = storeMarkerSeries(forms);
    ASSERT_FALSE(studyUid.isEmpty());
    const StudyUidForms uid = studyUidForms(studyUid);
    const AllHits stored = scanAll(forms);
    // Nothing of the marker is in this process yet: every hit below was made by the application.
    EXPECT_EQ(stored.pixelRaw.hits + stored.pixelHu.hits + stored.nameUtf8.hits + stored.nameUtf16.hits, 0)
        << "pixel raw: " << where(stored.pixelRaw) << "; HU: " << where(stored.pixelHu)
        << "; UTF-8: " << where(stored.nameUtf8) << "; UTF-16: " << where(stored.nameUtf16);
    EXPECT_EQ(scanIdentifiers(forms, uid).patientId(), 0) << "the test itself holds the patient ID";

    signIn();
    AllHits inFlight;
    scanWhileArriving(forms, inFlight);
    openSeries(studyUid);
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return m_workstation->mainWindow()->seriesLoader()->volume() != nullptr; }, 30000))
        << "the series is loaded";
    ASSERT_FALSE(m_workstation->mainWindow()->patientBanner()->text().isEmpty());
    // From here on the test holds the study UID only masked: every copy the scans find is the application's.
    security::secureErase(studyUid);

    const AllHits before = scanAll(forms);
    const IdentifierHits idsBefore = scanIdentifiers(forms, uid);
    m_workstation->mainWindow()->lockAction()->trigger();
    ASSERT_EQ(m_workstation->session().state(), Session::State::Locked);
    // The wipe is synchronous: nothing is left when the lock returns...
    const AllHits atLock = scanAll(forms);
    const IdentifierHits idsAtLock = scanIdentifiers(forms, uid);
    // ... nor once the lock screen is up and the event loop ran on (late replies, deferred deletions).
    QTest::qWait(200);
    const AllHits after = scanAll(forms);
    const IdentifierHits idsAfter = scanIdentifiers(forms, uid);
    // Signing out of the locked session (its "Logout" audit record is written after the wipe).
    m_workstation->session().end(Session::EndReason::SignOut);
    ASSERT_EQ(m_workstation->session().state(), Session::State::SignedOut);
    QTest::qWait(200);
    const AllHits signedOut = scanAll(forms);
    const IdentifierHits idsSignedOut = scanIdentifiers(forms, uid);
    printIdentifiers("study open, before the lock", idsBefore);
    printIdentifiers("right after the lock", idsAtLock);
    printIdentifiers("200 ms after the lock", idsAfter);
    printIdentifiers("after signing out of the locked session", idsSignedOut);
    EXPECT_GT(idsBefore.patientId(), 0) << "the patient ID is not found while the study is open";
    EXPECT_GT(idsBefore.studyUid(), 0) << "the study UID is not found while the study is open";
    expectNoIdentifier("right after the lock", idsAtLock);
    expectNoIdentifier("200 ms after the lock", idsAfter);
    expectNoIdentifier("after sign-out", idsSignedOut);
    EXPECT_EQ(signedOut.pixelRaw.hits + signedOut.pixelHu.hits + signedOut.nameUtf8.hits +
                  signedOut.nameUtf16.hits,
              0)
        << "after sign-out: pixel raw [" << where(signedOut.pixelRaw) << "] HU [" << where(signedOut.pixelHu)
        << "] UTF-8 [" << where(signedOut.nameUtf8) << "] UTF-16 [" << where(signedOut.nameUtf16) << "]";
    EXPECT_EQ(atLock.pixelRaw.hits + atLock.pixelHu.hits + atLock.nameUtf8.hits + atLock.nameUtf16.hits, 0)
        << "right after the lock: pixel raw [" << where(atLock.pixelRaw) << "] HU [" << where(atLock.pixelHu)
        << "] UTF-8 [" << where(atLock.nameUtf8) << "] UTF-16 [" << where(atLock.nameUtf16) << "]";

    // Numbers and mapping names only: the marker itself is never printed.
    std::printf(
        "marker hits while instances arrive: pixel raw=%lld name UTF-8=%lld; once loaded, before the "
        "lock: pixel raw=%lld HU=%lld name UTF-8=%lld name UTF-16=%lld; after the lock: pixel raw=%lld "
        "HU=%lld name UTF-8=%lld name UTF-16=%lld\n",
        inFlight.pixelRaw.hits, inFlight.nameUtf8.hits, before.pixelRaw.hits, before.pixelHu.hits,
        before.nameUtf8.hits, before.nameUtf16.hits, after.pixelRaw.hits, after.pixelHu.hits,
        after.nameUtf8.hits, after.nameUtf16.hits);
    std::printf("found in: while arriving pixel raw [%s] UTF-8 [%s]; loaded HU [%s] UTF-16 [%s]\n",
                where(inFlight.pixelRaw).c_str(), where(inFlight.nameUtf8).c_str(),
                where(before.pixelHu).c_str(), where(before.nameUtf16).c_str());
    std::fflush(stdout);

    EXPECT_GT(inFlight.pixelRaw.hits, 0) << "the stored pixel bytes are never found while the series arrives";
    EXPECT_GT(inFlight.nameUtf8.hits, 0) << "the UTF-8 patient name is never found while the series arrives";
    EXPECT_GE(before.pixelHu.hits, 16) << "the volume's HU (one marker per slice) are not found";
    EXPECT_GT(before.nameUtf16.hits, 0) << "the banner's / study list's name (UTF-16) is not found";

    EXPECT_EQ(after.pixelRaw.hits, 0) << where(after.pixelRaw);
    EXPECT_EQ(after.pixelHu.hits, 0) << where(after.pixelHu);
    EXPECT_EQ(after.nameUtf8.hits, 0) << where(after.nameUtf8);
    EXPECT_EQ(after.nameUtf16.hits, 0) << where(after.nameUtf16);
}

// Signing out of an active session (no lock first) leaves neither the patient's identifiers nor the
// series: the wipe, then the "Logout" audit record, whose page holds the session's earlier records.
TEST_F(MemoryWipeGuiTest, SignOutLeavesNoPatientIdOrStudyUid)
{
    const MarkerForms forms = makeMarkerForms();
    QString studyUid = storeMarkerSeries(forms);
    ASSERT_FALSE(studyUid.isEmpty());
    const StudyUidForms uid = studyUidForms(studyUid);
    signIn();
    openSeries(studyUid);
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return m_workstation->mainWindow()->seriesLoader()->volume() != nullptr; }, 30000))
        << "the series is loaded";
    security::secureErase(studyUid);
    const IdentifierHits before = scanIdentifiers(forms, uid);
    emit m_workstation->mainWindow()->signOutRequested();
    ASSERT_EQ(m_workstation->session().state(), Session::State::SignedOut);
    const IdentifierHits atSignOut = scanIdentifiers(forms, uid);
    const AllHits seriesAtSignOut = scanAll(forms);
    QTest::qWait(200);
    const IdentifierHits after = scanIdentifiers(forms, uid);
    const AllHits seriesAfter = scanAll(forms);
    printIdentifiers("study open, before signing out", before);
    printIdentifiers("right after signing out", atSignOut);
    printIdentifiers("200 ms after signing out", after);
    EXPECT_GT(before.patientId(), 0) << "the patient ID is not found while the study is open";
    EXPECT_GT(before.studyUid(), 0) << "the study UID is not found while the study is open";
    expectNoIdentifier("right after signing out", atSignOut);
    expectNoIdentifier("200 ms after signing out", after);
    for (const AllHits* hits : {&seriesAtSignOut, &seriesAfter}) {
        EXPECT_EQ(hits->pixelRaw.hits, 0) << where(hits->pixelRaw);
        EXPECT_EQ(hits->pixelHu.hits, 0) << where(hits->pixelHu);
        EXPECT_EQ(hits->nameUtf8.hits, 0) << where(hits->nameUtf8);
        EXPECT_EQ(hits->nameUtf16.hits, 0) << where(hits->nameUtf16);
    }
}

// The seat is locked while the series is still arriving (the lock comes from the event loop, as the
// toolbar, the idle timer or the card monitor bring it): the transfer stops and nothing it carried stays.
// (Disabled for a while: locking after 1 of 48 instances left ONE UTF-16 copy of the patient name in about
// one run in two. Since the lock screen goes up before the wipe and the reading workspace holds the series,
// it passed 25 runs of 25; the copy's holder was never identified, so a failure here is that finding back.)
TEST_F(MemoryWipeGuiTest, LockWhileTheSeriesArrivesLeavesNoCopy)
{
    const MarkerForms forms = makeMarkerForms();
    // 48 slices of 256x256 (6 MiB): more than one network read, so the lock finds instances in transit.
    const QString studyUid =
        storeMarkerSeries(forms,
                          {QStringLiteral("--rows"), QStringLiteral("256"), QStringLiteral("--columns"),
                           QStringLiteral("256"), QStringLiteral("--slices"), QStringLiteral("48")},
                          48);
    ASSERT_FALSE(studyUid.isEmpty());
    signIn();
    AllHits inFlight;
    int receivedAtLock = -1;
    scanWhileArriving(forms, inFlight, [&](int instances) {
        receivedAtLock = instances;
        QTimer::singleShot(0, m_workstation->mainWindow()->lockAction(), &QAction::trigger);
    });
    openSeries(studyUid);
    ASSERT_TRUE(
        QTest::qWaitFor([&] { return m_workstation->session().state() == Session::State::Locked; }, 30000))
        << "the lock came";
    const AllHits atLock = scanAll(forms);
    QTest::qWait(200);
    const AllHits after = scanAll(forms);
    std::printf("lock while arriving, after %d of 48 instances: hits while arriving: pixel raw=%lld name "
                "UTF-8=%lld; right after the lock: pixel raw=%lld HU=%lld name UTF-8=%lld name UTF-16=%lld; "
                "200 ms later: pixel raw=%lld HU=%lld name UTF-8=%lld name UTF-16=%lld\n",
                receivedAtLock, inFlight.pixelRaw.hits, inFlight.nameUtf8.hits, atLock.pixelRaw.hits,
                atLock.pixelHu.hits, atLock.nameUtf8.hits, atLock.nameUtf16.hits, after.pixelRaw.hits,
                after.pixelHu.hits, after.nameUtf8.hits, after.nameUtf16.hits);
    std::fflush(stdout);
    EXPECT_GT(inFlight.pixelRaw.hits, 0) << "the stored pixel bytes are never found while the series arrives";
    EXPECT_GT(inFlight.nameUtf8.hits, 0) << "the UTF-8 patient name is never found while the series arrives";
    EXPECT_EQ(m_workstation->mainWindow()->seriesLoader()->volume(), nullptr);
    // The transfer cut short by the lock is audited as such (110104, not a success).
    auto records = m_workstation->auditTrail().records(QDateTime::currentDateTimeUtc().addSecs(-600),
                                                       QDateTime::currentDateTimeUtc().addSecs(60));
    ASSERT_TRUE(records);
    bool cancelled = false;
    QStringList transfers;
    for (const auto& record : *records) {
        if (record.event == security::AuditEventId::InstancesTransferred) {
            transfers << record.details;
        }
        cancelled =
            cancelled || (record.event == security::AuditEventId::InstancesTransferred &&
                          record.studyUid == studyUid && record.outcome != security::AuditOutcome::Success &&
                          record.details.contains(QStringLiteral("cancelled: wiped at lock")));
    }
    EXPECT_TRUE(cancelled) << "transfers audited: " << transfers.join(QStringLiteral(" | ")).toStdString();
    for (const AllHits* hits : {&atLock, &after}) {
        EXPECT_EQ(hits->pixelRaw.hits, 0) << where(hits->pixelRaw);
        EXPECT_EQ(hits->pixelHu.hits, 0) << where(hits->pixelHu);
        EXPECT_EQ(hits->nameUtf8.hits, 0) << where(hits->nameUtf8);
        EXPECT_EQ(hits->nameUtf16.hits, 0) << where(hits->nameUtf16);
    }
}

const char* layoutName(viewer::ReadingLayout layout)
{
    switch (layout) {
    case viewer::ReadingLayout::Single:
        return "1x1";
    case viewer::ReadingLayout::OneByTwo:
        return "1x2";
    case viewer::ReadingLayout::TwoByTwo:
        return "2x2";
    case viewer::ReadingLayout::MprAnd3D:
        return "MPR+3D";
    }
    return "?";
}

QList<viewer::VtkViewWidget*> allViews(const viewer::ReadingWorkspace& workspace)
{
    return {workspace.stackView(), workspace.axialView(), workspace.coronalView(), workspace.sagittalView(),
            workspace.volumeView()};
}

/// Every text a widget tree shows (labels, line edits, buttons, window titles), for the lock screen check.
QStringList visibleTexts(QWidget* root)
{
    QStringList texts{root->windowTitle()};
    for (QWidget* widget : root->findChildren<QWidget*>()) {
        if (!widget->isVisible()) {
            continue;
        }
        if (auto* label = qobject_cast<QLabel*>(widget)) {
            texts << label->text();
        } else if (auto* edit = qobject_cast<QLineEdit*>(widget)) {
            texts << edit->text() << edit->placeholderText();
        } else if (auto* button = qobject_cast<QAbstractButton*>(widget)) {
            texts << button->text();
        }
        texts << widget->toolTip();
    }
    return texts;
}

// The reading workspace's views after every layout has been on screen: the 2D views' slice textures (the
// 8-bit greys VTK makes of the slice shown, on llvmpipe in process memory) are found by the scan before the
// lock, and neither they nor any other form of the marker after it; the screen then shows the lock screen
// only.
TEST_F(MemoryWipeGuiTest, ViewingEveryLayoutThenLockLeavesNoCopy)
{
    using viewer::ReadingLayout;
    const MarkerForms forms = makeMarkerForms(/*narrowPixels=*/true);
    ASSERT_TRUE(textureGreysAreExact(forms)) << "the window does not map the marker 1:1 to greys";
    const QString studyUid = storeMarkerSeries(forms);
    ASSERT_FALSE(studyUid.isEmpty());
    const AllHits stored = scanAll(forms);
    EXPECT_EQ(stored.pixelRaw.hits + stored.pixelHu.hits + stored.nameUtf8.hits + stored.nameUtf16.hits +
                  stored.textureRgba.hits + stored.textureGrey.hits,
              0)
        << "the test itself holds a copy of the marker";

    signIn();
    openSeries(studyUid);
    app::MainWindow* window = m_workstation->mainWindow();
    ASSERT_TRUE(QTest::qWaitFor([&] { return window->seriesLoader()->volume() != nullptr; }, 30000))
        << "the series is loaded";
    viewer::ReadingWorkspace* workspace = window->readingWorkspace();
    ASSERT_NE(workspace, nullptr);
    ASSERT_TRUE(QTest::qWaitFor([&] { return workspace->hasSeries(); }, 10000)) << "the workspace shows it";
    ASSERT_TRUE(QTest::qWaitForWindowExposed(window));

    // The stack's window (shared by the 2D views) maps the marker's HU one to one onto greys.
    workspace->stackView()->setWindow(forms.textureWindow);
    ASSERT_EQ(workspace->axialView()->voiWindow(), forms.textureWindow) << "the 2D views share the window";

    // Every layout through its tool-bar button; each view of the layout draws at least one frame.
    // Ends in MPR + 3D: the stack (whose texture holds the marker row) is hidden when the seat locks.
    const ReadingLayout order[] = {ReadingLayout::Single, ReadingLayout::OneByTwo, ReadingLayout::TwoByTwo,
                                   ReadingLayout::MprAnd3D};
    struct Visit
    {
        ReadingLayout layout;
        int views = 0;
        long long textureRgba = -1;
        long long textureGrey = -1;
        QStringList regions;
    };
    std::vector<Visit> visits;
    for (const ReadingLayout layout : order) {
        std::map<viewer::VtkViewWidget*, int> framesBefore;
        for (viewer::VtkViewWidget* view : allViews(*workspace)) {
            framesBefore[view] = view->framesRendered();
        }
        QWidget* button = workspace->toolBar()->widgetForAction(workspace->layoutAction(layout));
        ASSERT_NE(button, nullptr) << layoutName(layout);
        QTest::mouseClick(button, Qt::LeftButton);
        ASSERT_EQ(workspace->readingLayout(), layout) << "the button switched to " << layoutName(layout);
        const QList<QWidget*> shown = workspace->visibleViews();
        for (QWidget* view : shown) {
            view->update(); // a view that kept its place and size draws a frame too
        }
        ASSERT_TRUE(QTest::qWaitFor(
            [&] {
                for (QWidget* widget : shown) {
                    auto* view = static_cast<viewer::VtkViewWidget*>(widget);
                    if (!view->isVisible() || view->framesRendered() <= framesBefore[view]) {
                        return false;
                    }
                }
                return true;
            },
            20000))
            << "every view of " << layoutName(layout) << " drew a frame";
        QTest::qWait(50); // the overlays and the window's composition follow the frames
        security::testing::scrubStack();
        const FormHits rgba = scanFor(forms.textureRgba);
        const FormHits grey = scanFor(forms.textureGrey);
        visits.push_back({layout, int(shown.size()), rgba.hits, grey.hits, rgba.regions});
    }

    const AllHits before = scanAll(forms);
    window->lockAction()->trigger();
    ASSERT_EQ(m_workstation->session().state(), Session::State::Locked);
    const AllHits atLock = scanAll(forms);
    QTest::qWait(200);
    const AllHits after = scanAll(forms);

    for (const Visit& visit : visits) {
        std::printf("layout %s (%d views): texture RGBA=%lld grey=%lld in [%s]\n", layoutName(visit.layout),
                    visit.views, visit.textureRgba, visit.textureGrey,
                    visit.regions.join(QStringLiteral(", ")).toStdString().c_str());
    }
    const auto line = [](const char* when, const AllHits& hits) {
        std::printf("%s: pixel raw=%lld HU=%lld name UTF-8=%lld name UTF-16=%lld texture RGBA=%lld texture "
                    "grey=%lld\n",
                    when, hits.pixelRaw.hits, hits.pixelHu.hits, hits.nameUtf8.hits, hits.nameUtf16.hits,
                    hits.textureRgba.hits, hits.textureGrey.hits);
    };
    line("before the lock", before);
    line("right after the lock", atLock);
    line("200 ms later", after);
    std::fflush(stdout);

    for (const Visit& visit : visits) {
        // The stack shows the stored slice as a texture of the stored size: its marker row is in it.
        if (visit.layout != ReadingLayout::MprAnd3D) {
            EXPECT_GT(visit.textureRgba, 0)
                << "the stack's slice texture is not found in " << layoutName(visit.layout);
        }
    }
    EXPECT_GE(before.pixelHu.hits, 16) << "the volume's HU (one marker per slice) are not found";
    EXPECT_GT(before.nameUtf16.hits, 0) << "the banner's / study list's name (UTF-16) is not found";
    EXPECT_GT(before.textureRgba.hits, 0) << "the slice texture is not found before the lock";
    for (const auto& [when, hits] :
         {std::pair{"right after the lock", &atLock}, std::pair{"200 ms later", &after}}) {
        EXPECT_EQ(hits->pixelRaw.hits, 0) << when << ": " << where(hits->pixelRaw);
        EXPECT_EQ(hits->pixelHu.hits, 0) << when << ": " << where(hits->pixelHu);
        EXPECT_EQ(hits->nameUtf8.hits, 0) << when << ": " << where(hits->nameUtf8);
        EXPECT_EQ(hits->nameUtf16.hits, 0) << when << ": " << where(hits->nameUtf16);
        EXPECT_EQ(hits->textureRgba.hits, 0) << when << ": " << where(hits->textureRgba);
        EXPECT_EQ(hits->textureGrey.hits, 0) << when << ": " << where(hits->textureGrey);
    }

    // What the screen shows now: the lock screen only.
    app::LockScreen* lock = m_workstation->lockScreen();
    ASSERT_TRUE(lock->isShown());
    const QList<QWidget*> lockWindows = lock->windows();
    ASSERT_FALSE(lockWindows.isEmpty());
    for (QWidget* lockWindow : lockWindows) {
        ASSERT_TRUE(QTest::qWaitForWindowExposed(lockWindow));
    }
    QTest::qWait(100);
    EXPECT_FALSE(window->isVisible()) << "the reading window stays on screen under the lock";
    for (viewer::VtkViewWidget* view : allViews(*workspace)) {
        EXPECT_FALSE(view->isVisible()) << view->objectName().toStdString() << " is visible";
    }
    QScreen* screen = QGuiApplication::primaryScreen();
    ASSERT_NE(screen, nullptr);
    const QImage shot = screen->grabWindow(0).toImage().convertToFormat(QImage::Format_RGB32);
    ASSERT_FALSE(shot.isNull());
    QRegion covered;
    for (QWidget* lockWindow : lockWindows) {
        covered += lockWindow->geometry();
        // The screen there is the lock screen's own drawing (a blinking caret may differ).
        const QImage own = lockWindow->grab().toImage().convertToFormat(QImage::Format_RGB32);
        const QRect area = lockWindow->geometry().intersected(shot.rect());
        long long differing = 0;
        for (int y = 0; y < area.height(); ++y) {
            for (int x = 0; x < area.width(); ++x) {
                if (own.pixel(x, y) != shot.pixel(area.x() + x, area.y() + y)) {
                    ++differing;
                }
            }
        }
        EXPECT_LT(differing, static_cast<long long>(area.width()) * area.height() / 200)
            << "the screen under the lock window differs from the lock screen in " << differing << " pixels";
    }
    EXPECT_TRUE(covered.contains(screen->geometry())) << "the lock screen does not cover the whole screen";
    // No patient datum among the lock screen's texts: the name (the marker) and the phantom's patient ID.
    SecureBuffer name = forms.nameUtf16.reveal();
    const QStringView nameView(reinterpret_cast<const char16_t*>(name.data()), qsizetype(name.size() / 2));
    SecureBuffer patientId = forms.patientIdUtf16.reveal();
    const QStringView patientIdView(reinterpret_cast<const char16_t*>(patientId.data()),
                                    qsizetype(patientId.size() / 2));
    for (QWidget* lockWindow : lockWindows) {
        for (const QString& text : visibleTexts(lockWindow)) {
            EXPECT_FALSE(text.contains(nameView)) << "the lock screen shows the patient name";
            EXPECT_FALSE(text.contains(patientIdView)) << "the lock screen shows the patient ID";
        }
    }
    patientId.release();
    name.release();
}

} // namespace
