#include "dokuei/phantom/PhantomSpec.h"

#include "Format.h"

#include <algorithm>
#include <cmath>

namespace dokuei::phantom {
namespace {

std::unexpected<Error> invalid(std::string message)
{
    return std::unexpected(Error{ErrorCode::InvalidOption, std::move(message)});
}

bool isDigits(std::string_view s)
{
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool isValidDate(std::string_view s)
{
    if (s.size() != 8 || !isDigits(s)) {
        return false;
    }
    const int month = std::stoi(std::string(s.substr(4, 2)));
    const int day = std::stoi(std::string(s.substr(6, 2)));
    return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

bool isValidTime(std::string_view s)
{
    if (s.size() != 6 || !isDigits(s)) {
        return false;
    }
    return std::stoi(std::string(s.substr(0, 2))) < 24 && std::stoi(std::string(s.substr(2, 2))) < 60 &&
           std::stoi(std::string(s.substr(4, 2))) < 60;
}

bool isValidUid(std::string_view s)
{
    if (s.empty() || s.size() > 64 || s.front() == '.' || s.back() == '.') {
        return false;
    }
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '.') {
            if (s[i + 1] == '.') {
                return false;
            }
            continue;
        }
        if (c < '0' || c > '9') {
            return false;
        }
        // No leading zero in a component (except the component "0").
        const bool componentStart = i == 0 || s[i - 1] == '.';
        if (componentStart && c == '0' && i + 1 < s.size() && s[i + 1] != '.') {
            return false;
        }
    }
    return true;
}

bool hasControlCharacters(std::string_view s)
{
    return std::any_of(s.begin(), s.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7F || c == '\\';
    });
}

} // namespace

PhantomSpec presetSpec(Preset preset)
{
    PhantomSpec spec;
    spec.preset = preset;
    switch (preset) {
    case Preset::Chest:
        break;
    case Preset::Head:
        spec.rows = 512;
        spec.columns = 512;
        spec.slices = 150;
        spec.rowSpacing = spec.columnSpacing = 0.45;
        spec.sliceThickness = spec.sliceSpacing = 1.0;
        spec.transferSyntax = TransferSyntax::JpegLsLossless;
        spec.identity.institutionName = "みなと健診センター";
        spec.identity.studyDescription = "頭部CT 単純";
        break;
    case Preset::Tiny:
        spec.rows = 64;
        spec.columns = 64;
        spec.slices = 16;
        spec.rowSpacing = spec.columnSpacing = 5.6;
        spec.sliceThickness = spec.sliceSpacing = 5.0;
        break;
    }
    return spec;
}

