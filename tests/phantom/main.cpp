// dokuei-phantom: writes a synthetic CT study with known truth. See README.md.
#include "dokuei/phantom/CommandLine.h"
#include "dokuei/phantom/PhantomWriter.h"

#include <cstdio>
#include <string_view>
#include <vector>

#include <dcmtk/oflog/oflog.h>

int main(int argc, char** argv)
{
    using namespace dokuei::phantom;
    // DCMTK's codecs log informational chatter; keep the tool's output to the summary line.
    OFLog::configure(OFLogger::WARN_LOG_LEVEL);
    std::vector<std::string_view> args;
    for (int i = 1; i < argc; ++i) {
        args.emplace_back(argv[i]);
    }
    auto commandLine = parseCommandLine(args);
    if (!commandLine) {
        if (commandLine.error().code == ErrorCode::UsageRequested) {
            std::fputs(commandLine.error().message.c_str(), stdout);
            return 0;
        }
        std::fprintf(stderr, "dokuei-phantom: %s\n", commandLine.error().message.c_str());
        return 2;
    }
    auto summary = writePhantom(commandLine->spec, commandLine->outDir, commandLine->options);
    if (!summary) {
        std::fprintf(stderr, "dokuei-phantom: %s\n", summary.error().message.c_str());
        return 1;
    }
    if (!commandLine->quiet) {
        std::printf("dokuei-phantom: wrote %zu files, %ju bytes in %.2f s to %s\n", summary->files,
                    summary->bytes, summary->seconds, summary->directory.c_str());
    }
    return 0;
}
