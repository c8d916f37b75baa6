#include "dokuei/common/Configuration.h"
#include "dokuei/common/WorkstationPaths.h"
#include "dokuei/reporting/TemplateLibrary.h"

#include <random>

#include <QDir>
#include <QFile>
#include <QProcessEnvironment>
#include <QSet>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace dokuei;
using namespace dokuei::reporting;

namespace {

/// A small valid template; the broken cases below each change one thing in it.
const QByteArray kGood = R"({
  "id": "good",
  "version": "1.0",
  "title": {"ja": "テスト胸部", "en": "Test chest"},
  "documentTitle": {"code": "18747-6", "scheme": "LN", "ja": "CT検査報告書", "en": "CT Report"},
  "modalities": ["CT"],
  "bodyParts": ["CHEST"],
  "descriptionKeywords": ["胸部"],
  "sections": [
    {
      "id": "lungs",
      "title": {"ja": "肺野", "en": "Lungs"},
      "concept": {"code": "39607008", "scheme": "SCT", "ja": "肺", "en": "Lung structure"},
      "normalText": {"ja": "異常なし。", "en": "Normal."},
      "required": true,
      "fields": [
        {
          "id": "nodule-type",
          "type": "choice",
          "label": {"ja": "性状", "en": "Type"},
          "concept": {"code": "T1", "scheme": "99DOKUEI", "ja": "性状", "en": "Type"},
          "choices": [
            {"code": "S", "scheme": "99DOKUEI", "ja": "充実型", "en": "Solid", "advice": {"ja": "3か月後", "en": "In 3 months"}}
          ]
        },
        {
          "id": "nodule-size",
          "type": "number",
          "label": {"ja": "大きさ", "en": "Size"},
          "concept": {"code": "246120007", "scheme": "SCT", "ja": "結節の大きさ", "en": "Nodule size"},
          "unit": "mm",
          "minimum": 0,
          "maximum": 100
        }
      ]
    },
    {
      "id": "bones",
      "title": {"ja": "骨", "en": "Bones"},
      "concept": {"code": "272673000", "scheme": "SCT", "ja": "骨", "en": "Bone structure"}
    }
  ]
}
)";

/// The 1-based line of the first occurrence of `needle` in `text` (computed here, not by the code tested).
int lineOf(const QByteArray& text, const QByteArray& needle)
{
    const qsizetype at = text.indexOf(needle);
    EXPECT_GE(at, 0) << needle.toStdString();
    return 1 + static_cast<int>(text.first(std::max<qsizetype>(at, 0)).count('\n'));
}

int lastLineOf(const QByteArray& text, const QByteArray& needle)
{
    const qsizetype at = text.lastIndexOf(needle);
    EXPECT_GE(at, 0) << needle.toStdString();
    return 1 + static_cast<int>(text.first(std::max<qsizetype>(at, 0)).count('\n'));
}

QByteArray replaced(QByteArray text, const QByteArray& from, const QByteArray& to)
{
    EXPECT_TRUE(text.contains(from)) << from.toStdString();
    return text.replace(text.indexOf(from), from.size(), to);
}

void writeFile(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    ASSERT_EQ(file.write(bytes), bytes.size());
}

std::string describe(const QList<TemplateProblem>& problems)
{
    QStringList lines;
    for (const auto& p : problems) {
        lines << p.toString();
    }
    return lines.join(u'\n').toStdString();
}

TemplateLibrary shipped()
{
    return TemplateLibrary::load({shippedTemplateDirectory()});
}

} // namespace

