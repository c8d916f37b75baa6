// The diagnostic TLS probe is bounded in time and reports "no ServerHello" when the peer is not a TLS
// server that answers; what it learns from real servers is covered by the TLS rejection tests.
#include <dokuei/exchange/TlsProbe.h>
#include <future>
#include <memory>
#include <thread>

#include <QTcpServer>
#include <QTcpSocket>

#include <gtest/gtest.h>

using namespace dokuei::exchange;

TEST(TlsProbe, ASilentPeerEndsInATimeoutWithoutServerHello)
{
    // The kernel accepts the connection (listen backlog) but nobody ever answers the ClientHello.
    QTcpServer server;
    ASSERT_TRUE(server.listen(QHostAddress::LocalHost, 0));
    const TlsProbeResult result =
        TlsProbe::run(QStringLiteral("127.0.0.1"), server.serverPort(), std::chrono::milliseconds(300));
    EXPECT_FALSE(result.serverHelloSeen);
    EXPECT_FALSE(result.handshakeCompleted);
    EXPECT_TRUE(result.error.contains(QStringLiteral("timed out"))) << result.error.toStdString();
    EXPECT_TRUE(TlsProbe::describe(result).isEmpty());
}

TEST(TlsProbe, APeerThatIsNotTlsGivesNoServerHello)
{
    // A plain HTTP server on its own thread answers the ClientHello with an HTTP error and closes.
    std::promise<quint16> listening;
    std::thread peer([&listening] {
        QTcpServer server;
        listening.set_value(server.listen(QHostAddress::LocalHost, 0) ? server.serverPort() : 0);
        if (!server.waitForNewConnection(5000))
            return;
        std::unique_ptr<QTcpSocket> socket(server.nextPendingConnection());
        socket->waitForReadyRead(2000);
        socket->write("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
        socket->waitForBytesWritten(2000);
        socket->disconnectFromHost();
        if (socket->state() != QAbstractSocket::UnconnectedState)
            socket->waitForDisconnected(2000);
    });
    const quint16 port = listening.get_future().get();
    ASSERT_NE(port, 0);
    const TlsProbeResult result =
        TlsProbe::run(QStringLiteral("127.0.0.1"), port, std::chrono::milliseconds(3000));
    peer.join();
    EXPECT_FALSE(result.serverHelloSeen);
    EXPECT_FALSE(result.handshakeCompleted);
    EXPECT_FALSE(result.error.isEmpty());
    EXPECT_FALSE(result.error.contains(QStringLiteral("timed out"))) << result.error.toStdString();
}

TEST(TlsProbe, AClosedPortIsReportedAsAnError)
{
    quint16 port = 0;
    {
        QTcpServer server;
        ASSERT_TRUE(server.listen(QHostAddress::LocalHost, 0));
        port = server.serverPort();
    }
    const TlsProbeResult result =
        TlsProbe::run(QStringLiteral("127.0.0.1"), port, std::chrono::milliseconds(1000));
    EXPECT_FALSE(result.serverHelloSeen);
    EXPECT_FALSE(result.error.isEmpty());
}
