# The reading without widgets (Step 5): what a view annotates a series with (SeriesContext), and the reading
# session (ReadingSession): the reading centre's studies, the study read, its series, which were opened, the
# series being loaded; wiped at lock.
list(APPEND DOKUEI_VIEWER_CORE_SOURCES
  include/dokuei/viewer/core/SeriesContext.h
  src/SeriesContext.cpp
  include/dokuei/viewer/core/IReadingAudit.h
  include/dokuei/viewer/core/ReadingSession.h
  src/ReadingSession.cpp
)
