#include "dokuei/reporting/StructuredReport.h"

#include "ExportSupport.h"

#include <cmath>
#include <optional>
#include <vector>

#include <QHash>
#include <QSet>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmsr/dsrdoc.h>

namespace dokuei::reporting {

using namespace exportsupport;

namespace {

OFString ofs(const QString& s)
{
    const QByteArray utf8 = s.toUtf8();
    return OFString(utf8.constData(), static_cast<size_t>(utf8.size()));
}

/// A code as DCMTK wants it: SH code value and scheme, LO meaning (64 characters).
std::optional<DSRCodedEntryValue> coded(const QString& code, const QString& scheme, const QString& meaning)
{
    const QString c = cleanLine(code, 16);
    const QString s = cleanLine(scheme, 16);
    QString m = cleanLine(meaning, 64);
    if (c.isEmpty() || s.isEmpty()) {
        return std::nullopt;
    }
    if (m.isEmpty()) {
        m = c;
    }
    DSRCodedEntryValue value;
    if (value.setCode(ofs(c), ofs(s), ofs(m), DSRTypes::CVT_auto, OFFalse).bad()) {
        return std::nullopt;
    }
    return value;
}

std::optional<DSRCodedEntryValue> coded(const CodedConcept& concept_, const QString& language)
{
    return coded(concept_.code, concept_.scheme, concept_.meaning.text(language));
}

DSRCodedEntryValue dcm(const char* code, const char* meaning)
{
    return DSRCodedEntryValue(code, "DCM", meaning);
}

/// A DS value (at most 16 characters) of a finite number.
std::optional<QString> decimalString(double value)
{
    if (!std::isfinite(value)) {
        return std::nullopt;
    }
    for (int precision = 12; precision >= 1; --precision) {
        QString s = QString::number(value, 'g', precision);
        if (s.size() <= 16) {
            return s;
        }
    }
    return std::nullopt;
}

/// The NUM concept of a measurement when the report has none: from its kind.
CodedConcept measurementConcept(const MeasurementReference& m)
{
    if (!m.conceptName.isEmpty()) {
        return m.conceptName;
    }
    if (m.kind == u"angle") {
        return {QStringLiteral("1483009"),
                QStringLiteral("SCT"),
                {QStringLiteral("角度"), QStringLiteral("Angle")}};
    }
    if (m.kind == u"roi") {
        return {QStringLiteral("373098007"),
                QStringLiteral("SCT"),
                {QStringLiteral("平均値"), QStringLiteral("Mean")}};
    }
    if (m.kind == u"probe") {
        return {QStringLiteral("112031"),
                QStringLiteral("DCM"),
                {QStringLiteral("減弱係数"), QStringLiteral("Attenuation Coefficient")}};
    }
    return {QStringLiteral("410668003"),
            QStringLiteral("SCT"),
            {QStringLiteral("長さ"), QStringLiteral("Length")}};
}

/// Storage classes whose instances have one frame: a frame number in a reference to them is invalid.
bool isSingleFrameClass(const QString& sopClass)
{
    static const QSet<QString> classes{
        QStringLiteral("1.2.840.10008.5.1.4.1.1.2"),     // CT Image
        QStringLiteral("1.2.840.10008.5.1.4.1.1.4"),     // MR Image
        QStringLiteral("1.2.840.10008.5.1.4.1.1.128"),   // PET Image
        QStringLiteral("1.2.840.10008.5.1.4.1.1.1"),     // CR Image
        QStringLiteral("1.2.840.10008.5.1.4.1.1.1.1"),   // DX Image for presentation
        QStringLiteral("1.2.840.10008.5.1.4.1.1.1.1.1"), // DX Image for processing
        QStringLiteral("1.2.840.10008.5.1.4.1.1.7"),     // Secondary Capture
    };
    return classes.contains(sopClass);
}

/// Adds content items in document order: `add` places the item as the first child of the open item or
/// after its previous sibling; `open` makes the item just added the parent of the next ones, `close` goes
/// back to its parent.
class TreeBuilder
{
public:
    TreeBuilder(DSRDocumentTree& tree, DSRSOPInstanceReferenceList& evidence, const QString& studyUid)
        : tree_(tree), evidence_(evidence), studyUid_(studyUid)
    {}

