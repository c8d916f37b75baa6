#include "dokuei/app/ChangePasswordDialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace dokuei::app {

ChangePasswordDialog::ChangePasswordDialog(const QString& reason, QWidget* parent)
    : QDialog(parent), m_first(new QLineEdit(this)), m_second(new QLineEdit(this)),
      m_message(new QLabel(this))
{
    setObjectName(QStringLiteral("ChangePasswordDialog"));
    setWindowTitle(tr("Choose a new password"));
    m_first->setObjectName(QStringLiteral("newPassword"));
    m_second->setObjectName(QStringLiteral("confirmPassword"));
    for (QLineEdit* edit : {m_first, m_second}) {
        edit->setEchoMode(QLineEdit::Password);
        edit->setContextMenuPolicy(Qt::NoContextMenu);
        edit->setInputMethodHints(Qt::ImhHiddenText | Qt::ImhNoPredictiveText | Qt::ImhSensitiveData);
    }
    auto* intro = new QLabel(reason, this);
    intro->setWordWrap(true);
    m_message->setObjectName(QStringLiteral("message"));
    m_message->setWordWrap(true);
    m_message->setStyleSheet(QStringLiteral("color: #b00020;"));
    auto* form = new QFormLayout;
    form->addRow(tr("New password"), m_first);
    form->addRow(tr("New password again"), m_second);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    m_ok->setObjectName(QStringLiteral("ok"));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(m_message);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &ChangePasswordDialog::check);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

QString ChangePasswordDialog::newPassword() const
{
    return m_first->text();
}

void ChangePasswordDialog::showError(const QString& message)
{
    m_message->setText(message);
}

void ChangePasswordDialog::check()
{
    if (m_first->text().isEmpty()) {
        showError(tr("Enter a new password."));
        return;
    }
    if (m_first->text() != m_second->text()) {
        showError(tr("The two entries differ."));
        m_second->clear();
        return;
    }
    accept();
}

} // namespace dokuei::app
