#pragma once

#include <dokuei/exchange/DicomWebError.h>

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace dokuei::exchange {

/// A DICOM person name (PS3.18 F.2.2: the JSON PN object's component groups).
struct PersonName
{
    QString alphabetic;  ///< e.g. "Yamada^Taro"
    QString ideographic; ///< e.g. "山田^太郎"
    QString phonetic;    ///< e.g. "やまだ^たろう"
    bool isEmpty() const { return alphabetic.isEmpty() && ideographic.isEmpty() && phonetic.isEmpty(); }
};

struct StudyRecord
{
    QString studyUid;
    PersonName patientName;
    QString patientId;
    QString studyDate; ///< YYYYMMDD as sent
    QString studyTime;
    QString description;
    QString accessionNumber;
    QStringList modalities;
    QString institution;      ///< Institution Name: the requesting facility
    QString patientBirthDate; ///< YYYYMMDD as sent
    QString patientSex;       ///< M, F, O or empty
    PersonName referringPhysician;
    QString reasonForRequest; ///< Reason for the Requested Procedure (0040,1002): the clinical question
    int seriesCount = -1;     ///< -1 when not sent
    int instanceCount = -1;
};

struct SeriesRecord
{
    QString studyUid;
    QString seriesUid;
    int number = -1;
    QString description;
    QString modality;
    int instanceCount = -1;
};

struct InstanceRecord
{
    QString studyUid;
    QString seriesUid;
    QString sopInstanceUid;
    QString sopClassUid;
    int number = -1;
};

struct StowFailure
{
    QString sopClassUid;
    QString sopInstanceUid;
    int reason = 0; ///< Failure Reason (0008,1197)
};

struct StowResult
{
    QStringList storedInstanceUids;
    QList<StowFailure> failures;
    QString retrieveUrl;
};

/// Parsing of DICOM JSON (PS3.18 F.2) answers. Survives hostile input: any wrong type, missing required
/// attribute, oversized array or string gives InvalidResponse naming the item and attribute; never crashes.
class DicomWebJson
{
public:
    static constexpr int kMaxResults = 100000;    ///< datasets in one answer
    static constexpr int kMaxValues = 1024;       ///< values of one attribute
    static constexpr int kMaxStringLength = 4096; ///< characters of one value

    static WebExpected<QList<StudyRecord>> parseStudies(const QByteArray& json);
    static WebExpected<QList<SeriesRecord>> parseSeries(const QByteArray& json);
    static WebExpected<QList<InstanceRecord>> parseInstances(const QByteArray& json);
    static WebExpected<StowResult> parseStowResponse(const QByteArray& json);

    /// The values of one attribute as strings (numbers converted); empty when absent. Errors on wrong types.
    static WebExpected<QStringList> strings(const QJsonObject& dataset, const char* tag);
    static WebExpected<PersonName> personName(const QJsonObject& dataset, const char* tag);
};

} // namespace dokuei::exchange
