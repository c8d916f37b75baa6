// Fault test: nginx killed mid-series and restarted. The test runs its own nginx (the stack's generated
// configuration with its own port, pid file, logs and temp directories) in front of the stack's Orthanc,
// loads the demo chest series (300 instances) over mutual TLS with the card's key, SIGKILLs the nginx
// master and its workers after some instances have arrived, starts nginx again on the same port, and
// checks that the load completes with every SOP instance delivered exactly once. The stack's own nginx is
// never touched (other tests use it in parallel).
#include "PrivateCardReader.h"
#include "ReadingCenterEnv.h"

#include <algorithm>
#include <csignal>
#include <dokuei/exchange/CardClientKey.h>
#include <dokuei/exchange/DicomWebClient.h>
#include <dokuei/exchange/SeriesRetriever.h>
#include <dokuei/viewer/core/Volume.h>
#include <dokuei/viewer/core/VolumeAssembler.h>
#include <memory>
#include <optional>
#include <sys/types.h>

#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QHash>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <gtest/gtest.h>

namespace dokuei::integration {
namespace {

using namespace dokuei::exchange;

/// PIDs of the direct children of `parent` (nginx workers of a master), from /proc.
QList<qint64> childrenOf(qint64 parent)
{
    QList<qint64> children;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString& entry : entries) {
        bool numeric = false;
        const qint64 pid = entry.toLongLong(&numeric);
        if (!numeric)
            continue;
        QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray line = stat.readAll();
        // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'
        const qsizetype close = line.lastIndexOf(')');
        if (close < 0)
            continue;
        const QList<QByteArray> fields = line.mid(close + 2).split(' ');
        if (fields.size() > 1 && fields[1].toLongLong() == parent)
            children.append(pid);
    }
    return children;
}

/// Whether the process exists and is not a zombie (a zombie holds no sockets any more).
bool isAlive(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray line = stat.readAll();
    const qsizetype close = line.lastIndexOf(')');
    return close >= 0 && close + 2 < line.size() && line[close + 2] != 'Z' && line[close + 2] != 'X';
}

bool portAccepts(quint16 port)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    const bool connected = socket.waitForConnected(1000);
    socket.abort();
    return connected;
}

/// An nginx of this test, in the foreground (daemon off) so that the master is this process's child.
class OwnNginx
{
public:
    OwnNginx(const QString& stackDir, const QString& dir, quint16 port) : m_dir(dir), m_port(port)
    {
        m_binary = QStandardPaths::findExecutable(QStringLiteral("nginx"),
                                                  {QStringLiteral("/usr/sbin"), QStringLiteral("/usr/bin")});
        QFile stackConfig(stackDir + QStringLiteral("/nginx/nginx.conf"));
        if (m_binary.isEmpty() || !stackConfig.open(QIODevice::ReadOnly)) {
            m_error = QStringLiteral("no nginx binary or no stack nginx.conf in %1").arg(stackDir);
            return;
        }
        QString config = QString::fromUtf8(stackConfig.readAll());
        // Own pid file, temp directories, logs and port; certificates, CA, CRL and upstream stay the stack's.
        config.replace(stackDir + QStringLiteral("/nginx/"), m_dir + QLatin1Char('/'));
        config.replace(stackDir + QStringLiteral("/logs/nginx-"), m_dir + QStringLiteral("/nginx-"));
        static const QRegularExpression listen(QStringLiteral("listen 127\\.0\\.0\\.1:\\d+"));
        const qsizetype listens = config.count(listen);
        config.replace(listen, QStringLiteral("listen 127.0.0.1:%1").arg(m_port));
        if (listens != 1 || config.contains(stackDir + QStringLiteral("/nginx/")) ||
            config.contains(stackDir + QStringLiteral("/logs/"))) {
            m_error = QStringLiteral("the stack's nginx.conf does not have the expected shape");
            return;
        }
        QDir().mkpath(m_dir + QStringLiteral("/tmp"));
        QFile out(configPath());
        if (!out.open(QIODevice::WriteOnly) || out.write(config.toUtf8()) < 0) {
            m_error = QStringLiteral("cannot write %1").arg(configPath());
            return;
        }
        out.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner); // holds Orthanc's basic auth
    }
    ~OwnNginx() { kill(); }

    QString error() const { return m_error; }
    QString configPath() const { return m_dir + QStringLiteral("/nginx.conf"); }
    QString accessLog() const { return m_dir + QStringLiteral("/nginx-access.log"); }
    qint64 masterPid() const { return m_process ? m_process->processId() : 0; }

    /// Starts nginx and waits until it accepts connections on the port.
    bool start()
    {
        m_process = std::make_unique<QProcess>();
        m_process->setProcessChannelMode(QProcess::MergedChannels);
        m_process->start(m_binary, {QStringLiteral("-g"), QStringLiteral("daemon off;"), QStringLiteral("-c"),
                                    configPath(), QStringLiteral("-p"), m_dir, QStringLiteral("-e"),
                                    m_dir + QStringLiteral("/nginx-error.log")});
        if (!m_process->waitForStarted(5000)) {
            m_error = QStringLiteral("nginx did not start: %1").arg(m_process->errorString());
            return false;
        }
        for (int i = 0; i < 100; ++i) {
            if (m_process->state() != QProcess::Running)
                break;
            if (portAccepts(m_port))
                return true;
            QThread::msleep(50);
        }
        m_process->waitForFinished(100);
        m_error = QStringLiteral("nginx did not listen on %1: %2 %3")
                      .arg(m_port)
                      .arg(QString::fromLocal8Bit(m_process->readAll()), errorLogTail());
        return false;
    }

    /// SIGKILL to the master and every worker at once; returns how many processes were killed.
    int kill()
    {
        if (!m_process || m_process->state() == QProcess::NotRunning)
            return 0;
        const qint64 master = m_process->processId();
        QList<qint64> victims = childrenOf(master);
        victims.prepend(master);
        for (const qint64 pid : victims)
            ::kill(pid_t(pid), SIGKILL);
        m_process->waitForFinished(5000);
        // The workers, reparented once the master is gone, hold the listening socket until they have exited.
        for (int i = 0; i < 250 && std::ranges::any_of(victims, isAlive); ++i)
            QThread::msleep(20);
        return int(victims.size());
    }

    QString errorLogTail() const
    {
        QFile log(m_dir + QStringLiteral("/nginx-error.log"));
        return log.open(QIODevice::ReadOnly) ? QString::fromLocal8Bit(log.readAll().right(2000)) : QString();
    }

