#include "dokuei/viewer/core/WindowLevel.h"

#include <limits>
#include <set>
#include <string>

#include <QCoreApplication>
#include <QTranslator>

#include <gtest/gtest.h>

using namespace dokuei::viewer;

namespace {

struct Expected
{
    const char* key;
    int numberKey;
    double width;
    double centre;
};

// Issue 5 (Step 4), "presets on number keys": width/centre in the order the issue lists them.
constexpr Expected kIssuePresets[] = {
    {"brain", 1, 80, 40},        {"subdural", 2, 200, 75}, {"stroke", 3, 40, 40}, {"lung", 4, 1500, -600},
    {"mediastinum", 5, 350, 50}, {"abdomen", 6, 400, 50},  {"liver", 7, 150, 30}, {"bone", 8, 1800, 400},
};

/// Answers only for the context the presets must use, so a wrong context shows as an untranslated name.
class FakeJapanese : public QTranslator
{
public:
    bool isEmpty() const override { return false; }
    QString translate(const char* context, const char* sourceText, const char*, int) const override
    {
        if (QByteArrayView(context) != "dokuei::viewer::WindowLevel")
            return {};
        if (QByteArrayView(sourceText) == "Lung")
            return QStringLiteral("肺野");
        if (QByteArrayView(sourceText) == "Series")
            return QStringLiteral("シリーズ");
        return {};
    }
};

} // namespace

TEST(WindowPresets, NamesAreTranslatedInTheWindowLevelContext)
{
    int argc = 1;
    char name[] = "dokuei_reading_tests";
    char* argv[] = {name, nullptr};
    QCoreApplication app(argc, argv);
    FakeJapanese translator;
    ASSERT_TRUE(QCoreApplication::installTranslator(&translator));
    EXPECT_EQ(windowPresetForKey("lung", std::nullopt)->name(), QStringLiteral("肺野"));
    EXPECT_EQ(seriesWindowPreset(Window{40, 400})->name(), QStringLiteral("シリーズ"));
    EXPECT_EQ(windowPresetForKey("bone", std::nullopt)->name(), QStringLiteral("Bone"))
        << "no entry: source text";
    QCoreApplication::removeTranslator(&translator);
}

TEST(WindowPresets, FixedPresetsAreTheIssuesOnKeysOneToEight)
{
    const auto presets = fixedWindowPresets();
    ASSERT_EQ(presets.size(), std::size(kIssuePresets));
    std::set<std::string> keys;
    std::set<int> ids;
    for (std::size_t i = 0; i < presets.size(); ++i) {
        SCOPED_TRACE(kIssuePresets[i].key);
        EXPECT_STREQ(presets[i].key, kIssuePresets[i].key);
        EXPECT_EQ(presets[i].numberKey, kIssuePresets[i].numberKey);
        EXPECT_EQ(presets[i].window.width, kIssuePresets[i].width);
        EXPECT_EQ(presets[i].window.centre, kIssuePresets[i].centre);
        EXPECT_FALSE(presets[i].name().isEmpty());
        keys.insert(presets[i].key);
        ids.insert(int(presets[i].id));
        auto byNumber = windowPresetForNumberKey(kIssuePresets[i].numberKey, std::nullopt);
        ASSERT_TRUE(byNumber);
        EXPECT_STREQ(byNumber->key, kIssuePresets[i].key);
        auto byKey = windowPresetForKey(kIssuePresets[i].key, std::nullopt);
        ASSERT_TRUE(byKey);
        EXPECT_EQ(byKey->numberKey, kIssuePresets[i].numberKey);
    }
    EXPECT_EQ(keys.size(), presets.size());
    EXPECT_EQ(ids.size(), presets.size());
    // Without a translator the English source text is shown.
    EXPECT_EQ(presets[0].name(), QStringLiteral("Brain"));
    EXPECT_EQ(presets[3].name(), QStringLiteral("Lung"));
}

TEST(WindowPresets, SeriesWindowIsOnKeyNineOnlyWhenUsable)
{
    EXPECT_FALSE(windowPresetForNumberKey(9, std::nullopt));
    EXPECT_FALSE(windowPresetForNumberKey(0, Window{40, 400}));
    EXPECT_FALSE(windowPresetForNumberKey(10, Window{40, 400}));
    EXPECT_EQ(windowPresets(std::nullopt).size(), 8u);
    EXPECT_FALSE(seriesWindowPreset(Window{40, 0.5})) << "DICOM: Window Width >= 1";
    EXPECT_FALSE(seriesWindowPreset(Window{40, std::numeric_limits<double>::quiet_NaN()}));

    const Window own{35, 420};
    auto series = windowPresetForNumberKey(9, own);
    ASSERT_TRUE(series);
    EXPECT_EQ(series->id, WindowPresetId::Series);
    EXPECT_STREQ(series->key, "series");
    EXPECT_EQ(series->window, own);
    EXPECT_EQ(series->name(), QStringLiteral("Series"));
    const auto all = windowPresets(own);
    ASSERT_EQ(all.size(), 9u);
    EXPECT_EQ(all.back().numberKey, 9);
    EXPECT_TRUE(windowPresetForKey("series", own));
    EXPECT_FALSE(windowPresetForKey("series", std::nullopt));
}

