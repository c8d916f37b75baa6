# Session state machine, sign-in orchestration.
# QObject headers are listed so that AUTOMOC sees them (they live apart from their sources).
list(APPEND DOKUEI_SECURITY_SOURCES
  include/dokuei/security/Session.h
  src/Session.cpp
  src/SignInService.cpp)
