#pragma once

#include <array>
#include <cstdint>

#include <QString>

namespace dokuei::viewer {

using Vec3 = std::array<double, 3>;

/// The header of one decoded image (for a multi-frame Enhanced CT instance: of one frame, with the
/// per-frame functional groups applied). Text is decoded to Unicode through the Specific Character Set.
struct InstanceInfo
{
    QString sopInstanceUid;
    QString sopClassUid; ///< CT Image Storage, Enhanced CT Image Storage, ... (a report's image references)
    QString seriesInstanceUid;
    QString studyInstanceUid;
    QString transferSyntaxUid;
    QString patientName; ///< e.g. "Yamada^Taro=山田^太郎=やまだ^たろう"
    QString patientId;
    QString studyDescription;
    QString patientSex;       ///< "M", "F", "O" or empty
    QString patientBirthDate; ///< DICOM DA (YYYYMMDD) or empty
    QString patientAge;       ///< DICOM AS (e.g. "063Y") or empty
    QString studyDate;        ///< DICOM DA or empty
    QString seriesDescription;
    int seriesNumber = 0;
    /// Lossy Image Compression (0028,2110) says "01", or the transfer syntax is a lossy one: the viewer must
    /// warn that the pixels are not the original ones.
    bool lossyCompressed = false;
    int rows = 0;
    int columns = 0;
    int bitsAllocated = 0;
    int bitsStored = 0;
    int pixelRepresentation = 0; ///< 0 unsigned, 1 two's complement
    /// Rescale Slope / Intercept; integers (HU = stored x slope + intercept, exact).
    std::int64_t rescaleSlope = 1;
    std::int64_t rescaleIntercept = 0;
    Vec3 imagePosition{};                     ///< Image Position (Patient), LPS mm
    std::array<double, 6> imageOrientation{}; ///< row direction cosines, then column direction cosines
    double rowSpacing = 0;                    ///< Pixel Spacing[0]: mm between rows
    double columnSpacing = 0;                 ///< Pixel Spacing[1]: mm between columns
    double sliceThickness = 0;
    double gantryTilt = 0; ///< Gantry/Detector Tilt, degrees
    /// The first Window Center / Window Width of the image (for Enhanced CT: of the Frame VOI LUT functional
    /// group), in HU; valid when hasWindow (width >= 1).
    double windowCentre = 0;
    double windowWidth = 0;
    bool hasWindow = false;
    int instanceNumber = 0;
    int numberOfFrames = 1;
    int frameIndex = 0; ///< 0-based frame in the instance
    bool hasPosition = false;
    bool hasOrientation = false;
};

} // namespace dokuei::viewer
