// The report's outputs checked by real validators: dciodvfy (0 errors) on the SR and the Encapsulated PDF,
// the SR read back (DCMTK's DSRDocument and dsrdump) against the report model, pdftotext / pdffonts / pdfinfo
// on the PDF, hostile report content. Files only in a QTemporaryDir (phantom data).
#include "ReportFixture.h"
#include "dokuei/reporting/ReportPdf.h"
#include "dokuei/reporting/StructuredReport.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmsr/dsrdoc.h>
#include <gtest/gtest.h>

using namespace dokuei;
using namespace dokuei::reporting;

namespace {

struct Run
{
    int exitCode = -1;
    QString output; ///< stdout and stderr
};

Run run(const QString& program, const QStringList& args)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, args);
    Run r;
    if (!p.waitForStarted(10000)) {
        r.output = QStringLiteral("%1 did not start (scripts/setup installs it)").arg(program);
        return r;
    }
    p.waitForFinished(120000);
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.output = QString::fromUtf8(p.readAll());
    return r;
}

QString write(const QTemporaryDir& dir, const QString& name, const QByteArray& bytes)
{
    const QString path = dir.filePath(name);
    QFile f(path);
    EXPECT_TRUE(f.open(QIODevice::WriteOnly));
    f.write(bytes);
    return path;
}

/// dciodvfy's "Error" lines (it prints warnings too; those are allowed).
QStringList dciodvfyErrors(const QString& path, QString* all = nullptr)
{
    const auto r = run(QStringLiteral("dciodvfy"), {path});
    if (all != nullptr) {
        *all = r.output;
    }
    QStringList errors;
    for (const auto& line : r.output.split(u'\n')) {
        if (line.startsWith(u"Error")) {
            errors << line;
        }
    }
    if (r.exitCode < 0) {
        errors << r.output;
    }
    return errors;
}

QString ofq(const OFString& s)
{
    return QString::fromUtf8(s.c_str(), static_cast<qsizetype>(s.length()));
}

/// One line per content item: "<indent><REL> <TYPE> <code>/<scheme>[ = value]".
void dumpTree(DSRDocumentTree& tree, int depth, QStringList& out)
{
    const DSRContentItem& item = tree.getCurrentContentItem();
    const auto& name = item.getConceptName();
    QString line =
        QString(depth * 2, u' ') +
        QStringLiteral("%1 %2 %3/%4")
            .arg(QString::fromLatin1(DSRTypes::relationshipTypeToDefinedTerm(item.getRelationshipType())),
                 QString::fromLatin1(DSRTypes::valueTypeToDefinedTerm(item.getValueType())),
                 ofq(name.getCodeValue()), ofq(name.getCodingSchemeDesignator()));
    switch (item.getValueType()) {
    case DSRTypes::VT_Text:
    case DSRTypes::VT_PName:
        line += QStringLiteral(" = ") + ofq(item.getStringValue());
        break;
    case DSRTypes::VT_Code:
        line += QStringLiteral(" = %1/%2")
                    .arg(ofq(item.getCodeValue().getCodeValue()),
                         ofq(item.getCodeValue().getCodingSchemeDesignator()));
        break;
    case DSRTypes::VT_Num: {
        const auto& num = item.getNumericValue();
        line += QStringLiteral(" = %1 %2/%3")
                    .arg(ofq(num.getNumericValue()), ofq(num.getMeasurementUnit().getCodeValue()),
                         ofq(num.getMeasurementUnit().getCodingSchemeDesignator()));
        break;
    }
    case DSRTypes::VT_Image: {
        const auto& ref = item.getImageReference();
        line += QStringLiteral(" = %1 %2").arg(ofq(ref.getSOPClassUID()), ofq(ref.getSOPInstanceUID()));
        const auto& frames = ref.getFrameList();
        for (size_t i = 1; i <= frames.getNumberOfItems(); ++i) {
            Sint32 frame = 0;
            frames.getItem(i, frame);
            line += QStringLiteral(" frame %1").arg(frame);
        }
        break;
    }
    default:
        break;
    }
    out << line;
    if (tree.goDown() > 0) {
        do {
            dumpTree(tree, depth + 1, out);
        } while (tree.gotoNext() > 0);
        tree.goUp();
    }
}

