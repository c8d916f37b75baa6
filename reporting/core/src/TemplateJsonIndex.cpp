#include "TemplateJsonIndex.h"

#include "dokuei/reporting/TemplateLibrary.h"

#include <algorithm>
#include <cstring>
#include <optional>

#include <QJsonArray>
#include <QJsonDocument>
#include <QList>
#include <QSet>

namespace dokuei::reporting::detail {

namespace {

/// One open object or array of the scan (an explicit stack, so hostile nesting cannot exhaust the C++
/// stack before the depth limit is reached).
struct Frame
{
    bool object = false;
    QString path;
    qsizetype count = 0;
    QSet<QString> keys;
    QString memberPath; ///< object: the path of the member whose value comes next
};

QString expectedValue()
{
    return TemplateLibrary::tr("expected a value (a string in \"quotes\", a number, true, false, null, an "
                               "object or an array)");
}

bool isOneOf(unsigned char c, const char* set)
{
    return c != 0 && std::strchr(set, c) != nullptr;
}

enum class Expect
{
    Value,      ///< a value (root, after ':' or after ',' in an array)
    ValueOrEnd, ///< after '['
    KeyOrEnd,   ///< after '{'
    Key,        ///< after ',' in an object
    Colon,      ///< after a key
    CommaOrEnd, ///< after a value inside a container
    Nothing,    ///< after the root value: only white space may follow
};

class Scanner
{
public:
    Scanner(QByteArrayView json, int maxDepth, int maxValues)
        : m_json(json), m_maxDepth(maxDepth), m_maxValues(maxValues)
    {}

    std::expected<QHash<QString, int>, TemplateJsonIndex::Failure> run();

private:
    bool atEnd() const { return m_pos >= m_json.size(); }
    unsigned char peek() const { return static_cast<unsigned char>(m_json[m_pos]); }
    void skipWhiteSpace();
    bool fail(const QString& message);
    QString currentPath() const;
    bool beginValue(QString& path);
    void endValue();
    bool scanString(QByteArray* raw);
    bool scanUtf8Sequence();
    bool scanNumber();
    bool scanLiteral(QByteArrayView word);
    QString decodeKey(const QByteArray& raw) const;

