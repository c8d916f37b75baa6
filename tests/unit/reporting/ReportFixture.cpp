#include "ReportFixture.h"

#include <algorithm>

#include <QBuffer>
#include <QImage>
#include <QPainter>
#include <QTimeZone>

namespace dokuei::reporting::fixture {

namespace {

LocalizedText lt(const char* ja, const char* en)
{
    return {QString::fromUtf8(ja), QString::fromUtf8(en)};
}

CodedConcept cc(const char* code, const char* scheme, const char* ja, const char* en)
{
    return {QString::fromLatin1(code), QString::fromLatin1(scheme), lt(ja, en)};
}

const char* const kStudyUid = "1.2.826.0.1.3680043.10.543.7001";
const char* const kSeriesUid = "1.2.826.0.1.3680043.10.543.7001.3";
const char* const kEnhancedSeriesUid = "1.2.826.0.1.3680043.10.543.7001.4";

ImageReference ctImage(int instance)
{
    ImageReference r;
    r.studyUid = QString::fromLatin1(kStudyUid);
    r.seriesUid = QString::fromLatin1(kSeriesUid);
    r.sopInstanceUid = QStringLiteral("%1.%2").arg(QString::fromLatin1(kSeriesUid)).arg(instance);
    r.sopClassUid = QStringLiteral("1.2.840.10008.5.1.4.1.1.2");
    r.seriesNumber = 3;
    r.instanceNumber = instance;
    r.windowCenter = -600;
    r.windowWidth = 1500;
    return r;
}

} // namespace

ReportTemplate chestTemplate()
{
    ReportTemplate t;
    t.id = QStringLiteral("ct-chest");
    t.version = QStringLiteral("1.0");
    t.title = lt("胸部CT読影レポート", "CT chest report");
    t.documentTitle = cc("18747-6", "LN", "CT レポート", "CT Report");
    t.modalities = {QStringLiteral("CT")};
    t.bodyParts = {QStringLiteral("CHEST")};

    TemplateSection lungs;
    lungs.id = QStringLiteral("lungs");
    lungs.title = lt("肺野", "Lungs");
    lungs.conceptName = cc("39607008", "SCT", "肺", "Lung");
    lungs.required = true;
    TemplateField type;
    type.id = QStringLiteral("nodule-type");
    type.type = FieldType::Choice;
    type.label = lt("結節の性状", "Nodule type");
    type.conceptName = cc("RID50149", "RADLEX", "結節の性状", "Nodule type");
    type.choices = {ChoiceOption{cc("RID50152", "RADLEX", "充実性", "solid"), {}},
                    ChoiceOption{cc("RID50153", "RADLEX", "部分充実性", "part-solid"), {}},
                    ChoiceOption{cc("RID50154", "RADLEX", "すりガラス", "ground-glass"), {}}};
    TemplateField size;
    size.id = QStringLiteral("nodule-size");
    size.type = FieldType::Number;
    size.label = lt("結節径", "Nodule size");
    size.conceptName = cc("246120007", "SCT", "結節の大きさ", "Nodule size");
    size.unit = QStringLiteral("mm");
    size.minimum = 0;
    size.maximum = 300;
    TemplateField measured;
    measured.id = QStringLiteral("nodule-measurement");
    measured.type = FieldType::Measurement;
    measured.label = lt("計測", "Measurement");
    measured.conceptName = cc("410668003", "SCT", "長さ", "Length");
    lungs.fields = {type, size, measured};

    TemplateSection mediastinum;
    mediastinum.id = QStringLiteral("mediastinum");
    mediastinum.title = lt("縦隔", "Mediastinum");
    mediastinum.conceptName = cc("72410000", "SCT", "縦隔", "Mediastinum");
    mediastinum.normalText = lt("縦隔に異常を認めない。", "No mediastinal abnormality.");
    TemplateSection pleura;
    pleura.id = QStringLiteral("pleura");
    pleura.title = lt("胸膜", "Pleura");
    pleura.conceptName = cc("3120008", "SCT", "胸膜", "Pleura");
    TemplateSection bones;
    bones.id = QStringLiteral("bones");
    bones.title = lt("骨・軟部", "Bones and soft tissue");
    bones.conceptName = cc("272673000", "SCT", "骨", "Bone structure");
    t.sections = {lungs, mediastinum, pleura, bones};
    return t;
}

QByteArray keyImagePng(int size, int seed)
{
    QImage image(size, size, QImage::Format_RGB32);
    for (int y = 0; y < size; ++y) {
        auto* line = reinterpret_cast<QRgb*>(image.scanLine(y));
        for (int x = 0; x < size; ++x) {
            const int dx = x - size / 2;
            const int dy = y - size / 2;
            const int r2 = dx * dx + dy * dy;
            int v = r2 < (size * size) / 5 ? 40 + ((x * 7 + y * 13 + seed * 31) % 23) : 10;
            if ((dx + size / 5) * (dx + size / 5) + dy * dy < (size * size) / 16) {
                v = 150 + ((x ^ y ^ seed) & 15); // a "lung"
            }
            line[x] = qRgb(v, v, v);
        }
    }
    QPainter p(&image);
    p.setPen(QPen(QColor(255, 200, 0), std::max(1, size / 128)));
    p.drawLine(size / 3, size / 3, size / 3 + size / 8 + seed % 5, size / 3 + size / 10);
    p.end();
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return png;
}

ReportDocument chestReport(int keyImages, int pngSize)
{
    ReportHeader h;
    h.patientNameAlphabetic = QStringLiteral("YAMADA^TARO");
    h.patientNameIdeographic = QStringLiteral("山田^太郎");
    h.patientNamePhonetic = QStringLiteral("ヤマダ^タロウ");
    h.patientId = QStringLiteral("PHANTOM-0001");
    h.patientBirthDate = QStringLiteral("19560312");
    h.patientSex = QStringLiteral("M");
    h.studyUid = QString::fromLatin1(kStudyUid);
    h.studyId = QStringLiteral("S7001");
    h.studyDate = QStringLiteral("20261201");
    h.studyTime = QStringLiteral("093000");
    h.studyDescription = QStringLiteral("胸部CT 単純");
    h.accessionNumber = QStringLiteral("ACC-7001");
    h.modality = QStringLiteral("CT");
    h.bodyPart = QStringLiteral("CHEST");
    h.requestingFacility = QStringLiteral("さくら総合病院");
    h.referringPhysician = QStringLiteral("SUZUKI^ICHIRO=鈴木^一郎");
    h.clinicalQuestion = QStringLiteral("咳嗽が2か月続く。肺癌の除外をお願いします。");
    ReportObserver author{QStringLiteral("sato"), QStringLiteral("SATO^HANAKO=佐藤^花子"),
                          QStringLiteral("dokuei 遠隔画像診断センター"), QStringLiteral("radiologist")};
    auto r = newReport(chestTemplate(), h, author, QStringLiteral("ja"));
    r.state = ReportState::Preliminary;
    r.created = QDateTime(QDate(2026, 12, 1), QTime(1, 2, 3), Qt::UTC);
    r.modified = QDateTime(QDate(2026, 12, 1), QTime(1, 40, 0), Qt::UTC);

    MeasurementReference m1;
    m1.id = QStringLiteral("M1");
    m1.viewerId = 1;
    m1.kind = QStringLiteral("length");
    m1.label = QStringLiteral("L1");
    m1.value = 12.3;
    m1.unit = QStringLiteral("mm");
    m1.image = ctImage(45);
    m1.text = QStringLiteral("12.3 mm, Se 3 Im 45");
    MeasurementReference m2;
    m2.id = QStringLiteral("M2");
    m2.viewerId = 2;
    m2.kind = QStringLiteral("roi");
    m2.label = QStringLiteral("R1");
    m2.value = 38.5;
    m2.unit = QStringLiteral("[hnsf'U]");
    m2.image = ctImage(1);
    m2.image.seriesUid = QString::fromLatin1(kEnhancedSeriesUid);
    m2.image.sopInstanceUid = QStringLiteral("%1.1").arg(QString::fromLatin1(kEnhancedSeriesUid));
    m2.image.sopClassUid = QStringLiteral("1.2.840.10008.5.1.4.1.1.2.1"); // Enhanced CT
    m2.image.frame = 52;
    m2.image.seriesNumber = 4;
    m2.image.windowCenter = 40;
    m2.image.windowWidth = 400;
    m2.text = QStringLiteral("38.5 HU, Se 4 Im 1 frame 52");
    r.measurements = {m1, m2};

    auto* lungs = r.section(QStringLiteral("lungs"));
    lungs->text = QStringLiteral("右上葉S2に長径 12.3 mm, Se 3 Im 45 の充実性結節を認める。辺縁は分葉状で、"
                                 "胸膜陥入を伴う。結節の一角に直線状の索状影があり、高吸収域は認めない。\n"
                                 "両下葉背側に軽度の線状影 (dependent opacity) あり。");
    lungs->references << ReferenceSpan{9, 19, QStringLiteral("M1")};
    lungs->fields << FieldValue{QStringLiteral("nodule-type"), {}, QStringLiteral("RID50152"), {}, {}};
    lungs->fields << FieldValue{QStringLiteral("nodule-size"), {}, {}, 12.3, {}};
    lungs->fields << FieldValue{QStringLiteral("nodule-measurement"), {}, {}, {}, {QStringLiteral("M1")}};
    r.section(QStringLiteral("mediastinum"))->text = QStringLiteral(
        "縦隔リンパ節の腫大なし。大動脈弓に高度の石灰化を認める (ROI 38.5 HU, Se 4 Im 1 frame 52)。");
    r.section(QStringLiteral("mediastinum"))->references << ReferenceSpan{24, 28, QStringLiteral("M2")};
    r.section(QStringLiteral("pleura"))->text = QStringLiteral("胸水なし。");
    r.section(QStringLiteral("bones"))->text =
        QStringLiteral("胸椎に骨棘形成。肋骨に骨折なし。直近の検査 (2025年) と比べ著変なし。");
    r.section(QString::fromLatin1(kImpressionId))->text =
        QStringLiteral("右上葉の充実性結節 12.3 mm: 原発性肺癌を疑う。\n𠮷田医師の前回所見と比較し増大。");
    r.section(QString::fromLatin1(kRecommendationId))->text =
        QStringLiteral("造影CTおよびPET-CTによる精査、呼吸器内科へのご紹介をお勧めします。");
    for (int i = 1; i <= keyImages; ++i) {
        KeyImageReference k;
        k.id = QStringLiteral("K%1").arg(i);
        k.image = ctImage(40 + i);
        if (i == 1) {
            k.measurementIds << QStringLiteral("M1");
        }
        k.description = i == 1 ? QStringLiteral("右上葉結節 (角状突出)") : QString();
        k.renderedPng = keyImagePng(pngSize, i);
        k.text = QStringLiteral("キー画像 K%1, Se 3 Im %2").arg(i).arg(40 + i);
        r.keyImages << k;
    }
    r.openedSeriesUids << QString::fromLatin1(kSeriesUid) << QString::fromLatin1(kEnhancedSeriesUid);
    return r;
}

} // namespace dokuei::reporting::fixture
