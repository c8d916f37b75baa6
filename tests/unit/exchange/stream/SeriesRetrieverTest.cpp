#include "dokuei/exchange/SeriesRetriever.h"

#include "MultipartTestData.h"
#include "TestHttpServer.h"

#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>

#include <gtest/gtest.h>

using namespace std::chrono_literals;
using namespace dokuei;
using namespace dokuei::exchange;
using namespace dokuei::exchange::test;

namespace {

const QByteArray kBoundary = "series-boundary-77";
const QString kStudy = QStringLiteral("1.2.3");
const QString kSeries = QStringLiteral("1.2.3.4");

QByteArray multipartType(const QByteArray& boundary = kBoundary)
{
    return "multipart/related; type=\"application/dicom\"; boundary=" + boundary;
}

class SeriesRetrieverTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        m_network.setProxy(QNetworkProxy::NoProxy);
        m_instances = makeInstances(40, 20000, 99, kBoundary);
        for (const auto& instance : m_instances) {
            m_uids.append(instance.sopUid);
        }
    }

    QString seriesPath() const { return QStringLiteral("/studies/%1/series/%2").arg(kStudy, kSeries); }
    QByteArray instancePath(const QString& sop) const
    {
        return (seriesPath() + QStringLiteral("/instances/") + sop).toLatin1();
    }

    /// The single-instance multipart answer for a per-instance path, or a 404.
    TestResponse instanceResponse(const QByteArray& path) const
    {
        for (const auto& instance : m_instances) {
            if (path == instancePath(instance.sopUid)) {
                return {.status = 200,
                        .contentType = multipartType(),
                        .body = makeMultipart({instance}, kBoundary)};
            }
        }
        return {.status = 404, .contentType = "text/plain", .body = "not found"};
    }

    std::unique_ptr<SeriesRetriever> makeRetriever(const TestHttpServer& server)
    {
        const QString base = server.baseUrl();
        auto retriever = std::make_unique<SeriesRetriever>(
            m_network, [base](const QString& path, const QByteArray& accept) {
                QNetworkRequest request(QUrl(base + path));
                request.setRawHeader("Accept", accept);
                return request;
            });
        retriever->setSopUidReader(&fakeSopUid);
        retriever->setRetryPolicy(RetryPolicy{.attempts = 4, .baseDelay = 20ms, .cap = 100ms});
        retriever->setInstanceHandler([this](const QString& sop, QByteArray& bytes) {
            m_received[sop] += 1;
            m_bytes[sop] = std::move(bytes);
            m_order.append(sop);
        });
        return retriever;
    }

    bool run(SeriesRetriever& retriever, const QStringList& expected)
    {
        QSignalSpy finished(&retriever, &SeriesRetriever::finished);
        retriever.start(kStudy, kSeries, expected);
        EXPECT_TRUE(finished.wait(30000)) << "no finished() signal";
        EXPECT_EQ(finished.size(), 1);
        return !finished.isEmpty() && finished.first().first().toBool();
    }

    void expectAllOnce()
    {
        ASSERT_EQ(m_received.size(), m_instances.size());
        for (const auto& instance : m_instances) {
            EXPECT_EQ(m_received.value(instance.sopUid), 1) << instance.sopUid.toStdString();
            EXPECT_EQ(m_bytes.value(instance.sopUid), instance.bytes);
        }
    }

    QNetworkAccessManager m_network;
    QList<FakeInstance> m_instances;
    QStringList m_uids;
    QHash<QString, int> m_received;
    QHash<QString, QByteArray> m_bytes;
    QStringList m_order;
};

} // namespace

