// Integration tests against the local reading centre (scripts/reading-center), brought up once per
// ctest run by the reading_center fixture. Every exchange goes through nginx with mutual TLS and the
// demo users' SoftHSM2 cards, exactly like the workstation will.
#include "ReadingCenterEnv.h"
#include "Subprocess.h"

#include <memory>
#include <optional>

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QThread>

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace dokuei::integration {
namespace {

const QString kCurl = QStringLiteral("curl");
const QString kOpenssl = QStringLiteral("openssl");

class ReadingCenterTest : public ::testing::Test
{
protected:
    static void SetUpTestSuite()
    {
        auto loaded = ReadingCenterEnv::load();
        if (!loaded) {
            s_loadError = loaded.error();
            return;
        }
        s_env = std::move(*loaded);
    }

    void SetUp() override { ASSERT_TRUE(s_env.has_value()) << s_loadError.toStdString(); }

    static const ReadingCenterEnv& env() { return *s_env; }

    // A curl run that appends "\n<http code> <content type>" to stderr (body stays alone on stdout).
    struct HttpReply
    {
        SubprocessResult run;
        int status = 0;
        QString contentType;
    };

    static HttpReply curl(QStringList args, const QString& path, int timeoutMs = 60000)
    {
        args << QStringLiteral("-w") << QStringLiteral("%{stderr}\n%{http_code} %{content_type}")
             << env().url() + path;
        HttpReply reply;
        reply.run = runSubprocess(kCurl, args, env().cardEnvironment(), timeoutMs);
        const QString err = QString::fromUtf8(reply.run.err);
        const QString last = err.section(QLatin1Char('\n'), -1);
        reply.status = last.section(QLatin1Char(' '), 0, 0).toInt();
        reply.contentType = last.section(QLatin1Char(' '), 1);
        return reply;
    }

    static QJsonObject truth(const QString& study)
    {
        QFile f(env().value(QStringLiteral("DOKUEI_DEMO_%1_TRUTH").arg(study)));
        if (!f.open(QIODevice::ReadOnly)) {
            return {};
        }
        return QJsonDocument::fromJson(f.readAll()).object();
    }

    static QString accessLog()
    {
        QFile f(env().value(QStringLiteral("DOKUEI_RC_ACCESS_LOG")));
        return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
    }

    static inline std::optional<ReadingCenterEnv> s_env;
    static inline QString s_loadError;
};

// One part of a multipart/related body.
struct MultipartPart
{
    QByteArray headers;
    QByteArray body;
};

// Splits a multipart body by its boundary (RFC 2046); preamble and epilogue are dropped.
std::vector<MultipartPart> splitMultipart(const QByteArray& body, const QByteArray& boundary)
{
    std::vector<MultipartPart> parts;
    const QByteArray delimiter = "--" + boundary;
    qsizetype pos = body.indexOf(delimiter);
    while (pos >= 0) {
        qsizetype start = pos + delimiter.size();
        if (body.mid(start, 2) == "--") {
            break; // closing delimiter
        }
        start = body.indexOf("\r\n", start) + 2;
        const qsizetype next = body.indexOf("\r\n" + delimiter, start);
        if (next < 0) {
            break;
        }
        const qsizetype headerEnd = body.indexOf("\r\n\r\n", start);
        if (headerEnd < 0 || headerEnd > next) {
            break;
        }
        parts.push_back({body.mid(start, headerEnd - start), body.mid(headerEnd + 4, next - headerEnd - 4)});
        pos = next + 2;
    }
    return parts;
}

QByteArray boundaryOf(const QString& contentType)
{
    static const QRegularExpression re(QStringLiteral(R"re(boundary="?([^";]+)"?)re"));
    return re.match(contentType).captured(1).toUtf8();
}

using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;

X509Ptr loadCertificate(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        return {nullptr, &X509_free};
    }
    const QByteArray pem = f.readAll();
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.constData(), int(pem.size())),
                                                  &BIO_free);
    return {PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), &X509_free};
}

// The DER content of the certificate's SubjectDirectoryAttributes (2.5.29.9), if present.
std::optional<QByteArray> subjectDirectoryAttributes(X509* cert)
{
    std::unique_ptr<ASN1_OBJECT, decltype(&ASN1_OBJECT_free)> oid(OBJ_txt2obj("2.5.29.9", 1),
                                                                  &ASN1_OBJECT_free);
    const int index = X509_get_ext_by_OBJ(cert, oid.get(), -1);
    if (index < 0) {
        return std::nullopt;
    }
    const ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(X509_get_ext(cert, index));
    return QByteArray(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)), ASN1_STRING_length(data));
}

