#include "dokuei/phantom/CommandLine.h"

#include "Format.h"

#include <charconv>
#include <cmath>
#include <functional>
#include <map>
#include <vector>

namespace dokuei::phantom {
namespace {

std::unexpected<Error> invalid(std::string message)
{
    return std::unexpected(Error{ErrorCode::InvalidOption, std::move(message)});
}

template <typename T> std::expected<T, Error> parseNumber(std::string_view option, std::string_view text)
{
    T value{};
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
        return invalid(detail::format("{} expects a number, got '{}'", option, text));
    }
    if constexpr (std::is_floating_point_v<T>) {
        if (!std::isfinite(value)) {
            return invalid(detail::format("{} expects a finite number, got '{}'", option, text));
        }
    }
    return value;
}

std::vector<std::string_view> split(std::string_view text, char separator)
{
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        const std::size_t end = text.find(separator, start);
        parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
        if (end == std::string_view::npos) {
            return parts;
        }
        start = end + 1;
    }
}

using Setter = std::function<std::expected<void, Error>(CommandLine&, std::string_view)>;

template <typename T, typename Field> Setter number(std::string_view option, Field field)
{
    return [option, field](CommandLine& cl, std::string_view text) -> std::expected<void, Error> {
        auto v = parseNumber<T>(option, text);
        if (!v) {
            return std::unexpected(v.error());
        }
        field(cl) = *v;
        return {};
    };
}

Setter text(std::string Identity::*member)
{
    return [member](CommandLine& cl, std::string_view value) -> std::expected<void, Error> {
        cl.spec.identity.*member = std::string(value);
        return {};
    };
}