    QString problem; ///< the first failure

    bool ok() const { return problem.isEmpty(); }
    DSRContentItem& item() { return tree_.getCurrentContentItem(); }

    bool add(DSRTypes::E_RelationshipType relation, DSRTypes::E_ValueType type,
             const DSRCodedEntryValue* name, const char* what)
    {
        if (!ok()) {
            return false;
        }
        DSRTypes::E_AddMode mode = DSRTypes::AM_afterCurrent;
        if (!hasChild_.empty() && !hasChild_.back()) {
            mode = DSRTypes::AM_belowCurrent;
        }
        if (tree_.addContentItem(relation, type, mode) == 0) {
            problem = QString::fromLatin1(what);
            return false;
        }
        if (!hasChild_.empty()) {
            hasChild_.back() = true;
        }
        if (name != nullptr && item().setConceptName(*name, OFFalse).bad()) {
            problem = QString::fromLatin1(what);
            return false;
        }
        return true;
    }
    void open() { hasChild_.push_back(false); }
    void close()
    {
        if (hasChild_.empty()) {
            return;
        }
        const bool had = hasChild_.back();
        hasChild_.pop_back();
        if (had) {
            tree_.goUp();
        }
    }
    void check(const OFCondition& status, const char* what)
    {
        if (status.bad() && ok()) {
            problem =
                QStringLiteral("%1 (%2)").arg(QString::fromLatin1(what), QString::fromUtf8(status.text()));
        }
    }

