#include "RenderTestSupport.h"

#include <cstddef>

#include <vtkRenderer.h>
#include <vtkUnsignedCharArray.h>

namespace dokuei::viewer::test {

void* sharedDisplay()
{
    static vtkRenderWindow* holder = [] {
        vtkRenderWindow* w = vtkRenderWindow::New();
        w->SetOffScreenRendering(1);
        w->SetSize(8, 8);
        w->Render();
        return w;
    }();
    return holder->GetGenericDisplayId();
}

OffscreenWindow::OffscreenWindow(vtkRenderer* renderer, int side) : size(side)
{
    window->SetDisplayId(sharedDisplay());
    window->SetOffScreenRendering(1);
    window->SetSize(size, size);
    window->AddRenderer(renderer);
}

vtkSmartPointer<vtkUnsignedCharArray> OffscreenWindow::rgba()
{
    window->Render();
    auto pixels = vtkSmartPointer<vtkUnsignedCharArray>::New();
    window->GetRGBACharPixelData(0, 0, size - 1, size - 1, 1, pixels);
    return pixels;
}

std::vector<int> OffscreenWindow::grey(int* notGrey)
{
    const vtkSmartPointer<vtkUnsignedCharArray> pixels = rgba();
    std::vector<int> out(std::size_t(size) * std::size_t(size));
    int coloured = 0;
    for (int y = 0; y < size; ++y) {
        for (int x = 0; x < size; ++x) {
            const vtkIdType i = (vtkIdType(size - 1 - y) * size + x) * 4; // GL rows run bottom-up
            const int r = pixels->GetValue(i);
            coloured += (r != pixels->GetValue(i + 1) || r != pixels->GetValue(i + 2)) ? 1 : 0;
            out[std::size_t(y) * std::size_t(size) + std::size_t(x)] = r;
        }
    }
    if (notGrey) {
        *notGrey = coloured;
    }
    return out;
}

} // namespace dokuei::viewer::test
