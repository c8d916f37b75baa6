#pragma once

#include "dokuei/common/Error.h"
#include "dokuei/reporting/ReportTemplate.h"

#include <optional>

#include <QByteArray>
#include <QByteArrayView>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

namespace dokuei::reporting {

/// Where a reference points: one image of a series of the study being read, and how it was seen.
struct ImageReference
{
    QString studyUid;
    QString seriesUid;
    QString sopInstanceUid;
    QString sopClassUid;
    int frame = 0; ///< 1-based frame of a multi-frame instance; 0 for single-frame instances
    int seriesNumber = 0;
    int instanceNumber = 0;
    double windowCenter = 0.0;
    double windowWidth = 0.0;
    bool operator==(const ImageReference&) const = default;
};

/// A measurement taken in the viewer, as the report keeps it.
struct MeasurementReference
{
    QString id; ///< unique in the report ("M1"); the viewer's measurement id is `viewerId`
    int viewerId = 0;
    QString kind;  ///< "length", "angle", "roi", "probe"
    QString label; ///< the viewer's label ("L1")
    double value = 0.0;
    /// UCUM unit: "mm", "deg", "[hnsf'U]" (HU), "mm2"
    QString unit;
    /// The concept name of the NUM in the SR (e.g. 410668003 SCT "Length"); filled by the report from
    /// `kind` when empty.
    CodedConcept conceptName;
    ImageReference image;
    /// Text as inserted into the report: "12.3 mm, Se 3 Im 45".
    QString text;
    bool operator==(const MeasurementReference&) const = default;
};

/// An image the radiologist marked as key, as seen: window and the measurements drawn on it.
struct KeyImageReference
{
    QString id; ///< unique in the report ("K1")
    ImageReference image;
    QStringList measurementIds; ///< MeasurementReference ids shown on it
    QString description;        ///< optional note
    /// The image as it was seen (PNG, window applied, annotations drawn); patient data: wiped at lock.
    QByteArray renderedPng;
    QString text; ///< text as inserted: "Key image K1, Se 3 Im 45"
    bool operator==(const KeyImageReference&) const = default;
};

/// A span of a text that is a reference (rendered as a link in the editor).
struct ReferenceSpan
{
    qsizetype start = 0;
    qsizetype length = 0;
    QString referenceId; ///< a MeasurementReference or KeyImageReference id
    bool operator==(const ReferenceSpan&) const = default;
};

/// The value of one structured field of a section.
struct FieldValue
{
    QString fieldId;
    QString text;                 ///< Text
    QString choiceCode;           ///< Choice: the chosen option's code
    std::optional<double> number; ///< Number
    QStringList referenceIds;     ///< Measurement / KeyImage
    bool isEmpty() const
    {
        return text.trimmed().isEmpty() && choiceCode.isEmpty() && !number && referenceIds.isEmpty();
    }
    bool operator==(const FieldValue&) const = default;
};

/// The free text of a section (or of the impression / recommendation) and its structured values.
struct SectionContent
{
    QString sectionId; ///< a template section id, or kImpressionId / kRecommendationId
    QString text;
    QList<ReferenceSpan> references;
    QList<FieldValue> fields;
    bool operator==(const SectionContent&) const = default;
};

inline constexpr auto kImpressionId = "impression";
inline constexpr auto kRecommendationId = "recommendation";

enum class ReportState
{
    Draft,
    Preliminary, ///< written, for verification by a supervising radiologist
    Final,       ///< complete; read-only (signed and sent in Step 6)
};
QString reportStateName(ReportState state); ///< "draft", "preliminary", "final"
std::optional<ReportState> reportStateFromName(QStringView name);

/// What the report says about the study and patient (copied from the reading centre's study record).
struct ReportHeader
{
    QString patientNameAlphabetic;  ///< "YAMADA^TARO"
    QString patientNameIdeographic; ///< "山田^太郎"
    QString patientNamePhonetic;    ///< "ヤマダ^タロウ"
    QString patientId;
    QString patientBirthDate; ///< DICOM DA, may be empty
    QString patientSex;       ///< M, F, O or empty
    QString studyUid;
    QString studyId;
    QString studyDate; ///< DA
    QString studyTime; ///< TM
    QString studyDescription;
    QString accessionNumber;
    QString modality; ///< "CT"
    QString bodyPart;
    QString requestingFacility; ///< the institution that asked for the reading
    QString referringPhysician;
    QString clinicalQuestion; ///< the order's question, when the study has one
    bool operator==(const ReportHeader&) const = default;
};

/// Who wrote it.
struct ReportObserver
{
    QString userId;
    QString personName;   ///< DICOM PN
    QString organisation; ///< the reading centre
    QString role;
    bool operator==(const ReportObserver&) const = default;
};

/// A series of the study that was not opened, and why (asked by the completeness check).
struct UnopenedSeriesReason
{
    QString seriesUid;
    QString reason;
    bool operator==(const UnopenedSeriesReason&) const = default;
};

/// One findings report. Values only: the editor edits it, drafts store it (toJson / fromJson), the
/// exports read it.
struct ReportDocument
{
    QString reportId; ///< a UUID, stable across drafts
    QString templateId;
    QString templateVersion;
    QString language = QStringLiteral("ja"); ///< "ja" or "en": the report's language
    ReportHeader header;
    ReportObserver author;
    ReportState state = ReportState::Draft;
    QDateTime created;              ///< UTC
    QDateTime modified;             ///< UTC
    QList<SectionContent> sections; ///< template sections, then impression and recommendation
    QList<MeasurementReference> measurements;
    QList<KeyImageReference> keyImages;
    QStringList openedSeriesUids;
    QList<UnopenedSeriesReason> unopenedSeries;
    /// The completeness check was overridden for the final report, with this reason (audited).
    QString completenessOverride;

