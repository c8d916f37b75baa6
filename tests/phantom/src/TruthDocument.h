#pragma once

#include "dokuei/phantom/Error.h"
#include "dokuei/phantom/PhantomModel.h"
#include "dokuei/phantom/PhantomWriter.h"

#include <expected>
#include <filesystem>
#include <string>
#include <vector>

namespace dokuei::phantom {

/// The identity as written (UTF-8), after --marker replaced the family name.
struct WrittenIdentity
{
    std::string patientName;
    Identity identity;
};

/// Writes truth.json (format described in README.md) to path.
std::expected<void, Error> writeTruthDocument(const std::filesystem::path& path, const PhantomModel& model,
                                              const StudyUids& uids, const std::string& sopClassUid,
                                              const WrittenIdentity& identity,
                                              const std::vector<WrittenSlice>& slices);

/// Decimal String text for a double: at most 16 characters, as written into the DICOM files.
std::string formatDecimalString(double value);
/// The value a reader gets back from formatDecimalString(value).
double decimalStringValue(double value);

} // namespace dokuei::phantom
