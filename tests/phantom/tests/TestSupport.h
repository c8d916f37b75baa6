#pragma once

#include "dokuei/phantom/PhantomSpec.h"
#include "dokuei/phantom/PhantomWriter.h"

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <QJsonObject>

namespace dokuei::phantom {
inline void PrintTo(TransferSyntax syntax, std::ostream* os)
{
    *os << toString(syntax);
}
} // namespace dokuei::phantom

namespace dokuei::phantom::test {

using Vec = std::array<double, 3>;

/// A fresh, empty scratch directory for one test (removed at the start of the next run).
std::filesystem::path scratchDirectory(const std::string& name);

/// The tiny preset with a fixed study UID, so that every run writes the same study.
PhantomSpec tinySpec();

/// Writes spec into dir and fails the calling test (via ADD_FAILURE) on error.
std::optional<WriteSummary> generate(const PhantomSpec& spec, const std::filesystem::path& dir);

QJsonObject readTruth(const std::filesystem::path& dir);

/// What an independent DCMTK read of one file yields (frames decoded, rescaled to HU).
struct DecodedImage
{
    std::string sopClassUid;
    std::string transferSyntaxUid;
    int rows = 0;
    int columns = 0;
    std::vector<std::vector<std::int16_t>> frames; ///< HU, row-major
    std::array<double, 6> orientation{};
    std::vector<Vec> positions;       ///< per frame
    std::vector<int> instanceNumbers; ///< classic: one; Enhanced: in-stack positions
    double gantryTilt = 0;
    double pixelSpacing[2]{};
    std::string specificCharacterSet;
    std::string rawPatientName;              ///< bytes as stored
    std::string utf8PatientName;             ///< after DcmDataset::convertToUTF8
    std::vector<std::uint8_t> rawPixelBytes; ///< pixel data as stored in the file (uncompressed only)
};

/// Loads and decodes a DICOM file with DCMTK (JPEG-LS, JPEG, RLE decoders registered).
std::optional<DecodedImage> decodeFile(const std::filesystem::path& file, std::string& error);

std::uint64_t fnv1a64(const std::vector<std::int16_t>& hu);
std::string hex16(std::uint64_t value);

/// Runs a shell command; returns exit status and combined stdout+stderr.
int runCommand(const std::string& command, std::string& output);

std::vector<std::filesystem::path> dicomFiles(const std::filesystem::path& dir);

Vec vec(const QJsonValue& array);
double dot(const Vec& a, const Vec& b);
Vec sub(const Vec& a, const Vec& b);
Vec cross(const Vec& a, const Vec& b);

/// For every truth object: the HU of the voxel nearest its centre, found from the decoded files'
/// own geometry (not the library's). Returns (object name, expected HU, found HU) for every
/// object whose nearest voxel centre lies well inside it.
struct ObjectSample
{
    std::string name;
    int expected = 0;
    int found = 0;
};
std::vector<ObjectSample> sampleObjects(const QJsonObject& truth, const std::vector<DecodedImage>& images);

} // namespace dokuei::phantom::test
