// The report session against a real SQLCipher user vault: autosave, reopen exactly as typed, the
// completeness check and the states with their rights and audit, the wipe (memory scanned) and restore.
#include "dokuei/reporting/ReportSession.h"

#include "dokuei/security/MemoryScanner.h"
#include "dokuei/security/SecureBuffer.h"
#include "dokuei/security/Vault.h"

#include <QCoreApplication>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

using namespace dokuei;
using namespace dokuei::reporting;

namespace {

QCoreApplication& app()
{
    static int argc = 1;
    static char name[] = "dokuei_report_session_tests";
    static char* argv[] = {name, nullptr};
    static QCoreApplication instance(argc, argv);
    return instance;
}

ReportTemplate chestTemplate()
{
    ReportTemplate t;
    t.id = QStringLiteral("test-chest");
    t.version = QStringLiteral("1");
    t.title = {QStringLiteral("胸部CT"), QStringLiteral("CT chest")};
    TemplateSection lungs;
    lungs.id = QStringLiteral("lungs");
    lungs.title = {QStringLiteral("肺野"), QStringLiteral("Lungs")};
    lungs.required = true;
    TemplateField category;
    category.id = QStringLiteral("category");
    category.type = FieldType::Choice;
    category.required = true;
    category.label = {QStringLiteral("判定"), QStringLiteral("Category")};
    category.choices << ChoiceOption{{QStringLiteral("A"), QStringLiteral("99DOKUEI"), {}}, {}};
    lungs.fields << category;
    TemplateSection bones;
    bones.id = QStringLiteral("bones");
    bones.title = {QStringLiteral("骨"), QStringLiteral("Bones")};
    t.sections << lungs << bones;
    return t;
}

ReportHeader header()
{
    ReportHeader h;
    h.patientId = QStringLiteral("PID-SESSION-1");
    h.studyUid = QStringLiteral("1.2.392.200036.9116.2.6.1.48.1");
    h.patientNameIdeographic = QStringLiteral("検診^花子");
    return h;
}

struct Fixture : ::testing::Test
{
    void SetUp() override
    {
        app();
        ASSERT_TRUE(dir.isValid());
        auto opened = security::Vault::open(dir.filePath(QStringLiteral("user.db")), key);
        ASSERT_TRUE(opened) << opened.error().toString().toStdString();
        vault = std::move(*opened);
        store = std::make_unique<DraftStore>(*vault);
    }
    std::unique_ptr<ReportSession> makeSession(const QString& userId = QStringLiteral("dr1"),
                                               security::Role role = security::Role::Radiologist)
    {
        auto s = std::make_unique<ReportSession>(registry);
        s->setStore(store.get());
        s->setAuthor({userId, QStringLiteral("Dr^One"), QStringLiteral("Centre"), {}}, role);
        s->setAuditor([this](const ReportAuditEvent& e) { events << e; });
        return s;
    }
    QTemporaryDir dir;
    security::SecretKey key = security::SecretKey::random();
    std::unique_ptr<security::Vault> vault;
    std::unique_ptr<DraftStore> store;
    security::WipeRegistry registry;
    QList<ReportAuditEvent> events;
};

void type(ReportSession& s, const QString& sectionId, const QString& text)
{
    s.update([&](ReportDocument& d) { d.section(sectionId)->text = text; });
}

/// The marker is made at run time and never kept in a variable while memory is scanned (a kept copy would
/// be found too): only the scan's own pattern, which the scanner does not count, holds it.
QString markerText()
{
    return QStringLiteral("REPORTMARKER") + QString::number(4242 * 3) + QStringLiteral("所見");
}

std::size_t markerHits()
{
    QString marker = markerText();
    QByteArray utf16(reinterpret_cast<const char*>(marker.utf16()), marker.size() * 2);
    security::secureErase(marker);
    auto scan = security::MemoryScanner::scan(utf16);
    EXPECT_TRUE(scan);
    return scan ? scan->hits : 9999;
}

} // namespace

TEST_F(Fixture, AutosaveAfterTypingStopsThenReopenExactlyAsTyped)
{
    auto s = makeSession();
    s->setAutosaveDelay(200);
    ASSERT_TRUE(s->open(header(), chestTemplate(), QStringLiteral("ja")));
    QSignalSpy saved(s.get(), &ReportSession::saved);
    const QString typed = QStringLiteral("右肺上葉に8mmのすりガラス結節。\n角 𠮷 ✓");
    type(*s, QStringLiteral("lungs"), typed);
    EXPECT_TRUE(s->isDirty());
    EXPECT_TRUE(saved.wait(3000)); // well within the 5 s the requirement allows
    EXPECT_FALSE(s->isDirty());
    const QString id = s->document().reportId;
    s.reset();

    auto again = makeSession();
    ASSERT_TRUE(again->open(header(), chestTemplate(), QStringLiteral("ja")));
    EXPECT_EQ(again->document().reportId, id);
    EXPECT_EQ(again->document().section(QStringLiteral("lungs"))->text, typed);
    auto unfinished = store->unfinished();
    ASSERT_TRUE(unfinished);
    ASSERT_EQ(unfinished->size(), 1);
    EXPECT_EQ(unfinished->first().studyUid, header().studyUid);
}

