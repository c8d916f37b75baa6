#pragma once

// A realistic Japanese chest CT report for the export tests and the report benchmark (phantom data only):
// a template built in code (the loader of resources/templates is not needed), two measurements, key
// images with PNGs rendered here.

#include "dokuei/reporting/ReportDocument.h"
#include "dokuei/reporting/ReportTemplate.h"

#include <QByteArray>

namespace dokuei::reporting::fixture {

/// 胸部CT: lungs (nodule type choice, nodule size number, measurement reference), mediastinum, pleura,
/// bones; ja/en; SR concepts for every section and field.
ReportTemplate chestTemplate();

/// A PNG of `size` x `size` pixels looking like a windowed CT slice with an annotation; `seed` varies it.
QByteArray keyImagePng(int size, int seed);

/// The report: phantom patient 山田^太郎, all sections written (角 骨 高 直 𠮷, kana, Latin), two
/// measurements (a length on a single-frame CT image, an ROI mean on frame 52 of an enhanced CT), `keyImages`
/// key images with PNGs of `pngSize` pixels, state preliminary.
ReportDocument chestReport(int keyImages = 10, int pngSize = 64);

} // namespace dokuei::reporting::fixture
