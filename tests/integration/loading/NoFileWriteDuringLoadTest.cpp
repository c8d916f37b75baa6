// "During a load, the process opens no file for writing": dokuei-load-probe loads a demo series of the
// reading centre the way the reading window does (SeriesLoader: WADO-RS over mutual TLS with the card's key,
// decoded into the secure volume) under strace -f; between the probe's begin and end markers no call may
// open a file for writing (O_WRONLY, O_RDWR, O_CREAT, O_TRUNC) or create, truncate, rename, link or remove
// one. The trace must show the load itself (the connection to the reading centre and reads from it), so that
// the test cannot pass on an empty or unrelated trace.
#include "ReadingCenterEnv.h"
#include "Subprocess.h"

#include <QFile>
#include <QMap>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QUrl>

#include <gtest/gtest.h>

namespace dokuei::integration {
namespace {

// What strace watches: everything that can put a file on disk or change one, plus the network calls and
// reads that prove the load happened under the tracer.
const QString kTraced = QStringLiteral(
    "open,openat,openat2,creat,truncate,rename,renameat,renameat2,link,linkat,symlink,symlinkat,unlink,"
    "unlinkat,mkdir,mkdirat,mknod,mknodat,socket,connect,read,recvfrom,recvmsg");

// Calls that change the file system whatever their arguments.
const QRegularExpression kAlwaysWrites(QStringLiteral(
    R"(^(creat|truncate|rename|renameat|renameat2|link|linkat|symlink|symlinkat|unlink|unlinkat|mkdir|mkdirat|mknod|mknodat)\()"));
const QRegularExpression kOpen(QStringLiteral(R"(^(open|openat|openat2)\()"));
const QRegularExpression kWriteFlags(QStringLiteral(R"(\b(O_WRONLY|O_RDWR|O_CREAT|O_TRUNC)\b)"));

/// Paths a load may open for writing. Each entry says why; nothing else is allowed.
bool allowed(const QString& call)
{
    // /dev/null: no file is written through it.
    return call.contains(QStringLiteral("\"/dev/null\""));
}

struct Trace
{
    int calls = 0;       // traced calls between the markers
    int connects = 0;    // connect() to the reading centre's port
    int socketReads = 0; // reads with data on that connection's socket
    QStringList writes;  // offending lines
    bool begin = false;
    bool end = false;
};

/// Parses `strace -f -qq` output ("<pid> <call>(<args>) = <result>", resumed calls joined by strace's
/// "<unfinished ...>" / "<... resumed>" pairs) between the probe's markers.
Trace analyse(const QByteArray& text, int port)
{
    Trace trace;
    QMap<QString, QString> unfinished;  // pid -> start of an unfinished call
    QSet<QString> readingCentreSockets; // file descriptors (shared by the threads of the process)
    const QRegularExpression line(QStringLiteral(R"(^(\d+)\s+(.*)$)"));
    const QRegularExpression resumed(QStringLiteral(R"(^<\.\.\. (\w+) resumed>(.*)$)"));
    const QRegularExpression connectCall(
        QStringLiteral(R"(^connect\((\d+), \{sa_family=AF_INET6?, sin6?_port=htons\((\d+)\))"));
    const QRegularExpression readCall(QStringLiteral(R"(^(read|recvfrom|recvmsg)\((\d+),.*\)\s+=\s+(\d+))"));
    for (const QByteArray& raw : text.split('\n')) {
        QString entry = QString::fromLatin1(raw);
        QString pid;
        if (const auto m = line.match(entry); m.hasMatch()) {
            pid = m.captured(1);
            entry = m.captured(2);
        }
        if (entry.endsWith(QStringLiteral("<unfinished ...>"))) {
            unfinished[pid] = entry.chopped(16);
            continue;
        }
        if (const auto m = resumed.match(entry); m.hasMatch()) {
            entry = unfinished.take(pid) + m.captured(2);
        }
        if (entry.contains(QStringLiteral("\"/dokuei-load-probe/begin\""))) {
            trace.begin = true;
            continue;
        }
        if (entry.contains(QStringLiteral("\"/dokuei-load-probe/end\""))) {
            trace.end = true;
            break;
        }
        if (!trace.begin || entry.isEmpty() || entry.startsWith(QStringLiteral("+++")) ||
            entry.startsWith(QStringLiteral("---"))) {
            continue;
        }
        ++trace.calls;
        if (const auto m = connectCall.match(entry); m.hasMatch() && m.captured(2).toInt() == port) {
            ++trace.connects;
            readingCentreSockets.insert(m.captured(1));
        }
        if (const auto m = readCall.match(entry);
            m.hasMatch() && readingCentreSockets.contains(m.captured(2)) && m.captured(3).toLongLong() > 0) {
            ++trace.socketReads;
        }
        const bool writes = kAlwaysWrites.match(entry).hasMatch() ||
                            (kOpen.match(entry).hasMatch() && kWriteFlags.match(entry).hasMatch());
        if (writes && !allowed(entry)) {
            trace.writes << pid + QLatin1Char(' ') + entry;
        }
    }
    return trace;
}

void loadWritesNothing(const char* series)
{
    auto env = ReadingCenterEnv::load();
    ASSERT_TRUE(env) << env.error().toStdString();
    const int port = QUrl(env->url()).port(443);
    QTemporaryDir dir;
    const QString traceFile = dir.filePath(QStringLiteral("strace.out"));
    const auto run = runSubprocess(QStringLiteral("strace"),
                                   {QStringLiteral("-f"), QStringLiteral("-qq"), QStringLiteral("-e"),
                                    QStringLiteral("trace=") + kTraced, QStringLiteral("-o"), traceFile,
                                    QStringLiteral(DOKUEI_LOAD_PROBE_PATH), QString::fromLatin1(series)},
                                   {}, 120000);
    ASSERT_EQ(run.exitCode, 0) << run.err.toStdString() << run.failure.toStdString();
    EXPECT_TRUE(run.out.startsWith("loaded ")) << run.out.toStdString();

    QFile file(traceFile);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    const QByteArray text = file.readAll();
    ASSERT_FALSE(text.isEmpty()) << "strace wrote nothing";
    const Trace trace = analyse(text, port);
    std::printf("%s: %s; %d calls traced during the load, %d connect(s) to the reading centre, %d reads from "
                "it, %lld file writes\n",
                series, run.out.trimmed().constData(), trace.calls, trace.connects, trace.socketReads,
                static_cast<long long>(trace.writes.size()));
    ASSERT_TRUE(trace.begin && trace.end) << "the probe's markers are not in the trace";
    EXPECT_GE(trace.connects, 1) << "no connection to the reading centre (port " << port
                                 << ") during the load";
    EXPECT_GE(trace.socketReads, 1) << "nothing read from the reading centre during the load";
    EXPECT_TRUE(trace.writes.isEmpty()) << "files opened for writing during the load:\n"
                                        << trace.writes.join(QLatin1Char('\n')).toStdString();
}

// The analysis itself: a trace with writes inside the markers is caught, writes outside them are not counted.
TEST(NoFileWriteDuringLoad, AnalysisFindsWritesBetweenTheMarkersOnly)
{
    const QByteArray text =
        "10 unlink(\"/tmp/before\") = 0\n"
        "10 openat(AT_FDCWD, \"/dokuei-load-probe/begin\", O_RDONLY|O_CLOEXEC) = -1 ENOENT (No such file)\n"
        "11 connect(6, {sa_family=AF_INET, sin_port=htons(4443), sin_addr=inet_addr(\"127.0.0.1\")}, 16) = "
        "0\n"
        "11 read(6, \"\\27\\3\\3\"..., 16384) = 4096\n"
        "11 openat(AT_FDCWD, \"/usr/share/libdcmtk17/dicom.dic\", O_RDONLY) = 9\n"
        "11 openat(AT_FDCWD, \"/dev/null\", O_RDWR|O_CLOEXEC) = 9\n"
        "12 openat(AT_FDCWD, \"/home/u/.cache/x\", O_WRONLY|O_CREAT|O_TRUNC, 0666 <unfinished ...>\n"
        "11 read(7, \"abc\", 3) = 3\n"
        "12 <... openat resumed>) = 9\n"
        "12 mkdir(\"/tmp/y\", 0700) = 0\n"
        "12 renameat2(AT_FDCWD, \"/tmp/a\", AT_FDCWD, \"/tmp/b\", RENAME_NOREPLACE) = 0\n"
        "10 openat(AT_FDCWD, \"/dokuei-load-probe/end\", O_RDONLY|O_CLOEXEC) = -1 ENOENT (No such file)\n"
        "10 unlink(\"/tmp/after\") = 0\n";
    const Trace trace = analyse(text, 4443);
    EXPECT_TRUE(trace.begin);
    EXPECT_TRUE(trace.end);
    EXPECT_EQ(trace.calls, 8);
    EXPECT_EQ(trace.connects, 1);
    EXPECT_EQ(trace.socketReads, 1) << "only reads on the reading centre's socket";
    ASSERT_EQ(trace.writes.size(), 3) << trace.writes.join(QLatin1Char('\n')).toStdString();
    EXPECT_TRUE(trace.writes[0].contains(QStringLiteral("/home/u/.cache/x")));
    EXPECT_TRUE(trace.writes[1].startsWith(QStringLiteral("12 mkdir(")));
    EXPECT_TRUE(trace.writes[2].startsWith(QStringLiteral("12 renameat2(")));
}

TEST(NoFileWriteDuringLoad, TinySeries)
{
    loadWritesNothing("TINY");
}

TEST(NoFileWriteDuringLoad, JpegLsHeadSeries)
{
    loadWritesNothing("HEAD");
}

} // namespace
} // namespace dokuei::integration
