#include "TruthDocument.h"

#include "Format.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

namespace dokuei::phantom {
namespace {

using namespace Qt::Literals::StringLiterals;

QString q(std::string_view s)
{
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

QJsonArray vec(const Vec3& v)
{
    return QJsonArray{decimalStringValue(v[0]), decimalStringValue(v[1]), decimalStringValue(v[2])};
}

QJsonArray exactVec(const Vec3& v)
{
    return QJsonArray{v[0], v[1], v[2]};
}

QString hex64(std::uint64_t v)
{
    return q(detail::hex16(v));
}

} // namespace

std::string formatDecimalString(double value)
{
    if (std::abs(value) < 5e-11) {
        return "0";
    }
    for (int precision = 12; precision > 1; --precision) {
        char buffer[40];
        std::snprintf(buffer, sizeof buffer, "%.*g", precision, value);
        std::string s = buffer;
        if (s.size() <= 16) {
            return s;
        }
    }
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%.1g", value);
    return buffer;
}

double decimalStringValue(double value)
{
    const std::string s = formatDecimalString(value);
    double result = 0;
    std::from_chars(s.data(), s.data() + s.size(), result);
    return result;
}

std::expected<void, Error> writeTruthDocument(const std::filesystem::path& path, const PhantomModel& model,
                                              const StudyUids& uids, const std::string& sopClassUid,
                                              const WrittenIdentity& written,
                                              const std::vector<WrittenSlice>& slices)
{
    const PhantomSpec& spec = model.spec();
    const QJsonValue missing =
        spec.missingSlice ? QJsonValue(*spec.missingSlice) : QJsonValue(QJsonValue::Null);

    QJsonObject specJson{
        {u"preset"_s, q(toString(spec.preset))},
        {u"rows"_s, spec.rows},
        {u"columns"_s, spec.columns},
        {u"slices"_s, spec.slices},
        {u"pixelSpacing"_s, QJsonArray{spec.rowSpacing, spec.columnSpacing}},
        {u"sliceThickness"_s, spec.sliceThickness},
        {u"sliceSpacing"_s, spec.sliceSpacing},
        {u"patientPosition"_s, q(toString(spec.position))},
        {u"obliqueAngle"_s, spec.obliqueAngle},
        {u"obliqueAxis"_s, exactVec(spec.obliqueAxis)},
        {u"gantryTilt"_s, spec.gantryTilt},
        {u"missingSlice"_s, missing},
        {u"rescaleSlope"_s, spec.rescaleSlope},
        {u"rescaleIntercept"_s, spec.rescaleIntercept},
        {u"transferSyntax"_s, q(toString(spec.transferSyntax))},
        {u"transferSyntaxUid"_s, q(transferSyntaxUid(spec.transferSyntax))},
        {u"enhanced"_s, spec.enhanced},
        {u"charset"_s, q(toString(spec.charset))},
        {u"seed"_s, q(std::to_string(spec.seed))},
        {u"noiseSigma"_s, spec.noiseSigma},
        {u"marker"_s, q(spec.marker)},
    };

    QJsonArray sliceArray;
    for (const WrittenSlice& s : slices) {
        QJsonObject entry{
            {u"acquisitionIndex"_s, s.acquisitionIndex},
            {spec.enhanced ? u"frameNumber"_s : u"instanceNumber"_s, s.instanceNumber},
            {u"file"_s, q(s.fileName)},
            {u"sopInstanceUid"_s, q(s.sopInstanceUid)},
            {u"imagePositionPatient"_s, vec(s.position)},
            {u"huChecksum"_s, hex64(s.huChecksum)},
        };
        sliceArray.append(entry);
    }
    const Vec3 r = model.rowDirection();
    const Vec3 c = model.columnDirection();
    QJsonObject geometry{
        {u"rows"_s, spec.rows},
        {u"columns"_s, spec.columns},
        {u"pixelSpacing"_s, QJsonArray{spec.rowSpacing, spec.columnSpacing}},
        {u"sliceThickness"_s, spec.sliceThickness},
        {u"sliceSpacing"_s, spec.sliceSpacing},
        {u"imageOrientationPatient"_s,
         QJsonArray{decimalStringValue(r[0]), decimalStringValue(r[1]), decimalStringValue(r[2]),
                    decimalStringValue(c[0]), decimalStringValue(c[1]), decimalStringValue(c[2])}},
        {u"sliceNormal"_s, exactVec(model.sliceNormal())},
        {u"sliceStep"_s, exactVec(model.sliceStep())},
        {u"volumeCentre"_s, exactVec(model.volumeCentre())},
        {u"patientPosition"_s, q(toString(spec.position))},
        {u"gantryTilt"_s, spec.gantryTilt},
        {u"acquiredSlices"_s, spec.slices},
        {u"missingSlice"_s, missing},
        {u"slices"_s, sliceArray},
    };

    QJsonObject rescale{
        {u"slope"_s, spec.rescaleSlope},
        {u"intercept"_s, spec.rescaleIntercept},
        {u"type"_s, u"HU"_s},
        {u"bitsAllocated"_s, 16},
        {u"bitsStored"_s, model.bitsStored()},
        {u"pixelRepresentation"_s, model.signedPixels() ? 1 : 0},
    };

    const Identity& id = written.identity;
    QJsonObject identity{
        {u"patientName"_s, q(written.patientName)},
        {u"patientId"_s, q(id.patientId)},
        {u"birthDate"_s, q(id.birthDate)},
        {u"sex"_s, q(id.sex)},
        {u"institutionName"_s, q(id.institutionName)},
        {u"accessionNumber"_s, q(id.accessionNumber)},
        {u"referringPhysician"_s, q(id.referringPhysician)},
        {u"studyDescription"_s, q(id.studyDescription)},
        {u"priority"_s, q(id.priority)},
        {u"studyDate"_s, q(id.studyDate)},
        {u"studyTime"_s, q(id.studyTime)},
        {u"manufacturer"_s, u"dokuei phantom"_s},
        {u"specificCharacterSet"_s, spec.charset == Charset::Utf8 ? u"ISO_IR 192"_s : u"\\ISO 2022 IR 87"_s},
    };

    QJsonArray objects;
    for (const TruthObject& o : model.objects()) {
        QJsonObject obj{
            {u"name"_s, q(o.name)},
            {u"role"_s, q(o.role)},
            {u"kind"_s, o.shape == ObjectShape::Sphere ? u"sphere"_s : u"cylinder"_s},
            {u"centre"_s, exactVec(o.centre)},
            {u"radius"_s, o.radius},
            {u"hu"_s, o.hu},
            {u"noiseFree"_s, true},
        };
        if (o.shape == ObjectShape::Cylinder) {
            obj.insert(u"axis"_s, exactVec(o.axis));
            obj.insert(u"length"_s, o.length);
        }
        objects.append(obj);
    }

    QJsonArray tissues;
    for (const TissueClass& t : model.tissues()) {
        tissues.append(QJsonObject{{u"name"_s, q(t.name)}, {u"hu"_s, t.hu}});
    }

    QJsonValue marker(QJsonValue::Null);
    if (!spec.marker.empty()) {
        const MarkerPlacement place = model.markerPlacement();
        marker = QJsonObject{
            {u"text"_s, q(spec.marker)},
            {u"row"_s, place.row},
            {u"column"_s, place.column},
            {u"pixelCount"_s, place.pixelCount},
            {u"byteOrder"_s,
             spec.transferSyntax == TransferSyntax::ExplicitBig ? u"big-endian"_s : u"little-endian"_s},
            {u"description"_s,
             u"the text's bytes, in order, are the stored pixel bytes of this row from this column on, in "
             u"every "
             "slice/frame; an odd length is padded with one zero byte; the patient family name is the text"_s},
        };
    }

    QJsonObject root{
        {u"format"_s, u"dokuei-phantom-truth"_s},
        {u"version"_s, 1},
        {u"coordinateSystem"_s, u"DICOM patient LPS, millimetres: +x patient left, +y posterior, +z head"_s},
        {u"spec"_s, specJson},
        {u"geometry"_s, geometry},
        {u"rescale"_s, rescale},
        {u"uids"_s, QJsonObject{{u"study"_s, q(uids.study)},
                                {u"series"_s, q(uids.series)},
                                {u"frameOfReference"_s, q(uids.frameOfReference)},
                                {u"sopClass"_s, q(sopClassUid)}}},
        {u"identity"_s, identity},
        {u"anatomy"_s,
         QJsonObject{
             {u"tissues"_s, tissues},
             {u"noiseSigma"_s, spec.noiseSigma},
             {u"noise"_s, u"deterministic (seeded) noise on anatomy only; objects are noise-free"_s}}},
        {u"objects"_s, objects},
        {u"orientationMarker"_s,
         QJsonObject{
             {u"parts"_s, QJsonArray{u"marker-rod"_s, u"marker-foot"_s}},
             {u"hu"_s, 1000},
             {u"description"_s,
              u"L-shaped bone-density rod on the patient's LEFT (+x), ANTERIOR (-y) side, present only in "
              "the head-ward (+z) half; its foot at the head end points further left"_s}}},
        {u"marker"_s, marker},
        {u"checksum"_s,
         QJsonObject{{u"algorithm"_s, u"FNV-1a 64"_s},
                     {u"input"_s,
                      u"HU = stored * slope + intercept of every pixel as little-endian int16, row-major"_s},
                     {u"encoding"_s, u"16 lower-case hexadecimal digits"_s}}},
    };

    const QByteArray bytes = QJsonDocument(root).toJson(QJsonDocument::Indented);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.constData(), bytes.size());
    out.close();
    if (!out) {
        return std::unexpected(
            Error{ErrorCode::OutputDirectory, detail::format("cannot write {}", path.string())});
    }
    return {};
}

} // namespace dokuei::phantom