// PS3.3 C.11.2.1.2.1, worked by hand for c = 40, w = 80 (brain):
//   lower edge c - 0.5 - (w-1)/2 = 0, upper edge c - 0.5 + (w-1)/2 = 79.
//   x <= 0 -> 0; x > 79 -> 255; else ((x - 39.5) / 79 + 0.5) * 255.
TEST(VoiLinear, BrainWindowEdgesAndCentreFollowTheStandard)
{
    const Window brain{40, 80};
    EXPECT_EQ(voiLinear(-1000, brain), 0.0);
    EXPECT_EQ(voiLinear(0, brain), 0.0) << "x == lower edge is ymin";
    EXPECT_NEAR(voiLinear(1, brain), (1 - 39.5) / 79 * 255 + 127.5, 1e-12); // 3.228
    EXPECT_EQ(greyForHu(1, brain), 3);
    EXPECT_EQ(voiLinear(39.5, brain), 127.5) << "c - 0.5 maps to the middle of the output range";
    EXPECT_EQ(greyForHu(39.5, brain), 128) << "halves round up";
    EXPECT_EQ(greyForHu(40, brain), 129); // (0.5/79 + 0.5) * 255 = 129.11
    EXPECT_EQ(voiLinear(79, brain), 255.0) << "x == upper edge is exactly ymax";
    EXPECT_EQ(greyForHu(78, brain), 252); // (38.5/79 + 0.5) * 255 = 251.77
    EXPECT_EQ(greyForHu(80, brain), 255);
    EXPECT_EQ(greyForHu(3071, brain), 255);
}

TEST(VoiLinear, LungWindowEdgesAndCentre)
{
    // c = -600, w = 1500: lower edge -1350, upper edge 149.
    const Window lung{-600, 1500};
    EXPECT_EQ(greyForHu(-1350, lung), 0);
    EXPECT_NEAR(voiLinear(-1349, lung), ((-1349 + 600.5) / 1499.0 + 0.5) * 255, 1e-12);
    EXPECT_EQ(greyForHu(-1349, lung), 0);  // 0.170
    EXPECT_EQ(greyForHu(-600, lung), 128); // 127.585
    EXPECT_EQ(greyForHu(149, lung), 255);
    EXPECT_EQ(voiLinear(148, lung), ((148 + 600.5) / 1499.0 + 0.5) * 255);
    EXPECT_EQ(greyForHu(148, lung), 255);  // 254.83
    EXPECT_EQ(greyForHu(-1024, lung), 55); // (-423.5/1499 + 0.5) * 255 = 55.45
}

TEST(VoiLinear, WidthOneIsAThresholdAtCentreMinusHalf)
{
    const Window w1{0, 1};
    EXPECT_EQ(greyForHu(-1, w1), 0);
    EXPECT_EQ(voiLinear(-0.5, w1), 0.0);
    EXPECT_EQ(greyForHu(0, w1), 255);
    // Widths below 1 behave as 1 (no division by zero, no NaN).
    EXPECT_EQ(greyForHu(0, Window{0, 0}), 255);
    EXPECT_EQ(greyForHu(-1, Window{0, -5}), 0);
}

TEST(VoiLinear, InvertMirrorsAndLutAgreesEverywhere)
{
    const Window abdomen{50, 400};
    EXPECT_EQ(greyForHu(-150, abdomen, true), 255); // lower edge -150
    EXPECT_EQ(greyForHu(249, abdomen, true), 0);    // upper edge 249
    const auto lut = voiLut(abdomen);
    const auto inverted = voiLut(abdomen, true);
    ASSERT_EQ(lut.size(), 65536u);
    int previous = 0;
    for (int hu = -32768; hu <= 32767; ++hu) {
        const auto i = std::size_t(hu + 32768);
        ASSERT_EQ(lut[i], greyForHu(hu, abdomen)) << hu;
        ASSERT_EQ(int(inverted[i]), 255 - int(lut[i])) << hu;
        ASSERT_GE(int(lut[i]), previous) << "monotonic at " << hu;
        previous = lut[i];
    }
    const std::int16_t hu[] = {-1000, -150, -149, 50, 249, 250};
    std::uint8_t out[6] = {};
    applyWindow(hu, out, abdomen);
    EXPECT_EQ(out[0], 0);
    EXPECT_EQ(out[1], 0);
    EXPECT_EQ(out[2], 1);   // (-198.5/399 + 0.5) * 255 = 0.639 -> 1
    EXPECT_EQ(out[3], 128); // (0.5/399 + 0.5) * 255 = 127.82
    EXPECT_EQ(out[4], 255);
    EXPECT_EQ(out[5], 255);
}

TEST(DragWindow, RightWidensDownRaisesCentreWidthNeverBelowOne)
{
    const Window start{40, 400};
    EXPECT_EQ(dragWindow(start, 0, 0), start);
    EXPECT_EQ(dragWindow(start, 10, 0), (Window{40, 410}));
    EXPECT_EQ(dragWindow(start, -10, 0), (Window{40, 390}));
    EXPECT_EQ(dragWindow(start, 0, 20), (Window{60, 400}));
    EXPECT_EQ(dragWindow(start, 0, -20), (Window{20, 400}));
    EXPECT_EQ(dragWindow(start, 5, 5, 4.0), (Window{60, 420}));
    EXPECT_EQ(dragWindow(start, -1000, 0).width, 1.0);
    EXPECT_EQ(dragWindow(Window{40, 1}, -1, 0, 1.0).width, 1.0);
}
