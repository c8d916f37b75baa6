#pragma once

namespace dokuei::viewer {

/// Makes every OpenGL context Qt creates an OpenGL 3.2 core profile context with depth and stencil, as
/// VTK's OpenGL2 backend needs. Must be called before the QApplication is constructed.
void installVtkSurfaceFormat();

} // namespace dokuei::viewer