std::expected<void, Error> validateSpec(const PhantomSpec& spec)
{
    constexpr int kMaxMatrix = 2048;
    if (spec.rows < 16 || spec.rows > kMaxMatrix) {
        return invalid(detail::format("--rows must be 16..{}, got {}", kMaxMatrix, spec.rows));
    }
    if (spec.columns < 16 || spec.columns > kMaxMatrix) {
        return invalid(detail::format("--columns must be 16..{}, got {}", kMaxMatrix, spec.columns));
    }
    if (spec.slices < 2 || spec.slices > 4096) {
        return invalid(detail::format("--slices must be 2..4096, got {}", spec.slices));
    }
    const auto spacingOk = [](double v) { return std::isfinite(v) && v >= 0.01 && v <= 50.0; };
    if (!spacingOk(spec.rowSpacing) || !spacingOk(spec.columnSpacing)) {
        return invalid(detail::format("--pixel-spacing must be 0.01..50 mm, got {}\\{}", spec.rowSpacing,
                                      spec.columnSpacing));
    }
    if (!spacingOk(spec.sliceThickness)) {
        return invalid(detail::format("--slice-thickness must be 0.01..50 mm, got {}", spec.sliceThickness));
    }
    if (!spacingOk(spec.sliceSpacing)) {
        return invalid(detail::format("--slice-spacing must be 0.01..50 mm, got {}", spec.sliceSpacing));
    }
    if (!std::isfinite(spec.obliqueAngle) || std::abs(spec.obliqueAngle) > 90.0) {
        return invalid(detail::format("--oblique-angle must be -90..90 degrees, got {}", spec.obliqueAngle));
    }
    const auto& ax = spec.obliqueAxis;
    const double axisLength = std::sqrt(ax[0] * ax[0] + ax[1] * ax[1] + ax[2] * ax[2]);
    if (!std::isfinite(axisLength) || axisLength < 1e-6) {
        return invalid("--oblique-axis must be x, y, z or a non-zero vector X,Y,Z");
    }
    if (!std::isfinite(spec.gantryTilt) || std::abs(spec.gantryTilt) > 30.0) {
        return invalid(detail::format("--tilt must be -30..30 degrees, got {}", spec.gantryTilt));
    }
    if (spec.missingSlice && (*spec.missingSlice < 0 || *spec.missingSlice >= spec.slices)) {
        return invalid(
            detail::format("--missing-slice must be 0..{} (0-based index into --slices {}), got {}",
                           spec.slices - 1, spec.slices, *spec.missingSlice));
    }
    if (spec.rescaleSlope < 1 || spec.rescaleSlope > 16) {
        return invalid(detail::format(
            "--rescale-slope must be an integer 1..16 (HU stay exact integers), got {}", spec.rescaleSlope));
    }
    const int b = spec.rescaleIntercept;
    const int m = spec.rescaleSlope;
    if (b < -32768 || b > 1024) {
        return invalid(detail::format("--rescale-intercept must be -32768..1024, got {}", b));
    }
    // HU -1024..3071 must be representable as stored values.
    const bool isSigned = b > -1024;
    const long minStored = std::lround(std::floor((-1024.0 - b) / m));
    const long maxStored = std::lround(std::ceil((3071.0 - b) / m));
    if ((isSigned && (minStored < -32768 || maxStored > 32767)) || (!isSigned && maxStored > 65535) ||
        (!isSigned && maxStored * m + b > 32767)) {
        return invalid(
            detail::format("--rescale-slope {} with --rescale-intercept {} cannot store HU -1024..3071 "
                           "in 16 bits",
                           m, b));
    }
    if (!std::isfinite(spec.noiseSigma) || spec.noiseSigma < 0.0 || spec.noiseSigma > 200.0) {
        return invalid(detail::format("--noise must be 0..200 HU, got {}", spec.noiseSigma));
    }
    if (!spec.marker.empty()) {
        if (spec.marker.size() < 8 || spec.marker.size() > 64) {
            return invalid(detail::format("--marker must be 8..64 characters, got {}", spec.marker.size()));
        }
        if (!std::all_of(spec.marker.begin(), spec.marker.end(), [](char c) {
                return c >= 0x21 && c <= 0x7E && c != '^' && c != '=' && c != '\\';
            })) {
            return invalid("--marker must be printable ASCII without spaces, '^', '=' or '\\'");
        }
        if (isCompressed(spec.transferSyntax)) {
            return invalid(
                detail::format("--marker needs an uncompressed transfer syntax (explicit-le, implicit-le, "
                               "explicit-be): its bytes would not appear in {} pixel data",
                               toString(spec.transferSyntax)));
        }
        if (m != 1 || b > 128) {
            return invalid("--marker needs --rescale-slope 1 and --rescale-intercept <= 128 so that marker "
                           "pixels stay valid int16 HU");
        }
        if (static_cast<int>(spec.marker.size() + 1) / 2 + 2 > spec.columns) {
            return invalid("--marker does not fit in one image row: use more --columns or a shorter marker");
        }
    }

    const Identity& id = spec.identity;
    if (id.patientName.empty() || hasControlCharacters(id.patientName)) {
        return invalid("--patient-name must be non-empty, without control characters or backslash");
    }
    if (std::count(id.patientName.begin(), id.patientName.end(), '=') > 2) {
        return invalid("--patient-name has at most three component groups separated by '='");
    }
    if (id.patientId.empty() || id.patientId.size() > 64 || hasControlCharacters(id.patientId)) {
        return invalid("--patient-id must be 1..64 characters without control characters");
    }
    if (!id.birthDate.empty() && !isValidDate(id.birthDate)) {
        return invalid(detail::format("--birth-date must be YYYYMMDD, got '{}'", id.birthDate));
    }
    if (id.sex != "M" && id.sex != "F" && id.sex != "O" && !id.sex.empty()) {
        return invalid(detail::format("--sex must be M, F or O, got '{}'", id.sex));
    }
    if (!isValidDate(id.studyDate)) {
        return invalid(detail::format("--study-date must be YYYYMMDD, got '{}'", id.studyDate));
    }
    if (!isValidTime(id.studyTime)) {
        return invalid(detail::format("--study-time must be HHMMSS, got '{}'", id.studyTime));
    }
    if (id.accessionNumber.size() > 16 || hasControlCharacters(id.accessionNumber)) {
        return invalid("--accession must be at most 16 characters");
    }
    for (const auto& [option, value] : {std::pair{"--institution", &id.institutionName},
                                        std::pair{"--study-description", &id.studyDescription},
                                        std::pair{"--referring-physician", &id.referringPhysician}}) {
        if (hasControlCharacters(*value)) {
            return invalid(detail::format("{} must not contain control characters or backslash", option));
        }
    }
    static constexpr std::string_view kPriorities[] = {"STAT", "HIGH", "ROUTINE", "MEDIUM", "LOW"};
    if (std::find(std::begin(kPriorities), std::end(kPriorities), id.priority) == std::end(kPriorities)) {
        return invalid(
            detail::format("--priority must be STAT, HIGH, ROUTINE, MEDIUM or LOW, got '{}'", id.priority));
    }
    if (!id.studyUid.empty()) {
        // Derived UIDs append ".<n>.<instance>", see PhantomWriter.
        const std::size_t room = 64 - std::to_string(spec.slices).size() - 3;
        if (!isValidUid(id.studyUid) || id.studyUid.size() > room) {
            return invalid(
                detail::format("--study-uid must be a valid UID (digits and dots, no leading zeros) of at "
                               "most {} characters so that derived UIDs fit 64, got '{}'",
                               room, id.studyUid));
        }
    }
    if (!id.uidRoot.empty() && (!isValidUid(id.uidRoot) || id.uidRoot.size() > 24)) {
        return invalid(detail::format(
            "--uid-root must be a valid UID prefix of at most 24 characters, got '{}'", id.uidRoot));
    }
    return {};
}

