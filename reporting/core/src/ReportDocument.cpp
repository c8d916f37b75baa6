#include "dokuei/reporting/ReportDocument.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QUuid>

namespace dokuei::reporting {

namespace {

constexpr int kFormatVersion = 1;
/// A draft larger than this is not a report (a 5,000-character report with ten key images is < 8 MiB).
constexpr qsizetype kMaxDraftBytes = 64 * 1024 * 1024;
constexpr qsizetype kMaxItems = 10000;

QJsonObject imageJson(const ImageReference& r)
{
    return QJsonObject{{u"study"_qs, r.studyUid},
                       {u"series"_qs, r.seriesUid},
                       {u"sopInstance"_qs, r.sopInstanceUid},
                       {u"sopClass"_qs, r.sopClassUid},
                       {u"frame"_qs, r.frame},
                       {u"seriesNumber"_qs, r.seriesNumber},
                       {u"instanceNumber"_qs, r.instanceNumber},
                       {u"windowCenter"_qs, r.windowCenter},
                       {u"windowWidth"_qs, r.windowWidth}};
}

QJsonObject conceptJson(const CodedConcept& c)
{
    return QJsonObject{
        {u"code"_qs, c.code}, {u"scheme"_qs, c.scheme}, {u"ja"_qs, c.meaning.ja}, {u"en"_qs, c.meaning.en}};
}

/// Reads values with type checks; the first problem is kept with the path of the field.
class Reader
{
public:
    QString error;

