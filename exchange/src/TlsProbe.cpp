#include "dokuei/exchange/TlsProbe.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <memory>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <QByteArray>
#include <QElapsedTimer>
#include <QHostAddress>

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace dokuei::exchange {

namespace {

struct CtxDeleter
{
    void operator()(SSL_CTX* p) const { SSL_CTX_free(p); }
};
struct SslDeleter
{
    void operator()(SSL* p) const { SSL_free(p); }
};
struct AddrDeleter
{
    void operator()(addrinfo* p) const { freeaddrinfo(p); }
};

/// What the message callback saw of the server's handshake.
struct Seen
{
    bool serverHello = false;
    bool certificateRequest = false;
    unsigned char cipher[2] = {0, 0};
};

void onMessage(int writeP, int /*version*/, int contentType, const void* buf, size_t len, SSL* /*ssl*/,
               void* arg)
{
    if (writeP || contentType != SSL3_RT_HANDSHAKE || len < 1)
        return;
    auto* seen = static_cast<Seen*>(arg);
    const auto* p = static_cast<const unsigned char*>(buf);
    if (p[0] == SSL3_MT_CERTIFICATE_REQUEST) {
        seen->certificateRequest = true;
    } else if (p[0] == SSL3_MT_SERVER_HELLO && !seen->serverHello) {
        // header (4), legacy_version (2), random (32), session id (1 + n), cipher suite (2)
        constexpr size_t sessionIdAt = 4 + 2 + 32;
        if (len < sessionIdAt + 1)
            return;
        const size_t cipherAt = sessionIdAt + 1 + p[sessionIdAt];
        if (len < cipherAt + 2)
            return;
        seen->serverHello = true;
        seen->cipher[0] = p[cipherAt];
        seen->cipher[1] = p[cipherAt + 1];
    }
}

qint64 remaining(const QElapsedTimer& clock, std::chrono::milliseconds timeout)
{
    return std::max<qint64>(0, timeout.count() - clock.elapsed());
}

/// Waits for `events` on fd; false on timeout or error.
bool waitFor(int fd, short events, const QElapsedTimer& clock, std::chrono::milliseconds timeout)
{
    for (;;) {
        const qint64 left = remaining(clock, timeout);
        if (left <= 0)
            return false;
        pollfd p{fd, events, 0};
        const int r = ::poll(&p, 1, int(left));
        if (r > 0)
            return true;
        if (r == 0 || errno != EINTR)
            return false;
    }
}

int connectTo(const QString& host, quint16 port, const QElapsedTimer& clock,
              std::chrono::milliseconds timeout, QString* error)
{
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    addrinfo* list = nullptr;
    const QByteArray name = host.toUtf8();
    const QByteArray service = QByteArray::number(port);
    if (const int r = ::getaddrinfo(name.constData(), service.constData(), &hints, &list); r != 0) {
        *error = QString::fromLocal8Bit(::gai_strerror(r));
        return -1;
    }
    std::unique_ptr<addrinfo, AddrDeleter> addresses(list);
    for (addrinfo* a = list; a; a = a->ai_next) {
        const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0)
            continue;
        if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0)
            return fd;
        if (errno == EINPROGRESS && waitFor(fd, POLLOUT, clock, timeout)) {
            int soError = 0;
            socklen_t size = sizeof soError;
            if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &size) == 0 && soError == 0)
                return fd;
            *error = QString::fromLocal8Bit(::strerror(soError));
        } else {
            *error = remaining(clock, timeout) <= 0 ? QStringLiteral("timed out")
                                                    : QString::fromLocal8Bit(::strerror(errno));
        }
        ::close(fd);
    }
    return -1;
}

/// SIGPIPE blocked on this thread while the probe writes to a socket the server may have closed; a
/// SIGPIPE raised meanwhile is consumed before the mask is restored.
class SigPipeBlocker
{
public:
    SigPipeBlocker()
    {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGPIPE);
        sigset_t pending;
        sigpending(&pending);
        m_wasPending = sigismember(&pending, SIGPIPE) == 1;
        pthread_sigmask(SIG_BLOCK, &set, &m_old);
    }
    ~SigPipeBlocker()
    {
        if (!m_wasPending) {
            sigset_t set;
            sigemptyset(&set);
            sigaddset(&set, SIGPIPE);
            const timespec zero{0, 0};
            while (sigtimedwait(&set, nullptr, &zero) > 0) {
            }
        }
        pthread_sigmask(SIG_SETMASK, &m_old, nullptr);
    }
    SigPipeBlocker(const SigPipeBlocker&) = delete;
    SigPipeBlocker& operator=(const SigPipeBlocker&) = delete;

private:
    sigset_t m_old;
    bool m_wasPending = false;
};

