# Roles and rights, password policy and hashing, accounts with throttling and lockout.
list(APPEND DOKUEI_SECURITY_SOURCES
  src/Roles.cpp
  src/SecurityPolicy.cpp
  src/PasswordPolicy.cpp)
list(APPEND DOKUEI_SECURITY_PRIVATE_LIBS PkgConfig::PWQUALITY)
