#pragma once

#include <QWidget>

namespace dokuei::app {

class SignInForm;

/// The first window: dokuei's name, the sign-in form, nothing else (no patient data exists yet).
class LoginWindow : public QWidget
{
    Q_OBJECT

public:
    explicit LoginWindow(QWidget* parent = nullptr);
    SignInForm* form() const { return m_form; }

private:
    SignInForm* m_form;
};

} // namespace dokuei::app