/// The tree the SR must hold for `r` (StructuredReport.h's mapping), written from the model.
QStringList expectedTree(const ReportDocument& r, const ReportTemplate& t)
{
    QStringList out;
    auto add = [&](int depth, const QString& s) { out << QString(depth * 2, u' ') + s; };
    auto image = [](const ImageReference& i) {
        QString s = QStringLiteral("%1 %2").arg(i.sopClassUid, i.sopInstanceUid);
        if (i.frame > 0) {
            s += QStringLiteral(" frame %1").arg(i.frame);
        }
        return s;
    };
    auto measurement = [&](int depth, const QString& id) {
        const auto* m = r.measurement(id);
        const QString concept_ =
            m->kind == u"roi" ? QStringLiteral("373098007/SCT") : QStringLiteral("410668003/SCT");
        add(depth,
            QStringLiteral("CONTAINS NUM %1 = %2 %3/UCUM").arg(concept_, QString::number(m->value), m->unit));
        add(depth + 1, QStringLiteral("INFERRED FROM IMAGE 121112/DCM = ") + image(m->image));
    };
    // The root has no relationship.
    add(0, QStringLiteral(" CONTAINER %1/%2").arg(t.documentTitle.code, t.documentTitle.scheme));
    add(1, QStringLiteral("HAS CONCEPT MOD CODE 121049/DCM = ja/RFC5646"));
    add(2, QStringLiteral("HAS CONCEPT MOD CODE 121046/DCM = JP/ISO3166_1"));
    add(1, QStringLiteral("HAS OBS CONTEXT CODE 121005/DCM = 121006/DCM"));
    add(1, QStringLiteral("HAS OBS CONTEXT PNAME 121008/DCM = ") + r.author.personName);
    add(1, QStringLiteral("HAS OBS CONTEXT TEXT 121009/DCM = ") + r.author.organisation);
    for (const auto& section : t.sections) {
        const auto* c = r.section(section.id);
        add(1, QStringLiteral("CONTAINS CONTAINER %1/%2")
                   .arg(section.conceptName.code, section.conceptName.scheme));
        for (const auto& field : section.fields) {
            for (const auto& v : c->fields) {
                if (v.fieldId != field.id) {
                    continue;
                }
                const QString name = field.conceptName.code + u'/' + field.conceptName.scheme;
                if (field.type == FieldType::Choice) {
                    add(2, QStringLiteral("CONTAINS CODE %1 = %2/RADLEX").arg(name, v.choiceCode));
                } else if (field.type == FieldType::Number) {
                    add(2, QStringLiteral("CONTAINS NUM %1 = %2 %3/UCUM")
                               .arg(name, QString::number(*v.number), field.unit));
                }
            }
        }
        add(2, QStringLiteral("CONTAINS TEXT 121071/DCM = ") + c->text);
        // The measurements this section references first (fields, then text).
        for (const auto& m : r.measurements) {
            bool here = false;
            for (const auto& v : c->fields) {
                here = here || v.referenceIds.contains(m.id);
            }
            for (const auto& span : c->references) {
                here = here || span.referenceId == m.id;
            }
            if (here) {
                measurement(2, m.id);
            }
        }
    }
    add(1, QStringLiteral("CONTAINS CONTAINER 121072/DCM"));
    add(2,
        QStringLiteral("CONTAINS TEXT 121073/DCM = ") + r.section(QString::fromLatin1(kImpressionId))->text);
    add(1, QStringLiteral("CONTAINS CONTAINER 121074/DCM"));
    add(2, QStringLiteral("CONTAINS TEXT 121075/DCM = ") +
               r.section(QString::fromLatin1(kRecommendationId))->text);
    add(1, QStringLiteral("CONTAINS CONTAINER 121180/DCM"));
    for (const auto& k : r.keyImages) {
        add(2, QStringLiteral("CONTAINS IMAGE 121080/DCM = ") + image(k.image));
        add(2, QStringLiteral("CONTAINS TEXT 113012/DCM = ") + k.text +
                   (k.description.isEmpty() ? QString() : QStringLiteral(": ") + k.description));
    }
    return out;
}

