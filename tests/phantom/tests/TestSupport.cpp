#include "TestSupport.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <mutex>
#include <unistd.h>

#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpls/djdecode.h>
#include <dcmtk/oflog/oflog.h>
#include <gtest/gtest.h>

namespace dokuei::phantom::test {

namespace fs = std::filesystem;

fs::path scratchDirectory(const std::string& name)
{
    const char* binary = std::getenv("DOKUEI_BINARY_DIR");
    const fs::path root = fs::path(binary != nullptr ? binary : "/tmp") / "phantom-test-scratch";
    const fs::path dir = root / name;
    std::error_code ec;
    fs::remove_all(dir, ec);
    fs::create_directories(dir, ec);
    return dir;
}

PhantomSpec tinySpec()
{
    PhantomSpec spec = presetSpec(Preset::Tiny);
    spec.identity.studyUid = "1.2.826.0.1.3680043.10.543.7";
    return spec;
}

std::optional<WriteSummary> generate(const PhantomSpec& spec, const fs::path& dir)
{
    WriteOptions options;
    options.replaceExisting = true;
    auto summary = writePhantom(spec, dir, options);
    if (!summary) {
        ADD_FAILURE() << "writePhantom failed: " << summary.error().message;
        return std::nullopt;
    }
    return *summary;
}

QJsonObject readTruth(const fs::path& dir)
{
    std::ifstream in(dir / "truth.json", std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(text), &parseError);
    EXPECT_EQ(parseError.error, QJsonParseError::NoError) << "truth.json does not parse";
    return doc.object();
}

namespace {

void registerDecoders()
{
    static std::once_flag once;
    std::call_once(once, [] {
        OFLog::configure(OFLogger::WARN_LOG_LEVEL);
        DJLSDecoderRegistration::registerCodecs();
        DJDecoderRegistration::registerCodecs();
        DcmRLEDecoderRegistration::registerCodecs();
    });
}

std::string getString(DcmItem& item, const DcmTagKey& tag, long index = 0)
{
    OFString value;
    if (item.findAndGetOFString(tag, value, static_cast<unsigned long>(index)).bad()) {
        return {};
    }
    return value.c_str();
}

double getDouble(DcmItem& item, const DcmTagKey& tag, unsigned long index)
{
    Float64 value = 0;
    item.findAndGetFloat64(tag, value, index);
    return value;
}

Vec readPosition(DcmItem& item)
{
    return {getDouble(item, DCM_ImagePositionPatient, 0), getDouble(item, DCM_ImagePositionPatient, 1),
            getDouble(item, DCM_ImagePositionPatient, 2)};
}

} // namespace

std::optional<DecodedImage> decodeFile(const fs::path& file, std::string& error)
{
    registerDecoders();
    DcmFileFormat format;
    OFCondition cond = format.loadFile(file.c_str());
    if (cond.bad()) {
        error = "cannot load " + file.string() + ": " + cond.text();
        return std::nullopt;
    }
    DcmDataset& ds = *format.getDataset();
    DecodedImage image;
    image.sopClassUid = getString(ds, DCM_SOPClassUID);
    image.transferSyntaxUid = getString(*format.getMetaInfo(), DCM_TransferSyntaxUID);
    image.specificCharacterSet.clear();
    {
        OFString all;
        ds.findAndGetOFStringArray(DCM_SpecificCharacterSet, all);
        image.specificCharacterSet = all.c_str();
    }
    image.rawPatientName = getString(ds, DCM_PatientName);

    // Raw pixel bytes as they sit in the file: only meaningful uncompressed.
    const E_TransferSyntax original = ds.getOriginalXfer();
    if (!DcmXfer(original).isEncapsulated()) {
        std::ifstream in(file, std::ios::binary);
        image.rawPixelBytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }

    Uint16 rows = 0;
    Uint16 columns = 0;
    Uint16 pixelRepresentation = 0;
    ds.findAndGetUint16(DCM_Rows, rows);
    ds.findAndGetUint16(DCM_Columns, columns);
    ds.findAndGetUint16(DCM_PixelRepresentation, pixelRepresentation);
    image.rows = rows;
    image.columns = columns;

    const bool enhanced = image.sopClassUid == UID_EnhancedCTImageStorage;
    double slope = 1;
    double intercept = 0;
    long frameCount = 1;
    if (enhanced) {
        DcmItem* shared = nullptr;
        ds.findAndGetSequenceItem(DCM_SharedFunctionalGroupsSequence, shared, 0);
        DcmItem* measures = nullptr;
        DcmItem* orientation = nullptr;
        DcmItem* transform = nullptr;
        DcmItem* details = nullptr;
        if (shared == nullptr || shared->findAndGetSequenceItem(DCM_PixelMeasuresSequence, measures).bad() ||
            shared->findAndGetSequenceItem(DCM_PlaneOrientationSequence, orientation).bad() ||
            shared->findAndGetSequenceItem(DCM_PixelValueTransformationSequence, transform).bad()) {
            error = "Enhanced CT without shared pixel measures / orientation / value transformation";
            return std::nullopt;
        }
        if (shared->findAndGetSequenceItem(DCM_CTAcquisitionDetailsSequence, details).good()) {
            image.gantryTilt = getDouble(*details, DCM_GantryDetectorTilt, 0);
        }
        for (unsigned long i = 0; i < 6; ++i) {
            image.orientation[i] = getDouble(*orientation, DCM_ImageOrientationPatient, i);
        }
        image.pixelSpacing[0] = getDouble(*measures, DCM_PixelSpacing, 0);
        image.pixelSpacing[1] = getDouble(*measures, DCM_PixelSpacing, 1);
        slope = getDouble(*transform, DCM_RescaleSlope, 0);
        intercept = getDouble(*transform, DCM_RescaleIntercept, 0);
        Sint32 frames = 0;
        ds.findAndGetSint32(DCM_NumberOfFrames, frames);
        frameCount = frames;
        for (long f = 0; f < frameCount; ++f) {
            DcmItem* perFrame = nullptr;
            DcmItem* plane = nullptr;
            DcmItem* content = nullptr;
            if (ds.findAndGetSequenceItem(DCM_PerFrameFunctionalGroupsSequence, perFrame, f).bad() ||
                perFrame->findAndGetSequenceItem(DCM_PlanePositionSequence, plane).bad() ||
                perFrame->findAndGetSequenceItem(DCM_FrameContentSequence, content).bad()) {
                error = "Enhanced CT frame " + std::to_string(f) + " lacks plane position / frame content";
                return std::nullopt;
            }
            image.positions.push_back(readPosition(*plane));
            Uint32 inStack = 0;
            content->findAndGetUint32(DCM_InStackPositionNumber, inStack);
            image.instanceNumbers.push_back(static_cast<int>(inStack));
        }
    } else {
        for (unsigned long i = 0; i < 6; ++i) {
            image.orientation[i] = getDouble(ds, DCM_ImageOrientationPatient, i);
        }
        image.pixelSpacing[0] = getDouble(ds, DCM_PixelSpacing, 0);
        image.pixelSpacing[1] = getDouble(ds, DCM_PixelSpacing, 1);
        slope = getDouble(ds, DCM_RescaleSlope, 0);
        intercept = getDouble(ds, DCM_RescaleIntercept, 0);
        image.gantryTilt = getDouble(ds, DCM_GantryDetectorTilt, 0);
        image.positions.push_back(readPosition(ds));
        Sint32 instance = 0;
        ds.findAndGetSint32(DCM_InstanceNumber, instance);
        image.instanceNumbers.push_back(static_cast<int>(instance));
    }

    cond = ds.chooseRepresentation(EXS_LittleEndianExplicit, nullptr);
    if (cond.bad()) {
        error = "cannot decompress " + file.string() + ": " + cond.text();
        return std::nullopt;
    }
    const Uint16* words = nullptr;
    unsigned long count = 0;
    cond = ds.findAndGetUint16Array(DCM_PixelData, words, &count);
    const std::size_t frameSize = static_cast<std::size_t>(rows) * columns;
    if (cond.bad() || count < frameSize * static_cast<std::size_t>(frameCount)) {
        error = "pixel data missing or short in " + file.string();
        return std::nullopt;
    }
    for (long f = 0; f < frameCount; ++f) {
        std::vector<std::int16_t> hu(frameSize);
        for (std::size_t i = 0; i < frameSize; ++i) {
            const Uint16 w = words[static_cast<std::size_t>(f) * frameSize + i];
            const double stored = pixelRepresentation == 1 ? static_cast<double>(static_cast<Sint16>(w)) : w;
            hu[i] = static_cast<std::int16_t>(std::lround(stored * slope + intercept));
        }
        image.frames.push_back(std::move(hu));
    }

    cond = ds.convertToUTF8();
    if (cond.bad()) {
        image.utf8PatientName = "<convertToUTF8 failed: " + std::string(cond.text()) + ">";
    } else {
        image.utf8PatientName = getString(ds, DCM_PatientName);
    }
    return image;
}

std::uint64_t fnv1a64(const std::vector<std::int16_t>& hu)
{
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (const std::int16_t v : hu) {
        const auto u = static_cast<std::uint16_t>(v);
        hash = (hash ^ (u & 0xFFu)) * 0x100000001b3ULL;
        hash = (hash ^ (u >> 8)) * 0x100000001b3ULL;
    }
    return hash;
}

std::string hex16(std::uint64_t value)
{
    char buffer[17];
    std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(value));
    return buffer;
}

