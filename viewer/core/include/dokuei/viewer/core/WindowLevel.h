#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include <QString>

namespace dokuei::viewer {

/// A VOI window in HU: centre (level) and width, as DICOM Window Center / Window Width.
struct Window
{
    double centre = 40;
    double width = 400; ///< >= 1 (DICOM: Window Width shall be >= 1)

    bool operator==(const Window&) const = default;
};

enum class WindowPresetId
{
    Brain,
    Subdural,
    Stroke,
    Lung,
    Mediastinum,
    Abdomen,
    Liver,
    Bone,
    Series, ///< the series' own Window Center / Width (first value when multi-valued)
};

/// One window preset. Number keys: 1..8 are the fixed presets in the order of Step 4 (brain, subdural,
/// stroke, lung, mediastinum, abdomen, liver, bone); 9 is the series' own window (when the series has one).
/// 0 is deliberately left free (views may use it for "reset").
struct WindowPreset
{
    WindowPresetId id = WindowPresetId::Series;
    const char* key = "";        ///< stable id for settings and tests: "brain", ..., "bone", "series"
    int numberKey = 0;           ///< 1..9 (see above)
    Window window;               ///< centre / width
    const char* sourceName = ""; ///< English source text of the name (translation context below)

    /// User-facing name through QCoreApplication::translate("dokuei::viewer::WindowLevel", sourceName).
    QString name() const;
};

inline constexpr int kSeriesWindowNumberKey = 9;

/// The eight fixed presets, numberKey 1..8 in this order.
std::span<const WindowPreset> fixedWindowPresets();
/// The series' own preset (key "series", number key 9), or nullopt when the series has no usable window
/// (none, or width < 1, or not finite).
std::optional<WindowPreset> seriesWindowPreset(std::optional<Window> seriesWindow);
/// Fixed presets followed by the series' own when present.
std::vector<WindowPreset> windowPresets(std::optional<Window> seriesWindow);
/// The preset on number key 1..9 (9: the series' own), or nullopt.
std::optional<WindowPreset> windowPresetForNumberKey(int numberKey, std::optional<Window> seriesWindow);
std::optional<WindowPreset> windowPresetForKey(std::string_view key, std::optional<Window> seriesWindow);

/// DICOM PS3.3 C.11.2.1.2.1 linear VOI function, output range 0..255 (8-bit grey), BEFORE rounding:
///   x <= c - 0.5 - (w-1)/2           -> 0
///   x >  c - 0.5 + (w-1)/2           -> 255
///   otherwise  ((x - (c - 0.5)) / (w-1) + 0.5) * 255
/// (for w == 1 the middle case is empty: a threshold at c - 0.5). Widths below 1 are treated as 1.
double voiLinear(double hu, Window window);
/// voiLinear rounded to the nearest integer (halves up); invert gives 255 - grey (MONOCHROME1-like display).
std::uint8_t greyForHu(double hu, Window window, bool invert = false);
/// Lookup table over every int16 HU: lut[hu + 32768] == greyForHu(hu, window, invert).
std::vector<std::uint8_t> voiLut(Window window, bool invert = false);
/// Maps HU to grey through greyForHu; writes min(hu.size(), out.size()) values.
void applyWindow(std::span<const std::int16_t> hu, std::span<std::uint8_t> out, Window window,
                 bool invert = false);

/// Window/level by mouse drag, in screen pixels since the drag started (from the window at drag start):
/// dragging right widens the window, left narrows it; dragging down raises the centre (image darker),
/// up lowers it (brighter). huPerPixel is the sensitivity (views typically use max(1, width / 500)).
/// The width never goes below 1.
Window dragWindow(Window start, double dxPixels, double dyPixels, double huPerPixel = 1.0);

} // namespace dokuei::viewer