// The Transfer Syntax UID (0002,0010) of a DICOM Part 10 file's meta header; empty when absent.
QString transferSyntaxOf(const QByteArray& dicom)
{
    if (dicom.size() < 132 || dicom.mid(128, 4) != "DICM") {
        return {};
    }
    const auto u16 = [&](qsizetype at) { return quint16(quint8(dicom[at]) | quint8(dicom[at + 1]) << 8); };
    qsizetype pos = 132;
    while (pos + 8 <= dicom.size() && u16(pos) == 0x0002) { // group 2 is always explicit VR little endian
        const quint16 element = u16(pos + 2);
        const QByteArray vr = dicom.mid(pos + 4, 2);
        qsizetype header = 8;
        qsizetype length = u16(pos + 6);
        if (vr == "OB" || vr == "OW" || vr == "SQ" || vr == "UN" || vr == "UT") {
            if (pos + 12 > dicom.size()) {
                return {};
            }
            header = 12;
            length = qsizetype(u16(pos + 8)) | qsizetype(u16(pos + 10)) << 16;
        }
        if (element == 0x0010) {
            QByteArray uid = dicom.mid(pos + header, length);
            while (uid.endsWith('\0') || uid.endsWith(' ')) {
                uid.chop(1);
            }
            return QString::fromLatin1(uid);
        }
        pos += header + length;
    }
    return {};
}

// The values of one attribute of a DICOM JSON object, as strings (numbers printed).
QStringList jsonValues(const QJsonObject& object, const QString& tag)
{
    QStringList values;
    for (const QJsonValue& v : object.value(tag).toObject().value(QStringLiteral("Value")).toArray()) {
        values << (v.isDouble() ? QString::number(v.toDouble()) : v.toString());
    }
    return values;
}

// DER of OBJECT IDENTIFIER 1.0.17090.0.1 (HPKI hcRole), of 1.2.392.100495.1.6.1.1 (the MHLW coding
// scheme of healthcare qualifications) and of PrintableString "Medical Doctor".
const QByteArray kHcRoleOid = QByteArray::fromHex("0606288185420001");
const QByteArray kQualificationSchemeOid = QByteArray::fromHex("060a2a830886910f01060101");
const QByteArray kMedicalDoctor = QByteArray::fromHex("130e") + QByteArray("Medical Doctor");

// 1. The demo card fetches the whole chest series as one WADO-RS multipart, stored syntax.
TEST_F(ReadingCenterTest, WadoRsSeriesWithCardKeyReturnsEverySliceAsDicomPart)
{
    const QString study = env().value(QStringLiteral("DOKUEI_DEMO_CHEST_STUDY_UID"));
    const QString series = env().value(QStringLiteral("DOKUEI_DEMO_CHEST_SERIES_UID"));
    ASSERT_FALSE(study.isEmpty());
    const int slices = truth(QStringLiteral("CHEST"))
                           .value(QStringLiteral("spec"))
                           .toObject()
                           .value(QStringLiteral("slices"))
                           .toInt();
    ASSERT_EQ(slices, 300) << "chest truth.json spec.slices";
    EXPECT_EQ(truth(QStringLiteral("CHEST"))
                  .value(QStringLiteral("uids"))
                  .toObject()
                  .value(QStringLiteral("series"))
                  .toString(),
              series);

    QStringList args = env().curlCardArgs(env().value(QStringLiteral("DOKUEI_RC_DEMO_USER")));
    args << QStringLiteral("-H")
         << QStringLiteral(R"(Accept: multipart/related; type="application/dicom"; transfer-syntax=*)");
    // The body stays in memory (curl's stdout into this process), never on disk.
    const HttpReply reply = curl(args, QStringLiteral("/studies/%1/series/%2").arg(study, series), 120000);
    ASSERT_TRUE(reply.run.failure.isEmpty()) << reply.run.failure.toStdString();
    ASSERT_EQ(reply.status, 200) << reply.run.err.toStdString();
    ASSERT_TRUE(reply.contentType.startsWith(QStringLiteral("multipart/related")))
        << reply.contentType.toStdString();
    const QByteArray boundary = boundaryOf(reply.contentType);
    ASSERT_FALSE(boundary.isEmpty());

    const std::vector<MultipartPart> parts = splitMultipart(reply.run.out, boundary);
    EXPECT_EQ(int(parts.size()), slices);
    int dicomParts = 0;
    for (const MultipartPart& part : parts) {
        const bool isDicom = part.headers.toLower().contains("content-type: application/dicom");
        const bool hasPreamble = part.body.size() > 132 && part.body.mid(128, 4) == "DICM";
        EXPECT_TRUE(isDicom) << part.headers.toStdString();
        EXPECT_TRUE(hasPreamble);
        dicomParts += (isDicom && hasPreamble) ? 1 : 0;
    }
    EXPECT_EQ(dicomParts, slices);
    EXPECT_GT(reply.run.out.size(), qsizetype(slices) * 512 * 512 * 2)
        << "uncompressed 512x512 16-bit slices";
}

