#include "dokuei/app/StudyBrowser.h"

#include <dokuei/viewer/core/ReadingSession.h>

#include <QDate>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace dokuei::app {
namespace {

// Item data roles; tests read the first ones (the UIDs and the patient ID), keep their values.
enum Role
{
    StudyUidRole = Qt::UserRole + 1,
    SeriesUidRole,
    InstancesRole,
    PatientRole,
    PatientIdRole,
    LoadedRole,
    SortRole, ///< a number to sort a column by (dates, counts), when its text does not sort right
};

QString displayName(const exchange::PersonName& name)
{
    QStringList groups;
    for (const QString& group : {name.ideographic, name.alphabetic}) {
        if (!group.isEmpty()) {
            groups << QString(group).replace(QLatin1Char('^'), QLatin1Char(' '));
        }
    }
    return groups.join(QStringLiteral(" / "));
}

/// Sorts by SortRole where both items have one (numbers), by text otherwise.
class ListItem : public QTreeWidgetItem
{
public:
    using QTreeWidgetItem::QTreeWidgetItem;

    bool operator<(const QTreeWidgetItem& other) const override
    {
        const int column = treeWidget() ? treeWidget()->sortColumn() : 0;
        const QVariant mine = data(column, SortRole);
        const QVariant theirs = other.data(column, SortRole);
        if (mine.isValid() && theirs.isValid()) {
            return mine.toLongLong() < theirs.toLongLong();
        }
        return QTreeWidgetItem::operator<(other);
    }
};

void setCount(QTreeWidgetItem* item, int column, int count, const QString& text)
{
    if (count < 0) {
        return;
    }
    item->setText(column, text);
    item->setData(column, SortRole, count);
    item->setTextAlignment(column, Qt::AlignRight | Qt::AlignVCenter);
}

} // namespace

StudyBrowser::StudyBrowser(security::WipeRegistry& registry, QWidget* parent)
    : QWidget(parent), m_tree(new QTreeWidget(this)), m_refresh(new QPushButton(tr("Refresh"), this)),
      m_status(new QLabel(this)), m_registration(registry, this)
{
    setObjectName(QStringLiteral("StudyBrowser"));
    m_tree->setObjectName(QStringLiteral("studyTree"));
    m_refresh->setObjectName(QStringLiteral("refreshStudies"));
    m_status->setObjectName(QStringLiteral("studyStatus"));
    m_tree->setColumnCount(ColumnCount);
    m_tree->setHeaderLabels({tr("Patient / series"), tr("Date"), tr("Description"), tr("Accession"),
                             tr("Requesting facility"), tr("Modality"), tr("Series"), tr("Images")});
    m_tree->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_tree->header()->setSectionResizeMode(DescriptionColumn, QHeaderView::Stretch);
    m_tree->header()->setStretchLastSection(false);
    m_tree->setSortingEnabled(true);
    m_tree->sortByColumn(DateColumn, Qt::DescendingOrder);
    m_tree->setAlternatingRowColors(true);
    m_tree->setUniformRowHeights(true);
    m_status->setWordWrap(true);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_refresh, 0, Qt::AlignLeft);
    layout->addWidget(m_tree, 1);
    layout->addWidget(m_status);
    connect(m_refresh, &QPushButton::clicked, this, [this] {
        if (m_session) {
            m_session->refreshStudies();
        }
    });
    connect(m_tree, &QTreeWidget::itemExpanded, this, [this](QTreeWidgetItem* item) {
        if (!item->parent() && m_session && !item->data(0, LoadedRole).toBool()) {
            item->setData(0, LoadedRole, true);
            m_session->openStudy(item->data(0, StudyUidRole).toString());
        }
    });
    connect(m_tree, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem* item, int) {
        if (item->parent() && m_session) {
            m_session->openSeries(item->data(0, SeriesUidRole).toString(),
                                  item->data(0, StudyUidRole).toString());
        }
    });
    setSession(nullptr);
}

StudyBrowser::~StudyBrowser() = default;

void StudyBrowser::setSession(viewer::ReadingSession* session)
{
    if (m_session) {
        disconnect(m_session, nullptr, this, nullptr);
    }
    m_session = session;
    m_tree->clear();
    m_status->clear();
    if (session) {
        using viewer::ReadingSession;
        connect(session, &ReadingSession::readingCentreChanged, this, &StudyBrowser::updateAvailability);
        connect(session, &ReadingSession::studiesSearching, this,
                [this] { m_status->setText(tr("Searching the reading centre...")); });
        connect(session, &ReadingSession::studiesChanged, this, &StudyBrowser::showStudies);
        connect(session, &ReadingSession::searchFailed, this,
                [this](const QString& message) { m_status->setText(tr("Search failed: %1").arg(message)); });
        connect(session, &ReadingSession::studySeriesListed, this, &StudyBrowser::showSeries);
        connect(session, &ReadingSession::seriesOpened, this, &StudyBrowser::markOpened);
        showStudies();
    }
    updateAvailability();
}

void StudyBrowser::updateAvailability()
{
    const bool available = m_session && m_session->hasReadingCentre();
    m_refresh->setEnabled(available);
    if (!available && m_tree->topLevelItemCount() == 0) {
        m_status->setText(m_session ? tr("No reading centre configured.") : QString());
    }
}

