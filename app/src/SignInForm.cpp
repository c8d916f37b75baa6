#include "dokuei/app/SignInForm.h"

#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>

namespace dokuei::app {

SignInForm::SignInForm(QWidget* parent)
    : QWidget(parent), m_userId(new QLineEdit(this)), m_password(new QLineEdit(this)),
      m_pin(new QLineEdit(this)), m_cardStatus(new QLabel(this)), m_message(new QLabel(this)),
      m_submit(new QPushButton(tr("Sign in"), this)), m_holdTimer(new QTimer(this))
{
    m_userId->setObjectName(QStringLiteral("userId"));
    m_password->setObjectName(QStringLiteral("password"));
    m_pin->setObjectName(QStringLiteral("pin"));
    m_submit->setObjectName(QStringLiteral("submit"));
    m_message->setObjectName(QStringLiteral("message"));
    m_cardStatus->setObjectName(QStringLiteral("cardStatus"));

    m_password->setEchoMode(QLineEdit::Password);
    m_pin->setEchoMode(QLineEdit::Password);
    for (QLineEdit* secret : {m_password, m_pin}) {
        // No copy out of a secret field, no input-method candidates or history holding it.
        secret->setContextMenuPolicy(Qt::NoContextMenu);
        secret->setInputMethodHints(Qt::ImhHiddenText | Qt::ImhNoPredictiveText | Qt::ImhSensitiveData);
    }
    m_userId->setInputMethodHints(Qt::ImhNoPredictiveText | Qt::ImhPreferLatin);
    m_message->setWordWrap(true);
    m_submit->setDefault(true);

    auto* form = new QFormLayout;
    form->addRow(tr("User ID"), m_userId);
    form->addRow(tr("Password"), m_password);
    form->addRow(tr("Card PIN"), m_pin);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_cardStatus);
    layout->addWidget(m_message);
    layout->addWidget(m_submit);

    connect(m_submit, &QPushButton::clicked, this, [this] {
        if (m_submit->isEnabled()) {
            emit submitted();
        }
    });
    for (QLineEdit* edit : {m_userId, m_password, m_pin}) {
        connect(edit, &QLineEdit::returnPressed, m_submit, &QPushButton::click);
        connect(edit, &QLineEdit::textChanged, this, &SignInForm::updateSubmitEnabled);
    }
    m_holdTimer->setInterval(1000);
    connect(m_holdTimer, &QTimer::timeout, this, [this] {
        if (--m_holdRemaining <= 0) {
            m_holdTimer->stop();
            m_message->clear();
        } else {
            m_message->setText(tr("Too many failed attempts. Try again in %1 seconds.").arg(m_holdRemaining));
        }
        updateSubmitEnabled();
    });
    setCardStatus(tr("Checking the card reader..."), false);
    updateSubmitEnabled();
}

QString SignInForm::userId() const
{
    return m_userId->text().trimmed();
}

QString SignInForm::password() const
{
    return m_password->text();
}

QString SignInForm::pin() const
{
    return m_pin->text();
}

void SignInForm::setUserId(const QString& userId)
{
    m_userId->setText(userId);
    setUserIdEditable(false);
    m_password->setFocus();
}

void SignInForm::setUserIdEditable(bool editable)
{
    m_userId->setReadOnly(!editable);
    if (editable) {
        m_userId->setFocus();
    }
}

void SignInForm::setSubmitText(const QString& text)
{
    m_submit->setText(text);
}

void SignInForm::showError(const QString& message)
{
    m_message->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_message->setText(message);
    clearSecrets();
}

void SignInForm::showInfo(const QString& message)
{
    m_message->setStyleSheet({});
    m_message->setText(message);
}

void SignInForm::clearSecrets()
{
    m_password->clear();
    m_pin->clear();
    (m_userId->text().isEmpty() || !m_userId->isReadOnly() ? m_userId : m_password)->setFocus();
    if (!m_userId->text().isEmpty()) {
        m_password->setFocus();
    }
}

void SignInForm::holdFor(int seconds)
{
    m_holdRemaining = seconds;
    m_message->setText(tr("Too many failed attempts. Try again in %1 seconds.").arg(seconds));
    m_holdTimer->start();
    updateSubmitEnabled();
}

void SignInForm::setCardStatus(const QString& text, bool present)
{
    m_cardStatus->setText(text);
    m_cardStatus->setStyleSheet(present ? QStringLiteral("color: #1b5e20;")
                                        : QStringLiteral("color: #8a6d00;"));
}

void SignInForm::updateSubmitEnabled()
{
    m_submit->setEnabled(m_holdRemaining <= 0 && !m_userId->text().trimmed().isEmpty() &&
                         !m_password->text().isEmpty());
}

} // namespace dokuei::app
