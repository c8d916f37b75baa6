#include "dokuei/viewer/render/TestVolume.h"

#include <cmath>
#include <cstdint>

#include <vtkImageData.h>

namespace dokuei::viewer {

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
                std::int16_t hu = -1000; // air
                if (r < inner) {
                    hu = 40; // soft tissue
                    const double cx = dx - 0.12 * size;
                    if (std::sqrt(cx * cx + dy * dy + dz * dz) < 0.09 * size) {
                        hu = -1000; // cavity on one side
                    }
                    const double mx = dx + 0.15 * size;
                    const double my = dy - 0.10 * size;
                    if (std::sqrt(mx * mx + my * my + dz * dz) < 0.05 * size) {
                        hu = 3000; // dense insert
                    }
                } else if (r < outer) {
                    hu = 1200; // bone shell
                }
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

} // namespace dokuei::viewer
