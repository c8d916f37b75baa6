# The GUI-free mathematics of the reading tools (Step 4): window/level presets and the DICOM linear VOI
# function, orientation labels and view axes, measurements in patient geometry (length, angle, ROI, probe).
list(APPEND DOKUEI_VIEWER_CORE_SOURCES
  include/dokuei/viewer/core/WindowLevel.h
  src/WindowLevel.cpp
  include/dokuei/viewer/core/OrientationLabels.h
  src/OrientationLabels.cpp
  include/dokuei/viewer/core/Measurements.h
  src/Measurements.cpp
)
# Step 4: the four-corner annotations and the measurement list (GUI-free, unit tested).
list(APPEND DOKUEI_VIEWER_CORE_SOURCES
  include/dokuei/viewer/core/OverlayText.h
  src/OverlayText.cpp
  include/dokuei/viewer/core/MeasurementSet.h
  src/MeasurementSet.cpp
)
