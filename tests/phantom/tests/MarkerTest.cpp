// --marker plants its bytes raw into every slice's stored pixels and into the patient name.
#include "TestSupport.h"

#include <algorithm>
#include <fstream>
#include <iterator>

#include <QJsonObject>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <gtest/gtest.h>

namespace dokuei::phantom::test {
namespace {

using namespace Qt::Literals::StringLiterals;

constexpr std::string_view kMarker = "DOKUEI-MARKER-7f3a9c1e"; // even length
constexpr std::string_view kOtherMarker = "PHI-MARKER-0123456";

std::size_t occurrences(const std::vector<std::uint8_t>& haystack, std::string_view needle)
{
    std::size_t count = 0;
    auto it = haystack.begin();
    while ((it = std::search(it, haystack.end(), needle.begin(), needle.end())) != haystack.end()) {
        ++count;
        ++it;
    }
    return count;
}

/// The stored pixel bytes of a file, read by DCMTK but in file byte order.
std::vector<std::uint8_t> pixelBytesInFileOrder(const std::filesystem::path& file, bool bigEndian)
{
    DcmFileFormat format;
    EXPECT_TRUE(format.loadFile(file.c_str()).good());
    const Uint16* words = nullptr;
    unsigned long count = 0;
    EXPECT_TRUE(format.getDataset()->findAndGetUint16Array(DCM_PixelData, words, &count).good());
    std::vector<std::uint8_t> bytes;
    for (unsigned long i = 0; i < count; ++i) {
        const auto lo = static_cast<std::uint8_t>(words[i] & 0xFF);
        const auto hi = static_cast<std::uint8_t>(words[i] >> 8);
        bytes.push_back(bigEndian ? hi : lo);
        bytes.push_back(bigEndian ? lo : hi);
    }
    return bytes;
}

class MarkerSyntax : public ::testing::TestWithParam<TransferSyntax>
{
};

TEST_P(MarkerSyntax, MarkerBytesAreInEveryFilesPixelDataAndInTheName)
{
    for (const std::string_view marker : {kMarker, std::string_view("ODDLEN-MARKER-123456789")}) {
        PhantomSpec spec = tinySpec();
        spec.transferSyntax = GetParam();
        spec.marker = std::string(marker);
        const auto dir = scratchDirectory("marker-" + std::string(toString(GetParam())));
        ASSERT_TRUE(generate(spec, dir));
        const auto files = dicomFiles(dir);
        ASSERT_EQ(files.size(), 16u);
        for (const auto& file : files) {
            std::string error;
            const auto image = decodeFile(file, error);
            ASSERT_TRUE(image) << error;
            EXPECT_EQ(occurrences(image->rawPixelBytes, marker), 2u)
                << file << ": once in pixels, once in the name";
            const auto pixels = pixelBytesInFileOrder(file, GetParam() == TransferSyntax::ExplicitBig);
            EXPECT_EQ(occurrences(pixels, marker), 1u) << file << ": marker not in the stored pixel bytes";
            EXPECT_TRUE(image->rawPatientName.starts_with(std::string(marker) + "^Taro="))
                << image->rawPatientName;
        }
        const QJsonObject truth = readTruth(dir);
        const QJsonObject m = truth.value(u"marker"_s).toObject();
        EXPECT_EQ(m.value(u"text"_s).toString().toStdString(), marker);
        EXPECT_EQ(m.value(u"row"_s).toInt(), 1);
        EXPECT_EQ(m.value(u"column"_s).toInt(), 1);
        EXPECT_EQ(m.value(u"pixelCount"_s).toInt(), static_cast<int>((marker.size() + 1) / 2));
    }
}

INSTANTIATE_TEST_SUITE_P(Uncompressed, MarkerSyntax,
                         ::testing::Values(TransferSyntax::ExplicitLittle, TransferSyntax::ImplicitLittle,
                                           TransferSyntax::ExplicitBig),
                         [](const ::testing::TestParamInfo<TransferSyntax>& param) {
                             std::string name(toString(param.param));
                             std::replace(name.begin(), name.end(), '-', '_');
                             return name;
                         });

TEST(Marker, RejectedWithCompressedSyntaxes)
{
    for (const TransferSyntax ts : {TransferSyntax::JpegLsLossless, TransferSyntax::JpegLossless,
                                    TransferSyntax::RleLossless, TransferSyntax::Deflated}) {
        PhantomSpec spec = tinySpec();
        spec.transferSyntax = ts;
        spec.marker = std::string(kOtherMarker);
        const auto valid = validateSpec(spec);
        ASSERT_FALSE(valid) << toString(ts);
        EXPECT_NE(valid.error().message.find("--marker"), std::string::npos) << valid.error().message;
        const auto dir = scratchDirectory("marker-rejected");
        const auto written = writePhantom(spec, dir / "out");
        EXPECT_FALSE(written);
        EXPECT_FALSE(std::filesystem::exists(dir / "out"));
    }
}

TEST(Marker, RejectsBadLengthsAndCharacters)
{
    PhantomSpec spec = tinySpec();
    for (const std::string& bad :
         std::vector<std::string>{"SHORT", std::string(65, 'A'), "HAS SPACE 123", "BAD^CARET1"}) {
        spec.marker = bad;
        EXPECT_FALSE(validateSpec(spec)) << bad;
    }
}

} // namespace
} // namespace dokuei::phantom::test
