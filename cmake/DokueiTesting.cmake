# dokuei_add_gtest(<target> SOURCES ... [LIBS ...] LABELS unit|integration|gui|slow [FIXTURES ...]
#                  [ENVIRONMENT K=V ...] [NO_MAIN] [TIMEOUT s])
# Builds a GoogleTest executable into build/tests and registers each TEST as its own CTest case.
# NO_MAIN: the sources provide main() (GUI suites create a QApplication first).
include(GoogleTest)
find_package(GTest REQUIRED)

function(dokuei_add_gtest target)
  cmake_parse_arguments(ARG "NO_MAIN" "TIMEOUT" "SOURCES;LIBS;LABELS;FIXTURES;ENVIRONMENT" ${ARGN})
  add_executable(${target} ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE dokuei_zeroing_free) # zeroes freed heap memory, as in the app
  if(ARG_NO_MAIN)
    target_link_libraries(${target} PRIVATE dokuei_options GTest::gtest GTest::gmock ${ARG_LIBS})
  else()
    target_link_libraries(${target} PRIVATE dokuei_options GTest::gtest GTest::gmock GTest::gtest_main ${ARG_LIBS})
  endif()
  set_target_properties(${target} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests)
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  set(props LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT})
  if(ARG_FIXTURES)
    list(APPEND props FIXTURES_REQUIRED "${ARG_FIXTURES}")
  endif()
  # gtest_discover_tests cannot carry a list-valued ENVIRONMENT property, so every test (and discovery)
  # runs through `env K=V ... <test>` instead.
  set_target_properties(${target} PROPERTIES CROSSCOMPILING_EMULATOR
    "/usr/bin/env;DOKUEI_SOURCE_DIR=${PROJECT_SOURCE_DIR};DOKUEI_BINARY_DIR=${PROJECT_BINARY_DIR};${ARG_ENVIRONMENT}")
  gtest_discover_tests(${target}
    DISCOVERY_MODE PRE_TEST
    DISCOVERY_TIMEOUT 60
    PROPERTIES ${props})
endfunction()

# The reading-centre stack the `reading_center` CTest fixture brings up for this build tree (a short path
# under /tmp, keyed by the build directory so that several build trees do not share one stack).
string(SHA256 _dokuei_rc_hash "${PROJECT_BINARY_DIR}")
string(SUBSTRING "${_dokuei_rc_hash}" 0 10 _dokuei_rc_hash)
set(DOKUEI_RC_CTEST_DIR "/tmp/dokuei-rc-ctest-${_dokuei_rc_hash}")