QString attribute(DcmItem& d, const DcmTagKey& tag)
{
    OFString v;
    d.findAndGetOFStringArray(tag, v);
    return ofq(v);
}

class ReportExport : public ::testing::Test
{
protected:
    void SetUp() override { ASSERT_TRUE(dir.isValid()); }
    QTemporaryDir dir;
    ReportTemplate tmpl = fixture::chestTemplate();
    ReportDocument report = fixture::chestReport(10, 64);
};

} // namespace

TEST_F(ReportExport, StructuredReportPassesDciodvfyAndHoldsTheReport)
{
    const auto identity = SrIdentity::generate();
    auto sr = makeStructuredReport(report, tmpl, identity);
    ASSERT_TRUE(sr) << sr.error().toString().toStdString();
    const QString path = write(dir, QStringLiteral("report.dcm"), *sr);

    QString all;
    const auto errors = dciodvfyErrors(path, &all);
    EXPECT_TRUE(errors.isEmpty()) << all.toStdString();
    EXPECT_TRUE(all.contains(u"Enhanced SR") || all.contains(u"EnhancedSR")) << all.toStdString();

    DcmFileFormat file;
    ASSERT_TRUE(file.loadFile(path.toUtf8().constData()).good());
    DcmDataset& d = *file.getDataset();
    EXPECT_EQ(attribute(d, DCM_SpecificCharacterSet), u"ISO_IR 192");
    EXPECT_EQ(attribute(d, DCM_SOPClassUID), u"1.2.840.10008.5.1.4.1.1.88.22");
    EXPECT_EQ(attribute(d, DCM_StudyInstanceUID), report.header.studyUid);
    EXPECT_EQ(attribute(d, DCM_SeriesInstanceUID), identity.seriesInstanceUid);
    EXPECT_EQ(attribute(d, DCM_SOPInstanceUID), identity.sopInstanceUid);
    EXPECT_EQ(attribute(*file.getMetaInfo(), DCM_MediaStorageSOPInstanceUID), identity.sopInstanceUid);
    EXPECT_EQ(attribute(d, DCM_Modality), u"SR");
    EXPECT_EQ(attribute(d, DCM_Manufacturer), u"dokuei");
    EXPECT_EQ(attribute(d, DCM_PatientName), u"YAMADA^TARO=山田^太郎=ヤマダ^タロウ");
    EXPECT_EQ(attribute(d, DCM_PatientID), report.header.patientId);
    EXPECT_EQ(attribute(d, DCM_PatientBirthDate), report.header.patientBirthDate);
    EXPECT_EQ(attribute(d, DCM_PatientSex), u"M");
    EXPECT_EQ(attribute(d, DCM_StudyDate), report.header.studyDate);
    EXPECT_EQ(attribute(d, DCM_StudyTime), report.header.studyTime);
    EXPECT_EQ(attribute(d, DCM_AccessionNumber), report.header.accessionNumber);
    EXPECT_EQ(attribute(d, DCM_ReferringPhysicianName), report.header.referringPhysician);
    EXPECT_EQ(attribute(d, DCM_StudyID), report.header.studyId);
    EXPECT_EQ(attribute(d, DCM_StudyDescription), report.header.studyDescription);
    EXPECT_EQ(attribute(d, DCM_SeriesNumber), QString::number(identity.seriesNumber));
    EXPECT_EQ(attribute(d, DCM_CompletionFlag), u"PARTIAL"); // preliminary
    EXPECT_EQ(attribute(d, DCM_VerificationFlag), u"UNVERIFIED");
    EXPECT_EQ(attribute(d, DCM_PreliminaryFlag), u"PRELIMINARY");

    DSRDocument doc;
    ASSERT_TRUE(doc.read(d).good());
    EXPECT_EQ(doc.getSpecificCharacterSetType(), DSRTypes::CS_UTF8);
    auto& tree = doc.getTree();
    ASSERT_GT(tree.gotoRoot(), 0u);
    EXPECT_TRUE(tree.compareTemplateIdentification("2000", "DCMR"));
    QStringList actual;
    dumpTree(tree, 0, actual);
    const QStringList expected = expectedTree(report, tmpl);
    EXPECT_EQ(actual.join(u'\n').toStdString(), expected.join(u'\n').toStdString());

    // dsrdump (DCMTK's own reader and renderer) reads it and prints the Japanese text whole.
    const auto dump = run(QStringLiteral("dsrdump"), {QStringLiteral("+Pl"), path});
    EXPECT_EQ(dump.exitCode, 0) << dump.output.toStdString();
    EXPECT_TRUE(dump.output.contains(QStringLiteral("造影CTおよびPET-CTによる精査")))
        << dump.output.toStdString();
    EXPECT_TRUE(dump.output.contains(QStringLiteral("𠮷田医師"))) << dump.output.toStdString();
    EXPECT_TRUE(dump.output.contains(QStringLiteral("佐藤^花子"))) << dump.output.toStdString();
}

