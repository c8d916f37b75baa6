#include "dokuei/app/SelfCheck.h"

#include "dokuei/app/LibraryVersions.h"
#include "dokuei/common/BuildInfo.h"
#include "dokuei/security/Pkcs11Module.h"
#include "dokuei/security/ProcessHardening.h"

#include <algorithm>

#include <QLocale>
#include <QOffscreenSurface>
#include <QOpenGLContext>
#include <QOpenGLFunctions>

namespace dokuei::app {
namespace {

QString formatBytes(std::uint64_t bytes)
{
    return QLocale::c().formattedDataSize(static_cast<qint64>(bytes), 1, QLocale::DataSizeTraditionalFormat);
}

SelfCheckItem openGlItem(bool graphicsAvailable)
{
    SelfCheckItem item{SelfCheck::tr("OpenGL"), {}, SelfCheckItem::Status::Failed, true};
    if (!graphicsAvailable) {
        item.detail = SelfCheck::tr("no display: start dokuei in a graphical session (or under Xvfb)");
        return item;
    }
    QOffscreenSurface surface;
    surface.setFormat(QSurfaceFormat::defaultFormat());
    surface.create();
    QOpenGLContext context;
    context.setFormat(QSurfaceFormat::defaultFormat());
    if (!context.create() || !context.makeCurrent(&surface)) {
        item.detail = SelfCheck::tr("cannot create an OpenGL 3.2 core profile context");
        return item;
    }
    auto* gl = context.functions();
    const QString renderer = QString::fromLatin1(reinterpret_cast<const char*>(gl->glGetString(GL_RENDERER)));
    const QString version = QString::fromLatin1(reinterpret_cast<const char*>(gl->glGetString(GL_VERSION)));
    const QSurfaceFormat got = context.format();
    context.doneCurrent();
    item.detail = SelfCheck::tr("%1, OpenGL %2").arg(renderer, version);
    if (got.version() < qMakePair(3, 2)) {
        item.detail += SelfCheck::tr(" (VTK needs OpenGL 3.2 or later)");
        return item;
    }
    item.status = SelfCheckItem::Status::Ok;
    return item;
}

SelfCheckItem memoryLockItem()
{
    const auto limits = security::ProcessHardening::memoryLockLimits();
    SelfCheckItem item{SelfCheck::tr("Memory locking"), {}, SelfCheckItem::Status::Ok, false};
    const QString soft =
        limits.softLimitBytes ? formatBytes(*limits.softLimitBytes) : SelfCheck::tr("unlimited");
    if (!limits.lockingWorks) {
        item.status = SelfCheckItem::Status::Warning;
        item.detail = SelfCheck::tr("not permitted (RLIMIT_MEMLOCK %1): image memory could be swapped out; "
                                    "raise the limit in /etc/security/limits.conf")
                          .arg(soft);
        return item;
    }
    item.detail = SelfCheck::tr("permitted, RLIMIT_MEMLOCK %1").arg(soft);
    if (limits.softLimitBytes && *limits.softLimitBytes < 1024ULL * 1024 * 1024) {
        item.status = SelfCheckItem::Status::Warning;
        item.detail += SelfCheck::tr(" (below 1 GiB: large series will not be locked in full)");
    }
    return item;
}

SelfCheckItem pkcs11Item(const QString& modulePath)
{
    SelfCheckItem item{SelfCheck::tr("PKCS#11 module"), {}, SelfCheckItem::Status::Failed, true};
    auto module = security::Pkcs11Module::load(modulePath);
    if (!module) {
        item.detail = module.error().message;
        return item;
    }
    auto tokens = (*module)->tokens();
    const QString description =
        QStringLiteral("%1 (%2 %3)").arg(modulePath, (*module)->manufacturer(), (*module)->description());
    if (!tokens) {
        item.detail = description + QStringLiteral(": ") + tokens.error().message;
        return item;
    }
    item.status = SelfCheckItem::Status::Ok;
    item.detail = SelfCheck::tr("%1 loads, %n card(s) present", nullptr, static_cast<int>(tokens->size()))
                      .arg(description);
    return item;
}

} // namespace

QList<SelfCheckItem> SelfCheck::run(const Inputs& inputs)
{
    QList<SelfCheckItem> items;
    items << SelfCheckItem{tr("dokuei"), dokueiVersion(), SelfCheckItem::Status::Ok, true};
    items << SelfCheckItem{tr("Qt"), qtVersion(), SelfCheckItem::Status::Ok, true};
    items << SelfCheckItem{tr("VTK"), vtkVersion(), SelfCheckItem::Status::Ok, true};
    items << SelfCheckItem{tr("DCMTK"), dcmtkVersion(), SelfCheckItem::Status::Ok, true};
    items << SelfCheckItem{tr("OpenSSL"), openSslVersion(), SelfCheckItem::Status::Ok, true};
    if (!inputs.configurationError.isEmpty()) {
        items << SelfCheckItem{tr("Configuration"), inputs.configurationError, SelfCheckItem::Status::Failed,
                               true};
    }
    items << openGlItem(inputs.graphicsAvailable);
    items << memoryLockItem();
    const bool disabled = security::ProcessHardening::coreDumpsDisabled();
    items << SelfCheckItem{tr("Core dumps"),
                           disabled ? tr("disabled (not dumpable, RLIMIT_CORE 0)")
                                    : tr("ENABLED: a crash could write patient data to disk"),
                           disabled ? SelfCheckItem::Status::Ok : SelfCheckItem::Status::Failed, true};
    items << pkcs11Item(inputs.pkcs11Module);
    return items;
}

bool SelfCheck::passed(const QList<SelfCheckItem>& items)
{
    return std::ranges::none_of(items, [](const SelfCheckItem& item) {
        return item.required && item.status == SelfCheckItem::Status::Failed;
    });
}

QString SelfCheck::format(const QList<SelfCheckItem>& items)
{
    QString text;
    int width = 0;
    for (const auto& item : items) {
        width = std::max(width, static_cast<int>(item.name.size()));
    }
    int failed = 0;
    for (const auto& item : items) {
        QString mark = QStringLiteral("ok  ");
        if (item.status == SelfCheckItem::Status::Warning) {
            mark = QStringLiteral("warn");
        } else if (item.status == SelfCheckItem::Status::Failed) {
            mark = item.required ? QStringLiteral("FAIL") : QStringLiteral("warn");
            failed += item.required ? 1 : 0;
        }
        text += QStringLiteral("[%1] %2  %3\n").arg(mark, item.name.leftJustified(width), item.detail);
    }
    text += failed == 0
                ? tr("self-check passed") + QLatin1Char('\n')
                : tr("self-check FAILED: %n required item(s) failed", nullptr, failed) + QLatin1Char('\n');
    return text;
}

} // namespace dokuei::app
