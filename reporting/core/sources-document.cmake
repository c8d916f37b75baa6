# The report document: the data of one report (header, section texts, structured values, references to
# measurements and key images, state), its JSON form for drafts, and the plain text of the report.
list(APPEND DOKUEI_REPORTING_CORE_SOURCES
  include/dokuei/reporting/LocalizedText.h
  include/dokuei/reporting/ReportTemplate.h
  include/dokuei/reporting/ReportDocument.h
  src/ReportDocument.cpp
)
