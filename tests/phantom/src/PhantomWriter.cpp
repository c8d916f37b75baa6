#include "dokuei/phantom/PhantomWriter.h"

#include "Format.h"
#include "TruthDocument.h"
#include "dokuei/phantom/Iso2022Encoding.h"

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <system_error>
#include <thread>
#include <unistd.h>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcrleerg.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmjpeg/djencode.h>
#include <dcmtk/dcmjpeg/djrplol.h>
#include <dcmtk/dcmjpls/djencode.h>
#include <dcmtk/dcmjpls/djrparam.h>

namespace dokuei::phantom {
namespace {

namespace fs = std::filesystem;

std::unexpected<Error> fail(ErrorCode code, std::string message)
{
    return std::unexpected(Error{code, std::move(message)});
}

void registerEncoders()
{
    static std::once_flag once;
    std::call_once(once, [] {
        DJLSEncoderRegistration::registerCodecs();
        DJEncoderRegistration::registerCodecs();
        DcmRLEEncoderRegistration::registerCodecs();
    });
}

E_TransferSyntax dcmtkSyntax(TransferSyntax syntax)
{
    switch (syntax) {
    case TransferSyntax::ExplicitLittle:
        return EXS_LittleEndianExplicit;
    case TransferSyntax::ImplicitLittle:
        return EXS_LittleEndianImplicit;
    case TransferSyntax::ExplicitBig:
        return EXS_BigEndianExplicit;
    case TransferSyntax::JpegLsLossless:
        return EXS_JPEGLSLossless;
    case TransferSyntax::JpegLossless:
        return EXS_JPEGProcess14SV1;
    case TransferSyntax::RleLossless:
        return EXS_RLELossless;
    case TransferSyntax::Deflated:
        return EXS_DeflatedLittleEndianExplicit;
    }
    return EXS_LittleEndianExplicit;
}

std::uint64_t fileNameHash(std::string_view text)
{
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (const char c : text) {
        hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
    }
    // Finalise (splitmix64) so that consecutive UIDs give unrelated names.
    hash = (hash ^ (hash >> 30)) * 0xBF58476D1CE4E5B9ULL;
    hash = (hash ^ (hash >> 27)) * 0x94D049BB133111EBULL;
    return hash ^ (hash >> 31);
}

/// The identity texts as they go into the data set, encoded for the chosen character set.
struct EncodedText
{
    std::string specificCharacterSet;
    std::string patientName;
    std::string referringPhysician;
    std::string institutionName;
    std::string studyDescription;
};

std::string nameWithMarker(const std::string& name, const std::string& marker)
{
    if (marker.empty()) {
        return name;
    }
    const std::size_t end = name.find_first_of("^=");
    return marker + (end == std::string::npos ? std::string() : name.substr(end));
}

std::expected<EncodedText, Error> encodeText(const PhantomSpec& spec, const std::string& patientName)
{
    const Identity& id = spec.identity;
    if (spec.charset == Charset::Utf8) {
        return EncodedText{"ISO_IR 192", patientName, id.referringPhysician, id.institutionName,
                           id.studyDescription};
    }
    auto name = encodePersonNameIso2022Ir87(patientName);
    auto physician = encodePersonNameIso2022Ir87(id.referringPhysician);
    auto institution = encodeIso2022Ir87(id.institutionName);
    auto description = encodeIso2022Ir87(id.studyDescription);
    for (const auto* e : {&name, &physician, &institution, &description}) {
        if (!*e) {
            return std::unexpected(e->error());
        }
    }
    return EncodedText{"\\ISO 2022 IR 87", *name, *physician, *institution, *description};
}

std::string ageString(const std::string& birthDate, const std::string& studyDate)
{
    if (birthDate.size() != 8) {
        return {};
    }
    const int by = std::stoi(birthDate.substr(0, 4));
    const int bmd = std::stoi(birthDate.substr(4, 4));
    const int sy = std::stoi(studyDate.substr(0, 4));
    const int smd = std::stoi(studyDate.substr(4, 4));
    const int age = sy - by - (smd < bmd ? 1 : 0);
    if (age < 0 || age > 999) {
        return {};
    }
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, "%03dY", age);
    return buffer;
}

std::string dsList(std::initializer_list<double> values)
{
    std::string out;
    for (const double v : values) {
        if (!out.empty()) {
            out += '\\';
        }
        out += formatDecimalString(v);
    }
    return out;
}

/// Fills a data set or sequence item; the first DCMTK failure anywhere in the tree is kept.
class DatasetBuilder
{
public:
    explicit DatasetBuilder(DcmItem& item) : m_item(item), m_status(std::make_shared<OFCondition>(EC_Normal))
    {}