    bool ok() const { return error.isEmpty(); }
    void fail(const QString& path, const QString& what)
    {
        if (error.isEmpty()) {
            error = QStringLiteral("%1: %2").arg(path, what);
        }
    }
    QString string(const QJsonObject& o, const QString& key, const QString& path, bool required = false)
    {
        const auto v = o.value(key);
        if (v.isUndefined() || v.isNull()) {
            if (required) {
                fail(path + u'.' + key, QStringLiteral("missing"));
            }
            return {};
        }
        if (!v.isString()) {
            fail(path + u'.' + key, QStringLiteral("not a string"));
            return {};
        }
        return v.toString();
    }
    double number(const QJsonObject& o, const QString& key, const QString& path)
    {
        const auto v = o.value(key);
        if (v.isUndefined() || v.isNull()) {
            return 0.0;
        }
        if (!v.isDouble()) {
            fail(path + u'.' + key, QStringLiteral("not a number"));
            return 0.0;
        }
        return v.toDouble();
    }
    int integer(const QJsonObject& o, const QString& key, const QString& path)
    {
        const double d = number(o, key, path);
        if (d < -1e9 || d > 1e9 || d != static_cast<double>(static_cast<qint64>(d))) {
            fail(path + u'.' + key, QStringLiteral("not an integer in range"));
            return 0;
        }
        return static_cast<int>(d);
    }
    QJsonArray array(const QJsonObject& o, const QString& key, const QString& path)
    {
        const auto v = o.value(key);
        if (v.isUndefined() || v.isNull()) {
            return {};
        }
        if (!v.isArray()) {
            fail(path + u'.' + key, QStringLiteral("not an array"));
            return {};
        }
        auto a = v.toArray();
        if (a.size() > kMaxItems) {
            fail(path + u'.' + key, QStringLiteral("too many items"));
            return {};
        }
        return a;
    }
    QJsonObject object(const QJsonValue& v, const QString& path)
    {
        if (!v.isObject()) {
            fail(path, QStringLiteral("not an object"));
            return {};
        }
        return v.toObject();
    }
    QJsonObject object(const QJsonObject& o, const QString& key, const QString& path)
    {
        const auto v = o.value(key);
        if (v.isUndefined() || v.isNull()) {
            return {};
        }
        return object(v, path + u'.' + key);
    }
    QStringList strings(const QJsonObject& o, const QString& key, const QString& path)
    {
        QStringList out;
        const auto a = array(o, key, path);
        for (qsizetype i = 0; i < a.size(); ++i) {
            if (!a[i].isString()) {
                fail(QStringLiteral("%1.%2[%3]").arg(path, key).arg(i), QStringLiteral("not a string"));
                return {};
            }
            out << a[i].toString();
        }
        return out;
    }
    ImageReference image(const QJsonObject& o, const QString& path)
    {
        ImageReference r;
        r.studyUid = string(o, u"study"_qs, path);
        r.seriesUid = string(o, u"series"_qs, path);
        r.sopInstanceUid = string(o, u"sopInstance"_qs, path);
        r.sopClassUid = string(o, u"sopClass"_qs, path);
        r.frame = integer(o, u"frame"_qs, path);
        r.seriesNumber = integer(o, u"seriesNumber"_qs, path);
        r.instanceNumber = integer(o, u"instanceNumber"_qs, path);
        r.windowCenter = number(o, u"windowCenter"_qs, path);
        r.windowWidth = number(o, u"windowWidth"_qs, path);
        return r;
    }
    CodedConcept coded(const QJsonObject& o, const QString& path)
    {
        CodedConcept c;
        c.code = string(o, u"code"_qs, path);
        c.scheme = string(o, u"scheme"_qs, path);
        c.meaning.ja = string(o, u"ja"_qs, path);
        c.meaning.en = string(o, u"en"_qs, path);
        return c;
    }
};

QString joinPerson(const QString& pn)
{
    QString s = pn;
    s.replace(u'^', u' ');
    return s.simplified();
}

QString fieldValueText(const TemplateField& field, const FieldValue& value, const ReportDocument& report)
{
    switch (field.type) {
    case FieldType::Text:
        return value.text;
    case FieldType::Choice:
        for (const auto& option : field.choices) {
            if (option.conceptName.code == value.choiceCode) {
                return option.conceptName.meaning.text(report.language);
            }
        }
        return value.choiceCode;
    case FieldType::Number:
        if (!value.number) {
            return {};
        }
        return QStringLiteral("%1 %2").arg(QString::number(*value.number, 'g', 6), field.unit).trimmed();
    case FieldType::Measurement:
    case FieldType::KeyImage: {
        QStringList parts;
        for (const auto& id : value.referenceIds) {
            if (const auto* m = report.measurement(id)) {
                parts << m->text;
            } else if (const auto* k = report.keyImage(id)) {
                parts << k->text;
            }
        }
        return parts.join(QStringLiteral("; "));
    }
    }
    return {};
}

} // namespace

QString reportStateName(ReportState state)
{
    switch (state) {
    case ReportState::Draft:
        return QStringLiteral("draft");
    case ReportState::Preliminary:
        return QStringLiteral("preliminary");
    case ReportState::Final:
        return QStringLiteral("final");
    }
    return QStringLiteral("draft");
}

std::optional<ReportState> reportStateFromName(QStringView name)
{
    if (name == u"draft") {
        return ReportState::Draft;
    }
    if (name == u"preliminary") {
        return ReportState::Preliminary;
    }
    if (name == u"final") {
        return ReportState::Final;
    }
    return std::nullopt;
}

SectionContent* ReportDocument::section(const QString& sectionId)
{
    for (auto& s : sections) {
        if (s.sectionId == sectionId) {
            return &s;
        }
    }
    return nullptr;
}

const SectionContent* ReportDocument::section(const QString& sectionId) const
{
    return const_cast<ReportDocument*>(this)->section(sectionId);
}

const MeasurementReference* ReportDocument::measurement(const QString& id) const
{
    for (const auto& m : measurements) {
        if (m.id == id) {
            return &m;
        }
    }
    return nullptr;
}

const KeyImageReference* ReportDocument::keyImage(const QString& id) const
{
    for (const auto& k : keyImages) {
        if (k.id == id) {
            return &k;
        }
    }
    return nullptr;
}

ReportDocument newReport(const ReportTemplate& tmpl, const ReportHeader& header, const ReportObserver& author,
                         const QString& language)
{
    ReportDocument r;
    r.reportId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    r.templateId = tmpl.id;
    r.templateVersion = tmpl.version;
    r.language = language.startsWith(u"en") ? QStringLiteral("en") : QStringLiteral("ja");
    r.header = header;
    r.author = author;
    r.created = QDateTime::currentDateTimeUtc();
    r.modified = r.created;
    for (const auto& s : tmpl.sections) {
        SectionContent c;
        c.sectionId = s.id;
        r.sections << c;
    }
    r.sections << SectionContent{QString::fromLatin1(kImpressionId), {}, {}, {}};
    r.sections << SectionContent{QString::fromLatin1(kRecommendationId), {}, {}, {}};
    return r;
}

QByteArray toJson(const ReportDocument& r)
{
    QJsonObject header{{u"patientNameAlphabetic"_qs, r.header.patientNameAlphabetic},
                       {u"patientNameIdeographic"_qs, r.header.patientNameIdeographic},
                       {u"patientNamePhonetic"_qs, r.header.patientNamePhonetic},
                       {u"patientId"_qs, r.header.patientId},
                       {u"patientBirthDate"_qs, r.header.patientBirthDate},
                       {u"patientSex"_qs, r.header.patientSex},
                       {u"studyUid"_qs, r.header.studyUid},
                       {u"studyId"_qs, r.header.studyId},
                       {u"studyDate"_qs, r.header.studyDate},
                       {u"studyTime"_qs, r.header.studyTime},
                       {u"studyDescription"_qs, r.header.studyDescription},
                       {u"accessionNumber"_qs, r.header.accessionNumber},
                       {u"modality"_qs, r.header.modality},
                       {u"bodyPart"_qs, r.header.bodyPart},
                       {u"requestingFacility"_qs, r.header.requestingFacility},
                       {u"referringPhysician"_qs, r.header.referringPhysician},
                       {u"clinicalQuestion"_qs, r.header.clinicalQuestion}};
    QJsonObject author{{u"userId"_qs, r.author.userId},
                       {u"personName"_qs, r.author.personName},
                       {u"organisation"_qs, r.author.organisation},
                       {u"role"_qs, r.author.role}};
    QJsonArray sections;
    for (const auto& s : r.sections) {
        QJsonArray spans;
        for (const auto& span : s.references) {
            spans.append(QJsonObject{{u"start"_qs, static_cast<double>(span.start)},
                                     {u"length"_qs, static_cast<double>(span.length)},
                                     {u"ref"_qs, span.referenceId}});
        }
        QJsonArray fields;
        for (const auto& f : s.fields) {
            QJsonObject o{{u"id"_qs, f.fieldId},
                          {u"text"_qs, f.text},
                          {u"choice"_qs, f.choiceCode},
                          {u"refs"_qs, QJsonArray::fromStringList(f.referenceIds)}};
            if (f.number) {
                o.insert(u"number"_qs, *f.number);
            }
            fields.append(o);
        }
        sections.append(QJsonObject{
            {u"id"_qs, s.sectionId}, {u"text"_qs, s.text}, {u"refs"_qs, spans}, {u"fields"_qs, fields}});
    }
    QJsonArray measurements;
    for (const auto& m : r.measurements) {
        measurements.append(QJsonObject{{u"id"_qs, m.id},
                                        {u"viewerId"_qs, m.viewerId},
                                        {u"kind"_qs, m.kind},
                                        {u"label"_qs, m.label},
                                        {u"value"_qs, m.value},
                                        {u"unit"_qs, m.unit},
                                        {u"concept"_qs, conceptJson(m.conceptName)},
                                        {u"image"_qs, imageJson(m.image)},
                                        {u"text"_qs, m.text}});
    }
    QJsonArray keyImages;
    for (const auto& k : r.keyImages) {
        keyImages.append(QJsonObject{{u"id"_qs, k.id},
                                     {u"image"_qs, imageJson(k.image)},
                                     {u"measurements"_qs, QJsonArray::fromStringList(k.measurementIds)},
                                     {u"description"_qs, k.description},
                                     {u"png"_qs, QString::fromLatin1(k.renderedPng.toBase64())},
                                     {u"text"_qs, k.text}});
    }
    QJsonArray unopened;
    for (const auto& u : r.unopenedSeries) {
        unopened.append(QJsonObject{{u"series"_qs, u.seriesUid}, {u"reason"_qs, u.reason}});
    }
    QJsonObject root{{u"format"_qs, u"dokuei-report"_qs},
                     {u"version"_qs, kFormatVersion},
                     {u"reportId"_qs, r.reportId},
                     {u"templateId"_qs, r.templateId},
                     {u"templateVersion"_qs, r.templateVersion},
                     {u"language"_qs, r.language},
                     {u"state"_qs, reportStateName(r.state)},
                     {u"created"_qs, r.created.toUTC().toString(Qt::ISODateWithMs)},
                     {u"modified"_qs, r.modified.toUTC().toString(Qt::ISODateWithMs)},
                     {u"header"_qs, header},
                     {u"author"_qs, author},
                     {u"sections"_qs, sections},
                     {u"measurements"_qs, measurements},
                     {u"keyImages"_qs, keyImages},
                     {u"openedSeries"_qs, QJsonArray::fromStringList(r.openedSeriesUids)},
                     {u"unopenedSeries"_qs, unopened},
                     {u"completenessOverride"_qs, r.completenessOverride}};
    return QJsonDocument(root).toJson(QJsonDocument::Compact);
}

Expected<ReportDocument> fromJson(QByteArrayView json)
{
    if (json.size() > kMaxDraftBytes) {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("report draft: %1 bytes is larger than any report").arg(json.size()));
    }
    QJsonParseError parseError{};
    const auto doc = QJsonDocument::fromJson(json.toByteArray(), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        return fail(ErrorCode::InvalidArgument, QStringLiteral("report draft: not JSON (%1 at byte %2)")
                                                    .arg(parseError.errorString())
                                                    .arg(parseError.offset));
    }
    if (!doc.isObject()) {
        return fail(ErrorCode::InvalidArgument, QStringLiteral("report draft: not a JSON object"));
    }
    const auto root = doc.object();
    Reader in;
    const QString path = QStringLiteral("report");
    if (in.string(root, u"format"_qs, path, true) != u"dokuei-report"_qs) {
        in.fail(path + u".format"_qs, QStringLiteral("not \"dokuei-report\""));
    }
    if (in.ok() && in.integer(root, u"version"_qs, path) != kFormatVersion) {
        in.fail(path + u".version"_qs,
                QStringLiteral("unknown version (this dokuei reads %1)").arg(kFormatVersion));
    }
    ReportDocument r;
    r.reportId = in.string(root, u"reportId"_qs, path, true);
    r.templateId = in.string(root, u"templateId"_qs, path, true);
    r.templateVersion = in.string(root, u"templateVersion"_qs, path);
    r.language = in.string(root, u"language"_qs, path);
    if (in.ok() && r.language != u"ja" && r.language != u"en") {
        in.fail(path + u".language"_qs, QStringLiteral("neither \"ja\" nor \"en\""));
    }
    const auto state = reportStateFromName(in.string(root, u"state"_qs, path, true));
    if (in.ok() && !state) {
        in.fail(path + u".state"_qs, QStringLiteral("unknown state"));
    }
    r.state = state.value_or(ReportState::Draft);
    r.created = QDateTime::fromString(in.string(root, u"created"_qs, path), Qt::ISODateWithMs);
    r.modified = QDateTime::fromString(in.string(root, u"modified"_qs, path), Qt::ISODateWithMs);