    QByteArrayView m_json;
    int m_maxDepth;
    int m_maxValues;
    qsizetype m_pos = 0;
    int m_line = 1;
    int m_values = 0;
    Expect m_expect = Expect::Value;
    QList<Frame> m_stack;
    QHash<QString, int> m_lines;
    std::optional<TemplateJsonIndex::Failure> m_failure;
};

void Scanner::skipWhiteSpace()
{
    while (!atEnd()) {
        const unsigned char c = peek();
        if (c == '\n') {
            ++m_line;
        } else if (c != ' ' && c != '\t' && c != '\r') {
            return;
        }
        ++m_pos;
    }
}

bool Scanner::fail(const QString& message)
{
    if (!m_failure) {
        m_failure = TemplateJsonIndex::Failure{m_line, currentPath(), message};
    }
    return false;
}

QString Scanner::currentPath() const
{
    if (m_stack.isEmpty()) {
        return {};
    }
    // The member or element being read, or (after a value) the one just read: a missing comma is
    // reported at the value before it.
    const Frame& top = m_stack.last();
    if (top.object) {
        return m_expect == Expect::KeyOrEnd || m_expect == Expect::Key ? top.path : top.memberPath;
    }
    if (m_expect == Expect::CommaOrEnd) {
        return TemplateJsonIndex::element(top.path, std::max<qsizetype>(top.count - 1, 0));
    }
    return TemplateJsonIndex::element(top.path, top.count);
}

/// Records the line of the value that starts here and returns its path.
bool Scanner::beginValue(QString& path)
{
    if (++m_values > m_maxValues) {
        return fail(
            TemplateLibrary::tr("more than %1 values: this is not a report template").arg(m_maxValues));
    }
    if (m_stack.isEmpty()) {
        path.clear();
        m_lines.insert(path, m_line);
        return true;
    }
    Frame& top = m_stack.last();
    if (top.object) {
        path = top.memberPath;
        return true; // recorded at the key
    }
    path = TemplateJsonIndex::element(top.path, top.count);
    ++top.count;
    m_lines.insert(path, m_line);
    return true;
}

void Scanner::endValue()
{
    m_expect = m_stack.isEmpty() ? Expect::Nothing : Expect::CommaOrEnd;
}

/// At the opening quote; leaves m_pos after the closing quote. `raw` (optional) gets the bytes between.
bool Scanner::scanString(QByteArray* raw)
{
    const qsizetype start = ++m_pos;
    while (!atEnd()) {
        const unsigned char c = peek();
        if (c == '"') {
            if (raw) {
                *raw = m_json.sliced(start, m_pos - start).toByteArray();
            }
            ++m_pos;
            return true;
        }
        if (c == '\\') {
            ++m_pos;
            if (atEnd()) {
                break;
            }
            const unsigned char e = peek();
            if (e == 'u') {
                for (int i = 1; i <= 4; ++i) {
                    if (m_pos + i >= m_json.size() ||
                        !isOneOf(static_cast<unsigned char>(m_json[m_pos + i]), "0123456789abcdefABCDEF")) {
                        return fail(TemplateLibrary::tr("\\u must be followed by four hexadecimal digits"));
                    }
                }
                m_pos += 5;
                continue;
            }
            if (!isOneOf(e, "\"\\/bfnrt")) {
                return fail(TemplateLibrary::tr("unknown escape \\%1 in a string").arg(QChar(char16_t(e))));
            }
            ++m_pos;
            continue;
        }
        if (c < 0x20) {
            return fail(c == '\n' ? TemplateLibrary::tr("a string must not run over the end of the line "
                                                        "(write \\n for a line break)")
                                  : TemplateLibrary::tr("control character in a string"));
        }
        if (c >= 0x80) {
            if (!scanUtf8Sequence()) {
                return false;
            }
            continue;
        }
        ++m_pos;
    }
    return fail(TemplateLibrary::tr("the string is not closed with \""));
}

/// One multi-byte UTF-8 sequence (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
bool Scanner::scanUtf8Sequence()
{
    const unsigned char c = peek();
    int length = 0;
    unsigned int min = 0;
    unsigned int cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
        length = 2;
        min = 0x80;
        cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
        length = 3;
        min = 0x800;
        cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
        length = 4;
        min = 0x10000;
        cp = c & 0x07u;
    }
    bool valid = length > 0 && m_pos + length <= m_json.size();
    for (int i = 1; valid && i < length; ++i) {
        const auto next = static_cast<unsigned char>(m_json[m_pos + i]);
        valid = (next & 0xC0u) == 0x80u;
        cp = (cp << 6) | (next & 0x3Fu);
    }
    if (!valid || cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return fail(TemplateLibrary::tr("not valid UTF-8: save the file as UTF-8 (Shift_JIS and other "
                                        "encodings are not accepted)"));
    }
    m_pos += length;
    return true;
}

bool Scanner::scanNumber()
{
    auto digits = [this] {
        const qsizetype from = m_pos;
        while (!atEnd() && peek() >= '0' && peek() <= '9') {
            ++m_pos;
        }
        return m_pos - from;
    };
    if (peek() == '-') {
        ++m_pos;
    }
    if (atEnd()) {
        return fail(TemplateLibrary::tr("a number is cut short"));
    }
    if (peek() == '0') {
        ++m_pos;
    } else if (digits() == 0) {
        return fail(TemplateLibrary::tr("not a number"));
    }
    if (!atEnd() && peek() == '.') {
        ++m_pos;
        if (digits() == 0) {
            return fail(TemplateLibrary::tr("a number needs digits after the decimal point"));
        }
    }
    if (!atEnd() && (peek() == 'e' || peek() == 'E')) {
        ++m_pos;
        if (!atEnd() && (peek() == '+' || peek() == '-')) {
            ++m_pos;
        }
        if (digits() == 0) {
            return fail(TemplateLibrary::tr("a number needs digits in its exponent"));
        }
    }
    return true;
}

bool Scanner::scanLiteral(QByteArrayView word)
{
    if (m_json.sliced(m_pos).startsWith(word)) {
        m_pos += word.size();
        return true;
    }
    return fail(expectedValue());
}

QString Scanner::decodeKey(const QByteArray& raw) const
{
    if (!raw.contains('\\')) {
        return QString::fromUtf8(raw);
    }
    // The key is a valid JSON string (scanned above): let Qt undo the escapes.
    const auto doc = QJsonDocument::fromJson(QByteArray("[\"") + raw + QByteArray("\"]"));
    return doc.array().at(0).toString();
}

std::expected<QHash<QString, int>, TemplateJsonIndex::Failure> Scanner::run()
{
    // A UTF-8 byte order mark, as some Windows editors write, is not part of the JSON.
    if (m_json.startsWith("\xEF\xBB\xBF")) {
        m_pos = 3;
    }
    while (!m_failure) {
        skipWhiteSpace();
        if (atEnd()) {
            if (m_expect == Expect::Nothing) {
                return std::move(m_lines);
            }
            fail(m_stack.isEmpty() && m_values == 0
                     ? TemplateLibrary::tr("the file is empty")
                     : TemplateLibrary::tr("the file ends before every { and [ is closed"));
            break;
        }
        const unsigned char c = peek();
        switch (m_expect) {
        case Expect::Nothing:
            fail(TemplateLibrary::tr("text after the end of the template's object"));
            break;
        case Expect::Colon:
            if (c != ':') {
                fail(TemplateLibrary::tr("expected : after the key"));
                break;
            }
            ++m_pos;
            m_expect = Expect::Value;
            break;
        case Expect::KeyOrEnd:
        case Expect::Key: {
            if (c == '}' && m_expect == Expect::KeyOrEnd) {
                ++m_pos;
                m_stack.removeLast();
                endValue();
                break;
            }
            if (c != '"') {
                fail(m_expect == Expect::Key && c == '}'
                         ? TemplateLibrary::tr("a comma before } (remove the last comma)")
                         : TemplateLibrary::tr("expected a key in \"quotes\""));
                break;
            }
            QByteArray raw;
            if (!scanString(&raw)) {
                break;
            }
            Frame& top = m_stack.last();
            const QString key = decodeKey(raw);
            top.memberPath = TemplateJsonIndex::member(top.path, key);
            if (top.keys.contains(key)) {
                m_expect = Expect::Colon;
                fail(TemplateLibrary::tr("the key \"%1\" appears twice in this object").arg(key));
                break;
            }
            top.keys.insert(key);
            m_lines.insert(top.memberPath, m_line);
            m_expect = Expect::Colon;
            break;
        }
        case Expect::CommaOrEnd: {
            Frame& top = m_stack.last();
            if (c == ',') {
                ++m_pos;
                m_expect = top.object ? Expect::Key : Expect::Value;
            } else if (c == (top.object ? '}' : ']')) {
                ++m_pos;
                m_stack.removeLast();
                endValue();
            } else {
                fail(top.object ? TemplateLibrary::tr("expected , or } after the value")
                                : TemplateLibrary::tr("expected , or ] after the value"));
            }
            break;
        }
        case Expect::ValueOrEnd:
            if (c == ']') {
                ++m_pos;
                m_stack.removeLast();
                endValue();
                break;
            }
            [[fallthrough]];
        case Expect::Value: {
            if (m_expect == Expect::Value && c == ']' && !m_stack.isEmpty() && !m_stack.last().object) {
                fail(TemplateLibrary::tr("a comma before ] (remove the last comma)"));
                break;
            }
            QString path;
            if (!beginValue(path)) {
                break;
            }
            if (c == '{' || c == '[') {
                if (m_stack.size() >= m_maxDepth) {
                    fail(TemplateLibrary::tr("nested deeper than %1 levels").arg(m_maxDepth));
                    break;
                }
                ++m_pos;
                m_stack.append(Frame{c == '{', path, 0, {}, {}});
                m_expect = c == '{' ? Expect::KeyOrEnd : Expect::ValueOrEnd;
                break;
            }
            bool ok = false;
            if (c == '"') {
                ok = scanString(nullptr);
            } else if (c == '-' || (c >= '0' && c <= '9')) {
                ok = scanNumber();
            } else if (c == 't') {
                ok = scanLiteral("true");
            } else if (c == 'f') {
                ok = scanLiteral("false");
            } else if (c == 'n') {
                ok = scanLiteral("null");
            } else if (c >= 0x80) {
                if (scanUtf8Sequence()) {
                    fail(TemplateLibrary::tr("text outside \"quotes\" (only JSON values are allowed)"));
                }
            } else {
                fail(expectedValue());
            }
            if (ok) {
                endValue();
            }
            break;
        }
        }
    }
    return std::unexpected(*m_failure);
}

} // namespace

std::expected<TemplateJsonIndex, TemplateJsonIndex::Failure>
TemplateJsonIndex::scan(QByteArrayView json, int maxDepth, int maxValues)
{
    Scanner scanner(json, maxDepth, maxValues);
    auto lines = scanner.run();
    if (!lines) {
        return std::unexpected(lines.error());
    }
    TemplateJsonIndex index;
    index.m_lines = std::move(*lines);
    return index;
}

int TemplateJsonIndex::lineOf(const QString& path) const
{
    QString p = path;
    while (true) {
        if (const auto it = m_lines.constFind(p); it != m_lines.constEnd()) {
            return *it;
        }
        if (p.isEmpty()) {
            return 1;
        }
        const qsizetype cut = std::max(p.lastIndexOf(u'.'), p.lastIndexOf(u'['));
        p = cut < 0 ? QString() : p.left(cut);
    }
}

QString TemplateJsonIndex::member(const QString& parent, const QString& key)
{
    return parent.isEmpty() ? key : parent + u'.' + key;
}

QString TemplateJsonIndex::element(const QString& parent, qsizetype index)
{
    return parent + u'[' + QString::number(index) + u']';
}

} // namespace dokuei::reporting::detail
