// parseTemplate and loadTemplateFile: the template format's validator (resources/templates/README.md).
// The JSON is scanned first (TemplateJsonIndex: strict syntax, UTF-8, depth, duplicate keys, the line of
// every value), then read with QJsonDocument and checked field by field, collecting every problem with
// the line of the value at fault, so an administrator fixes a file in one pass.
#include "TemplateJsonIndex.h"
#include "dokuei/reporting/ReportDocument.h"
#include "dokuei/reporting/TemplateLibrary.h"

#include <algorithm>
#include <cmath>
#include <initializer_list>

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>

namespace dokuei::reporting {

namespace {

using detail::TemplateJsonIndex;

constexpr qsizetype kMaxSections = 100;
constexpr qsizetype kMaxFieldsPerSection = 100;
constexpr qsizetype kMaxChoices = 200;
constexpr qsizetype kMaxListItems = 100;
constexpr qsizetype kMaxLabelLength = 200;
constexpr qsizetype kMaxTextLength = 10000;

/// A catalogue string chosen at run time (marked with QT_TRANSLATE_NOOP below).
QString translated(const char* text)
{
    return TemplateLibrary::tr(text);
}

const QRegularExpression& idPattern()
{
    static const QRegularExpression pattern(QStringLiteral("^[a-z0-9][a-z0-9._-]{0,63}$"));
    return pattern;
}

const QRegularExpression& modalityPattern()
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Z0-9]{1,16}$"));
    return pattern;
}

const QRegularExpression& bodyPartPattern()
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Z0-9_ ]{1,16}$"));
    return pattern;
}

const QRegularExpression& schemePattern()
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9_.-]{1,16}$"));
    return pattern;
}

/// UCUM case-sensitive codes are printable ASCII without spaces (UCUM §1); the full grammar is not
/// checked here: "mm", "[hnsf'U]", "cm3", "mm2", "mL", "%", "1".
const QRegularExpression& unitPattern()
{
    static const QRegularExpression pattern(QStringLiteral("^[!#-~]{1,32}$"));
    return pattern;
}

std::optional<FieldType> fieldTypeFromName(const QString& name)
{
    if (name == u"text") {
        return FieldType::Text;
    }
    if (name == u"choice") {
        return FieldType::Choice;
    }
    if (name == u"number") {
        return FieldType::Number;
    }
    if (name == u"measurement") {
        return FieldType::Measurement;
    }
    if (name == u"keyImage") {
        return FieldType::KeyImage;
    }
    return std::nullopt;
}

const char* jsonTypeName(const QJsonValue& v)
{
    switch (v.type()) {
    case QJsonValue::Null:
        return "null";
    case QJsonValue::Bool:
        return "true/false";
    case QJsonValue::Double:
        return "a number";
    case QJsonValue::String:
        return "a string";
    case QJsonValue::Array:
        return "an array";
    case QJsonValue::Object:
        return "an object";
    case QJsonValue::Undefined:
        break;
    }
    return "nothing";
}

enum class Lines
{
    One,  ///< titles, labels: no line breaks
    Many, ///< normal texts and advice: line breaks allowed
};

/// Reads one template object, collecting problems.
class TemplateReader
{
public:
    TemplateReader(const TemplateJsonIndex& index, QString fileName)
        : m_index(index), m_file(std::move(fileName))
    {}

    QList<TemplateProblem> problems;

