#include "dokuei/viewer/core/InstanceDecoder.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charls/charls.h>
#include <cmath>
#include <cstring>
#include <dlfcn.h>
#include <iconv.h>
#include <limits>
#include <mutex>
#include <new>
#include <openjpeg.h>
#include <optional>
#include <string.h> // explicit_bzero
#include <string>
#include <string_view>
#include <vector>
#include <zlib.h>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcistrmb.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpls/djdecode.h>

namespace dokuei::viewer {
namespace {

std::atomic<InstanceDecoder::JpegLsBackend> g_jpegLsBackend{InstanceDecoder::JpegLsBackend::CharLS};

void registerCodecs()
{
    static std::once_flag once;
    std::call_once(once, [] {
        DJDecoderRegistration::registerCodecs();
        DcmRLEDecoderRegistration::registerCodecs();
        DJLSDecoderRegistration::registerCodecs();
    });
}

void zeroBytes(void* data, std::size_t size)
{
    if (data != nullptr && size > 0)
        explicit_bzero(data, size);
}

void zeroString(std::string& text)
{
    zeroBytes(text.data(), text.capacity());
    text.clear();
    text.shrink_to_fit();
}

QString fromUtf8(std::string_view text)
{
    return QString::fromUtf8(text.data(), qsizetype(text.size()));
}

/// iconv of one piece of text into UTF-8; nullopt when the conversion is not available or fails.
std::optional<std::string> iconvToUtf8(std::string_view text, const char* from)
{
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == reinterpret_cast<iconv_t>(-1))
        return std::nullopt;
    std::string out(text.size() * 4 + 16, '\0');
    std::string in(text);
    char* inPtr = in.data();
    std::size_t inLeft = in.size();
    char* outPtr = out.data();
    std::size_t outLeft = out.size();
    const std::size_t rc = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft);
    const bool ok = rc != static_cast<std::size_t>(-1) &&
                    iconv(cd, nullptr, nullptr, &outPtr, &outLeft) != static_cast<std::size_t>(-1);
    iconv_close(cd);
    zeroString(in);
    if (!ok) {
        zeroString(out);
        return std::nullopt;
    }
    out.resize(out.size() - outLeft);
    return out;
}

/// Decodes a text value through the data set's Specific Character Set (the raw value as stored).
QString decodeText(std::string_view raw, std::string_view charset)
{
    if (raw.empty())
        return {};
    const bool iso2022 = charset.find("ISO 2022") != std::string_view::npos;
    if (iso2022) {
        // DCMTK on Debian cannot convert ISO 2022 IR 87; glibc's ISO-2022-JP handles ESC $ B / ESC ( B / ESC
        // ( J. Each component group ('=' separated) starts in ASCII (PS3.5 6.1.2.5.3), so convert them one by
        // one.
        QString result;
        std::size_t start = 0;
        bool ascii = true; // G0 state: a '=' is a delimiter only in ASCII / JIS X 0201 roman
        for (std::size_t i = 0; i <= raw.size(); ++i) {
            if (i < raw.size() && raw[i] == '\x1b' && i + 2 < raw.size()) {
                ascii = raw[i + 1] == '(';
                continue;
            }
            if (i < raw.size() && !(ascii && raw[i] == '='))
                continue;
            const std::string_view group = raw.substr(start, i - start);
            auto converted = iconvToUtf8(group, "ISO-2022-JP");
            if (converted) {
                result += fromUtf8(*converted);
                zeroString(*converted);
            } else {
                result += QString::fromLatin1(group.data(), qsizetype(group.size()));
            }
            if (i < raw.size())
                result += QLatin1Char('=');
            start = i + 1;
        }
        return result;
    }
    if (charset.find("ISO_IR 192") != std::string_view::npos)
        return fromUtf8(raw);
    struct Mapping
    {
        const char* term;
        const char* iconvName;
    };
    static constexpr Mapping mappings[] = {
        {"ISO_IR 100", "ISO-8859-1"},
        {"ISO_IR 101", "ISO-8859-2"},
        {"ISO_IR 109", "ISO-8859-3"},
        {"ISO_IR 110", "ISO-8859-4"},
        {"ISO_IR 144", "ISO-8859-5"},
        {"ISO_IR 127", "ISO-8859-6"},
        {"ISO_IR 126", "ISO-8859-7"},
        {"ISO_IR 138", "ISO-8859-8"},
        {"ISO_IR 148", "ISO-8859-9"},
        {"ISO_IR 13", "SHIFT_JIS"},
        {"ISO_IR 166", "TIS-620"},
        {"GB18030", "GB18030"},
        {"GBK", "GBK"},
    };
    for (const auto& m : mappings) {
        if (charset.find(m.term) != std::string_view::npos) {
            auto converted = iconvToUtf8(raw, m.iconvName);
            if (converted) {
                QString result = fromUtf8(*converted);
                zeroString(*converted);
                return result;
            }
            break;
        }
    }
    return QString::fromLatin1(raw.data(), qsizetype(raw.size()));
}

// ---- Reading from memory with DCMTK ----
// DcmInputBufferStream offers no stream factory, so DCMTK allocates every element's declared length (up to
// 4 GB) before it finds out that the buffer holds fewer bytes (libFuzzer: a 3.9 KB instance asked for
// 1.4 GB). A stream that can create a factory makes DCMTK skip values longer than DCM_MaxReadLength
// instead, compare the declared length with the bytes that remain (the read then fails), and load a value
// only when it is asked for, from a new buffer stream positioned where the value starts. So no allocation
// exceeds the instance's own size. The bytes must outlive the data set read from them (they do: the
// Dataset never outlives run()).
class MemoryStreamFactory : public DcmInputStreamFactory
{
public:
    MemoryStreamFactory(const char* data, offile_off_t size, offile_off_t offset)
        : m_data(data), m_size(size), m_offset(std::clamp<offile_off_t>(offset, 0, size))
    {}

    DcmInputStream* create() const override
    {
        auto* stream = new DcmInputBufferStream();
        stream->setBuffer(m_data + m_offset, m_size - m_offset);
        stream->setEos();
        return stream;
    }

    DcmInputStreamFactory* clone() const override { return new MemoryStreamFactory(*this); }

    // Not a file: of the two kinds DCMTK knows, the temporary one (never written back or renamed by us).
    DcmInputStreamFactoryType ident() const override { return DFT_DcmInputTempFileStreamFactory; }

private:
    const char* m_data;
    offile_off_t m_size;
    offile_off_t m_offset;
};

class MemoryInputStream : public DcmInputBufferStream
{
public:
    MemoryInputStream(const void* data, std::size_t size)
        : m_data(static_cast<const char*>(data)), m_size(offile_off_t(size))
    {
        setBuffer(data, m_size);
        setEos();
    }

    DcmInputStreamFactory* newFactory() const override
    {
        return new MemoryStreamFactory(m_data, m_size, tell());
    }

private:
    const char* m_data;
    offile_off_t m_size;
};

struct Dataset
{
    DcmFileFormat file;
    DcmDataset* data = nullptr;
    E_TransferSyntax xfer = EXS_Unknown;
    std::string charset;
    std::vector<std::uint8_t> inflated; ///< a deflated data set, inflated by us (see inflateBounded)

    Dataset() = default;
    Dataset(const Dataset&) = delete;
    Dataset& operator=(const Dataset&) = delete;
    ~Dataset() { zeroBytes(inflated.data(), inflated.size()); }
};

