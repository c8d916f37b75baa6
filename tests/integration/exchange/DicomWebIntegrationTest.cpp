// DICOMweb over mutual TLS against the local reading centre (nginx with ssl_verify_client on, Orthanc),
// with the demo user's SoftHSM2 card key loaded through the pkcs11 engine, as the workstation does it.
#include "PrivateCardReader.h"
#include "ReadingCenterEnv.h"
#include "Subprocess.h"

#include <dokuei/exchange/CardClientKey.h>
#include <dokuei/exchange/DicomWebClient.h>
#include <memory>
#include <optional>

#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QNetworkReply>
#include <QTemporaryDir>

#include <gtest/gtest.h>

namespace dokuei::integration {
namespace {

using namespace dokuei::exchange;

class DicomWebIntegrationTest : public ::testing::Test
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
        // One private reader for the whole process: PKCS#11 (and the engine) initialise once per process.
        s_reader = std::make_unique<PrivateCardReader>(*s_env);
        if (!s_reader->error().isEmpty() || !s_reader->insertOnly({QStringLiteral("dr.sato")}))
            s_error = QStringLiteral("private card reader: ") + s_reader->error();
    }

    void SetUp() override { ASSERT_TRUE(s_error.isEmpty()) << s_error.toStdString(); }

    static CardClientKeySettings keySettings(const QString& uri)
    {
        CardClientKeySettings settings;
        settings.modulePath = s_env->value(QStringLiteral("DOKUEI_PKCS11_MODULE"));
        settings.keyUri = uri;
        return settings;
    }

    static std::unique_ptr<DicomWebClient> client(bool withCard = true)
    {
        auto policy = TlsPolicy::load({s_env->caFile(), s_env->value(QStringLiteral("DOKUEI_RC_CRL")), {}});
        EXPECT_TRUE(policy) << policy.error().message.toStdString();
        if (!policy)
            return nullptr;
        DicomWebClientSettings settings;
        settings.baseUrl = QUrl(s_env->url());
        settings.timeout = std::chrono::seconds(30);
        auto c = std::make_unique<DicomWebClient>(*policy, settings);
        if (withCard) {
            const ReadingCenterUser user = s_env->user(QStringLiteral("dr.sato"));
            QByteArray pin = user.pin.toUtf8();
            auto key = CardClientKey::loadPrivateKey(keySettings(user.authKeyUri), pin);
            EXPECT_TRUE(key) << key.error().message.toStdString();
            EXPECT_TRUE(pin.isEmpty()); // zeroed
            const QSslCertificate cert = QSslCertificate::fromPath(user.authCert).value(0);
            EXPECT_FALSE(cert.isNull());
            if (key)
                c->setClientCredentials({*key, cert});
        }
        return c;
    }

    static inline std::optional<ReadingCenterEnv> s_env;
    static inline std::unique_ptr<PrivateCardReader> s_reader;
    static inline QString s_error;
};

TEST_F(DicomWebIntegrationTest, QidoListsTheSeededStudiesWithJapaneseNames)
{
    auto c = client();
    QElapsedTimer timer;
    timer.start();
    auto studies = c->searchStudiesSync();
    const qint64 ms = timer.elapsed();
    ASSERT_TRUE(studies) << studies.error().message.toStdString();
    const QString chest = s_env->value(QStringLiteral("DOKUEI_DEMO_CHEST_STUDY_UID"));
    bool found = false, japanese = false;
    for (const StudyRecord& s : *studies) {
        if (s.studyUid == chest) {
            found = true;
            EXPECT_FALSE(s.patientName.isEmpty());
            EXPECT_TRUE(s.modalities.contains(QStringLiteral("CT")));
        }
        for (const QChar ch : s.patientName.ideographic + s.patientName.phonetic + s.patientName.alphabetic)
            japanese = japanese || ch.unicode() >= 0x3000;
        std::cout << "study " << s.studyUid.toStdString() << " " << s.patientName.alphabetic.toStdString()
                  << " = " << s.patientName.ideographic.toStdString() << " = "
                  << s.patientName.phonetic.toStdString() << " id " << s.patientId.toStdString() << " "
                  << s.studyDate.toStdString() << "\n";
    }
    EXPECT_TRUE(found) << "the demo chest study is not listed";
    EXPECT_TRUE(japanese) << "no Japanese patient name in the QIDO answer";
    std::cout << "QIDO studies (first request, incl. TLS handshake with card signature): " << ms << " ms\n";

    auto series = c->searchSeriesSync(chest);
    ASSERT_TRUE(series) << series.error().message.toStdString();
    ASSERT_FALSE(series->isEmpty());
    const QString seriesUid = s_env->value(QStringLiteral("DOKUEI_DEMO_CHEST_SERIES_UID"));
    bool seriesFound = false;
    for (const SeriesRecord& s : *series)
        if (s.seriesUid == seriesUid) {
            seriesFound = true;
            EXPECT_EQ(s.modality, QStringLiteral("CT"));
        }
    EXPECT_TRUE(seriesFound);
    auto instances = c->searchInstancesSync(chest, seriesUid);
    ASSERT_TRUE(instances) << instances.error().message.toStdString();
    EXPECT_EQ(instances->size(), s_env->value(QStringLiteral("DOKUEI_DEMO_CHEST_INSTANCES")).toInt());
}