TEST_F(SeriesRetrieverTest, DeliversEveryInstanceOnceAsItStreams)
{
    const QByteArray body = makeMultipart(m_instances, kBoundary);
    TestHttpServer server([&](const QByteArray&, int) {
        return TestResponse{
            .contentType = multipartType(), .body = body, .chunkSize = 7000, .chunkDelayMs = 1};
    });
    auto retriever = makeRetriever(server);
    QSignalSpy progress(retriever.get(), &SeriesRetriever::progress);
    ASSERT_TRUE(run(*retriever, m_uids)) << retriever->error()->toString().toStdString();
    expectAllOnce();
    EXPECT_EQ(m_order, m_uids);
    EXPECT_EQ(retriever->instancesDelivered(), 40);
    qint64 total = 0;
    for (const auto& instance : m_instances) {
        total += instance.bytes.size();
    }
    EXPECT_EQ(retriever->bytesDelivered(), total);
    EXPECT_GE(progress.size(), 40);
    EXPECT_EQ(server.paths().size(), 1);
    ASSERT_EQ(server.acceptHeaders().size(), 1);
    EXPECT_EQ(server.acceptHeaders().first(), SeriesRetriever::acceptHeader());
    EXPECT_TRUE(SeriesRetriever::acceptHeader().contains("transfer-syntax=*"));
    EXPECT_EQ(retriever->retries(), 0);
}

TEST_F(SeriesRetrieverTest, DroppedConnectionFetchesTheMissingInstancesOnceEach)
{
    const QByteArray body = makeMultipart(m_instances, kBoundary);
    // Drop in the middle of the 11th part: 10 complete parts arrive.
    const qsizetype drop = body.indexOf(m_instances[10].bytes) + 1000;
    QHash<QByteArray, int> failedOnce;
    TestHttpServer server([&](const QByteArray& path, int) {
        if (path == seriesPath().toLatin1()) {
            return TestResponse{.contentType = multipartType(), .body = body, .dropAfter = drop};
        }
        // One instance answers 503 the first time: retried with backoff.
        if (path == instancePath(m_uids[25]) && failedOnce[path]++ == 0) {
            return TestResponse{.status = 503, .contentType = "text/plain", .body = "busy"};
        }
        return instanceResponse(path);
    });
    auto retriever = makeRetriever(server);
    ASSERT_TRUE(run(*retriever, m_uids)) << retriever->error()->toString().toStdString();
    expectAllOnce();
    EXPECT_EQ(m_order.mid(0, 10), m_uids.mid(0, 10));
    // Qt Network itself may resend a request once when the server closes a connection early (its
    // "unexpected EOF" path): the retriever's own count of repeated requests is checked below.
    EXPECT_GE(server.countPath(seriesPath().toLatin1()), 1);
    EXPECT_LE(server.countPath(seriesPath().toLatin1()), 2);
    for (int i = 0; i < 10; ++i) {
        EXPECT_EQ(server.countPath(instancePath(m_uids[i])), 0)
            << "delivered before the drop: not fetched again";
    }
    for (int i = 10; i < 40; ++i) {
        EXPECT_EQ(server.countPath(instancePath(m_uids[i])), i == 25 ? 2 : 1) << i;
    }
    EXPECT_EQ(retriever->instancesDelivered(), 40);
    EXPECT_EQ(retriever->retries(), 1);
}

TEST_F(SeriesRetrieverTest, TruncatedMultipartWithCleanCloseIsResumed)
{
    QByteArray body = makeMultipart(m_instances, kBoundary);
    body.truncate(body.indexOf(m_instances[30].bytes) + 10);
    TestHttpServer server([&](const QByteArray& path, int) {
        if (path == seriesPath().toLatin1()) {
            return TestResponse{.contentType = multipartType(), .body = body, .sendContentLength = false};
        }
        return instanceResponse(path);
    });
    auto retriever = makeRetriever(server);
    ASSERT_TRUE(run(*retriever, m_uids)) << retriever->error()->toString().toStdString();
    expectAllOnce();
    for (int i = 30; i < 40; ++i) {
        EXPECT_EQ(server.countPath(instancePath(m_uids[i])), 1) << i;
    }
    EXPECT_EQ(server.paths().size() - server.countPath(seriesPath().toLatin1()), 10);
    EXPECT_EQ(retriever->retries(), 0);
}

