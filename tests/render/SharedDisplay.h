#pragma once

namespace dokuei::viewer::test {

/// One X connection for every VTK window of a test process (pass to vtkRenderWindow::SetDisplayId). VTK opens
/// one per window otherwise, and opening a new connection for each of many short-lived windows failed now
/// and then under Xvfb on a loaded machine ("bad X server connection": VTK aborts the whole binary; never
/// under strace). The holder window lives until exit.
void* sharedDisplay();

} // namespace dokuei::viewer::test
