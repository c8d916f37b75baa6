// GUI test runner: the QApplication must exist before any widget, with VTK's OpenGL format installed.
#include "dokuei/viewer/ui/SurfaceFormat.h"

#include <QApplication>

#include <gtest/gtest.h>

int main(int argc, char** argv)
{
    ::testing::InitGoogleTest(&argc, argv);
    dokuei::viewer::installVtkSurfaceFormat();
    QApplication app(argc, argv);
    return RUN_ALL_TESTS();
}
