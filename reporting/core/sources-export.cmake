# The report's outputs (Step 5): the DICOM Enhanced SR after TID 2000 (DCMTK dcmsr), the PDF (cairo + pango:
# A4, Noto Sans CJK JP embedded, a text layer that gives back every character) and its Encapsulated PDF IOD.
# All in memory: patient data never goes to a plain file.
find_package(PkgConfig REQUIRED)
pkg_check_modules(DOKUEI_CAIRO REQUIRED IMPORTED_TARGET cairo cairo-pdf cairo-png)
pkg_check_modules(DOKUEI_PANGOCAIRO REQUIRED IMPORTED_TARGET pangocairo)
list(APPEND DOKUEI_REPORTING_CORE_SOURCES
  include/dokuei/reporting/SrIdentity.h
  include/dokuei/reporting/StructuredReport.h
  include/dokuei/reporting/ReportPdf.h
  src/ExportSupport.h
  src/ExportSupport.cpp
  src/StructuredReport.cpp
  src/ReportPdf.cpp
  src/EncapsulatedPdf.cpp
  include/dokuei/reporting/PriorReport.h
  src/PriorReport.cpp
)
list(APPEND DOKUEI_REPORTING_CORE_PRIVATE_LIBS
  DCMTK::dcmsr DCMTK::dcmdata PkgConfig::DOKUEI_PANGOCAIRO PkgConfig::DOKUEI_CAIRO)
