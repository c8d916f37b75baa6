#include <QCoreApplication>

#include <gtest/gtest.h>

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv); // QNetworkAccessManager needs an application and event loops
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
