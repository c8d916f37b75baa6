#include "dokuei/viewer/ui/SliceView.h"

#include <algorithm>
#include <cmath>
#include <dokuei/viewer/core/Volume.h>
#include <dokuei/viewer/core/VolumeAssembler.h>

#include <QImage>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>

namespace dokuei::viewer {

SliceView::SliceView(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("SliceView"));
    setFocusPolicy(Qt::StrongFocus);
    setMinimumSize(256, 256);
}

namespace {

/// Index of the position nearest to `position` in ascending `positions` (not empty).
int nearest(const std::vector<double>& positions, double position)
{
    int best = 0;
    for (int k = 1; k < int(positions.size()); ++k) {
        if (std::abs(positions[std::size_t(k)] - position) <
            std::abs(positions[std::size_t(best)] - position)) {
            best = k;
        }
    }
    return best;
}

} // namespace

void SliceView::setVolume(viewer::Volume* volume)
{
    m_volume = volume;
    m_slice = volume ? volume->slices() / 2 : 0;
    if (volume && volume->slices() > 0 && !std::isnan(m_previewPosition)) {
        // Stay on the slice that was being looked at during the load (positions along row x column).
        const viewer::VolumeGeometry& g = volume->geometry();
        const viewer::Vec3& r = g.rowDirection;
        const viewer::Vec3& c = g.columnDirection;
        const viewer::Vec3 n{r[1] * c[2] - r[2] * c[1], r[2] * c[0] - r[0] * c[2], r[0] * c[1] - r[1] * c[0]};
        std::vector<double> positions;
        for (int k = 0; k < volume->slices(); ++k) {
            double along = 0;
            for (std::size_t i = 0; i < 3; ++i) {
                along += (g.origin[i] + k * g.sliceStep[i]) * n[i];
            }
            positions.push_back(along);
        }
        m_slice = nearest(positions, m_previewPosition);
    }
    if (volume) {
        m_preview = nullptr;
        m_previewCount = 0;
    } else {
        m_previewPosition = std::numeric_limits<double>::quiet_NaN();
    }
    update();
}

void SliceView::setSeriesWindow(std::optional<viewer::Window> window)
{
    m_seriesWindow = window;
    if (window) {
        m_window = *window;
    }
    update();
}

void SliceView::setPreview(const viewer::VolumeAssembler* assembler)
{
    m_preview = assembler;
    m_previewCount = 0;
    m_previewPosition = std::numeric_limits<double>::quiet_NaN();
    update();
}

void SliceView::previewUpdated()
{
    if (m_preview && !m_volume) {
        update();
    }
}

void SliceView::setSlice(int slice)
{
    if (!m_volume) {
        return;
    }
    m_slice = std::clamp(slice, 0, m_volume->slices() - 1);
    update();
}

void SliceView::step(int delta)
{
    if (m_volume) {
        setSlice(m_slice + delta);
        return;
    }
    if (!m_preview) {
        return;
    }
    const std::vector<double> positions = m_preview->previewPositions();
    if (positions.empty()) {
        return;
    }
    const int k = std::isnan(m_previewPosition) ? 0 : nearest(positions, m_previewPosition);
    m_previewPosition = positions[std::size_t(std::clamp(k + delta, 0, int(positions.size()) - 1))];
    update();
}

void SliceView::drawSlice(QPainter& painter, const std::int16_t* voxels, int rows, int columns)
{
    // The 8-bit image is patient data too: it lives only for this paint.
    QImage image(columns, rows, QImage::Format_Grayscale8);
    for (int y = 0; y < rows; ++y) {
        viewer::applyWindow(std::span<const std::int16_t>(voxels + static_cast<std::ptrdiff_t>(y) * columns,
                                                          std::size_t(columns)),
                            std::span<std::uint8_t>(image.scanLine(y), std::size_t(columns)), m_window,
                            m_invert);
    }
    QImage scaled = image.scaled(size(), Qt::KeepAspectRatio, Qt::SmoothTransformation);
    painter.drawImage((width() - scaled.width()) / 2, (height() - scaled.height()) / 2, scaled);
    image.fill(0);
    scaled.fill(0);
}

