#pragma once

#include <QString>
#include <QStringView>

namespace dokuei::reporting {

/// A text in the two languages dokuei ships (Japanese and English). Templates must give both.
struct LocalizedText
{
    QString ja;
    QString en;

    /// The text in `language` ("ja" or "en"); the other language when that one is empty.
    QString text(QStringView language) const
    {
        if (language.startsWith(u"ja")) {
            return ja.isEmpty() ? en : ja;
        }
        return en.isEmpty() ? ja : en;
    }
    bool isComplete() const { return !ja.trimmed().isEmpty() && !en.trimmed().isEmpty(); }
    bool operator==(const LocalizedText&) const = default;
};

/// A coded concept as DICOM writes it (PS3.3 Table 8.8-1): Code Value, Coding Scheme Designator ("DCM",
/// "LN" for LOINC, "SCT" for SNOMED CT, "RADLEX", "99DOKUEI" for our private codes) and the meaning in both
/// languages (the SR carries the meaning of the report's language).
struct CodedConcept
{
    QString code;
    QString scheme;
    LocalizedText meaning;

    bool isEmpty() const { return code.isEmpty(); }
    bool operator==(const CodedConcept&) const = default;
};

} // namespace dokuei::reporting
