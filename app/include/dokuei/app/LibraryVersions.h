#pragma once

#include <QString>

namespace dokuei::app {

/// Versions of the libraries dokuei runs with, as reported by the libraries themselves at run time.
QString qtVersion();
QString vtkVersion();
QString dcmtkVersion();
QString openSslVersion();

} // namespace dokuei::app
