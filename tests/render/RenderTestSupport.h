#pragma once

// What the render suites share: one X connection for every window, and an off-screen window read back.

#include <vector>

#include <vtkNew.h>
#include <vtkRenderWindow.h>
#include <vtkSmartPointer.h>

class vtkRenderer;
class vtkUnsignedCharArray;

namespace dokuei::viewer::test {

/// One X connection for every VTK window of a test process (pass to vtkRenderWindow::SetDisplayId). VTK opens
/// one per window otherwise, and opening a new connection for each of many short-lived windows failed now
/// and then under Xvfb on a loaded machine ("bad X server connection": VTK aborts the whole binary; never
/// under strace). The holder window lives until exit.
void* sharedDisplay();

/// An off-screen side x side window on the shared display around a scene's renderer.
struct OffscreenWindow
{
    vtkNew<vtkRenderWindow> window;
    int size;

    OffscreenWindow(vtkRenderer* renderer, int side);

    /// Renders and reads the pixels back: RGBA, GL rows bottom-up (VTK display coordinates).
    vtkSmartPointer<vtkUnsignedCharArray> rgba();

    /// Renders and returns the red channel top-down (row 0 = top); `notGrey`, when given, receives the
    /// number of pixels whose red, green and blue differ.
    std::vector<int> grey(int* notGrey = nullptr);
};

} // namespace dokuei::viewer::test
