#include "SharedDisplay.h"

#include <vtkRenderWindow.h>

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

} // namespace dokuei::viewer::test