TEST(Templates, TheGoodExampleParses)
{
    auto parsed = parseTemplate(kGood, QStringLiteral("good.json"));
    ASSERT_TRUE(parsed) << describe(parsed.error());
    EXPECT_EQ(parsed->id, u"good"_qs);
    EXPECT_EQ(parsed->title.ja, u"テスト胸部"_qs);
    ASSERT_EQ(parsed->sections.size(), 2);
    const TemplateField* size = parsed->field(QStringLiteral("nodule-size"));
    ASSERT_NE(size, nullptr);
    EXPECT_EQ(size->type, FieldType::Number);
    EXPECT_EQ(size->unit, u"mm"_qs);
    EXPECT_EQ(size->maximum, 100.0);
    const TemplateField* type = parsed->field(QStringLiteral("nodule-type"));
    ASSERT_NE(type, nullptr);
    ASSERT_EQ(type->choices.size(), 1);
    EXPECT_EQ(type->choices.first().advice.en, u"In 3 months"_qs);
    EXPECT_TRUE(parsed->sections.first().required);
    EXPECT_FALSE(parsed->sections.last().required);
    EXPECT_EQ(parsed->sourceFile, u"good.json"_qs);
}

TEST(Templates, EveryShippedTemplateLoadsWithoutAProblem)
{
    const TemplateLibrary library = shipped();
    EXPECT_TRUE(library.problems().isEmpty()) << describe(library.problems());
    QSet<QString> ids;
    for (const auto& t : library.templates()) {
        ids.insert(t.id);
        EXPECT_TRUE(t.title.isComplete()) << t.id.toStdString();
        EXPECT_TRUE(t.modalities.contains(u"CT"_qs)) << t.id.toStdString();
        EXPECT_FALSE(t.documentTitle.isEmpty());
        for (const auto& s : t.sections) {
            if (s.id != u"technique"_qs) { // the technique section has fields only
                EXPECT_TRUE(s.normalText.isComplete()) << t.id.toStdString() << " " << s.id.toStdString();
            }
            for (const auto& f : s.fields) {
                EXPECT_TRUE(f.label.isComplete()) << f.id.toStdString();
                for (const auto& c : f.choices) {
                    EXPECT_LE(c.conceptName.code.size(), 16) << "a DICOM Code Value is at most 16 characters";
                }
            }
        }
    }
    EXPECT_EQ(ids, (QSet<QString>{u"ct-chest"_qs, u"ct-abdomen-pelvis"_qs, u"ct-head"_qs,
                                  u"lung-screening-ct"_qs, u"generic-ct"_qs}));
    const ReportTemplate* generic = library.find(u"generic-ct"_qs);
    ASSERT_NE(generic, nullptr);
    EXPECT_TRUE(generic->generic);
    EXPECT_EQ(library.find(u"ct-chest"_qs)->documentTitle.code, u"24627-2"_qs);
}

TEST(Templates, TheScreeningTemplateHasTheGuidelinesFields)
{
    const TemplateLibrary library = shipped();
    const ReportTemplate* screening = library.find(u"lung-screening-ct"_qs);
    ASSERT_NE(screening, nullptr);
    const TemplateField* type = screening->field(u"nodule-type"_qs);
    ASSERT_NE(type, nullptr);
    QStringList types;
    for (const auto& c : type->choices) {
        types << c.conceptName.meaning.ja;
    }
    EXPECT_TRUE(types.contains(u"充実型"_qs) && types.contains(u"部分充実型"_qs) &&
                types.contains(u"すりガラス型"_qs))
        << types.join(u',').toStdString();
    const TemplateField* size = screening->field(u"nodule-size"_qs);
    ASSERT_NE(size, nullptr);
    EXPECT_EQ(size->type, FieldType::Number);
    EXPECT_EQ(size->unit, u"mm"_qs);
    const TemplateField* location = screening->field(u"nodule-location"_qs);
    ASSERT_NE(location, nullptr);
    QStringList lobes;
    for (const auto& c : location->choices) {
        lobes << c.conceptName.meaning.ja;
    }
    EXPECT_EQ(lobes, (QStringList{u"右上葉"_qs, u"右中葉"_qs, u"右下葉"_qs, u"左上区"_qs, u"左舌区"_qs,
                                  u"左下葉"_qs}));
    const TemplateField* judgement = screening->field(u"judgement"_qs);
    ASSERT_NE(judgement, nullptr);
    EXPECT_TRUE(judgement->required);
    QString letters;
    for (const auto& c : judgement->choices) {
        EXPECT_TRUE(c.advice.isComplete()) << c.conceptName.code.toStdString();
        letters += c.conceptName.meaning.ja.left(1);
    }
    EXPECT_EQ(letters, u"ABCCCDE"_qs);
}

