// dokuei-bench-load: loads the reading centre's demo series the way the workstation does (WADO-RS over
// mutual TLS with the card's key, parsed as it streams, decoded on the worker pool into the secure volume)
// and prints JSON lines: ready-volume time, first decoded slice, download-only and decode-only peers, peak
// memory above the start. Usage: dokuei-bench-load [--runs N] [--curl-seconds S] [--curl-head-seconds S]
// [--getscu-seconds S] (peers measured by scripts/bench in the same run; env from the stack:
// DOKUEI_STACK_DIR).
#include "PrivateCardReader.h"
#include "ReadingCenterEnv.h"

#include <algorithm>
#include <cstdio>
#include <dokuei/exchange/CardClientKey.h>
#include <dokuei/exchange/DicomWebClient.h>
#include <dokuei/exchange/SeriesRetriever.h>
#include <dokuei/security/ProcessHardening.h>
#include <dokuei/security/WipeRegistry.h>
#include <dokuei/viewer/core/SeriesLoader.h>
#include <dokuei/viewer/core/Volume.h>
#include <dokuei/viewer/core/VolumeAssembler.h>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>

using namespace dokuei;
using namespace dokuei::exchange;

namespace {

qint64 statusKiB(const char* field)
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly)) {
        return 0;
    }
    for (const QByteArray& line : status.readAll().split('\n')) {
        if (line.startsWith(field)) {
            return line.mid(static_cast<qsizetype>(std::strlen(field)))
                .trimmed()
                .split(' ')
                .value(0)
                .toLongLong();
        }
    }
    return 0;
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values.empty() ? 0.0 : values[values.size() / 2];
}

/// Resets the peak-RSS counter (VmHWM) so a figure covers one load only.
void resetPeak()
{
    QFile clear(QStringLiteral("/proc/self/clear_refs"));
    if (clear.open(QIODevice::WriteOnly)) {
        clear.write("5");
    }
}

struct LoadRun
{
    double readySeconds = 0;
    double firstSliceSeconds = 0;
    double downloadSeconds = 0;
    qint64 bytes = 0;
    int instances = 0;
    std::size_t volumeBytes = 0;
    bool ok = false;
    bool firstSeen = false;
    qint64 peakAboveBytes = 0;
    int pauses = 0;
    QString error;
};

/// One load through the workstation's own SeriesLoader: stream -> decode (2 threads) -> volume.
LoadRun load(DicomWebClient& client, const QString& study, const QString& series, int expected)
{
    LoadRun run;
    security::WipeRegistry registry;
    viewer::SeriesLoader loader(registry);
    resetPeak();
    const qint64 startKiB = statusKiB("VmRSS:");
    QElapsedTimer timer;
    QEventLoop loop;
    // The first decoded instance is what the reading window previews at once (SliceView).
    QObject::connect(&loader, &viewer::SeriesLoader::previewUpdated, &loop, [&](int) {
        if (!run.firstSeen) {
            run.firstSeen = true;
            run.firstSliceSeconds = static_cast<double>(timer.nsecsElapsed()) / 1e9;
        }
    });
    QObject::connect(&loader, &viewer::SeriesLoader::received, &loop, [&](bool success) {
        run.downloadSeconds = static_cast<double>(timer.nsecsElapsed()) / 1e9;
        run.ok = success;
        run.bytes = loader.retriever()->bytesDelivered();
        run.instances = loader.retriever()->instancesDelivered();
    });
    QObject::connect(&loader, &viewer::SeriesLoader::ready, &loop, [&] {
        run.readySeconds = static_cast<double>(timer.nsecsElapsed()) / 1e9;
        loop.quit();
    });
    QObject::connect(&loader, &viewer::SeriesLoader::failed, &loop, [&](const QString& message) {
        run.ok = false;
        run.error = message;
        loop.quit();
    });
    timer.start();
    loader.start(client, study, series, expected);
    loop.exec();
    run.peakAboveBytes = (statusKiB("VmHWM:") - startKiB) * 1024;
    run.pauses = loader.pauses();
    if (loader.volume()) {
        run.volumeBytes = loader.volume()->bytes();
    } else {
        run.ok = false;
    }
    return run;
}

