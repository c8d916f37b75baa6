// A phantom series in every transfer syntax the generator writes travels the whole path of Step 3: STOW-RS
// into the reading centre, WADO-RS back over mutual TLS with the card's key (parsed as it streams), decoded
// from memory and assembled into the secure volume. HU values and geometry must equal the ground truth.
#include "PrivateCardReader.h"
#include "ReadingCenterEnv.h"
#include "Subprocess.h"

#include <cstdio>
#include <dokuei/exchange/CardClientKey.h>
#include <dokuei/exchange/DicomWebClient.h>
#include <dokuei/exchange/SeriesRetriever.h>
#include <dokuei/security/WipeRegistry.h>
#include <dokuei/viewer/core/SeriesLoader.h>
#include <dokuei/viewer/core/Volume.h>
#include <dokuei/viewer/core/VolumeAssembler.h>

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTimer>

#include <gtest/gtest.h>

namespace dokuei::integration {
namespace {

using namespace dokuei::exchange;

/// FNV-1a 64 over the slice's HU values as little-endian int16, as in the phantom's truth.json.
QString huChecksum(const std::int16_t* voxels, std::size_t count)
{
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (std::size_t i = 0; i < count; ++i) {
        const auto value = static_cast<std::uint16_t>(voxels[i]);
        for (const std::uint8_t byte :
             {static_cast<std::uint8_t>(value & 0xff), static_cast<std::uint8_t>(value >> 8)}) {
            hash ^= byte;
            hash *= 0x100000001b3ULL;
        }
    }
    return QStringLiteral("%1").arg(hash, 16, 16, QLatin1Char('0'));
}

struct Generated
{
    QString studyUid;
    QString seriesUid;
    QList<QByteArray> instances;
    QJsonObject truth;
};

class SeriesLoadTest : public ::testing::TestWithParam<const char*>
{
protected:
    static void SetUpTestSuite()
    {
        auto loaded = ReadingCenterEnv::load();
        if (!loaded) {
            s_error = loaded.error();
            return;
        }
        s_env = std::move(*loaded);
        s_reader = std::make_unique<PrivateCardReader>(*s_env);
        if (!s_reader->error().isEmpty() || !s_reader->insertOnly({QStringLiteral("dr.sato")})) {
            s_error = QStringLiteral("private card reader: ") + s_reader->error();
            return;
        }
        auto policy = TlsPolicy::load({s_env->caFile(), s_env->value(QStringLiteral("DOKUEI_RC_CRL")), {}});
        if (!policy) {
            s_error = policy.error().message;
            return;
        }
        DicomWebClientSettings settings;
        settings.baseUrl = QUrl(s_env->url());
        settings.timeout = std::chrono::seconds(30);
        s_client = std::make_unique<DicomWebClient>(*policy, settings);
        const ReadingCenterUser user = s_env->user(QStringLiteral("dr.sato"));
        QByteArray pin = user.pin.toUtf8();
        CardClientKeySettings keySettings;
        keySettings.modulePath = s_env->value(QStringLiteral("DOKUEI_PKCS11_MODULE"));
        keySettings.keyUri = user.authKeyUri;
        auto key = CardClientKey::loadPrivateKey(keySettings, pin);
        if (!key) {
            s_error = key.error().message;
            return;
        }
        s_client->setClientCredentials({*key, QSslCertificate::fromPath(user.authCert).value(0)});
    }

    static void TearDownTestSuite()
    {
        s_client.reset();
        s_reader.reset();
    }

    void SetUp() override { ASSERT_TRUE(s_error.isEmpty()) << s_error.toStdString(); }

