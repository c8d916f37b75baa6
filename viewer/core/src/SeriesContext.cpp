#include "dokuei/viewer/core/SeriesContext.h"

namespace dokuei::viewer {

SeriesContext makeSeriesContext(const std::vector<InstanceInfo>& infos)
{
    SeriesContext context;
    if (infos.empty()) {
        return context;
    }
    // The middle instance stands for the series: the first and last are often scouts' neighbours or edges.
    const InstanceInfo& middle = infos[infos.size() / 2];
    context.identity = identityOf(middle);
    context.sliceThicknessMm = middle.sliceThickness;
    if (middle.hasWindow) {
        context.seriesWindow = Window{middle.windowCentre, middle.windowWidth};
    }
    for (const InstanceInfo& info : infos) {
        context.identity.lossy = context.identity.lossy || info.lossyCompressed;
    }
    return context;
}

} // namespace dokuei::viewer