    SectionContent* section(const QString& sectionId);
    const SectionContent* section(const QString& sectionId) const;
    const MeasurementReference* measurement(const QString& id) const;
    const KeyImageReference* keyImage(const QString& id) const;
    bool operator==(const ReportDocument&) const = default;
};

/// A new report for `tmpl`: a new UUID, one SectionContent per template section (empty texts), then the
/// impression and the recommendation.
ReportDocument newReport(const ReportTemplate& tmpl, const ReportHeader& header, const ReportObserver& author,
                         const QString& language);

/// The draft form: UTF-8 JSON with a format version. fromJson refuses anything that is not a report of a
/// known version (bad JSON, wrong types, spans outside their text, unknown state, oversize input) with
/// InvalidArgument naming the field; it never crashes on hostile input.
QByteArray toJson(const ReportDocument& report);
Expected<ReportDocument> fromJson(QByteArrayView json);

/// One block of the report's text, in reading order, with what it is (the PDF styles and places blocks by
/// kind; the plain text joins them with line breaks).
struct ReportTextBlock
{
    enum class Kind
    {
        Title,        ///< the template's title
        HeaderLine,   ///< patient, study, requesting facility, clinical question
        SectionTitle, ///< a template section, the impression, the recommendation, measurements, key images
        FieldLine,    ///< "label: value unit"
        Text,         ///< a section's free text (may hold line breaks)
        Measurement,  ///< one measurement: "L1: 12.3 mm, Se 3 Im 45"
        KeyImage,     ///< the caption of one key image (`referenceId` names it; the PDF draws it above)
        Reader,       ///< who wrote it and when
    };
    Kind kind = Kind::Text;
    QString text;
    QString referenceId; ///< KeyImage: the KeyImageReference id
    bool operator==(const ReportTextBlock&) const = default;
};
QList<ReportTextBlock> reportTextBlocks(const ReportDocument& report, const ReportTemplate& tmpl);

/// The report's text as a reader sees it, in the report's language: title, header lines, each section
/// title and text (its fields as "label: value unit"), impression, recommendation, the measurements, the
/// key images' captions and the reader with the date (local time): reportTextBlocks joined by line breaks.
/// The PDF's body gives back exactly this (after Unicode NFC and whitespace normalisation: see
/// ReportPdf.h).
QString reportPlainText(const ReportDocument& report, const ReportTemplate& tmpl);

} // namespace dokuei::reporting