// ---- Deflated data sets ----
// DCMTK inflates a deflated data set (1.2.840.10008.1.2.1.99) through a stream filter that knows no end: an
// element may then declare any length (up to 4 GB) and DCMTK allocates it before finding the stream short,
// and a small deflate bomb inflates without bound. So dokuei inflates the data set itself, into a buffer
// bounded by the DecodeLimits, and hands DCMTK a plain explicit little endian buffer, where every declared
// length is checked against the bytes that remain.

/// Room for everything but the pixels: the data set itself, plus per frame (Enhanced CT per-frame functional
/// groups).
constexpr std::size_t kInflateHeaderAllowance = std::size_t(1) << 20;
constexpr std::size_t kInflatePerFrameAllowance = std::size_t(16) << 10;

std::size_t saturatingMul(std::size_t a, std::size_t b)
{
    std::size_t r = 0;
    return __builtin_mul_overflow(a, b, &r) ? std::numeric_limits<std::size_t>::max() : r;
}

std::size_t saturatingAdd(std::size_t a, std::size_t b)
{
    std::size_t r = 0;
    return __builtin_add_overflow(a, b, &r) ? std::numeric_limits<std::size_t>::max() : r;
}

/// The most bytes a deflated data set may inflate to under these limits.
std::size_t inflateCap(const DecodeLimits& limits)
{
    const auto count = [](int v) { return std::size_t(std::max(v, 0)); };
    const std::size_t pixelBytes =
        saturatingMul(saturatingMul(saturatingMul(count(limits.maxRows), count(limits.maxColumns)),
                                    count(limits.maxFrames)),
                      2);
    const std::size_t allowance = saturatingAdd(
        kInflateHeaderAllowance, saturatingMul(count(limits.maxFrames), kInflatePerFrameAllowance));
    return std::min(limits.maxInflatedBytes, saturatingAdd(pixelBytes, allowance));
}

/// Raw deflate (RFC 1951, as PS3.5 A.5 and DCMTK write it) into out, never more than cap bytes. Every buffer
/// given up while growing is zeroed first.
Expected<void> inflateBounded(const std::uint8_t* data, std::size_t size, std::size_t cap,
                              std::vector<std::uint8_t>& out)
{
    z_stream z{};
    if (inflateInit2(&z, -MAX_WBITS) != Z_OK)
        throw std::bad_alloc();
    struct End
    {
        z_stream* z;
        ~End() { inflateEnd(z); }
    } end{&z};
    std::vector<std::uint8_t> buffer;
    buffer.resize(std::min(cap, std::max<std::size_t>(std::size_t(64) << 10, saturatingMul(size, 4))));
    std::size_t produced = 0;
    std::size_t consumed = 0;
    for (;;) {
        if (produced == buffer.size()) {
            if (buffer.size() >= cap) {
                // Full at the cap: refused unless the stream ends here, without one more byte (inflate may
                // still consume input without output, e.g. the end of the last block).
                std::uint8_t probe = 0;
                z.next_out = &probe;
                z.avail_out = 1;
                int rc = Z_OK;
                while (rc == Z_OK && z.avail_out == 1)
                    rc = inflate(&z, Z_NO_FLUSH);
                zeroBytes(&probe, 1);
                if (rc == Z_STREAM_END && z.avail_out == 1)
                    break;
                zeroBytes(buffer.data(), buffer.size());
                if (z.avail_out == 1)
                    return fail(ErrorCode::InvalidArgument,
                                QStringLiteral("the deflated data set (%1 bytes) is truncated or not valid "
                                               "deflate data")
                                    .arg(size));
                return fail(
                    ErrorCode::InvalidArgument,
                    QStringLiteral("the deflated data set (%1 bytes) inflates to more than %2 bytes, the "
                                   "most the decode limits allow: refused as a decompression bomb")
                        .arg(size)
                        .arg(cap));
            }
            std::vector<std::uint8_t> larger(std::min(cap, saturatingMul(buffer.size(), 2)));
            std::memcpy(larger.data(), buffer.data(), produced);
            zeroBytes(buffer.data(), buffer.size());
            buffer.swap(larger);
        }
        const std::size_t inChunk = std::min<std::size_t>(size - consumed, std::numeric_limits<uInt>::max());
        const std::size_t outChunk =
            std::min<std::size_t>(buffer.size() - produced, std::numeric_limits<uInt>::max());
        z.next_in = const_cast<Bytef*>(data + consumed);
        z.avail_in = uInt(inChunk);
        z.next_out = buffer.data() + produced;
        z.avail_out = uInt(outChunk);
        const int rc = inflate(&z, Z_NO_FLUSH);
        consumed += inChunk - z.avail_in;
        produced += outChunk - z.avail_out;
        if (rc == Z_STREAM_END)
            break;
        if (rc == Z_OK)
            continue;
        if (rc == Z_BUF_ERROR && consumed < size && produced == buffer.size())
            continue; // output full: grow
        zeroBytes(buffer.data(), buffer.size());
        if (rc == Z_MEM_ERROR)
            throw std::bad_alloc();
        return fail(ErrorCode::InvalidArgument,
                    rc == Z_BUF_ERROR
                        ? QStringLiteral("the deflated data set (%1 bytes) is truncated").arg(size)
                        : QStringLiteral("the deflated data set (%1 bytes) is not valid deflate data: %2")
                              .arg(size)
                              .arg(QString::fromLatin1(z.msg != nullptr ? z.msg : "error")));
    }
    buffer.resize(produced); // shrinking keeps the allocation: zeroed by ~Dataset with the rest
    out.swap(buffer);
    zeroBytes(buffer.data(), buffer.size());
    return {};
}

/// When the meta header says deflated: the data set inflated by inflateBounded and read by DCMTK as explicit
/// little endian. nullopt when the instance is not deflated (or its meta header is unreadable: the ordinary
/// path then reports it).
std::optional<Expected<void>> parseDeflated(QByteArrayView bytes, Dataset& ds, const DecodeLimits& limits)
{
    DcmMetaInfo meta;
    MemoryInputStream stream(bytes.data(), std::size_t(bytes.size()));
    meta.transferInit();
    const OFCondition metaCond = meta.read(stream, EXS_Unknown, EGL_noChange, DCM_MaxReadLength);
    meta.transferEnd();
    OFString uid;
    if (metaCond.bad() || meta.findAndGetOFString(DCM_TransferSyntaxUID, uid).bad() ||
        DcmXfer(uid.c_str()).getXfer() != EXS_DeflatedLittleEndianExplicit)
        return std::nullopt;
    const offile_off_t offset = stream.tell();
    if (offset < 0 || offset > offile_off_t(bytes.size()))
        return fail(ErrorCode::InvalidArgument, QStringLiteral("the meta header of the deflated instance is "
                                                               "longer than the instance"));
    const auto* body = reinterpret_cast<const std::uint8_t*>(bytes.data()) + offset;
    auto inflated = inflateBounded(body, std::size_t(bytes.size()) - std::size_t(offset), inflateCap(limits),
                                   ds.inflated);
    if (!inflated)
        return std::unexpected(inflated.error());
    MemoryInputStream plain(ds.inflated.data(), ds.inflated.size());
    DcmDataset* dataset = ds.file.getDataset();
    if (dataset == nullptr)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("the instance holds no data set"));
    dataset->transferInit();
    const OFCondition cond = dataset->read(plain, EXS_LittleEndianExplicit, EGL_noChange, DCM_MaxReadLength);
    dataset->transferEnd();
    if (cond.bad())
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("the deflated instance is not readable DICOM (%1 bytes, %2 inflated): %3")
                        .arg(bytes.size())
                        .arg(ds.inflated.size())
                        .arg(QString::fromLatin1(cond.text())));
    ds.data = dataset;
    ds.xfer = EXS_DeflatedLittleEndianExplicit;
    return Expected<void>{};
}

