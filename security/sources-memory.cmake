# Secure memory, the wipe registry and the memory scanner (included by security/CMakeLists.txt).
list(APPEND DOKUEI_SECURITY_SOURCES
  src/SecureBuffer.cpp
  src/WipeRegistry.cpp
  src/MemoryScanner.cpp)

# Zeroing of freed heap memory: an OBJECT library linked into the executables and every test executable.
add_subdirectory(${CMAKE_CURRENT_SOURCE_DIR}/zeroing-free ${CMAKE_CURRENT_BINARY_DIR}/zeroing-free)