const std::map<std::string_view, Setter>& valueOptions()
{
    static const std::map<std::string_view, Setter> options = {
        {"--out",
         [](CommandLine& cl, std::string_view v) -> std::expected<void, Error> {
             cl.outDir = std::filesystem::path(std::string(v));
             return {};
         }},
        {"--rows", number<int>("--rows", [](CommandLine& cl) -> int& { return cl.spec.rows; })},
        {"--columns", number<int>("--columns", [](CommandLine& cl) -> int& { return cl.spec.columns; })},
        {"--slices", number<int>("--slices", [](CommandLine& cl) -> int& { return cl.spec.slices; })},
        {"--pixel-spacing",
         [](CommandLine& cl, std::string_view v) -> std::expected<void, Error> {
             const auto parts = split(v, ',');
             if (parts.size() > 2) {
                 return invalid(detail::format("--pixel-spacing expects MM or ROW,COLUMN, got '{}'", v));
             }
             auto row = parseNumber<double>("--pixel-spacing", parts[0]);
             auto col = parseNumber<double>("--pixel-spacing", parts.back());
             if (!row || !col) {
                 return std::unexpected(row ? col.error() : row.error());
             }
             cl.spec.rowSpacing = *row;
             cl.spec.columnSpacing = *col;
             return {};
         }},
        {"--slice-thickness",
         number<double>("--slice-thickness",
                        [](CommandLine& cl) -> double& { return cl.spec.sliceThickness; })},
        {"--slice-spacing",
         number<double>("--slice-spacing", [](CommandLine& cl) -> double& { return cl.spec.sliceSpacing; })},
        {"--position",
         [](CommandLine& cl, std::string_view v) -> std::expected<void, Error> {
             const auto p = parsePatientPosition(v);
             if (!p) {
                 return invalid(detail::format("--position must be HFS, FFS, HFP or FFP, got '{}'", v));
             }
             cl.spec.position = *p;
             return {};
         }},
        {"--oblique-angle",
         number<double>("--oblique-angle", [](CommandLine& cl) -> double& { return cl.spec.obliqueAngle; })},
        {"--oblique-axis",
         [](CommandLine& cl, std::string_view v) -> std::expected<void, Error> {
             if (v == "x" || v == "X") {
                 cl.spec.obliqueAxis = {1, 0, 0};
             } else if (v == "y" || v == "Y") {
                 cl.spec.obliqueAxis = {0, 1, 0};
             } else if (v == "z" || v == "Z") {
                 cl.spec.obliqueAxis = {0, 0, 1};
             } else {
                 const auto parts = split(v, ',');
                 if (parts.size() != 3) {
                     return invalid(detail::format("--oblique-axis must be x, y, z or X,Y,Z, got '{}'", v));
                 }
                 for (std::size_t i = 0; i < 3; ++i) {
                     auto c = parseNumber<double>("--oblique-axis", parts[i]);
                     if (!c) {
                         return std::unexpected(c.error());
                     }
                     cl.spec.obliqueAxis[i] = *c;
                 }
             }
             return {};
         }},
        {"--tilt", number<double>("--tilt", [](CommandLine& cl) -> double& { return cl.spec.gantryTilt; })},
        {"--missing-slice",
         [](CommandLine& cl, std::string_view v) -> std::expected<void, Error> {
             auto k = parseNumber<int>("--missing-slice", v);
             if (!k) {
                 return std::unexpected(k.error());
             }
             cl.spec.missingSlice = *k;
             return {};
         }},
        {"--rescale-slope",
         number<int>("--rescale-slope", [](CommandLine& cl) -> int& { return cl.spec.rescaleSlope; })},
        {"--rescale-intercept",
         number<int>("--rescale-intercept",
                     [](CommandLine& cl) -> int& { return cl.spec.rescaleIntercept; })},
        {"--transfer-syntax",
         [](CommandLine& cl, std::string_view v)
             -> std::
                 expected<void, Error> {
                     const auto t = parseTransferSyntax(v);
                     if (!t) {
                         return invalid(detail::format(
                             "--transfer-syntax must be explicit-le, implicit-le, explicit-be, "
                             "jpeg-ls, jpeg-lossless, rle or deflate, got '{}'",
                             v));
                     }
                     cl.spec.transferSyntax = *t;
                     return {};
                 }},
        {"--charset",
         [](CommandLine& cl, std::string_view v)
             -> std::
                 expected<void, Error> {
                     const auto c = parseCharset(v);
                     if (!c) {
                         return invalid(detail::format("--charset must be utf8 or iso2022, got '{}'", v));
                     }
                     cl.spec.charset = *c;
                     return {};
                 }},
        {"--seed",
         number<std::uint64_t>("--seed", [](CommandLine& cl) -> std::uint64_t& { return cl.spec.seed; })},
        {"--noise", number<double>("--noise", [](CommandLine& cl) -> double& { return cl.spec.noiseSigma; })},
        {"--marker",
         [](CommandLine& cl,
            std::string_view v) -> std::
                                    expected<void, Error> {
                                        if (v.empty()) {
                                            return invalid(
                                                "--marker must be 8..64 characters, got an empty value");
                                        }
                                        cl.spec.marker = std::string(v);
                                        return {};
                                    }},
        {"--threads",
         number<unsigned>("--threads", [](CommandLine& cl) -> unsigned& { return cl.options.threads; })},
        {"--patient-name", text(&Identity::patientName)},
        {"--patient-id", text(&Identity::patientId)},
        {"--birth-date", text(&Identity::birthDate)},
        {"--sex", text(&Identity::sex)},
        {"--institution", text(&Identity::institutionName)},
        {"--accession", text(&Identity::accessionNumber)},
        {"--referring-physician", text(&Identity::referringPhysician)},
        {"--study-description", text(&Identity::studyDescription)},
        {"--priority", text(&Identity::priority)},
        {"--study-date", text(&Identity::studyDate)},
        {"--study-time", text(&Identity::studyTime)},
        {"--study-uid", text(&Identity::studyUid)},
        {"--uid-root", text(&Identity::uidRoot)},
    };
    return options;
}

} // namespace