void StudyBrowser::showStatus(const QString& text)
{
    m_status->setText(text);
}

QString StudyBrowser::statusText() const
{
    return m_status->text();
}

QTreeWidgetItem* StudyBrowser::studyItem(const QString& studyUid) const
{
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        if (m_tree->topLevelItem(i)->data(0, StudyUidRole).toString() == studyUid) {
            return m_tree->topLevelItem(i);
        }
    }
    return nullptr;
}

void StudyBrowser::showStudies()
{
    m_tree->clear();
    if (!m_session) {
        return;
    }
    m_tree->setSortingEnabled(false); // sorted once, after all rows are in
    for (const exchange::StudyRecord& study : m_session->studies()) {
        auto* item = new ListItem(m_tree);
        const QString patient = displayName(study.patientName);
        item->setText(PatientColumn, study.patientId.isEmpty()
                                         ? patient
                                         : QStringLiteral("%1 (%2)").arg(patient, study.patientId));
        const QDate date = QDate::fromString(study.studyDate, QStringLiteral("yyyyMMdd"));
        item->setText(DateColumn, date.isValid() ? date.toString(Qt::ISODate) : study.studyDate);
        item->setData(DateColumn, SortRole, date.isValid() ? study.studyDate.toLongLong() : 0);
        item->setText(DescriptionColumn, study.description);
        item->setText(AccessionColumn, study.accessionNumber);
        item->setText(FacilityColumn, study.institution);
        item->setText(ModalityColumn, study.modalities.join(QLatin1Char('/')));
        setCount(item, SeriesColumn, study.seriesCount, QString::number(study.seriesCount));
        setCount(item, ImagesColumn, study.instanceCount, QString::number(study.instanceCount));
        item->setData(0, StudyUidRole, study.studyUid);
        item->setData(0, PatientRole, patient);
        item->setData(0, PatientIdRole, study.patientId);
        item->setChildIndicatorPolicy(QTreeWidgetItem::ShowIndicator);
    }
    m_tree->setSortingEnabled(true);
    // Series listed before a refresh are shown again (without another query).
    for (const exchange::StudyRecord& study : m_session->studies()) {
        if (m_session->seriesListed(study.studyUid)) {
            showSeries(study.studyUid);
        }
    }
    if (!m_session->studies().isEmpty() || m_session->hasReadingCentre()) {
        m_status->setText(tr("%n studies", nullptr, static_cast<int>(m_session->studies().size())));
    }
}

void StudyBrowser::showSeries(const QString& studyUid)
{
    QTreeWidgetItem* parent = studyItem(studyUid);
    if (!parent || !m_session) {
        return;
    }
    parent->setData(0, LoadedRole, true);
    qDeleteAll(parent->takeChildren());
    for (const exchange::SeriesRecord& record : m_session->seriesOf(studyUid)) {
        auto* item = new ListItem(parent);
        item->setText(PatientColumn, record.number >= 0 ? tr("Series %1").arg(record.number) : tr("Series"));
        item->setData(PatientColumn, SortRole, record.number);
        item->setText(DescriptionColumn, record.description);
        item->setText(ModalityColumn, record.modality);
        setCount(item, ImagesColumn, record.instanceCount,
                 tr("%n images", nullptr, std::max(0, record.instanceCount)));
        item->setData(0, StudyUidRole, record.studyUid.isEmpty() ? studyUid : record.studyUid);
        item->setData(0, SeriesUidRole, record.seriesUid);
        item->setData(0, InstancesRole, record.instanceCount);
    }
    parent->sortChildren(PatientColumn, Qt::AscendingOrder);
    markOpened();
}

void StudyBrowser::markOpened()
{
    if (!m_session) {
        return;
    }
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        QTreeWidgetItem* study = m_tree->topLevelItem(i);
        for (int j = 0; j < study->childCount(); ++j) {
            QTreeWidgetItem* series = study->child(j);
            const bool opened =
                study->data(0, StudyUidRole).toString() ==
                    (m_session->currentStudy() ? m_session->currentStudy()->studyUid : QString()) &&
                m_session->wasOpened(series->data(0, SeriesUidRole).toString());
            QFont font = series->font(PatientColumn);
            font.setBold(opened);
            for (int column = 0; column < ColumnCount; ++column) {
                series->setFont(column, font);
            }
        }
    }
}

bool StudyBrowser::openSeriesByUid(const QString& seriesUid)
{
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        QTreeWidgetItem* study = m_tree->topLevelItem(i);
        for (int j = 0; j < study->childCount(); ++j) {
            if (study->child(j)->data(0, SeriesUidRole).toString() == seriesUid && m_session) {
                m_session->openSeries(seriesUid, study->data(0, StudyUidRole).toString());
                return true;
            }
        }
    }
    return false;
}

QString StudyBrowser::wipeName() const
{
    return QStringLiteral("study browser");
}

std::size_t StudyBrowser::wipe()
{
    std::size_t bytes = 0;
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        bytes += static_cast<std::size_t>(m_tree->topLevelItem(i)->text(0).size()) * sizeof(QChar);
    }
    m_tree->clear();
    m_status->clear();
    return bytes;
}

} // namespace dokuei::app