    ReportTemplate read(const QJsonObject& root);

private:
    void problem(const QString& path, const QString& message)
    {
        problems.append(TemplateProblem{m_file, m_index.lineOf(path), path, message});
    }
    static QString member(const QString& parent, const QString& key)
    {
        return TemplateJsonIndex::member(parent, key);
    }
    void checkKeys(const QJsonObject& o, const QString& path, std::initializer_list<QStringView> allowed);
    bool present(const QJsonObject& o, const QString& key, const QString& path, bool required);
    QString string(const QJsonObject& o, const QString& key, const QString& path, bool required,
                   qsizetype maxLength, Lines lines = Lines::One);
    bool boolean(const QJsonObject& o, const QString& key, const QString& path);
    std::optional<double> number(const QJsonObject& o, const QString& key, const QString& path);
    QJsonObject object(const QJsonObject& o, const QString& key, const QString& path, bool required);
    QJsonArray array(const QJsonObject& o, const QString& key, const QString& path, bool required,
                     qsizetype maxItems);
    QStringList strings(const QJsonObject& o, const QString& key, const QString& path, bool required,
                        const QRegularExpression* pattern, const QString& patternHint);
    QString id(const QJsonObject& o, const QString& path);
    void checkText(const QString& text, const QString& path, qsizetype maxLength, Lines lines);
    void readBothLanguages(const QJsonObject& o, const QString& path, LocalizedText& text,
                           qsizetype maxLength, Lines lines);
    LocalizedText localized(const QJsonObject& o, const QString& key, const QString& path, bool required,
                            qsizetype maxLength, Lines lines = Lines::One);
    CodedConcept coded(const QJsonObject& o, const QString& path);
    CodedConcept codedMember(const QJsonObject& o, const QString& key, const QString& path);
    TemplateSection section(const QJsonObject& o, const QString& path, QSet<QString>& fieldIds);
    TemplateField field(const QJsonObject& o, const QString& path, QSet<QString>& fieldIds);

    const TemplateJsonIndex& m_index;
    QString m_file;
};

void TemplateReader::checkKeys(const QJsonObject& o, const QString& path,
                               std::initializer_list<QStringView> allowed)
{
    for (auto it = o.constBegin(); it != o.constEnd(); ++it) {
        if (std::find(allowed.begin(), allowed.end(), it.key()) == allowed.end()) {
            QStringList names;
            for (const QStringView name : allowed) {
                names << name.toString();
            }
            problem(member(path, it.key()), TemplateLibrary::tr("unknown key \"%1\" (allowed here: %2)")
                                                .arg(it.key(), names.join(QStringLiteral(", "))));
        }
    }
}

bool TemplateReader::present(const QJsonObject& o, const QString& key, const QString& path, bool required)
{
    if (o.contains(key)) {
        return true;
    }
    if (required) {
        problem(member(path, key), TemplateLibrary::tr("required, but missing"));
    }
    return false;
}

void TemplateReader::checkText(const QString& text, const QString& path, qsizetype maxLength, Lines lines)
{
    if (text.size() > maxLength) {
        problem(path, TemplateLibrary::tr("longer than %1 characters").arg(maxLength));
        return;
    }
    if (!QStringView(text).isValidUtf16()) {
        problem(path, TemplateLibrary::tr("contains a control or replacement character"));
        return;
    }
    for (const QChar c : text) {
        const bool lineBreak = c == u'\n';
        if ((c.category() == QChar::Other_Control && !(lineBreak && lines == Lines::Many) && c != u'\t') ||
            c == QChar::ReplacementCharacter || c.isNonCharacter()) {
            problem(path, lineBreak ? TemplateLibrary::tr("no line breaks allowed here")
                                    : TemplateLibrary::tr("contains a control or replacement character"));
            return;
        }
    }
}

QString TemplateReader::string(const QJsonObject& o, const QString& key, const QString& path, bool required,
                               qsizetype maxLength, Lines lines)
{
    if (!present(o, key, path, required)) {
        return {};
    }
    const QString at = member(path, key);
    const QJsonValue v = o.value(key);
    if (!v.isString()) {
        problem(at, TemplateLibrary::tr("must be a string, not %1").arg(translated(jsonTypeName(v))));
        return {};
    }
    const QString s = v.toString();
    if (required && s.trimmed().isEmpty()) {
        problem(at, TemplateLibrary::tr("must not be empty"));
        return {};
    }
    checkText(s, at, maxLength, lines);
    return s;
}

bool TemplateReader::boolean(const QJsonObject& o, const QString& key, const QString& path)
{
    if (!present(o, key, path, false)) {
        return false;
    }
    const QJsonValue v = o.value(key);
    if (!v.isBool()) {
        problem(member(path, key),
                TemplateLibrary::tr("must be true or false, not %1").arg(translated(jsonTypeName(v))));
        return false;
    }
    return v.toBool();
}

std::optional<double> TemplateReader::number(const QJsonObject& o, const QString& key, const QString& path)
{
    if (!present(o, key, path, false)) {
        return std::nullopt;
    }
    const QJsonValue v = o.value(key);
    if (!v.isDouble() || !std::isfinite(v.toDouble())) {
        problem(member(path, key),
                TemplateLibrary::tr("must be a finite number, not %1").arg(translated(jsonTypeName(v))));
        return std::nullopt;
    }
    return v.toDouble();
}

