# The encrypted vault, the key hierarchy, backups and the tamper-evident audit trail.
list(APPEND DOKUEI_SECURITY_SOURCES
  src/SecretKey.cpp
  src/KeyDerivation.cpp
  src/WorkstationKey.cpp
  src/Vault.cpp
  src/SystemVault.cpp
  src/ClockStatus.cpp
  src/AuditRecord.cpp
  src/AuditTrail.cpp
  src/AesGcm.cpp
  src/UserKeyring.cpp
  src/VaultBackup.cpp)
list(APPEND DOKUEI_SECURITY_PRIVATE_LIBS PkgConfig::SQLCIPHER PkgConfig::ARGON2 OpenSSL::Crypto)
