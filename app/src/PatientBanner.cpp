#include "dokuei/app/PatientBanner.h"

namespace dokuei::app {

PatientBanner::PatientBanner(security::WipeRegistry& registry, QWidget* parent)
    : QLabel(parent), m_registration(registry, this)
{
    setObjectName(QStringLiteral("PatientBanner"));
    setTextFormat(Qt::PlainText);
    setMargin(4);
}

PatientBanner::~PatientBanner() = default;

void PatientBanner::showPatient(const QString& name, const QString& patientId, const QString& study)
{
    if (name.isEmpty() && patientId.isEmpty()) {
        clear();
        return;
    }
    setText(tr("%1  (ID %2)  %3").arg(name, patientId, study));
}

QString PatientBanner::wipeName() const
{
    return QStringLiteral("patient banner");
}

std::size_t PatientBanner::wipe()
{
    // QString's storage is released to the (zeroing) allocator by clear(); count what it held.
    const auto bytes = static_cast<std::size_t>(text().size()) * sizeof(QChar);
    clear();
    return bytes;
}

} // namespace dokuei::app
