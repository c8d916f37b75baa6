// Command-line parsing, validation and the output-directory contract, in process and via the tool.
#include "dokuei/phantom/CommandLine.h"

#include "TestSupport.h"

#include <fstream>

#include <gtest/gtest.h>

namespace dokuei::phantom::test {
namespace {

std::expected<CommandLine, Error> parse(std::initializer_list<std::string_view> args)
{
    const std::vector<std::string_view> v(args);
    return parseCommandLine(v);
}

TEST(CommandLine, PresetIsAppliedFirstAndOptionsOverrideItInAnyOrder)
{
    const auto cl = parse({"--rows",
                           "32",
                           "--out",
                           "/tmp/x",
                           "--preset",
                           "head",
                           "--transfer-syntax=rle",
                           "--position",
                           "FFP",
                           "--pixel-spacing",
                           "0.5,0.6",
                           "--missing-slice",
                           "3",
                           "--enhanced",
                           "--charset",
                           "iso2022",
                           "--patient-name",
                           "Suzuki^Ichiro",
                           "--seed",
                           "42",
                           "--force"});
    ASSERT_TRUE(cl) << cl.error().message;
    EXPECT_EQ(cl->spec.preset, Preset::Head);
    EXPECT_EQ(cl->spec.rows, 32);
    EXPECT_EQ(cl->spec.columns, 512);
    EXPECT_EQ(cl->spec.slices, 150);
    EXPECT_EQ(cl->spec.transferSyntax, TransferSyntax::RleLossless);
    EXPECT_EQ(cl->spec.position, PatientPosition::FFP);
    EXPECT_DOUBLE_EQ(cl->spec.rowSpacing, 0.5);
    EXPECT_DOUBLE_EQ(cl->spec.columnSpacing, 0.6);
    EXPECT_EQ(cl->spec.missingSlice, 3);
    EXPECT_TRUE(cl->spec.enhanced);
    EXPECT_EQ(cl->spec.charset, Charset::Iso2022);
    EXPECT_EQ(cl->spec.identity.patientName, "Suzuki^Ichiro");
    EXPECT_EQ(cl->spec.seed, 42u);
    EXPECT_TRUE(cl->options.replaceExisting);
    EXPECT_EQ(cl->outDir, "/tmp/x");
}

TEST(CommandLine, PresetsHaveTheDocumentedDefaults)
{
    const PhantomSpec chest = presetSpec(Preset::Chest);
    EXPECT_EQ(std::tuple(chest.rows, chest.columns, chest.slices), std::tuple(512, 512, 300));
    EXPECT_DOUBLE_EQ(chest.rowSpacing, 0.7);
    EXPECT_EQ(chest.position, PatientPosition::HFS);
    EXPECT_EQ(chest.transferSyntax, TransferSyntax::ExplicitLittle);
    const PhantomSpec head = presetSpec(Preset::Head);
    EXPECT_EQ(std::tuple(head.rows, head.columns, head.slices), std::tuple(512, 512, 150));
    EXPECT_DOUBLE_EQ(head.rowSpacing, 0.45);
    EXPECT_EQ(head.transferSyntax, TransferSyntax::JpegLsLossless);
    const PhantomSpec tiny = presetSpec(Preset::Tiny);
    EXPECT_EQ(std::tuple(tiny.rows, tiny.columns, tiny.slices), std::tuple(64, 64, 16));
}

struct BadCase
{
    std::vector<std::string_view> args;
    std::string expectInMessage;
};

TEST(CommandLine, InvalidOptionsAreRejectedWithTheOptionNamed)
{
    const std::vector<BadCase> cases = {
        {{"--rows", "0"}, "--rows"},
        {{"--columns", "5000"}, "--columns"},
        {{"--rows", "abc"}, "--rows"},
        {{"--slices", "1"}, "--slices"},
        {{"--pixel-spacing", "-0.7"}, "--pixel-spacing"},
        {{"--pixel-spacing", "1,2,3"}, "--pixel-spacing"},
        {{"--slice-spacing", "0"}, "--slice-spacing"},
        {{"--slice-thickness", "nan"}, "--slice-thickness"},
        {{"--transfer-syntax", "jpeg2000"}, "--transfer-syntax"},
        {{"--preset", "abdomen"}, "--preset"},
        {{"--position", "LFS"}, "--position"},
        {{"--missing-slice", "16", "--preset", "tiny"}, "--missing-slice"},
        {{"--missing-slice", "-1"}, "--missing-slice"},
        {{"--tilt", "45"}, "--tilt"},
        {{"--oblique-angle", "120"}, "--oblique-angle"},
        {{"--oblique-axis", "0,0,0", "--oblique-angle", "10"}, "--oblique-axis"},
        {{"--oblique-axis", "w"}, "--oblique-axis"},
        {{"--rescale-slope", "0"}, "--rescale-slope"},
        {{"--rescale-slope", "1.5"}, "--rescale-slope"},
        {{"--rescale-intercept", "30000"}, "--rescale-intercept"},
        {{"--charset", "latin1"}, "--charset"},
        {{"--sex", "X"}, "--sex"},
        {{"--birth-date", "1970-04-01"}, "--birth-date"},
        {{"--study-date", "20241301"}, "--study-date"},
        {{"--study-time", "250000"}, "--study-time"},
        {{"--priority", "URGENT"}, "--priority"},
        {{"--study-uid", "1.2.03"}, "--study-uid"},
        {{"--study-uid", "1.2.abc"}, "--study-uid"},
        {{"--accession", "12345678901234567"}, "--accession"},
        {{"--noise", "-1"}, "--noise"},
        {{"--marker", "short"}, "--marker"},
        {{"--marker", "LONG-ENOUGH-MARKER", "--transfer-syntax", "jpeg-ls"}, "--marker"},
        {{"--bogus"}, "--bogus"},
        {{"--rows"}, "--rows"},
    };
    for (const BadCase& c : cases) {
        std::vector<std::string_view> args = c.args;
        args.push_back("--out");
        args.push_back("/tmp/never-written");
        const auto cl = parseCommandLine(args);
        ASSERT_FALSE(cl) << "accepted: " << c.args.front() << " " << (c.args.size() > 1 ? c.args[1] : "");
        EXPECT_EQ(cl.error().code, ErrorCode::InvalidOption);
        EXPECT_NE(cl.error().message.find(c.expectInMessage), std::string::npos)
            << "message '" << cl.error().message << "' does not name " << c.expectInMessage;
    }
    const auto noOut = parse({"--preset", "tiny"});
    ASSERT_FALSE(noOut);
    EXPECT_NE(noOut.error().message.find("--out"), std::string::npos);
    const auto help = parse({"--help"});
    ASSERT_FALSE(help);
    EXPECT_EQ(help.error().code, ErrorCode::UsageRequested);
    EXPECT_NE(help.error().message.find("--transfer-syntax"), std::string::npos);
}

TEST(CommandLine, ToolExitsNonZeroWithAMessageAndWritesNothing)
{
    const auto dir = scratchDirectory("cli-bad");
    std::string output;
    const std::string exe = DOKUEI_PHANTOM_EXE;
    EXPECT_NE(runCommand(exe + " --preset tiny --rows 0 --out " + (dir / "out").string(), output), 0);
    EXPECT_NE(output.find("--rows"), std::string::npos) << output;
    EXPECT_FALSE(std::filesystem::exists(dir / "out"));

    EXPECT_NE(
        runCommand(exe + " --preset tiny --transfer-syntax mpeg --out " + (dir / "out").string(), output), 0);
    EXPECT_NE(output.find("--transfer-syntax"), std::string::npos) << output;

    // Output directory not writable: a path below a regular file.
    std::ofstream(dir / "plain-file") << "x";
    EXPECT_NE(runCommand(exe + " --preset tiny --out " + (dir / "plain-file" / "sub").string(), output), 0);
    EXPECT_NE(output.find("dokuei-phantom:"), std::string::npos) << output;
    EXPECT_EQ(output.find("wrote"), std::string::npos) << output;

    EXPECT_EQ(runCommand(exe + " --help", output), 0);
    EXPECT_NE(output.find("Usage: dokuei-phantom"), std::string::npos);
}

TEST(CommandLine, ToolWritesAStudyAndPrintsASummary)
{
    const auto dir = scratchDirectory("cli-good");
    std::string output;
    const std::string exe = DOKUEI_PHANTOM_EXE;
    ASSERT_EQ(runCommand(exe + " --preset tiny --slices 4 --out " + (dir / "out").string(), output), 0)
        << output;
    EXPECT_NE(output.find("wrote 4 files"), std::string::npos) << output;
    EXPECT_EQ(dicomFiles(dir / "out").size(), 4u);
    EXPECT_TRUE(std::filesystem::exists(dir / "out" / "truth.json"));
    // No leftovers of the temporary directory next to it.
    std::size_t entries = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) {
        ++entries;
    }
    EXPECT_EQ(entries, 1u);
}

TEST(OutputDirectory, ExistingContentIsNeverOverwrittenWithoutForce)
{
    const auto dir = scratchDirectory("outdir");
    PhantomSpec spec = tinySpec();
    spec.slices = 3;
    // A foreign non-empty directory is refused, even with replaceExisting.
    std::filesystem::create_directories(dir / "foreign");
    std::ofstream(dir / "foreign" / "notes.txt") << "keep me";
    WriteOptions force;
    force.replaceExisting = true;
    const auto foreign = writePhantom(spec, dir / "foreign", force);
    ASSERT_FALSE(foreign);
    EXPECT_EQ(foreign.error().code, ErrorCode::OutputDirectory);
    EXPECT_TRUE(std::filesystem::exists(dir / "foreign" / "notes.txt"));

    // An earlier phantom: refused without force, replaced with it.
    ASSERT_TRUE(writePhantom(spec, dir / "phantom"));
    const auto again = writePhantom(spec, dir / "phantom");
    ASSERT_FALSE(again);
    EXPECT_NE(again.error().message.find("--force"), std::string::npos) << again.error().message;
    spec.slices = 5;
    ASSERT_TRUE(writePhantom(spec, dir / "phantom", force));
    EXPECT_EQ(dicomFiles(dir / "phantom").size(), 5u);

    // An empty directory is fine.
    std::filesystem::create_directories(dir / "empty");
    EXPECT_TRUE(writePhantom(spec, dir / "empty"));
}

TEST(OutputDirectory, RefusedStudyLeavesNothingBehind)
{
    const auto dir = scratchDirectory("atomic");
    PhantomSpec spec = tinySpec();
    spec.charset = Charset::Iso2022;
    spec.identity.institutionName = "🏥 hospital"; // not representable in JIS X 0208
    const auto result = writePhantom(spec, dir / "out");
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, ErrorCode::Encoding);
    EXPECT_TRUE(std::filesystem::is_empty(dir)) << "partial output left in " << dir;
}

} // namespace
} // namespace dokuei::phantom::test