private:
    QString m_dir;
    quint16 m_port;
    QString m_binary;
    QString m_error;
    std::unique_ptr<QProcess> m_process;
};

class NginxRestartTest : public ::testing::Test
{
protected:
    static void SetUpTestSuite()
    {
        auto loaded = ReadingCenterEnv::load();
        if (!loaded) {
            s_error = loaded.error();
            return;
        }
        s_env = std::move(*loaded);
        s_reader = std::make_unique<PrivateCardReader>(*s_env);
        if (!s_reader->error().isEmpty() || !s_reader->insertOnly({QStringLiteral("dr.sato")}))
            s_error = QStringLiteral("private card reader: ") + s_reader->error();
    }
    static void TearDownTestSuite() { s_reader.reset(); }

    void SetUp() override { ASSERT_TRUE(s_error.isEmpty()) << s_error.toStdString(); }

    void loadKillingNginxAfter(const QList<int>& killAfter);

    static quint16 freePort()
    {
        QTcpServer s;
        s.listen(QHostAddress::LocalHost, 0);
        return s.serverPort();
    }

    static std::unique_ptr<DicomWebClient> client(const QUrl& baseUrl)
    {
        auto policy = TlsPolicy::load({s_env->caFile(), s_env->value(QStringLiteral("DOKUEI_RC_CRL")), {}});
        EXPECT_TRUE(policy) << policy.error().message.toStdString();
        if (!policy)
            return nullptr;
        DicomWebClientSettings settings;
        settings.baseUrl = baseUrl;
        settings.timeout = std::chrono::seconds(20);
        auto c = std::make_unique<DicomWebClient>(*policy, settings);
        const ReadingCenterUser user = s_env->user(QStringLiteral("dr.sato"));
        QByteArray pin = user.pin.toUtf8();
        CardClientKeySettings keySettings;
        keySettings.modulePath = s_env->value(QStringLiteral("DOKUEI_PKCS11_MODULE"));
        keySettings.keyUri = user.authKeyUri;
        auto key = CardClientKey::loadPrivateKey(keySettings, pin);
        EXPECT_TRUE(key) << key.error().message.toStdString();
        if (!key)
            return nullptr;
        c->setClientCredentials({*key, QSslCertificate::fromPath(user.authCert).value(0)});
        return c;
    }

    static inline std::optional<ReadingCenterEnv> s_env;
    static inline std::unique_ptr<PrivateCardReader> s_reader;
    static inline QString s_error;
};