/// The series' instances as they arrive (for the decode-only peer), by the retriever alone.
QList<QByteArray> collect(DicomWebClient& client, const QString& study, const QString& series, QString* error)
{
    QList<QByteArray> instances;
    SeriesRetriever retriever(client.network(), [&client](const QString& path, const QByteArray& accept) {
        return client.request(path, accept);
    });
    retriever.setReplyWatcher([&client](QNetworkReply* reply) { client.watch(reply, qint64(4) << 30); });
    retriever.setInstanceHandler(
        [&](const QString&, QByteArray& bytes) { instances << QByteArray(bytes.constData(), bytes.size()); });
    QEventLoop loop;
    QObject::connect(&retriever, &SeriesRetriever::finished, &loop, [&](bool success) {
        if (!success && retriever.error()) {
            *error = retriever.error()->message;
        }
        loop.quit();
    });
    retriever.start(study, series);
    loop.exec();
    return instances;
}

/// Seconds to fetch one instance by WADO-RS (`.../instances/{sop}`, the whole multipart read).
double fetchOneInstance(DicomWebClient& client, const QString& study, const QString& series,
                        const QString& sop)
{
    const QString path = QStringLiteral("/studies/%1/series/%2/instances/%3").arg(study, series, sop);
    QElapsedTimer timer;
    timer.start();
    QNetworkReply* reply = client.network().get(client.request(path, SeriesRetriever::acceptHeader()));
    client.watch(reply, qint64(64) << 20);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    QByteArray body = reply->readAll();
    const double seconds = static_cast<double>(timer.nsecsElapsed()) / 1e9;
    const bool ok = reply->error() == QNetworkReply::NoError && !body.isEmpty();
    body.fill('\0');
    reply->deleteLater();
    return ok ? seconds : -1.0;
}

double decodeOnly(const QList<QByteArray>& instances)
{
    viewer::AssemblerOptions options;
    options.expectedInstances = static_cast<int>(instances.size());
    viewer::VolumeAssembler assembler(options);
    QElapsedTimer timer;
    timer.start();
    for (const QByteArray& bytes : instances) {
        (void)assembler.addInstance(QByteArray(bytes.constData(), bytes.size()));
    }
    assembler.close();
    assembler.waitForFinished(-1);
    return static_cast<double>(timer.nsecsElapsed()) / 1e9;
}

void line(const QString& json)
{
    std::printf("%s\n", json.toUtf8().constData());
    std::fflush(stdout);
}

} // namespace