Expected<void> parse(QByteArrayView bytes, Dataset& ds, const DecodeLimits& limits)
{
    if (bytes.size() < 8)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("the instance has %1 bytes: too short to be DICOM").arg(bytes.size()));
    // Part 10 only (WADO-RS delivers application/dicom files): a bare data set has no signature at all, so
    // any bytes parse as one, and DCMTK allocates whatever length a random "element" declares (found by the
    // fuzz harness: 14 bytes asked for a 3.9 GB value).
    if (bytes.size() < 132 || std::memcmp(bytes.data() + 128, "DICM", 4) != 0)
        return fail(
            ErrorCode::InvalidArgument,
            QStringLiteral(
                "the instance (%1 bytes) is not a DICOM Part 10 file: no 'DICM' signature at byte 128")
                .arg(bytes.size()));
    if (auto deflated = parseDeflated(bytes, ds, limits)) {
        if (!*deflated)
            return std::unexpected(deflated->error());
    } else {
        MemoryInputStream stream(bytes.data(), std::size_t(bytes.size()));
        ds.file.transferInit();
        const OFCondition cond = ds.file.read(stream, EXS_Unknown, EGL_noChange, DCM_MaxReadLength);
        ds.file.transferEnd();
        if (cond.bad())
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("the instance is not readable DICOM (%1 bytes): %2")
                            .arg(bytes.size())
                            .arg(QString::fromLatin1(cond.text())));
        ds.data = ds.file.getDataset();
        if (ds.data == nullptr)
            return fail(ErrorCode::InvalidArgument, QStringLiteral("the instance holds no data set"));
        ds.xfer = ds.data->getOriginalXfer();
        if (ds.xfer == EXS_DeflatedLittleEndianExplicit)
            // Only when parseDeflated could not read the meta header but DCMTK's full read still found
            // deflate (not seen): DCMTK's unbounded inflate is not trusted, so the result is refused.
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("the deflated instance has an unreadable meta header"));
    }
    OFString cs;
    if (ds.data->findAndGetOFStringArray(DCM_SpecificCharacterSet, cs).good())
        ds.charset = cs.c_str();
    return {};
}

std::string rawString(DcmItem* item, const DcmTagKey& tag)
{
    OFString value;
    if (item == nullptr || item->findAndGetOFStringArray(tag, value).bad())
        return {};
    return std::string(value.c_str(), value.length());
}

QString asciiString(DcmItem* item, const DcmTagKey& tag)
{
    std::string s = rawString(item, tag);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\0'))
        s.pop_back();
    return QString::fromLatin1(s.data(), qsizetype(s.size()));
}

QString textString(DcmItem* item, const DcmTagKey& tag, const std::string& charset)
{
    std::string raw = rawString(item, tag);
    while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\0'))
        raw.pop_back();
    QString text = decodeText(raw, charset);
    zeroString(raw);
    return text;
}

bool getDoubles(DcmItem* item, const DcmTagKey& tag, double* out, unsigned long count)
{
    if (item == nullptr)
        return false;
    for (unsigned long i = 0; i < count; ++i) {
        Float64 v = 0;
        if (item->findAndGetFloat64(tag, v, i).bad() || !std::isfinite(v))
            return false;
        out[i] = v;
    }
    return true;
}

/// The first item of a functional group sequence: per-frame first, then shared.
DcmItem* functionalGroup(DcmItem* perFrame, DcmItem* shared, const DcmTagKey& sequence)
{
    DcmItem* item = nullptr;
    if (perFrame != nullptr && perFrame->findAndGetSequenceItem(sequence, item, 0).good() && item != nullptr)
        return item;
    item = nullptr;
    if (shared != nullptr && shared->findAndGetSequenceItem(sequence, item, 0).good() && item != nullptr)
        return item;
    return nullptr;
}

Expected<std::int64_t> integerRescale(double value, const char* what)
{
    if (!std::isfinite(value) || std::abs(value) > 1e6 || std::abs(value - std::round(value)) > 1e-6)
        return fail(ErrorCode::Unsupported, QStringLiteral("%1 %2 is not an integer: HU would not be exact")
                                                .arg(QLatin1StringView(what))
                                                .arg(value));
    return std::llround(value);
}