void SliceView::paintPreview(QPainter& painter)
{
    const std::vector<double> positions = m_preview->previewPositions();
    m_previewCount = int(positions.size());
    if (positions.empty()) {
        return;
    }
    if (std::isnan(m_previewPosition)) {
        m_previewPosition = positions.front(); // the first one decoded is the only one
    }
    const int k = nearest(positions, m_previewPosition);
    viewer::ViewAxes axes;
    const bool shown =
        m_preview->withPreviewSlice(k, [&](const viewer::InstanceInfo& info, const std::int16_t* voxels) {
            drawSlice(painter, voxels, info.rows, info.columns);
            const auto& o = info.imageOrientation;
            axes = {{o[0], o[1], o[2]}, {o[3], o[4], o[5]}};
        });
    if (!shown) {
        return;
    }
    drawOverlay(painter, axes,
                tr("Loading: %1 / %2 images decoded   W %3 L %4")
                    .arg(k + 1)
                    .arg(positions.size())
                    .arg(m_window.width)
                    .arg(m_window.centre));
}

void SliceView::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.fillRect(rect(), Qt::black);
    m_labels = {};
    if (!m_volume && m_preview) {
        paintPreview(painter);
        return;
    }
    if (!m_volume || m_volume->wiped() || m_volume->slices() == 0) {
        return;
    }
    const std::int16_t* voxels = m_volume->slice(m_slice);
    if (!voxels) {
        return;
    }
    drawSlice(painter, voxels, m_volume->rows(), m_volume->columns());
    drawOverlay(painter, viewer::storedImageAxes(m_volume->geometry()),
                tr("%1 / %2   W %3 L %4")
                    .arg(m_slice + 1)
                    .arg(m_volume->slices())
                    .arg(m_window.width)
                    .arg(m_window.centre));
}

void SliceView::drawOverlay(QPainter& painter, const viewer::ViewAxes& axes, const QString& corner)
{
    m_labels = viewer::sideLabels(axes);
    painter.setPen(Qt::yellow);
    const QRect area = rect().adjusted(6, 6, -6, -6);
    painter.drawText(area, Qt::AlignBottom | Qt::AlignLeft, corner);
    // The patient directions the image's sides face (letters are not translated: R/L, A/P, H/F).
    painter.drawText(area, Qt::AlignVCenter | Qt::AlignLeft, m_labels.left);
    painter.drawText(area, Qt::AlignVCenter | Qt::AlignRight, m_labels.right);
    painter.drawText(area, Qt::AlignTop | Qt::AlignHCenter, m_labels.top);
    painter.drawText(area, Qt::AlignBottom | Qt::AlignHCenter, m_labels.bottom);
}

void SliceView::mousePressEvent(QMouseEvent* event)
{
    if (event->button() == Qt::RightButton) {
        m_dragStart = event->position().toPoint();
        m_dragWindow = m_window;
        event->accept();
        return;
    }
    QWidget::mousePressEvent(event);
}

void SliceView::mouseMoveEvent(QMouseEvent* event)
{
    if ((event->buttons() & Qt::RightButton) != 0) {
        const QPoint delta = event->position().toPoint() - m_dragStart;
        m_window = viewer::dragWindow(m_dragWindow, delta.x(), delta.y(), 2.0);
        update();
        event->accept();
        return;
    }
    QWidget::mouseMoveEvent(event);
}

void SliceView::wheelEvent(QWheelEvent* event)
{
    step(event->angleDelta().y() > 0 ? 1 : -1);
    event->accept();
}

void SliceView::keyPressEvent(QKeyEvent* event)
{
    if (event->key() >= Qt::Key_1 && event->key() <= Qt::Key_9) {
        if (const auto preset = viewer::windowPresetForNumberKey(event->key() - Qt::Key_0, m_seriesWindow)) {
            m_window = preset->window;
            update();
            return;
        }
    }
    switch (event->key()) {
    case Qt::Key_I:
        m_invert = !m_invert;
        update();
        break;
    case Qt::Key_Up:
    case Qt::Key_PageUp:
        step(1);
        break;
    case Qt::Key_Down:
    case Qt::Key_PageDown:
        step(-1);
        break;
    default:
        QWidget::keyPressEvent(event);
    }
}

} // namespace dokuei::viewer