    DatasetBuilder& put(const DcmTagKey& tag, const std::string& value)
    {
        check(m_item.putAndInsertString(tag, value.c_str()));
        return *this;
    }
    DatasetBuilder& put(const DcmTagKey& tag, std::uint16_t value)
    {
        check(m_item.putAndInsertUint16(tag, value));
        return *this;
    }
    DatasetBuilder& putTag(const DcmTagKey& tag, const DcmTagKey& value)
    {
        check(m_item.putAndInsertTagKey(tag, value));
        return *this;
    }
    DatasetBuilder& putUint32s(const DcmTagKey& tag, std::span<const Uint32> values)
    {
        check(m_item.putAndInsertUint32Array(tag, values.data(), static_cast<unsigned long>(values.size())));
        return *this;
    }
    DatasetBuilder& putEmpty(const DcmTagKey& tag)
    {
        check(m_item.insertEmptyElement(tag));
        return *this;
    }
    /// Appends a new item to the sequence tag and returns a builder for it.
    DatasetBuilder item(const DcmTagKey& sequence)
    {
        DcmItem* child = nullptr;
        check(m_item.findOrCreateSequenceItem(sequence, child, -2));
        return child != nullptr ? DatasetBuilder(*child, m_status) : DatasetBuilder(m_item, m_status);
    }
    DcmItem& raw() { return m_item; }
    const OFCondition& status() const { return *m_status; }

private:
    DatasetBuilder(DcmItem& item, std::shared_ptr<OFCondition> status)
        : m_item(item), m_status(std::move(status))
    {}

    void check(const OFCondition& cond)
    {
        if (cond.bad() && m_status->good()) {
            *m_status = cond;
        }
    }