Expected<std::vector<InstanceInfo>> readInfo(Dataset& ds, const DecodeLimits& limits)
{
    DcmDataset* d = ds.data;
    InstanceInfo base;
    base.sopInstanceUid = asciiString(d, DCM_SOPInstanceUID);
    base.sopClassUid = asciiString(d, DCM_SOPClassUID);
    base.seriesInstanceUid = asciiString(d, DCM_SeriesInstanceUID);
    base.studyInstanceUid = asciiString(d, DCM_StudyInstanceUID);
    DcmXfer xfer(ds.xfer);
    base.transferSyntaxUid = QString::fromLatin1(xfer.getXferID());
    base.patientName = textString(d, DCM_PatientName, ds.charset);
    base.patientId = textString(d, DCM_PatientID, ds.charset);
    base.studyDescription = textString(d, DCM_StudyDescription, ds.charset);
    base.patientSex = asciiString(d, DCM_PatientSex);
    base.patientBirthDate = asciiString(d, DCM_PatientBirthDate);
    base.patientAge = asciiString(d, DCM_PatientAge);
    base.studyDate = asciiString(d, DCM_StudyDate);
    base.seriesDescription = textString(d, DCM_SeriesDescription, ds.charset);
    base.seriesNumber = asciiString(d, DCM_SeriesNumber).trimmed().toInt();
    base.lossyCompressed =
        asciiString(d, DCM_LossyImageCompression).trimmed() == QLatin1String("01") || xfer.isLossy();

    Uint16 rows = 0, columns = 0, bitsAllocated = 0, bitsStored = 0, pixelRep = 0, samples = 1;
    if (d->findAndGetUint16(DCM_Rows, rows).bad() || d->findAndGetUint16(DCM_Columns, columns).bad())
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("instance %1 has no Rows/Columns").arg(base.sopInstanceUid));
    if (rows == 0 || columns == 0 || rows > limits.maxRows || columns > limits.maxColumns)
        return fail(
            ErrorCode::InvalidArgument,
            QStringLiteral("instance %1 claims %2 x %3 pixels; accepted are 1..%4 rows and 1..%5 columns")
                .arg(base.sopInstanceUid)
                .arg(rows)
                .arg(columns)
                .arg(limits.maxRows)
                .arg(limits.maxColumns));
    d->findAndGetUint16(DCM_BitsAllocated, bitsAllocated);
    if (d->findAndGetUint16(DCM_BitsStored, bitsStored).bad())
        bitsStored = bitsAllocated;
    d->findAndGetUint16(DCM_PixelRepresentation, pixelRep);
    d->findAndGetUint16(DCM_SamplesPerPixel, samples);
    if (bitsAllocated != 16 || bitsStored < 1 || bitsStored > 16 || samples != 1 || pixelRep > 1)
        return fail(
            ErrorCode::Unsupported,
            QStringLiteral("instance %1: %2 bits allocated, %3 stored, %4 samples per pixel: only 16-bit "
                           "single-sample CT pixels are supported")
                .arg(base.sopInstanceUid)
                .arg(bitsAllocated)
                .arg(bitsStored)
                .arg(samples));
    base.rows = rows;
    base.columns = columns;
    base.bitsAllocated = bitsAllocated;
    base.bitsStored = bitsStored;
    base.pixelRepresentation = pixelRep;

    Sint32 frames = 1;
    {
        OFString value;
        if (d->findAndGetOFString(DCM_NumberOfFrames, value).good()) {
            bool ok = false;
            frames = QString::fromLatin1(value.c_str()).trimmed().toInt(&ok);
            if (!ok)
                return fail(ErrorCode::InvalidArgument,
                            QStringLiteral("instance %1: Number of Frames '%2' is not a number")
                                .arg(base.sopInstanceUid, QString::fromLatin1(value.c_str())));
        }
    }
    if (frames < 1 || frames > limits.maxFrames)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("instance %1 claims %2 frames; accepted are 1..%3")
                        .arg(base.sopInstanceUid)
                        .arg(frames)
                        .arg(limits.maxFrames));
    base.numberOfFrames = frames;
    Sint32 instanceNumber = 0;
    {
        OFString value;
        if (d->findAndGetOFString(DCM_InstanceNumber, value).good())
            instanceNumber = QString::fromLatin1(value.c_str()).trimmed().toInt();
    }
    base.instanceNumber = instanceNumber;
    double tilt = 0;
    if (getDoubles(d, DCM_GantryDetectorTilt, &tilt, 1))
        base.gantryTilt = tilt;

    DcmItem* shared = nullptr;
    d->findAndGetSequenceItem(DCM_SharedFunctionalGroupsSequence, shared, 0);
    DcmSequenceOfItems* perFrameSeq = nullptr;
    d->findAndGetSequence(DCM_PerFrameFunctionalGroupsSequence, perFrameSeq);
    const bool enhanced = shared != nullptr || perFrameSeq != nullptr;
    if (enhanced && perFrameSeq != nullptr && perFrameSeq->card() < static_cast<unsigned long>(frames))
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("instance %1: %2 frames but %3 per-frame functional groups")
                        .arg(base.sopInstanceUid)
                        .arg(frames)
                        .arg(perFrameSeq->card()));

    std::vector<InstanceInfo> result;
    result.reserve(std::size_t(frames));
    for (int f = 0; f < frames; ++f) {
        InstanceInfo info = base;
        info.frameIndex = f;
        DcmItem* perFrame =
            perFrameSeq != nullptr ? perFrameSeq->getItem(static_cast<unsigned long>(f)) : nullptr;
        DcmItem* positionItem = enhanced ? functionalGroup(perFrame, shared, DCM_PlanePositionSequence) : d;
        DcmItem* orientationItem =
            enhanced ? functionalGroup(perFrame, shared, DCM_PlaneOrientationSequence) : d;
        DcmItem* measuresItem = enhanced ? functionalGroup(perFrame, shared, DCM_PixelMeasuresSequence) : d;
        DcmItem* rescaleItem =
            enhanced ? functionalGroup(perFrame, shared, DCM_PixelValueTransformationSequence) : d;
        if (enhanced)
            info.instanceNumber = f + 1;
        info.hasPosition = getDoubles(positionItem, DCM_ImagePositionPatient, info.imagePosition.data(), 3);
        info.hasOrientation =
            getDoubles(orientationItem, DCM_ImageOrientationPatient, info.imageOrientation.data(), 6);
        double spacing[2] = {0, 0};
        if (getDoubles(measuresItem != nullptr ? measuresItem : d, DCM_PixelSpacing, spacing, 2)) {
            info.rowSpacing = spacing[0];
            info.columnSpacing = spacing[1];
        }
        double thickness = 0;
        if (getDoubles(measuresItem != nullptr ? measuresItem : d, DCM_SliceThickness, &thickness, 1))
            info.sliceThickness = thickness;
        double slope = 1, intercept = 0;
        DcmItem* r = rescaleItem != nullptr ? rescaleItem : d;
        if (!getDoubles(r, DCM_RescaleSlope, &slope, 1))
            slope = 1;
        if (!getDoubles(r, DCM_RescaleIntercept, &intercept, 1))
            intercept = 0;
        auto s = integerRescale(slope, "Rescale Slope");
        if (!s)
            return std::unexpected(s.error());
        auto i = integerRescale(intercept, "Rescale Intercept");
        if (!i)
            return std::unexpected(i.error());
        info.rescaleSlope = *s;
        info.rescaleIntercept = *i;
        DcmItem* voiItem = enhanced ? functionalGroup(perFrame, shared, DCM_FrameVOILUTSequence) : d;
        double centre = 0, width = 0;
        if (getDoubles(voiItem, DCM_WindowCenter, &centre, 1) &&
            getDoubles(voiItem, DCM_WindowWidth, &width, 1) && width >= 1 && std::abs(centre) < 1e6 &&
            width < 1e6) {
            info.windowCentre = centre;
            info.windowWidth = width;
            info.hasWindow = true;
        }
        result.push_back(std::move(info));
    }
    return result;
}

/// stored words -> HU in place or into dst (src and dst may be the same memory).
Expected<void> toHu(const std::uint16_t* src, std::int16_t* dst, std::size_t count, const InstanceInfo& info)
{
    const int bits = info.bitsStored;
    const std::uint32_t mask = bits >= 16 ? 0xFFFFu : ((1u << bits) - 1u);
    const std::int32_t signBit = std::int32_t(1) << (bits - 1);
    const bool isSigned = info.pixelRepresentation == 1;
    const std::int64_t slope = info.rescaleSlope;
    const std::int64_t intercept = info.rescaleIntercept;
    for (std::size_t i = 0; i < count; ++i) {
        std::int32_t v = std::int32_t(src[i] & mask);
        if (isSigned && (v & signBit) != 0)
            v -= (signBit << 1);
        const std::int64_t hu = std::int64_t(v) * slope + intercept;
        if (hu < std::numeric_limits<std::int16_t>::min() || hu > std::numeric_limits<std::int16_t>::max())
            return fail(
                ErrorCode::Unsupported,
                QStringLiteral("instance %1 frame %2: pixel %3 (stored %4) gives HU %5, outside int16")
                    .arg(info.sopInstanceUid)
                    .arg(info.frameIndex + 1)
                    .arg(i)
                    .arg(v)
                    .arg(hu));
        dst[i] = std::int16_t(hu);
    }
    return {};
}

Expected<std::span<std::int16_t>> target(const InstanceDecoder::FrameTarget& t, const InstanceInfo& info)
{
    auto span = t(info);
    if (!span)
        return span;
    if (span->size() != std::size_t(info.rows) * std::size_t(info.columns))
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("the destination of instance %1 frame %2 has %3 voxels, not %4")
                        .arg(info.sopInstanceUid)
                        .arg(info.frameIndex + 1)
                        .arg(span->size())
                        .arg(std::size_t(info.rows) * std::size_t(info.columns)));
    return span;
}

