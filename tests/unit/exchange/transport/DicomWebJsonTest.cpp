#include <dokuei/exchange/DicomWebJson.h>

#include <gtest/gtest.h>

using namespace dokuei::exchange;

namespace {
const QByteArray kStudies = R"([
 {"0020000D":{"vr":"UI","Value":["1.2.392.1"]},
  "00100010":{"vr":"PN","Value":[{"Alphabetic":"Yamada^Taro","Ideographic":"山田^太郎","Phonetic":"やまだ^たろう"}]},
  "00100020":{"vr":"LO","Value":["P0001"]},
  "00080020":{"vr":"DA","Value":["20261121"]},
  "00081030":{"vr":"LO","Value":["胸部CT"]},
  "00080050":{"vr":"SH","Value":["A123"]},
  "00080061":{"vr":"CS","Value":["CT","SR"]},
  "00080080":{"vr":"LO","Value":["東京病院"]},
  "00201206":{"vr":"IS","Value":[2]},
  "00201208":{"vr":"IS","Value":["120"]}},
 {"0020000D":{"vr":"UI","Value":["1.2.392.2"]},"00100010":{"vr":"PN"}}
])";
}

TEST(DicomWebJson, ParsesStudiesWithJapaneseNames)
{
    auto studies = DicomWebJson::parseStudies(kStudies);
    ASSERT_TRUE(studies) << studies.error().message.toStdString();
    ASSERT_EQ(studies->size(), 2);
    const StudyRecord& s = studies->at(0);
    EXPECT_EQ(s.studyUid, QStringLiteral("1.2.392.1"));
    EXPECT_EQ(s.patientName.alphabetic, QStringLiteral("Yamada^Taro"));
    EXPECT_EQ(s.patientName.ideographic, QStringLiteral("山田^太郎"));
    EXPECT_EQ(s.patientName.phonetic, QStringLiteral("やまだ^たろう"));
    EXPECT_EQ(s.patientId, QStringLiteral("P0001"));
    EXPECT_EQ(s.studyDate, QStringLiteral("20261121"));
    EXPECT_EQ(s.description, QStringLiteral("胸部CT"));
    EXPECT_EQ(s.accessionNumber, QStringLiteral("A123"));
    EXPECT_EQ(s.modalities, (QStringList{QStringLiteral("CT"), QStringLiteral("SR")}));
    EXPECT_EQ(s.institution, QStringLiteral("東京病院"));
    EXPECT_EQ(s.seriesCount, 2);
    EXPECT_EQ(s.instanceCount, 120);
    EXPECT_TRUE(studies->at(1).patientName.isEmpty());
    EXPECT_EQ(studies->at(1).seriesCount, -1);
}

TEST(DicomWebJson, ParsesSeriesAndInstances)
{
    auto series = DicomWebJson::parseSeries(R"([{"0020000E":{"vr":"UI","Value":["1.2.3"]},
        "00200011":{"vr":"IS","Value":[3]},"0008103E":{"vr":"LO","Value":["Axial 1mm"]},
        "00080060":{"vr":"CS","Value":["CT"]},"00201209":{"vr":"IS","Value":[250]}}])");
    ASSERT_TRUE(series);
    ASSERT_EQ(series->size(), 1);
    EXPECT_EQ(series->at(0).seriesUid, QStringLiteral("1.2.3"));
    EXPECT_EQ(series->at(0).number, 3);
    EXPECT_EQ(series->at(0).modality, QStringLiteral("CT"));
    EXPECT_EQ(series->at(0).instanceCount, 250);
    auto instances = DicomWebJson::parseInstances(R"([{"00080018":{"vr":"UI","Value":["1.2.3.4"]},
        "00080016":{"vr":"UI","Value":["1.2.840.10008.5.1.4.1.1.2"]},"00200013":{"vr":"IS","Value":[7]}}])");
    ASSERT_TRUE(instances);
    EXPECT_EQ(instances->at(0).sopInstanceUid, QStringLiteral("1.2.3.4"));
    EXPECT_EQ(instances->at(0).number, 7);
}

TEST(DicomWebJson, EmptyBodyIsNoMatch)
{
    auto none = DicomWebJson::parseStudies({});
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->isEmpty());
    auto emptyArray = DicomWebJson::parseStudies("[]");
    ASSERT_TRUE(emptyArray);
    EXPECT_TRUE(emptyArray->isEmpty());
}

