#include "dokuei/app/LockScreen.h"

#include "dokuei/app/SignInForm.h"

#include <QGuiApplication>
#include <QLabel>
#include <QPushButton>
#include <QScreen>
#include <QVBoxLayout>

namespace dokuei::app {

LockScreen::LockScreen(QObject* parent) : QObject(parent)
{}

LockScreen::~LockScreen()
{
    hide();
}

QList<QWidget*> LockScreen::windows() const
{
    QList<QWidget*> result;
    for (const auto& window : m_windows) {
        if (window) {
            result << window.data();
        }
    }
    return result;
}

void LockScreen::repaintNow()
{
    for (QWidget* window : std::as_const(m_windows)) {
        window->raise();
        window->repaint();
    }
}

void LockScreen::show(const QString& userId, const QString& reason)
{
    hide();
    m_sessionUserId = userId;
    const QScreen* primary = QGuiApplication::primaryScreen();
    for (QScreen* screen : QGuiApplication::screens()) {
        auto* window = new QWidget(nullptr, Qt::Window | Qt::FramelessWindowHint | Qt::WindowStaysOnTopHint);
        window->setObjectName(QStringLiteral("LockWindow"));
        window->setAttribute(Qt::WA_DeleteOnClose);
        window->setWindowTitle(tr("dokuei — locked"));
        window->setStyleSheet(QStringLiteral("QWidget#LockWindow { background: #101418; } "
                                             "QLabel#lockTitle { color: #e8eaed; }"));
        auto* layout = new QVBoxLayout(window);
        layout->addStretch();
        auto* title =
            new QLabel(tr("<h1>dokuei is locked</h1><p>%1</p>").arg(reason.toHtmlEscaped()), window);
        title->setObjectName(QStringLiteral("lockTitle"));
        title->setAlignment(Qt::AlignCenter);
        layout->addWidget(title, 0, Qt::AlignHCenter);
        if (screen == primary) {
            auto* panel = new QWidget(window);
            panel->setObjectName(QStringLiteral("unlockPanel"));
            panel->setAutoFillBackground(true);
            panel->setMaximumWidth(460);
            auto* panelLayout = new QVBoxLayout(panel);
            m_form = new SignInForm(panel);
            m_form->setUserId(userId);
            m_form->setSubmitText(tr("Unlock"));
            auto* switchUser = new QPushButton(tr("Sign in as another user (ends this session)"), panel);
            switchUser->setObjectName(QStringLiteral("switchUser"));
            connect(switchUser, &QPushButton::clicked, this, [this, switchUser] {
                m_form->setUserIdEditable(true);
                m_form->setUserId(QString());
                m_form->setUserIdEditable(true);
                m_form->setSubmitText(tr("Sign in"));
                switchUser->setEnabled(false);
            });
            panelLayout->addWidget(m_form);
            panelLayout->addWidget(switchUser);
            connect(m_form, &SignInForm::submitted, this, &LockScreen::submitted);
            layout->addWidget(panel, 0, Qt::AlignHCenter);
        }
        layout->addStretch();
        window->setGeometry(screen->geometry());
        window->setScreen(screen);
        window->showFullScreen();
        window->raise();
        window->activateWindow();
        m_windows << window;
    }
}

void LockScreen::hide()
{
    for (const auto& window : m_windows) {
        if (window) {
            window->close();
        }
    }
    m_windows.clear();
    m_form = nullptr;
    m_sessionUserId.clear();
}

} // namespace dokuei::app
