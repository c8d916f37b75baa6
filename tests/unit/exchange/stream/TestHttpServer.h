#pragma once

#include <functional>

#include <QByteArray>
#include <QList>
#include <QString>
#include <QTcpServer>

namespace dokuei::exchange::test {

/// One crafted HTTP answer.
struct TestResponse
{
    int status = 200;
    QByteArray contentType;
    QByteArray body;
    qsizetype dropAfter = -1;      ///< close the connection after this many body bytes (Content-Length stays)
    bool sendContentLength = true; ///< false: the body ends when the connection closes
    qsizetype chunkSize = 64 * 1024;
    int chunkDelayMs = 0; ///< pause between chunks (a slow stream)
};

/// A plain-HTTP/1.1 server on 127.0.0.1 answering each request (one per connection) from a handler.
class TestHttpServer
{
public:
    using Handler = std::function<TestResponse(const QByteArray& path, int requestNumber)>;

    explicit TestHttpServer(Handler handler);
    ~TestHttpServer();

    QString baseUrl() const;
    QList<QByteArray> paths() const { return m_paths; }
    QList<QByteArray> acceptHeaders() const { return m_accepts; }
    int countPath(const QByteArray& path) const { return static_cast<int>(m_paths.count(path)); }

private:
    void onConnection();

    QTcpServer m_server;
    Handler m_handler;
    QList<QByteArray> m_paths;
    QList<QByteArray> m_accepts;
};

} // namespace dokuei::exchange::test
