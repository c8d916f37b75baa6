#pragma once

#include "dokuei/phantom/Error.h"

#include <array>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

namespace dokuei::phantom {

enum class Preset
{
    Chest, ///< body ellipse, fat layer, lungs, ribs, vertebra, aorta, liver (lower slices), metal clip
    Head,  ///< scalp, skull, brain
    Tiny,  ///< the chest anatomy on a 64x64x16 grid, for fast tests
};

/// Patient position (0018,5100). Image orientation follows it as a scanner writes it.
enum class PatientPosition
{
    HFS,
    FFS,
    HFP,
    FFP,
};

enum class TransferSyntax
{
    ExplicitLittle, ///< 1.2.840.10008.1.2.1
    ImplicitLittle, ///< 1.2.840.10008.1.2
    ExplicitBig,    ///< 1.2.840.10008.1.2.2 (retired, still met in archives)
    JpegLsLossless, ///< 1.2.840.10008.1.2.4.80
    JpegLossless,   ///< 1.2.840.10008.1.2.4.70, process 14 selection value 1
    RleLossless,    ///< 1.2.840.10008.1.2.5
    Deflated,       ///< 1.2.840.10008.1.2.1.99
};

enum class Charset
{
    Utf8,    ///< Specific Character Set "ISO_IR 192"
    Iso2022, ///< Specific Character Set "\ISO 2022 IR 87": ASCII plus JIS X 0208 via escape sequences
};

/// Who and what the study is about. Every text is UTF-8 here; the writer encodes it for the charset.
struct Identity
{
    std::string patientName = "Yamada^Taro=山田^太郎=やまだ^たろう";
    std::string patientId = "PH0000001";
    std::string birthDate = "19700401"; ///< YYYYMMDD
    std::string sex = "M";              ///< M, F or O
    std::string institutionName = "さくら市立病院";
    std::string accessionNumber = "ACC0000001";
    std::string referringPhysician = "Sato^Hanako";
    std::string studyDescription = "胸部CT 単純";
    std::string priority = "ROUTINE";   ///< Requested Procedure Priority: STAT, HIGH, ROUTINE, MEDIUM, LOW
    std::string studyDate = "20240115"; ///< YYYYMMDD
    std::string studyTime = "093000";   ///< HHMMSS
    std::string studyUid;               ///< empty: generated; otherwise every UID is derived from it
    std::string uidRoot;                ///< root for generated UIDs; empty: DCMTK's site root
};

/// Everything that determines a phantom study. Same spec and seed: same pixels, same truth.
struct PhantomSpec
{
    Preset preset = Preset::Chest;
    int rows = 512;
    int columns = 512;
    int slices = 300;
    double rowSpacing = 0.7;    ///< mm between rows (first value of Pixel Spacing)
    double columnSpacing = 0.7; ///< mm between columns (second value of Pixel Spacing)
    double sliceThickness = 1.0;
    double sliceSpacing = 1.0; ///< mm between slice centres along the stack (table increment when tilted)
    PatientPosition position = PatientPosition::HFS;
    double obliqueAngle = 0.0;                        ///< degrees, rotation of the image planes
    std::array<double, 3> obliqueAxis{1.0, 0.0, 0.0}; ///< patient LPS axis of that rotation
    double gantryTilt = 0.0;                          ///< degrees, rotation about the patient's L axis
    std::optional<int> missingSlice;                  ///< 0-based acquisition index not written
    int rescaleSlope = 1;                             ///< integer so that HU stay integer and bit-exact
    int rescaleIntercept = -1024;
    TransferSyntax transferSyntax = TransferSyntax::ExplicitLittle;
    bool enhanced = false; ///< one Enhanced CT multi-frame file instead of one CT image per slice
    Charset charset = Charset::Utf8;
    Identity identity;
    std::uint64_t seed = 1;
    double noiseSigma = 12.0; ///< HU standard deviation of the anatomy noise; 0 disables noise
    std::string marker;       ///< empty or 8..64 printable ASCII characters (see README)
};

/// The defaults of a preset: grid, spacing, transfer syntax, description.
PhantomSpec presetSpec(Preset preset);

/// Checks every field; the error names the offending option as spelled on the command line.
std::expected<void, Error> validateSpec(const PhantomSpec& spec);

std::string_view toString(Preset preset);
std::string_view toString(PatientPosition position);
std::string_view toString(TransferSyntax syntax);
std::string_view toString(Charset charset);
std::string_view transferSyntaxUid(TransferSyntax syntax);
bool isCompressed(TransferSyntax syntax); ///< pixel bytes do not appear verbatim in the file

std::optional<Preset> parsePreset(std::string_view text);
std::optional<PatientPosition> parsePatientPosition(std::string_view text);
std::optional<TransferSyntax> parseTransferSyntax(std::string_view text);
std::optional<Charset> parseCharset(std::string_view text);

} // namespace dokuei::phantom
