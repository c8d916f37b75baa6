# The smart card (PKCS#11), card certificates and their verification, card presence.
# libp11 loads and initialises the module; SmartCard, CardPresenceMonitor and Pkcs11Module::tokens() use
# the module's own PKCS#11 function list (exact CKR codes, OAEP-SHA256 parameters, no PIN copies kept by a
# library, and no C_CloseAllSessions behind an open card's back). The PKCS#11 header is p11-kit's
# (headers only: nothing is linked from p11-kit).
list(APPEND DOKUEI_SECURITY_SOURCES
  src/CertificateInfo.cpp
  src/CertificateVerifier.cpp
  src/Pkcs11Session.cpp
  src/SmartCard.cpp
  include/dokuei/security/CardPresenceMonitor.h
  src/CardPresenceMonitor.cpp)
if(NOT TARGET dokuei_pkcs11_headers)
  pkg_check_modules(DOKUEI_P11KIT REQUIRED p11-kit-1)
  add_library(dokuei_pkcs11_headers INTERFACE IMPORTED GLOBAL)
  set_target_properties(dokuei_pkcs11_headers PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${DOKUEI_P11KIT_INCLUDE_DIRS}")
endif()
list(APPEND DOKUEI_SECURITY_PRIVATE_LIBS PkgConfig::P11 OpenSSL::Crypto dokuei_pkcs11_headers ${CMAKE_DL_LIBS})