int main(int argc, char** argv)
{
    security::ProcessHardening::keepLargeBlocksInHeap(); // as the workstation does
    QCoreApplication app(argc, argv);
    int runs = 3;
    double curlSeconds = 0;
    double curlHeadSeconds = 0;
    double getscuSeconds = 0;
    const QStringList args = QCoreApplication::arguments();
    for (int i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == QStringLiteral("--runs")) {
            runs = std::max(1, args[i + 1].toInt());
        } else if (args[i] == QStringLiteral("--curl-seconds")) {
            curlSeconds = args[i + 1].toDouble();
        } else if (args[i] == QStringLiteral("--getscu-seconds")) {
            getscuSeconds = args[i + 1].toDouble();
        } else if (args[i] == QStringLiteral("--curl-head-seconds")) {
            curlHeadSeconds = args[i + 1].toDouble();
        }
    }
    auto env = integration::ReadingCenterEnv::load();
    if (!env) {
        std::fprintf(stderr, "dokuei-bench-load: %s\n", qPrintable(env.error()));
        return 1;
    }
    const QString userId = env->value(QStringLiteral("DOKUEI_RC_DEMO_USER"));
    integration::PrivateCardReader reader(*env);
    if (!reader.error().isEmpty() || !reader.insertOnly({userId})) {
        std::fprintf(stderr, "dokuei-bench-load: card reader: %s\n", qPrintable(reader.error()));
        return 1;
    }
    auto policy = TlsPolicy::load({env->caFile(), env->value(QStringLiteral("DOKUEI_RC_CRL")), {}});
    if (!policy) {
        std::fprintf(stderr, "dokuei-bench-load: %s\n", qPrintable(policy.error().message));
        return 1;
    }
    DicomWebClientSettings settings;
    settings.baseUrl = QUrl(env->url());
    settings.timeout = std::chrono::seconds(60);
    DicomWebClient client(*policy, settings);
    const auto user = env->user(userId);
    QByteArray pin = user.pin.toUtf8();
    CardClientKeySettings keySettings;
    keySettings.modulePath = env->value(QStringLiteral("DOKUEI_PKCS11_MODULE"));
    keySettings.keyUri = user.authKeyUri;
    auto key = CardClientKey::loadPrivateKey(keySettings, pin);
    if (!key) {
        std::fprintf(stderr, "dokuei-bench-load: card key: %s\n", qPrintable(key.error().message));
        return 1;
    }
    client.setClientCredentials({*key, QSslCertificate::fromPath(user.authCert).value(0)});

    for (const char* which : {"CHEST", "HEAD"}) {
        const QString prefix = QStringLiteral("DOKUEI_DEMO_%1_").arg(QLatin1String(which));
        const QString study = env->value(prefix + QStringLiteral("STUDY_UID"));
        const QString series = env->value(prefix + QStringLiteral("SERIES_UID"));
        const int expected = env->value(prefix + QStringLiteral("INSTANCES")).toInt();
        const QString name = QString::fromLatin1(which).toLower();
        // Warm-up (TLS connection with the card's signature, caches of the server).
        // Peer: the retrieval alone (Qt network, multipart parsing, one copy per instance), no decoding.
        QString collectError;
        QList<QByteArray> bytes = collect(client, study, series, &collectError);
        std::vector<double> retrievalOnly;
        for (int i = 0; i < runs && collectError.isEmpty(); ++i) {
            QElapsedTimer retrievalTimer;
            retrievalTimer.start();
            QList<QByteArray> again = collect(client, study, series, &collectError);
            retrievalOnly.push_back(static_cast<double>(retrievalTimer.nsecsElapsed()) / 1e9);
            for (QByteArray& b : again) {
                b.fill('\0');
            }
        }
        LoadRun warm = load(client, study, series, expected);
        if (!warm.ok || bytes.size() != expected) {
            std::fprintf(stderr, "dokuei-bench-load: %s: %s%s\n", which, qPrintable(warm.error),
                         qPrintable(collectError));
            return 1;
        }
        // Peer of the first slice: fetching the middle instance alone, then decoding it alone.
        const QByteArray& middle = bytes[bytes.size() / 2];
        const QString middleSop = SeriesRetriever::sopUidFromPart10(QByteArrayView(middle));
        std::vector<double> oneFetch, oneDecode;
        for (int i = 0; i < runs; ++i) {
            oneFetch.push_back(fetchOneInstance(client, study, series, middleSop));
            oneDecode.push_back(decodeOnly({middle}));
        }
        std::vector<double> ready, first, download, decode;
        LoadRun last;
        bool progressive = true;
        qint64 peak = 0;
        int pauses = 0;
        for (int i = 0; i < runs; ++i) {
            last = load(client, study, series, expected);
            pauses = std::max(pauses, last.pauses);
            ready.push_back(last.readySeconds);
            first.push_back(last.firstSliceSeconds);
            progressive = progressive && last.firstSeen;
            peak = std::max(peak, last.peakAboveBytes);
            download.push_back(last.downloadSeconds);
            decode.push_back(decodeOnly(bytes));
        }
        for (QByteArray& b : bytes) {
            b.fill('\0');
        }
        const double onePeer = median(oneFetch) + median(oneDecode);
        const double readyMedian = median(ready);
        const double peer = std::max(median(download), median(decode));
        line(QStringLiteral(
                 "{\"name\":\"ready_volume_%1\",\"value\":%2,\"unit\":\"s\",\"instances\":%3,\"bytes\":%4,"
                 "\"runs\":%5,\"peer\":\"max(last instance received, decode-only 2 "
                 "threads)\",\"peer_value\":%6,"
                 "\"ratio\":%7,\"limit\":%8}")
                 .arg(name)
                 .arg(readyMedian, 0, 'f', 4)
                 .arg(last.instances)
                 .arg(last.bytes)
                 .arg(runs)
                 .arg(peer, 0, 'f', 4)
                 .arg(readyMedian / peer, 0, 'f', 3)
                 .arg(name == QStringLiteral("chest") ? 1.25 : 1.2));
        if (name == QStringLiteral("chest") && curlSeconds > 0) {
            line(QStringLiteral(
                     "{\"name\":\"ready_volume_chest_vs_curl\",\"value\":%1,\"unit\":\"s\",\"peer\":\"curl "
                     "WADO-RS download, same endpoint and card "
                     "key\",\"peer_value\":%2,\"ratio\":%3,\"limit\":1.25}")
                     .arg(readyMedian, 0, 'f', 4)
                     .arg(curlSeconds, 0, 'f', 4)
                     .arg(readyMedian / curlSeconds, 0, 'f', 3));
        }
        if (name == QStringLiteral("chest") && getscuSeconds > 0) {
            line(
                QStringLiteral(
                    "{\"name\":\"ready_volume_chest_vs_getscu\",\"value\":%1,\"unit\":\"s\",\"peer\":\"DCMTK "
                    "getscu C-GET of the same series (plain TCP, files)\",\"peer_value\":%2,\"ratio\":%3}")
                    .arg(readyMedian, 0, 'f', 4)
                    .arg(getscuSeconds, 0, 'f', 4)
                    .arg(readyMedian / getscuSeconds, 0, 'f', 3));
        }
        if (name == QStringLiteral("head") && curlHeadSeconds > 0) {
            const double jlsPeer = std::max(curlHeadSeconds, median(decode));
            line(QStringLiteral(
                     "{\"name\":\"ready_volume_head_jpegls_vs_curl_or_decode\",\"value\":%1,\"unit\":\"s\","
                     "\"peer\":\"max(curl WADO-RS download, decode-only 2 threads)\",\"peer_value\":%2,"
                     "\"curl\":%3,\"decode_only\":%4,\"ratio\":%5,\"limit\":1.2}")
                     .arg(readyMedian, 0, 'f', 4)
                     .arg(jlsPeer, 0, 'f', 4)
                     .arg(curlHeadSeconds, 0, 'f', 4)
                     .arg(median(decode), 0, 'f', 4)
                     .arg(readyMedian / jlsPeer, 0, 'f', 3));
        }
        if (progressive) {
            line(QStringLiteral(
                     "{\"name\":\"first_slice_decoded_%1\",\"value\":%2,\"unit\":\"s\",\"limit\":1.0,"
                     "\"peer\":\"one-instance WADO-RS fetch + one-slice decode\",\"peer_value\":%3,"
                     "\"fetch_one\":%4,\"decode_one\":%5,\"ratio\":%6,\"ratio_limit\":3.0,"
                     "\"note\":\"first instance decoded and previewable; the paint itself is not included\"}")
                     .arg(name)
                     .arg(median(first), 0, 'f', 4)
                     .arg(onePeer, 0, 'f', 4)
                     .arg(median(oneFetch), 0, 'f', 4)
                     .arg(median(oneDecode), 0, 'f', 4)
                     .arg(median(first) / onePeer, 0, 'f', 3));
        } else {
            line(QStringLiteral(
                     "{\"name\":\"first_slice_decoded_%1\",\"value\":null,\"unit\":\"s\",\"limit\":1.0,"
                     "\"note\":\"no slice was reported ready before the whole series was placed\"}")
                     .arg(name));
        }
        line(QStringLiteral(
                 "{\"name\":\"retrieval_only_%1\",\"value\":%2,\"unit\":\"s\",\"note\":\"Qt network + "
                 "multipart parsing, no decoding\"%3}")
                 .arg(name)
                 .arg(median(retrievalOnly), 0, 'f', 4)
                 .arg(name == QStringLiteral("chest") && curlSeconds > 0
                          ? QStringLiteral(",\"peer\":\"curl\",\"ratio\":%1")
                                .arg(median(retrievalOnly) / curlSeconds, 0, 'f', 3)
                          : QString()));
        line(QStringLiteral("{\"name\":\"last_instance_received_%1\",\"value\":%2,\"unit\":\"s\"}")
                 .arg(name)
                 .arg(median(download), 0, 'f', 4));
        line(QStringLiteral("{\"name\":\"decode_only_%1\",\"value\":%2,\"unit\":\"s\",\"threads\":2}")
                 .arg(name)
                 .arg(median(decode), 0, 'f', 4));
        const auto peakAbove = static_cast<double>(peak);
        line(QStringLiteral(
                 "{\"name\":\"peak_rss_during_load_%1\",\"value\":%2,\"unit\":\"bytes\",\"volume_bytes\":%3,"
                 "\"ratio\":%4,\"limit\":1.5,\"network_pauses\":%5}")
                 .arg(name)
                 .arg(peakAbove, 0, 'f', 0)
                 .arg(last.volumeBytes)
                 .arg(peakAbove / static_cast<double>(std::max<std::size_t>(1, last.volumeBytes)), 0, 'f', 3)
                 .arg(pauses));
    }
    return 0;
}