QJsonObject TemplateReader::object(const QJsonObject& o, const QString& key, const QString& path,
                                   bool required)
{
    if (!present(o, key, path, required)) {
        return {};
    }
    const QJsonValue v = o.value(key);
    if (!v.isObject()) {
        problem(member(path, key),
                TemplateLibrary::tr("must be an object {…}, not %1").arg(translated(jsonTypeName(v))));
        return {};
    }
    return v.toObject();
}

QJsonArray TemplateReader::array(const QJsonObject& o, const QString& key, const QString& path, bool required,
                                 qsizetype maxItems)
{
    if (!present(o, key, path, required)) {
        return {};
    }
    const QString at = member(path, key);
    const QJsonValue v = o.value(key);
    if (!v.isArray()) {
        problem(at, TemplateLibrary::tr("must be an array […], not %1").arg(translated(jsonTypeName(v))));
        return {};
    }
    const QJsonArray a = v.toArray();
    if (required && a.isEmpty()) {
        problem(at, TemplateLibrary::tr("must not be empty"));
    }
    if (a.size() > maxItems) {
        problem(at, TemplateLibrary::tr("more than %1 items").arg(maxItems));
        return {};
    }
    return a;
}

QStringList TemplateReader::strings(const QJsonObject& o, const QString& key, const QString& path,
                                    bool required, const QRegularExpression* pattern,
                                    const QString& patternHint)
{
    const QString at = member(path, key);
    const QJsonArray a = array(o, key, path, required, kMaxListItems);
    QStringList result;
    for (qsizetype i = 0; i < a.size(); ++i) {
        const QString itemPath = TemplateJsonIndex::element(at, i);
        if (!a.at(i).isString() || a.at(i).toString().trimmed().isEmpty()) {
            problem(itemPath, TemplateLibrary::tr("must be a non-empty string"));
            continue;
        }
        const QString s = a.at(i).toString();
        if (pattern && !pattern->match(s).hasMatch()) {
            problem(itemPath, TemplateLibrary::tr("\"%1\" is not %2").arg(s, patternHint));
            continue;
        }
        checkText(s, itemPath, kMaxLabelLength, Lines::One);
        if (result.contains(s, Qt::CaseInsensitive)) {
            problem(itemPath, TemplateLibrary::tr("\"%1\" is listed twice").arg(s));
            continue;
        }
        result << s;
    }
    return result;
}

QString TemplateReader::id(const QJsonObject& o, const QString& path)
{
    const QString value = string(o, QStringLiteral("id"), path, true, 64);
    if (!value.isEmpty() && !idPattern().match(value).hasMatch()) {
        problem(member(path, QStringLiteral("id")),
                TemplateLibrary::tr("\"%1\" is not an id: use 1 to 64 lower-case letters, digits, '.', '_' "
                                    "or '-', starting with a letter or digit")
                    .arg(value));
    }
    return value;
}

void TemplateReader::readBothLanguages(const QJsonObject& o, const QString& path, LocalizedText& text,
                                       qsizetype maxLength, Lines lines)
{
    text.ja = string(o, QStringLiteral("ja"), path, false, maxLength, lines);
    text.en = string(o, QStringLiteral("en"), path, false, maxLength, lines);
    // A value of the wrong type has its problem already.
    const auto missing = [&](const QString& key, const QString& value) {
        return value.trimmed().isEmpty() && (!o.contains(key) || o.value(key).isString());
    };
    if (missing(QStringLiteral("ja"), text.ja)) {
        problem(member(path, QStringLiteral("ja")), TemplateLibrary::tr("the Japanese text is missing"));
    }
    if (missing(QStringLiteral("en"), text.en)) {
        problem(member(path, QStringLiteral("en")), TemplateLibrary::tr("the English text is missing"));
    }
}

LocalizedText TemplateReader::localized(const QJsonObject& o, const QString& key, const QString& path,
                                        bool required, qsizetype maxLength, Lines lines)
{
    LocalizedText text;
    if (!present(o, key, path, required)) {
        return text;
    }
    const QString at = member(path, key);
    const QJsonObject t = object(o, key, path, true);
    if (!o.value(key).isObject()) {
        return text;
    }
    checkKeys(t, at, {u"ja", u"en"});
    readBothLanguages(t, at, text, maxLength, lines);
    return text;
}