    const auto h = in.object(root, u"header"_qs, path);
    const QString hp = path + u".header"_qs;
    r.header.patientNameAlphabetic = in.string(h, u"patientNameAlphabetic"_qs, hp);
    r.header.patientNameIdeographic = in.string(h, u"patientNameIdeographic"_qs, hp);
    r.header.patientNamePhonetic = in.string(h, u"patientNamePhonetic"_qs, hp);
    r.header.patientId = in.string(h, u"patientId"_qs, hp);
    r.header.patientBirthDate = in.string(h, u"patientBirthDate"_qs, hp);
    r.header.patientSex = in.string(h, u"patientSex"_qs, hp);
    r.header.studyUid = in.string(h, u"studyUid"_qs, hp);
    r.header.studyId = in.string(h, u"studyId"_qs, hp);
    r.header.studyDate = in.string(h, u"studyDate"_qs, hp);
    r.header.studyTime = in.string(h, u"studyTime"_qs, hp);
    r.header.studyDescription = in.string(h, u"studyDescription"_qs, hp);
    r.header.accessionNumber = in.string(h, u"accessionNumber"_qs, hp);
    r.header.modality = in.string(h, u"modality"_qs, hp);
    r.header.bodyPart = in.string(h, u"bodyPart"_qs, hp);
    r.header.requestingFacility = in.string(h, u"requestingFacility"_qs, hp);
    r.header.referringPhysician = in.string(h, u"referringPhysician"_qs, hp);
    r.header.clinicalQuestion = in.string(h, u"clinicalQuestion"_qs, hp);

