#include "dokuei/app/LoginWindow.h"

#include "dokuei/app/SignInForm.h"

#include <QLabel>
#include <QVBoxLayout>

namespace dokuei::app {

LoginWindow::LoginWindow(QWidget* parent) : QWidget(parent), m_form(new SignInForm(this))
{
    setObjectName(QStringLiteral("LoginWindow"));
    setWindowTitle(tr("dokuei — sign in"));
    auto* title = new QLabel(tr("<h2>dokuei</h2><p>CT reading workstation</p>"), this);
    title->setAlignment(Qt::AlignCenter);
    auto* hint =
        new QLabel(tr("Sign in with your user ID, password, and your smart card with its PIN."), this);
    hint->setWordWrap(true);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(title);
    layout->addWidget(hint);
    layout->addWidget(m_form);
    layout->addStretch();
    setMinimumWidth(420);
}

} // namespace dokuei::app
