#pragma once

#include <QDateTime>
#include <QString>

namespace dokuei::reporting {

/// The identity of one exported DICOM instance of a report (the SR, or the Encapsulated PDF): a series of
/// its own in the study read, the instance's UID, numbers and content date/time. The SR and the PDF each
/// get their own identity; a new version of a report gets a new one (Step 6 signs one instance and never
/// changes it).
struct SrIdentity
{
    QString seriesInstanceUid;
    QString sopInstanceUid;
    int seriesNumber = 9001; ///< high, so that report series sort after the acquired ones
    int instanceNumber = 1;
    QDateTime contentDateTime; ///< written as Content Date / Time in local time

    /// New UIDs under DCMTK's site roots (dcmGenerateUniqueIdentifier), the given series number, instance 1,
    /// content date/time now.
    static SrIdentity generate(int seriesNumber = 9001);
    bool operator==(const SrIdentity&) const = default;
};

} // namespace dokuei::reporting
