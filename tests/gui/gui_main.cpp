// GUI test runner: the QApplication must exist before any widget, with VTK's OpenGL format installed.
#include "dokuei/viewer/ui/SurfaceFormat.h"

#include <QApplication>

#include <gtest/gtest.h>

int main(int argc, char** argv)
{
    ::testing::InitGoogleTest(&argc, argv);
    if (::testing::GTEST_FLAG(list_tests)) {
        return RUN_ALL_TESTS(); // test discovery at build/ctest time: no display needed
    }
    dokuei::viewer::installVtkSurfaceFormat();
    QApplication app(argc, argv);
    return RUN_ALL_TESTS();
}