// 2. QIDO-RS lists both seeded studies with their Japanese names and facilities.
TEST_F(ReadingCenterTest, QidoRsStudiesListsSeededStudiesWithJapaneseNamesAndFacilities)
{
    QStringList args = env().curlCardArgs(QStringLiteral("dr.tanaka"));
    args << QStringLiteral("-H") << QStringLiteral("Accept: application/dicom+json");
    const HttpReply reply = curl(args, QStringLiteral("/studies?includefield=00080080"));
    ASSERT_EQ(reply.status, 200) << reply.run.err.toStdString();
    const QJsonArray studies = QJsonDocument::fromJson(reply.run.out).array();
    ASSERT_GE(studies.size(), 2);

    QSet<QString> names;
    QSet<QString> institutions;
    QSet<QString> uids;
    for (const QJsonValue& s : studies) {
        const QJsonObject o = s.toObject();
        const QJsonObject pn = o.value(QStringLiteral("00100010"))
                                   .toObject()
                                   .value(QStringLiteral("Value"))
                                   .toArray()
                                   .at(0)
                                   .toObject();
        names.insert(QStringList{pn.value(QStringLiteral("Alphabetic")).toString(),
                                 pn.value(QStringLiteral("Ideographic")).toString(),
                                 pn.value(QStringLiteral("Phonetic")).toString()}
                         .join(QLatin1Char('=')));
        institutions.insert(o.value(QStringLiteral("00080080"))
                                .toObject()
                                .value(QStringLiteral("Value"))
                                .toArray()
                                .at(0)
                                .toString());
        uids.insert(o.value(QStringLiteral("0020000D"))
                        .toObject()
                        .value(QStringLiteral("Value"))
                        .toArray()
                        .at(0)
                        .toString());
    }
    for (const QString& study : {QStringLiteral("CHEST"), QStringLiteral("HEAD")}) {
        const QJsonObject identity = truth(study).value(QStringLiteral("identity")).toObject();
        const QString name = identity.value(QStringLiteral("patientName")).toString();
        const QString institution = identity.value(QStringLiteral("institutionName")).toString();
        ASSERT_FALSE(name.isEmpty()) << study.toStdString();
        EXPECT_TRUE(names.contains(name)) << name.toStdString();
        EXPECT_TRUE(institutions.contains(institution)) << institution.toStdString();
        EXPECT_TRUE(uids.contains(env().value(QStringLiteral("DOKUEI_DEMO_%1_STUDY_UID").arg(study))));
    }
    EXPECT_TRUE(names.contains(QStringLiteral("Yamada^Taro=山田^太郎=やまだ^たろう")));
    EXPECT_TRUE(institutions.contains(QStringLiteral("さくら市立病院")));
    EXPECT_TRUE(institutions.contains(QStringLiteral("みなと健診センター")));
}

// 3. No client certificate: nginx answers 400 "No required SSL certificate was sent" and proxies nothing.
TEST_F(ReadingCenterTest, WithoutClientCertificateNginxRefuses)
{
    const HttpReply reply = curl(env().curlAnonymousArgs(), QStringLiteral("/studies"));
    ASSERT_TRUE(reply.run.failure.isEmpty());
    EXPECT_EQ(reply.status, 400);
    EXPECT_TRUE(reply.run.out.contains("No required SSL certificate was sent"))
        << reply.run.out.toStdString();
    EXPECT_FALSE(reply.run.out.contains("0020000D")) << "no study data may leak";
}

