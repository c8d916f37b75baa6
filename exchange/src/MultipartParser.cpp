#include "dokuei/exchange/MultipartParser.h"

#include "dokuei/security/SecureBuffer.h"

#include <algorithm>
#include <cstring>
#include <string.h>

#include <QList>

namespace dokuei::exchange {

namespace {

/// Input is processed in slices of at most this size, so that one huge chunk never sits in the buffer.
constexpr qsizetype kSlice = 1 << 20;
/// Transport padding allowed after a delimiter (spaces and tabs).
constexpr qsizetype kMaxPadding = 256;

/// Appends to `dst`; when it must grow, the old block is zeroed before it is given back.
void secureAppend(QByteArray& dst, const char* data, qsizetype size)
{
    if (size <= 0) {
        return;
    }
    if (dst.capacity() - dst.size() < size) {
        QByteArray bigger;
        bigger.reserve(std::max(dst.size() + size, dst.capacity() * 2));
        bigger.append(dst);
        dokuei::security::secureErase(dst);
        dst = std::move(bigger);
    }
    dst.append(data, size);
}

qsizetype find(const QByteArray& haystack, qsizetype from, const QByteArray& needle)
{
    if (from >= haystack.size()) {
        return -1;
    }
    const void* hit = memmem(haystack.constData() + from, static_cast<size_t>(haystack.size() - from),
                             needle.constData(), static_cast<size_t>(needle.size()));
    return hit == nullptr ? -1 : static_cast<const char*>(hit) - haystack.constData();
}

/// Splits a header value into `;`-separated fields, honouring quoted strings.
QList<QByteArray> splitParameters(QByteArrayView value)
{
    QList<QByteArray> fields;
    QByteArray current;
    bool quoted = false;
    for (qsizetype i = 0; i < value.size(); ++i) {
        const char c = value[i];
        if (quoted && c == '\\' && i + 1 < value.size()) {
            current.append(c);
            current.append(value[++i]);
        } else if (c == '"') {
            quoted = !quoted;
            current.append(c);
        } else if (c == ';' && !quoted) {
            fields.append(current.trimmed());
            current.clear();
        } else {
            current.append(c);
        }
    }
    fields.append(current.trimmed());
    return fields;
}

QByteArrayView clip(QByteArrayView view, qsizetype n)
{
    return view.first(std::min(n, view.size()));
}

QByteArray unquote(QByteArray value)
{
    value = value.trimmed();
    if (value.size() >= 2 && value.startsWith('"') && value.endsWith('"')) {
        QByteArray out;
        for (qsizetype i = 1; i + 1 < value.size(); ++i) {
            if (value[i] == '\\' && i + 2 < value.size()) {
                ++i;
            }
            out.append(value[i]);
        }
        return out;
    }
    return value;
}

} // namespace

MultipartParser::MultipartParser(QByteArray boundary, PartHandler handler, MultipartLimits limits)
    : m_boundary(std::move(boundary)), m_handler(std::move(handler)), m_limits(limits)
{
    m_dashBoundary = "--" + m_boundary;
    // The stream start counts as a line start: a virtual LF lets the preamble search look for LF "--"
    // boundary only.
    m_buffer = QByteArray("\n");
    m_bodyDelimiter = "\n" + m_dashBoundary;
}

MultipartParser::~MultipartParser()
{
    eraseAll();
}

Expected<QByteArray> MultipartParser::boundaryFromContentType(QByteArrayView contentType)
{
    const QList<QByteArray> fields = splitParameters(contentType);
    const QByteArray mediaType = fields.value(0).toLower();
    if (mediaType != "multipart/related") {
        return fail(
            ErrorCode::Unsupported,
            QStringLiteral("The server answered with content type \"%1\" instead of multipart/related "
                           "(application/dicom): not a WADO-RS series response.")
                .arg(QString::fromLatin1(clip(contentType, 120))));
    }
    QByteArray boundary;
    for (qsizetype i = 1; i < fields.size(); ++i) {
        const qsizetype eq = fields[i].indexOf('=');
        if (eq <= 0) {
            continue;
        }
        const QByteArray name = fields[i].left(eq).trimmed().toLower();
        const QByteArray value = unquote(fields[i].mid(eq + 1));
        if (name == "type") {
            const QByteArray type = value.toLower();
            if (type != "application/dicom" && !type.startsWith("application/dicom;")) {
                return fail(
                    ErrorCode::Unsupported,
                    QStringLiteral("The multipart response holds \"%1\" parts, not application/dicom.")
                        .arg(QString::fromLatin1(value.left(120))));
            }
        } else if (name == "boundary") {
            boundary = value;
        }
    }
    if (boundary.isEmpty() || boundary.size() > 70 || boundary.endsWith(' ')) {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("The multipart content type has no valid boundary parameter (1-70 "
                                   "characters): \"%1\".")
                        .arg(QString::fromLatin1(clip(contentType, 200))));
    }
    return boundary;
}

