# The report session: drafts in a real SQLCipher user vault, states and the completeness check, the wipe
# (memory scanned) and the restore, hostile draft JSON.
dokuei_add_gtest(dokuei_report_session_tests
  SOURCES
    ${CMAKE_CURRENT_SOURCE_DIR}/ReportSessionTest.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/ReportDocumentTest.cpp
  LIBS dokuei_reporting_core dokuei_security dokuei_common Qt6::Core Qt6::Test
  LABELS unit)
