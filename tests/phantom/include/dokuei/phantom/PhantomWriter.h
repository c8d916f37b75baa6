#pragma once

#include "dokuei/phantom/Error.h"
#include "dokuei/phantom/PhantomModel.h"
#include "dokuei/phantom/PhantomSpec.h"

#include <cstdint>
#include <expected>
#include <filesystem>
#include <string>
#include <vector>

namespace dokuei::phantom {

struct WriteOptions
{
    unsigned threads = 0;         ///< 0: one per hardware thread
    bool replaceExisting = false; ///< replace an output directory that holds an earlier phantom
};

/// One written slice (for Enhanced CT: one frame; all frames share fileName and sopInstanceUid).
struct WrittenSlice
{
    int acquisitionIndex = 0;
    int instanceNumber = 0; ///< Enhanced CT: 1-based frame number
    std::string fileName;
    std::string sopInstanceUid;
    Vec3 position{};
    std::uint64_t huChecksum = 0;
};

struct StudyUids
{
    std::string study;
    std::string series;
    std::string frameOfReference;
};

struct WriteSummary
{
    std::filesystem::path directory;
    std::size_t files = 0; ///< DICOM files, truth.json not counted
    std::uintmax_t bytes = 0;
    double seconds = 0;
    StudyUids uids;
    std::vector<WrittenSlice> slices;
};

/// Writes the phantom study and truth.json into outDir. Everything is written into a temporary
/// sibling directory that is renamed to outDir only when complete, so a failure never leaves a
/// directory that looks finished. outDir must not exist, or be empty, or (with replaceExisting)
/// hold an earlier phantom (a truth.json).
std::expected<WriteSummary, Error> writePhantom(const PhantomSpec& spec, const std::filesystem::path& outDir,
                                                const WriteOptions& options = {});

} // namespace dokuei::phantom
