// The report's outputs (Step 5): the DICOM SR, the PDF and its Encapsulated PDF of a Japanese chest report
// with ten key images of 512x512 pixels (as the viewer renders them), made in memory. One JSON line on
// stdout; an absolute goal, so no peer and no ratio:
//   report_sr_pdf_10_key_images  (s; median of N runs after one warm-up; limit_seconds 1.0) SR + PDF +
//                                Encapsulated PDF; extras: the parts' medians, min, max, PDF bytes.
//
//   dokuei-bench-report [--runs N]
#include "ReportFixture.h"
#include "dokuei/reporting/ReportPdf.h"
#include "dokuei/reporting/StructuredReport.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

using namespace dokuei::reporting;

namespace {

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n == 0 ? 0.0 : (n % 2 != 0 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0);
}

double seconds(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b)
{
    return std::chrono::duration<double>(b - a).count();
}

} // namespace

int main(int argc, char** argv)
{
    int runs = 5;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
            runs = std::max(1, std::atoi(argv[++i]));
        }
    }
    const auto tmpl = fixture::chestTemplate();
    const auto report = fixture::chestReport(10, 512);
    std::vector<double> total, sr, pdf, encapsulated;
    qsizetype pdfBytes = 0;
    for (int run = 0; run <= runs; ++run) {
        const auto t0 = std::chrono::steady_clock::now();
        auto srBytes = makeStructuredReport(report, tmpl, SrIdentity::generate());
        const auto t1 = std::chrono::steady_clock::now();
        auto pdfDocument = renderReportPdf(report, tmpl);
        const auto t2 = std::chrono::steady_clock::now();
        if (!srBytes || !pdfDocument) {
            std::fprintf(stderr, "dokuei-bench-report: %s\n",
                         qPrintable((!srBytes ? srBytes.error() : pdfDocument.error()).toString()));
            return 1;
        }
        auto dicom = makeEncapsulatedPdf(*pdfDocument, report, tmpl, SrIdentity::generate(9002));
        const auto t3 = std::chrono::steady_clock::now();
        if (!dicom) {
            std::fprintf(stderr, "dokuei-bench-report: %s\n", qPrintable(dicom.error().toString()));
            return 1;
        }
        pdfBytes = pdfDocument->size();
        if (run == 0) {
            continue; // warm-up: fontconfig's cache, the first font load
        }
        sr.push_back(seconds(t0, t1));
        pdf.push_back(seconds(t1, t2));
        encapsulated.push_back(seconds(t2, t3));
        total.push_back(seconds(t0, t3));
    }
    const double value = median(total);
    std::printf("{\"name\":\"report_sr_pdf_10_key_images\",\"value\":%.3f,\"unit\":\"s\",\"seconds\":%.3f,"
                "\"limit_seconds\":1.0,\"runs\":%d,\"min\":%.3f,\"max\":%.3f,\"sr_seconds\":%.3f,"
                "\"pdf_seconds\":%.3f,\"encapsulated_pdf_seconds\":%.3f,\"pdf_bytes\":%lld,\"key_images\":10,"
                "\"key_image_pixels\":\"512x512\"}\n",
                value, value, runs, *std::min_element(total.begin(), total.end()),
                *std::max_element(total.begin(), total.end()), median(sr), median(pdf), median(encapsulated),
                static_cast<long long>(pdfBytes));
    return 0;
}
