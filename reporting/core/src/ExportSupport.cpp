#include "ExportSupport.h"

#include "dokuei/reporting/SrIdentity.h"

#include <vector>

#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcostrmb.h>
#include <dcmtk/dcmdata/dcuid.h>

namespace dokuei::reporting {

namespace exportsupport {

QString cleanText(const QString& text)
{
    QString out;
    out.reserve(text.size());
    const qsizetype n = text.size();
    for (qsizetype i = 0; i < n; ++i) {
        const QChar c = text.at(i);
        if (c.isHighSurrogate()) {
            if (i + 1 < n && text.at(i + 1).isLowSurrogate()) {
                const char32_t ucs = QChar::surrogateToUcs4(c, text.at(i + 1));
                if (QChar::isNonCharacter(ucs)) {
                    out += QChar::ReplacementCharacter;
                } else {
                    out += c;
                    out += text.at(i + 1);
                }
                ++i;
            } else {
                out += QChar::ReplacementCharacter;
            }
            continue;
        }
        if (c.isLowSurrogate() || c.isNonCharacter()) {
            out += QChar::ReplacementCharacter;
            continue;
        }
        const char16_t u = c.unicode();
        if (u == u'\r') {
            out += u'\n';
            if (i + 1 < n && text.at(i + 1) == u'\n') {
                ++i;
            }
            continue;
        }
        if (u == u'\t' || u == u'\n') {
            out += c;
            continue;
        }
        if (u < 0x20 || (u >= 0x7f && u <= 0x9f)) {
            continue; // C0 and C1 controls, DEL
        }
        out += c;
    }
    return out;
}

QString cleanLine(const QString& text, qsizetype maxBytes)
{
    QString line = cleanText(text);
    for (auto& c : line) {
        if (c == u'\n' || c == u'\t') {
            c = u' ';
        } else if (c == u'\\') {
            c = u'/';
        }
    }
    line = line.trimmed();
    // At most maxBytes of UTF-8 (dciodvfy measures LO, SH and PN in bytes), never a split character.
    qsizetype bytes = 0;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const bool pair = line.at(i).isHighSurrogate();
        const char16_t u = line.at(i).unicode();
        const qsizetype width = pair ? 4 : (u < 0x80 ? 1 : (u < 0x800 ? 2 : 3));
        if (bytes + width > maxBytes) {
            line.truncate(i);
            break;
        }
        bytes += width;
        if (pair) {
            ++i;
        }
    }
    return line.trimmed();
}

bool isValidUid(const QString& uid)
{
    if (uid.isEmpty() || uid.size() > 64) {
        return false;
    }
    const auto parts = uid.split(u'.');
    for (const auto& p : parts) {
        if (p.isEmpty() || (p.size() > 1 && p.front() == u'0')) {
            return false;
        }
        for (const QChar c : p) {
            if (c < u'0' || c > u'9') {
                return false;
            }
        }
    }
    return true;
}

QString dicomDate(const QDateTime& when)
{
    return when.toLocalTime().toString(QStringLiteral("yyyyMMdd"));
}

QString dicomTime(const QDateTime& when)
{
    return when.toLocalTime().toString(QStringLiteral("HHmmss"));
}

Expected<QByteArray> writePart10(DcmFileFormat& file)
{
    QByteArray out;
    std::vector<char> buffer(1024 * 1024);
    DcmOutputBufferStream stream(buffer.data(), static_cast<offile_off_t>(buffer.size()));
    file.transferInit();
    OFCondition status;
    do {
        status = file.write(stream, EXS_LittleEndianExplicit, EET_ExplicitLength, nullptr, EGL_recalcGL,
                            EPD_noChange, 0, 0, 0, EWM_fileformat);
        void* data = nullptr;
        offile_off_t length = 0;
        stream.flushBuffer(data, length);
        out.append(static_cast<const char*>(data), static_cast<qsizetype>(length));
    } while (status == EC_StreamNotifyClient);
    file.transferEnd();
    if (status.bad()) {
        return fail(ErrorCode::IoFailure,
                    ReportExport::tr("The DICOM file could not be written in memory: %1")
                        .arg(QString::fromUtf8(status.text())));
    }
    return out;
}

} // namespace exportsupport

SrIdentity SrIdentity::generate(int seriesNumber)
{
    char series[100];
    char instance[100];
    dcmGenerateUniqueIdentifier(series, SITE_SERIES_UID_ROOT);
    dcmGenerateUniqueIdentifier(instance, SITE_INSTANCE_UID_ROOT);
    SrIdentity id;
    id.seriesInstanceUid = QString::fromLatin1(series);
    id.sopInstanceUid = QString::fromLatin1(instance);
    id.seriesNumber = seriesNumber;
    id.instanceNumber = 1;
    id.contentDateTime = QDateTime::currentDateTime();
    return id;
}

} // namespace dokuei::reporting
