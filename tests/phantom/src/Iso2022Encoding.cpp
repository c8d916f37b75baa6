#include "dokuei/phantom/Iso2022Encoding.h"

#include "Format.h"

#include <cerrno>
#include <cstdint>
#include <iconv.h>
#include <memory>

namespace dokuei::phantom {
namespace {

struct IconvCloser
{
    void operator()(iconv_t cd) const { iconv_close(cd); }
};
using IconvHandle = std::unique_ptr<std::remove_pointer_t<iconv_t>, IconvCloser>;

bool isAscii(std::string_view text)
{
    for (const char c : text) {
        if (static_cast<unsigned char>(c) >= 0x80) {
            return false;
        }
    }
    return true;
}

} // namespace

std::expected<std::string, Error> encodeIso2022Ir87(std::string_view utf8)
{
    if (isAscii(utf8)) {
        return std::string(utf8);
    }
    // glibc's ISO-2022-JP uses only ESC ( B (ASCII) and ESC $ B (JIS X 0208 1983) for these
    // characters, which is exactly ISO 2022 IR 6 + ISO 2022 IR 87.
    IconvHandle cd(iconv_open("ISO-2022-JP", "UTF-8"));
    if (cd.get() == reinterpret_cast<iconv_t>(static_cast<std::intptr_t>(-1))) {
        return std::unexpected(Error{ErrorCode::Encoding, "iconv has no UTF-8 to ISO-2022-JP converter"});
    }
    std::string input(utf8);
    std::string output(input.size() * 4 + 16, '\0');
    char* in = input.data();
    std::size_t inLeft = input.size();
    char* out = output.data();
    std::size_t outLeft = output.size();
    if (iconv(cd.get(), &in, &inLeft, &out, &outLeft) == static_cast<std::size_t>(-1) ||
        iconv(cd.get(), nullptr, nullptr, &out, &outLeft) == static_cast<std::size_t>(-1)) {
        return std::unexpected(Error{
            ErrorCode::Encoding,
            detail::format("'{}' has characters outside ASCII and JIS X 0208; use --charset utf8", utf8)});
    }
    output.resize(output.size() - outLeft);
    // Reject anything but the two designations DICOM's ISO 2022 IR 87 allows here.
    for (std::size_t i = 0; i < output.size(); ++i) {
        if (output[i] == '\x1b') {
            const std::string_view seq = std::string_view(output).substr(i, 3);
            if (seq != "\x1b$B" && seq != "\x1b(B") {
                return std::unexpected(
                    Error{ErrorCode::Encoding,
                          detail::format("'{}' needs a character set other than JIS X 0208", utf8)});
            }
        }
    }
    return output;
}

std::expected<std::string, Error> encodePersonNameIso2022Ir87(std::string_view utf8)
{
    std::string result;
    std::size_t start = 0;
    while (true) {
        const std::size_t end = utf8.find_first_of("^=", start);
        const std::string_view component =
            utf8.substr(start, end == std::string_view::npos ? end : end - start);
        auto encoded = encodeIso2022Ir87(component);
        if (!encoded) {
            return std::unexpected(encoded.error());
        }
        result += *encoded;
        if (end == std::string_view::npos) {
            break;
        }
        result += utf8[end];
        start = end + 1;
    }
    return result;
}

} // namespace dokuei::phantom