TEST_F(Fixture, FinalNeedsACompleteReportOrAnAuditedOverride)
{
    auto s = makeSession();
    ASSERT_TRUE(s->open(header(), chestTemplate(), QStringLiteral("ja")));
    s->setStudySeries({{QStringLiteral("1.2.3.1"), QStringLiteral("Chest 1mm")},
                       {QStringLiteral("1.2.3.2"), QStringLiteral("Scout")}});
    s->markSeriesOpened(QStringLiteral("1.2.3.1"));
    auto problems = s->completeness(chestTemplate());
    ASSERT_EQ(problems.size(), 4); // scout not opened, lungs empty, category empty, impression empty
    auto refused = s->setState(ReportState::Final, chestTemplate());
    ASSERT_FALSE(refused);
    EXPECT_TRUE(refused.error().message.contains(QStringLiteral("Scout")));
    EXPECT_EQ(s->document().state, ReportState::Draft);

    type(*s, QStringLiteral("lungs"), QStringLiteral("異常なし"));
    type(*s, QString::fromLatin1(kImpressionId), QStringLiteral("異常所見なし"));
    s->update([](ReportDocument& d) {
        d.section(QStringLiteral("lungs"))->fields
            << FieldValue{QStringLiteral("category"), {}, QStringLiteral("A"), {}, {}};
        d.unopenedSeries << UnopenedSeriesReason{QStringLiteral("1.2.3.2"), QStringLiteral("scout only")};
    });
    EXPECT_TRUE(s->completeness(chestTemplate()).isEmpty());
    ASSERT_TRUE(s->setState(ReportState::Preliminary, chestTemplate()));
    ASSERT_TRUE(s->setState(ReportState::Final, chestTemplate()));
    EXPECT_TRUE(s->isReadOnly());
    EXPECT_FALSE(
        s->update([](ReportDocument& d) { d.section(QStringLiteral("lungs"))->text = QStringLiteral("x"); }));
    EXPECT_FALSE(s->setState(ReportState::Draft, chestTemplate()));
    QStringList types;
    for (const auto& e : events) {
        types << e.eventType;
        EXPECT_EQ(e.patientId, header().patientId);
        EXPECT_EQ(e.studyUid, header().studyUid);
    }
    EXPECT_EQ(types.count(QStringLiteral("ReportStateChanged")), 2);
    EXPECT_EQ(types.count(QStringLiteral("ReportCompletenessOverride")), 0);
    // The final state is in the vault, and a final report is not offered as unfinished.
    auto unfinished = store->unfinished();
    ASSERT_TRUE(unfinished);
    EXPECT_TRUE(unfinished->isEmpty());
}

TEST_F(Fixture, OverrideIsAuditedWithItsReason)
{
    auto s = makeSession();
    ASSERT_TRUE(s->open(header(), chestTemplate(), QStringLiteral("ja")));
    ASSERT_TRUE(
        s->setState(ReportState::Final, chestTemplate(), QStringLiteral("urgent verbal report given")));
    EXPECT_EQ(s->document().completenessOverride, QStringLiteral("urgent verbal report given"));
    bool audited = false;
    for (const auto& e : events) {
        audited = audited || (e.eventType == QStringLiteral("ReportCompletenessOverride") &&
                              e.details.contains(QStringLiteral("urgent verbal report given")));
    }
    EXPECT_TRUE(audited);
}

TEST_F(Fixture, AnotherRadiologistsPreliminaryReportNeedsTheVerifyRight)
{
    auto author = makeSession(QStringLiteral("dr1"));
    ASSERT_TRUE(author->open(header(), chestTemplate(), QStringLiteral("ja")));
    ASSERT_TRUE(author->setState(ReportState::Preliminary, chestTemplate()));
    author.reset();

    auto colleague = makeSession(QStringLiteral("dr2"), security::Role::Radiologist);
    ASSERT_TRUE(colleague->open(header(), chestTemplate(), QStringLiteral("ja")));
    auto refused = colleague->setState(ReportState::Final, chestTemplate(), QStringLiteral("ok"));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::AccessDenied);
    colleague.reset();

    auto supervisor = makeSession(QStringLiteral("sup1"), security::Role::SupervisingRadiologist);
    ASSERT_TRUE(supervisor->open(header(), chestTemplate(), QStringLiteral("ja")));
    EXPECT_TRUE(supervisor->setState(ReportState::Final, chestTemplate(), QStringLiteral("verified")));
}

