#pragma once

#include <QList>
#include <QObject>
#include <QPointer>
#include <QWidget>

class QScreen;

namespace dokuei::app {

class SignInForm;

/// The lock screen: one frameless, always-on-top window covering each screen, showing only that dokuei is
/// locked, why, and (on the primary screen) the form to unlock — the same user's password and card PIN —
/// or to sign in as another user, which ends the locked session. It never shows patient data. A screen
/// connected while locked is covered at once; when the screen holding the form goes, the form moves.
class LockScreen : public QObject
{
    Q_OBJECT

public:
    explicit LockScreen(QObject* parent = nullptr);
    ~LockScreen() override;

    void show(const QString& userId, const QString& reason);
    void hide();
    bool isShown() const { return !m_windows.isEmpty(); }
    /// Paints the lock windows now (the lock shows them before the wipe, with no event loop in between).
    void repaintNow();

    SignInForm* form() const { return m_form; }
    QList<QWidget*> windows() const;
    /// The user ID the session belongs to (the form may hold another one when switching user).
    QString sessionUserId() const { return m_sessionUserId; }

signals:
    void submitted();

private:
    /// Covers `screen` with a lock window, holding the unlock form when `withForm`.
    void addWindow(QScreen* screen, bool withForm);
    void onScreenAdded(QScreen* screen);
    void onScreenRemoved(QScreen* screen);

    QList<QPointer<QWidget>> m_windows;
    QList<QPointer<QScreen>> m_screens; ///< the screen each window covers
    QString m_reason;
    QPointer<SignInForm> m_form;
    QString m_sessionUserId;
};

} // namespace dokuei::app
