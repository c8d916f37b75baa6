#pragma once

#include <QString>

namespace dokuei {

/// dokuei's own version ("0.1.0").
QString dokueiVersion();

} // namespace dokuei
