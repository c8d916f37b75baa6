#pragma once

#include "dokuei/viewer/core/InstanceInfo.h"
#include "dokuei/viewer/core/OverlayText.h"
#include "dokuei/viewer/core/WindowLevel.h"

#include <optional>
#include <vector>

namespace dokuei::viewer {

/// The series-wide facts a view annotates with: who and what (patient data: eraseIdentity() when done), the
/// series' own VOI window and the slice thickness.
struct SeriesContext
{
    SeriesIdentity identity;
    std::optional<Window> seriesWindow;
    double sliceThicknessMm = 0;
};

/// The context of a loaded series from its instances in position order: the identity, window and thickness
/// of the middle instance; lossy when any instance was lossy compressed. Empty `infos`: an empty context.
SeriesContext makeSeriesContext(const std::vector<InstanceInfo>& infos);

} // namespace dokuei::viewer