TEST_F(ReportExport, FinalReportIsCompleteUnverifiedAndFinal)
{
    report.state = ReportState::Final;
    auto sr = makeStructuredReport(report, tmpl, SrIdentity::generate());
    ASSERT_TRUE(sr) << sr.error().toString().toStdString();
    const QString path = write(dir, QStringLiteral("final.dcm"), *sr);
    EXPECT_TRUE(dciodvfyErrors(path).isEmpty());
    DcmFileFormat file;
    ASSERT_TRUE(file.loadFile(path.toUtf8().constData()).good());
    EXPECT_EQ(attribute(*file.getDataset(), DCM_CompletionFlag), u"COMPLETE");
    EXPECT_EQ(attribute(*file.getDataset(), DCM_VerificationFlag), u"UNVERIFIED");
    EXPECT_EQ(attribute(*file.getDataset(), DCM_PreliminaryFlag), u"FINAL");

    report.state = ReportState::Draft;
    auto draft = makeStructuredReport(report, tmpl, SrIdentity::generate());
    ASSERT_TRUE(draft);
    const QString draftPath = write(dir, QStringLiteral("draft.dcm"), *draft);
    DcmFileFormat draftFile;
    ASSERT_TRUE(draftFile.loadFile(draftPath.toUtf8().constData()).good());
    EXPECT_EQ(attribute(*draftFile.getDataset(), DCM_CompletionFlag), u"PARTIAL");
    EXPECT_EQ(attribute(*draftFile.getDataset(), DCM_PreliminaryFlag), u"PRELIMINARY");
}