TEST_F(SeriesRetrieverTest, AnInstanceThatCannotBeFetchedIsReportedAndTheRestLoads)
{
    const QByteArray body = makeMultipart(m_instances, kBoundary);
    const qsizetype drop = body.indexOf(m_instances[10].bytes) + 1000;
    const QByteArray missing = instancePath(m_uids[20]);
    TestHttpServer server([&](const QByteArray& path, int) {
        if (path == seriesPath().toLatin1()) {
            return TestResponse{.contentType = multipartType(), .body = body, .dropAfter = drop};
        }
        if (path == missing) {
            return TestResponse{.status = 404, .contentType = "application/json", .body = "{}"};
        }
        return instanceResponse(path);
    });
    auto retriever = makeRetriever(server);
    QSignalSpy failed(retriever.get(), &SeriesRetriever::instanceFailed);
    EXPECT_FALSE(run(*retriever, m_uids));
    EXPECT_EQ(m_received.size(), 39);
    EXPECT_FALSE(m_received.contains(m_uids[20]));
    ASSERT_EQ(failed.size(), 1);
    EXPECT_EQ(failed.first().first().toString(), m_uids[20]);
    EXPECT_TRUE(failed.first().at(1).toString().contains(QLatin1String("HTTP 404")));
    ASSERT_TRUE(retriever->error().has_value());
    EXPECT_TRUE(retriever->error()->message.contains(QLatin1String("1 of 40 instances")))
        << retriever->error()->message.toStdString();
    EXPECT_EQ(server.countPath(missing), 1) << "404 is not retried";
    EXPECT_GT(retriever->elapsedMs(), 0);
}

TEST_F(SeriesRetrieverTest, WithoutExpectedListTheSeriesIsRetriedAndDeduplicated)
{
    const QByteArray body = makeMultipart(m_instances, kBoundary);
    const qsizetype drop = body.indexOf(m_instances[10].bytes) + 1000;
    TestHttpServer server([&](const QByteArray&, int number) {
        return TestResponse{
            .contentType = multipartType(), .body = body, .dropAfter = number == 1 ? drop : -1};
    });
    auto retriever = makeRetriever(server);
    ASSERT_TRUE(run(*retriever, {})) << retriever->error()->toString().toStdString();
    expectAllOnce();
    // Requested again after the drop (by the retriever, or first by Qt Network's own resend on an early
    // close); what matters is that every instance arrived exactly once.
    EXPECT_GE(server.paths().size(), 2);
    EXPECT_LE(server.paths().size(), 3);
    EXPECT_LE(retriever->retries(), 1) << server.paths().size();
}

TEST_F(SeriesRetrieverTest, ServiceUnavailableTwiceThenSuccessIsRetried)
{
    const QByteArray body = makeMultipart(m_instances, kBoundary);
    TestHttpServer server([&](const QByteArray&, int number) {
        if (number <= 2) {
            return TestResponse{.status = 503, .contentType = "text/html", .body = "<html>busy</html>"};
        }
        return TestResponse{.contentType = multipartType(), .body = body};
    });
    auto retriever = makeRetriever(server);
    ASSERT_TRUE(run(*retriever, m_uids)) << retriever->error()->toString().toStdString();
    expectAllOnce();
    EXPECT_EQ(server.paths().size(), 3);
    EXPECT_EQ(retriever->retries(), 2);
}

TEST_F(SeriesRetrieverTest, PersistentServerErrorGivesUpWithTheStatus)
{
    TestHttpServer server([&](const QByteArray&, int) {
        return TestResponse{.status = 502, .contentType = "text/html", .body = "<html>bad gateway</html>"};
    });
    auto retriever = makeRetriever(server);
    EXPECT_FALSE(run(*retriever, {}));
    ASSERT_TRUE(retriever->error().has_value());
    EXPECT_TRUE(retriever->error()->message.contains(QLatin1String("HTTP 502")))
        << retriever->error()->message.toStdString();
    EXPECT_EQ(server.paths().size(), 4);
    EXPECT_TRUE(m_received.isEmpty());
}

