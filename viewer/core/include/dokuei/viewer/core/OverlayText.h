#pragma once

#include "dokuei/viewer/core/InstanceInfo.h"
#include "dokuei/viewer/core/WindowLevel.h"

#include <QString>
#include <QStringList>

namespace dokuei::viewer {

/// Who and what a view shows, as written in the study (names in every component group, e.g.
/// "Yamada^Taro=山田^太郎=やまだ^たろう"). Patient data: views erase it on wipe (eraseIdentity).
struct SeriesIdentity
{
    QString patientName;
    QString patientId;
    QString patientSex;
    QString patientBirthDate; ///< DA
    QString patientAge;       ///< AS
    QString studyDate;        ///< DA
    QString studyDescription;
    QString seriesDescription;
    int seriesNumber = 0;
    bool lossy = false;
    bool empty() const { return patientName.isEmpty() && patientId.isEmpty() && studyDescription.isEmpty(); }
};

SeriesIdentity identityOf(const InstanceInfo& info);
/// Zeroes every string (security::secureErase) and resets the rest.
void eraseIdentity(SeriesIdentity& identity);

/// The patient name for display: the DICOM PN groups joined by " = " with '^' as a space, e.g.
/// "Yamada Taro = 山田 太郎 = やまだ たろう"; empty groups dropped.
QString displayName(const QString& dicomName);
/// "2026-11-22" from DA "20261122"; the input unchanged when it is not a valid DA.
QString displayDate(const QString& da);
/// Age as a reader expects it: from Patient's Age (AS "063Y" -> "63Y", "005M" -> "5M"), else computed in
/// whole years from birth date at the study date; empty when neither is known.
QString displayAge(const SeriesIdentity& identity);

/// The state of a 2D view that its corners report.
struct ViewReadout
{
    QString plane; ///< "Axial", "Coronal", ... (translated by the caller) or the stack name
    int index = 0; ///< 1-based slice or plane position
    int count = 0;
    double positionMm = 0;  ///< along the view normal (patient coordinates), as "Position"
    double thicknessMm = 0; ///< slice thickness, or slab thickness
    QString slab;           ///< "MIP", "MinIP", "Average" or empty
    Window window;
    bool inverted = false;
    double zoom = 1; ///< screen pixels per image pixel
};

/// The four corner annotations of a 2D view, one line per entry, user-facing text through
/// QCoreApplication::translate("dokuei::viewer::Overlay", ...).
struct CornerTexts
{
    QStringList topLeft;     ///< patient: name, ID, age / sex
    QStringList topRight;    ///< study: date, description, series
    QStringList bottomLeft;  ///< slice n/N, position, thickness
    QStringList bottomRight; ///< W/L, zoom
};
CornerTexts cornerTexts(const SeriesIdentity& identity, const ViewReadout& readout);

} // namespace dokuei::viewer
