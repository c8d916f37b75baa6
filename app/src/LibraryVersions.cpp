#include "dokuei/app/LibraryVersions.h"

#include <QtGlobal>

#include <dcmtk/dcmdata/dcuid.h>
#include <openssl/crypto.h>
#include <vtkVersion.h>

namespace dokuei::app {

QString qtVersion()
{
    return QString::fromLatin1(qVersion());
}

QString vtkVersion()
{
    return QString::fromLatin1(vtkVersion::GetVTKVersion());
}

QString dcmtkVersion()
{
    return QString::fromLatin1(OFFIS_DCMTK_VERSION_STRING);
}

QString openSslVersion()
{
    return QString::fromLatin1(OpenSSL_version(OPENSSL_VERSION));
}

} // namespace dokuei::app
