#pragma once

#include "dokuei/security/WipeRegistry.h"

#include <QLabel>

namespace dokuei::app {

/// The strip above the views that names the patient and study being read. It holds patient data, so it
/// registers with the wipe registry: locking clears it (and the zeroing free() clears the freed text).
class PatientBanner : public QLabel, public security::IWipeable
{
    Q_OBJECT

public:
    PatientBanner(security::WipeRegistry& registry, QWidget* parent = nullptr);
    ~PatientBanner() override;

    /// Shows a patient (name as in the study, ID, study description). Empty strings clear the banner.
    void showPatient(const QString& name, const QString& patientId, const QString& study);

    QString wipeName() const override;
    std::size_t wipe() override;

private:
    security::WipeRegistration m_registration;
};

} // namespace dokuei::app
