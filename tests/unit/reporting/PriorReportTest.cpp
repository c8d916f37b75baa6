// The earlier report's reader: an SR made by dokuei read back into the pane's text, and hostile input
// (not DICOM, DICOM that is no SR, a truncated SR, random bytes after a valid preamble) refused with a
// message.
#include "dokuei/reporting/PriorReport.h"

#include "ReportFixture.h"
#include "dokuei/reporting/SrIdentity.h"
#include "dokuei/reporting/StructuredReport.h"

#include <QRandomGenerator>

#include <gtest/gtest.h>

using namespace dokuei;
using namespace dokuei::reporting;

namespace {

QByteArray chestSr(ReportState state)
{
    ReportDocument report = fixture::chestReport(1, 16);
    report.state = state;
    auto sr = makeStructuredReport(report, fixture::chestTemplate(), SrIdentity::generate());
    EXPECT_TRUE(sr);
    return sr ? *sr : QByteArray();
}

} // namespace

TEST(PriorReport, AnSrReadsBackAsTitleReaderAndEverySectionsText)
{
    const ReportDocument report = fixture::chestReport(1, 16);
    auto prior = readPriorReport(chestSr(ReportState::Final));
    ASSERT_TRUE(prior) << prior.error().message.toStdString();
    EXPECT_TRUE(prior->final);
    EXPECT_EQ(prior->studyDate, report.header.studyDate);
    EXPECT_FALSE(prior->title.isEmpty());
    EXPECT_EQ(prior->observer, report.author.personName);
    for (const SectionContent& section : report.sections) {
        if (!section.text.isEmpty()) {
            EXPECT_TRUE(prior->text.contains(section.text.left(20))) << section.sectionId.toStdString();
        }
    }
    EXPECT_FALSE(prior->text.contains(report.author.personName))
        << "who wrote it is in the title, not the text";
    auto preliminary = readPriorReport(chestSr(ReportState::Preliminary));
    ASSERT_TRUE(preliminary);
    EXPECT_FALSE(preliminary->final);
}

TEST(PriorReport, HostileInputIsRefusedWithAMessage)
{
    EXPECT_FALSE(readPriorReport({}));
    EXPECT_FALSE(readPriorReport(QByteArray("not DICOM at all")));
    const QByteArray sr = chestSr(ReportState::Final);
    for (const qsizetype cut : {qsizetype(132), qsizetype(400), sr.size() / 2, sr.size() - 7}) {
        auto truncated = readPriorReport(sr.left(cut));
        if (truncated) {
            // DCMTK may read a cut-off dataset up to the cut: then the text is what arrived, never garbage.
            EXPECT_LE(truncated->text.size(), 64 * 1024 + 100);
        } else {
            EXPECT_FALSE(truncated.error().message.isEmpty());
        }
    }
    QByteArray noise(4096, '\0');
    for (char& c : noise) {
        c = char(QRandomGenerator::global()->bounded(256));
    }
    auto random = readPriorReport(QByteArray(128, '\0') + "DICM" + noise);
    EXPECT_FALSE(random);
    EXPECT_FALSE(readPriorReport(QByteArray(17 * 1024 * 1024, 'x'))) << "larger than 16 MiB";
}
