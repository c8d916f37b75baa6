# Session state machine, sign-in orchestration.
# QObject headers are listed so that AUTOMOC sees them (they live apart from their sources).
list(APPEND DOKUEI_SECURITY_SOURCES include/dokuei/security/Session.h src/Session.cpp)
if(DOKUEI_WITH_SIGNIN AND EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/include/dokuei/security/SmartCard.h
   AND EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/include/dokuei/security/AccountStore.h
   AND EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/include/dokuei/security/UserKeyring.h
   AND EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/src/SmartCard.cpp)
  list(APPEND DOKUEI_SECURITY_SOURCES src/SignInService.cpp)
endif()
