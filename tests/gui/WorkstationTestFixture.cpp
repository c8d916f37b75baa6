#include "WorkstationTestFixture.h"

#include "dokuei/app/LoginWindow.h"
#include "dokuei/app/SignInForm.h"
#include "dokuei/security/AccountStore.h"
#include "dokuei/security/CertificateInfo.h"
#include "dokuei/security/Roles.h"
#include "dokuei/security/Session.h"

#include <QFile>
#include <QLineEdit>
#include <QPushButton>
#include <QTest>
#include <QUrl>

namespace dokuei::gui_test {
namespace {

QByteArray readFile(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

void WorkstationTestFixture::SetUp()
{
    auto env = integration::ReadingCenterEnv::load();
    ASSERT_TRUE(env) << env.error().toStdString();
    m_env = *env;
    // A private card reader holding copies of the cards "inserted".
    m_reader = std::make_unique<integration::PrivateCardReader>(m_env);
    ASSERT_TRUE(m_reader->error().isEmpty()) << m_reader->error().toStdString();
    ASSERT_TRUE(m_reader->insert(QStringLiteral("dr.sato")));

    // A child process of a test (a crash test) runs on its parent's directory, accounts included.
    const QString shared = qEnvironmentVariable("DOKUEI_GUI_TEST_HOME");
    const QString base = shared.isEmpty() ? m_dir.path() : shared;
    m_paths.configDir = base + QStringLiteral("/home");
    m_paths.dataDir = m_paths.configDir;
    m_paths.systemDir = base + QStringLiteral("/etc");
    ASSERT_TRUE(m_paths.ensureUserDirectories());
    m_config.pkcs11Module = m_env.value(QStringLiteral("DOKUEI_PKCS11_MODULE"));
    m_config.cardTrustAnchorFile = m_env.caFile();
    m_config.cardCrlFile = m_env.value(QStringLiteral("DOKUEI_RC_CRL"));
    m_config.readingCentreUrl = QUrl(m_env.url());
    m_config.readingCentreCaFile = m_env.caFile();
    m_config.readingCentreCrlFile = m_env.value(QStringLiteral("DOKUEI_RC_CRL"));
    auto workstation = app::Workstation::create(m_paths, m_config);
    ASSERT_TRUE(workstation) << workstation.error().toString().toStdString();
    m_workstation = std::move(*workstation);
    if (shared.isEmpty()) {
        addUser(QStringLiteral("dr.sato"), kSato);
    }
}

void WorkstationTestFixture::restartWorkstation()
{
    m_workstation.reset();
    auto workstation = app::Workstation::create(m_paths, m_config);
    ASSERT_TRUE(workstation) << workstation.error().toString().toStdString();
    m_workstation = std::move(*workstation);
}

void WorkstationTestFixture::TearDown()
{
    m_workstation.reset();
}

void WorkstationTestFixture::addUser(const QString& id, const QString& password, security::Role role,
                                     const QString& cardUser)
{
    auto& accounts = m_workstation->accounts();
    const QString initial = password + QStringLiteral("-0");
    ASSERT_TRUE(accounts.addUser(id, id, role, initial, QStringLiteral("test")));
    ASSERT_TRUE(accounts.changePassword(id, initial, password));
    auto certificate =
        security::parseCertificate(readFile(m_env.user(cardUser.isEmpty() ? id : cardUser).authCert));
    ASSERT_TRUE(certificate);
    ASSERT_TRUE(accounts.bindCard(id, certificate->der, QStringLiteral("test")));
}

void WorkstationTestFixture::fill(app::SignInForm* form, const QString& id, const QString& password,
                                  const QString& pin)
{
    auto* userId = form->findChild<QLineEdit*>(QStringLiteral("userId"));
    if (!userId->isReadOnly()) {
        userId->clear();
        QTest::keyClicks(userId, id);
    }
    QTest::keyClicks(form->findChild<QLineEdit*>(QStringLiteral("password")), password);
    QTest::keyClicks(form->findChild<QLineEdit*>(QStringLiteral("pin")), pin);
    QTest::mouseClick(form->findChild<QPushButton*>(QStringLiteral("submit")), Qt::LeftButton);
}

void WorkstationTestFixture::signIn()
{
    m_workstation->start();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(m_workstation->loginWindow()));
    fill(m_workstation->loginWindow()->form(), QStringLiteral("dr.sato"), kSato,
         m_env.user(QStringLiteral("dr.sato")).pin);
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return m_workstation->session().state() == security::Session::State::Active; }, 20000));
}

} // namespace dokuei::gui_test