CodedConcept TemplateReader::coded(const QJsonObject& c, const QString& path)
{
    CodedConcept result;
    result.code = string(c, QStringLiteral("code"), path, true, 64);
    result.scheme = string(c, QStringLiteral("scheme"), path, true, 16);
    if (!result.scheme.isEmpty() && !schemePattern().match(result.scheme).hasMatch()) {
        problem(member(path, QStringLiteral("scheme")),
                TemplateLibrary::tr("\"%1\" is not a coding scheme designator (\"SCT\", \"LN\", \"DCM\", "
                                    "\"RADLEX\", \"99DOKUEI\")")
                    .arg(result.scheme));
    }
    readBothLanguages(c, path, result.meaning, kMaxLabelLength, Lines::One);
    return result;
}

CodedConcept TemplateReader::codedMember(const QJsonObject& o, const QString& key, const QString& path)
{
    const QString at = member(path, key);
    const QJsonObject c = object(o, key, path, true);
    if (!o.value(key).isObject()) {
        return {};
    }
    checkKeys(c, at, {u"code", u"scheme", u"ja", u"en"});
    return coded(c, at);
}

TemplateField TemplateReader::field(const QJsonObject& o, const QString& path, QSet<QString>& fieldIds)
{
    checkKeys(
        o, path,
        {u"id", u"type", u"label", u"concept", u"required", u"unit", u"minimum", u"maximum", u"choices"});
    TemplateField f;
    f.id = id(o, path);
    if (!f.id.isEmpty()) {
        if (fieldIds.contains(f.id)) {
            problem(member(path, QStringLiteral("id")),
                    TemplateLibrary::tr("the field id \"%1\" is used twice in this template").arg(f.id));
        }
        fieldIds.insert(f.id);
    }
    const QString typeName = string(o, QStringLiteral("type"), path, true, 32);
    const auto type = fieldTypeFromName(typeName);
    if (!typeName.isEmpty() && !type) {
        problem(
            member(path, QStringLiteral("type")),
            TemplateLibrary::tr("unknown field type \"%1\" (text, choice, number, measurement or keyImage)")
                .arg(typeName));
    }
    f.type = type.value_or(FieldType::Text);
    f.label = localized(o, QStringLiteral("label"), path, true, kMaxLabelLength);
    f.conceptName = codedMember(o, QStringLiteral("concept"), path);
    f.required = boolean(o, QStringLiteral("required"), path);

    const bool isNumber = type == FieldType::Number;
    const bool isChoice = type == FieldType::Choice;
    const QString unitKey = QStringLiteral("unit");
    f.unit = string(o, unitKey, path, false, 32);
    if (isNumber) {
        if (!o.contains(unitKey) || (o.value(unitKey).isString() && f.unit.trimmed().isEmpty())) {
            problem(
                member(path, unitKey),
                TemplateLibrary::tr("a number field needs its UCUM unit (\"mm\", \"[hnsf'U]\", \"cm3\")"));
        } else if (!f.unit.isEmpty() && !unitPattern().match(f.unit).hasMatch()) {
            problem(member(path, unitKey),
                    TemplateLibrary::tr("\"%1\" is not a UCUM unit code (no spaces; \"mm\", \"cm3\")")
                        .arg(f.unit));
        }
    } else if (type && o.contains(unitKey)) {
        problem(member(path, unitKey), TemplateLibrary::tr("only a number field has a unit"));
    }
    f.minimum = number(o, QStringLiteral("minimum"), path);
    f.maximum = number(o, QStringLiteral("maximum"), path);
    for (const auto* key : {"minimum", "maximum"}) {
        if (type && !isNumber && o.contains(QLatin1String(key))) {
            problem(member(path, QLatin1String(key)), TemplateLibrary::tr("only a number field has a range"));
        }
    }
    if (f.minimum && f.maximum && *f.minimum > *f.maximum) {
        problem(member(path, QStringLiteral("maximum")),
                TemplateLibrary::tr("the maximum is less than the minimum"));
    }

    const QString choicesPath = member(path, QStringLiteral("choices"));
    if (type && !isChoice && o.contains(QStringLiteral("choices"))) {
        problem(choicesPath, TemplateLibrary::tr("only a choice field has choices"));
    }
    if (isChoice) {
        const QJsonArray choices = array(o, QStringLiteral("choices"), path, true, kMaxChoices);
        QSet<QString> codes;
        for (qsizetype i = 0; i < choices.size(); ++i) {
            const QString at = TemplateJsonIndex::element(choicesPath, i);
            if (!choices.at(i).isObject()) {
                problem(at, TemplateLibrary::tr("a choice must be an object {code, scheme, ja, en}"));
                continue;
            }
            const QJsonObject c = choices.at(i).toObject();
            checkKeys(c, at, {u"code", u"scheme", u"ja", u"en", u"advice"});
            ChoiceOption option;
            option.conceptName = coded(c, at);
            option.advice = localized(c, QStringLiteral("advice"), at, false, kMaxTextLength, Lines::Many);
            const QString key = option.conceptName.scheme + u'\x1f' + option.conceptName.code;
            if (!option.conceptName.code.isEmpty() && codes.contains(key)) {
                problem(member(at, QStringLiteral("code")),
                        TemplateLibrary::tr("the choice %1 is listed twice").arg(option.conceptName.code));
            }
            codes.insert(key);
            f.choices << option;
        }
    }
    return f;
}