struct BrokenCase
{
    const char* name;
    QByteArray from;
    QByteArray to;
    QString field;      ///< the JSON path the problem must name
    QByteArray atLine;  ///< the problem's line is the line of this text in the broken file...
    int lineOffset = 0; ///< ...plus this
    QString message;    ///< part of the message
    bool lastOccurrence = false;
};

void PrintTo(const BrokenCase& c, std::ostream* os)
{
    *os << c.name;
}

class BrokenTemplate : public testing::TestWithParam<BrokenCase>
{
};

TEST_P(BrokenTemplate, IsRefusedWithFileLineAndFieldWhileTheGoodOneLoads)
{
    const BrokenCase& c = GetParam();
    const QByteArray broken = replaced(kGood, c.from, c.to).replace("\"id\": \"good\"", "\"id\": \"broken\"");
    const int line =
        (c.lastOccurrence ? lastLineOf(broken, c.atLine) : lineOf(broken, c.atLine)) + c.lineOffset;

    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    writeFile(dir.filePath(u"a-good.json"_qs), kGood);
    const QString brokenFile = dir.filePath(u"b-broken.json"_qs);
    writeFile(brokenFile, broken);

    const TemplateLibrary library = TemplateLibrary::load({dir.path()});
    ASSERT_EQ(library.templates().size(), 1) << describe(library.problems());
    EXPECT_EQ(library.templates().first().id, u"good"_qs);
    ASSERT_FALSE(library.problems().isEmpty());
    bool found = false;
    for (const TemplateProblem& p : library.problems()) {
        EXPECT_EQ(p.file, brokenFile);
        if (p.field == c.field && p.line == line && p.message.contains(c.message)) {
            found = true;
        }
    }
    EXPECT_TRUE(found) << "expected " << brokenFile.toStdString() << ":" << line << ": "
                       << c.field.toStdString() << ": …" << c.message.toStdString() << "…\ngot\n"
                       << describe(library.problems());
    EXPECT_TRUE(library.problems().first().toString().startsWith(brokenFile + u':'));
}

