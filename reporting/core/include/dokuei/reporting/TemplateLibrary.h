#pragma once

#include "dokuei/reporting/ReportTemplate.h"

#include <expected>

#include <QByteArrayView>
#include <QCoreApplication>
#include <QList>
#include <QString>
#include <QStringList>

namespace dokuei::reporting {

/// Why a template file was refused: the file, the line of the offending value (1-based; 0 when the file
/// could not be read at all), the field as a JSON path ("sections[2].fields[0].type", empty for the whole
/// file) and what is wrong, in words an administrator can act on.
struct TemplateProblem
{
    QString file;
    int line = 0;
    QString field;
    QString message;

    /// "file:line: field: message" (line and field left out when unknown), the compiler's format, so that
    /// editors jump to the line.
    QString toString() const;
    bool operator==(const TemplateProblem&) const = default;
};

/// A template, or every problem found in its file (never both).
using TemplateParseResult = std::expected<ReportTemplate, QList<TemplateProblem>>;

/// Limits for hostile input: larger files, deeper nesting or more values are refused before any parsing.
inline constexpr qsizetype kMaxTemplateFileBytes = 1024 * 1024;
inline constexpr int kMaxTemplateJsonDepth = 32;
inline constexpr int kMaxTemplateJsonValues = 50000;
/// At most this many `*.json` files are read from one directory.
inline constexpr int kMaxTemplateFilesPerDirectory = 500;

/// Parses and validates one template (format: resources/templates/README.md, schema
/// resources/templates/template.schema.json). `fileName` names the source in problems and becomes the
/// template's sourceFile. Every problem of the file is reported, each with its line and JSON path; a file
/// with any problem gives no template. Never crashes on hostile input: files over kMaxTemplateFileBytes,
/// invalid UTF-8, nesting deeper than kMaxTemplateJsonDepth and syntax errors are refused with their line.
TemplateParseResult parseTemplate(QByteArrayView json, const QString& fileName);

/// Reads `path` (refusing files larger than kMaxTemplateFileBytes without reading them) and parses it.
TemplateParseResult loadTemplateFile(const QString& path);

/// The templates shipped with dokuei (the build tree's resources/templates until Step 9 installs them).
QString shippedTemplateDirectory();

/// The report templates of this workstation: every valid `*.json` file of the given directories (the
/// product passes shippedTemplateDirectory() then the administrator's Configuration::templateDirectory).
/// Files named `*.schema.json` are the schema, not templates, and are skipped. A directory that does not
/// exist is skipped without a problem (the administrator's directory is optional). Broken files are refused
/// one by one, with their problems kept; the others load. A template whose id an earlier file (earlier
/// directory, or earlier name in the same directory) already has is refused, so an administrator's file
/// cannot silently replace a shipped template: give a changed copy a new id.
class TemplateLibrary
{
    Q_DECLARE_TR_FUNCTIONS(dokuei::reporting::TemplateLibrary)

public:
    /// Loads the directories in order; within a directory files are read in name order.
    static TemplateLibrary load(const QStringList& directories);
    /// A library of templates already parsed (tests, or a caller with its own sources); duplicate ids are
    /// refused as in load().
    static TemplateLibrary fromTemplates(const QList<ReportTemplate>& templates);

    const QList<ReportTemplate>& templates() const { return m_templates; }
    /// Every problem of every refused file (and unreadable directories), in load order.
    const QList<TemplateProblem>& problems() const { return m_problems; }

    /// The template with this id, or nullptr.
    const ReportTemplate* find(const QString& id) const;

    /// The template to start a report of this study with, or nullptr when no template fits.
    /// Only templates listing the modality (case-insensitive) take part. Each non-generic one scores 100
    /// when one of its body parts equals `bodyPart` (case-insensitive), plus the length of every
    /// description keyword found in `studyDescription` (case-insensitive substring after NFKC, so
    /// full-width letters match; a longer keyword is more specific). The highest score above 0 wins, ties
    /// going to the one loaded first. When none scores, the generic template of the modality is chosen.
    const ReportTemplate* bestFor(const QString& modality, const QString& bodyPart,
                                  const QString& studyDescription) const;

private:
    void add(ReportTemplate tmpl);

    QList<ReportTemplate> m_templates;
    QList<TemplateProblem> m_problems;
};

} // namespace dokuei::reporting