int runCommand(const std::string& command, std::string& output)
{
    output.clear();
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (pipe == nullptr) {
        output = "popen failed";
        return -1;
    }
    char buffer[4096];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) {
        output.append(buffer, n);
    }
    const int status = ::pclose(pipe);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::vector<fs::path> dicomFiles(const fs::path& dir)
{
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().extension() == ".dcm") {
            files.push_back(entry.path());
        }
    }
    return files;
}

Vec vec(const QJsonValue& value)
{
    const QJsonArray a = value.toArray();
    return {a.at(0).toDouble(), a.at(1).toDouble(), a.at(2).toDouble()};
}

double dot(const Vec& a, const Vec& b)
{
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}
Vec sub(const Vec& a, const Vec& b)
{
    return {a[0] - b[0], a[1] - b[1], a[2] - b[2]};
}
Vec cross(const Vec& a, const Vec& b)
{
    return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}

std::vector<ObjectSample> sampleObjects(const QJsonObject& truth, const std::vector<DecodedImage>& images)
{
    using namespace Qt::Literals::StringLiterals;
    std::vector<ObjectSample> samples;
    for (const QJsonValue& value : truth.value(u"objects"_s).toArray()) {
        const QJsonObject object = value.toObject();
        const Vec centre = vec(object.value(u"centre"_s));
        const double radius = object.value(u"radius"_s).toDouble();
        // Nearest plane by perpendicular distance, then nearest pixel in it.
        const DecodedImage* best = nullptr;
        std::size_t bestFrame = 0;
        double bestDistance = 1e30;
        for (const DecodedImage& image : images) {
            const Vec row{image.orientation[0], image.orientation[1], image.orientation[2]};
            const Vec col{image.orientation[3], image.orientation[4], image.orientation[5]};
            const Vec normal = cross(row, col);
            for (std::size_t f = 0; f < image.positions.size(); ++f) {
                const double d = std::abs(dot(normal, sub(centre, image.positions[f])));
                if (d < bestDistance) {
                    bestDistance = d;
                    best = &image;
                    bestFrame = f;
                }
            }
        }
        if (best == nullptr) {
            continue;
        }
        const Vec row{best->orientation[0], best->orientation[1], best->orientation[2]};
        const Vec col{best->orientation[3], best->orientation[4], best->orientation[5]};
        const Vec offset = sub(centre, best->positions[bestFrame]);
        const long r = std::lround(dot(offset, col) / best->pixelSpacing[0]);
        const long c = std::lround(dot(offset, row) / best->pixelSpacing[1]);
        if (r < 0 || c < 0 || r >= best->rows || c >= best->columns) {
            continue;
        }
        const Vec p0 = best->positions[bestFrame];
        Vec voxel{};
        for (int i = 0; i < 3; ++i) {
            voxel[static_cast<std::size_t>(i)] =
                p0[static_cast<std::size_t>(i)] +
                static_cast<double>(c) * best->pixelSpacing[1] * row[static_cast<std::size_t>(i)] +
                static_cast<double>(r) * best->pixelSpacing[0] * col[static_cast<std::size_t>(i)];
        }
        const Vec d = sub(voxel, centre);
        constexpr double kMargin = 0.3;
        bool inside = false;
        if (object.value(u"kind"_s).toString() == u"sphere"_s) {
            inside = std::sqrt(dot(d, d)) <= radius - kMargin;
        } else {
            const Vec axis = vec(object.value(u"axis"_s));
            const double t = dot(d, axis);
            inside = std::abs(t) <= object.value(u"length"_s).toDouble() / 2 - kMargin &&
                     std::sqrt(std::max(0.0, dot(d, d) - t * t)) <= radius - kMargin;
        }
        if (!inside) {
            continue;
        }
        const std::size_t index = static_cast<std::size_t>(r) * static_cast<std::size_t>(best->columns) +
                                  static_cast<std::size_t>(c);
        samples.push_back({object.value(u"name"_s).toString().toStdString(), object.value(u"hu"_s).toInt(),
                           best->frames[bestFrame][index]});
    }
    return samples;
}

} // namespace dokuei::phantom::test
