#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QTimer;

namespace dokuei::app {

/// The four sign-in factors on one form: user ID, password and the smart card's PIN (both masked), with
/// the card reader's state shown live. Used by the sign-in window and the lock screen. The PIN is asked
/// here, in our own UI, never on a terminal; nothing is retried automatically.
class SignInForm : public QWidget
{
    Q_OBJECT

public:
    explicit SignInForm(QWidget* parent = nullptr);

    QString userId() const;
    QString password() const;
    QString pin() const;

    /// Fixes the user ID (unlocking one's own session); editable again with setUserIdEditable(true).
    void setUserId(const QString& userId);
    void setUserIdEditable(bool editable);
    void setSubmitText(const QString& text);

    /// Shows a refusal and clears the secrets (never the ID).
    void showError(const QString& message);
    void showInfo(const QString& message);
    void clearSecrets();
    /// Keeps the submit button disabled for `seconds` with a countdown (throttling).
    void holdFor(int seconds);
    /// Card reader status line ("card inserted: ..." / "insert your card").
    void setCardStatus(const QString& text, bool present);

signals:
    void submitted();

private:
    void updateSubmitEnabled();

    QLineEdit* m_userId;
    QLineEdit* m_password;
    QLineEdit* m_pin;
    QLabel* m_cardStatus;
    QLabel* m_message;
    QPushButton* m_submit;
    QTimer* m_holdTimer;
    int m_holdRemaining = 0;
};

} // namespace dokuei::app
