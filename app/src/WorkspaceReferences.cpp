#include "dokuei/app/WorkspaceReferences.h"

#include "dokuei/viewer/core/MeasurementSet.h"
#include "dokuei/viewer/core/Measurements.h"
#include "dokuei/viewer/core/ReadingSession.h"
#include "dokuei/viewer/core/Volume.h"
#include "dokuei/viewer/core/VolumeAssembler.h"
#include "dokuei/viewer/ui/ImageView.h"
#include "dokuei/viewer/ui/ReadingWorkspace.h"

#include <cmath>

#include <QBuffer>
#include <QCoreApplication>
#include <QImage>

namespace dokuei::app {
namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("dokuei::app::WorkspaceReferences", text);
}

} // namespace

WorkspaceReferences::WorkspaceReferences(viewer::ReadingSession& reading, viewer::ReadingWorkspace& workspace,
                                         std::function<void()> showReading)
    : m_reading(reading), m_workspace(workspace), m_showReading(std::move(showReading))
{}

std::vector<viewer::InstanceInfo> WorkspaceReferences::sliceInfos() const
{
    const viewer::VolumeAssembler* assembler = m_reading.loader().assembler();
    if (!assembler || !m_reading.loader().volume()) {
        return {};
    }
    return assembler->sliceInfos();
}

std::optional<reporting::ImageReference>
WorkspaceReferences::imageOfSlice(const std::vector<viewer::InstanceInfo>& infos, int slice) const
{
    const exchange::StudyRecord* study = m_reading.currentStudy();
    const exchange::SeriesRecord* series = m_reading.currentSeries();
    if (infos.empty() || !study || !series) {
        return std::nullopt;
    }
    if (slice < 0 || std::size_t(slice) >= infos.size() ||
        infos[std::size_t(slice)].sopInstanceUid.isEmpty()) {
        return std::nullopt;
    }
    const viewer::InstanceInfo& info = infos[std::size_t(slice)];
    reporting::ImageReference image;
    image.studyUid = study->studyUid;
    image.seriesUid = series->seriesUid;
    image.sopInstanceUid = info.sopInstanceUid;
    image.sopClassUid = info.sopClassUid;
    image.frame = info.numberOfFrames > 1 ? info.frameIndex + 1 : 0;
    image.seriesNumber = info.seriesNumber != 0 ? info.seriesNumber : series->number;
    image.instanceNumber = info.instanceNumber;
    const viewer::Window window = m_workspace.stackView()->voiWindow();
    image.windowCenter = window.centre;
    image.windowWidth = window.width;
    return image;
}

QList<reporting::MeasurementReference> WorkspaceReferences::measurements()
{
    QList<reporting::MeasurementReference> list;
    const viewer::Volume* volume = m_reading.loader().volume();
    const std::vector<viewer::InstanceInfo> infos = sliceInfos();
    if (!volume || infos.empty()) {
        return list;
    }
    for (const viewer::Measurement& m : m_workspace.measurements().all()) {
        if (!m.valid || m.points.empty()) {
            continue;
        }
        reporting::MeasurementReference ref;
        ref.viewerId = m.id;
        ref.label = m.label;
        switch (m.kind) {
        case viewer::MeasurementKind::Length:
            ref.kind = QStringLiteral("length");
            ref.value = m.lengthMm;
            ref.unit = QStringLiteral("mm");
            break;
        case viewer::MeasurementKind::Angle:
            ref.kind = QStringLiteral("angle");
            ref.value = m.angleDegrees.value_or(0.0);
            ref.unit = QStringLiteral("deg");
            break;
        case viewer::MeasurementKind::Ellipse:
        case viewer::MeasurementKind::Freehand:
            if (!m.roi) {
                continue;
            }
            ref.kind = QStringLiteral("roi");
            ref.value = m.roi->meanHu;
            ref.unit = QStringLiteral("[hnsf'U]");
            break;
        case viewer::MeasurementKind::Probe:
            if (!m.probe) {
                continue;
            }
            ref.kind = QStringLiteral("probe");
            ref.value = m.probe->hu;
            ref.unit = QStringLiteral("[hnsf'U]");
            break;
        }
        // The stored slice the measurement lies on (nearest to its first point).
        const auto voxel = viewer::patientToVoxel(volume->geometry(), m.points.front());
        if (!voxel) {
            continue;
        }
        const int slice = static_cast<int>(std::lround((*voxel)[2]));
        auto image = imageOfSlice(infos, slice);
        if (!image) {
            continue;
        }
        ref.image = *image;
        const QString value = ref.kind == QLatin1String("angle") ? tr("%1°").arg(ref.value, 0, 'f', 1)
                              : ref.unit == QLatin1String("mm")  ? tr("%1 mm").arg(ref.value, 0, 'f', 1)
                                                                 : tr("%1 HU").arg(ref.value, 0, 'f', 0);
        ref.text = tr("%1, Se %2 Im %3").arg(value).arg(image->seriesNumber).arg(image->instanceNumber);
        list << ref;
    }
    return list;
}

std::optional<reporting::KeyImageReference> WorkspaceReferences::keyImage()
{
    viewer::ImageView* stack = m_workspace.stackView();
    if (!stack->isVisible()) {
        return std::nullopt; // the layout shows no stored slice (MPR + 3D): nothing to take as seen
    }
    auto image = imageOfSlice(sliceInfos(), stack->sliceIndex());
    if (!image) {
        return std::nullopt;
    }
    reporting::KeyImageReference key;
    key.image = *image;
    // As seen: the view's pixels with the window applied and its annotations drawn.
    const QImage seen = stack->grab().toImage();
    QBuffer buffer(&key.renderedPng);
    buffer.open(QIODevice::WriteOnly);
    seen.save(&buffer, "PNG");
    return key;
}

void WorkspaceReferences::show(const reporting::ImageReference& image, int viewerMeasurementId)
{
    const exchange::SeriesRecord* series = m_reading.currentSeries();
    const std::vector<viewer::InstanceInfo> infos = sliceInfos();
    if (infos.empty() || !series || series->seriesUid != image.seriesUid) {
        // Another series: open it; the reference is shown once it is loaded (by a second click).
        m_reading.openSeries(image.seriesUid, image.studyUid);
        if (m_showReading) {
            m_showReading();
        }
        return;
    }
    for (std::size_t k = 0; k < infos.size(); ++k) {
        const int frame = infos[k].numberOfFrames > 1 ? infos[k].frameIndex + 1 : 0;
        if (infos[k].sopInstanceUid == image.sopInstanceUid && frame == image.frame) {
            if (m_showReading) {
                m_showReading();
            }
            if (m_workspace.readingLayout() == viewer::ReadingLayout::MprAnd3D) {
                m_workspace.setReadingLayout(viewer::ReadingLayout::Single); // the stack was not shown
            }
            viewer::ImageView* stack = m_workspace.stackView();
            stack->setSliceIndex(static_cast<int>(k));
            if (image.windowWidth >= 1) {
                stack->setWindow({image.windowCenter, image.windowWidth});
            }
            if (viewerMeasurementId > 0 && m_workspace.measurements().find(viewerMeasurementId)) {
                m_workspace.measurements().select(viewerMeasurementId);
            }
            return;
        }
    }
}

} // namespace dokuei::app
