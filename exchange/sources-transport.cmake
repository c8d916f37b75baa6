# Transport area: DICOMweb over mutual TLS (TLS policy, card client key, QIDO-RS, STOW-RS, failures).
list(APPEND DOKUEI_EXCHANGE_SOURCES
  src/TlsPolicy.cpp
  src/CardClientKey.cpp
  src/DicomWebError.cpp
  src/DicomWebJson.cpp
  src/DicomWebClient.cpp
  src/TlsProbe.cpp
  include/dokuei/exchange/TlsPolicy.h
  include/dokuei/exchange/CardClientKey.h
  include/dokuei/exchange/DicomWebError.h
  include/dokuei/exchange/DicomWebJson.h
  include/dokuei/exchange/DicomWebClient.h
  include/dokuei/exchange/TlsProbe.h)
list(APPEND DOKUEI_EXCHANGE_PRIVATE_LIBS OpenSSL::SSL OpenSSL::Crypto)