    const auto a = in.object(root, u"author"_qs, path);
    const QString ap = path + u".author"_qs;
    r.author.userId = in.string(a, u"userId"_qs, ap);
    r.author.personName = in.string(a, u"personName"_qs, ap);
    r.author.organisation = in.string(a, u"organisation"_qs, ap);
    r.author.role = in.string(a, u"role"_qs, ap);

    const auto sections = in.array(root, u"sections"_qs, path);
    for (qsizetype i = 0; i < sections.size() && in.ok(); ++i) {
        const QString sp = QStringLiteral("%1.sections[%2]").arg(path).arg(i);
        const auto o = in.object(sections[i], sp);
        SectionContent s;
        s.sectionId = in.string(o, u"id"_qs, sp, true);
        s.text = in.string(o, u"text"_qs, sp);
        const auto spans = in.array(o, u"refs"_qs, sp);
        for (qsizetype j = 0; j < spans.size() && in.ok(); ++j) {
            const QString rp = QStringLiteral("%1.refs[%2]").arg(sp).arg(j);
            const auto so = in.object(spans[j], rp);
            ReferenceSpan span;
            span.start = in.integer(so, u"start"_qs, rp);
            span.length = in.integer(so, u"length"_qs, rp);
            span.referenceId = in.string(so, u"ref"_qs, rp, true);
            if (in.ok() && (span.start < 0 || span.length <= 0 || span.start > s.text.size() ||
                            span.length > s.text.size() - span.start)) {
                in.fail(rp, QStringLiteral("outside the section's text"));
            }
            s.references << span;
        }
        const auto fields = in.array(o, u"fields"_qs, sp);
        for (qsizetype j = 0; j < fields.size() && in.ok(); ++j) {
            const QString fp = QStringLiteral("%1.fields[%2]").arg(sp).arg(j);
            const auto fo = in.object(fields[j], fp);
            FieldValue f;
            f.fieldId = in.string(fo, u"id"_qs, fp, true);
            f.text = in.string(fo, u"text"_qs, fp);
            f.choiceCode = in.string(fo, u"choice"_qs, fp);
            if (fo.contains(u"number"_qs)) {
                const auto v = fo.value(u"number"_qs);
                if (!v.isDouble()) {
                    in.fail(fp + u".number"_qs, QStringLiteral("not a number"));
                } else {
                    f.number = v.toDouble();
                }
            }
            f.referenceIds = in.strings(fo, u"refs"_qs, fp);
            s.fields << f;
        }
        r.sections << s;
    }
    const auto measurements = in.array(root, u"measurements"_qs, path);
    for (qsizetype i = 0; i < measurements.size() && in.ok(); ++i) {
        const QString mp = QStringLiteral("%1.measurements[%2]").arg(path).arg(i);
        const auto o = in.object(measurements[i], mp);
        MeasurementReference m;
        m.id = in.string(o, u"id"_qs, mp, true);
        m.viewerId = in.integer(o, u"viewerId"_qs, mp);
        m.kind = in.string(o, u"kind"_qs, mp);
        m.label = in.string(o, u"label"_qs, mp);
        m.value = in.number(o, u"value"_qs, mp);
        m.unit = in.string(o, u"unit"_qs, mp);
        m.conceptName = in.coded(in.object(o, u"concept"_qs, mp), mp + u".concept"_qs);
        m.image = in.image(in.object(o, u"image"_qs, mp), mp + u".image"_qs);
        m.text = in.string(o, u"text"_qs, mp);
        r.measurements << m;
    }
    const auto keyImages = in.array(root, u"keyImages"_qs, path);
    for (qsizetype i = 0; i < keyImages.size() && in.ok(); ++i) {
        const QString kp = QStringLiteral("%1.keyImages[%2]").arg(path).arg(i);
        const auto o = in.object(keyImages[i], kp);
        KeyImageReference k;
        k.id = in.string(o, u"id"_qs, kp, true);
        k.image = in.image(in.object(o, u"image"_qs, kp), kp + u".image"_qs);
        k.measurementIds = in.strings(o, u"measurements"_qs, kp);
        k.description = in.string(o, u"description"_qs, kp);
        const auto png = QByteArray::fromBase64Encoding(in.string(o, u"png"_qs, kp).toLatin1(),
                                                        QByteArray::AbortOnBase64DecodingErrors);
        if (!png) {
            in.fail(kp + u".png"_qs, QStringLiteral("not base64"));
        }
        k.renderedPng = *png;
        k.text = in.string(o, u"text"_qs, kp);
        r.keyImages << k;
    }
    r.openedSeriesUids = in.strings(root, u"openedSeries"_qs, path);
    const auto unopened = in.array(root, u"unopenedSeries"_qs, path);
    for (qsizetype i = 0; i < unopened.size() && in.ok(); ++i) {
        const QString up = QStringLiteral("%1.unopenedSeries[%2]").arg(path).arg(i);
        const auto o = in.object(unopened[i], up);
        r.unopenedSeries << UnopenedSeriesReason{in.string(o, u"series"_qs, up, true),
                                                 in.string(o, u"reason"_qs, up)};
    }
    r.completenessOverride = in.string(root, u"completenessOverride"_qs, path);
    if (!in.ok()) {
        return fail(ErrorCode::InvalidArgument, QStringLiteral("report draft: ") + in.error);
    }
    return r;
}