// 4. Revoked, expired and foreign-CA certificates (keys on their cards) are refused, each for its reason.
TEST_F(ReadingCenterTest, RevokedExpiredAndUntrustedCertificatesAreRefused)
{
    const QList<std::pair<QString, QString>> cases = {
        {QStringLiteral("test.revoked"), QStringLiteral("FAILED:certificate revoked")},
        {QStringLiteral("test.expired"), QStringLiteral("FAILED:certificate has expired")},
        {QStringLiteral("test.untrusted"), QStringLiteral("FAILED:unable to verify the first certificate")},
    };
    for (const auto& [id, reason] : cases) {
        SCOPED_TRACE(id.toStdString());
        ASSERT_FALSE(env().user(id).pin.isEmpty());
        const HttpReply reply = curl(env().curlCardArgs(id), QStringLiteral("/studies"));
        ASSERT_TRUE(reply.run.failure.isEmpty());
        EXPECT_EQ(reply.status, 400);
        EXPECT_TRUE(reply.run.out.contains("The SSL certificate error")) << reply.run.out.toStdString();
        EXPECT_FALSE(reply.run.out.contains("0020000D"));
        // nginx logged the verification result for exactly this certificate. It writes the log line when
        // it finalises the request, which can be just after curl has its answer: wait for it briefly.
        const QString name =
            env().value(QStringLiteral("DOKUEI_RC_USER_%1_NAME").arg(ReadingCenterEnv::userKey(id)));
        QString line;
        QElapsedTimer waited;
        waited.start();
        do {
            for (const QString& l : accessLog().split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
                if (l.contains(QStringLiteral("CN=%1,").arg(name))) {
                    line = l; // the newest request with this certificate
                }
            }
            if (line.contains(reason)) {
                break;
            }
            QThread::msleep(50);
        } while (waited.elapsed() < 3000);
        EXPECT_TRUE(line.contains(QStringLiteral("verify=\"%1\"").arg(reason))) << line.toStdString();
        EXPECT_TRUE(line.contains(QStringLiteral("CN=%1").arg(name))) << line.toStdString();
    }
    // Control: a valid card of the same shape gets through.
    EXPECT_EQ(curl(env().curlCardArgs(QStringLiteral("test.noqual")), QStringLiteral("/studies")).status,
              200);
}

// 5. HPKI shape: qualification (hcRole "Medical Doctor") only on the radiologists' certificates;
//    signing certificates nonRepudiation, authentication certificates digitalSignature + clientAuth.
TEST_F(ReadingCenterTest, CertificatesCarryHpkiQualificationAndKeyUsages)
{
    for (const QString& id : env().userIds()) {
        SCOPED_TRACE(id.toStdString());
        const ReadingCenterUser u = env().user(id);
        X509Ptr auth = loadCertificate(u.authCert);
        X509Ptr sign = loadCertificate(u.signCert);
        ASSERT_TRUE(auth && sign);

        EXPECT_TRUE(X509_get_key_usage(auth.get()) & KU_DIGITAL_SIGNATURE);
        EXPECT_FALSE(X509_get_key_usage(auth.get()) & KU_NON_REPUDIATION);
        EXPECT_TRUE(X509_get_extended_key_usage(auth.get()) & XKU_SSL_CLIENT);
        EXPECT_TRUE(X509_get_key_usage(sign.get()) & KU_NON_REPUDIATION);
        EXPECT_FALSE(X509_get_key_usage(sign.get()) & KU_DIGITAL_SIGNATURE);
        for (X509* cert : {auth.get(), sign.get()}) {
            EXPECT_EQ(EVP_PKEY_get_bits(X509_get0_pubkey(cert)), 2048);
            EXPECT_EQ(X509_get_signature_nid(cert), NID_sha256WithRSAEncryption);
            const std::optional<QByteArray> sda = subjectDirectoryAttributes(cert);
            if (u.kind == QStringLiteral("unqualified")) {
                EXPECT_FALSE(sda.has_value()) << "no qualification expected";
                continue;
            }
            ASSERT_TRUE(sda.has_value()) << "2.5.29.9 missing";
            EXPECT_TRUE(sda->contains(kHcRoleOid));
            EXPECT_TRUE(sda->contains(kQualificationSchemeOid));
            EXPECT_TRUE(sda->contains(kMedicalDoctor));
        }
    }
    for (const QString& radiologist :
         {QStringLiteral("dr.sato"), QStringLiteral("dr.tanaka"), QStringLiteral("dr.suzuki")}) {
        X509Ptr sign = loadCertificate(env().user(radiologist).signCert);
        ASSERT_TRUE(sign);
        EXPECT_TRUE(subjectDirectoryAttributes(sign.get()).has_value()) << radiologist.toStdString();
    }
    X509Ptr noQual = loadCertificate(env().user(QStringLiteral("test.noqual")).signCert);
    ASSERT_TRUE(noQual);
    EXPECT_FALSE(subjectDirectoryAttributes(noQual.get()).has_value());
}

