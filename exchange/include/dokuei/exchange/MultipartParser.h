#pragma once

#include "dokuei/common/Error.h"

#include <cstdint>
#include <functional>
#include <optional>

#include <QByteArray>
#include <QByteArrayView>

namespace dokuei::exchange {

/// One complete body part of a multipart/related response (PS3.18 WADO-RS, RFC 2046/2387).
struct MultipartPart
{
    int index = 0;                       ///< 0-based position in the response
    QByteArray contentType;              ///< as sent (trimmed), empty when absent
    std::optional<qint64> contentLength; ///< the part header's Content-Length, when present
    QByteArray contentLocation;          ///< empty when absent
    QByteArray body;                     ///< the part's bytes; the handler may move it out
};

/// Limits: each violation is an error, never unbounded growth.
struct MultipartLimits
{
    qint64 maxPartBytes = qint64(2) << 30; ///< one part's body (a CT instance is well below)
    qint64 maxHeaderBytes = 16 * 1024;     ///< one part's header section
    int maxParts = 100000;                 ///< parts in one response
};

/// Incremental parser for `multipart/related; type="application/dicom"; boundary=...`.
///
/// feed() takes chunks of any size; every part is handed to the handler as soon as the delimiter that ends
/// it has arrived. Memory is bounded by one part plus a small window for the delimiter search; every input
/// byte is scanned a bounded number of times (O(n) overall). Buffers that held part bytes are zeroed when
/// handed over, on error, on stop() and on destruction.
///
/// Syntax accepted: a preamble before the first delimiter and an epilogue after the close delimiter are
/// ignored; transport padding (spaces, tabs) after a delimiter is allowed. Line ends: the stream's mode is
/// taken from the line end after the first delimiter — CRLF (the standard) or bare LF (tolerated, some
/// servers and hand-written files). In CRLF mode a delimiter inside a body is only recognised as CRLF "--"
/// boundary followed by "--", padding or a line end, so the boundary string inside binary data that is not
/// preceded by CRLF "--" (or is followed by other bytes) stays data. Header lines may end in LF or CRLF in
/// both modes; folded header lines are joined.
///
/// A part's Content-Length, when present, must equal the bytes before its delimiter: otherwise feed() fails
/// naming the part (index and Content-Location). finish() fails when the close delimiter never came
/// (truncated response) after the complete parts were delivered.
class MultipartParser
{
public:
    /// Called once per complete part. The handler may take `part.body` (std::move); whatever it leaves is
    /// zeroed by the parser after the call. The handler may call stop().
    using PartHandler = std::function<void(MultipartPart& part)>;

    MultipartParser(QByteArray boundary, PartHandler handler, MultipartLimits limits = {});
    ~MultipartParser();
    MultipartParser(const MultipartParser&) = delete;
    MultipartParser& operator=(const MultipartParser&) = delete;

    /// The boundary of a Content-Type header value (quoted or not). Fails with Unsupported unless the type
    /// is multipart/related and, when a `type` parameter is present, it is application/dicom; with
    /// InvalidArgument when the boundary is missing or not a valid RFC 2046 boundary (1-70 characters).
    static Expected<QByteArray> boundaryFromContentType(QByteArrayView contentType);

    /// Parses the next chunk. After an error every later call returns the same error.
    Expected<void> feed(QByteArrayView chunk);
    /// End of input: fails when the response is truncated (no close delimiter).
    Expected<void> finish();
    /// Stops parsing at once (no more handler calls) and zeroes buffered bytes. Safe inside the handler.
    void stop();

    int partsDelivered() const { return m_partsDelivered; }
    qint64 bytesFed() const { return m_bytesFed; }
    bool isComplete() const { return m_state == State::Epilogue; }

private:
    enum class State
    {
        Preamble,
        Headers,
        Body,
        Epilogue,
        Failed,
        Stopped,
    };
    enum class Tail
    {
        NeedMore,
        NotDelimiter,
        Open,
        Close,
    };

    Expected<void> process();
    Expected<void> processPreamble(bool& progressed);
    Expected<void> processHeaders(bool& progressed);
    Expected<void> processBody(bool& progressed);
    Tail classifyTail(qsizetype at, qsizetype& consumed);
    Expected<void> parseHeaderLine(QByteArrayView line);
    Expected<void> deliver(qsizetype bodyEndInBuffer);
    std::unexpected<Error> failWith(ErrorCode code, QString message);
    QString partName(int index) const;
    void consume(qsizetype count);
    void eraseAll();

    QByteArray m_boundary;
    QByteArray m_dashBoundary;  ///< "--" boundary
    QByteArray m_bodyDelimiter; ///< CRLF "--" boundary (or LF "--" boundary in LF mode)
    PartHandler m_handler;
    MultipartLimits m_limits;
    State m_state = State::Preamble;
    bool m_lfMode = false;
    bool m_inHandler = false;
    QByteArray m_buffer;  ///< unconsumed input
    qsizetype m_pos = 0;  ///< start of unconsumed bytes in m_buffer
    qsizetype m_scan = 0; ///< where the next search starts, relative to m_pos (consume() resets it)
    QByteArray m_body;    ///< body bytes of the current part so far
    MultipartPart m_part;
    QByteArray m_lastHeader;
    qint64 m_headerBytes = 0;
    int m_partsDelivered = 0;
    qint64 m_bytesFed = 0;
    std::optional<Error> m_error;
};

} // namespace dokuei::exchange
