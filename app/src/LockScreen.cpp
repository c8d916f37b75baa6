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
    m_reason = reason;
    const QScreen* primary = QGuiApplication::primaryScreen();
    for (QScreen* screen : QGuiApplication::screens()) {
        addWindow(screen, screen == primary);
    }
    // Screens connected or disconnected while locked (a projector, a docking station).
    connect(qApp, &QGuiApplication::screenAdded, this, &LockScreen::onScreenAdded, Qt::UniqueConnection);
    connect(qApp, &QGuiApplication::screenRemoved, this, &LockScreen::onScreenRemoved, Qt::UniqueConnection);
}

void LockScreen::addWindow(QScreen* screen, bool withForm)
{
    auto* window = new QWidget(nullptr, Qt::Window | Qt::FramelessWindowHint | Qt::WindowStaysOnTopHint);
    window->setObjectName(QStringLiteral("LockWindow"));
    window->setAttribute(Qt::WA_DeleteOnClose);
    window->setWindowTitle(tr("dokuei — locked"));
    window->setStyleSheet(QStringLiteral("QWidget#LockWindow { background: #101418; } "
                                         "QLabel#lockTitle { color: #e8eaed; }"));
    auto* layout = new QVBoxLayout(window);
    layout->addStretch();
    auto* title = new QLabel(tr("<h1>dokuei is locked</h1><p>%1</p>").arg(m_reason.toHtmlEscaped()), window);
    title->setObjectName(QStringLiteral("lockTitle"));
    title->setAlignment(Qt::AlignCenter);
    layout->addWidget(title, 0, Qt::AlignHCenter);
    if (withForm) {
        auto* panel = new QWidget(window);
        panel->setObjectName(QStringLiteral("unlockPanel"));
        panel->setAutoFillBackground(true);
        panel->setMaximumWidth(460);
        auto* panelLayout = new QVBoxLayout(panel);
        m_form = new SignInForm(panel);
        m_form->setUserId(m_sessionUserId);
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
    m_screens << screen;
}

void LockScreen::onScreenAdded(QScreen* screen)
{
    if (!isShown()) {
        return;
    }
    addWindow(screen, m_form.isNull());
    m_windows.last()->repaint();
}

void LockScreen::onScreenRemoved(QScreen* screen)
{
    if (!isShown()) {
        return;
    }
    const qsizetype index = m_screens.indexOf(screen);
    if (index < 0) {
        return;
    }
    const QPointer<QWidget> window = m_windows.at(index);
    const bool hadForm = m_form && window && window->isAncestorOf(m_form);
    if (hadForm) {
        // The form goes with its screen: cover the remaining screens again, the form on the primary one.
        const QString userId = m_sessionUserId;
        const QString reason = m_reason;
        hide();
        show(userId, reason);
        repaintNow();
        return;
    }
    m_windows.removeAt(index);
    m_screens.removeAt(index);
    if (window) {
        window->close();
    }
}

void LockScreen::hide()
{
    disconnect(qApp, &QGuiApplication::screenAdded, this, &LockScreen::onScreenAdded);
    disconnect(qApp, &QGuiApplication::screenRemoved, this, &LockScreen::onScreenRemoved);
    for (const auto& window : m_windows) {
        if (window) {
            window->close();
        }
    }
    m_windows.clear();
    m_screens.clear();
    m_form = nullptr;
    m_sessionUserId.clear();
    m_reason.clear();
}

} // namespace dokuei::app