Expected<void> decodeNative(Dataset& ds, std::vector<InstanceInfo>& infos,
                            const InstanceDecoder::FrameTarget& t, std::vector<InstanceInfo>& done)
{
    DcmElement* element = nullptr;
    if (ds.data->findAndGetElement(DCM_PixelData, element).bad() || element == nullptr)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("instance %1 has no Pixel Data").arg(infos.front().sopInstanceUid));
    Uint16* words = nullptr;
    if (element->getUint16Array(words).bad() || words == nullptr)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("instance %1: Pixel Data is not readable as 16-bit words")
                        .arg(infos.front().sopInstanceUid));
    const std::size_t frameVoxels = std::size_t(infos.front().rows) * std::size_t(infos.front().columns);
    const std::size_t available = element->getLength() / 2;
    if (available < frameVoxels * infos.size())
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("instance %1: Pixel Data holds %2 values, %3 frames of %4 x %5 need %6")
                        .arg(infos.front().sopInstanceUid)
                        .arg(available)
                        .arg(infos.size())
                        .arg(infos.front().rows)
                        .arg(infos.front().columns)
                        .arg(frameVoxels * infos.size()));
    for (const auto& info : infos) {
        auto dst = target(t, info);
        if (!dst)
            return std::unexpected(dst.error());
        auto ok = toHu(words + frameVoxels * std::size_t(info.frameIndex), dst->data(), frameVoxels, info);
        if (!ok)
            return ok;
        done.push_back(info);
    }
    return {};
}

// ---- JPEG-LS through CharLS 2.x ----
// Debian's DCMTK links its own bundled CharLS 1.x (libdcmtkcharls), which exports the same legacy symbols as
// CharLS 2.x (JpegLsEncode, JpegLsDecode, JpegLsReadHeader) with a different ABI. Linking libcharls.so.2 into
// the process makes DCMTK's dcmjpls bind to CharLS 2's versions and crash. So CharLS 2 is loaded privately
// (dlopen RTLD_LOCAL: none of its symbols enter the global scope) and its C API is resolved by name.
struct CharLS
{
    decltype(&charls_jpegls_decoder_create) create = nullptr;
    decltype(&charls_jpegls_decoder_destroy) destroy = nullptr;
    decltype(&charls_jpegls_decoder_set_source_buffer) setSource = nullptr;
    decltype(&charls_jpegls_decoder_read_header) readHeader = nullptr;
    decltype(&charls_jpegls_decoder_get_frame_info) frameInfo = nullptr;
    decltype(&charls_jpegls_decoder_get_destination_size) destinationSize = nullptr;
    decltype(&charls_jpegls_decoder_decode_to_buffer) decodeToBuffer = nullptr;
    decltype(&charls_get_error_message) errorMessage = nullptr;
    bool ok = false;
};

template <typename F> void resolve(void* library, const char* name, F& function)
{
    function = reinterpret_cast<F>(dlsym(library, name));
}

const CharLS& charLS()
{
    static const CharLS instance = [] {
        CharLS c;
        void* library = dlopen("libcharls.so.2", RTLD_NOW | RTLD_LOCAL);
        if (library == nullptr)
            return c;
        resolve(library, "charls_jpegls_decoder_create", c.create);
        resolve(library, "charls_jpegls_decoder_destroy", c.destroy);
        resolve(library, "charls_jpegls_decoder_set_source_buffer", c.setSource);
        resolve(library, "charls_jpegls_decoder_read_header", c.readHeader);
        resolve(library, "charls_jpegls_decoder_get_frame_info", c.frameInfo);
        resolve(library, "charls_jpegls_decoder_get_destination_size", c.destinationSize);
        resolve(library, "charls_jpegls_decoder_decode_to_buffer", c.decodeToBuffer);
        resolve(library, "charls_get_error_message", c.errorMessage);
        c.ok = c.create && c.destroy && c.setSource && c.readHeader && c.frameInfo && c.destinationSize &&
               c.decodeToBuffer && c.errorMessage;
        return c;
    }();
    return instance;
}

Expected<void> decodeWithCharLS(const std::uint8_t* data, std::size_t size, const InstanceInfo& info,
                                std::span<std::int16_t> dst)
{
    const CharLS& c = charLS();
    if (!c.ok)
        return fail(ErrorCode::Unsupported, QStringLiteral("CharLS 2 (libcharls.so.2) is not available"));
    charls_jpegls_decoder* decoder = c.create();
    if (decoder == nullptr)
        throw std::bad_alloc();
    auto failed = [&](charls_jpegls_errc code) {
        const QString message = QStringLiteral("instance %1 frame %2: JPEG-LS decoding failed: %3")
                                    .arg(info.sopInstanceUid)
                                    .arg(info.frameIndex + 1)
                                    .arg(QString::fromLatin1(c.errorMessage(code)));
        c.destroy(decoder);
        return fail(ErrorCode::InvalidArgument, message);
    };
    charls_jpegls_errc rc = c.setSource(decoder, data, size);
    if (rc != charls_jpegls_errc{})
        return failed(rc);
    rc = c.readHeader(decoder);
    if (rc != charls_jpegls_errc{})
        return failed(rc);
    charls_frame_info fi{};
    rc = c.frameInfo(decoder, &fi);
    if (rc != charls_jpegls_errc{})
        return failed(rc);
    std::size_t needed = 0;
    if (fi.width != std::uint32_t(info.columns) || fi.height != std::uint32_t(info.rows) ||
        fi.component_count != 1 || fi.bits_per_sample < 2 || fi.bits_per_sample > 16 ||
        c.destinationSize(decoder, 0, &needed) != charls_jpegls_errc{} || needed > dst.size_bytes()) {
        c.destroy(decoder);
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral(
                        "instance %1 frame %2: JPEG-LS frame is %3 x %4, %5 components, %6 bits; the header "
                        "says %7 x %8")
                        .arg(info.sopInstanceUid)
                        .arg(info.frameIndex + 1)
                        .arg(fi.width)
                        .arg(fi.height)
                        .arg(fi.component_count)
                        .arg(fi.bits_per_sample)
                        .arg(info.columns)
                        .arg(info.rows));
    }
    auto* out = reinterpret_cast<std::uint8_t*>(dst.data());
    rc = c.decodeToBuffer(decoder, out, needed, 0);
    if (rc != charls_jpegls_errc{})
        return failed(rc);
    c.destroy(decoder);
    auto* words = reinterpret_cast<std::uint16_t*>(dst.data());
    if (fi.bits_per_sample <= 8) {
        for (std::size_t i = dst.size(); i-- > 0;)
            words[i] = out[i];
    }
    return toHu(words, dst.data(), dst.size(), info);
}

// ---- JPEG 2000 through OpenJPEG from memory ----
struct MemoryStream
{
    const std::uint8_t* data;
    std::size_t size;
    std::size_t offset;
};

OPJ_SIZE_T opjRead(void* buffer, OPJ_SIZE_T bytes, void* user)
{
    auto* m = static_cast<MemoryStream*>(user);
    if (m->offset >= m->size)
        return static_cast<OPJ_SIZE_T>(-1);
    const std::size_t n = std::min<std::size_t>(bytes, m->size - m->offset);
    std::memcpy(buffer, m->data + m->offset, n);
    m->offset += n;
    return n;
}

