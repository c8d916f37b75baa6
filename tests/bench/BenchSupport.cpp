#include "BenchSupport.h"

#include "dokuei/phantom/PhantomModel.h"

#include <algorithm>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <thread>

#include <vtkImageData.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>

namespace dokuei::bench {

double quantile(std::vector<double> values, double q)
{
    if (values.empty()) {
        return 0;
    }
    std::sort(values.begin(), values.end());
    const double pos = q * double(values.size() - 1);
    const auto lo = std::size_t(pos);
    const std::size_t hi = std::min(lo + 1, values.size() - 1);
    return values[lo] + (pos - double(lo)) * (values[hi] - values[lo]);
}

phantom::PhantomSpec chestSpec(int size, int slices)
{
    auto spec = phantom::presetSpec(phantom::Preset::Chest);
    spec.rows = size;
    spec.columns = size;
    spec.slices = slices;
    return spec;
}

std::unique_ptr<viewer::Volume> makePhantomVolume(const phantom::PhantomSpec& spec, const char* tag,
                                                  security::WipeRegistry* registry)
{
    const phantom::PhantomModel model(spec);
    const int slices = spec.slices;
    auto created = viewer::Volume::create(spec.rows, spec.columns, slices, viewer::VolumeLimits{}, registry);
    if (!created) {
        std::fprintf(stderr, "[%s] cannot allocate the volume: %s\n", tag,
                     created.error().toString().toStdString().c_str());
        return nullptr;
    }
    std::unique_ptr<viewer::Volume> volume = std::move(*created);
    const auto fill = [&](int first) {
        for (int k = first; k < slices; k += 2) {
            const auto hu = model.huSlice(k);
            std::memcpy(volume->slice(k), hu.data(), hu.size() * sizeof(std::int16_t));
            volume->markSliceReady(k);
        }
    };
    std::thread other(fill, 1);
    fill(0);
    other.join();

    viewer::VolumeGeometry g;
    g.origin = model.sliceGeometry(0).position;
    g.rowSpacing = spec.rowSpacing;
    g.columnSpacing = spec.columnSpacing;
    g.sliceSpacing = spec.sliceSpacing;
    g.rowDirection = model.rowDirection();
    g.columnDirection = model.columnDirection();
    g.normal = model.sliceNormal();
    g.sliceStep = model.sliceStep();
    volume->setGeometry(g);
    return volume;
}

vtkSmartPointer<vtkImageData> copyVoxels(const viewer::Volume& volume)
{
    const viewer::VolumeGeometry& g = volume.geometry();
    auto image = vtkSmartPointer<vtkImageData>::New();
    image->SetDimensions(volume.columns(), volume.rows(), volume.slices());
    image->SetSpacing(g.columnSpacing, g.rowSpacing, g.sliceSpacing);
    image->AllocateScalars(VTK_SHORT, 1);
    std::memcpy(image->GetScalarPointer(), volume.slice(0), volume.bytes());
    return image;
}

vtkSmartPointer<vtkRenderWindow> makeOffscreenWindow(int size, vtkRenderer* renderer, void* display)
{
    auto window = vtkSmartPointer<vtkRenderWindow>::New();
    if (display) {
        window->SetDisplayId(display);
    }
    window->SetOffScreenRendering(1);
    window->SetSize(size, size);
    if (renderer) {
        window->AddRenderer(renderer);
    }
    return window;
}

std::string format(const char* fmt, ...)
{
    std::va_list args;
    va_start(args, fmt);
    std::va_list again;
    va_copy(again, args);
    const int length = std::vsnprintf(nullptr, 0, fmt, args);
    va_end(args);
    std::string out(length > 0 ? std::size_t(length) : 0, '\0');
    if (length > 0) {
        std::vsnprintf(out.data(), out.size() + 1, fmt, again);
    }
    va_end(again);
    return out;
}

void printPeerLine(const char* name, double value, const std::string& peer, double peerValue,
                   const std::string& fields)
{
    std::printf("{\"name\":\"%s\",\"value\":%.3f,\"unit\":\"ms\",\"peer\":\"%s\",\"peer_value\":%.3f,"
                "\"ratio\":%.3f,%s}\n",
                name, value, peer.c_str(), peerValue, value / peerValue, fields.c_str());
}

} // namespace dokuei::bench
