#pragma once

#include "dokuei/common/Error.h"
#include "dokuei/common/WorkstationPaths.h"

#include <QString>
#include <QUrl>

namespace dokuei {

/// The settings dokuei runs with, read from two INI files:
/// 1. the administrator's system file (`/etc/dokuei/dokuei.conf`), whose values are defaults and whose
///    `[policy]` group (and `[smart_card]` keys it sets) cannot be overridden by users;
/// 2. the user's file (`<configDir>/dokuei.conf`), which may override everything outside `[policy]`.
/// Keys (group/key):
///   reading_centre/url       https URL of the reading centre's DICOMweb root
///   reading_centre/ca_file   PEM file with the CA(s) that issue the reading centre's server certificate
///   reading_centre/crl_file  PEM CRL of that CA (optional)
///   pkcs11/module            absolute path of the smart card's PKCS#11 module
///   smart_card/trust_anchors PEM file with the CA(s) that issue physicians' card certificates (HPKI)
///   smart_card/crl_file      PEM CRL(s) of those CAs (required when trust_anchors is set)
///   ui/language              "ja", "en" or empty for the system locale
///   reporting/template_dir   absolute path of the administrator's report templates (read from the system
///                            file only; default `<systemDir>/templates`; it need not exist)
///   reporting/organisation   the reading centre's name as reports give it (system file only; optional)
/// Passwords and PINs are never part of the configuration.
struct Configuration
{
    QUrl readingCentreUrl;
    QString readingCentreCaFile;
    QString readingCentreCrlFile;
    QString pkcs11Module;
    QString cardTrustAnchorFile;
    QString cardCrlFile;
    QString language;
    /// The administrator's report template directory, loaded after the shipped templates.
    QString templateDirectory;
    /// The reading centre's name in reports (observer organisation); empty when not configured.
    QString reportingOrganisation;

    /// Reads and validates both files (missing files are fine: defaults apply). Fails naming the file and
    /// key of the first invalid value.
    static Expected<Configuration> load(const WorkstationPaths& paths);
};

} // namespace dokuei
