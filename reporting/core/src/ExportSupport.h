#pragma once

// What the SR and the PDF exports share (private to reporting/core): text made safe for DICOM values and
// for pango (valid Unicode, no control characters), DICOM UIDs, the in-memory Part-10 writer.

#include "dokuei/common/Error.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QDateTime>
#include <QString>

class DcmFileFormat;

namespace dokuei::reporting {

/// The translation context of the exports' messages (lupdate finds ReportExport::tr).
class ReportExport
{
    Q_DECLARE_TR_FUNCTIONS(dokuei::reporting::ReportExport)
};

} // namespace dokuei::reporting

namespace dokuei::reporting::exportsupport {

/// `text` with unpaired surrogates and noncharacters replaced by U+FFFD and control characters dropped
/// except tab and line feed (CR LF and CR become LF).
QString cleanText(const QString& text);
/// cleanText on one line: tabs and line breaks become spaces, a backslash (DICOM's value separator) a
/// slash, at most `maxBytes` bytes of UTF-8 (whole characters: dciodvfy measures LO 64, SH 16 and PN 64
/// in bytes, so a Japanese LO holds 21 characters), trimmed.
QString cleanLine(const QString& text, qsizetype maxBytes);
/// True for a DICOM UID: 1..64 characters of digits and dots, no empty or zero-led component.
bool isValidUid(const QString& uid);
/// DA and TM from a local date/time.
QString dicomDate(const QDateTime& when);
QString dicomTime(const QDateTime& when);

/// `file` written as a DICOM Part-10 file (Explicit VR Little Endian, meta header from the dataset) into
/// memory, never to disk.
Expected<QByteArray> writePart10(DcmFileFormat& file);

} // namespace dokuei::reporting::exportsupport
