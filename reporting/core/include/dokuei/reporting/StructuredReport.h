#pragma once

// The report as a DICOM Structured Report (Step 5), for the reading centre's archive and the requesting
// facility's PACS. Built in memory only (patient data never goes to a plain file).
//
// Enhanced SR (1.2.840.10008.5.1.4.1.1.88.22) after TID 2000 "Basic Diagnostic Imaging Report", assembled
// with DCMTK's DSRDocument (DCMTK has no TID 2000 class):
//   CONTAINER <template documentTitle>                 root, Content Template 2000 DCMR, SEPARATE
//   > HAS CONCEPT MOD CODE 121049 DCM "Language of Content Item and Descendants" = (ja|en, RFC5646)
//     > HAS CONCEPT MOD CODE 121046 DCM "Country of Language" = (JP|US, ISO3166_1)   (TID 1204)
//   > HAS OBS CONTEXT CODE 121005 DCM "Observer Type" = 121006 DCM "Person"           (TID 1002)
//   > HAS OBS CONTEXT PNAME 121008 DCM "Person Observer Name" = report.author.personName
//   > HAS OBS CONTEXT TEXT 121009 DCM "Person Observer's Organization Name" (when given)
//   > CONTAINS CONTAINER <section conceptName>        one per template section with content (TID 2002)
//     > CONTAINS TEXT <field concept | 121071 DCM "Finding">   Text fields, then the section's free text
//     > CONTAINS CODE <field concept> = chosen option           Choice fields
//     > CONTAINS NUM <field concept> value (UCUM unit)          Number fields
//     > CONTAINS NUM <measurement concept> value (UCUM unit)   measurements the section references
//       > INFERRED FROM IMAGE 121112 DCM "Source of Measurement" (SOP class, instance, frame)   (TID 300)
//   > CONTAINS CONTAINER 121070 DCM "Findings"         measurements no section references (when any)
//   > CONTAINS CONTAINER 121072 DCM "Impressions"      > CONTAINS TEXT 121073 DCM "Impression"
//   > CONTAINS CONTAINER 121074 DCM "Recommendations"  > CONTAINS TEXT 121075 DCM "Recommendation"
//   > CONTAINS CONTAINER 121180 DCM "Key Images"       (when any)
//     > CONTAINS IMAGE 121080 DCM "Best illustration of finding" (SOP class, instance, frame)
//     > CONTAINS TEXT 113012 DCM "Key Object Description" (the key image's caption)
// Empty sections and texts are left out. Code meanings are in the report's language.
// Header: Specific Character Set ISO_IR 192; Patient and General Study modules from report.header
// (Patient's Name with its alphabetic, ideographic and phonetic groups); the study's Study Instance UID;
// the SrIdentity's own series (Modality SR, Manufacturer "dokuei") and instance; Completion Flag PARTIAL for
// draft and preliminary, COMPLETE for final; Verification Flag UNVERIFIED (VERIFIED comes with Step 6's
// signature); Preliminary Flag PRELIMINARY, FINAL for a final report.

#include "dokuei/common/Error.h"
#include "dokuei/reporting/ReportDocument.h"
#include "dokuei/reporting/ReportTemplate.h"
#include "dokuei/reporting/SrIdentity.h"

#include <QByteArray>

namespace dokuei::reporting {

/// The Enhanced SR of `report` (written with `tmpl`) as a DICOM Part-10 file in memory. InvalidArgument
/// (naming the attribute) when the report cannot be a valid SR: no valid Study Instance UID, an identity
/// without valid UIDs, header values DICOM refuses, a measurement that is not a finite number. Hostile
/// text (control characters, unpaired surrogates) is cleaned, never refused.
Expected<QByteArray> makeStructuredReport(const ReportDocument& report, const ReportTemplate& tmpl,
                                          const SrIdentity& identity);

/// The UCUM code meaning dokuei writes for a unit code ("mm" -> "mm", "[hnsf'U]" -> "Hounsfield unit").
QString ucumMeaning(const QString& unit);

} // namespace dokuei::reporting