TEST_F(ReportExport, PdfTextLayerGivesBackTheReportText)
{
    auto pdf = renderReportPdf(report, tmpl);
    ASSERT_TRUE(pdf) << pdf.error().toString().toStdString();
    const QString path = write(dir, QStringLiteral("report.pdf"), *pdf);

    const auto info = run(QStringLiteral("pdfinfo"), {path});
    ASSERT_EQ(info.exitCode, 0) << info.output.toStdString();
    EXPECT_TRUE(info.output.contains(
        QRegularExpression(QStringLiteral("Page size:\\s+595\\.27\\d? x 841\\.89 pts \\(A4\\)"))))
        << info.output.toStdString();
    const auto pagesMatch = QRegularExpression(QStringLiteral("Pages:\\s+(\\d+)")).match(info.output);
    ASSERT_TRUE(pagesMatch.hasMatch());
    const int pages = pagesMatch.captured(1).toInt();
    EXPECT_GE(pages, 2); // ten key images do not fit on one page

    // The body frame (ReportPdf.h) of every page gives back reportPlainText.
    const QString bodyPath = dir.filePath(QStringLiteral("body.txt"));
    const auto text =
        run(QStringLiteral("pdftotext"),
            {QStringLiteral("-enc"), QStringLiteral("UTF-8"), QStringLiteral("-x"), QStringLiteral("42"),
             QStringLiteral("-y"), QStringLiteral("84"), QStringLiteral("-W"), QStringLiteral("511"),
             QStringLiteral("-H"), QStringLiteral("684"), path, bodyPath});
    ASSERT_EQ(text.exitCode, 0) << text.output.toStdString();
    QFile body(bodyPath);
    ASSERT_TRUE(body.open(QIODevice::ReadOnly));
    const QString extracted = QString::fromUtf8(body.readAll());
    const QString plain = reportPlainText(report, tmpl);
    EXPECT_EQ(normalizedReportText(extracted).toStdString(), normalizedReportText(plain).toStdString());
    for (const auto* probe :
         {"角", "骨", "高", "直", "𠮷", "山田 太郎", "さくら", "PET-CT", "12.3 mm, Se 3 Im 45"}) {
        EXPECT_TRUE(extracted.contains(QString::fromUtf8(probe))) << probe;
    }
    EXPECT_FALSE(extracted.contains(QChar(0x2F93))) << "角 came back as the Kangxi radical";
    EXPECT_FALSE(extracted.contains(u"DRAFT") || extracted.contains(u"PRELIMINARY"))
        << "watermark in the text layer";

    // The bands: state and patient in the header, "n / pages" in the footer.
    const auto header =
        run(QStringLiteral("pdftotext"),
            {QStringLiteral("-enc"), QStringLiteral("UTF-8"), QStringLiteral("-f"), QStringLiteral("1"),
             QStringLiteral("-l"), QStringLiteral("1"), QStringLiteral("-y"), QStringLiteral("0"),
             QStringLiteral("-H"), QStringLiteral("80"), QStringLiteral("-W"), QStringLiteral("596"), path,
             QStringLiteral("-")});
    EXPECT_TRUE(header.output.contains(QStringLiteral("仮報告 PRELIMINARY"))) << header.output.toStdString();
    EXPECT_TRUE(header.output.contains(QStringLiteral("PHANTOM-0001"))) << header.output.toStdString();
    const auto footer =
        run(QStringLiteral("pdftotext"),
            {QStringLiteral("-enc"), QStringLiteral("UTF-8"), QStringLiteral("-f"), QStringLiteral("2"),
             QStringLiteral("-l"), QStringLiteral("2"), QStringLiteral("-y"), QStringLiteral("776"),
             QStringLiteral("-H"), QStringLiteral("66"), QStringLiteral("-W"), QStringLiteral("596"), path,
             QStringLiteral("-")});
    // pdftotext drops the narrow spaces of "2 / 6".
    EXPECT_EQ(footer.output.simplified().remove(u' '), QStringLiteral("2/%1").arg(pages))
        << footer.output.toStdString();
}

TEST_F(ReportExport, PdfEmbedsTheJapaneseFonts)
{
    auto pdf = renderReportPdf(report, tmpl);
    ASSERT_TRUE(pdf) << pdf.error().toString().toStdString();
    const QString path = write(dir, QStringLiteral("fonts.pdf"), *pdf);
    const auto fonts = run(QStringLiteral("pdffonts"), {path});
    ASSERT_EQ(fonts.exitCode, 0) << fonts.output.toStdString();
    const auto lines = fonts.output.split(u'\n', Qt::SkipEmptyParts);
    ASSERT_GT(lines.size(), 2) << fonts.output.toStdString();
    int noto = 0;
    for (qsizetype i = 2; i < lines.size(); ++i) { // after the heading and the dashes
        const auto columns = lines[i].split(u' ', Qt::SkipEmptyParts);
        ASSERT_GE(columns.size(), 6);
        EXPECT_EQ(columns[columns.size() - 5], u"yes") << "not embedded: " << lines[i].toStdString();
        EXPECT_EQ(columns[columns.size() - 3], u"yes") << "no ToUnicode: " << lines[i].toStdString();
        noto += columns[0].contains(u"NotoSansCJKjp") ? 1 : 0;
    }
    EXPECT_GE(noto, 2) << fonts.output.toStdString(); // regular and bold
}

TEST_F(ReportExport, MissingFontIsRefusedNotReplaced)
{
    PdfOptions options;
    options.fontFamily = QStringLiteral("No Such Font dokuei");
    auto pdf = renderReportPdf(report, tmpl, options);
    ASSERT_FALSE(pdf);
    EXPECT_EQ(pdf.error().code, ErrorCode::DependencyMissing);
    EXPECT_TRUE(pdf.error().message.contains(u"No Such Font dokuei"));
}

