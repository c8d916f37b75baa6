#pragma once

#include "dokuei/common/Error.h"

#include <QByteArray>
#include <QString>

namespace dokuei::reporting {

/// An earlier report of the patient as the reading centre keeps it (a DICOM SR of an earlier study), for the
/// editor's read-only pane. Patient data: the caller erases it when done.
struct PriorReport
{
    QString title;       ///< the document title's meaning ("胸部CT読影レポート")
    QString studyDate;   ///< DICOM DA of its study
    QString contentDate; ///< DICOM DA of the report
    QString observer;    ///< the person observer's name, as written (PN)
    bool final = false;  ///< Completion Flag COMPLETE
    QString text;        ///< the content tree as text: headings, then "concept: value" lines and free text
};

/// Reads an SR (Basic Text, Enhanced or Comprehensive SR; Part-10 in memory, at most 16 MiB) into a prior
/// report. Hostile input is refused with InvalidArgument naming what is wrong (not DICOM, not an SR, a broken
/// content tree); text is decoded through its Specific Character Set; the tree is read at most 32 levels deep
/// and 64 Ki characters long (the rest is cut with a note).
Expected<PriorReport> readPriorReport(const QByteArray& part10);

/// Zeroes every string of `report`.
void erasePriorReport(PriorReport& report);

} // namespace dokuei::reporting