    void text(const DSRCodedEntryValue& name, const QString& value, const char* what)
    {
        QString clean = cleanText(value);
        clean.replace(u'\t', u' '); // UT allows LF, FF, CR and ESC only
        if (clean.trimmed().isEmpty()) {
            return;
        }
        if (add(DSRTypes::RT_contains, DSRTypes::VT_Text, &name, what)) {
            check(item().setStringValue(ofs(clean), OFFalse), what);
        }
    }
    void image(DSRTypes::E_RelationshipType relation, const DSRCodedEntryValue& name,
               const ImageReference& ref, const char* what)
    {
        if (!isValidUid(ref.sopClassUid) || !isValidUid(ref.sopInstanceUid)) {
            if (ok()) {
                problem = QStringLiteral("%1: no valid SOP Class / SOP Instance UID")
                              .arg(QString::fromLatin1(what));
            }
            return;
        }
        if (!isValidUid(ref.seriesUid)) {
            if (ok()) {
                problem = QStringLiteral("%1: no valid Series Instance UID").arg(QString::fromLatin1(what));
            }
            return;
        }
        // Every referenced instance is evidence of the SR (PS3.3 C.17.2.3).
        check(evidence_.addItem(ofs(isValidUid(ref.studyUid) ? ref.studyUid : studyUid_), ofs(ref.seriesUid),
                                ofs(ref.sopClassUid), ofs(ref.sopInstanceUid), OFFalse),
              what);
        DSRImageReferenceValue value(ofs(ref.sopClassUid), ofs(ref.sopInstanceUid), OFFalse);
        if (ref.frame > 0 && !isSingleFrameClass(ref.sopClassUid)) {
            value.getFrameList().addItem(static_cast<Sint32>(ref.frame));
        }
        if (add(relation, DSRTypes::VT_Image, &name, what)) {
            check(item().setImageReference(value, OFFalse), what);
        }
    }
    void number(const DSRCodedEntryValue& name, double value, const QString& unit, const char* what)
    {
        const auto ds = decimalString(value);
        if (!ds) {
            if (ok()) {
                problem = QStringLiteral("%1: not a finite number").arg(QString::fromLatin1(what));
            }
            return;
        }
        const QString unitCode = cleanLine(unit, 16).isEmpty() ? QStringLiteral("1") : cleanLine(unit, 16);
        const auto unitValue = coded(unitCode, QStringLiteral("UCUM"), ucumMeaning(unitCode));
        if (!unitValue) {
            problem = QStringLiteral("%1: unit").arg(QString::fromLatin1(what));
            return;
        }
        DSRNumericMeasurementValue measured(ofs(*ds), *unitValue, OFFalse);
        measured.setFloatingPointRepresentation(value, OFFalse);
        if (add(DSRTypes::RT_contains, DSRTypes::VT_Num, &name, what)) {
            check(item().setNumericValue(measured, OFFalse), what);
        }
    }

private:
    DSRDocumentTree& tree_;
    DSRSOPInstanceReferenceList& evidence_;
    QString studyUid_;
    std::vector<bool> hasChild_;
};

QString personName(const QString& alphabetic, const QString& ideographic, const QString& phonetic)
{
    QStringList groups{cleanLine(alphabetic, 64), cleanLine(ideographic, 64), cleanLine(phonetic, 64)};
    for (auto& g : groups) {
        g.remove(u'=');
    }
    while (!groups.isEmpty() && groups.back().isEmpty()) {
        groups.removeLast();
    }
    return groups.join(u'=');
}

} // namespace

QString ucumMeaning(const QString& unit)
{
    static const QHash<QString, QString> meanings{
        {QStringLiteral("mm"), QStringLiteral("mm")},
        {QStringLiteral("cm"), QStringLiteral("cm")},
        {QStringLiteral("mm2"), QStringLiteral("mm2")},
        {QStringLiteral("cm2"), QStringLiteral("cm2")},
        {QStringLiteral("mm3"), QStringLiteral("mm3")},
        {QStringLiteral("cm3"), QStringLiteral("cm3")},
        {QStringLiteral("ml"), QStringLiteral("ml")},
        {QStringLiteral("deg"), QStringLiteral("deg")},
        {QStringLiteral("[hnsf'U]"), QStringLiteral("Hounsfield unit")},
        {QStringLiteral("%"), QStringLiteral("%")},
        {QStringLiteral("1"), QStringLiteral("no units")},
    };
    return meanings.value(unit, unit);
}

Expected<QByteArray> makeStructuredReport(const ReportDocument& report, const ReportTemplate& tmpl,
                                          const SrIdentity& identity)
{
    const auto& h = report.header;
    if (!isValidUid(h.studyUid)) {
        return fail(ErrorCode::InvalidArgument,
                    ReportExport::tr(
                        "The report's study has no valid Study Instance UID (\"%1\"): the SR cannot be made.")
                        .arg(cleanLine(h.studyUid, 80)));
    }
    if (!isValidUid(identity.seriesInstanceUid) || !isValidUid(identity.sopInstanceUid) ||
        identity.seriesInstanceUid == identity.sopInstanceUid) {
        return fail(ErrorCode::InvalidArgument,
                    ReportExport::tr("The SR needs a new series and instance UID."));
    }
    const QString& lang = report.language;
    const bool ja = lang != u"en";

    DSRDocument doc(DSRTypes::DT_EnhancedSR);
    QString headerProblem;
    auto put = [&](OFCondition status, const char* attribute) {
        if (status.bad() && headerProblem.isEmpty()) {
            headerProblem = QString::fromLatin1(attribute);
        }
    };
    put(doc.setSpecificCharacterSetType(DSRTypes::CS_UTF8), "Specific Character Set");
    put(doc.createNewSeriesInStudy(ofs(h.studyUid), OFTrue), "Study Instance UID");
    put(doc.setPatientName(
            ofs(personName(h.patientNameAlphabetic, h.patientNameIdeographic, h.patientNamePhonetic))),
        "Patient's Name");
    put(doc.setPatientID(ofs(cleanLine(h.patientId, 64))), "Patient ID");
    put(doc.setPatientBirthDate(ofs(cleanLine(h.patientBirthDate, 8))), "Patient's Birth Date");
    put(doc.setPatientSex(ofs(cleanLine(h.patientSex, 16))), "Patient's Sex");
    put(doc.setStudyDate(ofs(cleanLine(h.studyDate, 8))), "Study Date");
    put(doc.setStudyTime(ofs(cleanLine(h.studyTime, 16))), "Study Time");
    put(doc.setAccessionNumber(ofs(cleanLine(h.accessionNumber, 16))), "Accession Number");
    put(doc.setReferringPhysicianName(ofs(cleanLine(h.referringPhysician, 64))),
        "Referring Physician's Name");
    put(doc.setStudyID(ofs(cleanLine(h.studyId, 16))), "Study ID");
    put(doc.setStudyDescription(ofs(cleanLine(h.studyDescription, 64))), "Study Description");
    put(doc.setSeriesDescription(ofs(cleanLine(tmpl.title.text(lang), 64))), "Series Description");
    put(doc.setSeriesNumber(ofs(QString::number(identity.seriesNumber))), "Series Number");
    put(doc.setInstanceNumber(ofs(QString::number(identity.instanceNumber))), "Instance Number");
    put(doc.setManufacturer("dokuei"), "Manufacturer");
    const QDateTime contentTime =
        identity.contentDateTime.isValid() ? identity.contentDateTime : QDateTime::currentDateTime();
    put(doc.setContentDate(ofs(dicomDate(contentTime))), "Content Date");
    put(doc.setContentTime(ofs(dicomTime(contentTime))), "Content Time");
    put(doc.setPreliminaryFlag(report.state == ReportState::Final ? DSRTypes::PF_Final
                                                                  : DSRTypes::PF_Preliminary),
        "Preliminary Flag");
    if (!headerProblem.isEmpty()) {
        return fail(ErrorCode::InvalidArgument,
                    ReportExport::tr("The report's %1 is not a valid DICOM value: the SR cannot be made.")
                        .arg(headerProblem));
    }

    auto& tree = doc.getTree();
    TreeBuilder b(tree, doc.getCurrentRequestedProcedureEvidence(), h.studyUid);
    auto title = coded(tmpl.documentTitle, lang);
    if (!title) {
        title = DSRCodedEntryValue("18748-4", "LN", "Diagnostic Imaging Report");
    }
    b.add(DSRTypes::RT_isRoot, DSRTypes::VT_Container, &*title, "document title");
    b.open();
    // TID 1204 language of content, TID 1002 observer context.
    const auto languageName = dcm("121049", "Language of Content Item and Descendants");
    const auto languageCode =
        ja ? DSRCodedEntryValue("ja", "RFC5646", "Japanese") : DSRCodedEntryValue("en", "RFC5646", "English");
    if (b.add(DSRTypes::RT_hasConceptMod, DSRTypes::VT_Code, &languageName, "language")) {
        b.check(b.item().setCodeValue(languageCode, OFFalse), "language");
        b.open();
        const auto countryName = dcm("121046", "Country of Language");
        const auto country = ja ? DSRCodedEntryValue("JP", "ISO3166_1", "Japan")
                                : DSRCodedEntryValue("US", "ISO3166_1", "United States");
        if (b.add(DSRTypes::RT_hasConceptMod, DSRTypes::VT_Code, &countryName, "country of language")) {
            b.check(b.item().setCodeValue(country, OFFalse), "country of language");
        }
        b.close();
    }
    const auto observerType = dcm("121005", "Observer Type");
    if (b.add(DSRTypes::RT_hasObsContext, DSRTypes::VT_Code, &observerType, "observer type")) {
        b.check(b.item().setCodeValue(dcm("121006", "Person"), OFFalse), "observer type");
    }
    const QString author = cleanLine(report.author.personName, 200);
    if (!author.isEmpty()) {
        const auto name = dcm("121008", "Person Observer Name");
        if (b.add(DSRTypes::RT_hasObsContext, DSRTypes::VT_PName, &name, "observer name")) {
            b.check(b.item().setStringValue(ofs(author), OFFalse), "observer name");
        }
    } else {
        return fail(ErrorCode::InvalidArgument,
                    ReportExport::tr("The report has no author: the SR cannot be made."));
    }
    const QString organisation = cleanLine(report.author.organisation, 1000);
    if (!organisation.isEmpty()) {
        const auto name = dcm("121009", "Person Observer's Organization Name");
        if (b.add(DSRTypes::RT_hasObsContext, DSRTypes::VT_Text, &name, "observer organisation")) {
            b.check(b.item().setStringValue(ofs(organisation), OFFalse), "observer organisation");
        }
    }

    // Which section holds each measurement: the first that references it (fields, then text spans).
    QHash<QString, QString> measurementSection;
    for (const auto& content : report.sections) {
        for (const auto& f : content.fields) {
            for (const auto& id : f.referenceIds) {
                if (report.measurement(id) != nullptr && !measurementSection.contains(id)) {
                    measurementSection.insert(id, content.sectionId);
                }
            }
        }
        for (const auto& span : content.references) {
            if (report.measurement(span.referenceId) != nullptr &&
                !measurementSection.contains(span.referenceId)) {
                measurementSection.insert(span.referenceId, content.sectionId);
            }
        }
    }
    QSet<QString> templateSections;
    for (const auto& s : tmpl.sections) {
        templateSections.insert(s.id);
    }
    const auto sourceOfMeasurement = dcm("121112", "Source of Measurement");
    auto addMeasurement = [&](const MeasurementReference& m) {
        const auto name = coded(measurementConcept(m), lang);
        if (!name) {
            return;
        }
        b.number(*name, m.value, m.unit, "measurement");
        if (b.ok()) {
            b.open();
            b.image(DSRTypes::RT_inferredFrom, sourceOfMeasurement, m.image, "measurement image");
            b.close();
        }
    };
    auto measurementsOf = [&](const QString& sectionId) {
        QList<const MeasurementReference*> out;
        for (const auto& m : report.measurements) {
            if (measurementSection.value(m.id) == sectionId) {
                out << &m;
            }
        }
        return out;
    };
    const auto finding = dcm("121071", "Finding");

    for (const auto& section : tmpl.sections) {
        const auto* content = report.section(section.id);
        if (content == nullptr) {
            continue;
        }
        bool hasField = false;
        for (const auto& f : content->fields) {
            hasField = hasField || !f.isEmpty();
        }
        const auto measurements = measurementsOf(section.id);
        if (content->text.trimmed().isEmpty() && !hasField && measurements.isEmpty()) {
            continue;
        }
        auto name = coded(section.conceptName, lang);
        if (!name) {
            name = coded(QStringLiteral("121070"), QStringLiteral("DCM"), section.title.text(lang));
        }
        if (!b.add(DSRTypes::RT_contains, DSRTypes::VT_Container, &*name, "section")) {
            break;
        }
        b.open();
        for (const auto& field : section.fields) {
            for (const auto& value : content->fields) {
                if (value.fieldId != field.id || value.isEmpty()) {
                    continue;
                }
                const auto fieldName = coded(field.conceptName, lang).value_or(finding);
                switch (field.type) {
                case FieldType::Text:
                    b.text(fieldName, value.text, "text field");
                    break;
                case FieldType::Choice:
                    for (const auto& option : field.choices) {
                        if (option.conceptName.code == value.choiceCode) {
                            if (const auto code = coded(option.conceptName, lang);
                                code &&
                                b.add(DSRTypes::RT_contains, DSRTypes::VT_Code, &fieldName, "choice field")) {
                                b.check(b.item().setCodeValue(*code, OFFalse), "choice field");
                            }
                        }
                    }
                    break;
                case FieldType::Number:
                    if (value.number) {
                        b.number(fieldName, *value.number, field.unit, "number field");
                    }
                    break;
                case FieldType::Measurement:
                case FieldType::KeyImage:
                    break; // the measurements below; key images in their own container
                }
            }
        }
        b.text(finding, content->text, "section text");
        for (const auto* m : measurements) {
            addMeasurement(*m);
        }
        b.close();
    }
    // Measurements no section references, and the ones only the impression/recommendation reference.
    QList<const MeasurementReference*> loose;
    for (const auto& m : report.measurements) {
        if (!templateSections.contains(measurementSection.value(m.id))) {
            loose << &m;
        }
    }
    const auto findings = dcm("121070", "Findings");
    if (!loose.isEmpty() && b.add(DSRTypes::RT_contains, DSRTypes::VT_Container, &findings, "measurements")) {
        b.open();
        for (const auto* m : loose) {
            addMeasurement(*m);
        }
        b.close();
    }
    auto addClosing = [&](const char* id, const DSRCodedEntryValue& container,
                          const DSRCodedEntryValue& entry) {
        const auto* content = report.section(QString::fromLatin1(id));
        if (content == nullptr || content->text.trimmed().isEmpty()) {
            return;
        }
        if (b.add(DSRTypes::RT_contains, DSRTypes::VT_Container, &container, id)) {
            b.open();
            b.text(entry, content->text, id);
            b.close();
        }
    };
    addClosing(kImpressionId, dcm("121072", "Impressions"), dcm("121073", "Impression"));
    addClosing(kRecommendationId, dcm("121074", "Recommendations"), dcm("121075", "Recommendation"));
    if (!report.keyImages.isEmpty()) {
        const auto keyImages = dcm("121180", "Key Images");
        if (b.add(DSRTypes::RT_contains, DSRTypes::VT_Container, &keyImages, "key images")) {
            b.open();
            const auto best = dcm("121080", "Best illustration of finding");
            const auto description = dcm("113012", "Key Object Description");
            for (const auto& k : report.keyImages) {
                b.image(DSRTypes::RT_contains, best, k.image, "key image");
                QString caption = k.text.isEmpty() ? k.id : k.text;
                if (!k.description.isEmpty()) {
                    caption += QStringLiteral(": ") + k.description;
                }
                b.text(description, caption, "key image description");
            }
            b.close();
        }
    }
    b.close();
    if (!b.ok()) {
        return fail(ErrorCode::InvalidArgument,
                    ReportExport::tr("The report's %1 cannot be written into the SR.").arg(b.problem));
    }
    tree.gotoRoot();
    if (tree.getCurrentContentItem().setTemplateIdentification("2000", "DCMR").bad()) {
        return fail(ErrorCode::InvalidArgument,
                    ReportExport::tr("The SR's template identification was refused."));
    }
    if (report.state == ReportState::Final) {
        doc.completeDocument();
    }
    DcmFileFormat file;
    DcmDataset& dataset = *file.getDataset();
    if (const OFCondition status = doc.write(dataset); status.bad()) {
        return fail(ErrorCode::InvalidArgument,
                    ReportExport::tr("DCMTK refused the SR: %1").arg(QString::fromUtf8(status.text())));
    }
    // The identity's own series and instance (DSRDocument generated its own).
    dataset.putAndInsertString(DCM_SeriesInstanceUID, identity.seriesInstanceUid.toLatin1().constData());
    dataset.putAndInsertString(DCM_SOPInstanceUID, identity.sopInstanceUid.toLatin1().constData());
    return writePart10(file);
}

} // namespace dokuei::reporting