OPJ_OFF_T opjSkip(OPJ_OFF_T bytes, void* user)
{
    auto* m = static_cast<MemoryStream*>(user);
    if (bytes < 0) {
        const std::size_t back = std::min<std::size_t>(std::size_t(-bytes), m->offset);
        m->offset -= back;
        return -OPJ_OFF_T(back);
    }
    const std::size_t n = std::min<std::size_t>(std::size_t(bytes), m->size - m->offset);
    m->offset += n;
    return OPJ_OFF_T(n);
}

OPJ_BOOL opjSeek(OPJ_OFF_T position, void* user)
{
    auto* m = static_cast<MemoryStream*>(user);
    if (position < 0 || std::size_t(position) > m->size)
        return OPJ_FALSE;
    m->offset = std::size_t(position);
    return OPJ_TRUE;
}

void opjQuiet(const char*, void*)
{}

std::uint32_t bigEndian32(const std::uint8_t* p)
{
    return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | p[3];
}

/// The J2K codestream in a fragment: the fragment itself (PS3.5 A.4.4), or the contiguous codestream box of
/// a JP2 file some writers put there. nullopt when there is none.
std::optional<std::span<const std::uint8_t>> j2kCodestream(const std::uint8_t* data, std::size_t size)
{
    const std::span<const std::uint8_t> all(data, size);
    if (size >= 2 && data[0] == 0xFF && data[1] == 0x4F)
        return all;
    std::size_t at = 0;
    while (size - at >= 8) {
        std::uint64_t length = bigEndian32(data + at);
        std::size_t header = 8;
        if (length == 1) {
            if (size - at < 16)
                return std::nullopt;
            length = (std::uint64_t(bigEndian32(data + at + 8)) << 32) | bigEndian32(data + at + 12);
            header = 16;
        } else if (length == 0) {
            length = size - at;
        }
        if (length < header || length > size - at)
            return std::nullopt;
        if (std::memcmp(data + at + 4, "jp2c", 4) == 0)
            return all.subspan(at + header, std::size_t(length) - header);
        at += std::size_t(length);
    }
    return std::nullopt;
}

/// The image and tile sizes a J2K codestream declares (its SIZ segment, which must follow SOC), checked
/// against the DICOM header before OpenJPEG allocates anything for them: one component of rows x columns,
/// no subsampling, at most kMaxTiles tiles.
Expected<void> checkJ2kSize(const std::uint8_t* data, std::size_t size, const InstanceInfo& info)
{
    const auto refused = [&](const QString& why) {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("instance %1 frame %2: JPEG 2000 codestream %3")
                        .arg(info.sopInstanceUid)
                        .arg(info.frameIndex + 1)
                        .arg(why));
    };
    const auto codestream = j2kCodestream(data, size);
    // SOC, SIZ marker, Lsiz, Rsiz, 8 x 32-bit sizes and offsets, Csiz, then 3 bytes per component.
    if (!codestream || codestream->size() < 4 + 2 + 2 + 32 + 2 + 3 || (*codestream)[0] != 0xFF ||
        (*codestream)[1] != 0x4F || (*codestream)[2] != 0xFF || (*codestream)[3] != 0x51)
        return refused(QStringLiteral("has no SOC and SIZ marker at its start"));
    const std::uint8_t* siz = codestream->data() + 8;
    const std::uint32_t width = bigEndian32(siz), height = bigEndian32(siz + 4);
    const std::uint32_t x0 = bigEndian32(siz + 8), y0 = bigEndian32(siz + 12);
    const std::uint32_t tileWidth = bigEndian32(siz + 16), tileHeight = bigEndian32(siz + 20);
    const std::uint32_t tileX0 = bigEndian32(siz + 24), tileY0 = bigEndian32(siz + 28);
    const unsigned components = (unsigned(siz[32]) << 8) | siz[33];
    if (width <= x0 || height <= y0 || width - x0 != std::uint32_t(info.columns) ||
        height - y0 != std::uint32_t(info.rows) || components != 1 || siz[35] != 1 || siz[36] != 1)
        return refused(QStringLiteral("declares %1 x %2 pixels with %3 components, the header says %4 x %5")
                           .arg(qint64(width) - qint64(x0))
                           .arg(qint64(height) - qint64(y0))
                           .arg(components)
                           .arg(info.columns)
                           .arg(info.rows));
    if (tileWidth == 0 || tileHeight == 0 || tileX0 > x0 || tileY0 > y0)
        return refused(QStringLiteral("declares an invalid tile grid"));
    const std::uint64_t tilesAcross = (std::uint64_t(width) - tileX0 + tileWidth - 1) / tileWidth;
    const std::uint64_t tilesDown = (std::uint64_t(height) - tileY0 + tileHeight - 1) / tileHeight;
    // OpenJPEG allocates its per-tile state for every tile when it reads the header.
    constexpr std::uint64_t kMaxTiles = 1024;
    if (tilesAcross * tilesDown > kMaxTiles)
        return refused(QStringLiteral("declares %1 tiles; at most %2 are accepted")
                           .arg(tilesAcross * tilesDown)
                           .arg(kMaxTiles));
    return {};
}

Expected<void> decodeWithOpenJpeg(const std::uint8_t* data, std::size_t size, const InstanceInfo& info,
                                  std::span<std::int16_t> dst)
{
    if (auto sized = checkJ2kSize(data, size, info); !sized)
        return sized;
    const bool jp2 = size >= 12 && data[4] == 'j' && data[5] == 'P';
    opj_codec_t* codec = opj_create_decompress(jp2 ? OPJ_CODEC_JP2 : OPJ_CODEC_J2K);
    opj_set_info_handler(codec, opjQuiet, nullptr);
    opj_set_warning_handler(codec, opjQuiet, nullptr);
    opj_set_error_handler(codec, opjQuiet, nullptr);
    opj_dparameters_t params;
    opj_set_default_decoder_parameters(&params);
    MemoryStream memory{data, size, 0};
    opj_stream_t* stream = opj_stream_default_create(OPJ_TRUE);
    opj_stream_set_user_data(stream, &memory, nullptr);
    opj_stream_set_user_data_length(stream, size);
    opj_stream_set_read_function(stream, opjRead);
    opj_stream_set_skip_function(stream, opjSkip);
    opj_stream_set_seek_function(stream, opjSeek);
    opj_image_t* image = nullptr;
    Expected<void> result;
    // The codestream's own size is checked against the DICOM header before decoding: OpenJPEG allocates
    // whatever size the codestream declares.
    const auto headerMatches = [&](const opj_image_t* im) {
        return im->numcomps == 1 && im->comps != nullptr && im->comps[0].dx == 1 && im->comps[0].dy == 1 &&
               im->x1 > im->x0 && im->y1 > im->y0 && im->x1 - im->x0 == OPJ_UINT32(info.columns) &&
               im->y1 - im->y0 == OPJ_UINT32(info.rows);
    };
    const bool headerRead =
        opj_setup_decoder(codec, &params) && opj_read_header(stream, codec, &image) && image != nullptr;
    const bool decoded = headerRead && headerMatches(image) && opj_decode(codec, stream, image) &&
                         opj_end_decompress(codec, stream);
    if (headerRead && !decoded && !headerMatches(image)) {
        result = fail(
            ErrorCode::InvalidArgument,
            QStringLiteral("instance %1 frame %2: JPEG 2000 codestream is %3 x %4 with %5 components, the "
                           "header says %6 x %7")
                .arg(info.sopInstanceUid)
                .arg(info.frameIndex + 1)
                .arg(image->x1 - image->x0)
                .arg(image->y1 - image->y0)
                .arg(image->numcomps)
                .arg(info.columns)
                .arg(info.rows));
    } else if (!decoded) {
        result =
            fail(ErrorCode::InvalidArgument, QStringLiteral("instance %1 frame %2: JPEG 2000 decoding failed")
                                                 .arg(info.sopInstanceUid)
                                                 .arg(info.frameIndex + 1));
    } else if (image->numcomps != 1 || image->comps[0].w != OPJ_UINT32(info.columns) ||
               image->comps[0].h != OPJ_UINT32(info.rows) || image->comps[0].data == nullptr) {
        result =
            fail(ErrorCode::InvalidArgument,
                 QStringLiteral("instance %1 frame %2: JPEG 2000 image does not match the header (%3 x %4)")
                     .arg(info.sopInstanceUid)
                     .arg(info.frameIndex + 1)
                     .arg(info.columns)
                     .arg(info.rows));
    } else {
        const OPJ_INT32* samples = image->comps[0].data;
        auto* words = reinterpret_cast<std::uint16_t*>(dst.data());
        for (std::size_t i = 0; i < dst.size(); ++i)
            words[i] = std::uint16_t(samples[i]);
        result = toHu(words, dst.data(), dst.size(), info);
    }
    if (image != nullptr) {
        for (OPJ_UINT32 c = 0; c < image->numcomps; ++c)
            if (image->comps[c].data != nullptr)
                zeroBytes(image->comps[c].data,
                          std::size_t(image->comps[c].w) * image->comps[c].h * sizeof(OPJ_INT32));
        opj_image_destroy(image);
    }
    opj_stream_destroy(stream);
    opj_destroy_codec(codec);
    return result;
}

