#pragma once

#include "dokuei/reporting/ui/ReportEditor.h"
#include "dokuei/viewer/core/InstanceInfo.h"

#include <functional>
#include <vector>

namespace dokuei::viewer {
class ReadingSession;
class ReadingWorkspace;
} // namespace dokuei::viewer

namespace dokuei::app {

/// The report editor's view of the reading workspace: the measurements with the image each was drawn on
/// (SOP instance, SOP class, frame, series and instance numbers, the window shown), the stack view's image
/// as a key image (rendered as seen), and the way back from a reference to its image, window and
/// measurement. Reads the reading session's loaded series; owns nothing.
class WorkspaceReferences : public reporting::ReportReferenceProvider
{
public:
    /// `showReading` brings the reading view to the front (the editor may be beside the study list).
    WorkspaceReferences(viewer::ReadingSession& reading, viewer::ReadingWorkspace& workspace,
                        std::function<void()> showReading);

    QList<reporting::MeasurementReference> measurements() override;
    std::optional<reporting::KeyImageReference> keyImage() override;
    void show(const reporting::ImageReference& image, int viewerMeasurementId) override;

private:
    /// The loaded series' slices in volume order (empty while none is loaded).
    std::vector<viewer::InstanceInfo> sliceInfos() const;
    /// The image reference of stored slice `slice` of the loaded series (`infos`), with the stack's window.
    std::optional<reporting::ImageReference> imageOfSlice(const std::vector<viewer::InstanceInfo>& infos,
                                                          int slice) const;

    viewer::ReadingSession& m_reading;
    viewer::ReadingWorkspace& m_workspace;
    std::function<void()> m_showReading;
};

} // namespace dokuei::app
