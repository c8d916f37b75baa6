#include "dokuei/common/BuildInfo.h"

namespace dokuei {

QString dokueiVersion()
{
    return QStringLiteral(DOKUEI_VERSION_STRING);
}

} // namespace dokuei