/// Splits the fragments of an encapsulated Pixel Data into frames (a frame begins with a fragment that starts
/// with a JPEG SOI / J2K SOC marker, or one fragment per frame when their counts match).
/// The fragments of the encapsulated Pixel Data (item 0 is the offset table), or an error naming the
/// instance.
Expected<DcmPixelSequence*> pixelFragments(Dataset& ds, const QString& sopInstanceUid)
{
    DcmElement* element = nullptr;
    if (ds.data->findAndGetElement(DCM_PixelData, element).bad() || element == nullptr)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("instance %1 has no Pixel Data").arg(sopInstanceUid));
    auto* pixelData = dynamic_cast<DcmPixelData*>(element);
    DcmPixelSequence* sequence = nullptr;
    if (pixelData == nullptr || pixelData->getEncapsulatedRepresentation(ds.xfer, nullptr, sequence).bad() ||
        sequence == nullptr)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("instance %1: encapsulated Pixel Data missing").arg(sopInstanceUid));
    return sequence;
}

Expected<void> decodeFragments(Dataset& ds, std::vector<InstanceInfo>& infos,
                               const InstanceDecoder::FrameTarget& t, std::vector<InstanceInfo>& done,
                               bool jpeg2000)
{
    const InstanceInfo& first = infos.front();
    auto encapsulated = pixelFragments(ds, first.sopInstanceUid);
    if (!encapsulated)
        return std::unexpected(encapsulated.error());
    DcmPixelSequence* sequence = *encapsulated;
    struct Fragment
    {
        const std::uint8_t* data;
        std::size_t size;
    };
    std::vector<std::vector<Fragment>> frames;
    const unsigned long count = sequence->card();
    const bool onePerFrame = count >= 1 && count - 1 == infos.size();
    for (unsigned long i = 1; i < count; ++i) {
        DcmPixelItem* item = nullptr;
        Uint8* bytes = nullptr;
        if (sequence->getItem(item, i).bad() || item == nullptr)
            continue;
        const Uint32 length = item->getLength();
        if (length == 0 || item->getUint8Array(bytes).bad() || bytes == nullptr)
            continue;
        const bool starts = length >= 2 && bytes[0] == 0xFF && (bytes[1] == 0xD8 || bytes[1] == 0x4F);
        if (frames.empty() || onePerFrame || (starts && infos.size() > 1))
            frames.emplace_back();
        frames.back().push_back({bytes, length});
    }
    if (frames.size() != infos.size())
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("instance %1: %2 compressed frames found, %3 expected")
                        .arg(first.sopInstanceUid)
                        .arg(frames.size())
                        .arg(infos.size()));
    for (auto& info : infos) {
        const auto& fragments = frames[std::size_t(info.frameIndex)];
        std::vector<std::uint8_t> joined;
        const std::uint8_t* data = fragments.front().data;
        std::size_t size = fragments.front().size;
        if (fragments.size() > 1) {
            for (const auto& f : fragments)
                joined.insert(joined.end(), f.data, f.data + f.size);
            data = joined.data();
            size = joined.size();
        }
        auto dst = target(t, info);
        if (!dst)
            return std::unexpected(dst.error());
        auto ok =
            jpeg2000 ? decodeWithOpenJpeg(data, size, info, *dst) : decodeWithCharLS(data, size, info, *dst);
        zeroBytes(joined.data(), joined.size());
        if (!ok)
            return ok;
        done.push_back(info);
    }
    return {};
}

/// DCMTK decompresses RLE and JPEG into one buffer for all frames, sized from the header (rows x columns x
/// frames x 2 bytes) before it looks at the data. Each format has a hard upper bound on its compression
/// ratio, so a header that declares more pixels than the compressed bytes can possibly hold is refused before
/// that allocation: RLE (PS3.5 G.3) yields at most 128 bytes per 2 bytes; lossless JPEG codes every sample
/// with at least one bit (16 output bytes per input byte); DCT JPEG at least 2 bits per 8 x 8 block (512 per
/// byte).
Expected<void> checkCompressionRatio(Dataset& ds, const InstanceInfo& info)
{
    std::uint64_t ratio = 0;
    switch (ds.xfer) {
    case EXS_RLELossless:
        ratio = 64;
        break;
    case EXS_JPEGProcess14:
    case EXS_JPEGProcess14SV1:
        ratio = 16;
        break;
    case EXS_JPEGProcess1:
    case EXS_JPEGProcess2_4:
        ratio = 512;
        break;
    default:
        return {}; // DCMTK's JPEG-LS (comparison backend only): run mode has no useful bound
    }
    auto fragments = pixelFragments(ds, info.sopInstanceUid);
    if (!fragments)
        return std::unexpected(fragments.error());
    DcmPixelSequence* sequence = *fragments;
    std::uint64_t compressed = 0;
    for (unsigned long i = 1; i < sequence->card(); ++i) {
        DcmPixelItem* item = nullptr;
        if (sequence->getItem(item, i).good() && item != nullptr)
            compressed += item->getLength();
    }
    const std::uint64_t declared =
        std::uint64_t(info.rows) * std::uint64_t(info.columns) * std::uint64_t(info.numberOfFrames) * 2;
    if (declared > compressed * ratio + 1024)
        return fail(
            ErrorCode::InvalidArgument,
            QStringLiteral("instance %1: %2 bytes of compressed pixel data cannot hold %3 frames of %4 x "
                           "%5 (%6 bytes) in transfer syntax %7: refused before decompression")
                .arg(info.sopInstanceUid)
                .arg(compressed)
                .arg(info.numberOfFrames)
                .arg(info.rows)
                .arg(info.columns)
                .arg(declared)
                .arg(info.transferSyntaxUid));
    return {};
}