// 6. Keys live on the cards only: sensitive, never extractable, and reading them out fails.
TEST_F(ReadingCenterTest, TokenKeysAreSensitiveAndNotExtractable)
{
    const QString module = env().value(QStringLiteral("DOKUEI_PKCS11_MODULE"));
    for (const QString& id : env().userIds()) {
        SCOPED_TRACE(id.toStdString());
        const ReadingCenterUser u = env().user(id);
        const QStringList login = {QStringLiteral("--module"),
                                   module,
                                   QStringLiteral("--token-label"),
                                   id,
                                   QStringLiteral("--login"),
                                   QStringLiteral("--pin"),
                                   u.pin};
        const SubprocessResult keys =
            runSubprocess(QStringLiteral("pkcs11-tool"),
                          login + QStringList{QStringLiteral("--list-objects"), QStringLiteral("--type"),
                                              QStringLiteral("privkey")},
                          env().cardEnvironment());
        ASSERT_EQ(keys.exitCode, 0) << keys.err.toStdString();
        const QString out = QString::fromUtf8(keys.out);
        EXPECT_EQ(out.count(QStringLiteral("Private Key Object; RSA")), 2) << out.toStdString();
        // pkcs11-tool prints one word per attribute that is true (CKA_SENSITIVE, CKA_ALWAYS_SENSITIVE,
        // CKA_EXTRACTABLE, CKA_NEVER_EXTRACTABLE, CKA_LOCAL): the whole line must be exactly this,
        // so CKA_EXTRACTABLE is false and the key was generated on the token.
        EXPECT_EQ(
            out.count(QStringLiteral("Access:     sensitive, always sensitive, never extractable, local")), 2)
            << out.toStdString();
        static const QRegularExpression access(QStringLiteral("^  Access: +(.*)$"),
                                               QRegularExpression::MultilineOption);
        for (auto it = access.globalMatch(out); it.hasNext();) {
            EXPECT_EQ(it.next().captured(1),
                      QStringLiteral("sensitive, always sensitive, never extractable, local"));
        }
        EXPECT_TRUE(out.contains(QStringLiteral("label:      auth")) &&
                    out.contains(QStringLiteral("label:      sign")));

        const SubprocessResult certs =
            runSubprocess(QStringLiteral("pkcs11-tool"),
                          login + QStringList{QStringLiteral("--list-objects"), QStringLiteral("--type"),
                                              QStringLiteral("cert")},
                          env().cardEnvironment());
        EXPECT_EQ(QString::fromUtf8(certs.out).count(QStringLiteral("Certificate Object")), 2);
    }
}

// 7. TLS policy: no TLS 1.1, no CBC suites, no ChaCha20 in TLS 1.3; TLS 1.2 negotiates ECDHE + AES-GCM.
TEST_F(ReadingCenterTest, TlsPolicyRefusesOldProtocolsAndNonGcmSuites)
{
    const QString connect =
        QStringLiteral("127.0.0.1:%1").arg(env().value(QStringLiteral("DOKUEI_RC_NGINX_PORT")));
    const auto handshake = [&](const QStringList& extra) {
        const SubprocessResult r =
            runSubprocess(kOpenssl,
                          QStringList{QStringLiteral("s_client"), QStringLiteral("-connect"), connect,
                                      QStringLiteral("-servername"), QStringLiteral("localhost"),
                                      QStringLiteral("-CAfile"), env().caFile()} +
                              extra,
                          {}, 20000);
        return QString::fromUtf8(r.out + r.err);
    };
    const QString tls11 = handshake({QStringLiteral("-tls1_1")});
    EXPECT_TRUE(tls11.contains(QStringLiteral("alert protocol version")) ||
                tls11.contains(QStringLiteral("no protocols available")))
        << tls11.toStdString();
    EXPECT_TRUE(tls11.contains(QStringLiteral("Cipher is (NONE)"))) << tls11.toStdString();

    const QString cbc = handshake({QStringLiteral("-tls1_2"), QStringLiteral("-cipher"),
                                   QStringLiteral("AES128-SHA:ECDHE-RSA-AES128-SHA")});
    EXPECT_TRUE(cbc.contains(QStringLiteral("alert handshake failure"))) << cbc.toStdString();
    EXPECT_TRUE(cbc.contains(QStringLiteral("Cipher is (NONE)"))) << cbc.toStdString();

    const QString chacha = handshake({QStringLiteral("-tls1_3"), QStringLiteral("-ciphersuites"),
                                      QStringLiteral("TLS_CHACHA20_POLY1305_SHA256")});
    EXPECT_TRUE(chacha.contains(QStringLiteral("Cipher is (NONE)"))) << chacha.toStdString();

    const QString good12 = handshake({QStringLiteral("-tls1_2")});
    EXPECT_TRUE(good12.contains(QStringLiteral("Cipher is ECDHE-RSA-AES128-GCM-SHA256")) ||
                good12.contains(QStringLiteral("Cipher is ECDHE-RSA-AES256-GCM-SHA384")))
        << good12.toStdString();
    EXPECT_TRUE(good12.contains(QStringLiteral("Verify return code: 0 (ok)"))) << good12.toStdString();
    const QString good13 = handshake({QStringLiteral("-tls1_3")});
    EXPECT_TRUE(good13.contains(QStringLiteral("TLS_AES_256_GCM_SHA384")) ||
                good13.contains(QStringLiteral("TLS_AES_128_GCM_SHA256")))
        << good13.toStdString();
}