    DcmItem& m_item;
    std::shared_ptr<OFCondition> m_status;
};

struct StudyContext
{
    const PhantomModel& model;
    StudyUids uids;
    EncodedText text;
    std::string seriesDescription;
    std::string bodyPart;
    std::string windowCentre;
    std::string windowWidth;
    std::string windowExplanation;
    std::string acquisitionTime;
};

void addCommonModules(DatasetBuilder& b, const StudyContext& ctx, const std::string& sopClass)
{
    const PhantomSpec& spec = ctx.model.spec();
    const Identity& id = spec.identity;
    b.put(DCM_SpecificCharacterSet, ctx.text.specificCharacterSet)
        .put(DCM_SOPClassUID, sopClass)
        .put(DCM_InstanceCreationDate, id.studyDate)
        .put(DCM_InstanceCreationTime, id.studyTime)
        .put(DCM_TimezoneOffsetFromUTC, std::string("+0900"));
    // Patient, Patient Study
    b.put(DCM_PatientName, ctx.text.patientName)
        .put(DCM_PatientID, id.patientId)
        .put(DCM_PatientBirthDate, id.birthDate)
        .put(DCM_PatientSex, id.sex)
        .put(DCM_PatientAge, ageString(id.birthDate, id.studyDate));
    // General Study
    b.put(DCM_StudyInstanceUID, ctx.uids.study)
        .put(DCM_StudyDate, id.studyDate)
        .put(DCM_StudyTime, id.studyTime)
        .put(DCM_ReferringPhysicianName, ctx.text.referringPhysician)
        .put(DCM_StudyID, std::string("1"))
        .put(DCM_AccessionNumber, id.accessionNumber)
        .put(DCM_StudyDescription, ctx.text.studyDescription);
    // General Series
    b.put(DCM_Modality, std::string("CT"))
        .put(DCM_SeriesInstanceUID, ctx.uids.series)
        .put(DCM_SeriesNumber, std::string("2"))
        .put(DCM_SeriesDate, id.studyDate)
        .put(DCM_SeriesTime, ctx.acquisitionTime)
        .put(DCM_SeriesDescription, ctx.seriesDescription)
        .put(DCM_ProtocolName, ctx.seriesDescription)
        .put(DCM_BodyPartExamined, ctx.bodyPart)
        .put(DCM_PatientPosition, std::string(toString(spec.position)));
    // Frame of Reference
    b.put(DCM_FrameOfReferenceUID, ctx.uids.frameOfReference).putEmpty(DCM_PositionReferenceIndicator);
    // General Equipment
    b.put(DCM_Manufacturer, std::string("dokuei phantom"))
        .put(DCM_InstitutionName, ctx.text.institutionName)
        .put(DCM_StationName, std::string("PHANTOM01"))
        .put(DCM_ManufacturerModelName, std::string("dokuei-phantom"))
        .put(DCM_DeviceSerialNumber, std::string("0001"))
        .put(DCM_SoftwareVersions, std::string("0.1"));
    // Request attributes, as modality worklist-driven scanners copy them.
    DatasetBuilder request = b.item(DCM_RequestAttributesSequence);
    request.put(DCM_RequestedProcedureID, "RP" + id.accessionNumber)
        .put(DCM_ScheduledProcedureStepID, "SPS" + id.accessionNumber)
        .put(DCM_RequestedProcedureDescription, ctx.text.studyDescription)
        .put(DCM_AccessionNumber, id.accessionNumber);
    b.put(DCM_RequestedProcedurePriority, id.priority);
}

void addPixelModule(DatasetBuilder& b, const PhantomModel& model)
{
    const PhantomSpec& spec = model.spec();
    b.put(DCM_SamplesPerPixel, std::uint16_t{1})
        .put(DCM_PhotometricInterpretation, std::string("MONOCHROME2"))
        .put(DCM_Rows, static_cast<std::uint16_t>(spec.rows))
        .put(DCM_Columns, static_cast<std::uint16_t>(spec.columns))
        .put(DCM_BitsAllocated, std::uint16_t{16})
        .put(DCM_BitsStored, static_cast<std::uint16_t>(model.bitsStored()))
        .put(DCM_HighBit, static_cast<std::uint16_t>(model.bitsStored() - 1))
        .put(DCM_PixelRepresentation, static_cast<std::uint16_t>(model.signedPixels() ? 1 : 0));
}

std::string orientationString(const PhantomModel& model)
{
    const Vec3 r = model.rowDirection();
    const Vec3 c = model.columnDirection();
    return dsList({r[0], r[1], r[2], c[0], c[1], c[2]});
}

std::string positionString(const Vec3& p)
{
    return dsList({p[0], p[1], p[2]});
}

double dotNormal(const PhantomModel& model, const Vec3& p)
{
    const Vec3 n = model.sliceNormal();
    return p[0] * n[0] + p[1] * n[1] + p[2] * n[2];
}

std::expected<std::uintmax_t, Error> saveDataset(DcmFileFormat& file, const PhantomSpec& spec,
                                                 const fs::path& path)
{
    DcmDataset* dataset = file.getDataset();
    const E_TransferSyntax xfer = dcmtkSyntax(spec.transferSyntax);
    OFCondition cond = EC_Normal;
    if (spec.transferSyntax == TransferSyntax::JpegLsLossless) {
        const DJLSRepresentationParameter params(0, OFTrue);
        cond = dataset->chooseRepresentation(xfer, &params);
    } else if (spec.transferSyntax == TransferSyntax::JpegLossless) {
        const DJ_RPLossless params(1, 0);
        cond = dataset->chooseRepresentation(xfer, &params);
    } else if (spec.transferSyntax == TransferSyntax::RleLossless) {
        cond = dataset->chooseRepresentation(xfer, nullptr);
    }
    if (spec.enhanced) {
        // The codecs note the compression at top level, which the Enhanced CT IOD does not have
        // there (and lossless compression derives nothing).
        dataset->findAndDeleteElement(DCM_DerivationDescription);
    }
    if (cond.bad() || !dataset->canWriteXfer(xfer)) {
        return fail(ErrorCode::Dicom, detail::format("DCMTK cannot encode pixel data as {}: {}",
                                                     toString(spec.transferSyntax), cond.text()));
    }
    cond = file.saveFile(path.c_str(), xfer, EET_ExplicitLength, EGL_recalcGL, EPD_noChange, 0, 0,
                         EWM_fileformat);
    if (cond.bad()) {
        return fail(ErrorCode::Dicom, detail::format("cannot write {}: {}", path.string(), cond.text()));
    }
    std::error_code ec;
    const std::uintmax_t size = fs::file_size(path, ec);
    return ec ? 0 : size;
}

/// One CT Image Storage file per slice.
std::expected<void, Error> writeClassicSeries(const StudyContext& ctx, const fs::path& dir, unsigned threads,
                                              std::vector<WrittenSlice>& slices, std::uintmax_t& bytes)
{
    const PhantomModel& model = ctx.model;
    const PhantomSpec& spec = model.spec();
    std::atomic<std::size_t> next{0};
    std::atomic<std::uintmax_t> totalBytes{0};
    std::atomic<bool> failed{false};
    std::mutex errorMutex;
    std::optional<Error> firstError;
    const std::string orientation = orientationString(model);
    const Identity& id = spec.identity;

    const auto work = [&] {
        while (!failed.load()) {
            const std::size_t index = next.fetch_add(1);
            if (index >= slices.size()) {
                return;
            }
            WrittenSlice& slice = slices[index];
            const std::vector<std::uint16_t> stored = model.storedSlice(slice.acquisitionIndex);
            slice.huChecksum = PhantomModel::huChecksum(model.huFromStored(stored));

            DcmFileFormat file;
            DatasetBuilder b(*file.getDataset());
            addCommonModules(b, ctx, UID_CTImageStorage);
            b.put(DCM_SOPInstanceUID, slice.sopInstanceUid)
                .put(DCM_ImageType, std::string("ORIGINAL\\PRIMARY\\AXIAL"))
                .put(DCM_InstanceNumber, std::to_string(slice.instanceNumber))
                .put(DCM_AcquisitionNumber, std::string("1"))
                .put(DCM_AcquisitionDate, id.studyDate)
                .put(DCM_AcquisitionTime, ctx.acquisitionTime)
                .put(DCM_ContentDate, id.studyDate)
                .put(DCM_ContentTime, ctx.acquisitionTime)
                .put(DCM_BurnedInAnnotation, std::string("NO"))
                .put(DCM_LossyImageCompression, std::string("00"));
            b.put(DCM_PixelSpacing, dsList({spec.rowSpacing, spec.columnSpacing}))
                .put(DCM_ImageOrientationPatient, orientation)
                .put(DCM_ImagePositionPatient, positionString(slice.position))
                .put(DCM_SliceThickness, formatDecimalString(spec.sliceThickness))
                .put(DCM_SliceLocation, formatDecimalString(dotNormal(model, slice.position)));
            addPixelModule(b, model);
            b.put(DCM_RescaleIntercept, std::to_string(spec.rescaleIntercept))
                .put(DCM_RescaleSlope, std::to_string(spec.rescaleSlope))
                .put(DCM_RescaleType, std::string("HU"))
                .put(DCM_KVP, std::string("120"))
                .put(DCM_DataCollectionDiameter, std::string("500"))
                .put(DCM_ReconstructionDiameter, formatDecimalString(spec.columns * spec.columnSpacing))
                .put(DCM_DistanceSourceToDetector, std::string("1040"))
                .put(DCM_DistanceSourceToPatient, std::string("570"))
                .put(DCM_GantryDetectorTilt, formatDecimalString(spec.gantryTilt))
                .put(DCM_TableHeight, std::string("150"))
                .put(DCM_RotationDirection, std::string("CW"))
                .put(DCM_ExposureTime, std::string("500"))
                .put(DCM_XRayTubeCurrent, std::string("200"))
                .put(DCM_Exposure, std::string("100"))
                .put(DCM_FilterType, std::string("BODY"))
                .put(DCM_ConvolutionKernel, std::string("STANDARD"))
                .put(DCM_WindowCenter, ctx.windowCentre)
                .put(DCM_WindowWidth, ctx.windowWidth)
                .put(DCM_WindowCenterWidthExplanation, ctx.windowExplanation);
            const OFCondition putPixels = b.raw().putAndInsertUint16Array(
                DCM_PixelData, stored.data(), static_cast<unsigned long>(stored.size()));
            std::optional<Error> error;
            if (b.status().bad() || putPixels.bad()) {
                error =
                    Error{ErrorCode::Dicom,
                          detail::format("cannot build the data set of slice {}: {}", slice.acquisitionIndex,
                                         (b.status().bad() ? b.status() : putPixels).text())};
            } else if (auto size = saveDataset(file, spec, dir / slice.fileName); !size) {
                error = size.error();
            } else {
                totalBytes += *size;
            }
            if (error) {
                const std::lock_guard lock(errorMutex);
                if (!firstError) {
                    firstError = std::move(error);
                }
                failed = true;
            }
        }
    };
    {
        std::vector<std::jthread> pool;
        for (unsigned t = 1; t < threads; ++t) {
            pool.emplace_back(work);
        }
        work();
    }
    if (firstError) {
        return std::unexpected(*firstError);
    }
    bytes = totalBytes.load();
    return {};
}

/// One Enhanced CT Image Storage file holding every written slice as a frame.
std::expected<void, Error> writeEnhancedSeries(const StudyContext& ctx, const fs::path& dir, unsigned threads,
                                               std::vector<WrittenSlice>& frames, std::uintmax_t& bytes)
{
    const PhantomModel& model = ctx.model;
    const PhantomSpec& spec = model.spec();
    const Identity& id = spec.identity;
    const std::size_t frameSize =
        static_cast<std::size_t>(spec.rows) * static_cast<std::size_t>(spec.columns);
    std::vector<std::uint16_t> pixels(frameSize * frames.size());
    {
        std::atomic<std::size_t> next{0};
        const auto work = [&] {
            for (std::size_t i = next.fetch_add(1); i < frames.size(); i = next.fetch_add(1)) {
                const std::vector<std::uint16_t> stored = model.storedSlice(frames[i].acquisitionIndex);
                frames[i].huChecksum = PhantomModel::huChecksum(model.huFromStored(stored));
                std::copy(stored.begin(), stored.end(),
                          pixels.begin() + static_cast<std::ptrdiff_t>(i * frameSize));
            }
        };
        std::vector<std::jthread> pool;
        for (unsigned t = 1; t < threads; ++t) {
            pool.emplace_back(work);
        }
        work();
    }

    const std::string dateTime = id.studyDate + ctx.acquisitionTime;
    const std::string dimensionUid = ctx.uids.series + ".9";
    DcmFileFormat file;
    DatasetBuilder b(*file.getDataset());
    addCommonModules(b, ctx, UID_EnhancedCTImageStorage);
    b.put(DCM_SOPInstanceUID, frames.front().sopInstanceUid)
        .put(DCM_ImageType, std::string("ORIGINAL\\PRIMARY\\VOLUME\\NONE"))
        .put(DCM_InstanceNumber, std::string("1"))
        .put(DCM_ContentDate, id.studyDate)
        .put(DCM_ContentTime, ctx.acquisitionTime)
        .put(DCM_AcquisitionNumber, std::string("1"))
        .put(DCM_AcquisitionDateTime, dateTime)
        .put(DCM_AcquisitionDuration, std::string("5"))
        .put(DCM_ContentQualification, std::string("RESEARCH"))
        .put(DCM_BurnedInAnnotation, std::string("NO"))
        .put(DCM_RecognizableVisualFeatures, std::string("NO"))
        .put(DCM_LossyImageCompression, std::string("00"))
        .put(DCM_PresentationLUTShape, std::string("IDENTITY"))
        .put(DCM_PixelPresentation, std::string("MONOCHROME"))
        .put(DCM_VolumetricProperties, std::string("VOLUME"))
        .put(DCM_VolumeBasedCalculationTechnique, std::string("NONE"))
        .put(DCM_NumberOfFrames, std::to_string(frames.size()));
    b.putEmpty(DCM_AcquisitionContextSequence);
    addPixelModule(b, model);

    // Multi-frame Dimension: stack ID, then in-stack position.
    DatasetBuilder org = b.item(DCM_DimensionOrganizationSequence);
    org.put(DCM_DimensionOrganizationUID, dimensionUid);
    b.put(DCM_DimensionOrganizationType, std::string("3D"));
    for (const auto& [index, label] : {std::pair{DCM_StackID, "Stack ID"},
                                       std::pair{DCM_InStackPositionNumber, "In-Stack Position Number"}}) {
        DatasetBuilder dim = b.item(DCM_DimensionIndexSequence);
        dim.putTag(DCM_DimensionIndexPointer, index)
            .putTag(DCM_FunctionalGroupPointer, DCM_FrameContentSequence)
            .put(DCM_DimensionOrganizationUID, dimensionUid)
            .put(DCM_DimensionDescriptionLabel, std::string(label));
    }

    DatasetBuilder shared = b.item(DCM_SharedFunctionalGroupsSequence);
    shared.item(DCM_PixelMeasuresSequence)
        .put(DCM_PixelSpacing, dsList({spec.rowSpacing, spec.columnSpacing}))
        .put(DCM_SliceThickness, formatDecimalString(spec.sliceThickness));
    shared.item(DCM_PlaneOrientationSequence).put(DCM_ImageOrientationPatient, orientationString(model));
    shared.item(DCM_PixelValueTransformationSequence)
        .put(DCM_RescaleIntercept, std::to_string(spec.rescaleIntercept))
        .put(DCM_RescaleSlope, std::to_string(spec.rescaleSlope))
        .put(DCM_RescaleType, std::string("HU"));
    shared.item(DCM_FrameVOILUTSequence)
        .put(DCM_WindowCenter, ctx.windowCentre)
        .put(DCM_WindowWidth, ctx.windowWidth);
    {
        DatasetBuilder anatomy = shared.item(DCM_FrameAnatomySequence);
        anatomy.put(DCM_FrameLaterality, std::string("U"));
        const bool head = spec.preset == Preset::Head;
        anatomy.item(DCM_AnatomicRegionSequence)
            .put(DCM_CodeValue, std::string(head ? "69536005" : "51185008"))
            .put(DCM_CodingSchemeDesignator, std::string("SCT"))
            .put(DCM_CodeMeaning, std::string(head ? "Head" : "Thorax"));
    }
    shared.item(DCM_IrradiationEventIdentificationSequence)
        .put(DCM_IrradiationEventUID, ctx.uids.series + ".8");
    shared.item(DCM_CTImageFrameTypeSequence)
        .put(DCM_FrameType, std::string("ORIGINAL\\PRIMARY\\VOLUME\\NONE"))
        .put(DCM_PixelPresentation, std::string("MONOCHROME"))
        .put(DCM_VolumetricProperties, std::string("VOLUME"))
        .put(DCM_VolumeBasedCalculationTechnique, std::string("NONE"));
    shared.item(DCM_CTAcquisitionTypeSequence)
        .put(DCM_AcquisitionType, std::string("SPIRAL"))
        .put(DCM_ConstantVolumeFlag, std::string("NO"))
        .put(DCM_FluoroscopyFlag, std::string("NO"));
    shared.item(DCM_CTAcquisitionDetailsSequence)
        .put(DCM_DataCollectionDiameter, std::string("500"))
        .put(DCM_GantryDetectorTilt, formatDecimalString(spec.gantryTilt))
        .put(DCM_TableHeight, std::string("150"))
        .put(DCM_RotationDirection, std::string("CW"))
        .put(DCM_RevolutionTime, std::string("0.5"))
        .put(DCM_SingleCollimationWidth, std::string("0.625"))
        .put(DCM_TotalCollimationWidth, std::string("40"));
    shared.item(DCM_CTTableDynamicsSequence)
        .put(DCM_TableSpeed, std::string("80"))
        .put(DCM_TableFeedPerRotation, std::string("40"))
        .put(DCM_SpiralPitchFactor, std::string("1"));
    shared.item(DCM_CTGeometrySequence)
        .put(DCM_DistanceSourceToDetector, std::string("1040"))
        .put(DCM_DistanceSourceToDataCollectionCenter, std::string("570"));
    shared.item(DCM_CTReconstructionSequence)
        .put(DCM_ReconstructionAlgorithm, std::string("FILTER_BACK_PROJ"))
        .put(DCM_ConvolutionKernel, std::string("STANDARD"))
        .put(DCM_ConvolutionKernelGroup, std::string(spec.preset == Preset::Head ? "BRAIN" : "SOFT_TISSUE"))
        .put(DCM_ReconstructionDiameter, formatDecimalString(spec.columns * spec.columnSpacing))
        .put(DCM_ReconstructionPixelSpacing, dsList({spec.rowSpacing, spec.columnSpacing}))
        .put(DCM_ReconstructionAngle, std::string("360"))
        .put(DCM_ImageFilter, std::string("NONE"));
    shared.item(DCM_CTExposureSequence)
        .put(DCM_ExposureTimeInms, std::string("500"))
        .put(DCM_XRayTubeCurrentInmA, std::string("200"))
        .put(DCM_ExposureInmAs, std::string("100"))
        .put(DCM_ExposureModulationType, std::string("NONE"));
    shared.item(DCM_CTXRayDetailsSequence)
        .put(DCM_KVP, std::string("120"))
        .put(DCM_FocalSpots, std::string("1.2"))
        .put(DCM_FilterType, std::string("BODY"))
        .put(DCM_FilterMaterial, std::string("ALUMINUM"));

    int inStack = 0;
    for (const WrittenSlice& f : frames) {
        ++inStack;
        DatasetBuilder perFrame = b.item(DCM_PerFrameFunctionalGroupsSequence);
        perFrame.item(DCM_FrameContentSequence)
            .put(DCM_FrameAcquisitionNumber, std::to_string(f.acquisitionIndex + 1))
            .put(DCM_FrameReferenceDateTime, dateTime)
            .put(DCM_FrameAcquisitionDateTime, dateTime)
            .put(DCM_FrameAcquisitionDuration, std::string("500"))
            .put(DCM_StackID, std::string("1"))
            .put(DCM_InStackPositionNumber, std::to_string(inStack))
            .putUint32s(DCM_DimensionIndexValues, std::array<Uint32, 2>{1u, static_cast<Uint32>(inStack)});
        perFrame.item(DCM_PlanePositionSequence).put(DCM_ImagePositionPatient, positionString(f.position));
        perFrame.item(DCM_CTPositionSequence)
            .put(DCM_TablePosition, formatDecimalString(f.position[2]))
            .put(DCM_ReconstructionTargetCenterPatient,
                 positionString(model.pixelToPatient(f.acquisitionIndex, (spec.rows - 1) / 2.0,
                                                     (spec.columns - 1) / 2.0)))
            .put(DCM_DataCollectionCenterPatient,
                 positionString(model.pixelToPatient(f.acquisitionIndex, (spec.rows - 1) / 2.0,
                                                     (spec.columns - 1) / 2.0)));
    }

    const OFCondition putPixels = b.raw().putAndInsertUint16Array(DCM_PixelData, pixels.data(),
                                                                  static_cast<unsigned long>(pixels.size()));
    if (b.status().bad() || putPixels.bad()) {
        return fail(ErrorCode::Dicom, detail::format("cannot build the Enhanced CT data set: {}",
                                                     (b.status().bad() ? b.status() : putPixels).text()));
    }
    pixels = {};
    auto size = saveDataset(file, spec, dir / frames.front().fileName);
    if (!size) {
        return std::unexpected(size.error());
    }
    bytes = *size;
    return {};
}

std::expected<StudyUids, Error> makeUids(const PhantomSpec& spec, std::vector<WrittenSlice>& slices)
{
    const Identity& id = spec.identity;
    StudyUids uids;
    if (!id.studyUid.empty()) {
        uids.study = id.studyUid;
        uids.series = id.studyUid + ".1";
        uids.frameOfReference = id.studyUid + ".2";
        for (WrittenSlice& s : slices) {
            s.sopInstanceUid = spec.enhanced ? id.studyUid + ".1.1"
                                             : detail::format("{}.1.{}", id.studyUid, s.instanceNumber);
        }
        return uids;
    }
    const auto generate = [&](const char* siteRoot) {
        char buffer[100];
        const std::string root = id.uidRoot.empty() ? std::string(siteRoot) : id.uidRoot;
        dcmGenerateUniqueIdentifier(buffer, root.c_str());
        return std::string(buffer);
    };
    uids.study = generate(SITE_STUDY_UID_ROOT);
    uids.series = generate(SITE_SERIES_UID_ROOT);
    uids.frameOfReference = generate(SITE_INSTANCE_UID_ROOT);
    const std::string enhancedUid = spec.enhanced ? generate(SITE_INSTANCE_UID_ROOT) : std::string();
    for (WrittenSlice& s : slices) {
        s.sopInstanceUid = spec.enhanced ? enhancedUid : generate(SITE_INSTANCE_UID_ROOT);
    }
    return uids;
}

bool isEmptyDirectory(const fs::path& p)
{
    std::error_code ec;
    return fs::is_directory(p, ec) && fs::is_empty(p, ec);
}

std::expected<void, Error> checkOutputDirectory(const fs::path& outDir, bool replaceExisting)
{
    std::error_code ec;
    if (!fs::exists(outDir, ec)) {
        return {};
    }
    if (!fs::is_directory(outDir, ec)) {
        return fail(ErrorCode::OutputDirectory,
                    detail::format("--out {} exists and is not a directory", outDir.string()));
    }
    if (isEmptyDirectory(outDir)) {
        return {};
    }
    if (replaceExisting && fs::exists(outDir / "truth.json", ec)) {
        return {};
    }
    return fail(ErrorCode::OutputDirectory,
                detail::format(
                    "--out {} is not empty; choose a new directory{}", outDir.string(),
                    fs::exists(outDir / "truth.json", ec) ? " or pass --force to replace this phantom" : ""));
}

} // namespace

