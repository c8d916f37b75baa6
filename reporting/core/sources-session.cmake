# The report of the study being read (Step 5): drafts kept in the user's encrypted vault (autosaved, saved
# and wiped at lock and sign-out), the phrase library, the states with the completeness check.
list(APPEND DOKUEI_REPORTING_CORE_SOURCES
  include/dokuei/reporting/DraftStore.h
  src/DraftStore.cpp
  include/dokuei/reporting/ReportSession.h
  src/ReportSession.cpp
)
list(APPEND DOKUEI_REPORTING_CORE_PUBLIC_LIBS dokuei_security)