// 8. A second `up` finds the healthy stack, changes nothing and keeps the ports; `status` is healthy.
TEST_F(ReadingCenterTest, SecondUpIsIdempotentAndStatusHealthy)
{
    const QStringList dir = {QStringLiteral("--dir"), env().stackDir()};
    const SubprocessResult up =
        runSubprocess(env().script(), QStringList{QStringLiteral("up")} + dir, {}, 120000);
    ASSERT_EQ(up.exitCode, 0) << up.err.toStdString();
    EXPECT_TRUE(up.err.contains("already up and healthy")) << up.err.toStdString();

    const auto after = ReadingCenterEnv::load();
    ASSERT_TRUE(after.has_value());
    for (const char* key : {"DOKUEI_RC_URL", "DOKUEI_RC_ORTHANC_URL", "DOKUEI_RC_DICOM_PORT", "SOFTHSM2_CONF",
                            "DOKUEI_DEMO_CHEST_STUDY_UID", "DOKUEI_RC_USER_DR_SATO_PIN"}) {
        EXPECT_EQ(after->value(QString::fromLatin1(key)), env().value(QString::fromLatin1(key))) << key;
    }

    const SubprocessResult status =
        runSubprocess(env().script(), QStringList{QStringLiteral("status")} + dir);
    EXPECT_EQ(status.exitCode, 0) << status.out.toStdString();
    EXPECT_TRUE(status.out.contains("orthanc: running, healthy")) << status.out.toStdString();
    EXPECT_TRUE(status.out.contains("nginx: running, healthy")) << status.out.toStdString();
}

// The seeded studies as the issue specifies them, seen through nginx with a card: the chest explicit VR
// little endian, 512x512, at least 200 instances; the head JPEG-LS lossless with ISO 2022 IR 87.
TEST_F(ReadingCenterTest, SeededStudiesHaveTheirTransferSyntaxSizeAndCharacterSet)
{
    struct Expected
    {
        QString study;
        QString transferSyntax;
        QString charset;
        int minimumInstances;
    };
    const QList<Expected> expectations = {
        {QStringLiteral("CHEST"), QStringLiteral("1.2.840.10008.1.2.1"), QStringLiteral("ISO_IR 192"), 200},
        {QStringLiteral("HEAD"), QStringLiteral("1.2.840.10008.1.2.4.80"), QStringLiteral("ISO 2022 IR 87"),
         1},
    };
    const QStringList card = env().curlCardArgs(env().value(QStringLiteral("DOKUEI_RC_DEMO_USER")));
    const QStringList json =
        card + QStringList{QStringLiteral("-H"), QStringLiteral("Accept: application/dicom+json")};
    for (const Expected& e : expectations) {
        SCOPED_TRACE(e.study.toStdString());
        const QString study = env().value(QStringLiteral("DOKUEI_DEMO_%1_STUDY_UID").arg(e.study));
        const QString series = env().value(QStringLiteral("DOKUEI_DEMO_%1_SERIES_UID").arg(e.study));
        const int seeded = env().value(QStringLiteral("DOKUEI_DEMO_%1_INSTANCES").arg(e.study)).toInt();
        ASSERT_FALSE(study.isEmpty());

        // QIDO-RS: the study's instance count.
        const HttpReply qido =
            curl(json, QStringLiteral("/studies?StudyInstanceUID=%1&includefield=00201208").arg(study));
        ASSERT_EQ(qido.status, 200) << qido.run.err.toStdString();
        const QJsonArray studies = QJsonDocument::fromJson(qido.run.out).array();
        ASSERT_EQ(studies.size(), 1);
        const int instances =
            jsonValues(studies.at(0).toObject(), QStringLiteral("00201208")).value(0).toInt();
        EXPECT_GE(instances, e.minimumInstances);
        EXPECT_EQ(instances, seeded);

        // WADO-RS metadata: every instance 512x512 with the expected Specific Character Set.
        const HttpReply metadata =
            curl(json, QStringLiteral("/studies/%1/series/%2/metadata").arg(study, series), 120000);
        ASSERT_EQ(metadata.status, 200) << metadata.run.err.toStdString();
        const QJsonArray objects = QJsonDocument::fromJson(metadata.run.out).array();
        EXPECT_EQ(objects.size(), seeded);
        EXPECT_GE(objects.size(), e.minimumInstances);
        QStringList sops;
        for (const QJsonValue& v : objects) {
            const QJsonObject o = v.toObject();
            EXPECT_EQ(jsonValues(o, QStringLiteral("00280010")), QStringList{QStringLiteral("512")})
                << "Rows";
            EXPECT_EQ(jsonValues(o, QStringLiteral("00280011")), QStringList{QStringLiteral("512")})
                << "Columns";
            EXPECT_TRUE(jsonValues(o, QStringLiteral("00080005")).contains(e.charset))
                << jsonValues(o, QStringLiteral("00080005")).join(QLatin1Char('\\')).toStdString();
            sops << jsonValues(o, QStringLiteral("00080018")).value(0);
        }
        ASSERT_FALSE(sops.isEmpty());

        // WADO-RS in the stored syntax: the first and last instances' meta headers name it.
        for (const QString& sop : {sops.first(), sops.last()}) {
            QStringList args = card;
            args << QStringLiteral("-H")
                 << QStringLiteral(
                        R"(Accept: multipart/related; type="application/dicom"; transfer-syntax=*)");
            const HttpReply reply =
                curl(args, QStringLiteral("/studies/%1/series/%2/instances/%3").arg(study, series, sop));
            ASSERT_EQ(reply.status, 200) << reply.run.err.toStdString();
            const std::vector<MultipartPart> parts =
                splitMultipart(reply.run.out, boundaryOf(reply.contentType));
            ASSERT_EQ(parts.size(), 1u);
            EXPECT_EQ(transferSyntaxOf(parts.front().body), e.transferSyntax) << sop.toStdString();
        }
    }
}