TEST_F(SeriesRetrieverTest, WatcherSeesEveryReplyAndClassifiedFailuresAreNotRetried)
{
    TestHttpServer server([&](const QByteArray&, int) {
        return TestResponse{.status = 503, .contentType = "text/html", .body = "<html>busy</html>"};
    });
    auto retriever = makeRetriever(server);
    int watched = 0;
    retriever->setReplyWatcher([&](QNetworkReply* reply) {
        EXPECT_NE(reply, nullptr);
        ++watched;
    });
    retriever->setFailureClassifier([](QNetworkReply*) -> std::optional<Error> {
        return Error{ErrorCode::CertificateUntrusted, QStringLiteral("server certificate untrusted")};
    });
    EXPECT_FALSE(run(*retriever, m_uids));
    EXPECT_EQ(retriever->error()->code, ErrorCode::CertificateUntrusted);
    EXPECT_EQ(server.paths().size(), 1);
    EXPECT_EQ(watched, 1);
    EXPECT_EQ(retriever->retries(), 0);
}

TEST_F(SeriesRetrieverTest, HttpNotFoundIsNotRetried)
{
    TestHttpServer server([&](const QByteArray&, int) {
        return TestResponse{.status = 404, .contentType = "application/json", .body = "{}"};
    });
    auto retriever = makeRetriever(server);
    EXPECT_FALSE(run(*retriever, m_uids));
    EXPECT_EQ(retriever->error()->code, ErrorCode::NotFound);
    EXPECT_TRUE(retriever->error()->message.contains(QLatin1String("HTTP 404")));
    EXPECT_EQ(server.paths().size(), 1);
}

TEST_F(SeriesRetrieverTest, WrongContentTypeIsAClearError)
{
    TestHttpServer server([&](const QByteArray&, int) {
        return TestResponse{.contentType = "text/html; charset=utf-8", .body = "<html>login page</html>"};
    });
    auto retriever = makeRetriever(server);
    EXPECT_FALSE(run(*retriever, m_uids));
    EXPECT_EQ(retriever->error()->code, ErrorCode::Unsupported);
    EXPECT_TRUE(retriever->error()->message.contains(QLatin1String("text/html")))
        << retriever->error()->message.toStdString();
    EXPECT_TRUE(m_received.isEmpty());
    EXPECT_EQ(server.paths().size(), 1);
}

TEST_F(SeriesRetrieverTest, LyingPartLengthIsAClearErrorNamingThePart)
{
    MultipartOptions options;
    options.lieAboutLengthOfPart = 5;
    options.lieDelta = 17;
    const QByteArray body = makeMultipart(m_instances, kBoundary, options);
    TestHttpServer server(
        [&](const QByteArray&, int) { return TestResponse{.contentType = multipartType(), .body = body}; });
    auto retriever = makeRetriever(server);
    EXPECT_FALSE(run(*retriever, m_uids));
    const QString message = retriever->error()->message;
    EXPECT_TRUE(message.contains(QLatin1String("part 6"))) << message.toStdString();
    EXPECT_TRUE(message.contains(QLatin1String("Content-Length"))) << message.toStdString();
    EXPECT_EQ(m_received.size(), 5);
}

TEST_F(SeriesRetrieverTest, CancelMidStreamStopsCallbacksAtOnce)
{
    const QByteArray body = makeMultipart(m_instances, kBoundary);
    TestHttpServer server([&](const QByteArray&, int) {
        return TestResponse{
            .contentType = multipartType(), .body = body, .chunkSize = 4000, .chunkDelayMs = 2};
    });
    auto retriever = makeRetriever(server);
    SeriesRetriever* raw = retriever.get();
    int calls = 0;
    retriever->setInstanceHandler([&](const QString&, QByteArray&) {
        if (++calls == 5) {
            raw->cancel();
        }
    });
    QSignalSpy finished(raw, &SeriesRetriever::finished);
    raw->start(kStudy, kSeries, m_uids);
    QTRY_COMPARE_WITH_TIMEOUT(calls, 5, 20000);
    QTest::qWait(300);
    EXPECT_EQ(calls, 5);
    EXPECT_TRUE(finished.isEmpty());
    EXPECT_FALSE(raw->isRunning());
}