Expected<void> MultipartParser::feed(QByteArrayView chunk)
{
    if (m_state == State::Failed) {
        return std::unexpected(*m_error);
    }
    m_bytesFed += chunk.size();
    qsizetype offset = 0;
    while (offset < chunk.size()) {
        if (m_state == State::Stopped || m_state == State::Epilogue) {
            return {};
        }
        const qsizetype n = std::min(kSlice, chunk.size() - offset);
        secureAppend(m_buffer, chunk.data() + offset, n);
        offset += n;
        if (auto processed = process(); !processed) {
            return processed;
        }
    }
    return {};
}

Expected<void> MultipartParser::finish()
{
    switch (m_state) {
    case State::Failed:
        return std::unexpected(*m_error);
    case State::Stopped:
    case State::Epilogue:
        return {};
    case State::Preamble:
        return failWith(ErrorCode::IoFailure,
                        m_partsDelivered == 0 && m_bytesFed == 0
                            ? QStringLiteral("The multipart response is empty.")
                            : QStringLiteral("The multipart response never reached its first boundary "
                                             "(%1 bytes received): truncated or not multipart.")
                                  .arg(m_bytesFed));
    case State::Headers:
    case State::Body:
        break;
    }
    if (m_state == State::Body) {
        // A part whose delimiter arrived but not the closing "--" (nor another part) is complete: deliver
        // it before reporting the truncation.
        const qsizetype hit = find(m_buffer, m_pos, m_bodyDelimiter);
        bool onlyLineEnd = hit >= 0;
        for (qsizetype i = hit + m_bodyDelimiter.size(); onlyLineEnd && i < m_buffer.size(); ++i) {
            const char c = m_buffer[i];
            onlyLineEnd = c == ' ' || c == '\t' || c == '\r' || c == '\n';
        }
        if (onlyLineEnd) {
            const qsizetype sure = hit - m_pos;
            if (m_body.size() + sure > m_limits.maxPartBytes) {
                return failWith(ErrorCode::InvalidArgument,
                                QStringLiteral("%1 is larger than %2 bytes (the limit).")
                                    .arg(partName(m_partsDelivered))
                                    .arg(m_limits.maxPartBytes));
            }
            secureAppend(m_body, m_buffer.constData() + m_pos, sure);
            consume(m_buffer.size() - m_pos);
            if (m_part.contentLength && m_body.size() != *m_part.contentLength) {
                return failWith(
                    ErrorCode::InvalidArgument,
                    QStringLiteral("%1 has %2 bytes before the next boundary but its Content-Length "
                                   "says %3: the length lies.")
                        .arg(partName(m_partsDelivered))
                        .arg(m_body.size())
                        .arg(*m_part.contentLength));
            }
            (void)deliver(0);
            if (m_state == State::Stopped) {
                return {};
            }
            return failWith(
                ErrorCode::IoFailure,
                QStringLiteral("The multipart response is truncated: %1 complete part(s) arrived but "
                               "the closing boundary did not.")
                    .arg(m_partsDelivered));
        }
    }
    const qsizetype pending = m_body.size() + (m_buffer.size() - m_pos);
    return failWith(
        ErrorCode::IoFailure,
        QStringLiteral("The multipart response is truncated: %1 complete part(s) arrived, %2 ended "
                       "after %3 byte(s) without its closing boundary.")
            .arg(m_partsDelivered)
            .arg(partName(m_partsDelivered))
            .arg(pending));
}