/// True when DCMTK 3.6.7's DJCodecDecoder::scanJpegDataForBitDepth would never return for this fragment: it
/// walks the JPEG markers up to the frame header, and its case for a TEM marker (FF01) does not advance, so
/// one before the frame header loops forever (libFuzzer: a 1 KB instance hung a decode thread). This is the
/// same walk, step for step, stopping where DCMTK stops.
bool dcmtkJpegScanLoops(const std::uint8_t* data, std::size_t length)
{
    std::size_t offset = 0;
    while (offset + 4 < length) {
        const unsigned marker = (unsigned(data[offset]) << 8) | data[offset + 1];
        const std::size_t segment = ((std::size_t(data[offset + 2]) << 8) | data[offset + 3]) + 2;
        if (marker == 0xFF01)
            return true;
        if (marker >= 0xFFC0 && marker <= 0xFFCF && marker != 0xFFC4 && marker != 0xFFC8 && marker != 0xFFCC)
            return false; // a frame header: DCMTK reads its precision and returns
        if (marker == 0xFFC4 || marker == 0xFFC8 || marker == 0xFFCC ||
            (marker >= 0xFFDA && marker <= 0xFFFE))
            offset += segment;
        else if (marker >= 0xFFD0 && marker <= 0xFFD9)
            offset += 2;
        else if (marker == 0xFFFF)
            offset += 1;
        else if (data[offset] == 0xFF && data[offset + 1] > 2 && data[offset + 1] <= 0xBF)
            offset += 2; // reserved markers
        else
            return false; // DCMTK stops at an invalid marker
    }
    return false;
}

/// Refuses JPEG pixel data on which DCMTK's bit depth scan would hang (see dcmtkJpegScanLoops). Every
/// fragment is checked, a superset of those DCMTK scans (a fragment continuing entropy-coded data stops the
/// walk at once).
Expected<void> checkDcmtkJpegScan(Dataset& ds, const InstanceInfo& info)
{
    if (ds.xfer != EXS_JPEGProcess1 && ds.xfer != EXS_JPEGProcess2_4 && ds.xfer != EXS_JPEGProcess14 &&
        ds.xfer != EXS_JPEGProcess14SV1)
        return {};
    auto fragments = pixelFragments(ds, info.sopInstanceUid);
    if (!fragments)
        return std::unexpected(fragments.error());
    DcmPixelSequence* sequence = *fragments;
    for (unsigned long i = 1; i < sequence->card(); ++i) {
        DcmPixelItem* item = nullptr;
        Uint8* bytes = nullptr;
        if (sequence->getItem(item, i).bad() || item == nullptr || item->getLength() == 0 ||
            item->getUint8Array(bytes).bad() || bytes == nullptr)
            continue;
        if (dcmtkJpegScanLoops(bytes, item->getLength()))
            return fail(
                ErrorCode::InvalidArgument,
                QStringLiteral("instance %1: JPEG fragment %2 has a TEM marker (FF01) before its frame "
                               "header, on which DCMTK's decoder would never return: refused")
                    .arg(info.sopInstanceUid)
                    .arg(i));
    }
    return {};
}

Expected<std::vector<InstanceInfo>> run(QByteArrayView bytes, const InstanceDecoder::FrameTarget* t,
                                        const DecodeLimits& limits)
{
    registerCodecs();
    Dataset ds;
    auto parsed = parse(bytes, ds, limits);
    if (!parsed)
        return std::unexpected(parsed.error());
    auto infos = readInfo(ds, limits);
    if (!infos || t == nullptr)
        return infos;
    std::vector<InstanceInfo> done;
    Expected<void> ok;
    switch (ds.xfer) {
    case EXS_LittleEndianImplicit:
    case EXS_LittleEndianExplicit:
    case EXS_BigEndianExplicit:
    case EXS_DeflatedLittleEndianExplicit:
        ok = decodeNative(ds, *infos, *t, done);
        break;
    case EXS_JPEG2000LosslessOnly:
    case EXS_JPEG2000:
        ok = decodeFragments(ds, *infos, *t, done, true);
        break;
    case EXS_JPEGLSLossless:
    case EXS_JPEGLSLossy:
        if (g_jpegLsBackend.load() == InstanceDecoder::JpegLsBackend::CharLS) {
            ok = decodeFragments(ds, *infos, *t, done, false);
            break;
        }
        [[fallthrough]];
    case EXS_JPEGProcess1:
    case EXS_JPEGProcess2_4:
    case EXS_JPEGProcess14:
    case EXS_JPEGProcess14SV1:
    case EXS_RLELossless: {
        if (auto fits = checkCompressionRatio(ds, infos->front()); !fits) {
            ok = fits;
            break;
        }
        if (auto scannable = checkDcmtkJpegScan(ds, infos->front()); !scannable) {
            ok = scannable;
            break;
        }
        const OFCondition cond = ds.data->chooseRepresentation(EXS_LittleEndianExplicit, nullptr);
        if (cond.bad() || !ds.data->canWriteXfer(EXS_LittleEndianExplicit, ds.xfer)) {
            ok = fail(ErrorCode::InvalidArgument,
                      QStringLiteral("instance %1: decompression failed: %2")
                          .arg(infos->front().sopInstanceUid, QString::fromLatin1(cond.text())));
            break;
        }
        ok = decodeNative(ds, *infos, *t, done);
        break;
    }
    default:
        ok = fail(ErrorCode::Unsupported,
                  QStringLiteral("instance %1: transfer syntax %2 is not supported")
                      .arg(infos->front().sopInstanceUid, infos->front().transferSyntaxUid));
    }
    if (!ok)
        return std::unexpected(ok.error());
    return done;
}

} // namespace

Expected<std::vector<InstanceInfo>> InstanceDecoder::readHeaders(QByteArrayView bytes,
                                                                 const DecodeLimits& limits)
{
    try {
        return run(bytes, nullptr, limits);
    } catch (const std::bad_alloc&) {
        return fail(
            ErrorCode::InvalidArgument,
            QStringLiteral("the instance (%1 bytes) claims more memory than available").arg(bytes.size()));
    } catch (const std::exception& e) {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("the instance (%1 bytes) could not be decoded: %2")
                        .arg(bytes.size())
                        .arg(QString::fromLocal8Bit(e.what())));
    }
}

Expected<std::vector<InstanceInfo>> InstanceDecoder::decode(QByteArrayView bytes, const FrameTarget& target,
                                                            const DecodeLimits& limits)
{
    if (!target)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("InstanceDecoder::decode needs a frame target"));
    try {
        return run(bytes, &target, limits);
    } catch (const std::bad_alloc&) {
        return fail(
            ErrorCode::InvalidArgument,
            QStringLiteral("the instance (%1 bytes) claims more memory than available").arg(bytes.size()));
    } catch (const std::exception& e) {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("the instance (%1 bytes) could not be decoded: %2")
                        .arg(bytes.size())
                        .arg(QString::fromLocal8Bit(e.what())));
    }
}

void InstanceDecoder::setJpegLsBackend(JpegLsBackend backend)
{
    g_jpegLsBackend.store(backend);
}

} // namespace dokuei::viewer