std::string_view toString(Preset preset)
{
    switch (preset) {
    case Preset::Chest:
        return "chest";
    case Preset::Head:
        return "head";
    case Preset::Tiny:
        return "tiny";
    }
    return "?";
}

std::string_view toString(PatientPosition position)
{
    switch (position) {
    case PatientPosition::HFS:
        return "HFS";
    case PatientPosition::FFS:
        return "FFS";
    case PatientPosition::HFP:
        return "HFP";
    case PatientPosition::FFP:
        return "FFP";
    }
    return "?";
}

std::string_view toString(TransferSyntax syntax)
{
    switch (syntax) {
    case TransferSyntax::ExplicitLittle:
        return "explicit-le";
    case TransferSyntax::ImplicitLittle:
        return "implicit-le";
    case TransferSyntax::ExplicitBig:
        return "explicit-be";
    case TransferSyntax::JpegLsLossless:
        return "jpeg-ls";
    case TransferSyntax::JpegLossless:
        return "jpeg-lossless";
    case TransferSyntax::RleLossless:
        return "rle";
    case TransferSyntax::Deflated:
        return "deflate";
    }
    return "?";
}

std::string_view toString(Charset charset)
{
    return charset == Charset::Utf8 ? "utf8" : "iso2022";
}

std::string_view transferSyntaxUid(TransferSyntax syntax)
{
    switch (syntax) {
    case TransferSyntax::ExplicitLittle:
        return "1.2.840.10008.1.2.1";
    case TransferSyntax::ImplicitLittle:
        return "1.2.840.10008.1.2";
    case TransferSyntax::ExplicitBig:
        return "1.2.840.10008.1.2.2";
    case TransferSyntax::JpegLsLossless:
        return "1.2.840.10008.1.2.4.80";
    case TransferSyntax::JpegLossless:
        return "1.2.840.10008.1.2.4.70";
    case TransferSyntax::RleLossless:
        return "1.2.840.10008.1.2.5";
    case TransferSyntax::Deflated:
        return "1.2.840.10008.1.2.1.99";
    }
    return "";
}

bool isCompressed(TransferSyntax syntax)
{
    return syntax != TransferSyntax::ExplicitLittle && syntax != TransferSyntax::ImplicitLittle &&
           syntax != TransferSyntax::ExplicitBig;
}

std::optional<Preset> parsePreset(std::string_view text)
{
    for (Preset p : {Preset::Chest, Preset::Head, Preset::Tiny}) {
        if (toString(p) == text) {
            return p;
        }
    }
    return std::nullopt;
}

std::optional<PatientPosition> parsePatientPosition(std::string_view text)
{
    for (PatientPosition p :
         {PatientPosition::HFS, PatientPosition::FFS, PatientPosition::HFP, PatientPosition::FFP}) {
        if (toString(p) == text) {
            return p;
        }
    }
    return std::nullopt;
}

std::optional<TransferSyntax> parseTransferSyntax(std::string_view text)
{
    for (TransferSyntax t :
         {TransferSyntax::ExplicitLittle, TransferSyntax::ImplicitLittle, TransferSyntax::ExplicitBig,
          TransferSyntax::JpegLsLossless, TransferSyntax::JpegLossless, TransferSyntax::RleLossless,
          TransferSyntax::Deflated}) {
        if (toString(t) == text || transferSyntaxUid(t) == text) {
            return t;
        }
    }
    return std::nullopt;
}

std::optional<Charset> parseCharset(std::string_view text)
{
    if (text == "utf8") {
        return Charset::Utf8;
    }
    if (text == "iso2022") {
        return Charset::Iso2022;
    }
    return std::nullopt;
}

} // namespace dokuei::phantom
