// Every variant the other tests use (GeometryTest's included) passes dicom3tools' dciodvfy without a
// single "Error" line: for each variant its first, middle and last file (sorted by name, which is not
// slice order) or its one Enhanced CT multi-frame file. About 3 s with dicom3tools on this machine.
#include "TestSupport.h"

#include <algorithm>
#include <functional>
#include <iostream>
#include <sstream>

#include <dcmtk/dcmdata/dcfilefo.h>
#include <gtest/gtest.h>

namespace dokuei::phantom::test {
namespace {

struct Variant
{
    std::string name;
    std::function<void(PhantomSpec&)> apply;
};

std::vector<Variant> variants()
{
    std::vector<Variant> v;
    for (const TransferSyntax ts :
         {TransferSyntax::ExplicitLittle, TransferSyntax::ImplicitLittle, TransferSyntax::ExplicitBig,
          TransferSyntax::JpegLsLossless, TransferSyntax::JpegLossless, TransferSyntax::RleLossless,
          TransferSyntax::Deflated}) {
        v.push_back({"ts-" + std::string(toString(ts)), [ts](PhantomSpec& s) { s.transferSyntax = ts; }});
        v.push_back({"enhanced-" + std::string(toString(ts)), [ts](PhantomSpec& s) {
                         s.transferSyntax = ts;
                         s.enhanced = true;
                     }});
    }
    for (const PatientPosition p :
         {PatientPosition::HFS, PatientPosition::FFS, PatientPosition::HFP, PatientPosition::FFP}) {
        v.push_back({"position-" + std::string(toString(p)), [p](PhantomSpec& s) { s.position = p; }});
    }
    v.push_back({"oblique", [](PhantomSpec& s) {
                     s.obliqueAngle = 20;
                     s.obliqueAxis = {1, 0, 0};
                 }});
    // GeometryTest's and the reading tests' other acquisitions: every oblique axis, every patient
    // position (classic and Enhanced), tilt both ways, a missing slice in Enhanced CT.
    v.push_back({"oblique-y", [](PhantomSpec& s) {
                     s.obliqueAngle = 30;
                     s.obliqueAxis = {0, 1, 0};
                 }});
    v.push_back({"oblique-z", [](PhantomSpec& s) {
                     s.obliqueAngle = -25;
                     s.obliqueAxis = {0, 0, 1};
                 }});
    v.push_back({"oblique-xy-ffp", [](PhantomSpec& s) {
                     s.position = PatientPosition::FFP;
                     s.obliqueAngle = 30;
                     s.obliqueAxis = {1, 1, 0};
                 }});
    v.push_back({"enhanced-oblique-y", [](PhantomSpec& s) {
                     s.enhanced = true;
                     s.obliqueAngle = 30;
                     s.obliqueAxis = {0, 1, 0};
                 }});
    for (const PatientPosition p :
         {PatientPosition::HFS, PatientPosition::FFS, PatientPosition::HFP, PatientPosition::FFP}) {
        v.push_back({"enhanced-position-" + std::string(toString(p)), [p](PhantomSpec& s) {
                         s.enhanced = true;
                         s.position = p;
                     }});
        v.push_back({"oblique-position-" + std::string(toString(p)), [p](PhantomSpec& s) {
                         s.position = p;
                         s.obliqueAngle = 20;
                         s.obliqueAxis = {1, 0, 0};
                     }});
    }
    v.push_back({"tilt", [](PhantomSpec& s) { s.gantryTilt = 15; }});
    v.push_back({"tilt-negative-ffs", [](PhantomSpec& s) {
                     s.position = PatientPosition::FFS;
                     s.gantryTilt = -20;
                 }});
    v.push_back({"enhanced-tilt", [](PhantomSpec& s) {
                     s.enhanced = true;
                     s.gantryTilt = 15;
                 }});
    v.push_back({"enhanced-missing-slice", [](PhantomSpec& s) {
                     s.enhanced = true;
                     s.missingSlice = 5;
                 }});
    v.push_back({"missing-first-slice", [](PhantomSpec& s) { s.missingSlice = 0; }});
    v.push_back({"enhanced-tilt-missing", [](PhantomSpec& s) {
                     s.enhanced = true;
                     s.gantryTilt = 15;
                     s.missingSlice = 5;
                 }});
    v.push_back({"missing-slice", [](PhantomSpec& s) { s.missingSlice = 5; }});
    v.push_back({"rescale-signed", [](PhantomSpec& s) { s.rescaleIntercept = 0; }});
    v.push_back({"rescale-slope2", [](PhantomSpec& s) {
                     s.rescaleSlope = 2;
                     s.rescaleIntercept = -2048;
                 }});
    v.push_back({"charset-utf8", [](PhantomSpec& s) { s.charset = Charset::Utf8; }});
    v.push_back({"charset-iso2022", [](PhantomSpec& s) { s.charset = Charset::Iso2022; }});
    v.push_back({"enhanced-iso2022", [](PhantomSpec& s) {
                     s.charset = Charset::Iso2022;
                     s.enhanced = true;
                 }});
    v.push_back({"marker", [](PhantomSpec& s) { s.marker = "DOKUEI-MARKER-7f3a9c1e"; }});
    v.push_back({"marker-be", [](PhantomSpec& s) {
                     s.marker = "ODDLEN-MARKER-123456789";
                     s.transferSyntax = TransferSyntax::ExplicitBig;
                 }});
    v.push_back({"head", [](PhantomSpec& s) {
                     s = presetSpec(Preset::Head);
                     s.rows = s.columns = 64;
                     s.rowSpacing = s.columnSpacing = 3.6;
                     s.slices = 8;
                     s.sliceSpacing = s.sliceThickness = 5;
                 }});
    return v;
}

TEST(Dciodvfy, EveryVariantHasNoErrors)
{
    const std::string dciodvfy = DOKUEI_DCIODVFY;
    std::string probe;
    ASSERT_TRUE(!dciodvfy.empty() && dciodvfy.find("NOTFOUND") == std::string::npos &&
                runCommand(dciodvfy + " -help", probe) != 127)
        << "dciodvfy is not installed (Debian package dicom3tools): this test needs it and does not skip";

    std::size_t checked = 0;
    std::size_t filesChecked = 0;
    for (const Variant& variant : variants()) {
        SCOPED_TRACE(variant.name);
        PhantomSpec spec = tinySpec();
        spec.slices = 8;
        variant.apply(spec);
        const auto dir = scratchDirectory("dciodvfy-" + variant.name);
        ASSERT_TRUE(generate(spec, dir));
        auto files = dicomFiles(dir);
        ASSERT_FALSE(files.empty());
        std::sort(files.begin(), files.end());
        std::vector<std::filesystem::path> picked = {files.front(), files[files.size() / 2], files.back()};
        picked.erase(std::unique(picked.begin(), picked.end()), picked.end());
        EXPECT_EQ(picked.size(), spec.enhanced ? 1u : 3u)
            << "Enhanced CT is one multi-frame file, classic one per slice";
        for (std::filesystem::path file : picked) {
            SCOPED_TRACE(file.filename().string());
            if (spec.transferSyntax == TransferSyntax::Deflated) {
                // dciodvfy cannot read deflate: the deflated variants are checked on an inflated copy.
                // DCMTK reads the deflated file and writes it explicit VR little endian, otherwise
                // unchanged, so the IOD content dciodvfy checks is the deflated file's.
                DcmFileFormat format;
                ASSERT_TRUE(format.loadFile(file.c_str()).good());
                const std::filesystem::path inflated = dir / (file.stem().string() + ".inflated.tmp");
                ASSERT_TRUE(format.saveFile(inflated.c_str(), EXS_LittleEndianExplicit).good());
                file = inflated;
            }
            std::string output;
            runCommand(dciodvfy + " '" + file.string() + "'", output);
            std::istringstream lines(output);
            std::string line;
            std::vector<std::string> errors;
            while (std::getline(lines, line)) {
                if (line.starts_with("Error")) {
                    errors.push_back(line);
                }
            }
            EXPECT_TRUE(errors.empty())
                << variant.name << " " << file.filename().string() << ": dciodvfy reported errors:\n"
                << output;
            EXPECT_NE(output.find(spec.enhanced ? "EnhancedCT" : "CTImage"), std::string::npos)
                << "dciodvfy did not recognise the IOD:\n"
                << output;
            ++filesChecked;
        }
        ++checked;
    }
    EXPECT_EQ(checked, variants().size());
    std::cout << "dciodvfy checked " << filesChecked << " files of " << checked << " variants\n";
}

} // namespace
} // namespace dokuei::phantom::test
