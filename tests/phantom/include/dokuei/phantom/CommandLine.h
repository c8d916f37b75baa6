#pragma once

#include "dokuei/phantom/Error.h"
#include "dokuei/phantom/PhantomSpec.h"
#include "dokuei/phantom/PhantomWriter.h"

#include <expected>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

namespace dokuei::phantom {

struct CommandLine
{
    PhantomSpec spec;
    std::filesystem::path outDir;
    WriteOptions options;
    bool quiet = false;
};

/// Parses the arguments after the program name. --preset is applied first, every other option
/// overrides it in any order. The result is validated (validateSpec). --help yields
/// ErrorCode::UsageRequested with usageText() as its message.
std::expected<CommandLine, Error> parseCommandLine(std::span<const std::string_view> args);

std::string usageText();

} // namespace dokuei::phantom