void MultipartParser::stop()
{
    if (m_state != State::Failed) {
        m_state = State::Stopped;
    }
    eraseAll();
}

Expected<void> MultipartParser::process()
{
    bool progressed = true;
    while (progressed) {
        progressed = false;
        Expected<void> step;
        switch (m_state) {
        case State::Preamble:
            step = processPreamble(progressed);
            break;
        case State::Headers:
            step = processHeaders(progressed);
            break;
        case State::Body:
            step = processBody(progressed);
            break;
        case State::Epilogue:
            m_pos = m_buffer.size();
            consume(0);
            return {};
        case State::Failed:
            return std::unexpected(*m_error);
        case State::Stopped:
            return {};
        }
        if (!step) {
            return step;
        }
    }
    return {};
}

MultipartParser::Tail MultipartParser::classifyTail(qsizetype at, qsizetype& consumed)
{
    const char* p = m_buffer.constData() + at;
    const qsizetype avail = m_buffer.size() - at;
    if (avail <= 0) {
        return Tail::NeedMore;
    }
    if (p[0] == '-') {
        if (avail < 2) {
            return Tail::NeedMore;
        }
        consumed = 2;
        return p[1] == '-' ? Tail::Close : Tail::NotDelimiter;
    }
    qsizetype j = 0;
    while (j < avail && j <= kMaxPadding && (p[j] == ' ' || p[j] == '\t')) {
        ++j;
    }
    if (j > kMaxPadding) {
        return Tail::NotDelimiter;
    }
    if (j == avail) {
        return Tail::NeedMore;
    }
    if (p[j] == '\n') {
        consumed = j + 1;
        return Tail::Open;
    }
    if (p[j] == '\r') {
        if (j + 1 == avail) {
            return Tail::NeedMore;
        }
        if (p[j + 1] == '\n') {
            consumed = j + 2;
            return Tail::Open;
        }
    }
    return Tail::NotDelimiter;
}

Expected<void> MultipartParser::processPreamble(bool& progressed)
{
    const QByteArray delimiter = "\n" + m_dashBoundary;
    const qsizetype hit = find(m_buffer, m_pos + m_scan, delimiter);
    if (hit < 0) {
        const qsizetype keep = delimiter.size() - 1;
        const qsizetype discard = m_buffer.size() - m_pos - keep;
        if (discard > 0) {
            consume(discard);
        }
        m_scan = 0;
        return {};
    }
    qsizetype consumed = 0;
    switch (classifyTail(hit + delimiter.size(), consumed)) {
    case Tail::NeedMore:
        consume(hit - m_pos);
        return {};
    case Tail::NotDelimiter:
        m_scan = hit + 1 - m_pos;
        progressed = true;
        return {};
    case Tail::Close:
        m_state = State::Epilogue;
        consume(m_buffer.size() - m_pos);
        progressed = true;
        return {};
    case Tail::Open:
        break;
    }
    // The line end after the first delimiter decides the stream's mode.
    const char* lineEnd = m_buffer.constData() + hit + delimiter.size() + consumed - 2;
    m_lfMode = !(lineEnd[0] == '\r' && lineEnd[1] == '\n');
    m_bodyDelimiter = (m_lfMode ? QByteArray("\n") : QByteArray("\r\n")) + m_dashBoundary;
    consume(hit + delimiter.size() + consumed - m_pos);
    if (m_partsDelivered >= m_limits.maxParts) {
        return failWith(ErrorCode::InvalidArgument,
                        QStringLiteral("The multipart response has more than %1 parts (the limit).")
                            .arg(m_limits.maxParts));
    }
    m_state = State::Headers;
    progressed = true;
    return {};
}

