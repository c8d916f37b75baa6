#include "dokuei/app/StudyBrowser.h"

#include <dokuei/exchange/DicomWebClient.h>

#include <QHeaderView>
#include <QLabel>
#include <QPointer>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace dokuei::app {
namespace {

enum Role
{
    StudyUidRole = Qt::UserRole + 1,
    SeriesUidRole,
    InstancesRole,
    PatientRole,
    PatientIdRole,
    LoadedRole,
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

} // namespace

StudyBrowser::StudyBrowser(security::WipeRegistry& registry, QWidget* parent)
    : QWidget(parent), m_tree(new QTreeWidget(this)), m_refresh(new QPushButton(tr("Refresh"), this)),
      m_status(new QLabel(this)), m_registration(registry, this)
{
    setObjectName(QStringLiteral("StudyBrowser"));
    m_tree->setObjectName(QStringLiteral("studyTree"));
    m_refresh->setObjectName(QStringLiteral("refreshStudies"));
    m_tree->setHeaderLabels({tr("Patient / series"), tr("Date"), tr("Description"), tr("Images")});
    m_tree->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_status->setWordWrap(true);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_refresh);
    layout->addWidget(m_tree, 1);
    layout->addWidget(m_status);
    connect(m_refresh, &QPushButton::clicked, this, &StudyBrowser::refresh);
    connect(m_tree, &QTreeWidget::itemExpanded, this, [this](QTreeWidgetItem* item) {
        if (!item->parent()) {
            loadSeries(item);
        }
    });
    connect(m_tree, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem* item, int) {
        if (item->parent()) {
            emitOpen(item);
        }
    });
    setClient(nullptr);
}

StudyBrowser::~StudyBrowser() = default;

void StudyBrowser::emitOpen(QTreeWidgetItem* item)
{
    emit openSeries(item->data(0, StudyUidRole).toString(), item->data(0, SeriesUidRole).toString(),
                    item->data(0, InstancesRole).toInt(), item->parent()->data(0, PatientRole).toString(),
                    item->parent()->data(0, PatientIdRole).toString(), item->text(2));
}

bool StudyBrowser::openSeriesByUid(const QString& seriesUid)
{
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        QTreeWidgetItem* study = m_tree->topLevelItem(i);
        for (int j = 0; j < study->childCount(); ++j) {
            if (study->child(j)->data(0, SeriesUidRole).toString() == seriesUid) {
                emitOpen(study->child(j));
                return true;
            }
        }
    }
    return false;
}

void StudyBrowser::setClient(exchange::DicomWebClient* client)
{
    m_client = client;
    m_refresh->setEnabled(client != nullptr);
    if (!client) {
        m_status->setText(tr("No reading centre configured."));
    } else {
        m_status->clear();
    }
}

void StudyBrowser::refresh()
{
    if (!m_client) {
        return;
    }
    m_status->setText(tr("Searching the reading centre..."));
    QPointer<StudyBrowser> self(this);
    const quint64 generation = m_generation;
    m_client->searchStudies(
        {}, [self, generation](exchange::WebExpected<QList<exchange::StudyRecord>> studies) {
            if (!self || self->m_generation != generation) {
                return; // gone, or the session was locked while the reading centre answered
            }
            self->m_tree->clear();
            const QString filter = QStringLiteral("studies: all");
            if (!studies) {
                self->m_status->setText(tr("Search failed: %1").arg(studies.error().message));
                emit self->queried(filter, -1, {}, {}, studies.error().message);
                return;
            }
            for (const exchange::StudyRecord& study : *studies) {
                auto* item = new QTreeWidgetItem(self->m_tree);
                const QString patient = displayName(study.patientName);
                item->setText(0, QStringLiteral("%1 (%2)").arg(patient, study.patientId));
                item->setText(1, study.studyDate);
                item->setText(2, study.description);
                item->setText(3, study.instanceCount >= 0 ? QString::number(study.instanceCount) : QString());
                item->setData(0, StudyUidRole, study.studyUid);
                item->setData(0, PatientRole, patient);
                item->setData(0, PatientIdRole, study.patientId);
                item->setChildIndicatorPolicy(QTreeWidgetItem::ShowIndicator);
            }
            self->m_status->setText(tr("%n studies", nullptr, static_cast<int>(studies->size())));
            emit self->queried(filter, static_cast<int>(studies->size()), {}, {}, {});
        });
}

void StudyBrowser::loadSeries(QTreeWidgetItem* studyItem)
{
    if (!m_client || studyItem->data(0, LoadedRole).toBool()) {
        return;
    }
    studyItem->setData(0, LoadedRole, true);
    const QString studyUid = studyItem->data(0, StudyUidRole).toString();
    QPointer<StudyBrowser> self(this);
    const quint64 generation = m_generation;
    m_client->searchSeries(studyUid, [self, generation,
                                      studyUid](exchange::WebExpected<QList<exchange::SeriesRecord>> series) {
        if (!self || self->m_generation != generation) {
            return;
        }
        // The study may have been wiped (lock) meanwhile: find it again.
        QTreeWidgetItem* parent = nullptr;
        for (int i = 0; i < self->m_tree->topLevelItemCount(); ++i) {
            if (self->m_tree->topLevelItem(i)->data(0, StudyUidRole).toString() == studyUid) {
                parent = self->m_tree->topLevelItem(i);
            }
        }
        if (!parent) {
            return;
        }
        const QString filter = QStringLiteral("series of study %1").arg(studyUid);
        const QString patientId = parent->data(0, PatientIdRole).toString();
        if (!series) {
            self->m_status->setText(tr("Search failed: %1").arg(series.error().message));
            emit self->queried(filter, -1, patientId, studyUid, series.error().message);
            return;
        }
        for (const exchange::SeriesRecord& record : *series) {
            auto* item = new QTreeWidgetItem(parent);
            item->setText(0, tr("Series %1 (%2)").arg(record.number).arg(record.modality));
            item->setText(2, record.description);
            item->setText(3, record.instanceCount >= 0 ? QString::number(record.instanceCount) : QString());
            item->setData(0, StudyUidRole, record.studyUid.isEmpty() ? studyUid : record.studyUid);
            item->setData(0, SeriesUidRole, record.seriesUid);
            item->setData(0, InstancesRole, record.instanceCount);
        }
        emit self->queried(filter, static_cast<int>(series->size()), patientId, studyUid, {});
    });
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
    ++m_generation;
    m_tree->clear();
    m_status->clear();
    return bytes;
}

} // namespace dokuei::app