    /// Runs the phantom generator (tiny preset) with these extra options into a temp dir; reads the files.
    static std::optional<Generated> generate(const QStringList& options)
    {
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("series"));
        static int counter = 0;
        const QString studyUid = QStringLiteral("1.2.826.0.1.3680043.9.7713.%1.%2.%3")
                                     .arg(QCoreApplication::applicationPid())
                                     .arg(QDateTime::currentSecsSinceEpoch())
                                     .arg(++counter);
        const auto run = runSubprocess(
            QStringLiteral(DOKUEI_PHANTOM_PATH),
            QStringList{QStringLiteral("--preset"), QStringLiteral("tiny"), QStringLiteral("--out"), out,
                        QStringLiteral("--study-uid"), studyUid, QStringLiteral("--quiet")} +
                options);
        EXPECT_EQ(run.exitCode, 0) << run.err.toStdString() << run.failure.toStdString();
        if (run.exitCode != 0) {
            return std::nullopt;
        }
        Generated generated;
        QFile truthFile(out + QStringLiteral("/truth.json"));
        EXPECT_TRUE(truthFile.open(QIODevice::ReadOnly));
        generated.truth = QJsonDocument::fromJson(truthFile.readAll()).object();
        generated.studyUid =
            generated.truth[QStringLiteral("uids")].toObject()[QStringLiteral("study")].toString();
        generated.seriesUid =
            generated.truth[QStringLiteral("uids")].toObject()[QStringLiteral("series")].toString();
        for (const QString& name : QDir(out).entryList({QStringLiteral("*.dcm")}, QDir::Files)) {
            QFile file(out + QLatin1Char('/') + name);
            EXPECT_TRUE(file.open(QIODevice::ReadOnly));
            generated.instances << file.readAll();
        }
        return generated;
    }

