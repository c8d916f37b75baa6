#include "TestHttpServer.h"

#include <memory>

#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

namespace dokuei::exchange::test {

TestHttpServer::TestHttpServer(Handler handler) : m_handler(std::move(handler))
{
    m_server.listen(QHostAddress::LocalHost, 0);
    QObject::connect(&m_server, &QTcpServer::newConnection, &m_server, [this] { onConnection(); });
}

TestHttpServer::~TestHttpServer()
{
    m_server.close();
}

QString TestHttpServer::baseUrl() const
{
    return QStringLiteral("http://127.0.0.1:%1/dicom-web").arg(m_server.serverPort());
}

void TestHttpServer::onConnection()
{
    while (QTcpSocket* socket = m_server.nextPendingConnection()) {
        QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        auto request = std::make_shared<QByteArray>();
        QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket, request] {
            request->append(socket->readAll());
            if (!request->contains("\r\n\r\n") || request->isEmpty()) {
                return;
            }
            const QList<QByteArray> lines = request->left(request->indexOf("\r\n\r\n")).split('\n');
            const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
            QByteArray path = first.value(1);
            const QByteArray prefix = "/dicom-web";
            if (path.startsWith(prefix)) {
                path = path.mid(prefix.size());
            }
            for (const QByteArray& line : lines) {
                if (line.toLower().startsWith("accept:")) {
                    m_accepts.append(line.mid(7).trimmed());
                }
            }
            request->clear();
            m_paths.append(path);
            const TestResponse response = m_handler(path, static_cast<int>(m_paths.size()));
            QByteArray head = "HTTP/1.1 " + QByteArray::number(response.status) + " X\r\n";
            if (!response.contentType.isEmpty()) {
                head += "Content-Type: " + response.contentType + "\r\n";
            }
            if (response.sendContentLength) {
                head += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n";
            }
            head += "Connection: close\r\n\r\n";
            socket->write(head);
            const QByteArray body =
                response.dropAfter >= 0 ? response.body.left(response.dropAfter) : response.body;
            if (response.chunkDelayMs <= 0) {
                socket->write(body);
                socket->disconnectFromHost();
                return;
            }
            auto offset = std::make_shared<qsizetype>(0);
            auto* timer = new QTimer(socket);
            QObject::connect(timer, &QTimer::timeout, socket, [socket, timer, body, offset, response] {
                if (socket->state() != QAbstractSocket::ConnectedState) {
                    timer->stop();
                    return;
                }
                socket->write(body.mid(*offset, response.chunkSize));
                *offset += response.chunkSize;
                if (*offset >= body.size()) {
                    timer->stop();
                    socket->disconnectFromHost();
                }
            });
            timer->start(response.chunkDelayMs);
        });
    }
}

} // namespace dokuei::exchange::test
