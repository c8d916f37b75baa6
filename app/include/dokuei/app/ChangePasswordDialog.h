#pragma once

#include <QDialog>

class QLabel;
class QLineEdit;
class QPushButton;

namespace dokuei::app {

/// Asks for a new password twice; used at the first sign-in, after an administrator's reset and when the
/// password expired. The caller checks the policy and may show its message with showError().
class ChangePasswordDialog : public QDialog
{
    Q_OBJECT

public:
    explicit ChangePasswordDialog(const QString& reason, QWidget* parent = nullptr);
    QString newPassword() const;
    void showError(const QString& message);

private:
    void check();

    QLineEdit* m_first;
    QLineEdit* m_second;
    QLabel* m_message;
    QPushButton* m_ok;
};

} // namespace dokuei::app
