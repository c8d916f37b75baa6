// dokuei-load-probe: one series load the way the reading window does it, for a test that watches the process
// from outside (strace). Card and connection set-up first, then the load itself between two markers that
// the tracer sees: an open of "/dokuei-load-probe/begin" and of "/dokuei-load-probe/end" (read-only, both
// fail with ENOENT). Between them: SeriesLoader::start (WADO-RS over mutual TLS with the card's key, parsed
// as it streams, decoded into the secure volume) until ready, then the loader's wipe.
//
// Usage: dokuei-load-probe CHEST|HEAD|TINY (a demo series of the stack named by DOKUEI_STACK_DIR).
// Prints "loaded <slices> slices <rows>x<columns>" and exits 0, or an error on stderr and exits 1.
#include "PrivateCardReader.h"
#include "ReadingCenterEnv.h"

#include <cerrno>
#include <cstdio>
#include <dokuei/exchange/CardClientKey.h>
#include <dokuei/exchange/DicomWebClient.h>
#include <dokuei/exchange/TlsPolicy.h>
#include <dokuei/security/WipeRegistry.h>
#include <dokuei/viewer/core/SeriesLoader.h>
#include <dokuei/viewer/core/Volume.h>
#include <fcntl.h>
#include <unistd.h>

#include <QCoreApplication>
#include <QEventLoop>
#include <QSslCertificate>
#include <QTimer>

namespace {

/// A read-only open of a path that does not exist: a line in the trace and nothing else.
void traceMarker(const char* path)
{
    const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        ::close(fd);
    }
}

int fail(const QString& message)
{
    std::fprintf(stderr, "dokuei-load-probe: %s\n", qPrintable(message));
    return 1;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QString which = argc > 1 ? QString::fromLatin1(argv[1]).toUpper() : QStringLiteral("TINY");
    using namespace dokuei;
    auto env = integration::ReadingCenterEnv::load();
    if (!env) {
        return fail(env.error());
    }
    integration::PrivateCardReader reader(*env);
    if (!reader.error().isEmpty() || !reader.insertOnly({QStringLiteral("dr.sato")})) {
        return fail(QStringLiteral("card reader: ") + reader.error());
    }
    const QString study = env->value(QStringLiteral("DOKUEI_DEMO_%1_STUDY_UID").arg(which));
    const QString series = env->value(QStringLiteral("DOKUEI_DEMO_%1_SERIES_UID").arg(which));
    const int instances = env->value(QStringLiteral("DOKUEI_DEMO_%1_INSTANCES").arg(which)).toInt();
    if (study.isEmpty() || series.isEmpty() || instances <= 0) {
        return fail(QStringLiteral("no demo series %1 in the stack").arg(which));
    }

    // As Workstation::create and Workstation::connectReadingCentre set up the reading centre.
    auto policy = exchange::TlsPolicy::load({env->caFile(), env->value(QStringLiteral("DOKUEI_RC_CRL")), {}});
    if (!policy) {
        return fail(policy.error().message);
    }
    exchange::DicomWebClientSettings settings;
    settings.baseUrl = QUrl(env->url());
    exchange::DicomWebClient client(*policy, settings);
    const integration::ReadingCenterUser user = env->user(QStringLiteral("dr.sato"));
    QByteArray pin = user.pin.toUtf8();
    exchange::CardClientKeySettings keySettings;
    keySettings.modulePath = env->value(QStringLiteral("DOKUEI_PKCS11_MODULE"));
    keySettings.keyUri = user.authKeyUri;
    auto key = exchange::CardClientKey::loadPrivateKey(keySettings, pin);
    pin.fill('\0');
    if (!key) {
        return fail(key.error().message);
    }
    client.setClientCredentials({*key, QSslCertificate::fromPath(user.authCert).value(0)});

    security::WipeRegistry registry;
    viewer::SeriesLoader loader(registry);
    QEventLoop loop;
    QString error;
    QObject::connect(&loader, &viewer::SeriesLoader::ready, &loop, &QEventLoop::quit);
    QObject::connect(&loader, &viewer::SeriesLoader::failed, &loop, [&](const QString& message) {
        error = message;
        loop.quit();
    });
    QObject::connect(&loader, &viewer::SeriesLoader::instanceFailed, &loop,
                     [&](const QString& message) { error = message; });
    QTimer::singleShot(60000, &loop, [&] {
        error = QStringLiteral("no volume after 60 s");
        loop.quit();
    });

    traceMarker("/dokuei-load-probe/begin");
    loader.start(client, study, series, instances);
    loop.exec();
    const viewer::Volume* volume = loader.volume();
    const int slices = volume ? volume->slices() : 0;
    const int rows = volume ? volume->rows() : 0;
    const int columns = volume ? volume->columns() : 0;
    registry.wipeAll();
    traceMarker("/dokuei-load-probe/end");

    if (!error.isEmpty() || slices != instances) {
        return fail(QStringLiteral("load of %1 failed (%2 of %3 slices): %4")
                        .arg(which)
                        .arg(slices)
                        .arg(instances)
                        .arg(error));
    }
    std::printf("loaded %d slices %dx%d\n", slices, rows, columns);
    return 0;
}
