# Report templates: the shipped templates load without a problem, each kind of broken template is refused
# with its file, line and field while good ones beside it load, the choice per study, hostile input; and
# `dokuei-admin template check` through the real binary.
dokuei_add_gtest(dokuei_template_tests
  SOURCES
    ${CMAKE_CURRENT_SOURCE_DIR}/TemplateTest.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/TemplateAdminCliTest.cpp
  LIBS dokuei_reporting_core dokuei_common Qt6::Core
  LABELS unit)
add_dependencies(dokuei_template_tests dokuei-admin)
