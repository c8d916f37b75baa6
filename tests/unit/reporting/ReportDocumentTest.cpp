// The report document's draft form: a round trip keeps every value, and hostile drafts are refused with
// the field named, never a crash.
#include "dokuei/reporting/ReportDocument.h"

#include <QRandomGenerator>

#include <gtest/gtest.h>

using namespace dokuei;
using namespace dokuei::reporting;

namespace {

ReportTemplate smallTemplate()
{
    ReportTemplate t;
    t.id = QStringLiteral("test-chest");
    t.version = QStringLiteral("1");
    t.title = {QStringLiteral("胸部CT読影レポート"), QStringLiteral("CT chest report")};
    TemplateSection lungs;
    lungs.id = QStringLiteral("lungs");
    lungs.title = {QStringLiteral("肺野"), QStringLiteral("Lungs")};
    lungs.required = true;
    TemplateField size;
    size.id = QStringLiteral("nodule-size");
    size.type = FieldType::Number;
    size.label = {QStringLiteral("結節径"), QStringLiteral("Nodule size")};
    size.unit = QStringLiteral("mm");
    lungs.fields << size;
    t.sections << lungs;
    return t;
}

ReportDocument filledReport()
{
    ReportHeader h;
    h.patientNameIdeographic = QStringLiteral("山田^太郎");
    h.patientId = QStringLiteral("PID-4711");
    h.studyUid = QStringLiteral("1.2.3.4");
    h.studyDate = QStringLiteral("20261201");
    auto r = newReport(smallTemplate(), h, {QStringLiteral("dr1"), QStringLiteral("Sato^Hanako"), {}, {}},
                       QStringLiteral("ja"));
    auto* lungs = r.section(QStringLiteral("lungs"));
    lungs->text = QStringLiteral("右上葉に結節 12.3 mm, Se 3 Im 45 を認める。角 𠮷");
    lungs->references << ReferenceSpan{7, 16, QStringLiteral("M1")};
    lungs->fields << FieldValue{QStringLiteral("nodule-size"), {}, {}, 12.3, {}};
    MeasurementReference m;
    m.id = QStringLiteral("M1");
    m.viewerId = 3;
    m.kind = QStringLiteral("length");
    m.value = 12.3;
    m.unit = QStringLiteral("mm");
    m.image = {QStringLiteral("1.2.3.4"),
               QStringLiteral("1.2.3.4.5"),
               QStringLiteral("1.2.3.4.5.45"),
               QStringLiteral("1.2.840.10008.5.1.4.1.1.2"),
               0,
               3,
               45,
               -600,
               1500};
    m.text = QStringLiteral("12.3 mm, Se 3 Im 45");
    r.measurements << m;
    KeyImageReference k;
    k.id = QStringLiteral("K1");
    k.image = m.image;
    k.measurementIds << QStringLiteral("M1");
    k.renderedPng = QByteArray("\x89PNG fake", 9);
    k.text = QStringLiteral("Key image K1, Se 3 Im 45");
    r.keyImages << k;
    r.openedSeriesUids << QStringLiteral("1.2.3.4.5");
    r.unopenedSeries << UnopenedSeriesReason{QStringLiteral("1.2.3.4.6"), QStringLiteral("scout only")};
    return r;
}

} // namespace

TEST(ReportDocument, DraftRoundTripKeepsEveryValue)
{
    const auto r = filledReport();
    auto back = fromJson(toJson(r));
    ASSERT_TRUE(back) << back.error().toString().toStdString();
    EXPECT_EQ(*back, r);
}

TEST(ReportDocument, HostileDraftsAreRefusedWithTheFieldNamed)
{
    const auto good = toJson(filledReport());
    struct Case
    {
        QByteArray json;
        const char* field;
    };
    QByteArray spanOutside = good;
    spanOutside.replace("\"start\":7", "\"start\":7000");
    QByteArray badState = good;
    badState.replace("\"state\":\"draft\"", "\"state\":\"signed\"");
    QByteArray badType = good;
    badType.replace("\"patientId\":\"PID-4711\"", "\"patientId\":42");
    QByteArray badVersion = good;
    badVersion.replace("\"version\":1", "\"version\":99");
    const Case cases[] = {
        {"", "not JSON"},
        {"[]", "not a JSON object"},
        {"{\"format\":\"other\"}", "report.format"},
        {good.left(good.size() / 2), "not JSON"},
        {spanOutside, "report.sections[0].refs[0]"},
        {badState, "report.state"},
        {badType, "report.header.patientId"},
        {badVersion, "report.version"},
    };
    for (const auto& c : cases) {
        auto parsed = fromJson(c.json);
        ASSERT_FALSE(parsed) << c.field;
        EXPECT_EQ(parsed.error().code, ErrorCode::InvalidArgument);
        EXPECT_TRUE(parsed.error().message.contains(QString::fromLatin1(c.field)))
            << parsed.error().message.toStdString();
    }
}

TEST(ReportDocument, RandomlyDamagedDraftsNeverCrash)
{
    const auto good = toJson(filledReport());
    QRandomGenerator rng(20261203);
    int refused = 0;
    for (int i = 0; i < 2000; ++i) {
        QByteArray damaged = good;
        const int edits = 1 + int(rng.bounded(8));
        for (int e = 0; e < edits; ++e) {
            damaged[int(rng.bounded(damaged.size()))] = char(rng.bounded(256));
        }
        auto parsed = fromJson(damaged);
        refused += parsed ? 0 : 1;
    }
    EXPECT_GT(refused, 1000); // most damage is caught; none crashes (ASan/fuzzers run it too)
}

TEST(ReportDocument, PlainTextHasTheTitleHeaderSectionsAndValues)
{
    const auto r = filledReport();
    const QString text = reportPlainText(r, smallTemplate());
    EXPECT_TRUE(text.startsWith(QStringLiteral("胸部CT読影レポート\n")));
    EXPECT_TRUE(text.contains(QStringLiteral("患者: 山田 太郎 (ID PID-4711)")));
    EXPECT_TRUE(text.contains(QStringLiteral("肺野\n結節径: 12.3 mm\n右上葉に結節")));
    EXPECT_TRUE(text.contains(QStringLiteral("\n診断")));
    EXPECT_TRUE(text.contains(QStringLiteral("\n推奨")));
}