INSTANTIATE_TEST_SUITE_P(
    Templates, BrokenTemplate,
    testing::Values(
        BrokenCase{"MissingComma", "\"version\": \"1.0\",", "\"version\": \"1.0\"", u"version"_qs,
                   "\"title\"", 0, u"expected , or }"_qs},
        BrokenCase{"TrailingComma", "\"maximum\": 100", "\"maximum\": 100,", u"sections[0].fields[1]"_qs,
                   "\"maximum\"", 1, u"remove the last comma"_qs},
        BrokenCase{"UnclosedString", "\"Bones\"}", "\"Bones}", u"sections[1].title.en"_qs, "\"Bones}", 0,
                   u"end of the line"_qs},
        BrokenCase{"UnknownFieldType", "\"type\": \"number\"", "\"type\": \"slider\"",
                   u"sections[0].fields[1].type"_qs, "\"slider\"", 0, u"unknown field type \"slider\""_qs},
        BrokenCase{"DuplicateSectionId", "\"id\": \"bones\"", "\"id\": \"lungs\"", u"sections[1].id"_qs,
                   "\"id\": \"lungs\"", 0, u"used twice"_qs, true},
        BrokenCase{"DuplicateFieldId", "\"id\": \"nodule-size\"", "\"id\": \"nodule-type\"",
                   u"sections[0].fields[1].id"_qs, "\"id\": \"nodule-type\"", 0, u"used twice"_qs, true},
        BrokenCase{"DuplicateKey", "\"version\": \"1.0\",", "\"version\": \"1.0\",\n  \"version\": \"2.0\",",
                   u"version"_qs, "\"2.0\"", 0, u"appears twice"_qs},
        BrokenCase{"MissingEnglishLabel", "{\"ja\": \"大きさ\", \"en\": \"Size\"}", "{\"ja\": \"大きさ\"}",
                   u"sections[0].fields[1].label.en"_qs, "\"大きさ\"", 0, u"English"_qs},
        BrokenCase{"MissingJapaneseTitle", "{\"ja\": \"テスト胸部\", \"en\": \"Test chest\"}",
                   "{\"en\": \"Test chest\"}", u"title.ja"_qs, "\"title\"", 0, u"Japanese"_qs},
        BrokenCase{"EmptyJapaneseNormalText", "\"ja\": \"異常なし。\"", "\"ja\": \"  \"",
                   u"sections[0].normalText.ja"_qs, "\"normalText\"", 0, u"Japanese"_qs},
        BrokenCase{"MissingMeaningTranslation", "\"ja\": \"結節の大きさ\", ", "",
                   u"sections[0].fields[1].concept.ja"_qs, "\"246120007\"", 0, u"Japanese"_qs},
        BrokenCase{"MissingAdviceTranslation", "\"advice\": {\"ja\": \"3か月後\", \"en\": \"In 3 months\"}",
                   "\"advice\": {\"ja\": \"3か月後\"}", u"sections[0].fields[0].choices[0].advice.en"_qs,
                   "\"advice\"", 0, u"English"_qs},
        BrokenCase{"ChoiceWithoutOptions",
                   "{\"code\": \"S\", \"scheme\": \"99DOKUEI\", \"ja\": \"充実型\", \"en\": \"Solid\", "
                   "\"advice\": {\"ja\": \"3か月後\", \"en\": \"In 3 months\"}}",
                   "", u"sections[0].fields[0].choices"_qs, "\"choices\"", 0, u"must not be empty"_qs},
        BrokenCase{"NumberWithoutUnit", "\"unit\": \"mm\",\n", "", u"sections[0].fields[1].unit"_qs,
                   "\"id\": \"nodule-size\"", -1, u"UCUM unit"_qs},
        BrokenCase{"UnitWithASpace", "\"unit\": \"mm\"", "\"unit\": \"m m\"",
                   u"sections[0].fields[1].unit"_qs, "\"m m\"", 0, u"UCUM"_qs},
        BrokenCase{"RangeUpsideDown", "\"minimum\": 0", "\"minimum\": 200",
                   u"sections[0].fields[1].maximum"_qs, "\"maximum\"", 0, u"less than the minimum"_qs},
        BrokenCase{"StringForABoolean", "\"required\": true", "\"required\": \"yes\"",
                   u"sections[0].required"_qs, "\"yes\"", 0, u"true or false"_qs},
        BrokenCase{"NumberForAString", "\"version\": \"1.0\"", "\"version\": 1.0", u"version"_qs,
                   "\"version\"", 0, u"must be a string"_qs},
        BrokenCase{"ObjectForAnArray", "\"modalities\": [\"CT\"]", "\"modalities\": {\"CT\": true}",
                   u"modalities"_qs, "\"modalities\"", 0, u"must be an array"_qs},
        BrokenCase{"UnknownKey", "\"id\": \"bones\",", "\"id\": \"bones\",\n      \"colour\": \"red\",",
                   u"sections[1].colour"_qs, "\"colour\"", 0, u"unknown key \"colour\""_qs},
        BrokenCase{"UnitOnAChoice", "\"type\": \"choice\",", "\"type\": \"choice\", \"unit\": \"mm\",",
                   u"sections[0].fields[0].unit"_qs, "\"type\": \"choice\"", 0, u"only a number field"_qs},
        BrokenCase{
            "MissingSectionConcept",
            "\"concept\": {\"code\": \"272673000\", \"scheme\": \"SCT\", \"ja\": \"骨\", \"en\": \"Bone "
            "structure\"}",
            "\"required\": false", u"sections[1].concept"_qs, "\"id\": \"bones\"", -1,
            u"required, but missing"_qs},
        BrokenCase{"ReservedSectionId", "\"id\": \"bones\"", "\"id\": \"impression\"", u"sections[1].id"_qs,
                   "\"impression\"", 0, u"reserved"_qs},
        BrokenCase{"BadId", "\"id\": \"bones\"", "\"id\": \"Bones and more\"", u"sections[1].id"_qs,
                   "\"Bones and more\"", 0, u"not an id"_qs},
        BrokenCase{"InvalidUtf8", "骨\", \"en\": \"Bones\"", "\xff\xfe\", \"en\": \"Bones\"",
                   u"sections[1].title.ja"_qs, "\xff\xfe", 0, u"UTF-8"_qs},
        BrokenCase{"LineBreakInALabel", "\"en\": \"Bones\"", "\"en\": \"Bo\\nnes\"",
                   u"sections[1].title.en"_qs, "Bo\\nnes", 0, u"line breaks"_qs}),
    [](const testing::TestParamInfo<BrokenCase>& param) { return std::string(param.param.name); });

