#pragma once

#include <QString>

class QCoreApplication;

namespace dokuei::app {

/// Resolves the UI language: `requested` ("ja", "en") when set, otherwise the system locale (Japanese
/// locales give "ja", everything else "en").
QString resolveLanguage(const QString& requested);

/// Installs dokuei's and Qt's own translators for `language` on `app` (children of `app`). English is the
/// source language and needs no catalogue. Returns false when the Japanese catalogue cannot be loaded.
bool installTranslations(QCoreApplication& app, const QString& language);

} // namespace dokuei::app
