#pragma once

// The report as a PDF (Step 5) and as a DICOM Encapsulated PDF. Made in memory only.
//
// The PDF is drawn with cairo + pango (not QPdfWriter: Qt 6.4 maps some CJK glyphs to the wrong code
// point in the text layer, 角 -> U+2F93, and loses characters outside the BMP). Pango hands cairo the text
// of every glyph cluster, so the text layer (ToUnicode) gives back what was written, 𠮷 included.
//
// Page: A4 portrait, 595.276 x 841.890 pt; coordinates below in PDF points from the page's TOP-LEFT corner
// (pdftotext's -x/-y/-W/-H at its default 72 dpi use the same numbers).
//   header band  y 24..76   every page: the state (下書き DRAFT / 仮報告 PRELIMINARY / 確定 FINAL) left,
//                           patient name and ID right; a rule under it
//   body frame   x 42..553, y 84..768 (kBody*): reportTextBlocks(report, tmpl) in order, nothing else —
//                           title, header lines, sections, impression, recommendation, measurements, key
//                           images (each drawn as seen, its caption under it), reader and date
//   footer band  y 776..820 every page: "page / pages" centred
//   signature    x 298..553, y 668..768 on the LAST page (kSignature*): an empty box (dashed outline, no
//                           text) reserved for Step 6's visible signature; the body never runs into it
// Draft and preliminary reports carry a diagonal watermark drawn as outlines (a path, not text), so the
// text layer holds the report's text only.
//
// Text comparison (tests/unit/reporting/ExportTest.cpp): `pdftotext -x 42 -y 84 -W 511 -H 684` of every
// page, and reportPlainText(report, tmpl), each through normalizedReportText(), are equal. The header and
// footer bands are outside the body frame, so state and page numbers are not part of the comparison.

#include "dokuei/common/Error.h"
#include "dokuei/reporting/ReportDocument.h"
#include "dokuei/reporting/ReportTemplate.h"
#include "dokuei/reporting/SrIdentity.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>

namespace dokuei::reporting {

inline constexpr double kPdfPageWidth = 595.276; ///< A4, points
inline constexpr double kPdfPageHeight = 841.890;
inline constexpr double kPdfBodyLeft = 42.0;
inline constexpr double kPdfBodyTop = 84.0;
inline constexpr double kPdfBodyWidth = 511.0;
inline constexpr double kPdfBodyHeight = 684.0;
inline constexpr double kPdfSignatureLeft = 298.0; ///< last page: Step 6's visible signature goes here
inline constexpr double kPdfSignatureTop = 668.0;
inline constexpr double kPdfSignatureWidth = 255.0;
inline constexpr double kPdfSignatureHeight = 100.0;

struct PdfOptions
{
    /// The family for all text (fontconfig name); the PDF is refused when fontconfig does not have it, so a
    /// fallback font never replaces it silently.
    QString fontFamily = QStringLiteral("Noto Sans CJK JP");
    /// Width of a key image on the page (points; about 85 mm). Height follows the image (at most 300 pt).
    double keyImageWidth = 240.0;
    /// The DRAFT / PRELIMINARY watermark (outlines; never on a final report).
    bool watermark = true;
    /// The PDF's CreationDate; now when invalid.
    QDateTime creationTime;
};

/// The PDF of `report`. DependencyMissing when the font family is not installed (package fonts-noto-cjk);
/// IoFailure when cairo fails. Hostile text is cleaned (control characters dropped, unpaired surrogates as
/// U+FFFD); a key image whose PNG cannot be read is drawn as a crossed box.
Expected<QByteArray> renderReportPdf(const ReportDocument& report, const ReportTemplate& tmpl,
                                     const PdfOptions& options = {});

/// The text comparison's normal form: Unicode NFC; line breaks, tabs and other white space runs become one
/// space; a space next to a CJK, kana or full-width character is dropped (a line wrapped inside Japanese
/// text comes back from the PDF as a line break where the text had none); trimmed.
QString normalizedReportText(const QString& text);

/// `pdf` as a DICOM Encapsulated PDF (SOP class 1.2.840.10008.5.1.4.1.1.104.1), Part-10 in memory: Specific
/// Character Set ISO_IR 192; Patient and General Study modules from report.header; the identity's own
/// series (Modality DOC) and instance; Manufacturer "dokuei", Conversion Type WSD; Document Title and
/// Concept Name Code Sequence from `tmpl` (its title in the report's language, its documentTitle);
/// Burned In Annotation YES; MIME Type application/pdf; the document padded to even length.
Expected<QByteArray> makeEncapsulatedPdf(const QByteArray& pdf, const ReportDocument& report,
                                         const ReportTemplate& tmpl, const SrIdentity& identity);
/// The same with a generic title ("読影レポート" / "Imaging report", 18748-4 LN).
Expected<QByteArray> makeEncapsulatedPdf(const QByteArray& pdf, const ReportDocument& report,
                                         const SrIdentity& identity);

} // namespace dokuei::reporting