TemplateSection TemplateReader::section(const QJsonObject& o, const QString& path, QSet<QString>& fieldIds)
{
    checkKeys(o, path, {u"id", u"title", u"concept", u"normalText", u"required", u"fields"});
    TemplateSection s;
    s.id = id(o, path);
    if (s.id == QLatin1String(kImpressionId) || s.id == QLatin1String(kRecommendationId)) {
        problem(member(path, QStringLiteral("id")),
                TemplateLibrary::tr("\"%1\" is reserved: every report has an impression and a recommendation "
                                    "of its own")
                    .arg(s.id));
    }
    s.title = localized(o, QStringLiteral("title"), path, true, kMaxLabelLength);
    s.conceptName = codedMember(o, QStringLiteral("concept"), path);
    s.normalText = localized(o, QStringLiteral("normalText"), path, false, kMaxTextLength, Lines::Many);
    s.required = boolean(o, QStringLiteral("required"), path);
    const QString fieldsPath = member(path, QStringLiteral("fields"));
    const QJsonArray fields = array(o, QStringLiteral("fields"), path, false, kMaxFieldsPerSection);
    for (qsizetype i = 0; i < fields.size(); ++i) {
        const QString at = TemplateJsonIndex::element(fieldsPath, i);
        if (!fields.at(i).isObject()) {
            problem(at, TemplateLibrary::tr("a field must be an object {id, type, label, concept, …}"));
            continue;
        }
        s.fields << field(fields.at(i).toObject(), at, fieldIds);
    }
    return s;
}

ReportTemplate TemplateReader::read(const QJsonObject& root)
{
    checkKeys(root, {},
              {u"$schema", u"id", u"version", u"title", u"documentTitle", u"modalities", u"bodyParts",
               u"descriptionKeywords", u"generic", u"sections"});
    string(root, QStringLiteral("$schema"), {}, false, 1000);
    ReportTemplate t;
    t.sourceFile = m_file;
    t.id = id(root, {});
    t.version = string(root, QStringLiteral("version"), {}, true, 32);
    t.title = localized(root, QStringLiteral("title"), {}, true, kMaxLabelLength);
    t.documentTitle = codedMember(root, QStringLiteral("documentTitle"), {});
    t.modalities = strings(root, QStringLiteral("modalities"), {}, true, &modalityPattern(),
                           TemplateLibrary::tr("a DICOM modality (\"CT\", upper case)"));
    t.bodyParts = strings(root, QStringLiteral("bodyParts"), {}, false, &bodyPartPattern(),
                          TemplateLibrary::tr("a DICOM Body Part Examined term (\"CHEST\", upper case)"));
    t.descriptionKeywords = strings(root, QStringLiteral("descriptionKeywords"), {}, false, nullptr, {});
    t.generic = boolean(root, QStringLiteral("generic"), {});

    const QString sectionsPath = QStringLiteral("sections");
    const QJsonArray sections = array(root, sectionsPath, {}, true, kMaxSections);
    QSet<QString> sectionIds;
    QSet<QString> fieldIds;
    for (qsizetype i = 0; i < sections.size(); ++i) {
        const QString at = TemplateJsonIndex::element(sectionsPath, i);
        if (!sections.at(i).isObject()) {
            problem(at, TemplateLibrary::tr("a section must be an object {id, title, concept, …}"));
            continue;
        }
        TemplateSection s = section(sections.at(i).toObject(), at, fieldIds);
        if (!s.id.isEmpty() && sectionIds.contains(s.id)) {
            problem(member(at, QStringLiteral("id")),
                    TemplateLibrary::tr("the section id \"%1\" is used twice in this template").arg(s.id));
        }
        sectionIds.insert(s.id);
        t.sections << std::move(s);
    }
    return t;
}

