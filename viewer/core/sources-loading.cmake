# Opening a series: WADO-RS retrieval (exchange) wired to the volume assembly, GUI-free (Step 3). Used by the
# reading window, the load benchmark and the loading tests alike.
list(APPEND DOKUEI_VIEWER_CORE_SOURCES
  include/dokuei/viewer/core/SeriesLoader.h
  src/SeriesLoader.cpp
)
list(APPEND DOKUEI_VIEWER_CORE_PUBLIC_LIBS dokuei_exchange)
