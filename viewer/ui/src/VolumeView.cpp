#include "dokuei/viewer/ui/VolumeView.h"

#include "dokuei/viewer/core/Volume.h"
#include "dokuei/viewer/render/VolumeMapperPolicy.h"

#include <algorithm>
#include <cmath>

#include <QKeyEvent>
#include <QPainter>

#include <vtkCamera.h>
#include <vtkRenderer.h>

namespace dokuei::viewer {

VolumeView::VolumeView(QWidget* parent) : VtkViewWidget(parent), m_scene(std::make_unique<VolumeScene>())
{
    addRenderer(m_scene->renderer());
    connect(this, &VtkViewWidget::interactionChanged, this, [this](bool interacting) {
        m_scene->setInteracting(interacting);
        requestFrame();
    });
    connect(this, &VtkViewWidget::glInitialized, this, [this](const QString& renderer, const QString&) {
        const QByteArray requested = qgetenv("DOKUEI_VOLUME_MAPPER");
        m_scene->setMapperKind(chooseVolumeMapper(renderer.toStdString(), requested.toStdString()));
        requestFrame();
    });
}

VolumeView::~VolumeView()
{
    clearVolume();
}

void VolumeView::setVolume(const Volume* volume, const SeriesIdentity& identity)
{
    clearVolume();
    if (!volume || volume->wiped() || volume->slices() == 0 || !m_scene->setVolume(*volume)) {
        return;
    }
    m_volume = volume;
    m_identity = identity;
    m_crop = {0, 1, 0, 1, 0, 1};
    m_scene->resetCamera();
    requestFrame();
}

void VolumeView::clearVolume()
{
    const bool had = m_volume != nullptr || m_scene->hasVolume();
    m_scene->clear();
    m_volume = nullptr;
    eraseIdentity(m_identity);
    if (had) {
        releaseSceneGraphics();
    }
}

bool VolumeView::hasVolume() const
{
    return m_volume != nullptr && !m_volume->wiped() && m_scene->hasVolume();
}

void VolumeView::voxelsChanged()
{
    m_scene->voxelsChanged();
    requestFrame();
}

void VolumeView::setPreset(VolumePreset preset)
{
    m_scene->setPreset(preset);
    requestFrame();
    emit presetChanged(preset);
}

VolumePreset VolumeView::preset() const
{
    return m_scene->preset();
}

QString VolumeView::presetName(VolumePreset preset)
{
    switch (preset) {
    case VolumePreset::Bone:
        return tr("CT bone");
    case VolumePreset::SoftTissue:
        return tr("Soft tissue");
    case VolumePreset::Lung:
        return tr("Lung");
    case VolumePreset::Vessels:
        return tr("Vessels");
    case VolumePreset::Mip:
        return tr("MIP");
    }
    return {};
}

void VolumeView::resetCamera()
{
    m_scene->resetCamera();
    requestFrame();
}

void VolumeView::setCropFractions(const std::array<double, 6>& fractions)
{
    m_crop = fractions;
    if (!hasVolume()) {
        return;
    }
    const auto bounds = m_scene->volumeBounds();
    std::array<double, 6> box{};
    for (int axis = 0; axis < 3; ++axis) {
        const double low = bounds[std::size_t(2 * axis)];
        const double extent = bounds[std::size_t(2 * axis + 1)] - low;
        double a = std::clamp(fractions[std::size_t(2 * axis)], 0.0, 1.0);
        double b = std::clamp(fractions[std::size_t(2 * axis + 1)], 0.0, 1.0);
        if (b < a) {
            std::swap(a, b);
        }
        box[std::size_t(2 * axis)] = low + a * extent;
        box[std::size_t(2 * axis + 1)] = low + b * extent;
    }
    m_scene->setCropBox(box);
    requestFrame();
}

ViewAxes VolumeView::screenAxes() const
{
    return cameraScreenAxes(m_scene->renderer()->GetActiveCamera());
}

SideLabels VolumeView::sideLabels() const
{
    return hasVolume() ? viewer::sideLabels(screenAxes()) : SideLabels{};
}

QString VolumeView::mapperName() const
{
    return QString::fromLatin1(volumeMapperName(m_scene->mapperKind()));
}

void VolumeView::paintOverlay(QPainter& painter)
{
    if (!hasVolume()) {
        return;
    }
    QFont font = painter.font();
    font.setPixelSize(12);
    painter.setFont(font);
    const QRect area = rect().adjusted(6, 4, -6, -4);
    const auto text = [&](int flags, const QString& s, const QColor& colour) {
        painter.setPen(QColor(0, 0, 0, 200));
        painter.drawText(area.translated(1, 1), flags, s);
        painter.setPen(colour);
        painter.drawText(area, flags, s);
    };
    const QColor normal(235, 235, 200);
    QStringList topLeft;
    if (!m_identity.patientName.isEmpty()) {
        topLeft << displayName(m_identity.patientName);
    }
    if (!m_identity.patientId.isEmpty()) {
        topLeft << tr("ID %1").arg(m_identity.patientId);
    }
    text(Qt::AlignTop | Qt::AlignLeft, topLeft.join(QLatin1Char('\n')), normal);
    text(Qt::AlignBottom | Qt::AlignRight, tr("3D %1 (%2)").arg(presetName(preset()), mapperName()), normal);
    const SideLabels labels = sideLabels();
    QFont bold = font;
    bold.setBold(true);
    bold.setPixelSize(14);
    painter.setFont(bold);
    const QColor orange(255, 200, 80);
    text(Qt::AlignVCenter | Qt::AlignLeft, labels.left, orange);
    text(Qt::AlignVCenter | Qt::AlignRight, labels.right, orange);
    painter.save();
    painter.translate(0, 32); // below the patient lines
    text(Qt::AlignTop | Qt::AlignHCenter, labels.top, orange);
    painter.restore();
    text(Qt::AlignBottom | Qt::AlignHCenter, labels.bottom, orange);
    if (m_identity.lossy) {
        painter.setFont(font);
        text(Qt::AlignBottom | Qt::AlignLeft, tr("LOSSY COMPRESSED: not the original pixels"),
             QColor(255, 70, 70));
    }
}

void VolumeView::keyPressEvent(QKeyEvent* event)
{
    switch (event->key()) {
    case Qt::Key_0:
    case Qt::Key_F:
        resetCamera();
        break;
    case Qt::Key_1:
        setPreset(VolumePreset::Bone);
        break;
    case Qt::Key_2:
        setPreset(VolumePreset::SoftTissue);
        break;
    case Qt::Key_3:
        setPreset(VolumePreset::Lung);
        break;
    case Qt::Key_4:
        setPreset(VolumePreset::Vessels);
        break;
    case Qt::Key_5:
        setPreset(VolumePreset::Mip);
        break;
    default:
        VtkViewWidget::keyPressEvent(event);
    }
}

} // namespace dokuei::viewer
