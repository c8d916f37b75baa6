#include "dokuei/reporting/PriorReport.h"

#include "dokuei/security/SecureBuffer.h"

#include <QCoreApplication>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcistrmb.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmsr/dsrdoc.h>

namespace dokuei::reporting {
namespace {

constexpr qsizetype kMaxBytes = qsizetype(16) * 1024 * 1024;
constexpr int kMaxDepth = 32;
constexpr qsizetype kMaxText = 64 * 1024;

QString tr(const char* text)
{
    return QCoreApplication::translate("dokuei::reporting::PriorReport", text);
}

QString fromOf(const OFString& s)
{
    return QString::fromUtf8(s.c_str(), static_cast<qsizetype>(s.length()));
}

QString valueOf(const DSRContentItem& item)
{
    switch (item.getValueType()) {
    case DSRTypes::VT_Text:
    case DSRTypes::VT_PName:
    case DSRTypes::VT_Date:
    case DSRTypes::VT_Time:
    case DSRTypes::VT_DateTime:
    case DSRTypes::VT_UIDRef:
        return fromOf(item.getStringValue());
    case DSRTypes::VT_Code:
        return fromOf(item.getCodeValue().getCodeMeaning());
    case DSRTypes::VT_Num: {
        const DSRNumericMeasurementValue& num = item.getNumericValue();
        const QString unit = fromOf(num.getMeasurementUnit().getCodeValue());
        return (fromOf(num.getNumericValue()) + QLatin1Char(' ') + unit).trimmed();
    }
    case DSRTypes::VT_Image:
        return tr("image %1").arg(fromOf(item.getImageReference().getSOPInstanceUID()));
    default:
        return {};
    }
}

/// Appends the subtree at the tree's cursor. Containers are headings; observation context (who wrote it,
/// the language) is left out of the text.
void appendTree(DSRDocumentTree& tree, int depth, QString& out, bool& cut)
{
    if (out.size() > kMaxText || depth > kMaxDepth) {
        cut = true;
        return;
    }
    const DSRContentItem& item = tree.getCurrentContentItem();
    const DSRTypes::E_RelationshipType relation = item.getRelationshipType();
    if (relation == DSRTypes::RT_hasObsContext || relation == DSRTypes::RT_hasConceptMod) {
        return;
    }
    const QString name = fromOf(item.getConceptName().getCodeMeaning());
    if (item.getValueType() == DSRTypes::VT_Container) {
        if (depth > 0 && !name.isEmpty()) {
            if (!out.isEmpty()) {
                out += QLatin1Char('\n');
            }
            out += QStringLiteral("■ ") + name + QLatin1Char('\n');
        }
    } else {
        const QString value = valueOf(item);
        const bool freeText = item.getValueType() == DSRTypes::VT_Text &&
                              (item.getConceptName().getCodeValue() == "121071" || // Finding
                               item.getConceptName().getCodeValue() == "121073" || // Impression
                               item.getConceptName().getCodeValue() == "121075");  // Recommendation
        if (!value.isEmpty()) {
            out += (freeText || name.isEmpty() ? value : name + QStringLiteral(": ") + value) +
                   QLatin1Char('\n');
        }
    }
    if (tree.goDown() > 0) {
        do {
            appendTree(tree, depth + 1, out, cut);
        } while (!cut && tree.gotoNext() > 0);
        tree.goUp();
    }
}

} // namespace

Expected<PriorReport> readPriorReport(const QByteArray& part10)
{
    if (part10.size() > kMaxBytes) {
        return fail(ErrorCode::InvalidArgument, tr("The earlier report is larger than 16 MiB."));
    }
    DcmInputBufferStream stream;
    stream.setBuffer(part10.constData(), static_cast<offile_off_t>(part10.size()));
    stream.setEos();
    DcmFileFormat file;
    file.transferInit();
    const OFCondition read = file.read(stream, EXS_Unknown, EGL_noChange, DCM_MaxReadLength);
    file.transferEnd();
    if (read.bad()) {
        return fail(ErrorCode::InvalidArgument, tr("The earlier report is not a readable DICOM object: %1")
                                                    .arg(QString::fromLatin1(read.text())));
    }
    DcmDataset& dataset = *file.getDataset();
    OFString modality;
    dataset.findAndGetOFString(DCM_Modality, modality);
    if (modality != "SR") {
        return fail(ErrorCode::InvalidArgument,
                    tr("The earlier report is not a structured report (modality %1).")
                        .arg(QString::fromLatin1(modality.c_str())));
    }
    DSRDocument document;
    const OFCondition parsed = document.read(dataset);
    if (parsed.bad()) {
        return fail(
            ErrorCode::InvalidArgument,
            tr("The earlier report's content cannot be read: %1").arg(QString::fromLatin1(parsed.text())));
    }
    PriorReport report;
    OFString value;
    if (document.getStudyDate(value).good()) {
        report.studyDate = fromOf(value);
    }
    if (document.getContentDate(value).good()) {
        report.contentDate = fromOf(value);
    }
    report.final = document.getCompletionFlag() == DSRTypes::CF_Complete;
    DSRDocumentTree& tree = document.getTree();
    if (tree.gotoRoot() == 0) {
        return fail(ErrorCode::InvalidArgument, tr("The earlier report has no content."));
    }
    report.title = fromOf(tree.getCurrentContentItem().getConceptName().getCodeMeaning());
    // The person observer (TID 1002) of the root's observation context.
    if (tree.goDown() > 0) {
        do {
            const DSRContentItem& item = tree.getCurrentContentItem();
            if (item.getValueType() == DSRTypes::VT_PName &&
                item.getConceptName().getCodeValue() == "121008") {
                report.observer = fromOf(item.getStringValue());
            }
        } while (tree.gotoNext() > 0);
        tree.gotoRoot();
    }
    bool cut = false;
    appendTree(tree, 0, report.text, cut);
    if (cut) {
        report.text += tr("(The earlier report is longer; the rest is not shown.)");
    }
    report.text = report.text.trimmed();
    return report;
}

void erasePriorReport(PriorReport& report)
{
    for (QString* s :
         {&report.title, &report.studyDate, &report.contentDate, &report.observer, &report.text}) {
        security::secureErase(*s);
    }
}

} // namespace dokuei::reporting
