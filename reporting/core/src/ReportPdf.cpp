#include "dokuei/reporting/ReportPdf.h"

#include "ExportSupport.h"

#include <algorithm>
#include <cairo-pdf.h>
#include <cairo.h>
#include <memory>
#include <pango/pangocairo.h>
#include <vector>

namespace dokuei::reporting {

using namespace exportsupport;

namespace {

struct CairoDestroy
{
    void operator()(cairo_t* cr) const { cairo_destroy(cr); }
    void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct GObjectUnref
{
    void operator()(gpointer p) const { g_object_unref(p); }
};
struct FontDescriptionFree
{
    void operator()(PangoFontDescription* d) const { pango_font_description_free(d); }
};
using CairoPtr = std::unique_ptr<cairo_t, CairoDestroy>;
using SurfacePtr = std::unique_ptr<cairo_surface_t, CairoDestroy>;
using LayoutPtr = std::unique_ptr<PangoLayout, GObjectUnref>;
using ContextPtr = std::unique_ptr<PangoContext, GObjectUnref>;
using FontPtr = std::unique_ptr<PangoFont, GObjectUnref>;
using FontDescriptionPtr = std::unique_ptr<PangoFontDescription, FontDescriptionFree>;

constexpr double kBodyBottom = kPdfBodyTop + kPdfBodyHeight;
constexpr double kMaxKeyImageHeight = 300.0;
/// A PNG larger than this (pixels) is not a key image as seen on a screen: drawn as a crossed box.
constexpr quint64 kMaxKeyImagePixels = 4096ull * 4096ull;

cairo_status_t appendToByteArray(void* closure, const unsigned char* data, unsigned int length)
{
    static_cast<QByteArray*>(closure)->append(reinterpret_cast<const char*>(data),
                                              static_cast<qsizetype>(length));
    return CAIRO_STATUS_SUCCESS;
}

struct PngSource
{
    const QByteArray* bytes;
    qsizetype offset = 0;
};

cairo_status_t readFromByteArray(void* closure, unsigned char* data, unsigned int length)
{
    auto* source = static_cast<PngSource*>(closure);
    if (source->bytes->size() - source->offset < static_cast<qsizetype>(length)) {
        return CAIRO_STATUS_READ_ERROR;
    }
    std::copy_n(source->bytes->constData() + source->offset, length, reinterpret_cast<char*>(data));
    source->offset += length;
    return CAIRO_STATUS_SUCCESS;
}

quint32 bigEndian32(const QByteArray& b, qsizetype at)
{
    return (quint32(quint8(b[at])) << 24) | (quint32(quint8(b[at + 1])) << 16) |
           (quint32(quint8(b[at + 2])) << 8) | quint32(quint8(b[at + 3]));
}

/// The key image's PNG as a cairo surface; null when it is not a readable PNG of a sensible size.
SurfacePtr decodePng(const QByteArray& png)
{
    static const QByteArray signature("\x89PNG\r\n\x1a\n", 8);
    if (png.size() < 33 || !png.startsWith(signature) || png.mid(12, 4) != "IHDR") {
        return nullptr;
    }
    const quint64 w = bigEndian32(png, 16);
    const quint64 h = bigEndian32(png, 20);
    if (w == 0 || h == 0 || w * h > kMaxKeyImagePixels) {
        return nullptr;
    }
    PngSource source{&png};
    SurfacePtr surface(cairo_image_surface_create_from_png_stream(readFromByteArray, &source));
    if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
        return nullptr;
    }
    return surface;
}

bool isWide(char32_t c)
{
    return (c >= 0x2E80 && c <= 0xA4CF) || (c >= 0xAC00 && c <= 0xD7AF) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFFEF) || c >= 0x20000;
}

QString stateLabel(ReportState state)
{
    switch (state) {
    case ReportState::Draft:
        return QStringLiteral("下書き DRAFT");
    case ReportState::Preliminary:
        return QStringLiteral("仮報告 PRELIMINARY");
    case ReportState::Final:
        return QStringLiteral("確定 FINAL");
    }
    return {};
}

struct LineOp
{
    PangoLayoutLine* line; ///< owned by a layout of Renderer::layouts_
    double x;
    double baseline;
    double red, green, blue;
};
struct ImageOp
{
    cairo_surface_t* surface; ///< owned by Renderer::images_; null: draw a crossed box
    double x, y, w, h;
};
struct Page
{
    std::vector<LineOp> lines;
    std::vector<ImageOp> images;
};

class Renderer
{
public:
    Renderer(cairo_t* cr, const PdfOptions& options, const QString& language)
        : cr_(cr), options_(options), context_(pango_cairo_create_context(cr))
    {
        pango_context_set_language(context_.get(), pango_language_from_string(language.toUtf8().constData()));
        cairo_font_options_t* fontOptions = cairo_font_options_create();
        cairo_font_options_set_hint_metrics(fontOptions, CAIRO_HINT_METRICS_OFF);
        cairo_font_options_set_hint_style(fontOptions, CAIRO_HINT_STYLE_NONE);
        pango_cairo_context_set_font_options(context_.get(), fontOptions);
        cairo_font_options_destroy(fontOptions);
    }