TEST(DicomWebJson, HostileInputGivesClearErrors)
{
    const QList<QByteArray> hostile = {
        "{",                                             // truncated
        "{\"a\":1}",                                     // not an array
        "[1]",                                           // dataset not an object
        "[{}]",                                          // required UID missing
        R"([{"0020000D":"1.2"}])",                       // element not an object
        R"([{"0020000D":{"vr":"UI","Value":"1.2"}}])",   // Value not an array
        R"([{"0020000D":{"vr":"UI","Value":[true]}}])",  // wrong value type
        R"([{"0020000D":{"vr":"UI","Value":[["x"]]}}])", // nested array
        R"([{"0020000D":{"vr":"UI","Value":["1"]},"00100010":{"vr":"PN","Value":[{"Alphabetic":5}]}}])",
        R"([{"0020000D":{"vr":"UI","Value":["1"]},"00100010":{"vr":"PN","Value":[7]}}])",
        R"([{"0020000D":{"vr":"UI","Value":["1"]},"00201206":{"vr":"IS","Value":["many"]}}])",
        R"([{"0020000D":{"vr":"UI","Value":["1"]},"00201206":{"vr":"IS","Value":[-4]}}])",
        QByteArray(100000, '['), // deep nesting
        "\xff\xfe\x00garbage",
    };
    for (const QByteArray& json : hostile) {
        auto r = DicomWebJson::parseStudies(json);
        ASSERT_FALSE(r) << json.left(80).toStdString();
        EXPECT_EQ(r.error().failure, dokuei::exchange::DicomWebFailure::InvalidResponse);
        EXPECT_FALSE(r.error().message.isEmpty());
    }
}

TEST(DicomWebJson, HugeArraysAndStringsAreRefused)
{
    QByteArray values = R"([{"0020000D":{"vr":"UI","Value":["1"]},"00080061":{"vr":"CS","Value":[)";
    for (int i = 0; i < DicomWebJson::kMaxValues + 1; ++i)
        values += (i ? ",\"CT\"" : "\"CT\"");
    values += "]}}]";
    auto many = DicomWebJson::parseStudies(values);
    ASSERT_FALSE(many);
    EXPECT_TRUE(many.error().message.contains(QStringLiteral("00080061")));

    const QByteArray longName = R"([{"0020000D":{"vr":"UI","Value":["1"]},"00081030":{"vr":"LO","Value":[")" +
                                QByteArray(DicomWebJson::kMaxStringLength + 1, 'a') + "\"]}}]";
    EXPECT_FALSE(DicomWebJson::parseStudies(longName));

    QByteArray datasets = "[";
    for (int i = 0; i < DicomWebJson::kMaxResults + 1; ++i)
        datasets += (i ? ",{}" : "{}");
    datasets += "]";
    EXPECT_FALSE(DicomWebJson::parseStudies(datasets));
}

TEST(DicomWebJson, ParsesStowResponseWithFailures)
{
    auto r = DicomWebJson::parseStowResponse(R"({
      "00081190":{"vr":"UR","Value":["https://rc/dicom-web/studies/1.2"]},
      "00081199":{"vr":"SQ","Value":[{"00081150":{"vr":"UI","Value":["1.2.840.10008.5.1.4.1.1.2"]},
                                       "00081155":{"vr":"UI","Value":["1.2.3.1"]}}]},
      "00081198":{"vr":"SQ","Value":[{"00081150":{"vr":"UI","Value":["1.2.840.10008.5.1.4.1.1.2"]},
                                       "00081155":{"vr":"UI","Value":["1.2.3.2"]},
                                       "00081197":{"vr":"US","Value":[49442]}}]}})");
    ASSERT_TRUE(r) << r.error().message.toStdString();
    EXPECT_EQ(r->storedInstanceUids, QStringList{QStringLiteral("1.2.3.1")});
    ASSERT_EQ(r->failures.size(), 1);
    EXPECT_EQ(r->failures[0].sopInstanceUid, QStringLiteral("1.2.3.2"));
    EXPECT_EQ(r->failures[0].reason, 49442);
    EXPECT_FALSE(DicomWebJson::parseStowResponse(R"({"00081199":{"vr":"SQ","Value":[5]}})"));
    EXPECT_FALSE(DicomWebJson::parseStowResponse("nonsense"));
}
