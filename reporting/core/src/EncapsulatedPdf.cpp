// The Encapsulated PDF IOD (PS3.3 A.45.1) built by hand: DCMTK's pdf2dcm writes Specific Character Set
// ISO_IR 100 and copies only the patient and the Study Instance UID.
#include "ExportSupport.h"
#include "dokuei/reporting/ReportPdf.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcuid.h>

namespace dokuei::reporting {

using namespace exportsupport;

namespace {

constexpr qsizetype kMaxPdfBytes = qsizetype(1) << 31;

QByteArray utf8(const QString& s)
{
    return s.toUtf8();
}

} // namespace

Expected<QByteArray> makeEncapsulatedPdf(const QByteArray& pdf, const ReportDocument& report,
                                         const ReportTemplate& tmpl, const SrIdentity& identity)
{
    if (!pdf.startsWith("%PDF-")) {
        return fail(ErrorCode::InvalidArgument,
                    ReportExport::tr("The document to encapsulate is not a PDF."));
    }
    if (pdf.size() >= kMaxPdfBytes) {
        return fail(ErrorCode::InvalidArgument,
                    ReportExport::tr("The PDF is too large for a DICOM Encapsulated PDF."));
    }
    const auto& h = report.header;
    if (!isValidUid(h.studyUid)) {
        return fail(
            ErrorCode::InvalidArgument,
            ReportExport::tr(
                "The report's study has no valid Study Instance UID (\"%1\"): the Encapsulated PDF cannot "
                "be made.")
                .arg(cleanLine(h.studyUid, 80)));
    }
    if (!isValidUid(identity.seriesInstanceUid) || !isValidUid(identity.sopInstanceUid) ||
        identity.seriesInstanceUid == identity.sopInstanceUid) {
        return fail(ErrorCode::InvalidArgument,
                    ReportExport::tr("The Encapsulated PDF needs a new series and instance UID."));
    }
    const QString& lang = report.language;
    const bool ja = lang != u"en";
    const QDateTime content =
        identity.contentDateTime.isValid() ? identity.contentDateTime : QDateTime::currentDateTime();
    const QDateTime now = QDateTime::currentDateTime();

    DcmFileFormat file;
    DcmDataset& d = *file.getDataset();
    QString problem;
    auto put = [&](const DcmTagKey& tag, const QString& value, const char* attribute) {
        if (d.putAndInsertString(tag, utf8(value).constData()).bad() && problem.isEmpty()) {
            problem = QString::fromLatin1(attribute);
        }
    };
    // SOP Common
    put(DCM_SpecificCharacterSet, QStringLiteral("ISO_IR 192"), "Specific Character Set");
    put(DCM_SOPClassUID, QString::fromLatin1(UID_EncapsulatedPDFStorage), "SOP Class UID");
    put(DCM_SOPInstanceUID, identity.sopInstanceUid, "SOP Instance UID");
    put(DCM_InstanceCreationDate, dicomDate(now), "Instance Creation Date");
    put(DCM_InstanceCreationTime, dicomTime(now), "Instance Creation Time");
    // Patient
    QStringList groups{cleanLine(h.patientNameAlphabetic, 64), cleanLine(h.patientNameIdeographic, 64),
                       cleanLine(h.patientNamePhonetic, 64)};
    for (auto& g : groups) {
        g.remove(u'=');
    }
    while (!groups.isEmpty() && groups.back().isEmpty()) {
        groups.removeLast();
    }
    put(DCM_PatientName, groups.join(u'='), "Patient's Name");
    put(DCM_PatientID, cleanLine(h.patientId, 64), "Patient ID");
    put(DCM_PatientBirthDate, cleanLine(h.patientBirthDate, 8), "Patient's Birth Date");
    put(DCM_PatientSex, cleanLine(h.patientSex, 16), "Patient's Sex");
    // General Study
    put(DCM_StudyInstanceUID, h.studyUid, "Study Instance UID");
    put(DCM_StudyDate, cleanLine(h.studyDate, 8), "Study Date");
    put(DCM_StudyTime, cleanLine(h.studyTime, 16), "Study Time");
    put(DCM_ReferringPhysicianName, cleanLine(h.referringPhysician, 64), "Referring Physician's Name");
    put(DCM_StudyID, cleanLine(h.studyId, 16), "Study ID");
    put(DCM_AccessionNumber, cleanLine(h.accessionNumber, 16), "Accession Number");
    put(DCM_StudyDescription, cleanLine(h.studyDescription, 64), "Study Description");
    // Encapsulated Document Series
    put(DCM_Modality, QStringLiteral("DOC"), "Modality");
    put(DCM_SeriesInstanceUID, identity.seriesInstanceUid, "Series Instance UID");
    put(DCM_SeriesNumber, QString::number(identity.seriesNumber), "Series Number");
    put(DCM_SeriesDescription, cleanLine(tmpl.title.text(lang), 64), "Series Description");
    // General Equipment, SC Equipment
    put(DCM_Manufacturer, QStringLiteral("dokuei"), "Manufacturer");
    put(DCM_ConversionType, QStringLiteral("WSD"), "Conversion Type");
    // Encapsulated Document
    put(DCM_InstanceNumber, QString::number(identity.instanceNumber), "Instance Number");
    put(DCM_ContentDate, dicomDate(content), "Content Date");
    put(DCM_ContentTime, dicomTime(content), "Content Time");
    put(DCM_AcquisitionDateTime, content.toLocalTime().toString(QStringLiteral("yyyyMMddHHmmss")),
        "Acquisition DateTime");
    put(DCM_BurnedInAnnotation, QStringLiteral("YES"), "Burned In Annotation");
    QString title = cleanLine(tmpl.title.text(lang), 1000);
    if (title.isEmpty()) {
        title = ja ? QStringLiteral("読影レポート") : QStringLiteral("Imaging report");
    }
    put(DCM_DocumentTitle, title, "Document Title");
    CodedConcept concept_ = tmpl.documentTitle;
    if (concept_.isEmpty()) {
        concept_ = {QStringLiteral("18748-4"),
                    QStringLiteral("LN"),
                    {QStringLiteral("画像診断レポート"), QStringLiteral("Diagnostic Imaging Report")}};
    }
    DcmItem* code = nullptr;
    if (d.findOrCreateSequenceItem(DCM_ConceptNameCodeSequence, code, -2).good() && code != nullptr) {
        code->putAndInsertString(DCM_CodeValue, utf8(cleanLine(concept_.code, 16)).constData());
        code->putAndInsertString(DCM_CodingSchemeDesignator,
                                 utf8(cleanLine(concept_.scheme, 16)).constData());
        code->putAndInsertString(DCM_CodeMeaning,
                                 utf8(cleanLine(concept_.meaning.text(lang), 64)).constData());
    } else if (problem.isEmpty()) {
        problem = QStringLiteral("Concept Name Code Sequence");
    }
    put(DCM_MIMETypeOfEncapsulatedDocument, QStringLiteral("application/pdf"),
        "MIME Type of Encapsulated Document");
    // The document, padded with one NUL to even length (PS3.3 C.24.2.1); its length before the padding.
    QByteArray bytes = pdf;
    if (bytes.size() % 2 != 0) {
        bytes.append('\0');
    }
    if (d.putAndInsertUint8Array(DCM_EncapsulatedDocument, reinterpret_cast<const Uint8*>(bytes.constData()),
                                 static_cast<unsigned long>(bytes.size()))
            .bad() &&
        problem.isEmpty()) {
        problem = QStringLiteral("Encapsulated Document");
    }
    if (d.putAndInsertUint32(DCM_EncapsulatedDocumentLength, static_cast<Uint32>(pdf.size())).bad() &&
        problem.isEmpty()) {
        problem = QStringLiteral("Encapsulated Document Length");
    }
    if (!problem.isEmpty()) {
        return fail(ErrorCode::InvalidArgument,
                    ReportExport::tr(
                        "The report's %1 is not a valid DICOM value: the Encapsulated PDF cannot be made.")
                        .arg(problem));
    }
    return writePart10(file);
}

Expected<QByteArray> makeEncapsulatedPdf(const QByteArray& pdf, const ReportDocument& report,
                                         const SrIdentity& identity)
{
    ReportTemplate generic;
    generic.title = {QStringLiteral("読影レポート"), QStringLiteral("Imaging report")};
    return makeEncapsulatedPdf(pdf, report, generic, identity);
}

} // namespace dokuei::reporting
