# Report templates: the JSON template files of resources/templates/ (format in its README, schema
# template.schema.json), parsed and validated with the line and JSON path of every problem, loaded from
# the shipped and the administrator's directories, and chosen per study.
list(APPEND DOKUEI_REPORTING_CORE_SOURCES
  include/dokuei/reporting/TemplateLibrary.h
  src/TemplateLibrary.cpp
  src/TemplateParser.cpp
  src/TemplateJsonIndex.h
  src/TemplateJsonIndex.cpp
)
