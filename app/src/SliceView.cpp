#include "dokuei/app/SliceView.h"

#include <algorithm>
#include <dokuei/viewer/core/Volume.h>

#include <QImage>
#include <QKeyEvent>
#include <QPainter>
#include <QWheelEvent>

namespace dokuei::app {

SliceView::SliceView(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("SliceView"));
    setFocusPolicy(Qt::StrongFocus);
    setMinimumSize(256, 256);
}

void SliceView::setVolume(viewer::Volume* volume)
{
    m_volume = volume;
    m_slice = volume ? volume->slices() / 2 : 0;
    update();
}

void SliceView::setSlice(int slice)
{
    if (!m_volume) {
        return;
    }
    m_slice = std::clamp(slice, 0, m_volume->slices() - 1);
    update();
}

void SliceView::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.fillRect(rect(), Qt::black);
    if (!m_volume || m_volume->wiped() || m_volume->slices() == 0) {
        return;
    }
    const std::int16_t* voxels = m_volume->slice(m_slice);
    if (!voxels) {
        return;
    }
    const int columns = m_volume->columns();
    const int rows = m_volume->rows();
    QImage image(columns, rows, QImage::Format_Grayscale8);
    const double low = m_level - m_window / 2.0;
    const double scale = 255.0 / m_window;
    for (int y = 0; y < rows; ++y) {
        uchar* line = image.scanLine(y);
        const std::int16_t* row = voxels + static_cast<std::ptrdiff_t>(y) * columns;
        for (int x = 0; x < columns; ++x) {
            line[x] = static_cast<uchar>(std::clamp((row[x] - low) * scale, 0.0, 255.0));
        }
    }
    const QImage scaled = image.scaled(size(), Qt::KeepAspectRatio, Qt::SmoothTransformation);
    painter.drawImage((width() - scaled.width()) / 2, (height() - scaled.height()) / 2, scaled);
    painter.setPen(Qt::yellow);
    painter.drawText(
        rect().adjusted(6, 6, -6, -6), Qt::AlignBottom | Qt::AlignLeft,
        tr("%1 / %2   W %3 L %4").arg(m_slice + 1).arg(m_volume->slices()).arg(m_window).arg(m_level));
}

void SliceView::wheelEvent(QWheelEvent* event)
{
    setSlice(m_slice + (event->angleDelta().y() > 0 ? 1 : -1));
    event->accept();
}

void SliceView::keyPressEvent(QKeyEvent* event)
{
    switch (event->key()) {
    case Qt::Key_Up:
    case Qt::Key_PageUp:
        setSlice(m_slice + 1);
        break;
    case Qt::Key_Down:
    case Qt::Key_PageDown:
        setSlice(m_slice - 1);
        break;
    default:
        QWidget::keyPressEvent(event);
    }
}

} // namespace dokuei::app
