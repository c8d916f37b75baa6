# Decoding from memory, series geometry, volume assembly (Step 3).
list(APPEND DOKUEI_VIEWER_CORE_SOURCES
  include/dokuei/viewer/core/InstanceInfo.h
  include/dokuei/viewer/core/InstanceDecoder.h
  src/InstanceDecoder.cpp
  include/dokuei/viewer/core/SeriesGeometry.h
  src/SeriesGeometry.cpp
  include/dokuei/viewer/core/Volume.h
  src/Volume.cpp
)
# zlib: deflated data sets are inflated by InstanceDecoder itself, bounded by the DecodeLimits.
find_package(ZLIB REQUIRED)
list(APPEND DOKUEI_VIEWER_CORE_PRIVATE_LIBS
  DCMTK::dcmdata DCMTK::dcmjpeg DCMTK::dcmjpls DCMTK::dcmimgle PkgConfig::OPENJPEG ZLIB::ZLIB)
# CharLS 2 is dlopen()ed privately (see InstanceDecoder.cpp): linking it clashes with DCMTK's bundled CharLS.
list(APPEND DOKUEI_VIEWER_CORE_SOURCES
  include/dokuei/viewer/core/VolumeAssembler.h
  src/VolumeAssembler.cpp
)
