#pragma once

#include <string>

namespace dokuei::phantom {

/// Why the phantom generator refused or failed. The message names the option or file concerned.
enum class ErrorCode
{
    InvalidOption,   ///< a command-line value or PhantomSpec field is out of range or malformed
    UsageRequested,  ///< --help was given; the message holds the usage text
    OutputDirectory, ///< the output directory cannot be created, replaced or written
    Encoding,        ///< a text value cannot be encoded in the requested character set
    Dicom,           ///< DCMTK refused to build, compress or write a data set
};

struct Error
{
    ErrorCode code = ErrorCode::InvalidOption;
    std::string message;
};

} // namespace dokuei::phantom
