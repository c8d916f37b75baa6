#include "dokuei/viewer/core/OverlayText.h"

#include "dokuei/security/SecureBuffer.h"

#include <QCoreApplication>
#include <QDate>

namespace dokuei::viewer {
namespace {

QDate parseDa(const QString& da)
{
    return da.size() == 8 ? QDate::fromString(da, QStringLiteral("yyyyMMdd")) : QDate();
}

} // namespace

SeriesIdentity identityOf(const InstanceInfo& info)
{
    SeriesIdentity id;
    id.patientName = info.patientName;
    id.patientId = info.patientId;
    id.patientSex = info.patientSex;
    id.patientBirthDate = info.patientBirthDate;
    id.patientAge = info.patientAge;
    id.studyDate = info.studyDate;
    id.studyDescription = info.studyDescription;
    id.seriesDescription = info.seriesDescription;
    id.seriesNumber = info.seriesNumber;
    id.lossy = info.lossyCompressed;
    return id;
}

void eraseIdentity(SeriesIdentity& identity)
{
    for (QString* s : {&identity.patientName, &identity.patientId, &identity.patientSex,
                       &identity.patientBirthDate, &identity.patientAge, &identity.studyDate,
                       &identity.studyDescription, &identity.seriesDescription}) {
        security::secureErase(*s);
    }
    identity.seriesNumber = 0;
    identity.lossy = false;
}

QString displayName(const QString& dicomName)
{
    QStringList groups;
    for (QString group : dicomName.split(QLatin1Char('='))) {
        group.replace(QLatin1Char('^'), QLatin1Char(' '));
        group = group.simplified();
        if (!group.isEmpty()) {
            groups << group;
        }
    }
    return groups.join(QStringLiteral(" = "));
}

QString displayDate(const QString& da)
{
    const QDate date = parseDa(da.trimmed());
    return date.isValid() ? date.toString(Qt::ISODate) : da;
}

QString displayAge(const SeriesIdentity& identity)
{
    const QString as = identity.patientAge.trimmed();
    if (as.size() == 4 && QStringLiteral("DWMY").contains(as.back())) {
        bool ok = false;
        const int value = as.left(3).toInt(&ok);
        if (ok) {
            return QString::number(value) + as.back();
        }
    }
    const QDate birth = parseDa(identity.patientBirthDate.trimmed());
    const QDate study = parseDa(identity.studyDate.trimmed());
    if (!birth.isValid() || !study.isValid() || study < birth) {
        return {};
    }
    int years = study.year() - birth.year();
    if (study.month() < birth.month() || (study.month() == birth.month() && study.day() < birth.day())) {
        --years;
    }
    return QString::number(years) + QLatin1Char('Y');
}

CornerTexts cornerTexts(const SeriesIdentity& identity, const ViewReadout& readout)
{
    CornerTexts corners;
    if (!identity.patientName.isEmpty()) {
        corners.topLeft << displayName(identity.patientName);
    }
    if (!identity.patientId.isEmpty()) {
        corners.topLeft
            << QCoreApplication::translate("dokuei::viewer::Overlay", "ID %1").arg(identity.patientId);
    }
    const QString age = displayAge(identity);
    const QString sex = identity.patientSex.trimmed();
    if (!age.isEmpty() || !sex.isEmpty()) {
        corners.topLeft << QStringList{age, sex}.join(QLatin1Char(' ')).trimmed();
    }
    if (!identity.studyDate.isEmpty()) {
        corners.topRight << displayDate(identity.studyDate);
    }
    if (!identity.studyDescription.isEmpty()) {
        corners.topRight << identity.studyDescription;
    }
    if (identity.seriesNumber != 0 || !identity.seriesDescription.isEmpty()) {
        corners.topRight << QCoreApplication::translate("dokuei::viewer::Overlay", "Series %1 %2")
                                .arg(identity.seriesNumber)
                                .arg(identity.seriesDescription)
                                .trimmed();
    }
    if (readout.count > 0) {
        corners.bottomLeft << (readout.plane.isEmpty()
                                   ? QCoreApplication::translate("dokuei::viewer::Overlay", "Image %1 / %2")
                                         .arg(readout.index)
                                         .arg(readout.count)
                                   : QCoreApplication::translate("dokuei::viewer::Overlay", "%1 %2 / %3")
                                         .arg(readout.plane)
                                         .arg(readout.index)
                                         .arg(readout.count));
        corners.bottomLeft << QCoreApplication::translate("dokuei::viewer::Overlay", "Position %1 mm")
                                  .arg(readout.positionMm, 0, 'f', 1);
        corners.bottomLeft << (readout.slab.isEmpty()
                                   ? QCoreApplication::translate("dokuei::viewer::Overlay", "Thickness %1 mm")
                                         .arg(readout.thicknessMm, 0, 'f', 1)
                                   : QCoreApplication::translate("dokuei::viewer::Overlay", "%1 slab %2 mm")
                                         .arg(readout.slab)
                                         .arg(readout.thicknessMm, 0, 'f', 1));
    }
    corners.bottomRight << QCoreApplication::translate("dokuei::viewer::Overlay", "W %1 L %2")
                                   .arg(readout.window.width, 0, 'f', 0)
                                   .arg(readout.window.centre, 0, 'f', 0) +
                               (readout.inverted
                                    ? QCoreApplication::translate("dokuei::viewer::Overlay", " (inverted)")
                                    : QString());
    corners.bottomRight << QCoreApplication::translate("dokuei::viewer::Overlay", "Zoom %1%")
                               .arg(readout.zoom * 100.0, 0, 'f', 0);
    return corners;
}

} // namespace dokuei::viewer
