# Options and the one INTERFACE target that carries the language standard and warnings for our own code.
option(DOKUEI_WARNINGS_AS_ERRORS "Treat warnings in dokuei's own targets as errors" ON)
option(DOKUEI_BUILD_TESTS "Build the GoogleTest suites" ON)

if(NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
  set(CMAKE_BUILD_TYPE RelWithDebInfo CACHE STRING "Build type" FORCE)
endif()

add_library(dokuei_options INTERFACE)
target_compile_features(dokuei_options INTERFACE cxx_std_23)
target_compile_options(dokuei_options INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Woverloaded-virtual -Wformat=2 -Wimplicit-fallthrough
  $<$<BOOL:${DOKUEI_WARNINGS_AS_ERRORS}>:-Werror>
  -fstack-protector-strong -D_FORTIFY_SOURCE=2)
# No -fPIE: Qt 6 is built with reduced relocations and needs -fPIC (which its targets add); -fPIE would
# break signal/slot connections through function-pointer comparison.
target_compile_definitions(dokuei_options INTERFACE
  QT_NO_CAST_FROM_ASCII QT_NO_CAST_TO_ASCII QT_NO_URL_CAST_FROM_STRING QT_NO_FOREACH
  QT_DISABLE_DEPRECATED_BEFORE=0x060400)
target_link_options(dokuei_options INTERFACE -Wl,-z,relro -Wl,-z,now)

# Third-party headers are included as system headers so that their warnings do not fail our build.
function(dokuei_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC;PRIVATE" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_link_libraries(${name} PUBLIC ${ARG_PUBLIC} PRIVATE dokuei_options ${ARG_PRIVATE})
  target_include_directories(${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
  set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
endfunction()
