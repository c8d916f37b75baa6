// Japanese person names in ISO_IR 192 and in ISO 2022 IR 87 (PS3.5 Annex H).
#include "dokuei/phantom/Iso2022Encoding.h"

#include "TestSupport.h"

#include <cstdint>
#include <iconv.h>

#include <QJsonObject>

#include <gtest/gtest.h>

namespace dokuei::phantom::test {
namespace {

using namespace Qt::Literals::StringLiterals;

constexpr const char* kName = "Yamada^Taro=山田^太郎=やまだ^たろう";
// PS3.5 H.3.1: every ideographic/phonetic component in JIS X 0208, back to ASCII before '^' and '='.
constexpr const char* kNameIr87 = "Yamada^Taro="
                                  "\x1b$B;3ED\x1b(B^\x1b$BB@O:\x1b(B="
                                  "\x1b$B$d$^$@\x1b(B^\x1b$B$?$m$&\x1b(B";

TEST(Iso2022Encoding, PersonNameMatchesAnnexHByteForByte)
{
    const auto encoded = encodePersonNameIso2022Ir87(kName);
    ASSERT_TRUE(encoded) << encoded.error().message;
    EXPECT_EQ(*encoded, kNameIr87);
}

TEST(Iso2022Encoding, AsciiStaysAsciiAndMixedTextReturnsToAscii)
{
    EXPECT_EQ(encodeIso2022Ir87("CHEST CT").value(), "CHEST CT");
    EXPECT_EQ(encodeIso2022Ir87("胸部CT").value(), "\x1b$B6;It\x1b(BCT");
}

TEST(Iso2022Encoding, CharactersOutsideJisX0208AreRefused)
{
    const auto emoji = encodeIso2022Ir87("山田😀");
    ASSERT_FALSE(emoji);
    EXPECT_EQ(emoji.error().code, ErrorCode::Encoding);
    const auto halfWidth = encodePersonNameIso2022Ir87("Yamada=ﾔﾏﾀﾞ");
    EXPECT_FALSE(halfWidth);
}

std::string decodeIso2022Jp(const std::string& bytes)
{
    iconv_t cd = iconv_open("UTF-8", "ISO-2022-JP");
    if (cd == reinterpret_cast<iconv_t>(static_cast<std::intptr_t>(-1))) {
        return "<no iconv ISO-2022-JP decoder>";
    }
    std::string input = bytes;
    std::string output(input.size() * 4 + 16, '\0');
    char* in = input.data();
    std::size_t inLeft = input.size();
    char* out = output.data();
    std::size_t outLeft = output.size();
    const std::size_t rc = iconv(cd, &in, &inLeft, &out, &outLeft);
    iconv_close(cd);
    if (rc == static_cast<std::size_t>(-1)) {
        return "<invalid ISO-2022-JP bytes>";
    }
    output.resize(output.size() - outLeft);
    return output;
}

class CharsetFiles : public ::testing::TestWithParam<Charset>
{
};

TEST_P(CharsetFiles, PatientNameConvertsToTheExactUtf8Name)
{
    PhantomSpec spec = tinySpec();
    spec.charset = GetParam();
    spec.slices = 2;
    const auto dir = scratchDirectory(std::string("charset-") + std::string(toString(GetParam())));
    ASSERT_TRUE(generate(spec, dir));
    for (const auto& file : dicomFiles(dir)) {
        std::string error;
        const auto image = decodeFile(file, error);
        ASSERT_TRUE(image) << error;
        if (GetParam() == Charset::Utf8) {
            EXPECT_EQ(image->specificCharacterSet, "ISO_IR 192");
            EXPECT_EQ(image->rawPatientName, kName);
        } else {
            EXPECT_EQ(image->specificCharacterSet, "\\ISO 2022 IR 87");
            EXPECT_EQ(image->rawPatientName, kNameIr87);
        }
        if (GetParam() == Charset::Iso2022 && image->utf8PatientName.starts_with("<convertToUTF8 failed")) {
            // Debian's DCMTK converts with glibc iconv and refuses ISO 2022 IR 87 code extensions
            // ("not supported by the utilized character set conversion library"). Decode the
            // stored bytes independently with iconv's ISO-2022-JP decoder instead.
            EXPECT_EQ(decodeIso2022Jp(image->rawPatientName), kName);
        } else {
            EXPECT_EQ(image->utf8PatientName, kName);
        }
    }
    const QJsonObject identity = readTruth(dir).value(u"identity"_s).toObject();
    EXPECT_EQ(identity.value(u"patientName"_s).toString().toStdString(), kName);
}

INSTANTIATE_TEST_SUITE_P(BothCharsets, CharsetFiles, ::testing::Values(Charset::Utf8, Charset::Iso2022),
                         [](const ::testing::TestParamInfo<Charset>& param) {
                             return std::string(toString(param.param));
                         });

} // namespace
} // namespace dokuei::phantom::test