Expected<void> MultipartParser::processHeaders(bool& progressed)
{
    while (true) {
        const qsizetype from = m_pos + m_scan;
        const char* start = m_buffer.constData() + from;
        const void* nl =
            from < m_buffer.size() ? memchr(start, '\n', size_t(m_buffer.size() - from)) : nullptr;
        if (nl == nullptr) {
            m_scan = m_buffer.size() - m_pos;
            if (m_headerBytes + m_scan > m_limits.maxHeaderBytes) {
                return failWith(ErrorCode::InvalidArgument,
                                QStringLiteral("The headers of %1 exceed %2 bytes (the limit).")
                                    .arg(partName(m_partsDelivered))
                                    .arg(m_limits.maxHeaderBytes));
            }
            return {};
        }
        const qsizetype lineEnd = static_cast<const char*>(nl) - m_buffer.constData();
        const qsizetype lineLength = lineEnd + 1 - m_pos;
        m_headerBytes += lineLength;
        if (m_headerBytes > m_limits.maxHeaderBytes) {
            return failWith(ErrorCode::InvalidArgument,
                            QStringLiteral("The headers of %1 exceed %2 bytes (the limit).")
                                .arg(partName(m_partsDelivered))
                                .arg(m_limits.maxHeaderBytes));
        }
        QByteArrayView line(m_buffer.constData() + m_pos, lineEnd - m_pos);
        if (line.endsWith('\r')) {
            line.chop(1);
        }
        const bool continuation = !line.isEmpty() && (line[0] == ' ' || line[0] == '\t');
        if (continuation && !m_lastHeader.isEmpty()) {
            m_lastHeader.append(' ');
            m_lastHeader.append(line.trimmed());
        } else {
            if (!m_lastHeader.isEmpty()) {
                auto parsed = parseHeaderLine(m_lastHeader);
                m_lastHeader.clear();
                if (!parsed) {
                    return parsed;
                }
            }
            m_lastHeader = line.toByteArray();
        }
        const bool empty = line.isEmpty();
        consume(lineLength);
        m_scan = 0;
        if (empty) {
            m_lastHeader.clear();
            if (m_part.contentLength) {
                if (*m_part.contentLength > m_limits.maxPartBytes) {
                    return failWith(ErrorCode::InvalidArgument,
                                    QStringLiteral("%1 declares %2 bytes, more than the limit of %3 bytes.")
                                        .arg(partName(m_partsDelivered))
                                        .arg(*m_part.contentLength)
                                        .arg(m_limits.maxPartBytes));
                }
                m_body.reserve(static_cast<qsizetype>(*m_part.contentLength));
            }
            m_state = State::Body;
            progressed = true;
            return {};
        }
    }
}

Expected<void> MultipartParser::parseHeaderLine(QByteArrayView line)
{
    const qsizetype colon = line.indexOf(':');
    if (colon <= 0) {
        return failWith(ErrorCode::InvalidArgument, QStringLiteral("Malformed header line in %1: \"%2\".")
                                                        .arg(partName(m_partsDelivered))
                                                        .arg(QString::fromLatin1(clip(line, 80))));
    }
    const QByteArray name = line.first(colon).trimmed().toByteArray().toLower();
    const QByteArray value = line.sliced(colon + 1).trimmed().toByteArray();
    if (name == "content-type") {
        m_part.contentType = value;
    } else if (name == "content-location") {
        m_part.contentLocation = value;
    } else if (name == "content-length") {
        bool ok = false;
        const qint64 length = value.toLongLong(&ok);
        if (!ok || length < 0) {
            return failWith(ErrorCode::InvalidArgument,
                            QStringLiteral("%1 has an invalid Content-Length \"%2\".")
                                .arg(partName(m_partsDelivered))
                                .arg(QString::fromLatin1(value.left(40))));
        }
        m_part.contentLength = length;
    }
    return {};
}

