#include "dokuei/reporting/TemplateLibrary.h"

#include <QDir>
#include <QFileInfo>

namespace dokuei::reporting {

QString TemplateProblem::toString() const
{
    QString text = file;
    if (line > 0) {
        text += u':' + QString::number(line);
    }
    text += QStringLiteral(": ");
    if (!field.isEmpty()) {
        text += field + QStringLiteral(": ");
    }
    return text + message;
}

QString shippedTemplateDirectory()
{
    return QStringLiteral(DOKUEI_SHIPPED_TEMPLATE_DIR);
}

TemplateLibrary TemplateLibrary::load(const QStringList& directories)
{
    TemplateLibrary library;
    for (const QString& directory : directories) {
        if (directory.isEmpty()) {
            continue;
        }
        const QDir dir(directory);
        if (!dir.exists()) {
            continue; // an optional directory (the administrator's) that was never created
        }
        if (!QFileInfo(directory).isReadable()) {
            library.m_problems << TemplateProblem{directory, 0, {}, tr("the directory cannot be read")};
            continue;
        }
        QFileInfoList files = dir.entryInfoList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
        files.removeIf([](const QFileInfo& f) { return f.fileName().endsWith(u".schema.json"); });
        if (files.size() > kMaxTemplateFilesPerDirectory) {
            library.m_problems << TemplateProblem{
                directory,
                0,
                {},
                tr("more than %1 template files: only the first %1 (by name) are read")
                    .arg(kMaxTemplateFilesPerDirectory)};
            files.resize(kMaxTemplateFilesPerDirectory);
        }
        for (const QFileInfo& file : files) {
            auto parsed = loadTemplateFile(file.filePath());
            if (!parsed) {
                library.m_problems << parsed.error();
                continue;
            }
            library.add(std::move(*parsed));
        }
    }
    return library;
}

TemplateLibrary TemplateLibrary::fromTemplates(const QList<ReportTemplate>& templates)
{
    TemplateLibrary library;
    for (const ReportTemplate& t : templates) {
        library.add(t);
    }
    return library;
}

void TemplateLibrary::add(ReportTemplate tmpl)
{
    if (const ReportTemplate* first = find(tmpl.id)) {
        m_problems << TemplateProblem{tmpl.sourceFile, 0, QStringLiteral("id"),
                                      tr("the template id \"%1\" is already used by %2; this file is not "
                                         "loaded (give a changed copy a new id)")
                                          .arg(tmpl.id, first->sourceFile)};
        return;
    }
    m_templates << std::move(tmpl);
}

const ReportTemplate* TemplateLibrary::find(const QString& id) const
{
    for (const ReportTemplate& t : m_templates) {
        if (t.id == id) {
            return &t;
        }
    }
    return nullptr;
}

const ReportTemplate* TemplateLibrary::bestFor(const QString& modality, const QString& bodyPart,
                                               const QString& studyDescription) const
{
    const QString description = studyDescription.normalized(QString::NormalizationForm_KC);
    const QString part = bodyPart.trimmed();
    const ReportTemplate* best = nullptr;
    qsizetype bestScore = 0;
    const ReportTemplate* generic = nullptr;
    for (const ReportTemplate& t : m_templates) {
        if (!t.modalities.contains(modality.trimmed(), Qt::CaseInsensitive)) {
            continue;
        }
        if (t.generic) {
            if (!generic) {
                generic = &t;
            }
            continue;
        }
        qsizetype score = 0;
        if (!part.isEmpty() && t.bodyParts.contains(part, Qt::CaseInsensitive)) {
            score += 100;
        }
        if (!description.isEmpty()) {
            for (const QString& keyword : t.descriptionKeywords) {
                const QString k = keyword.normalized(QString::NormalizationForm_KC);
                if (!k.isEmpty() && description.contains(k, Qt::CaseInsensitive)) {
                    score += k.size();
                }
            }
        }
        if (score > bestScore) {
            best = &t;
            bestScore = score;
        }
    }
    return best ? best : generic;
}

} // namespace dokuei::reporting
