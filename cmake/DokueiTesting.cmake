# dokuei_add_gtest(<target> SOURCES ... [LIBS ...] LABELS unit|integration|gui|slow [FIXTURES ...]
#                  [ENVIRONMENT K=V ...] [NO_MAIN] [TIMEOUT s] [SLOW gtest-pattern ...]
#                  [SERIAL Suite.Name ...])
# Builds a GoogleTest executable into build/tests and registers each TEST as its own CTest case.
# NO_MAIN: the sources provide main() (GUI suites create a QApplication first).
# Labels: unit | integration | gui say what a test needs; `slow` is added to the long ones (seconds each,
# full-size phantoms, the stack's daemons restarted, renders) so that `ctest -LE slow` is a quick pass.
# A whole suite is slow with `LABELS <kind> slow`; SLOW lists gtest filter patterns (Suite.Name, Suite.*)
# of a suite's tests that get `slow` on top of LABELS (the suite is then discovered twice, split by filter).
include(GoogleTest)
find_package(GTest REQUIRED)

function(dokuei_add_gtest target)
  cmake_parse_arguments(ARG "NO_MAIN" "TIMEOUT" "SOURCES;LIBS;LABELS;FIXTURES;ENVIRONMENT;SLOW;SERIAL" ${ARGN})
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
  set(props TIMEOUT ${ARG_TIMEOUT})
  if(ARG_FIXTURES)
    list(APPEND props FIXTURES_REQUIRED "${ARG_FIXTURES}")
  endif()
  # gtest_discover_tests cannot carry a list-valued ENVIRONMENT property, so every test (and discovery)
  # runs through `env K=V ... <test>` instead.
  set_target_properties(${target} PROPERTIES CROSSCOMPILING_EMULATOR
    "/usr/bin/env;DOKUEI_SOURCE_DIR=${PROJECT_SOURCE_DIR};DOKUEI_BINARY_DIR=${PROJECT_BINARY_DIR};${ARG_ENVIRONMENT}")
  # gtest_discover_tests flattens PROPERTIES, so a LABELS of two or more labels cannot go through it: a
  # CTest include file that runs after the discovery labels the tests it listed.
  set(label_file "${CMAKE_CURRENT_BINARY_DIR}/${target}_labels.cmake")
  set(label_script "foreach(t IN LISTS ${target}_TESTS)\n  set_tests_properties(\"\${t}\" PROPERTIES LABELS \"${ARG_LABELS}\")\nendforeach()\n")
  if(NOT ARG_SLOW)
    gtest_discover_tests(${target}
      DISCOVERY_MODE PRE_TEST
      DISCOVERY_TIMEOUT 60
      PROPERTIES ${props})
  else()
    list(JOIN ARG_SLOW ":" slow_filter)
    set(slow_labels ${ARG_LABELS})
    list(APPEND slow_labels slow)
    list(REMOVE_DUPLICATES slow_labels)
    gtest_discover_tests(${target}
      DISCOVERY_MODE PRE_TEST
      DISCOVERY_TIMEOUT 60
      TEST_FILTER "-${slow_filter}"
      PROPERTIES ${props})
    gtest_discover_tests(${target}
      DISCOVERY_MODE PRE_TEST
      DISCOVERY_TIMEOUT 60
      TEST_FILTER "${slow_filter}"
      TEST_LIST ${target}_SLOW_TESTS
      PROPERTIES ${props})
    string(APPEND label_script "foreach(t IN LISTS ${target}_SLOW_TESTS)\n  set_tests_properties(\"\${t}\" PROPERTIES LABELS \"${slow_labels}\")\nendforeach()\n")
  endif()
  # SERIAL: tests (Suite.Name) that must run alone, e.g. those that compare what the shared X display shows
  # with their own windows (another suite's window would be in the picture).
  foreach(serial IN LISTS ARG_SERIAL)
    string(APPEND label_script "foreach(t IN LISTS ${target}_TESTS ${target}_SLOW_TESTS)\n  if(\"\${t}\" STREQUAL \"${serial}\")\n    set_tests_properties(\"\${t}\" PROPERTIES RUN_SERIAL TRUE)\n  endif()\nendforeach()\n")
  endforeach()
  file(WRITE "${label_file}" "${label_script}")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${label_file}")
endfunction()

# The reading-centre stack the `reading_center` CTest fixture brings up for this build tree (a short path
# under /tmp, keyed by the build directory so that several build trees do not share one stack).
string(SHA256 _dokuei_rc_hash "${PROJECT_BINARY_DIR}")
string(SUBSTRING "${_dokuei_rc_hash}" 0 10 _dokuei_rc_hash)
set(DOKUEI_RC_CTEST_DIR "/tmp/dokuei-rc-ctest-${_dokuei_rc_hash}")
