# Roles and rights, password policy and hashing, accounts with throttling and lockout.
list(APPEND DOKUEI_SECURITY_SOURCES
  src/Roles.cpp
  src/SecurityPolicy.cpp
  src/PasswordPolicy.cpp
  src/PasswordHasher.cpp
  src/AccountStore.cpp)
list(APPEND DOKUEI_SECURITY_PRIVATE_LIBS PkgConfig::ARGON2 PkgConfig::PWQUALITY)
