#include "MultipartTestData.h"

#include <QRandomGenerator>

namespace dokuei::exchange::test {

QList<FakeInstance> makeInstances(int count, int size, quint32 seed, const QByteArray& boundary)
{
    QRandomGenerator random(seed);
    QList<FakeInstance> instances;
    for (int i = 0; i < count; ++i) {
        FakeInstance instance;
        instance.sopUid = QStringLiteral("1.2.826.0.1.3680043.10.1234.%1.%2").arg(seed).arg(i + 1);
        QByteArray bytes = "SOP:" + instance.sopUid.toLatin1() + "\n";
        const qsizetype header = bytes.size();
        bytes.resize(std::max<qsizetype>(size, header + 64));
        for (qsizetype j = header; j < bytes.size(); ++j) {
            bytes[j] = static_cast<char>(random.bounded(256));
        }
        if (i % 3 == 0) {
            // The boundary inside the data, preceded by CRLF "--" but followed by an ordinary byte.
            const QByteArray trap = "\r\n--" + boundary + "X";
            bytes.replace(header + 8, trap.size(), trap);
        }
        instance.bytes = bytes;
        instances.append(instance);
    }
    return instances;
}

QString fakeSopUid(QByteArrayView bytes)
{
    if (!bytes.startsWith("SOP:")) {
        return {};
    }
    const qsizetype end = bytes.indexOf('\n');
    return end < 0 ? QString() : QString::fromLatin1(bytes.sliced(4, end - 4));
}

QByteArray makeMultipart(const QList<FakeInstance>& instances, const QByteArray& boundary,
                         const MultipartOptions& options)
{
    const QByteArray nl = options.lfOnly ? "\n" : "\r\n";
    QByteArray out = options.preamble;
    for (int i = 0; i < instances.size(); ++i) {
        const auto& instance = instances[i];
        out += (i == 0 && options.preamble.isEmpty() ? QByteArray() : nl) + "--" + boundary + nl;
        out += "Content-Type: application/dicom" + nl;
        out += "Content-Location: /studies/1/series/2/instances/" + instance.sopUid.toLatin1() + nl;
        if (options.withContentLength) {
            qsizetype length = instance.bytes.size();
            if (i == options.lieAboutLengthOfPart) {
                length += options.lieDelta;
            }
            out += "Content-Length: " + QByteArray::number(length) + nl;
        }
        out += nl;
        out += instance.bytes;
    }
    out += nl + "--" + boundary + "--" + nl;
    out += options.epilogue;
    return out;
}

} // namespace dokuei::exchange::test