TEST(SeriesRetrieverStaticTest, SopUidFromPart10MetaHeader)
{
    QByteArray file(128, '\0');
    file += "DICM";
    const auto element = [](quint16 elementNumber, const QByteArray& vr, QByteArray value) {
        if (value.size() % 2) {
            value.append('\0');
        }
        QByteArray out;
        out.append(char(0x02)).append(char(0x00));
        out.append(char(elementNumber & 0xff)).append(char(elementNumber >> 8));
        out += vr;
        if (vr == "OB") {
            out.append(2, '\0');
            const quint32 length = static_cast<quint32>(value.size());
            for (int i = 0; i < 4; ++i) {
                out.append(char((length >> (8 * i)) & 0xff));
            }
        } else {
            out.append(char(value.size() & 0xff)).append(char(value.size() >> 8));
        }
        return out + value;
    };
    file += element(0x0001, "OB", QByteArray("\0\1", 2));
    file += element(0x0002, "UI", "1.2.840.10008.5.1.4.1.1.2");
    file += element(0x0003, "UI", "1.2.3.4.5.6.7");
    EXPECT_EQ(SeriesRetriever::sopUidFromPart10(file), QStringLiteral("1.2.3.4.5.6.7"));
    EXPECT_TRUE(SeriesRetriever::sopUidFromPart10("not dicom").isEmpty());
    EXPECT_EQ(
        SeriesRetriever::sopUidFromContentLocation("https://h/dicom-web/studies/1/series/2/instances/3.4"),
        QStringLiteral("3.4"));
}

// Flow control: while paused no instance reaches the handler (the rest waits in the bounded read buffer and
// in TCP); resuming delivers the rest, each instance once, in order.
TEST_F(SeriesRetrieverTest, PausedRetrievalDeliversNothingUntilResumed)
{
    const QByteArray body = makeMultipart(m_instances, kBoundary);
    TestHttpServer server([&](const QByteArray&, int) {
        return TestResponse{
            .contentType = multipartType(), .body = body, .chunkSize = 7000, .chunkDelayMs = 1};
    });
    auto retriever = makeRetriever(server);
    retriever->setReplyWatcher([](QNetworkReply* reply) { reply->setReadBufferSize(64 * 1024); });
    int deliveredWhenPaused = -1;
    retriever->setInstanceHandler([&](const QString& sop, QByteArray& bytes) {
        m_received[sop] += 1;
        m_bytes[sop] = std::move(bytes);
        m_order.append(sop);
        if (m_order.size() == 3) {
            retriever->setPaused(true); // from inside the handler, as SeriesLoader does
            deliveredWhenPaused = int(m_order.size());
        }
    });
    QSignalSpy finished(retriever.get(), &SeriesRetriever::finished);
    retriever->start(kStudy, kSeries, m_uids);
    ASSERT_TRUE(QTest::qWaitFor([&] { return deliveredWhenPaused > 0; }, 10000));
    EXPECT_TRUE(retriever->isPaused());
    // The server keeps sending for a while; nothing may reach the handler.
    QTest::qWait(300);
    EXPECT_EQ(m_order.size(), deliveredWhenPaused) << "instances delivered while paused";
    EXPECT_TRUE(finished.isEmpty());
    retriever->setPaused(false);
    ASSERT_TRUE(finished.wait(30000));
    EXPECT_TRUE(finished.first().first().toBool()) << retriever->error()->toString().toStdString();
    expectAllOnce();
    EXPECT_EQ(m_order, m_uids);
}
