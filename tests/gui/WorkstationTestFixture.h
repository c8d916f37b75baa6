#pragma once

#include "../integration/PrivateCardReader.h"
#include "../integration/ReadingCenterEnv.h"
#include "dokuei/app/Workstation.h"
#include "dokuei/common/Configuration.h"
#include "dokuei/common/WorkstationPaths.h"
#include "dokuei/security/Roles.h"

#include <memory>

#include <QString>
#include <QTemporaryDir>

#include <gtest/gtest.h>

namespace dokuei::app {
class SignInForm;
}

namespace dokuei::gui_test {

/// The whole workstation against the reading-centre stack (ctest fixture "reading_center"), for the GUI
/// suites: a private card reader with dr.sato's card inserted, a fresh configuration/vault directory, and the
/// account dr.sato (radiologist, password set, card bound). Suites add more users with addUser(). With
/// DOKUEI_GUI_TEST_HOME set (a test's child process) it works in that directory and adds no account.
class WorkstationTestFixture : public ::testing::Test
{
protected:
    void SetUp() override;
    void TearDown() override;

    /// An account (a radiologist unless said otherwise) whose initial password has been changed to
    /// `password` and to which the card of the stack user `cardUser` (default: `id`) is bound.
    void addUser(const QString& id, const QString& password,
                 security::Role role = security::Role::Radiologist, const QString& cardUser = {});
    /// Types ID (unless the form shows it read-only), password and PIN, then presses the submit button.
    static void fill(app::SignInForm* form, const QString& id, const QString& password, const QString& pin);
    /// A new Workstation on the same directory (as after a restart of the application).
    void restartWorkstation();
    /// Signs dr.sato in through the login window and waits for the active session.
    void signIn();

    const QString kSato = QStringLiteral("Kx9#mQ2v!Lp-sato");
    const QString kTanaka = QStringLiteral("Rw7$eT4y@Zn-tanaka");
    integration::ReadingCenterEnv m_env;
    QTemporaryDir m_dir;
    std::unique_ptr<integration::PrivateCardReader> m_reader;
    WorkstationPaths m_paths;
    Configuration m_config;
    std::unique_ptr<app::Workstation> m_workstation;
};

} // namespace dokuei::gui_test