/// Loads the chest series through the test's own nginx, SIGKILLs nginx each time the delivered instances
/// reach the next of `killAfter` and restarts it on the same port a moment later; the load must complete
/// with each instance once, in the handler and in the volume.
void NginxRestartTest::loadKillingNginxAfter(const QList<int>& killAfter)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    // nginx's workers run as the configuration's user (nobody when started as root): let them traverse
    QFile::setPermissions(dir.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                          QFileDevice::ExeOwner | QFileDevice::ExeGroup |
                                          QFileDevice::ExeOther);
    const quint16 port = freePort();
    OwnNginx nginx(s_env->stackDir(), dir.path(), port);
    ASSERT_TRUE(nginx.error().isEmpty()) << nginx.error().toStdString();
    ASSERT_TRUE(nginx.start()) << nginx.error().toStdString();

    auto c = client(QUrl(QStringLiteral("https://localhost:%1/dicom-web").arg(port)));
    ASSERT_TRUE(c);
    const QString study = s_env->value(QStringLiteral("DOKUEI_DEMO_CHEST_STUDY_UID"));
    const QString series = s_env->value(QStringLiteral("DOKUEI_DEMO_CHEST_SERIES_UID"));
    auto instances = c->searchInstancesSync(study, series);
    ASSERT_TRUE(instances) << instances.error().message.toStdString();
    QStringList expected;
    for (const InstanceRecord& r : *instances)
        expected.append(r.sopInstanceUid);
    ASSERT_EQ(expected.size(), s_env->value(QStringLiteral("DOKUEI_DEMO_CHEST_INSTANCES")).toInt());
    ASSERT_LT(killAfter.back(), expected.size() - 50) << "every kill must land before the end";

    SeriesRetriever retriever(c->network(), [&](const QString& path, const QByteArray& accept) {
        return c->request(path, accept);
    });
    retriever.setReplyWatcher([&](QNetworkReply* reply) {
        c->watch(reply, qint64(2) * 1024 * 1024 * 1024);
        // Back-pressure: Qt stops reading the socket when 4 MiB wait in the reply, so that the kill lands
        // while the series is still on the wire (unbounded, the whole 150 MB may already be in memory).
        reply->setReadBufferSize(4 * 1024 * 1024);
    });
    retriever.setFailureClassifier([&](QNetworkReply* reply) -> std::optional<Error> {
        // as the workstation's SeriesLoader: TLS and certificate failures are final, the rest is retried
        const DicomWebError error = c->failureOf(reply);
        if (!error.isSecurityRelevant())
            return std::nullopt;
        return Error{ErrorCode::IoFailure, error.message};
    });
    // Short backoff; enough attempts to outlast nginx being down for about a second.
    retriever.setRetryPolicy(RetryPolicy{12, std::chrono::milliseconds(100), std::chrono::milliseconds(800)});

    viewer::AssemblerOptions assemblerOptions;
    assemblerOptions.expectedInstances = int(expected.size());
    viewer::VolumeAssembler assembler(assemblerOptions);
    QHash<QString, int> calls;
    struct Kill
    {
        int deliveredAtKill = -1;
        int killedProcesses = 0;
        bool refusedWhileDown = false;
        bool restarted = false;
        int deliveredAtRestart = -1;
        QString restartError;
    };
    QList<Kill> kills;
    QEventLoop loop;
    retriever.setInstanceHandler([&](const QString& sop, QByteArray& bytes) {
        ++calls[sop];
        EXPECT_FALSE(bytes.isEmpty());
        auto added = assembler.addInstance(std::move(bytes));
        EXPECT_TRUE(added) << added.error().message.toStdString();
        if (kills.size() < killAfter.size() && retriever.instancesDelivered() >= killAfter[kills.size()] &&
            (kills.isEmpty() || kills.back().restarted)) {
            Kill kill;
            kill.deliveredAtKill = retriever.instancesDelivered();
            kill.killedProcesses = nginx.kill();
            kill.refusedWhileDown = !portAccepts(port);
            kills.append(kill);
            // a moment later, nginx again on the same port
            QTimer::singleShot(700, &loop, [&, index = kills.size() - 1] {
                Kill& k = kills[index];
                k.restarted = nginx.start();
                if (!k.restarted)
                    k.restartError = nginx.error();
                k.deliveredAtRestart = retriever.instancesDelivered();
            });
        }
    });
    std::optional<bool> outcome;
    QObject::connect(&retriever, &SeriesRetriever::finished, &loop, [&](bool success) {
        outcome = success;
        loop.quit();
    });
    QStringList failedInstances;
    QObject::connect(&retriever, &SeriesRetriever::instanceFailed, &loop,
                     [&](const QString& sop, const QString& message) {
                         failedInstances << sop + QStringLiteral(": ") + message;
                     });
    QTimer guard; // against a hang only; the outcome is asserted, not the time
    guard.setSingleShot(true);
    QObject::connect(&guard, &QTimer::timeout, &loop, &QEventLoop::quit);
    guard.start(std::chrono::minutes(3));
    QElapsedTimer clock;
    clock.start();
    retriever.start(study, series, expected);
    loop.exec();
    const qint64 elapsed = clock.elapsed();

    ASSERT_TRUE(outcome.has_value()) << "the retrieval did not finish";
    EXPECT_TRUE(*outcome) << (retriever.error() ? retriever.error()->message.toStdString() : std::string())
                          << "\n"
                          << failedInstances.join(QLatin1Char('\n')).toStdString();
    EXPECT_TRUE(failedInstances.isEmpty()) << failedInstances.join(QLatin1Char('\n')).toStdString();
    // the faults really happened, each while instances were still missing
    ASSERT_EQ(kills.size(), killAfter.size());
    for (qsizetype i = 0; i < kills.size(); ++i) {
        const Kill& kill = kills[i];
        EXPECT_EQ(kill.deliveredAtKill, killAfter[i]);
        EXPECT_GE(kill.killedProcesses, 2) << "master and at least one worker";
        EXPECT_TRUE(kill.refusedWhileDown) << "nginx still accepted connections after SIGKILL";
        ASSERT_TRUE(kill.restarted) << kill.restartError.toStdString();
        EXPECT_LT(kill.deliveredAtRestart, expected.size())
            << "the series was complete before nginx came back";
    }
    EXPECT_GT(retriever.retries(), 0);
    // every expected instance exactly once, nothing else
    EXPECT_EQ(retriever.instancesDelivered(), expected.size());
    EXPECT_EQ(calls.size(), expected.size());
    EXPECT_EQ(QSet<QString>(calls.keyBegin(), calls.keyEnd()),
              QSet<QString>(expected.begin(), expected.end()));
    int repeated = 0;
    for (auto it = calls.cbegin(); it != calls.cend(); ++it)
        if (it.value() != 1)
            ++repeated;
    EXPECT_EQ(repeated, 0) << "instances handed over more than once";
    // and the volume is complete: one slice per instance, each instance placed once
    assembler.close();
    ASSERT_TRUE(assembler.waitForFinished(120000));
    EXPECT_TRUE(assembler.errors().empty()) << assembler.errors().front().error.message.toStdString();
    const viewer::Volume* volume = assembler.volume();
    ASSERT_NE(volume, nullptr) << (assembler.failure() ? assembler.failure()->message.toStdString() : "");
    EXPECT_EQ(volume->slices(), expected.size());
    QSet<QString> placed;
    for (const viewer::InstanceInfo& info : assembler.sliceInfos())
        placed.insert(info.sopInstanceUid);
    EXPECT_EQ(placed, QSet<QString>(expected.begin(), expected.end()));
    // the missing instances came through the restarted nginx: per-instance WADO-RS requests are only made
    // after the series response broke (the QIDO-RS request before it ends in "/instances?")
    QFile log(nginx.accessLog());
    ASSERT_TRUE(log.open(QIODevice::ReadOnly));
    const QByteArray access = log.readAll();
    EXPECT_TRUE(access.contains("/instances/")) << "no per-instance request reached the restarted nginx";
    for (const Kill& kill : kills)
        std::cout << "nginx killed after " << kill.deliveredAtKill << " instances (" << kill.killedProcesses
                  << " processes), " << kill.deliveredAtRestart << " delivered when it was back\n";
    std::cout << "retries: " << retriever.retries() << ", delivered: " << retriever.instancesDelivered()
              << "/" << expected.size() << ", repeated: " << repeated
              << ", volume slices: " << volume->slices() << ", retrieval: " << elapsed << " ms\n";
}

TEST_F(NginxRestartTest, NginxKilledMidSeriesAndRestartedLoadCompletesEachSliceOnce)
{
    loadKillingNginxAfter({60});
}

TEST_F(NginxRestartTest, NginxKilledAgainWhileMissingInstancesAreFetchedLoadCompletesEachSliceOnce)
{
    // The second kill hits the per-instance requests of the resume (the series response broke at the first).
    loadKillingNginxAfter({60, 180});
}

} // namespace
} // namespace dokuei::integration