// Anything but /dicom-web/ is 404 even for a valid card, and Orthanc's own REST API is not reachable.
TEST_F(ReadingCenterTest, OnlyDicomWebIsProxied)
{
    const QStringList args = env().curlCardArgs(QStringLiteral("dr.suzuki"));
    QString base = env().url();
    base.chop(QStringLiteral("/dicom-web").size());
    for (const QString& path : {QStringLiteral("/"), QStringLiteral("/system"), QStringLiteral("/instances"),
                                QStringLiteral("/app/explorer.html")}) {
        const SubprocessResult r = runSubprocess(
            kCurl,
            args + QStringList{QStringLiteral("-o"), QStringLiteral("/dev/null"), QStringLiteral("-w"),
                               QStringLiteral("%{http_code}"), base + path},
            env().cardEnvironment());
        EXPECT_EQ(r.out, "404") << path.toStdString();
    }
}

// The machine's first non-loopback IPv4 address (`ip -4 -o addr show scope global`); empty when none.
QString nonLoopbackIpv4()
{
    const SubprocessResult r = runSubprocess(
        QStringLiteral("ip"), {QStringLiteral("-4"), QStringLiteral("-o"), QStringLiteral("addr"),
                               QStringLiteral("show"), QStringLiteral("scope"), QStringLiteral("global")});
    static const QRegularExpression inet(QStringLiteral(R"(\binet (\d+\.\d+\.\d+\.\d+)/)"));
    for (auto it = inet.globalMatch(QString::fromUtf8(r.out)); it.hasNext();) {
        const QString address = it.next().captured(1);
        if (!address.startsWith(QStringLiteral("127."))) {
            return address;
        }
    }
    return {};
}

