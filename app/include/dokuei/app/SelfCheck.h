#pragma once

#include <QCoreApplication>
#include <QList>
#include <QString>

namespace dokuei::app {

struct SelfCheckItem
{
    enum class Status
    {
        Ok,
        Warning,
        Failed,
    };
    QString name;
    QString detail;
    Status status = Status::Ok;
    bool required = true;
};

/// `dokuei --self-check`: what an administrator needs to know before a radiologist signs in on this
/// workstation — library versions, the OpenGL renderer, memory locking, core dumps, the smart card module.
class SelfCheck
{
    Q_DECLARE_TR_FUNCTIONS(dokuei::app::SelfCheck)

public:
    struct Inputs
    {
        /// Error text when the configuration could not be read (then the check fails), empty otherwise.
        QString configurationError;
        QString pkcs11Module;
        /// Whether a QGuiApplication with a display platform exists, so an OpenGL context can be tried.
        bool graphicsAvailable = false;
    };

    static QList<SelfCheckItem> run(const Inputs& inputs);
    /// True when no required item failed.
    static bool passed(const QList<SelfCheckItem>& items);
    /// Human-readable report, one line per item, and a closing verdict.
    static QString format(const QList<SelfCheckItem>& items);
};

} // namespace dokuei::app
