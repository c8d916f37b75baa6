#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace dokuei::exchange::test {

/// A fake instance: random bytes after a header line "SOP:<uid>\n" that fakeSopUid() reads.
struct FakeInstance
{
    QString sopUid;
    QByteArray bytes;
};

/// `count` fake instances of `size` bytes each (deterministic for a seed). Every third one carries the
/// CRLF "--" boundary inside its data followed by other bytes (not a delimiter).
QList<FakeInstance> makeInstances(int count, int size, quint32 seed, const QByteArray& boundary);

/// The SOP UID of a fake instance, empty when the header line is missing.
QString fakeSopUid(QByteArrayView bytes);

struct MultipartOptions
{
    QByteArray preamble;
    QByteArray epilogue;
    bool withContentLength = true;
    bool lfOnly = false;
    int lieAboutLengthOfPart = -1; ///< 0-based; declared length is one byte short
    int lieDelta = -1;
};

/// A multipart/related body of the instances.
QByteArray makeMultipart(const QList<FakeInstance>& instances, const QByteArray& boundary,
                         const MultipartOptions& options = {});

} // namespace dokuei::exchange::test