TEST(Templates, EveryProblemOfAFileIsReportedInLineOrder)
{
    QByteArray broken = replaced(kGood, "\"type\": \"number\"", "\"type\": \"slider\"");
    broken = replaced(broken, "\"en\": \"Test chest\"", "\"en\": \"\"");
    auto parsed = parseTemplate(broken, u"two.json"_qs);
    ASSERT_FALSE(parsed);
    ASSERT_GE(parsed.error().size(), 2) << describe(parsed.error());
    EXPECT_EQ(parsed.error().at(0).field, u"title.en"_qs);
    EXPECT_EQ(parsed.error().at(0).line, 4);
    EXPECT_EQ(parsed.error().at(1).field, u"sections[0].fields[1].type"_qs);
    EXPECT_EQ(
        parsed.error().at(1).toString(),
        u"two.json:%1: sections[0].fields[1].type: unknown field type \"slider\" (text, choice, number, "
        "measurement or keyImage)"_qs.arg(lineOf(broken, "\"slider\"")));
}

TEST(Templates, ADuplicateTemplateIdInAnotherDirectoryIsRefusedNamingBothFiles)
{
    QTemporaryDir first;
    QTemporaryDir second;
    writeFile(first.filePath(u"chest.json"_qs), kGood);
    writeFile(second.filePath(u"my-chest.json"_qs), replaced(kGood, "\"Test chest\"", "\"Changed chest\""));
    writeFile(second.filePath(u"other.json"_qs), replaced(kGood, "\"id\": \"good\"", "\"id\": \"other\""));
    const TemplateLibrary library = TemplateLibrary::load({first.path(), second.path()});
    ASSERT_EQ(library.templates().size(), 2) << describe(library.problems());
    EXPECT_EQ(library.find(u"good"_qs)->title.en, u"Test chest"_qs);
    EXPECT_NE(library.find(u"other"_qs), nullptr);
    ASSERT_EQ(library.problems().size(), 1);
    const TemplateProblem& p = library.problems().first();
    EXPECT_EQ(p.file, second.filePath(u"my-chest.json"_qs));
    EXPECT_EQ(p.field, u"id"_qs);
    EXPECT_TRUE(p.message.contains(first.filePath(u"chest.json"_qs))) << p.message.toStdString();
}

TEST(Templates, TheSchemaFileAndMissingDirectoriesAreNotTemplates)
{
    QTemporaryDir dir;
    writeFile(dir.filePath(u"template.schema.json"_qs), "{\"$schema\": \"x\", \"type\": \"object\"}");
    writeFile(dir.filePath(u"good.json"_qs), kGood);
    writeFile(dir.filePath(u"notes.txt"_qs), "not json");
    const TemplateLibrary library =
        TemplateLibrary::load({dir.path(), dir.filePath(u"does-not-exist"_qs), QString()});
    EXPECT_TRUE(library.problems().isEmpty()) << describe(library.problems());
    EXPECT_EQ(library.templates().size(), 1);
}