    static inline std::optional<ReadingCenterEnv> s_env;
    static inline std::unique_ptr<PrivateCardReader> s_reader;
    static inline std::unique_ptr<DicomWebClient> s_client;
    static inline QString s_error;
};

TEST_P(SeriesLoadTest, StoredSeriesStreamsBackBitExact)
{
    const QStringList options = QString::fromLatin1(GetParam()).split(QLatin1Char(' '), Qt::SkipEmptyParts);
    auto generated = generate(options);
    ASSERT_TRUE(generated);
    ASSERT_FALSE(generated->studyUid.isEmpty());
    ASSERT_FALSE(generated->instances.isEmpty());

    auto stored = s_client->storeSync(generated->studyUid, generated->instances);
    ASSERT_TRUE(stored) << stored.error().message.toStdString();

    const QJsonObject geometry = generated->truth[QStringLiteral("geometry")].toObject();
    const QJsonArray truthSlices = geometry[QStringLiteral("slices")].toArray();
    // The workstation's own loader (retrieval over mutual TLS into the assembly), as the reading window uses
    // it.
    security::WipeRegistry registry;
    viewer::SeriesLoader loader(registry);
    QEventLoop loop;
    bool ready = false;
    QString failure;
    QObject::connect(&loader, &viewer::SeriesLoader::ready, &loop, [&] {
        ready = true;
        loop.quit();
    });
    QObject::connect(&loader, &viewer::SeriesLoader::failed, &loop, [&](const QString& message) {
        failure = message;
        loop.quit();
    });
    QStringList instanceErrors;
    QObject::connect(&loader, &viewer::SeriesLoader::instanceFailed, &loop,
                     [&](const QString& message) { instanceErrors << message; });
    QTimer::singleShot(60000, &loop, &QEventLoop::quit);
    loader.start(*s_client, generated->studyUid, generated->seriesUid, int(generated->instances.size()));
    loop.exec();
    ASSERT_TRUE(ready) << (failure.isEmpty() ? std::string("timeout") : failure.toStdString());
    EXPECT_TRUE(instanceErrors.isEmpty()) << instanceErrors.join(QLatin1Char('\n')).toStdString();
    EXPECT_EQ(loader.retriever()->instancesDelivered(), generated->instances.size());
    const viewer::VolumeAssembler& assembler = *loader.assembler();
    viewer::Volume* volume = loader.volume();
    ASSERT_NE(volume, nullptr);
    ASSERT_EQ(volume->slices(), truthSlices.size());
    EXPECT_EQ(volume->rows(), geometry[QStringLiteral("rows")].toInt());
    EXPECT_EQ(volume->columns(), geometry[QStringLiteral("columns")].toInt());

    // Every volume slice equals the truth slice at the same position, bit for bit.
    const auto infos = assembler.sliceInfos();
    ASSERT_EQ(static_cast<qsizetype>(infos.size()), truthSlices.size());
    const std::size_t pixels = static_cast<std::size_t>(volume->rows()) * volume->columns();
    int matched = 0;
    for (int k = 0; k < volume->slices(); ++k) {
        for (const QJsonValue& value : truthSlices) {
            const QJsonArray position = value.toObject()[QStringLiteral("imagePositionPatient")].toArray();
            bool same = true;
            for (int axis = 0; axis < 3; ++axis) {
                same = same && std::abs(position[axis].toDouble() - infos[k].imagePosition[axis]) < 0.01;
            }
            if (same) {
                EXPECT_EQ(huChecksum(volume->slice(k), pixels),
                          value.toObject()[QStringLiteral("huChecksum")].toString())
                    << "slice " << k;
                ++matched;
            }
        }
    }
    EXPECT_EQ(matched, volume->slices()) << "every slice has its truth slice at the same position";
    // Slices are ordered along the normal (ascending positions projected on it).
    const QJsonArray normal = geometry[QStringLiteral("sliceNormal")].toArray();
    for (int k = 1; k < volume->slices(); ++k) {
        double previous = 0;
        double current = 0;
        for (int axis = 0; axis < 3; ++axis) {
            previous += infos[k - 1].imagePosition[axis] * normal[axis].toDouble();
            current += infos[k].imagePosition[axis] * normal[axis].toDouble();
        }
        EXPECT_LT(previous, current);
    }
    EXPECT_EQ(
        infos.front().patientName,
        generated->truth[QStringLiteral("identity")].toObject()[QStringLiteral("patientName")].toString());
}

// Flow control through the stack: with decoding slower than the network (JPEG-LS head series, one decode
// thread) and a small bound on instances waiting to be decoded, reading pauses and resumes; the waiting bytes
// stay near the bound and the whole series still loads.
using SeriesLoaderFlowTest = SeriesLoadTest;
TEST_F(SeriesLoaderFlowTest, SlowDecodingPausesTheNetworkAndTheSeriesStillLoads)
{
    const QString study = s_env->value(QStringLiteral("DOKUEI_DEMO_HEAD_STUDY_UID"));
    const QString series = s_env->value(QStringLiteral("DOKUEI_DEMO_HEAD_SERIES_UID"));
    const int instances = s_env->value(QStringLiteral("DOKUEI_DEMO_HEAD_INSTANCES")).toInt();
    ASSERT_GT(instances, 0);
    viewer::SeriesLoader::Options options;
    options.maxPendingBytes = std::size_t{1} << 20;
    options.readBufferBytes = 256 * 1024;
    options.threads = 1;
    security::WipeRegistry registry;
    viewer::SeriesLoader loader(registry, options);
    std::size_t maxPending = 0;
    QEventLoop loop;
    bool ready = false;
    QObject::connect(&loader, &viewer::SeriesLoader::progress, &loop, [&](int, qint64, double) {
        maxPending = std::max(maxPending, loader.assembler()->pendingBytes());
    });
    QObject::connect(&loader, &viewer::SeriesLoader::ready, &loop, [&] {
        ready = true;
        loop.quit();
    });
    QObject::connect(&loader, &viewer::SeriesLoader::failed, &loop, [&] { loop.quit(); });
    QTimer::singleShot(120000, &loop, &QEventLoop::quit);
    loader.start(*s_client, study, series, instances);
    loop.exec();
    ASSERT_TRUE(ready);
    ASSERT_NE(loader.volume(), nullptr);
    EXPECT_EQ(loader.volume()->slices(), instances);
    EXPECT_EQ(loader.retriever()->instancesDelivered(), instances) << "each instance once";
    EXPECT_GT(loader.pauses(), 0) << "decoding was never behind: the test proves nothing";
    // The bound plus what can arrive in one read while reaching it (Qt's read buffer, one instance).
    EXPECT_LT(maxPending,
              options.maxPendingBytes + std::size_t(options.readBufferBytes) + (std::size_t{1} << 20))
        << "instances waiting for the decoders: " << maxPending;
    std::printf("[flow] head series: %d pauses, at most %zu bytes waiting for the decoder (bound %zu)\n",
                loader.pauses(), maxPending, options.maxPendingBytes);
}

// One malformed instance in a series stored at the reading centre (its JPEG-LS stream destroyed, the DICOM
// structure intact, so the archive accepts it): the rest of the series loads and the broken one is reported
// by its SOP Instance UID.
TEST_F(SeriesLoaderFlowTest, OneMalformedInstanceIsReportedAndTheRestLoads)
{
    auto generated = generate({QStringLiteral("--transfer-syntax"), QStringLiteral("jpeg-ls")});
    ASSERT_TRUE(generated);
    ASSERT_GE(generated->instances.size(), 4);
    QByteArray& victim = generated->instances[generated->instances.size() / 2];
    const qsizetype soi = victim.indexOf(QByteArray("\xFF\xD8\xFF\xF7", 4));
    ASSERT_GT(soi, 0) << "no JPEG-LS stream in the instance";
    for (qsizetype i = soi + 2; i < std::min(victim.size(), soi + 66); ++i) {
        victim[i] = '\0'; // no marker where the frame header must be
    }
    const QString victimUid = SeriesRetriever::sopUidFromPart10(QByteArrayView(victim));
    ASSERT_FALSE(victimUid.isEmpty());
    auto stored = s_client->storeSync(generated->studyUid, generated->instances);
    ASSERT_TRUE(stored) << stored.error().message.toStdString();

    security::WipeRegistry registry;
    viewer::SeriesLoader loader(registry);
    QEventLoop loop;
    bool ready = false;
    QStringList instanceErrors;
    QObject::connect(&loader, &viewer::SeriesLoader::instanceFailed, &loop,
                     [&](const QString& message) { instanceErrors << message; });
    QObject::connect(&loader, &viewer::SeriesLoader::ready, &loop, [&] {
        ready = true;
        loop.quit();
    });
    QObject::connect(&loader, &viewer::SeriesLoader::failed, &loop, [&] { loop.quit(); });
    QTimer::singleShot(60000, &loop, &QEventLoop::quit);
    loader.start(*s_client, generated->studyUid, generated->seriesUid, int(generated->instances.size()));
    loop.exec();
    ASSERT_TRUE(ready);
    ASSERT_EQ(instanceErrors.size(), 1) << instanceErrors.join(QLatin1Char('\n')).toStdString();
    EXPECT_TRUE(instanceErrors.first().startsWith(victimUid)) << instanceErrors.first().toStdString();
    ASSERT_NE(loader.volume(), nullptr);
    EXPECT_EQ(loader.volume()->slices(), generated->instances.size() - 1)
        << "every other instance is in the volume";
    std::printf("[malformed] reported: %s\n", qPrintable(instanceErrors.first()));
}

INSTANTIATE_TEST_SUITE_P(EveryTransferSyntax, SeriesLoadTest,
                         ::testing::Values("--transfer-syntax explicit-le", "--transfer-syntax implicit-le",
                                           "--transfer-syntax explicit-be", "--transfer-syntax jpeg-ls",
                                           "--transfer-syntax jpeg-lossless", "--transfer-syntax rle",
                                           "--transfer-syntax deflate",
                                           "--transfer-syntax explicit-le --charset iso2022",
                                           "--transfer-syntax jpeg-ls --enhanced"));

} // namespace
} // namespace dokuei::integration