std::string usageText()
{
    return R"(Usage: dokuei-phantom --out DIR [options]
Writes a synthetic DICOM CT study with known truth (DIR/*.dcm + DIR/truth.json). No real patient data.

Volume and geometry
  --preset chest|head|tiny     defaults: chest 512x512x300 0.7 mm explicit-le; head 512x512x150
                               0.45 mm jpeg-ls; tiny 64x64x16 5.6 mm (other options override)
  --rows N --columns N         16..2048
  --slices N                   acquired slices, 2..4096
  --pixel-spacing MM[,MM]      row spacing, column spacing (Pixel Spacing order)
  --slice-thickness MM         Slice Thickness
  --slice-spacing MM           distance between slice centres (table increment when tilted)
  --position HFS|FFS|HFP|FFP   patient position; orientation follows it
  --oblique-angle DEG          rotate the image planes by DEG (-90..90) ...
  --oblique-axis x|y|z|X,Y,Z   ... about this patient axis (default x)
  --tilt DEG                   gantry tilt (-30..30): planes tilted about the patient L axis,
                               positions advance along the table (sheared stack)
  --missing-slice K            do not write acquisition index K (0-based)
  --rescale-slope N            integer 1..16 (default 1)
  --rescale-intercept N        integer (default -1024; > -1024 gives signed pixels)
  --noise SIGMA                anatomy noise in HU (default 12, 0 = none)
  --seed N                     noise seed (default 1)

Encoding
  --transfer-syntax TS         explicit-le (default), implicit-le, explicit-be, jpeg-ls,
                               jpeg-lossless (process 14 SV1), rle, deflate, or the UID
  --enhanced                   one Enhanced CT multi-frame file instead of one file per slice
  --charset utf8|iso2022       ISO_IR 192, or \ISO 2022 IR 87 (JIS X 0208 escape sequences)
  --marker TEXT                8..64 ASCII characters planted raw into every slice's pixel
                               bytes and used as patient family name (uncompressed only)

Identity (UTF-8 on the command line)
  --patient-name PN            default Yamada^Taro=山田^太郎=やまだ^たろう
  --patient-id ID  --birth-date YYYYMMDD  --sex M|F|O
  --institution NAME           requesting facility (default さくら市立病院)
  --accession NO  --referring-physician PN  --study-description TEXT
  --priority STAT|HIGH|ROUTINE|MEDIUM|LOW
  --study-date YYYYMMDD  --study-time HHMMSS
  --study-uid UID              derive every UID from it (deterministic output)
  --uid-root UID               root for generated UIDs (default DCMTK's site root)

Output
  --out DIR                    must not exist or be empty; written atomically
  --force                      replace DIR if it holds an earlier phantom (truth.json)
  --threads N                  worker threads (default: hardware threads)
  --quiet                      no summary line
  --help
)";
}

std::expected<CommandLine, Error> parseCommandLine(std::span<const std::string_view> args)
{
    CommandLine cl;
    // First pass: --help and --preset, so that every other option overrides the preset.
    std::vector<std::pair<std::string_view, std::string_view>> pairs;
    std::vector<std::string_view> flags;
    Preset preset = Preset::Chest;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string_view arg = args[i];
        if (arg == "--help" || arg == "-h") {
            return std::unexpected(Error{ErrorCode::UsageRequested, usageText()});
        }
        if (arg == "--enhanced" || arg == "--force" || arg == "--quiet") {
            flags.push_back(arg);
            continue;
        }
        std::string_view value;
        if (const std::size_t eq = arg.find('='); arg.starts_with("--") && eq != std::string_view::npos) {
            value = arg.substr(eq + 1);
            arg = arg.substr(0, eq);
        } else if (arg.starts_with("--") && (arg == "--preset" || valueOptions().contains(arg))) {
            if (i + 1 >= args.size() || args[i + 1].starts_with("--")) {
                return invalid(detail::format("{} needs a value", arg));
            }
            value = args[++i];
        } else {
            return invalid(detail::format("unknown option '{}' (see --help)", arg));
        }
        if (arg == "--preset") {
            const auto p = parsePreset(value);
            if (!p) {
                return invalid(detail::format("--preset must be chest, head or tiny, got '{}'", value));
            }
            preset = *p;
            continue;
        }
        if (!valueOptions().contains(arg)) {
            return invalid(detail::format("unknown option '{}' (see --help)", arg));
        }
        pairs.emplace_back(arg, value);
    }
    cl.spec = presetSpec(preset);
    for (const std::string_view flag : flags) {
        if (flag == "--enhanced") {
            cl.spec.enhanced = true;
        } else if (flag == "--force") {
            cl.options.replaceExisting = true;
        } else {
            cl.quiet = true;
        }
    }
    for (const auto& [option, value] : pairs) {
        if (auto ok = valueOptions().at(option)(cl, value); !ok) {
            return std::unexpected(ok.error());
        }
    }
    if (cl.outDir.empty()) {
        return invalid("--out DIR is required (see --help)");
    }
    if (auto valid = validateSpec(cl.spec); !valid) {
        return std::unexpected(valid.error());
    }
    return cl;
}

} // namespace dokuei::phantom
