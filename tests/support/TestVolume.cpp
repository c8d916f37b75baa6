#include "TestVolume.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include <vtkImageData.h>

namespace dokuei::test {
namespace {

double smoothStep(double edge0, double edge1, double x)
{
    const double t = std::clamp((x - edge0) / (edge1 - edge0), 0.0, 1.0);
    return t * t * (3.0 - 2.0 * t);
}

} // namespace

vtkSmartPointer<vtkImageData> makeTestVolume(int size)
{
    auto image = vtkSmartPointer<vtkImageData>::New();
    image->SetDimensions(size, size, size);
    image->SetSpacing(1.0, 1.0, 1.0);
    const double half = (size - 1) / 2.0;
    image->SetOrigin(-half, -half, -half);
    image->AllocateScalars(VTK_SHORT, 1);

    auto* voxels = static_cast<std::int16_t*>(image->GetScalarPointer());
    const double outer = 0.45 * size;
    const double inner = 0.39 * size;
    for (int z = 0; z < size; ++z) {
        for (int y = 0; y < size; ++y) {
            for (int x = 0; x < size; ++x) {
                const double dx = x - half;
                const double dy = y - half;
                const double dz = z - half;
                const double r = std::sqrt(dx * dx + dy * dy + dz * dz);
                // Inner content: soft tissue with an air cavity on one side and a dense insert.
                double content = 40.0;
                const double cx = dx - 0.12 * size;
                if (std::sqrt(cx * cx + dy * dy + dz * dz) < 0.09 * size) {
                    content = -1000.0;
                }
                const double mx = dx + 0.15 * size;
                const double my = dy - 0.10 * size;
                if (std::sqrt(mx * mx + my * my + dz * dz) < 0.05 * size) {
                    content = 3000.0;
                }
                // Smooth surfaces (about 3 voxels wide) so shading shows a surface, not voxel steps.
                const double body = 1.0 - smoothStep(outer - 1.5, outer + 1.5, r);
                const double bone = smoothStep(inner - 1.5, inner + 1.5, r) * body;
                const double value = (-1000.0 + body * (content + 1000.0)) * (1.0 - bone) + 1200.0 * bone;
                auto hu = static_cast<std::int16_t>(std::lround(value));
                // An L-shaped rod on the +x, -y side, only in the upper half: left/right, front/back and
                // up/down are all unambiguous.
                if (dz > 0 && std::abs(dx - 0.30 * size) < 2.5 && std::abs(dy + 0.30 * size) < 2.5) {
                    hu = 1500;
                }
                if (dz > 0.40 * size && dz < 0.44 * size && dx > 0.18 * size && dx < 0.33 * size &&
                    std::abs(dy + 0.30 * size) < 2.5) {
                    hu = 1500;
                }
                voxels[(static_cast<std::size_t>(z) * size + y) * size + x] = hu;
            }
        }
    }
    return image;
}

} // namespace dokuei::test
