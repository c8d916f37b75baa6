#pragma once

#include "dokuei/reporting/LocalizedText.h"

#include <optional>

#include <QList>
#include <QString>
#include <QStringList>

namespace dokuei::reporting {

/// The kinds of structured field a template section may hold (besides its free text).
enum class FieldType
{
    Text,        ///< free text (one line or a paragraph)
    Choice,      ///< one coded choice out of a list
    Number,      ///< a number with a UCUM unit
    Measurement, ///< a reference to one of the viewer's measurements
    KeyImage,    ///< a reference to a key image
};

/// One option of a Choice field; `advice` is an optional text shown with it (a screening judgement's
/// follow-up advice, for example).
struct ChoiceOption
{
    CodedConcept conceptName;
    LocalizedText advice;
    bool operator==(const ChoiceOption&) const = default;
};

struct TemplateField
{
    QString id; ///< unique in the template
    FieldType type = FieldType::Text;
    LocalizedText label;
    /// The concept name of the field in the SR (a LOINC/SNOMED/RadLex code where one exists).
    CodedConcept conceptName;
    bool required = false;
    QString unit;                  ///< Number: UCUM unit code ("mm", "[hnsf'U]", "cm3")
    std::optional<double> minimum; ///< Number: allowed range, when given
    std::optional<double> maximum;
    QList<ChoiceOption> choices; ///< Choice: the options
    bool operator==(const TemplateField&) const = default;
};

struct TemplateSection
{
    QString id; ///< unique in the template
    LocalizedText title;
    /// The section's container concept in the SR (TID 2000: "Findings" 121070 DCM, or a body-part code).
    CodedConcept conceptName;
    /// The text for "normal" (inserted with one action, and the section's default when empty).
    LocalizedText normalText;
    bool required = false; ///< the section's free text must not be empty for a final report
    QList<TemplateField> fields;
    bool operator==(const TemplateSection&) const = default;
};

/// A report template (format: resources/templates/README.md). Every report also has an impression and a
/// recommendation, which are not sections of the template.
struct ReportTemplate
{
    QString id;      ///< unique among the loaded templates
    QString version; ///< the template's own version ("1.0")
    LocalizedText title;
    /// The SR's document title (TID 2000 concept name), e.g. (18747-6, LN, "CT Report").
    CodedConcept documentTitle;
    /// Selection: the template fits a study when one of its modalities matches, and scores higher per
    /// matching body part and description keyword (case-insensitive substring of the study description).
    QStringList modalities;
    QStringList bodyParts;
    QStringList descriptionKeywords;
    /// A generic template is the fallback for its modalities.
    bool generic = false;
    QList<TemplateSection> sections;
    QString sourceFile; ///< the file it was loaded from

    const TemplateSection* section(const QString& sectionId) const
    {
        for (const auto& s : sections) {
            if (s.id == sectionId) {
                return &s;
            }
        }
        return nullptr;
    }
    const TemplateField* field(const QString& fieldId) const
    {
        for (const auto& s : sections) {
            for (const auto& f : s.fields) {
                if (f.id == fieldId) {
                    return &f;
                }
            }
        }
        return nullptr;
    }
};

} // namespace dokuei::reporting