TEST_F(DicomWebIntegrationTest, SequentialRequestsReuseOneConnection)
{
    auto c = client();
    constexpr int kRequests = 20;
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < kRequests; ++i) {
        auto studies = c->searchStudiesSync();
        ASSERT_TRUE(studies) << studies.error().message.toStdString();
    }
    const qint64 ms = timer.elapsed();
    std::cout << kRequests << " QIDO requests: " << c->handshakeCount() << " TLS handshake(s), " << ms
              << " ms total, " << double(ms) / kRequests << " ms mean\n";
    EXPECT_EQ(c->handshakeCount(), 1);
}

TEST_F(DicomWebIntegrationTest, StowOfAPhantomInstanceThenQidoFindsIt)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const SubprocessResult gen =
        runSubprocess(QStringLiteral(DOKUEI_PHANTOM_PATH),
                      {QStringLiteral("--out"), dir.path(), QStringLiteral("--preset"),
                       QStringLiteral("tiny"), QStringLiteral("--slices"), QStringLiteral("2")},
                      {}, 60000);
    ASSERT_EQ(gen.exitCode, 0) << gen.err.toStdString() << gen.failure.toStdString();
    QList<QByteArray> instances;
    for (const QString& name : QDir(dir.path()).entryList({QStringLiteral("*.dcm")}, QDir::Files)) {
        QFile f(dir.filePath(name));
        ASSERT_TRUE(f.open(QIODevice::ReadOnly));
        instances.append(f.readAll());
    }
    ASSERT_FALSE(instances.isEmpty());
    auto c = client();
    auto stored = c->storeSync({}, instances);
    ASSERT_TRUE(stored) << stored.error().message.toStdString();
    EXPECT_TRUE(stored->failures.isEmpty());
    ASSERT_EQ(stored->storedInstanceUids.size(), instances.size());

    // find the study of the stored instances
    bool found = false;
    auto studies = c->searchStudiesSync();
    ASSERT_TRUE(studies);
    for (const StudyRecord& s : *studies) {
        auto series = c->searchSeriesSync(s.studyUid);
        ASSERT_TRUE(series);
        for (const SeriesRecord& se : *series) {
            auto inst = c->searchInstancesSync(s.studyUid, se.seriesUid);
            ASSERT_TRUE(inst);
            for (const InstanceRecord& i : *inst)
                found = found || i.sopInstanceUid == stored->storedInstanceUids.first();
        }
    }
    EXPECT_TRUE(found) << "QIDO does not find the stored instance";
}

TEST_F(DicomWebIntegrationTest, WithoutTheCardTheServerDemandsIt)
{
    auto c = client(false);
    auto studies = c->searchStudiesSync();
    ASSERT_FALSE(studies);
    EXPECT_EQ(studies.error().failure, DicomWebFailure::ClientCertificateRequired)
        << studies.error().message.toStdString();
    EXPECT_EQ(studies.error().code(), ErrorCode::CardAbsent);
}

TEST_F(DicomWebIntegrationTest, AfterLockTheCardKeyIsNoLongerPresented)
{
    auto c = client();
    ASSERT_TRUE(c->searchStudiesSync());
    c->clearClientCredentials(); // session locked: connections made with the card are dropped
    auto locked = c->searchStudiesSync();
    ASSERT_FALSE(locked);
    EXPECT_EQ(locked.error().failure, DicomWebFailure::ClientCertificateRequired)
        << locked.error().message.toStdString();
}

TEST_F(DicomWebIntegrationTest, KeyOfAnAbsentCardCannotBeLoaded)
{
    QByteArray pin("123456");
    auto key = CardClientKey::loadPrivateKey(
        keySettings(QStringLiteral("pkcs11:token=nobody;object=auth;type=private")), pin);
    ASSERT_FALSE(key);
    EXPECT_EQ(key.error().code, ErrorCode::CardAbsent) << key.error().message.toStdString();
    EXPECT_TRUE(pin.isEmpty());
}

TEST_F(DicomWebIntegrationTest, NotFoundAndWrongContentType)
{
    auto c = client();
    auto missing = c->getSync(QStringLiteral("/no-such-resource"), DicomWebClient::kDicomJson);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().failure, DicomWebFailure::NotFound) << missing.error().message.toStdString();

    // a JSON answer where DICOM is expected
    auto wrong = c->getSync(QStringLiteral("/studies"), DicomWebClient::kDicomJson,
                            QByteArrayLiteral("application/dicom"));
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().failure, DicomWebFailure::WrongContentType)
        << wrong.error().message.toStdString();
}

TEST_F(DicomWebIntegrationTest, BodyOverTheLimitIsRefused)
{
    auto policy = TlsPolicy::load({s_env->caFile(), {}, {}});
    ASSERT_TRUE(policy);
    auto c = client();
    QNetworkReply* reply =
        c->network().get(c->request(QStringLiteral("/studies"), DicomWebClient::kDicomJson));
    c->watch(reply, 16);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    EXPECT_EQ(c->failureOf(reply).failure, DicomWebFailure::BodyTooLarge);
    reply->deleteLater();
}

} // namespace
} // namespace dokuei::integration