TEST_F(Fixture, WipeSavesZeroesTheTextAndRestoreBringsItBack)
{
    auto s = makeSession();
    ASSERT_TRUE(s->open(header(), chestTemplate(), QStringLiteral("ja")));
    {
        QString typed = QStringLiteral("前文 ") + markerText() + QStringLiteral(" 後文");
        type(*s, QStringLiteral("lungs"), typed);
        security::secureErase(typed);
    }
    EXPECT_EQ(markerHits(), 1u); // the document's one copy
    const std::size_t wiped = registry.wipeAll().bytesWiped;
    EXPECT_GT(wiped, 0u);
    EXPECT_FALSE(s->hasReport());
    EXPECT_EQ(markerHits(), 0u);

    ASSERT_TRUE(s->restore());
    EXPECT_EQ(s->document().section(QStringLiteral("lungs"))->text,
              QStringLiteral("前文 ") + markerText() + QStringLiteral(" 後文"));
}

TEST_F(Fixture, SwitchingTemplateLosesNothing)
{
    auto s = makeSession();
    ASSERT_TRUE(s->open(header(), chestTemplate(), QStringLiteral("ja")));
    type(*s, QStringLiteral("bones"), QStringLiteral("胸椎に変形性変化"));
    type(*s, QStringLiteral("lungs"), QStringLiteral("肺野清"));
    ReportTemplate generic;
    generic.id = QStringLiteral("generic");
    TemplateSection findings;
    findings.id = QStringLiteral("findings");
    generic.sections << findings;
    s->switchTemplate(generic);
    ASSERT_EQ(s->document().sections.size(), 3);
    const QString text = s->document().section(QStringLiteral("findings"))->text;
    EXPECT_TRUE(text.contains(QStringLiteral("胸椎に変形性変化")));
    EXPECT_TRUE(text.contains(QStringLiteral("肺野清")));
}

TEST_F(Fixture, PhraseLibraryLivesInTheUserVault)
{
    auto added = store->addPhrase(QStringLiteral("正常肺"), QStringLiteral("両肺野に異常影を認めない。"));
    ASSERT_TRUE(added);
    auto phrases = store->phrases();
    ASSERT_TRUE(phrases);
    ASSERT_EQ(phrases->size(), 1);
    EXPECT_EQ(phrases->first().text, QStringLiteral("両肺野に異常影を認めない。"));
    EXPECT_FALSE(store->addPhrase(QStringLiteral(" "), QStringLiteral("x")));
    ASSERT_TRUE(store->removePhrase(*added));
    EXPECT_TRUE(store->phrases()->isEmpty());
}

TEST_F(Fixture, AStudyOnlyLookedAtLeavesNoDraftAndNothingToRestore)
{
    auto s = makeSession();
    QSignalSpy failures(s.get(), &ReportSession::saveFailed);
    ASSERT_TRUE(s->open(header(), chestTemplate(), QStringLiteral("ja")));
    s->markSeriesOpened(QStringLiteral("1.2.3.3"));
    ASSERT_TRUE(s->saveNow());
    auto unfinished = store->unfinished();
    ASSERT_TRUE(unfinished);
    EXPECT_TRUE(unfinished->isEmpty()) << "a report with nothing written is not kept";
    registry.wipeAll();
    EXPECT_FALSE(s->restore()) << "nothing to bring back";
    EXPECT_EQ(failures.count(), 0) << "and no error for it";

    // Once something is written it is kept, and kept also when it is emptied again.
    ASSERT_TRUE(s->open(header(), chestTemplate(), QStringLiteral("ja")));
    type(*s, QStringLiteral("lungs"), QStringLiteral("肺野清"));
    ASSERT_TRUE(s->saveNow());
    type(*s, QStringLiteral("lungs"), QString());
    ASSERT_TRUE(s->saveNow());
    unfinished = store->unfinished();
    ASSERT_TRUE(unfinished);
    ASSERT_EQ(unfinished->size(), 1);
    auto loaded = store->load(unfinished->front().reportId);
    ASSERT_TRUE(loaded);
    EXPECT_TRUE(loaded->section(QStringLiteral("lungs"))->text.isEmpty())
        << "the emptied text is what is kept";
}
