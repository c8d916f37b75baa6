#include "dokuei/exchange/DicomWebJson.h"

#include <cmath>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QJsonValue>

namespace dokuei::exchange {

namespace {

DicomWebError invalid(const QString& detail)
{
    return DicomWebError::make(DicomWebFailure::InvalidResponse, detail);
}

WebExpected<QJsonArray> topArray(const QByteArray& json)
{
    if (json.trimmed().isEmpty()) // Orthanc answers an empty body (204) for no match
        return QJsonArray{};
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return std::unexpected(invalid(QStringLiteral("JSON error at offset %1: %2")
                                           .arg(parseError.offset)
                                           .arg(parseError.errorString())));
    if (!doc.isArray())
        return std::unexpected(invalid(QStringLiteral("a JSON array of datasets was expected")));
    const QJsonArray array = doc.array();
    if (array.size() > DicomWebJson::kMaxResults)
        return std::unexpected(invalid(QStringLiteral("%1 datasets exceed the limit of %2")
                                           .arg(array.size())
                                           .arg(DicomWebJson::kMaxResults)));
    return array;
}

WebExpected<QJsonArray> values(const QJsonObject& dataset, const char* tag, bool* present)
{
    *present = false;
    const QJsonValue element = dataset.value(QLatin1String(tag));
    if (element.isUndefined() || element.isNull())
        return QJsonArray{};
    if (!element.isObject())
        return std::unexpected(
            invalid(QStringLiteral("attribute %1 is not a JSON object").arg(QLatin1String(tag))));
    const QJsonValue value = element.toObject().value(QLatin1String("Value"));
    if (value.isUndefined() || value.isNull())
        return QJsonArray{};
    if (!value.isArray())
        return std::unexpected(
            invalid(QStringLiteral("Value of %1 is not an array").arg(QLatin1String(tag))));
    const QJsonArray array = value.toArray();
    if (array.size() > DicomWebJson::kMaxValues)
        return std::unexpected(invalid(QStringLiteral("attribute %1 has %2 values (limit %3)")
                                           .arg(QLatin1String(tag))
                                           .arg(array.size())
                                           .arg(DicomWebJson::kMaxValues)));
    *present = true;
    return array;
}

WebExpected<QString> checkedString(const QString& s, const char* tag)
{
    if (s.size() > DicomWebJson::kMaxStringLength)
        return std::unexpected(invalid(QStringLiteral("a value of %1 is too long").arg(QLatin1String(tag))));
    return s;
}

WebExpected<QString> first(const QJsonObject& dataset, const char* tag, bool required = false)
{
    auto list = DicomWebJson::strings(dataset, tag);
    if (!list)
        return std::unexpected(list.error());
    if (list->isEmpty()) {
        if (required)
            return std::unexpected(
                invalid(QStringLiteral("required attribute %1 is missing").arg(QLatin1String(tag))));
        return QString();
    }
    return list->first();
}

WebExpected<int> integer(const QJsonObject& dataset, const char* tag)
{
    auto s = first(dataset, tag);
    if (!s)
        return std::unexpected(s.error());
    if (s->isEmpty())
        return -1;
    bool ok = false;
    const int n = s->trimmed().toInt(&ok);
    if (!ok || n < 0)
        return std::unexpected(
            invalid(QStringLiteral("attribute %1 is not a non-negative integer").arg(QLatin1String(tag))));
    return n;
}

template <typename T, typename F> WebExpected<QList<T>> parseEach(const QByteArray& json, F&& parseOne)
{
    auto array = topArray(json);
    if (!array)
        return std::unexpected(array.error());
    QList<T> out;
    out.reserve(array->size());
    for (qsizetype i = 0; i < array->size(); ++i) {
        const QJsonValue item = array->at(i);
        if (!item.isObject())
            return std::unexpected(invalid(QStringLiteral("dataset %1 is not a JSON object").arg(i)));
        WebExpected<T> parsed = parseOne(item.toObject());
        if (!parsed) {
            DicomWebError e = parsed.error();
            e.message += QStringLiteral(" [dataset %1]").arg(i);
            return std::unexpected(e);
        }
        out.append(std::move(*parsed));
    }
    return out;
}

#define DOKUEI_TRY(var, expr)                                                                                \
    auto var = (expr);                                                                                       \
    if (!var)                                                                                                \
        return std::unexpected(var.error());

} // namespace

WebExpected<QStringList> DicomWebJson::strings(const QJsonObject& dataset, const char* tag)
{
    bool present = false;
    DOKUEI_TRY(array, values(dataset, tag, &present));
    QStringList out;
    for (const QJsonValue& v : *array) {
        if (v.isString()) {
            DOKUEI_TRY(s, checkedString(v.toString(), tag));
            out.append(*s);
        } else if (v.isDouble()) {
            const double d = v.toDouble();
            if (!std::isfinite(d))
                return std::unexpected(
                    invalid(QStringLiteral("a value of %1 is not finite").arg(QLatin1String(tag))));
            out.append(d == std::floor(d) && std::fabs(d) < 9.0e15 ? QString::number(qint64(d))
                                                                   : QString::number(d, 'g', 17));
        } else if (v.isNull()) {
            out.append(QString());
        } else if (v.isObject()) {
            // a PN value: take its Alphabetic group
            const QJsonValue a = v.toObject().value(QLatin1String("Alphabetic"));
            if (!a.isUndefined() && !a.isString())
                return std::unexpected(
                    invalid(QStringLiteral("a value of %1 has the wrong type").arg(QLatin1String(tag))));
            DOKUEI_TRY(s, checkedString(a.toString(), tag));
            out.append(*s);
        } else {
            return std::unexpected(
                invalid(QStringLiteral("a value of %1 has the wrong type").arg(QLatin1String(tag))));
        }
    }
    return out;
}

WebExpected<PersonName> DicomWebJson::personName(const QJsonObject& dataset, const char* tag)
{
    bool present = false;
    DOKUEI_TRY(array, values(dataset, tag, &present));
    PersonName name;
    if (array->isEmpty())
        return name;
    const QJsonValue v = array->first();
    if (v.isNull())
        return name;
    if (v.isString()) { // lenient: some servers send a plain string
        DOKUEI_TRY(s, checkedString(v.toString(), tag));
        name.alphabetic = *s;
        return name;
    }
    if (!v.isObject())
        return std::unexpected(
            invalid(QStringLiteral("person name %1 is not a PN object").arg(QLatin1String(tag))));
    const QJsonObject pn = v.toObject();
    const auto group = [&](const char* key, QString* target) -> WebExpected<void> {
        const QJsonValue g = pn.value(QLatin1String(key));
        if (g.isUndefined() || g.isNull())
            return {};
        if (!g.isString())
            return std::unexpected(invalid(QStringLiteral("the %1 group of %2 is not a string")
                                               .arg(QLatin1String(key), QLatin1String(tag))));
        DOKUEI_TRY(s, checkedString(g.toString(), tag));
        *target = *s;
        return {};
    };
    DOKUEI_TRY(a, group("Alphabetic", &name.alphabetic));
    DOKUEI_TRY(i, group("Ideographic", &name.ideographic));
    DOKUEI_TRY(p, group("Phonetic", &name.phonetic));
    return name;
}

WebExpected<QList<StudyRecord>> DicomWebJson::parseStudies(const QByteArray& json)
{
    return parseEach<StudyRecord>(json, [](const QJsonObject& d) -> WebExpected<StudyRecord> {
        StudyRecord r;
        DOKUEI_TRY(uid, first(d, "0020000D", true));
        DOKUEI_TRY(name, personName(d, "00100010"));
        DOKUEI_TRY(pid, first(d, "00100020"));
        DOKUEI_TRY(date, first(d, "00080020"));
        DOKUEI_TRY(time, first(d, "00080030"));
        DOKUEI_TRY(desc, first(d, "00081030"));
        DOKUEI_TRY(acc, first(d, "00080050"));
        DOKUEI_TRY(mods, strings(d, "00080061"));
        DOKUEI_TRY(inst, first(d, "00080080"));
        DOKUEI_TRY(nseries, integer(d, "00201206"));
        DOKUEI_TRY(ninst, integer(d, "00201208"));
        DOKUEI_TRY(birth, first(d, "00100030"));
        DOKUEI_TRY(sex, first(d, "00100040"));
        DOKUEI_TRY(referring, personName(d, "00080090"));
        DOKUEI_TRY(reason, first(d, "00401002"));
        r.studyUid = *uid;
        r.patientName = *name;
        r.patientId = *pid;
        r.studyDate = *date;
        r.studyTime = *time;
        r.description = *desc;
        r.accessionNumber = *acc;
        r.modalities = *mods;
        r.institution = *inst;
        r.seriesCount = *nseries;
        r.instanceCount = *ninst;
        r.patientBirthDate = *birth;
        r.patientSex = *sex;
        r.referringPhysician = *referring;
        r.reasonForRequest = *reason;
        return r;
    });
}

WebExpected<QList<SeriesRecord>> DicomWebJson::parseSeries(const QByteArray& json)
{
    return parseEach<SeriesRecord>(json, [](const QJsonObject& d) -> WebExpected<SeriesRecord> {
        SeriesRecord r;
        DOKUEI_TRY(study, first(d, "0020000D"));
        DOKUEI_TRY(uid, first(d, "0020000E", true));
        DOKUEI_TRY(number, integer(d, "00200011"));
        DOKUEI_TRY(desc, first(d, "0008103E"));
        DOKUEI_TRY(mod, first(d, "00080060"));
        DOKUEI_TRY(count, integer(d, "00201209"));
        r.studyUid = *study;
        r.seriesUid = *uid;
        r.number = *number;
        r.description = *desc;
        r.modality = *mod;
        r.instanceCount = *count;
        return r;
    });
}

WebExpected<QList<InstanceRecord>> DicomWebJson::parseInstances(const QByteArray& json)
{
    return parseEach<InstanceRecord>(json, [](const QJsonObject& d) -> WebExpected<InstanceRecord> {
        InstanceRecord r;
        DOKUEI_TRY(study, first(d, "0020000D"));
        DOKUEI_TRY(series, first(d, "0020000E"));
        DOKUEI_TRY(uid, first(d, "00080018", true));
        DOKUEI_TRY(cls, first(d, "00080016"));
        DOKUEI_TRY(number, integer(d, "00200013"));
        r.studyUid = *study;
        r.seriesUid = *series;
        r.sopInstanceUid = *uid;
        r.sopClassUid = *cls;
        r.number = *number;
        return r;
    });
}

WebExpected<StowResult> DicomWebJson::parseStowResponse(const QByteArray& json)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return std::unexpected(invalid(QStringLiteral("JSON error at offset %1: %2")
                                           .arg(parseError.offset)
                                           .arg(parseError.errorString())));
    QJsonObject root;
    if (doc.isObject())
        root = doc.object();
    else if (doc.isArray() && doc.array().size() == 1 && doc.array().first().isObject())
        root = doc.array().first().toObject();
    else
        return std::unexpected(invalid(QStringLiteral("a STOW-RS response dataset was expected")));

