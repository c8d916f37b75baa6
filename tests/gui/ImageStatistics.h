#pragma once

#include <QColor>
#include <QImage>

namespace dokuei::test {

/// Fraction of pixels that differ from `background` by more than `tolerance` in any channel.
inline double fractionUnlike(const QImage& image, QColor background, int tolerance = 24)
{
    if (image.isNull() || image.width() == 0 || image.height() == 0) {
        return 0.0;
    }
    const QImage rgb = image.convertToFormat(QImage::Format_RGB32);
    qint64 differing = 0;
    for (int y = 0; y < rgb.height(); ++y) {
        const auto* line = reinterpret_cast<const QRgb*>(rgb.constScanLine(y));
        for (int x = 0; x < rgb.width(); ++x) {
            const QRgb p = line[x];
            if (std::abs(qRed(p) - background.red()) > tolerance ||
                std::abs(qGreen(p) - background.green()) > tolerance ||
                std::abs(qBlue(p) - background.blue()) > tolerance) {
                ++differing;
            }
        }
    }
    return static_cast<double>(differing) / (static_cast<double>(rgb.width()) * rgb.height());
}

} // namespace dokuei::test