TEST_F(ReportExport, EncapsulatedPdfPassesDciodvfyWithUtf8AndTheStudy)
{
    auto pdf = renderReportPdf(report, tmpl);
    ASSERT_TRUE(pdf);
    for (const QByteArray& document : {*pdf, *pdf + QByteArray(pdf->size() % 2 == 0 ? "\n" : "")}) {
        const auto identity = SrIdentity::generate(9002);
        auto dicom = makeEncapsulatedPdf(document, report, tmpl, identity);
        ASSERT_TRUE(dicom) << dicom.error().toString().toStdString();
        const QString path = write(dir, QStringLiteral("pdf.dcm"), *dicom);
        QString all;
        EXPECT_TRUE(dciodvfyErrors(path, &all).isEmpty()) << all.toStdString();
        DcmFileFormat file;
        ASSERT_TRUE(file.loadFile(path.toUtf8().constData()).good());
        DcmDataset& d = *file.getDataset();
        EXPECT_EQ(attribute(d, DCM_SOPClassUID), u"1.2.840.10008.5.1.4.1.1.104.1");
        EXPECT_EQ(attribute(d, DCM_SpecificCharacterSet), u"ISO_IR 192");
        EXPECT_EQ(attribute(d, DCM_PatientName), u"YAMADA^TARO=山田^太郎=ヤマダ^タロウ");
        EXPECT_EQ(attribute(d, DCM_StudyInstanceUID), report.header.studyUid);
        EXPECT_EQ(attribute(d, DCM_StudyDate), report.header.studyDate);
        EXPECT_EQ(attribute(d, DCM_AccessionNumber), report.header.accessionNumber);
        EXPECT_EQ(attribute(d, DCM_SeriesInstanceUID), identity.seriesInstanceUid);
        EXPECT_EQ(attribute(d, DCM_Modality), u"DOC");
        EXPECT_EQ(attribute(d, DCM_ConversionType), u"WSD");
        EXPECT_EQ(attribute(d, DCM_BurnedInAnnotation), u"YES");
        EXPECT_EQ(attribute(d, DCM_MIMETypeOfEncapsulatedDocument), u"application/pdf");
        EXPECT_EQ(attribute(d, DCM_DocumentTitle), u"胸部CT読影レポート");
        DcmItem* code = nullptr;
        ASSERT_TRUE(d.findAndGetSequenceItem(DCM_ConceptNameCodeSequence, code, 0).good());
        EXPECT_EQ(attribute(*code, DCM_CodeValue), u"18747-6");
        const Uint8* bytes = nullptr;
        unsigned long length = 0;
        ASSERT_TRUE(d.findAndGetUint8Array(DCM_EncapsulatedDocument, bytes, &length).good());
        EXPECT_EQ(length % 2, 0u);
        EXPECT_EQ(QByteArray(reinterpret_cast<const char*>(bytes), qsizetype(document.size())), document);
        Uint32 documentLength = 0;
        ASSERT_TRUE(d.findAndGetUint32(DCM_EncapsulatedDocumentLength, documentLength).good());
        EXPECT_EQ(documentLength, Uint32(document.size()));
    }
    auto notPdf = makeEncapsulatedPdf(QByteArray("GIF89a"), report, SrIdentity::generate());
    ASSERT_FALSE(notPdf);
    EXPECT_EQ(notPdf.error().code, ErrorCode::InvalidArgument);
}

