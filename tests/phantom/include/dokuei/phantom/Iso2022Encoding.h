#pragma once

#include "dokuei/phantom/Error.h"

#include <expected>
#include <string>
#include <string_view>

namespace dokuei::phantom {

/// Encodes UTF-8 text for Specific Character Set "\ISO 2022 IR 87" (DICOM PS3.5 Annex H): ASCII stays
/// as is, JIS X 0208 characters are wrapped in ESC $ B ... ESC ( B. The value ends in ASCII.
/// Fails for characters outside ASCII and JIS X 0208 (e.g. half-width katakana, emoji).
std::expected<std::string, Error> encodeIso2022Ir87(std::string_view utf8);

/// As encodeIso2022Ir87, but a Person Name: every component is encoded on its own so that the
/// text returns to ASCII before each '^' and '=' delimiter, as PS3.5 H.3.1 requires.
std::expected<std::string, Error> encodePersonNameIso2022Ir87(std::string_view utf8);

} // namespace dokuei::phantom