    /// The family fontconfig gives for the requested one (empty when none).
    QString resolvedFamily()
    {
        auto desc = font(10, false);
        FontPtr loaded(pango_context_load_font(context_.get(), desc.get()));
        if (!loaded) {
            return {};
        }
        FontDescriptionPtr got(pango_font_describe(loaded.get()));
        const char* family = pango_font_description_get_family(got.get());
        return family != nullptr ? QString::fromUtf8(family) : QString();
    }

    FontDescriptionPtr font(double size, bool bold)
    {
        FontDescriptionPtr desc(pango_font_description_new());
        pango_font_description_set_family(desc.get(), options_.fontFamily.toUtf8().constData());
        pango_font_description_set_absolute_size(desc.get(), size * PANGO_SCALE);
        pango_font_description_set_weight(desc.get(), bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
        return desc;
    }

    /// A layout of `text` (cleaned), `width` points wide (0: no wrapping), kept until the end.
    PangoLayout* layout(const QString& text, double size, bool bold, double width)
    {
        LayoutPtr layout(pango_layout_new(context_.get()));
        auto desc = font(size, bold);
        pango_layout_set_font_description(layout.get(), desc.get());
        if (width > 0) {
            pango_layout_set_width(layout.get(), static_cast<int>(width * PANGO_SCALE));
            pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
        }
        PangoAttrList* attributes = pango_attr_list_new();
        pango_attr_list_insert(attributes, pango_attr_insert_hyphens_new(FALSE));
        pango_layout_set_attributes(layout.get(), attributes);
        pango_attr_list_unref(attributes);
        const QByteArray utf8 = cleanText(text).toUtf8();
        pango_layout_set_text(layout.get(), utf8.constData(), static_cast<int>(utf8.size()));
        layouts_.push_back(std::move(layout));
        return layouts_.back().get();
    }

    void newPage()
    {
        pages_.emplace_back();
        y_ = kPdfBodyTop;
    }

    /// Places the lines of a paragraph in the body, on as many pages as it needs.
    void flow(const QString& text, double size, bool bold, double spaceBefore, double indent = 0,
              double red = 0, double green = 0, double blue = 0)
    {
        if (pages_.empty()) {
            newPage();
        }
        if (y_ > kPdfBodyTop) {
            y_ += spaceBefore;
        }
        PangoLayout* l = layout(text, size, bold, kPdfBodyWidth - indent);
        PangoLayoutIter* it = pango_layout_get_iter(l);
        do {
            PangoRectangle logical;
            pango_layout_iter_get_line_extents(it, nullptr, &logical);
            const double h = double(logical.height) / PANGO_SCALE;
            const double baselineOffset =
                double(pango_layout_iter_get_baseline(it) - logical.y) / PANGO_SCALE;
            if (y_ + h > kBodyBottom && y_ > kPdfBodyTop) {
                newPage();
            }
            pages_.back().lines.push_back(LineOp{pango_layout_iter_get_line_readonly(it),
                                                 kPdfBodyLeft + indent, y_ + baselineOffset, red, green,
                                                 blue});
            y_ += h;
        } while (pango_layout_iter_next_line(it));
        pango_layout_iter_free(it);
    }

    void image(const QByteArray& png)
    {
        if (pages_.empty()) {
            newPage();
        }
        auto surface = decodePng(png);
        double w = std::min(options_.keyImageWidth, kPdfBodyWidth);
        double h = w * 0.75;
        if (surface) {
            const double iw = cairo_image_surface_get_width(surface.get());
            const double ih = cairo_image_surface_get_height(surface.get());
            h = w * ih / iw;
            if (h > kMaxKeyImageHeight) {
                h = kMaxKeyImageHeight;
                w = h * iw / ih;
            }
        }
        const double space = 10;
        // The image and its caption's first line on one page.
        if (y_ > kPdfBodyTop && y_ + space + h + 16 > kBodyBottom) {
            newPage();
        }
        if (y_ > kPdfBodyTop) {
            y_ += space;
        }
        pages_.back().images.push_back(ImageOp{surface.get(), kPdfBodyLeft, y_, w, h});
        if (surface) {
            images_.push_back(std::move(surface));
        }
        y_ += h + 2;
    }

    /// The signature box needs the last page's bottom.
    void reserveSignature()
    {
        if (pages_.empty() || y_ + 8 > kPdfSignatureTop) {
            newPage();
        }
    }

    void draw(const ReportDocument& report, const QString& runningHeader)
    {
        const int count = static_cast<int>(pages_.size());
        for (int i = 0; i < count; ++i) {
            if (options_.watermark && report.state != ReportState::Final) {
                watermark(report.state == ReportState::Draft ? QStringLiteral("DRAFT")
                                                             : QStringLiteral("PRELIMINARY"));
            }
            header(report.state, runningHeader);
            footer(i + 1, count);
            const auto& page = pages_[size_t(i)];
            for (const auto& op : page.images) {
                drawImage(op);
            }
            for (const auto& op : page.lines) {
                cairo_set_source_rgb(cr_, op.red, op.green, op.blue);
                cairo_move_to(cr_, op.x, op.baseline);
                pango_cairo_show_layout_line(cr_, op.line);
            }
            if (i == count - 1) {
                signatureBox();
            }
            cairo_show_page(cr_);
        }
    }

private:
    void watermark(const QString& text)
    {
        PangoLayout* l = layout(text, 96, true, 0);
        PangoRectangle ink;
        pango_layout_get_pixel_extents(l, nullptr, &ink);
        cairo_save(cr_);
        cairo_translate(cr_, kPdfPageWidth / 2, kPdfPageHeight / 2);
        cairo_rotate(cr_, -0.9);
        const double scale = std::min(1.0, 700.0 / std::max(1, ink.width));
        cairo_scale(cr_, scale, scale);
        cairo_move_to(cr_, -ink.width / 2.0, -ink.height / 2.0);
        pango_cairo_layout_path(cr_, l); // outlines: not text, so not in the text layer
        cairo_set_source_rgba(cr_, 0.75, 0.1, 0.1, 0.10);
        cairo_fill(cr_);
        cairo_restore(cr_);
    }

    void header(ReportState state, const QString& runningHeader)
    {
        PangoLayout* left = layout(stateLabel(state), 11, true, 0);
        if (state == ReportState::Final) {
            cairo_set_source_rgb(cr_, 0.1, 0.1, 0.1);
        } else {
            cairo_set_source_rgb(cr_, 0.7, 0.1, 0.1);
        }
        cairo_move_to(cr_, kPdfBodyLeft, 36);
        pango_cairo_show_layout(cr_, left);
        PangoLayout* right = layout(runningHeader, 9, false, 0);
        pango_layout_set_ellipsize(right, PANGO_ELLIPSIZE_END);
        pango_layout_set_width(right, int(300 * PANGO_SCALE));
        pango_layout_set_alignment(right, PANGO_ALIGN_RIGHT);
        cairo_set_source_rgb(cr_, 0.1, 0.1, 0.1);
        cairo_move_to(cr_, kPdfBodyLeft + kPdfBodyWidth - 300, 38);
        pango_cairo_show_layout(cr_, right);
        cairo_set_line_width(cr_, 0.6);
        cairo_move_to(cr_, kPdfBodyLeft, 72);
        cairo_line_to(cr_, kPdfBodyLeft + kPdfBodyWidth, 72);
        cairo_stroke(cr_);
    }

    void footer(int page, int pages)
    {
        PangoLayout* l = layout(QStringLiteral("%1 / %2").arg(page).arg(pages), 9, false, kPdfBodyWidth);
        pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
        cairo_set_source_rgb(cr_, 0.2, 0.2, 0.2);
        cairo_move_to(cr_, kPdfBodyLeft, 790);
        pango_cairo_show_layout(cr_, l);
    }

    void drawImage(const ImageOp& op)
    {
        cairo_save(cr_);
        if (op.surface != nullptr) {
            cairo_translate(cr_, op.x, op.y);
            cairo_scale(cr_, op.w / cairo_image_surface_get_width(op.surface),
                        op.h / cairo_image_surface_get_height(op.surface));
            cairo_set_source_surface(cr_, op.surface, 0, 0);
            cairo_pattern_set_filter(cairo_get_source(cr_), CAIRO_FILTER_GOOD);
            cairo_paint(cr_);
            cairo_restore(cr_);
            cairo_save(cr_);
            cairo_set_source_rgb(cr_, 0.3, 0.3, 0.3);
            cairo_set_line_width(cr_, 0.5);
            cairo_rectangle(cr_, op.x, op.y, op.w, op.h);
            cairo_stroke(cr_);
        } else {
            cairo_set_source_rgb(cr_, 0.5, 0.5, 0.5);
            cairo_set_line_width(cr_, 0.8);
            cairo_rectangle(cr_, op.x, op.y, op.w, op.h);
            cairo_move_to(cr_, op.x, op.y);
            cairo_line_to(cr_, op.x + op.w, op.y + op.h);
            cairo_move_to(cr_, op.x + op.w, op.y);
            cairo_line_to(cr_, op.x, op.y + op.h);
            cairo_stroke(cr_);
        }
        cairo_restore(cr_);
    }

    void signatureBox()
    {
        cairo_save(cr_);
        const double dash[] = {4.0, 3.0};
        cairo_set_dash(cr_, dash, 2, 0);
        cairo_set_line_width(cr_, 0.6);
        cairo_set_source_rgb(cr_, 0.6, 0.6, 0.6);
        cairo_rectangle(cr_, kPdfSignatureLeft, kPdfSignatureTop, kPdfSignatureWidth, kPdfSignatureHeight);
        cairo_stroke(cr_);
        cairo_restore(cr_);
    }

    cairo_t* cr_;
    const PdfOptions& options_;
    ContextPtr context_;
    std::vector<LayoutPtr> layouts_;
    std::vector<SurfacePtr> images_;
    std::vector<Page> pages_;
    double y_ = kPdfBodyTop;
};

QString pdfDate(const QDateTime& when)
{
    const QDateTime local = when.toLocalTime();
    return local.toOffsetFromUtc(local.offsetFromUtc()).toString(Qt::ISODate);
}

} // namespace

QString normalizedReportText(const QString& text)
{
    const QString nfc = text.normalized(QString::NormalizationForm_C);
    QString out;
    out.reserve(nfc.size());
    bool space = false;
    char32_t previous = 0;
    const qsizetype n = nfc.size();
    for (qsizetype i = 0; i < n; ++i) {
        char32_t c = nfc.at(i).unicode();
        QString chars(nfc.at(i));
        if (nfc.at(i).isHighSurrogate() && i + 1 < n && nfc.at(i + 1).isLowSurrogate()) {
            c = QChar::surrogateToUcs4(nfc.at(i), nfc.at(i + 1));
            chars += nfc.at(i + 1);
            ++i;
        }
        if (QChar::isSpace(c)) {
            space = !out.isEmpty();
            continue;
        }
        if (space && !isWide(previous) && !isWide(c)) {
            out += u' ';
        }
        space = false;
        out += chars;
        previous = c;
    }
    return out;
}

Expected<QByteArray> renderReportPdf(const ReportDocument& report, const ReportTemplate& tmpl,
                                     const PdfOptions& options)
{
    QByteArray pdf;
    SurfacePtr surface(
        cairo_pdf_surface_create_for_stream(appendToByteArray, &pdf, kPdfPageWidth, kPdfPageHeight));
    if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
        return fail(ErrorCode::IoFailure,
                    ReportExport::tr("The PDF could not be started: %1")
                        .arg(QString::fromUtf8(cairo_status_to_string(cairo_surface_status(surface.get())))));
    }
    const QString& lang = report.language;
    const auto& author = report.author;
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE,
                                   cleanLine(tmpl.title.text(lang), 200).toUtf8().constData());
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_AUTHOR,
                                   cleanLine(author.personName, 200).toUtf8().constData());
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "dokuei");
    const QDateTime created =
        options.creationTime.isValid() ? options.creationTime : QDateTime::currentDateTime();
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATE_DATE,
                                   pdfDate(created).toUtf8().constData());

    CairoPtr cr(cairo_create(surface.get()));
    Renderer renderer(cr.get(), options, lang);
    const QString family = renderer.resolvedFamily();
    if (family.compare(options.fontFamily, Qt::CaseInsensitive) != 0) {
        return fail(
            ErrorCode::DependencyMissing,
            ReportExport::tr(
                "The font \"%1\" for the report's PDF is not installed (fontconfig offers \"%2\"); install "
                "the package fonts-noto-cjk.")
                .arg(options.fontFamily, family));
    }

    using Kind = ReportTextBlock::Kind;
    for (const auto& block : reportTextBlocks(report, tmpl)) {
        switch (block.kind) {
        case Kind::Title:
            renderer.flow(block.text, 16, true, 0);
            break;
        case Kind::HeaderLine:
            renderer.flow(block.text, 9.5, false, 2);
            break;
        case Kind::SectionTitle:
            renderer.flow(block.text, 12, true, 12, 0, 0.05, 0.2, 0.45);
            break;
        case Kind::FieldLine:
        case Kind::Measurement:
            renderer.flow(block.text, 10, false, 2, 8);
            break;
        case Kind::Text:
            renderer.flow(block.text, 10.5, false, 3, 8);
            break;
        case Kind::KeyImage:
            if (const auto* key = report.keyImage(block.referenceId)) {
                renderer.image(key->renderedPng);
            }
            renderer.flow(block.text, 9, false, 0);
            break;
        case Kind::Reader:
            renderer.flow(block.text, 10, false, 16);
            break;
        }
    }
    renderer.reserveSignature();

    const auto& h = report.header;
    QString name = !h.patientNameIdeographic.isEmpty() ? h.patientNameIdeographic : h.patientNameAlphabetic;
    name.replace(u'^', u' ');
    renderer.draw(report, cleanLine(QStringLiteral("%1  ID %2").arg(name.simplified(), h.patientId), 200));
    cr.reset();
    cairo_surface_finish(surface.get());
    const cairo_status_t status = cairo_surface_status(surface.get());
    surface.reset();
    if (status != CAIRO_STATUS_SUCCESS) {
        return fail(ErrorCode::IoFailure, ReportExport::tr("The PDF could not be written: %1")
                                              .arg(QString::fromUtf8(cairo_status_to_string(status))));
    }
    return pdf;
}

} // namespace dokuei::reporting