TEST_F(ReportExport, HostileContentGivesValidFilesOrClearErrors)
{
    struct Case
    {
        const char* name;
        ReportDocument report;
    };
    std::vector<Case> cases;
    {
        ReportDocument empty = newReport(tmpl, {}, {}, QStringLiteral("ja"));
        empty.header.studyUid = report.header.studyUid;
        empty.author.personName = QStringLiteral("SATO^HANAKO");
        cases.push_back({"empty", empty});
    }
    {
        ReportDocument big = report;
        QString text;
        while (text.size() < 100000) {
            text += QStringLiteral("右上葉に結節を認める。角 骨 高 直 𠮷 Lorem ipsum dolor sit amet. ");
        }
        big.section(QStringLiteral("lungs"))->text = text;
        cases.push_back({"100k characters", big});
    }
    {
        ReportDocument control = report;
        QString text = QStringLiteral("制御\x01\x02\x1b[31m文字\x7f\r\n改行\ttab");
        text += QChar(0xD800); // unpaired high surrogate
        text += QStringLiteral("途中");
        text += QChar(0xDC00); // unpaired low surrogate
        text += QChar(0xFFFF); // noncharacter
        control.section(QStringLiteral("lungs"))->text = text;
        control.header.patientId = QStringLiteral("ID\x01\\X");
        control.header.studyDescription = QString(200, QChar(0x89D2)); // 角 x 200: longer than LO
        control.author.personName = QStringLiteral("SATO^HANAKO") + QChar(0xD83D);
        control.keyImages[0].renderedPng = QByteArray("\x89PNG\r\n\x1a\n broken", 16);
        control.keyImages[1].renderedPng.clear();
        control.keyImages[2].image.frame = 3;
        cases.push_back({"control characters and surrogates", control});
    }
    for (auto& c : cases) {
        SCOPED_TRACE(c.name);
        auto sr = makeStructuredReport(c.report, tmpl, SrIdentity::generate());
        ASSERT_TRUE(sr) << sr.error().toString().toStdString();
        const QString srPath = write(dir, QStringLiteral("hostile.dcm"), *sr);
        QString all;
        EXPECT_TRUE(dciodvfyErrors(srPath, &all).isEmpty()) << all.toStdString();
        EXPECT_EQ(run(QStringLiteral("dsrdump"), {srPath}).exitCode, 0);
        auto pdf = renderReportPdf(c.report, tmpl);
        ASSERT_TRUE(pdf) << pdf.error().toString().toStdString();
        const QString pdfPath = write(dir, QStringLiteral("hostile.pdf"), *pdf);
        EXPECT_EQ(run(QStringLiteral("pdfinfo"), {pdfPath}).exitCode, 0);
        auto encapsulated = makeEncapsulatedPdf(*pdf, c.report, tmpl, SrIdentity::generate());
        ASSERT_TRUE(encapsulated) << encapsulated.error().toString().toStdString();
        const QString encPath = write(dir, QStringLiteral("hostile-pdf.dcm"), *encapsulated);
        EXPECT_TRUE(dciodvfyErrors(encPath, &all).isEmpty()) << all.toStdString();
        if (QLatin1String(c.name) == QLatin1String("100k characters")) {
            const auto text = run(QStringLiteral("pdftotext"),
                                  {QStringLiteral("-enc"), QStringLiteral("UTF-8"), QStringLiteral("-x"),
                                   QStringLiteral("42"), QStringLiteral("-y"), QStringLiteral("84"),
                                   QStringLiteral("-W"), QStringLiteral("511"), QStringLiteral("-H"),
                                   QStringLiteral("684"), pdfPath, QStringLiteral("-")});
            EXPECT_EQ(normalizedReportText(text.output).toStdString(),
                      normalizedReportText(reportPlainText(c.report, tmpl)).toStdString());
        }
    }

    // What cannot be an SR is refused with the reason.
    ReportDocument noStudy = report;
    noStudy.header.studyUid = QStringLiteral("not-a-uid");
    auto refused = makeStructuredReport(noStudy, tmpl, SrIdentity::generate());
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::InvalidArgument);
    EXPECT_TRUE(refused.error().message.contains(u"Study Instance UID"));
    ReportDocument nan = report;
    nan.measurements[0].value = std::numeric_limits<double>::quiet_NaN();
    auto refusedNan = makeStructuredReport(nan, tmpl, SrIdentity::generate());
    ASSERT_FALSE(refusedNan);
    EXPECT_TRUE(refusedNan.error().message.contains(u"finite")) << refusedNan.error().message.toStdString();
    auto sameUid = SrIdentity::generate();
    sameUid.sopInstanceUid = sameUid.seriesInstanceUid;
    EXPECT_FALSE(makeStructuredReport(report, tmpl, sameUid));
}

TEST(ReportExportText, NormalizationKeepsLatinSpacesAndDropsWrapsInJapanese)
{
    EXPECT_EQ(normalizedReportText(QStringLiteral("右上葉に結\n節 12.3  mm,\tSe 3\f")),
              QStringLiteral("右上葉に結節12.3 mm, Se 3"));
    // NFC: a decomposed が equals the composed one.
    EXPECT_EQ(normalizedReportText(QStringLiteral("か\u3099")), QStringLiteral("が"));
    EXPECT_EQ(normalizedReportText(QStringLiteral("𠮷 田")), QStringLiteral("𠮷田"));
}