Expected<void> MultipartParser::processBody(bool& progressed)
{
    const qsizetype hit = find(m_buffer, m_pos + m_scan, m_bodyDelimiter);
    qsizetype bodyEnd = -1; // absolute index in m_buffer where this part's body ends, when known
    qsizetype consumed = 0;
    Tail tail = Tail::NeedMore;
    if (hit >= 0) {
        tail = classifyTail(hit + m_bodyDelimiter.size(), consumed);
        if (tail == Tail::NotDelimiter) {
            m_scan = hit + 1 - m_pos;
            progressed = true;
            return {};
        }
        if (tail == Tail::Open || tail == Tail::Close) {
            bodyEnd = hit;
        }
    }
    // Bytes that are body for sure move to m_body: all before a delimiter candidate, or all but the last
    // delimiter-length bytes when there is none yet.
    const qsizetype sure = bodyEnd >= 0 ? bodyEnd - m_pos
                           : hit >= 0   ? hit - m_pos
                                        : m_buffer.size() - m_pos - (m_bodyDelimiter.size() - 1);
    if (sure > 0) {
        if (m_body.size() + sure > m_limits.maxPartBytes) {
            return failWith(ErrorCode::InvalidArgument,
                            QStringLiteral("%1 is larger than %2 bytes (the limit).")
                                .arg(partName(m_partsDelivered))
                                .arg(m_limits.maxPartBytes));
        }
        secureAppend(m_body, m_buffer.constData() + m_pos, sure);
        consume(sure);
    }
    m_scan = 0;
    if (m_part.contentLength && m_body.size() > *m_part.contentLength) {
        return failWith(
            ErrorCode::InvalidArgument,
            QStringLiteral("%1 is longer than its Content-Length of %2 bytes: the length lies or the "
                           "boundary is missing.")
                .arg(partName(m_partsDelivered))
                .arg(*m_part.contentLength));
    }
    if (bodyEnd < 0) {
        return {};
    }
    consume(m_bodyDelimiter.size() + consumed);
    if (m_part.contentLength && m_body.size() != *m_part.contentLength) {
        return failWith(
            ErrorCode::InvalidArgument,
            QStringLiteral("%1 has %2 bytes before the next boundary but its Content-Length says %3: "
                           "the length lies.")
                .arg(partName(m_partsDelivered))
                .arg(m_body.size())
                .arg(*m_part.contentLength));
    }
    if (auto delivered = deliver(0); !delivered) {
        return delivered;
    }
    if (m_state == State::Stopped) {
        return {};
    }
    if (tail == Tail::Close) {
        m_state = State::Epilogue;
        consume(m_buffer.size() - m_pos);
    } else {
        if (m_partsDelivered >= m_limits.maxParts) {
            return failWith(ErrorCode::InvalidArgument,
                            QStringLiteral("The multipart response has more than %1 parts (the limit).")
                                .arg(m_limits.maxParts));
        }
        m_state = State::Headers;
    }
    progressed = true;
    return {};
}

Expected<void> MultipartParser::deliver(qsizetype)
{
    m_part.index = m_partsDelivered;
    m_part.body = std::move(m_body);
    m_body = QByteArray();
    m_headerBytes = 0;
    ++m_partsDelivered;
    m_inHandler = true;
    if (m_handler) {
        m_handler(m_part);
    }
    m_inHandler = false;
    dokuei::security::secureErase(m_part.body);
    m_part = MultipartPart{};
    return {};
}

std::unexpected<Error> MultipartParser::failWith(ErrorCode code, QString message)
{
    m_state = State::Failed;
    m_error = Error{code, message};
    eraseAll();
    return std::unexpected(*m_error);
}

QString MultipartParser::partName(int index) const
{
    QString name = QStringLiteral("part %1").arg(index + 1);
    if (index == m_partsDelivered && !m_part.contentLocation.isEmpty()) {
        name += QStringLiteral(" (%1)").arg(QString::fromLatin1(m_part.contentLocation.left(200)));
    }
    return name;
}

void MultipartParser::consume(qsizetype count)
{
    m_pos += count;
    m_scan = 0; // the scan position is relative to m_pos: a search resumes at the new start
    const qsizetype remaining = m_buffer.size() - m_pos;
    if (m_pos > 0 && m_pos >= remaining) {
        // Compact: move the unconsumed tail to the front and zero the bytes it leaves behind. The moved
        // bytes never exceed the consumed ones, so compaction is O(n) over the whole stream.
        char* data = m_buffer.data();
        std::memmove(data, data + m_pos, static_cast<size_t>(remaining));
        explicit_bzero(data + remaining, static_cast<size_t>(m_pos));
        m_buffer.truncate(remaining);
        m_pos = 0;
    }
}

void MultipartParser::eraseAll()
{
    dokuei::security::secureErase(m_buffer);
    dokuei::security::secureErase(m_body);
    if (!m_inHandler) {
        dokuei::security::secureErase(m_part.body);
    }
    m_pos = 0;
    m_scan = 0;
}

} // namespace dokuei::exchange