// The type names of jsonTypeName(), for the catalogue.
[[maybe_unused]] const char* const kTypeNames[] = {
    QT_TRANSLATE_NOOP("dokuei::reporting::TemplateLibrary", "null"),
    QT_TRANSLATE_NOOP("dokuei::reporting::TemplateLibrary", "true/false"),
    QT_TRANSLATE_NOOP("dokuei::reporting::TemplateLibrary", "a number"),
    QT_TRANSLATE_NOOP("dokuei::reporting::TemplateLibrary", "a string"),
    QT_TRANSLATE_NOOP("dokuei::reporting::TemplateLibrary", "an array"),
    QT_TRANSLATE_NOOP("dokuei::reporting::TemplateLibrary", "an object"),
    QT_TRANSLATE_NOOP("dokuei::reporting::TemplateLibrary", "nothing"),
};

} // namespace

TemplateParseResult parseTemplate(QByteArrayView json, const QString& fileName)
{
    auto refuse = [&](int line, const QString& field, const QString& message) {
        return std::unexpected(QList<TemplateProblem>{TemplateProblem{fileName, line, field, message}});
    };
    if (json.size() > kMaxTemplateFileBytes) {
        return refuse(0, {},
                      TemplateLibrary::tr("larger than %1 KiB: this is not a report template")
                          .arg(kMaxTemplateFileBytes / 1024));
    }
    auto index = TemplateJsonIndex::scan(json, kMaxTemplateJsonDepth, kMaxTemplateJsonValues);
    if (!index) {
        return refuse(index.error().line, index.error().path,
                      TemplateLibrary::tr("JSON syntax: %1").arg(index.error().message));
    }
    QByteArrayView body = json;
    if (body.startsWith("\xEF\xBB\xBF")) {
        body = body.sliced(3);
    }
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(body.toByteArray(), &error);
    if (error.error != QJsonParseError::NoError) {
        // The scan is at least as strict as Qt's parser; this is a safety net with Qt's own words.
        const int line =
            1 +
            static_cast<int>(
                body.first(std::clamp<qsizetype>(error.offset, 0, body.size())).toByteArray().count('\n'));
        return refuse(line, {}, TemplateLibrary::tr("JSON syntax: %1").arg(error.errorString()));
    }
    if (!doc.isObject()) {
        return refuse(1, {}, TemplateLibrary::tr("a template is one JSON object {…}"));
    }
    TemplateReader reader(*index, fileName);
    ReportTemplate tmpl = reader.read(doc.object());
    if (!reader.problems.isEmpty()) {
        std::stable_sort(reader.problems.begin(), reader.problems.end(),
                         [](const TemplateProblem& a, const TemplateProblem& b) { return a.line < b.line; });
        return std::unexpected(reader.problems);
    }
    return tmpl;
}

TemplateParseResult loadTemplateFile(const QString& path)
{
    const QFileInfo info(path);
    if (!info.exists() || !info.isFile()) {
        return std::unexpected(
            QList<TemplateProblem>{TemplateProblem{path, 0, {}, TemplateLibrary::tr("no such file")}});
    }
    if (info.size() > kMaxTemplateFileBytes) {
        return std::unexpected(QList<TemplateProblem>{
            TemplateProblem{path,
                            0,
                            {},
                            TemplateLibrary::tr("larger than %1 KiB: this is not a report template")
                                .arg(kMaxTemplateFileBytes / 1024)}});
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return std::unexpected(QList<TemplateProblem>{
            TemplateProblem{path, 0, {}, TemplateLibrary::tr("cannot be read: %1").arg(file.errorString())}});
    }
    // Read at most one byte past the limit: a file growing after the size check is still refused.
    const QByteArray bytes = file.read(kMaxTemplateFileBytes + 1);
    return parseTemplate(bytes, path);
}

} // namespace dokuei::reporting