QString lastSslError()
{
    const unsigned long e = ERR_peek_last_error();
    if (e == 0)
        return QStringLiteral("the server closed the connection");
    char text[256];
    ERR_error_string_n(e, text, sizeof text);
    return QString::fromLatin1(text);
}

} // namespace

TlsProbeResult TlsProbe::run(const QString& host, quint16 port, std::chrono::milliseconds timeout)
{
    TlsProbeResult result;
    QElapsedTimer clock;
    clock.start();
    std::unique_ptr<SSL_CTX, CtxDeleter> ctx(SSL_CTX_new(TLS_client_method()));
    if (!ctx) {
        result.error = QStringLiteral("no TLS context");
        ERR_clear_error();
        return result;
    }
    // Offer everything: the point is to learn what the server picks, not to use the connection.
    SSL_CTX_set_security_level(ctx.get(), 0);
    SSL_CTX_set_min_proto_version(ctx.get(), TLS1_VERSION);
    SSL_CTX_set_max_proto_version(ctx.get(), TLS1_3_VERSION);
    SSL_CTX_set_cipher_list(ctx.get(), "ALL:@SECLEVEL=0");
    SSL_CTX_set_ciphersuites(ctx.get(), "TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_"
                                        "SHA256:TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256");
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr); // nothing is sent over it
    SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
    std::unique_ptr<SSL, SslDeleter> ssl(SSL_new(ctx.get()));
    if (!ssl) {
        result.error = QStringLiteral("no TLS connection object");
        ERR_clear_error();
        return result;
    }
    Seen seen;
    SSL_set_msg_callback(ssl.get(), onMessage);
    SSL_set_msg_callback_arg(ssl.get(), &seen);
    const QByteArray sni = host.toUtf8();
    if (!sni.isEmpty() && QHostAddress(host).isNull())
        // SSL_set_tlsext_host_name() without its C cast; host names only, as QSslSocket does
        SSL_ctrl(ssl.get(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 const_cast<char*>(sni.constData()));

    const int fd = connectTo(host, port, clock, timeout, &result.error);
    if (fd < 0) {
        ERR_clear_error();
        return result;
    }
    {
        SigPipeBlocker noSigPipe;
        SSL_set_fd(ssl.get(), fd);
        for (;;) {
            ERR_clear_error();
            const int r = SSL_connect(ssl.get());
            if (r == 1) {
                result.handshakeCompleted = true;
                break;
            }
            const int e = SSL_get_error(ssl.get(), r);
            const short events = e == SSL_ERROR_WANT_READ ? POLLIN : e == SSL_ERROR_WANT_WRITE ? POLLOUT : 0;
            if (events == 0) {
                result.error = lastSslError();
                break;
            }
            if (!waitFor(fd, events, clock, timeout)) {
                result.error = QStringLiteral("timed out after %1 ms").arg(timeout.count());
                break;
            }
        }
        ::close(fd); // no close_notify, no application data
    }
    result.serverHelloSeen = seen.serverHello;
    result.clientCertificateRequested = seen.certificateRequest;
    if (seen.serverHello) {
        result.version = SSL_version(ssl.get());
        result.versionName = QString::fromLatin1(SSL_get_version(ssl.get()));
        if (const SSL_CIPHER* cipher = SSL_CIPHER_find(ssl.get(), seen.cipher)) {
            result.cipherName = QString::fromLatin1(SSL_CIPHER_get_name(cipher));
            if (const char* standard = SSL_CIPHER_standard_name(cipher))
                result.cipherStandardName = QString::fromLatin1(standard);
            const int kx = SSL_CIPHER_get_kx_nid(cipher);
            result.forwardSecret = kx == NID_kx_ecdhe || kx == NID_kx_dhe || kx == NID_kx_ecdhe_psk ||
                                   kx == NID_kx_dhe_psk || kx == NID_kx_any;
            result.aead = SSL_CIPHER_is_aead(cipher) == 1;
            result.chacha20 = SSL_CIPHER_get_cipher_nid(cipher) == NID_chacha20_poly1305;
            result.cbc = result.cipherStandardName.contains(QLatin1String("_CBC_"));
        } else {
            result.cipherName = QStringLiteral("0x%1%2")
                                    .arg(seen.cipher[0], 2, 16, QLatin1Char('0'))
                                    .arg(seen.cipher[1], 2, 16, QLatin1Char('0'));
        }
    }
    ERR_clear_error(); // leave nothing in this thread's error queue for Qt's TLS backend
    return result;
}

QString TlsProbe::describe(const TlsProbeResult& result)
{
    if (!result.serverHelloSeen)
        return {};
    QString text = result.versionName;
    if (!result.cipherName.isEmpty()) {
        text += QStringLiteral(" with ") + result.cipherName;
        if (!result.cipherStandardName.isEmpty() && result.cipherStandardName != result.cipherName)
            text += QStringLiteral(" (%1)").arg(result.cipherStandardName);
    }
    return text;
}

} // namespace dokuei::exchange