TEST(Templates, BestForPicksByModalityBodyPartAndDescription)
{
    const TemplateLibrary library = shipped();
    auto pick = [&](const char* modality, const char* part, const QString& description) {
        const ReportTemplate* t =
            library.bestFor(QString::fromLatin1(modality), QString::fromLatin1(part), description);
        return t ? t->id : u"(none)"_qs;
    };
    EXPECT_EQ(pick("CT", "CHEST", u"胸部単純CT"_qs), u"ct-chest"_qs);
    EXPECT_EQ(pick("CT", "CHEST", QString()), u"ct-chest"_qs);
    EXPECT_EQ(pick("ct", "chest", u"CT THORAX"_qs), u"ct-chest"_qs);
    EXPECT_EQ(pick("CT", "CHEST", u"胸部CT 肺がん検診"_qs), u"lung-screening-ct"_qs);
    EXPECT_EQ(pick("CT", "", u"LDCT SCREENING"_qs), u"lung-screening-ct"_qs);
    EXPECT_EQ(pick("CT", "CHEST", u"人間ドック 胸部低線量CT"_qs), u"lung-screening-ct"_qs);
    EXPECT_EQ(pick("CT", "HEAD", QString()), u"ct-head"_qs);
    EXPECT_EQ(pick("CT", "", u"頭部単純CT"_qs), u"ct-head"_qs);
    EXPECT_EQ(pick("CT", "ABDOMEN", u"腹部骨盤造影CT"_qs), u"ct-abdomen-pelvis"_qs);
    EXPECT_EQ(pick("CT", "", u"ＣＴ　ＡＢＤＯＭＥＮ　ＰＥＬＶＩＳ"_qs),
              u"ct-abdomen-pelvis"_qs); // full-width
    EXPECT_EQ(pick("CT", "KNEE", u"膝関節CT"_qs), u"generic-ct"_qs);
    EXPECT_EQ(pick("CT", "", QString()), u"generic-ct"_qs);
    EXPECT_EQ(pick("MR", "HEAD", u"頭部MRI"_qs), u"(none)"_qs);
}

TEST(Templates, BestForWithoutAGenericTemplateGivesNothingRatherThanAWrongOne)
{
    auto chest = parseTemplate(kGood, u"good.json"_qs);
    ASSERT_TRUE(chest);
    const TemplateLibrary library = TemplateLibrary::fromTemplates({*chest});
    EXPECT_EQ(library.bestFor(u"CT"_qs, u"KNEE"_qs, u"膝"_qs), nullptr);
    EXPECT_EQ(library.bestFor(u"CT"_qs, u"CHEST"_qs, QString()), library.find(u"good"_qs));
}

TEST(Templates, HostileInputIsRefusedWithoutCrashing)
{
    const auto refused = [](const QByteArray& bytes, const QString& messagePart, int line = -1) {
        auto parsed = parseTemplate(bytes, u"hostile.json"_qs);
        ASSERT_FALSE(parsed);
        ASSERT_FALSE(parsed.error().isEmpty());
        EXPECT_TRUE(parsed.error().first().message.contains(messagePart)) << describe(parsed.error());
        if (line >= 0) {
            EXPECT_EQ(parsed.error().first().line, line) << describe(parsed.error());
        }
    };
    refused(QByteArray(kMaxTemplateFileBytes + 1, ' '), u"1024 KiB"_qs, 0);
    refused(QByteArray(200000, '[') + QByteArray(200000, ']'), u"nested deeper than 32"_qs, 1);
    QByteArray deepObjects;
    for (int i = 0; i < 10000; ++i) {
        deepObjects += "{\"a\":\n";
    }
    refused(deepObjects, u"nested deeper than 32"_qs, 33);
    QByteArray manyValues = "[";
    for (int i = 0; i < kMaxTemplateJsonValues + 10; ++i) {
        manyValues += "0,";
    }
    manyValues += "0]";
    refused(manyValues, u"more than 50000 values"_qs, 1);
    refused(QByteArray(), u"empty"_qs, 1);
    refused("\n\n   \n", u"empty"_qs, 4);
    refused("{\"id\": \"\xC0\xAF\"}", u"UTF-8"_qs, 1);         // overlong '/'
    refused("{\"id\": \"\xED\xA0\x80\"}", u"UTF-8"_qs, 1);     // a surrogate
    refused("{\"id\": \"\xF4\x90\x80\x80\"}", u"UTF-8"_qs, 1); // above U+10FFFF
    refused("{\"id\": \"\xE3\x81\"}", u"UTF-8"_qs, 1);         // cut short
    refused(QByteArray("{\"id\": \"a\0b\"}", 13), u"control character"_qs, 1);
    refused("{\"id\": \"x\"}\n}", u"after the end"_qs, 2);
    refused("[1, 2]", u"one JSON object"_qs, 1);
    refused("{\"id\": 1e999999}", QString(), 1);
    refused("{\"a\": \"\\u12G4\"}", u"hexadecimal"_qs, 1);
    refused("{\"a\": tru}", u"expected a value"_qs, 1);
    refused("{\"a\": -}", u"not a number"_qs, 1);
    refused("{\"a\": 01}", u"expected , or }"_qs, 1);
    refused("{\n\"a\": 1,\n\"b\": 2", u"before every { and [ is closed"_qs, 3);
    refused("\x93\xfa\x96\x7b", u"UTF-8"_qs, 1); // 日本 in Shift_JIS
}

