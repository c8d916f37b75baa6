# The report's outputs (DICOM SR, PDF, Encapsulated PDF) checked with the real validators: dciodvfy
# (dicom3tools), dsrdump (dcmtk), pdftotext / pdffonts / pdfinfo (poppler-utils).
dokuei_add_gtest(dokuei_report_export_tests
  SOURCES
    ${CMAKE_CURRENT_SOURCE_DIR}/ExportTest.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/PriorReportTest.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/ReportFixture.cpp
  LIBS dokuei_reporting_core dokuei_common Qt6::Core Qt6::Gui DCMTK::dcmsr DCMTK::dcmdata
  LABELS unit)