// Orthanc 1.10 cannot bind to loopback only (both its ports listen on 0.0.0.0): from the machine's own
// non-loopback address, its HTTP API refuses even the right credentials and its DICOM port rejects the
// association even with the registered AE title, while nginx on loopback and the bench's DIMSE peer
// on 127.0.0.1 still work.
TEST_F(ReadingCenterTest, OrthancRefusesEveryPeerButLoopback)
{
    const QString address = nonLoopbackIpv4();
    if (address.isEmpty()) {
        GTEST_SKIP() << "this machine has no non-loopback IPv4 address";
    }
    const QString orthancUrl = env().value(QStringLiteral("DOKUEI_RC_ORTHANC_URL"));
    const QString httpPort = orthancUrl.section(QLatin1Char(':'), -1);
    const QString dicomPort = env().value(QStringLiteral("DOKUEI_RC_DICOM_PORT"));
    ASSERT_FALSE(httpPort.isEmpty());
    ASSERT_FALSE(dicomPort.isEmpty());
    const QString chestStudy = env().value(QStringLiteral("DOKUEI_DEMO_CHEST_STUDY_UID"));

    // The credentials go to curl in a private config file, never on its command line.
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const QString config = dir.filePath(QStringLiteral("orthanc.curl"));
    {
        QFile f(config);
        ASSERT_TRUE(f.open(QIODevice::WriteOnly));
        f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        f.write(QStringLiteral("user = \"%1:%2\"\n")
                    .arg(env().value(QStringLiteral("DOKUEI_RC_ORTHANC_USER")),
                         env().value(QStringLiteral("DOKUEI_RC_ORTHANC_PASSWORD")))
                    .toUtf8());
    }
    const auto orthanc = [&](const QString& host, const QString& path) {
        return runSubprocess(kCurl, {QStringLiteral("-sS"), QStringLiteral("-K"), config,
                                     QStringLiteral("--max-time"), QStringLiteral("20"), QStringLiteral("-w"),
                                     QStringLiteral("%{stderr}\n%{http_code}"),
                                     QStringLiteral("http://%1:%2%3").arg(host, httpPort, path)});
    };
    const auto httpCode = [](const SubprocessResult& r) {
        return QString::fromUtf8(r.err).section(QLatin1Char('\n'), -1).trimmed();
    };

    // Control: the same credentials over loopback list the studies (so the refusal below is the address).
    const SubprocessResult local = orthanc(QStringLiteral("127.0.0.1"), QStringLiteral("/studies?expand"));
    ASSERT_EQ(httpCode(local), QStringLiteral("200")) << local.err.toStdString();
    ASSERT_TRUE(local.out.contains(chestStudy.toUtf8()));

    for (const QString& path : {QStringLiteral("/system"), QStringLiteral("/studies?expand"),
                                QStringLiteral("/patients"), QStringLiteral("/dicom-web/studies")}) {
        SCOPED_TRACE(path.toStdString());
        const SubprocessResult remote = orthanc(address, path);
        const QString code = httpCode(remote);
        // 000: connection refused; otherwise Orthanc must refuse the peer address outright.
        EXPECT_TRUE(code == QStringLiteral("000") || code == QStringLiteral("401") ||
                    code == QStringLiteral("403"))
            << code.toStdString() << " " << remote.out.left(300).toStdString();
        EXPECT_FALSE(remote.out.contains(chestStudy.toUtf8()));
        EXPECT_FALSE(remote.out.contains("Yamada")) << "no patient data may leak";
        EXPECT_FALSE(remote.out.contains("0020000D"));
        EXPECT_FALSE(remote.out.contains("DicomAet")) << "no system information may leak";
    }

    // DICOM: the registered bench AE title from a foreign address is rejected at association (or the
    // connection refused), and a C-FIND gets no patient names.
    const QStringList bench = {QStringLiteral("-aet"), env().value(QStringLiteral("DOKUEI_RC_BENCH_AET")),
                               QStringLiteral("-aec"), env().value(QStringLiteral("DOKUEI_RC_DICOM_AET"))};
    const SubprocessResult echoRemote =
        runSubprocess(QStringLiteral("echoscu"), bench + QStringList{address, dicomPort});
    EXPECT_TRUE(echoRemote.failure.isEmpty()) << echoRemote.failure.toStdString();
    EXPECT_NE(echoRemote.exitCode, 0) << echoRemote.err.toStdString();
    const QStringList findKeys = {QStringLiteral("-S"), QStringLiteral("-k"),
                                  QStringLiteral("QueryRetrieveLevel=STUDY"), QStringLiteral("-k"),
                                  QStringLiteral("PatientName")};
    const SubprocessResult findRemote =
        runSubprocess(QStringLiteral("findscu"), findKeys + bench + QStringList{address, dicomPort});
    EXPECT_NE(findRemote.exitCode, 0);
    EXPECT_FALSE((findRemote.out + findRemote.err).contains("Yamada")) << findRemote.err.toStdString();
    EXPECT_FALSE((findRemote.out + findRemote.err).contains("Suzuki")) << findRemote.err.toStdString();

    // On loopback the bench's peer may C-ECHO (and C-GET, which scripts/bench uses), another AE title
    // may not, and even the bench's AE title may not query.
    const SubprocessResult echoLocal =
        runSubprocess(QStringLiteral("echoscu"), bench + QStringList{QStringLiteral("127.0.0.1"), dicomPort});
    EXPECT_EQ(echoLocal.exitCode, 0) << echoLocal.err.toStdString();
    const SubprocessResult echoStranger = runSubprocess(
        QStringLiteral("echoscu"),
        {QStringLiteral("-aet"), QStringLiteral("STRANGER"), QStringLiteral("-aec"),
         env().value(QStringLiteral("DOKUEI_RC_DICOM_AET")), QStringLiteral("127.0.0.1"), dicomPort});
    EXPECT_NE(echoStranger.exitCode, 0) << echoStranger.err.toStdString();
    const SubprocessResult findLocal = runSubprocess(
        QStringLiteral("findscu"), findKeys + bench + QStringList{QStringLiteral("127.0.0.1"), dicomPort});
    EXPECT_FALSE((findLocal.out + findLocal.err).contains("Yamada")) << findLocal.err.toStdString();

    // nginx through loopback with a card still serves the studies.
    const HttpReply viaNginx = curl(env().curlCardArgs(env().value(QStringLiteral("DOKUEI_RC_DEMO_USER"))),
                                    QStringLiteral("/studies/%1/series").arg(chestStudy));
    EXPECT_EQ(viaNginx.status, 200) << viaNginx.run.err.toStdString();
}

} // namespace
} // namespace dokuei::integration