std::expected<WriteSummary, Error> writePhantom(const PhantomSpec& spec, const fs::path& outDirIn,
                                                const WriteOptions& options)
{
    const auto start = std::chrono::steady_clock::now();
    if (auto valid = validateSpec(spec); !valid) {
        return std::unexpected(valid.error());
    }
    if (outDirIn.empty()) {
        return fail(ErrorCode::InvalidOption, "--out is required");
    }
    const fs::path outDir = fs::absolute(outDirIn).lexically_normal();
    if (auto ok = checkOutputDirectory(outDir, options.replaceExisting); !ok) {
        return std::unexpected(ok.error());
    }
    registerEncoders();

    const PhantomModel model(spec);
    const std::string patientName = nameWithMarker(spec.identity.patientName, spec.marker);
    auto text = encodeText(spec, patientName);
    if (!text) {
        return std::unexpected(text.error());
    }

    std::vector<WrittenSlice> slices;
    int frameNumber = 0;
    for (const int k : model.writtenSlices()) {
        const SliceGeometry g = model.sliceGeometry(k);
        WrittenSlice s;
        s.acquisitionIndex = k;
        s.instanceNumber = spec.enhanced ? ++frameNumber : g.instanceNumber;
        s.position = g.position;
        slices.push_back(s);
    }
    auto uids = makeUids(spec, slices);
    if (!uids) {
        return std::unexpected(uids.error());
    }
    for (WrittenSlice& s : slices) {
        s.fileName = std::string(spec.enhanced ? "ECT" : "CT") +
                     detail::hex16(fileNameHash(s.sopInstanceUid)) + ".dcm";
        s.position = {decimalStringValue(s.position[0]), decimalStringValue(s.position[1]),
                      decimalStringValue(s.position[2])};
    }

    // Write into a hidden sibling, rename when complete.
    std::error_code ec;
    const fs::path parent = outDir.parent_path();
    fs::create_directories(parent, ec);
    const fs::path temp = parent / detail::format(".{}.partial-{}", outDir.filename().string(), ::getpid());
    fs::remove_all(temp, ec);
    if (!fs::create_directory(temp, ec) || ec) {
        return fail(ErrorCode::OutputDirectory,
                    detail::format("cannot create a directory in {}: {}", parent.string(),
                                   ec ? ec.message() : std::string("already exists")));
    }
    struct TempGuard
    {
        fs::path path;
        bool keep = false;
        ~TempGuard()
        {
            if (!keep) {
                std::error_code ignored;
                fs::remove_all(path, ignored);
            }
        }
    } guard{temp};

    const bool head = spec.preset == Preset::Head;
    StudyContext ctx{
        model,
        *uids,
        *text,
        detail::format("PHANTOM {} {} mm", head ? "HEAD" : "CHEST", formatDecimalString(spec.sliceThickness)),
        head ? "HEAD" : "CHEST",
        head ? "40\\600" : "40\\-600",
        head ? "80\\2800" : "400\\1500",
        head ? "BRAIN\\BONE" : "MEDIASTINUM\\LUNG",
        spec.identity.studyTime,
    };

    unsigned threads =
        options.threads != 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    threads = std::min<unsigned>(threads, 64);
    std::uintmax_t bytes = 0;
    auto written = spec.enhanced ? writeEnhancedSeries(ctx, temp, threads, slices, bytes)
                                 : writeClassicSeries(ctx, temp, threads, slices, bytes);
    if (!written) {
        return std::unexpected(written.error());
    }
    const WrittenIdentity identity{patientName, spec.identity};
    const std::string sopClass = spec.enhanced ? UID_EnhancedCTImageStorage : UID_CTImageStorage;
    if (auto truth = writeTruthDocument(temp / "truth.json", model, *uids, sopClass, identity, slices);
        !truth) {
        return std::unexpected(truth.error());
    }

    if (auto ok = checkOutputDirectory(outDir, options.replaceExisting); !ok) {
        return std::unexpected(ok.error());
    }
    if (fs::exists(outDir, ec)) {
        fs::remove_all(outDir, ec);
        if (ec) {
            return fail(ErrorCode::OutputDirectory,
                        detail::format("cannot replace {}: {}", outDir.string(), ec.message()));
        }
    }
    fs::rename(temp, outDir, ec);
    if (ec) {
        return fail(ErrorCode::OutputDirectory, detail::format("cannot rename {} to {}: {}", temp.string(),
                                                               outDir.string(), ec.message()));
    }
    guard.keep = true;

    WriteSummary summary;
    summary.directory = outDir;
    summary.files = spec.enhanced ? 1 : slices.size();
    summary.bytes = bytes;
    summary.uids = *uids;
    summary.slices = std::move(slices);
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return summary;
}

} // namespace dokuei::phantom
