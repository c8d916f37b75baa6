#pragma once

#include <expected>

#include <QByteArrayView>
#include <QHash>
#include <QString>

namespace dokuei::reporting::detail {

/// Where each value of a JSON text is. QJsonDocument gives a byte offset for syntax errors only and no
/// position at all for values, so template problems could not name their line without this: a strict,
/// non-recursive scan of the bytes (RFC 8259 grammar, UTF-8 checked in strings) that records the line of
/// every value by its JSON path ("sections[2].fields[0].type"; object members at the line of their key,
/// array elements at the line where they start, the root as ""). It also refuses what QJsonDocument
/// would accept silently or dangerously: duplicate keys, nesting deeper than `maxDepth`, more than
/// `maxValues` values.
class TemplateJsonIndex
{
public:
    struct Failure
    {
        int line = 0;
        QString path; ///< the value being read when the scan stopped
        QString message;
    };

    static std::expected<TemplateJsonIndex, Failure> scan(QByteArrayView json, int maxDepth, int maxValues);

    /// The line of `path`, or of its nearest recorded ancestor (a missing member is reported at the line
    /// of the object that lacks it); 1 when nothing matches.
    int lineOf(const QString& path) const;

    /// "a.b" / "a[3]" as the index writes them.
    static QString member(const QString& parent, const QString& key);
    static QString element(const QString& parent, qsizetype index);

private:
    QHash<QString, int> m_lines;
};

} // namespace dokuei::reporting::detail