QList<ReportTextBlock> reportTextBlocks(const ReportDocument& report, const ReportTemplate& tmpl)
{
    using Kind = ReportTextBlock::Kind;
    const auto& lang = report.language;
    const bool ja = lang == u"ja";
    QList<ReportTextBlock> blocks;
    auto add = [&](Kind kind, const QString& text, const QString& referenceId = {}) {
        blocks << ReportTextBlock{kind, text, referenceId};
    };
    add(Kind::Title, tmpl.title.text(lang));
    const auto& h = report.header;
    const QString name =
        joinPerson(!h.patientNameIdeographic.isEmpty() ? h.patientNameIdeographic : h.patientNameAlphabetic);
    add(Kind::HeaderLine, (ja ? QStringLiteral("患者: %1 (ID %2)") : QStringLiteral("Patient: %1 (ID %2)"))
                              .arg(name, h.patientId));
    add(Kind::HeaderLine,
        (ja ? QStringLiteral("検査: %1 %2 受付番号 %3") : QStringLiteral("Study: %1 %2 Accession %3"))
            .arg(h.studyDate, h.studyDescription, h.accessionNumber)
            .simplified());
    if (!h.requestingFacility.isEmpty()) {
        add(Kind::HeaderLine,
            (ja ? QStringLiteral("依頼施設: %1") : QStringLiteral("Requesting facility: %1"))
                .arg(h.requestingFacility));
    }
    if (!h.clinicalQuestion.isEmpty()) {
        add(Kind::HeaderLine, (ja ? QStringLiteral("臨床情報: %1") : QStringLiteral("Clinical question: %1"))
                                  .arg(h.clinicalQuestion));
    }
    auto addSection = [&](const QString& title, const SectionContent* content,
                          const TemplateSection* section) {
        add(Kind::SectionTitle, title);
        if (content == nullptr) {
            return;
        }
        if (section != nullptr) {
            for (const auto& field : section->fields) {
                for (const auto& value : content->fields) {
                    if (value.fieldId == field.id && !value.isEmpty()) {
                        add(Kind::FieldLine,
                            QStringLiteral("%1: %2").arg(field.label.text(lang),
                                                         fieldValueText(field, value, report)));
                    }
                }
            }
        }
        if (!content->text.isEmpty()) {
            add(Kind::Text, content->text);
        }
    };
    for (const auto& section : tmpl.sections) {
        addSection(section.title.text(lang), report.section(section.id), &section);
    }
    addSection(ja ? QStringLiteral("診断") : QStringLiteral("Impression"),
               report.section(QString::fromLatin1(kImpressionId)), nullptr);
    addSection(ja ? QStringLiteral("推奨") : QStringLiteral("Recommendation"),
               report.section(QString::fromLatin1(kRecommendationId)), nullptr);
    if (!report.measurements.isEmpty()) {
        add(Kind::SectionTitle, ja ? QStringLiteral("計測") : QStringLiteral("Measurements"));
        for (const auto& m : report.measurements) {
            const QString value = !m.text.isEmpty()
                                      ? m.text
                                      : QStringLiteral("%1 %2").arg(QString::number(m.value, 'g', 6), m.unit);
            add(Kind::Measurement,
                QStringLiteral("%1: %2").arg(m.label.isEmpty() ? m.id : m.label, value.trimmed()));
        }
    }
    if (!report.keyImages.isEmpty()) {
        add(Kind::SectionTitle, ja ? QStringLiteral("キー画像") : QStringLiteral("Key images"));
        for (const auto& k : report.keyImages) {
            QString caption = k.text.isEmpty() ? k.id : k.text;
            if (!k.description.isEmpty()) {
                caption += QStringLiteral(": ") + k.description;
            }
            add(Kind::KeyImage, caption, k.id);
        }
    }
    // The reader: the ideographic group of the PN for a Japanese report when there is one.
    const QStringList groups = report.author.personName.split(u'=');
    const QString reader =
        joinPerson(ja && groups.size() > 1 && !groups[1].isEmpty() ? groups[1] : groups.value(0));
    QString readerLine = (ja ? QStringLiteral("読影医: %1") : QStringLiteral("Reader: %1")).arg(reader);
    if (!report.author.organisation.isEmpty()) {
        readerLine += QStringLiteral(" (%1)").arg(report.author.organisation);
    }
    if (report.modified.isValid()) {
        readerLine += u' ' + report.modified.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"));
    }
    add(Kind::Reader, readerLine);
    return blocks;
}

QString reportPlainText(const ReportDocument& report, const ReportTemplate& tmpl)
{
    QStringList lines;
    for (const auto& block : reportTextBlocks(report, tmpl)) {
        lines << block.text;
    }
    return lines.join(u'\n');
}

} // namespace dokuei::reporting
