#include "dokuei/viewer/core/WindowLevel.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string_view>

#include <QCoreApplication>

namespace dokuei::viewer {
namespace {

constexpr const char* kContext = "dokuei::viewer::WindowLevel";

// Centre / width as in Step 4 (issue 5): "brain 80/40" is width 80, centre 40.
constexpr std::array<WindowPreset, 8> kFixed{{
    {WindowPresetId::Brain, "brain", 1, {40, 80}, QT_TRANSLATE_NOOP("dokuei::viewer::WindowLevel", "Brain")},
    {WindowPresetId::Subdural,
     "subdural",
     2,
     {75, 200},
     QT_TRANSLATE_NOOP("dokuei::viewer::WindowLevel", "Subdural")},
    {WindowPresetId::Stroke,
     "stroke",
     3,
     {40, 40},
     QT_TRANSLATE_NOOP("dokuei::viewer::WindowLevel", "Stroke")},
    {WindowPresetId::Lung, "lung", 4, {-600, 1500}, QT_TRANSLATE_NOOP("dokuei::viewer::WindowLevel", "Lung")},
    {WindowPresetId::Mediastinum,
     "mediastinum",
     5,
     {50, 350},
     QT_TRANSLATE_NOOP("dokuei::viewer::WindowLevel", "Mediastinum")},
    {WindowPresetId::Abdomen,
     "abdomen",
     6,
     {50, 400},
     QT_TRANSLATE_NOOP("dokuei::viewer::WindowLevel", "Abdomen")},
    {WindowPresetId::Liver, "liver", 7, {30, 150}, QT_TRANSLATE_NOOP("dokuei::viewer::WindowLevel", "Liver")},
    {WindowPresetId::Bone, "bone", 8, {400, 1800}, QT_TRANSLATE_NOOP("dokuei::viewer::WindowLevel", "Bone")},
}};

constexpr const char* kSeriesName = QT_TRANSLATE_NOOP("dokuei::viewer::WindowLevel", "Series");

} // namespace

QString WindowPreset::name() const
{
    return QCoreApplication::translate(kContext, sourceName);
}

std::span<const WindowPreset> fixedWindowPresets()
{
    return kFixed;
}

std::optional<WindowPreset> seriesWindowPreset(std::optional<Window> seriesWindow)
{
    if (!seriesWindow || !std::isfinite(seriesWindow->centre) || !std::isfinite(seriesWindow->width) ||
        seriesWindow->width < 1.0) {
        return std::nullopt;
    }
    return WindowPreset{WindowPresetId::Series, "series", kSeriesWindowNumberKey, *seriesWindow, kSeriesName};
}

std::vector<WindowPreset> windowPresets(std::optional<Window> seriesWindow)
{
    std::vector<WindowPreset> all(kFixed.begin(), kFixed.end());
    if (auto series = seriesWindowPreset(seriesWindow)) {
        all.push_back(*series);
    }
    return all;
}

std::optional<WindowPreset> windowPresetForNumberKey(int numberKey, std::optional<Window> seriesWindow)
{
    if (numberKey == kSeriesWindowNumberKey) {
        return seriesWindowPreset(seriesWindow);
    }
    for (const WindowPreset& p : kFixed) {
        if (p.numberKey == numberKey) {
            return p;
        }
    }
    return std::nullopt;
}

std::optional<WindowPreset> windowPresetForKey(std::string_view key, std::optional<Window> seriesWindow)
{
    for (const WindowPreset& p : windowPresets(seriesWindow)) {
        if (key == p.key) {
            return p;
        }
    }
    return std::nullopt;
}

double voiLinear(double hu, Window window)
{
    const double c = window.centre;
    const double w = std::max(1.0, window.width);
    const double lower = c - 0.5 - (w - 1.0) / 2.0;
    const double upper = c - 0.5 + (w - 1.0) / 2.0;
    if (hu <= lower) {
        return 0.0;
    }
    if (hu > upper) {
        return 255.0;
    }
    // Only reached when w > 1 (for w == 1, lower == upper).
    return ((hu - (c - 0.5)) / (w - 1.0) + 0.5) * 255.0;
}

std::uint8_t greyForHu(double hu, Window window, bool invert)
{
    const double y = std::clamp(std::floor(voiLinear(hu, window) + 0.5), 0.0, 255.0);
    const auto grey = static_cast<std::uint8_t>(y);
    return invert ? static_cast<std::uint8_t>(255 - grey) : grey;
}

std::vector<std::uint8_t> voiLut(Window window, bool invert)
{
    std::vector<std::uint8_t> lut(65536);
    for (int i = 0; i < 65536; ++i) {
        lut[static_cast<std::size_t>(i)] = greyForHu(i - 32768, window, invert);
    }
    return lut;
}

void applyWindow(std::span<const std::int16_t> hu, std::span<std::uint8_t> out, Window window, bool invert)
{
    const std::vector<std::uint8_t> lut = voiLut(window, invert);
    const std::size_t n = std::min(hu.size(), out.size());
    for (std::size_t i = 0; i < n; ++i) {
        out[i] = lut[static_cast<std::size_t>(static_cast<int>(hu[i]) + 32768)];
    }
}

Window dragWindow(Window start, double dxPixels, double dyPixels, double huPerPixel)
{
    Window w;
    w.width = std::max(1.0, start.width + dxPixels * huPerPixel);
    w.centre = start.centre + dyPixels * huPerPixel;
    return w;
}

} // namespace dokuei::viewer