TEST(Templates, AByteOrderMarkIsAccepted)
{
    auto parsed = parseTemplate(QByteArray("\xEF\xBB\xBF") + kGood, u"bom.json"_qs);
    EXPECT_TRUE(parsed) << describe(parsed.error());
}

TEST(Templates, RandomlyDamagedTemplatesNeverCrashAndAlwaysNameALine)
{
    std::mt19937 random(20261203);
    const int lines = static_cast<int>(kGood.count('\n')) + 1;
    int refusedCount = 0;
    for (int round = 0; round < 3000; ++round) {
        QByteArray bytes = kGood;
        const int edits = 1 + static_cast<int>(random() % 4);
        for (int e = 0; e < edits; ++e) {
            const auto at = static_cast<qsizetype>(random() % static_cast<unsigned>(bytes.size()));
            switch (random() % 3) {
            case 0:
                bytes[at] = static_cast<char>(random() % 256);
                break;
            case 1:
                bytes.remove(at, 1 + static_cast<qsizetype>(random() % 8));
                break;
            default:
                bytes.insert(at, "{[\",:}]\\"[random() % 8]);
                break;
            }
        }
        auto parsed = parseTemplate(bytes, u"damaged.json"_qs);
        if (parsed) {
            continue;
        }
        ++refusedCount;
        for (const TemplateProblem& p : parsed.error()) {
            EXPECT_GE(p.line, 1) << p.toString().toStdString();
            EXPECT_LE(p.line, lines + 4) << p.toString().toStdString();
            EXPECT_FALSE(p.message.isEmpty());
        }
    }
    EXPECT_GT(refusedCount, 1500);
}

TEST(Templates, TheTemplateDirectoryIsTheAdministratorsSetting)
{
    QTemporaryDir home;
    const QString etc = home.filePath(u"etc"_qs);
    ASSERT_TRUE(QDir().mkpath(etc));
    QProcessEnvironment env;
    env.insert(u"DOKUEI_HOME"_qs, home.path());
    auto paths = WorkstationPaths::resolve(env, etc);
    ASSERT_TRUE(paths);

    auto defaults = Configuration::load(*paths);
    ASSERT_TRUE(defaults) << defaults.error().message.toStdString();
    EXPECT_EQ(defaults->templateDirectory, etc + u"/templates"_qs);

    writeFile(paths->systemConfigFile(), "[reporting]\ntemplate_dir=/srv/dokuei/templates\n");
    writeFile(paths->userConfigFile(), "[reporting]\ntemplate_dir=/home/someone/templates\n");
    auto set = Configuration::load(*paths);
    ASSERT_TRUE(set) << set.error().message.toStdString();
    EXPECT_EQ(set->templateDirectory, u"/srv/dokuei/templates"_qs) << "a user cannot replace the templates";

    writeFile(paths->systemConfigFile(), "[reporting]\ntemplate_dir=relative/templates\n");
    auto relative = Configuration::load(*paths);
    ASSERT_FALSE(relative);
    EXPECT_TRUE(relative.error().message.contains(u"reporting/template_dir"_qs));
}