    StowResult result;
    DOKUEI_TRY(url, first(root, "00081190"));
    result.retrieveUrl = *url;
    const auto sequence = [&](const char* tag, const auto& each) -> WebExpected<void> {
        bool present = false;
        DOKUEI_TRY(items, values(root, tag, &present));
        for (const QJsonValue& item : *items) {
            if (!item.isObject())
                return std::unexpected(
                    invalid(QStringLiteral("an item of %1 is not a dataset").arg(QLatin1String(tag))));
            DOKUEI_TRY(ok, each(item.toObject()));
        }
        return {};
    };
    DOKUEI_TRY(refs, sequence("00081199", [&](const QJsonObject& item) -> WebExpected<void> {
                   DOKUEI_TRY(uid, first(item, "00081155", true));
                   result.storedInstanceUids.append(*uid);
                   return {};
               }));
    DOKUEI_TRY(fails, sequence("00081198", [&](const QJsonObject& item) -> WebExpected<void> {
                   StowFailure f;
                   DOKUEI_TRY(cls, first(item, "00081150"));
                   DOKUEI_TRY(uid, first(item, "00081155"));
                   DOKUEI_TRY(reason, integer(item, "00081197"));
                   f.sopClassUid = *cls;
                   f.sopInstanceUid = *uid;
                   f.reason = *reason;
                   result.failures.append(f);
                   return {};
               }));
    return result;
}

} // namespace dokuei::exchange
