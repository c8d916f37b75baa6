# WADO-RS streaming: incremental multipart/related parser, series retrieval with resume, retry policy.
list(APPEND DOKUEI_EXCHANGE_SOURCES
  src/MultipartParser.cpp
  include/dokuei/exchange/MultipartParser.h
  src/RetryPolicy.cpp
  include/dokuei/exchange/RetryPolicy.h
  src/SeriesRetriever.cpp
  include/dokuei/exchange/SeriesRetriever.h)
