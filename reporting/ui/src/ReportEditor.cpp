#include "dokuei/reporting/ui/ReportEditor.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDate>
#include <QDoubleValidator>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QTextBlock>
#include <QTextCursor>
#include <QToolButton>
#include <QVBoxLayout>

namespace dokuei::reporting {

namespace {

const QString kRefScheme = QStringLiteral("dokuei-ref:");

QString personName(const QString& pn)
{
    QString s = pn;
    s.replace(u'^', u' ');
    return s.simplified();
}

} // namespace

// ---------------------------------------------------------------------------------------------------------
ReportTextEdit::ReportTextEdit(QWidget* parent) : QTextEdit(parent)
{
    setAcceptRichText(false);
    setTabChangesFocus(true);
    setMouseTracking(true);
    setAttribute(Qt::WA_InputMethodEnabled, true);
}

void ReportTextEdit::setContent(const QString& text, const QList<ReferenceSpan>& spans)
{
    const bool blocked = blockSignals(true);
    document()->setUndoRedoEnabled(false);
    setPlainText(text);
    QTextCursor cursor(document());
    for (const auto& span : spans) {
        if (span.start < 0 || span.start + span.length > text.size()) {
            continue;
        }
        cursor.setPosition(int(span.start));
        cursor.setPosition(int(span.start + span.length), QTextCursor::KeepAnchor);
        QTextCharFormat link;
        link.setAnchor(true);
        link.setAnchorHref(kRefScheme + span.referenceId);
        link.setForeground(palette().link());
        link.setFontUnderline(true);
        cursor.mergeCharFormat(link);
    }
    document()->setUndoRedoEnabled(true);
    moveCursor(QTextCursor::End);
    blockSignals(blocked);
}

QList<ReferenceSpan> ReportTextEdit::spans() const
{
    QList<ReferenceSpan> out;
    for (QTextBlock block = document()->begin(); block.isValid(); block = block.next()) {
        for (auto it = block.begin(); !it.atEnd(); ++it) {
            const QTextFragment fragment = it.fragment();
            const QString href = fragment.charFormat().anchorHref();
            if (!fragment.isValid() || !href.startsWith(kRefScheme)) {
                continue;
            }
            const QString id = href.mid(kRefScheme.size());
            if (!out.isEmpty() && out.last().referenceId == id &&
                out.last().start + out.last().length == fragment.position()) {
                out.last().length += fragment.length();
            } else {
                out << ReferenceSpan{fragment.position(), fragment.length(), id};
            }
        }
    }
    return out;
}

void ReportTextEdit::insertReference(const QString& text, const QString& referenceId)
{
    QTextCursor cursor = textCursor();
    QTextCharFormat plain = cursor.charFormat();
    plain.setAnchor(false);
    plain.setAnchorHref({});
    plain.setFontUnderline(false);
    plain.clearForeground();
    QTextCharFormat link = plain;
    link.setAnchor(true);
    link.setAnchorHref(kRefScheme + referenceId);
    link.setForeground(palette().link());
    link.setFontUnderline(true);
    cursor.beginEditBlock();
    cursor.insertText(text, link);
    cursor.insertText(QStringLiteral(" "), plain);
    cursor.endEditBlock();
    setTextCursor(cursor);
    setCurrentCharFormat(plain);
}

void ReportTextEdit::wipe()
{
    const bool blocked = blockSignals(true);
    document()->clearUndoRedoStacks();
    clear();
    document()->clearUndoRedoStacks();
    blockSignals(blocked);
}

void ReportTextEdit::mouseReleaseEvent(QMouseEvent* event)
{
    const QString href = anchorAt(event->pos());
    QTextEdit::mouseReleaseEvent(event);
    if (event->button() == Qt::LeftButton && href.startsWith(kRefScheme) && !textCursor().hasSelection()) {
        emit referenceActivated(href.mid(kRefScheme.size()));
    }
}

void ReportTextEdit::mouseMoveEvent(QMouseEvent* event)
{
    viewport()->setCursor(anchorAt(event->pos()).isEmpty() ? Qt::IBeamCursor : Qt::PointingHandCursor);
    QTextEdit::mouseMoveEvent(event);
}

void ReportTextEdit::keyPressEvent(QKeyEvent* event)
{
    QTextEdit::keyPressEvent(event);
    event->accept(); // never let a key the field did not use reach the viewer or a window shortcut
}

bool ReportTextEdit::event(QEvent* e)
{
    if (e->type() == QEvent::ShortcutOverride) {
        // Every printable key, arrow, Enter and Escape belongs to the text while it has focus.
        auto* key = static_cast<QKeyEvent*>(e);
        if (!(key->modifiers() & (Qt::ControlModifier | Qt::AltModifier)) || key->key() == Qt::Key_Return) {
            e->accept();
            return true;
        }
    }
    return QTextEdit::event(e);
}

// ---------------------------------------------------------------------------------------------------------
ReportEditor::ReportEditor(ReportSession& session, security::WipeRegistry& registry, QWidget* parent)
    : QWidget(parent), m_session(session), m_registration(registry, this)
{
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(4, 4, 4, 4);
    setMinimumWidth(420);
    m_header = new QLabel(this);
    m_header->setObjectName(QStringLiteral("reportHeader"));
    m_header->setWordWrap(true);
    m_header->setTextFormat(Qt::PlainText);
    outer->addWidget(m_header);

    auto* bar = new QHBoxLayout;
    m_templateBox = new QComboBox(this);
    m_templateBox->setToolTip(tr("Report template"));
    bar->addWidget(m_templateBox, 1);
    m_measurementButton = new QToolButton(this);
    m_measurementButton->setText(tr("Insert measurement"));
    m_measurementButton->setPopupMode(QToolButton::InstantPopup);
    m_measurementButton->setMenu(new QMenu(m_measurementButton));
    connect(m_measurementButton->menu(), &QMenu::aboutToShow, this, [this] {
        auto* menu = m_measurementButton->menu();
        menu->clear();
        const auto list = m_provider != nullptr ? m_provider->measurements() : QList<MeasurementReference>{};
        if (list.isEmpty()) {
            menu->addAction(tr("No measurements in the viewer"))->setEnabled(false);
        }
        for (int i = 0; i < list.size(); ++i) {
            menu->addAction(QStringLiteral("%1  %2").arg(list[i].label, list[i].text), this,
                            [this, i] { insertMeasurement(i); });
        }
    });
    bar->addWidget(m_measurementButton);
    m_keyImageButton = new QPushButton(tr("Key image"), this);
    m_keyImageButton->setToolTip(tr("Add the image on the active view, as seen, to the report"));
    connect(m_keyImageButton, &QPushButton::clicked, this, [this] { insertKeyImage(); });
    bar->addWidget(m_keyImageButton);
    m_phraseButton = new QPushButton(tr("Phrases"), this);
    connect(m_phraseButton, &QPushButton::clicked, this, &ReportEditor::showPhrases);
    bar->addWidget(m_phraseButton);
    outer->addLayout(bar);

    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setMinimumHeight(320); // at least one section's fields and text visible
    m_body = new QWidget(scroll);
    m_bodyLayout = new QVBoxLayout(m_body);
    scroll->setWidget(m_body);
    outer->addWidget(scroll, 1);

    m_priorTitle = new QLabel(this);
    m_priorTitle->hide();
    outer->addWidget(m_priorTitle);
    m_prior = new QTextEdit(this);
    m_prior->setReadOnly(true);
    m_prior->setObjectName(QStringLiteral("priorReport"));
    m_prior->setMaximumHeight(140);
    m_prior->hide();
    outer->addWidget(m_prior);

    auto* states = new QHBoxLayout;
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("reportStatus"));
    states->addWidget(m_status, 1);
    m_preliminaryButton = new QPushButton(tr("Preliminary"), this);
    m_preliminaryButton->setToolTip(
        tr("Mark the report preliminary, for verification by a supervising radiologist"));
    connect(m_preliminaryButton, &QPushButton::clicked, this, [this] {
        if (const auto* t = currentTemplate()) {
            if (auto done = m_session.setState(ReportState::Preliminary, *t); !done) {
                QMessageBox::warning(this, tr("Report"), done.error().message);
            }
        }
    });
    states->addWidget(m_preliminaryButton);
    m_finalButton = new QPushButton(tr("Final"), this);
    connect(m_finalButton, &QPushButton::clicked, this, &ReportEditor::askFinalize);
    states->addWidget(m_finalButton);
    outer->addLayout(states);

    connect(m_templateBox, &QComboBox::activated, this, [this](int index) {
        if (index >= 0 && index < m_templates.size() && m_session.hasReport()) {
            m_session.switchTemplate(m_templates[index]);
        }
    });
    connect(&m_session, &ReportSession::documentReset, this, &ReportEditor::rebuild);
    connect(&m_session, &ReportSession::saved, this, &ReportEditor::refreshStatus);
    connect(&m_session, &ReportSession::stateChanged, this, &ReportEditor::rebuild);
    connect(&m_session, &ReportSession::saveFailed, this, [this](const QString& message) {
        m_status->setText(tr("The draft could not be saved: %1").arg(message));
    });
    rebuild();
}

ReportEditor::~ReportEditor() = default;

void ReportEditor::setTemplates(QList<ReportTemplate> templates)
{
    m_templates = std::move(templates);
    rebuild();
}

const ReportTemplate* ReportEditor::currentTemplate() const
{
    if (!m_session.hasReport()) {
        return nullptr;
    }
    for (const auto& t : m_templates) {
        if (t.id == m_session.document().templateId) {
            return &t;
        }
    }
    return nullptr;
}

void ReportEditor::setPriorReport(const QString& title, const QString& text)
{
    m_priorTitle->setText(title);
    m_prior->setPlainText(text);
    m_priorTitle->setVisible(!text.isEmpty());
    m_prior->setVisible(!text.isEmpty());
}

ReportTextEdit* ReportEditor::textField(const QString& sectionId) const
{
    return m_textFields.value(sectionId);
}

void ReportEditor::rebuild()
{
    m_loading = true;
    for (auto* field : std::as_const(m_textFields)) {
        field->wipe();
    }
    m_textFields.clear();
    m_fieldWidgets.clear();
    while (auto* item = m_bodyLayout->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    const bool open = m_session.hasReport();
    const auto* tmpl = currentTemplate();
    const QString lang = open ? m_session.document().language : QStringLiteral("ja");
    {
        const QSignalBlocker block(m_templateBox);
        m_templateBox->clear();
        for (const auto& t : m_templates) {
            m_templateBox->addItem(t.title.text(lang), t.id);
        }
        m_templateBox->setCurrentIndex(tmpl != nullptr ? m_templateBox->findData(tmpl->id) : -1);
    }
    const bool editable = open && !m_session.isReadOnly();
    for (QWidget* w : std::initializer_list<QWidget*>{m_templateBox, m_measurementButton, m_keyImageButton,
                                                      m_phraseButton, m_preliminaryButton, m_finalButton}) {
        w->setEnabled(editable);
    }
    if (!open) {
        m_header->setText(tr("No report: open a study to write its report."));
        m_status->clear();
        m_loading = false;
        return;
    }
    const auto& doc = m_session.document();
    const auto& h = doc.header;
    QStringList header;
    const QString name =
        personName(!h.patientNameIdeographic.isEmpty() ? h.patientNameIdeographic : h.patientNameAlphabetic);
    // DICOM dates (YYYYMMDD) as the reader's locale writes them; anything else as sent.
    const auto date = [](const QString& da) {
        const QDate d = QDate::fromString(da, QStringLiteral("yyyyMMdd"));
        return d.isValid() ? QLocale().toString(d, QLocale::ShortFormat) : da;
    };
    const QString sex = h.patientSex == QLatin1String("M")   ? tr("male")
                        : h.patientSex == QLatin1String("F") ? tr("female")
                        : h.patientSex == QLatin1String("O") ? tr("other")
                                                             : QString();
    const QString born =
        h.patientBirthDate.isEmpty() ? QString() : tr("born %1").arg(date(h.patientBirthDate));
    header << tr("%1  (ID %2)  %3 %4").arg(name, h.patientId, sex, born).simplified();
    QStringList study{tr("Study")};
    for (const QString& part : {date(h.studyDate), h.studyDescription}) {
        if (!part.isEmpty()) {
            study << part;
        }
    }
    if (!h.accessionNumber.isEmpty()) {
        study << tr("Accession %1").arg(h.accessionNumber);
    }
    header << study.join(QStringLiteral("  "));
    if (!h.requestingFacility.isEmpty()) {
        header << tr("Requesting facility: %1").arg(h.requestingFacility);
    }
    if (!h.clinicalQuestion.isEmpty()) {
        header << tr("Clinical question: %1").arg(h.clinicalQuestion);
    }
    m_header->setText(header.join(u'\n'));

    auto addText = [&](const QString& sectionId, const QString& title, const TemplateSection* section) {
        auto* box = new QGroupBox(title, m_body);
        box->setObjectName(QStringLiteral("section-") + sectionId);
        auto* layout = new QVBoxLayout(box);
        if (section != nullptr && !section->fields.isEmpty()) {
            auto* form = new QFormLayout;
            for (const auto& field : section->fields) {
                auto* w = makeFieldWidget(field, sectionId);
                w->setEnabled(editable);
                form->addRow(field.label.text(lang) + (field.required ? QStringLiteral(" *") : QString()), w);
            }
            layout->addLayout(form);
        }
        auto* edit = new ReportTextEdit(box);
        edit->setObjectName(QStringLiteral("text-") + sectionId);
        edit->setMinimumHeight(70);
        const auto* content = doc.section(sectionId);
        edit->setContent(content != nullptr ? content->text : QString(),
                         content != nullptr ? content->references : QList<ReferenceSpan>{});
        edit->setReadOnly(!editable);
        if (section != nullptr) {
            edit->setPlaceholderText(section->normalText.text(lang));
        }
        connect(edit, &QTextEdit::textChanged, this, [this, edit, sectionId] {
            if (!m_loading) {
                // The field written in last is where a measurement or key image goes, also when the text came
                // by an input method without the field having had keyboard focus.
                m_lastField = edit;
            }
            syncFromField(sectionId);
        });
        connect(edit, &ReportTextEdit::referenceActivated, this, &ReportEditor::activateReference);
        connect(qApp, &QApplication::focusChanged, edit, [this, edit](QWidget*, QWidget* now) {
            if (now == edit) {
                m_lastField = edit;
            }
        });
        layout->addWidget(edit);
        if (section != nullptr && !section->normalText.text(lang).isEmpty() && editable) {
            auto* normal = new QPushButton(tr("Normal"), box);
            normal->setObjectName(QStringLiteral("normal-") + sectionId);
            normal->setToolTip(section->normalText.text(lang));
            const QString text = section->normalText.text(lang);
            connect(normal, &QPushButton::clicked, edit, [edit, text] {
                edit->moveCursor(QTextCursor::End);
                edit->insertPlainText(edit->toPlainText().isEmpty() ? text : u'\n' + text);
            });
            layout->addWidget(normal, 0, Qt::AlignRight);
        }
        m_textFields.insert(sectionId, edit);
        m_bodyLayout->addWidget(box);
    };
    if (tmpl != nullptr) {
        for (const auto& section : tmpl->sections) {
            addText(section.id,
                    section.title.text(lang) + (section.required ? QStringLiteral(" *") : QString()),
                    &section);
        }
    }
    addText(QString::fromLatin1(kImpressionId), tr("Impression") + QStringLiteral(" *"), nullptr);
    addText(QString::fromLatin1(kRecommendationId), tr("Recommendation"), nullptr);
    m_bodyLayout->addStretch(1);
    m_loading = false;
    refreshStatus();
}

QWidget* ReportEditor::makeFieldWidget(const TemplateField& field, const QString& sectionId)
{
    const auto& doc = m_session.document();
    FieldValue value;
    if (const auto* content = doc.section(sectionId)) {
        for (const auto& v : content->fields) {
            if (v.fieldId == field.id) {
                value = v;
            }
        }
    }
    value.fieldId = field.id;
    QWidget* widget = nullptr;
    switch (field.type) {
    case FieldType::Choice: {
        auto* box = new QComboBox(m_body);
        box->addItem(QString(), QString());
        for (const auto& option : field.choices) {
            box->addItem(option.conceptName.meaning.text(doc.language), option.conceptName.code);
            box->setItemData(box->count() - 1, option.advice.text(doc.language), Qt::ToolTipRole);
        }
        box->setCurrentIndex(std::max(0, box->findData(value.choiceCode)));
        connect(box, &QComboBox::currentIndexChanged, this, [this, box, sectionId, id = field.id] {
            setFieldValue(sectionId, FieldValue{id, {}, box->currentData().toString(), {}, {}});
        });
        widget = box;
        break;
    }
    case FieldType::Number: {
        auto* row = new QWidget(m_body);
        auto* layout = new QHBoxLayout(row);
        layout->setContentsMargins(0, 0, 0, 0);
        auto* line = new QLineEdit(row);
        auto* validator = new QDoubleValidator(line);
        validator->setLocale(QLocale::c());
        if (field.minimum) {
            validator->setBottom(*field.minimum);
        }
        if (field.maximum) {
            validator->setTop(*field.maximum);
        }
        line->setValidator(validator);
        if (value.number) {
            line->setText(QString::number(*value.number, 'g', 6));
        }
        connect(line, &QLineEdit::textEdited, this, [this, line, sectionId, id = field.id] {
            bool ok = false;
            const double n = QLocale::c().toDouble(line->text(), &ok);
            setFieldValue(sectionId,
                          FieldValue{id, {}, {}, ok ? std::optional<double>(n) : std::nullopt, {}});
        });
        layout->addWidget(line, 1);
        layout->addWidget(new QLabel(field.unit, row));
        widget = row;
        break;
    }
    case FieldType::Measurement:
    case FieldType::KeyImage: {
        // One of the report's measurements (or key images): those inserted with "Insert measurement" /
        // "Key image"; the list follows as more are inserted.
        auto* box = new QComboBox(m_body);
        box->setProperty("referenceKind", field.type == FieldType::Measurement ? 1 : 2);
        box->setProperty("referenceId", value.referenceIds.value(0));
        fillReferenceBox(box);
        connect(box, &QComboBox::activated, this, [this, box, sectionId, id = field.id] {
            const QString reference = box->currentData().toString();
            box->setProperty("referenceId", reference);
            setFieldValue(
                sectionId,
                FieldValue{id, {}, {}, {}, reference.isEmpty() ? QStringList{} : QStringList{reference}});
        });
        widget = box;
        break;
    }
    case FieldType::Text: {
        auto* line = new QLineEdit(m_body);
        line->setText(value.text);
        connect(line, &QLineEdit::textEdited, this, [this, line, sectionId, id = field.id] {
            setFieldValue(sectionId, FieldValue{id, line->text(), {}, {}, {}});
        });
        widget = line;
        break;
    }
    }
    widget->setObjectName(QStringLiteral("field-") + field.id);
    m_fieldWidgets.insert(field.id, widget);
    return widget;
}

void ReportEditor::fillReferenceBox(QComboBox* box) const
{
    const QSignalBlocker block(box);
    const QString chosen = box->property("referenceId").toString();
    box->clear();
    if (!m_session.hasReport()) {
        return;
    }
    const auto& d = m_session.document();
    const bool measurement = box->property("referenceKind").toInt() == 1;
    box->addItem(measurement ? tr("(no measurement chosen)") : tr("(no key image chosen)"), QString());
    if (measurement) {
        for (const auto& m : d.measurements) {
            box->addItem(QStringLiteral("%1: %2").arg(m.id, m.text), m.id);
        }
    } else {
        for (const auto& k : d.keyImages) {
            box->addItem(k.text, k.id);
        }
    }
    if (box->count() == 1) {
        box->setItemText(0, measurement ? tr("(insert a measurement into the text first)")
                                        : tr("(add a key image first)"));
    }
    box->setCurrentIndex(std::max(0, box->findData(chosen)));
}

void ReportEditor::refreshReferenceFields()
{
    for (QWidget* widget : std::as_const(m_fieldWidgets)) {
        if (auto* box = qobject_cast<QComboBox*>(widget); box && box->property("referenceKind").isValid()) {
            fillReferenceBox(box);
        }
    }
}

void ReportEditor::setFieldValue(const QString& sectionId, const FieldValue& value)
{
    if (m_loading) {
        return;
    }
    m_session.update([&](ReportDocument& d) {
        auto* content = d.section(sectionId);
        if (content == nullptr) {
            return;
        }
        for (auto& v : content->fields) {
            if (v.fieldId == value.fieldId) {
                v = value;
                return;
            }
        }
        content->fields << value;
    });
    refreshStatus();
}

void ReportEditor::syncFromField(const QString& sectionId)
{
    if (m_loading) {
        return;
    }
    auto* edit = m_textFields.value(sectionId);
    if (edit == nullptr) {
        return;
    }
    const QString text = edit->toPlainText();
    const auto spans = edit->spans();
    m_session.update([&](ReportDocument& d) {
        if (auto* content = d.section(sectionId)) {
            content->text = text;
            content->references = spans;
        }
    });
    refreshStatus();
}

void ReportEditor::refreshStatus()
{
    if (!m_session.hasReport()) {
        m_status->clear();
        return;
    }
    const auto& d = m_session.document();
    QString state;
    switch (d.state) {
    case ReportState::Draft:
        state = tr("Draft");
        break;
    case ReportState::Preliminary:
        state = tr("Preliminary");
        break;
    case ReportState::Final:
        state = tr("Final (read-only)");
        break;
    }
    const QString saved =
        m_session.isDirty() ? tr("not yet saved")
        : m_session.lastSaved().isValid()
            ? tr("saved %1").arg(m_session.lastSaved().toLocalTime().toString(QStringLiteral("HH:mm:ss")))
            : tr("saved");
    m_status->setText(QStringLiteral("%1 · %2").arg(state, saved));
}

ReportTextEdit* ReportEditor::targetField() const
{
    if (m_lastField) {
        return m_lastField;
    }
    if (const auto* tmpl = currentTemplate(); tmpl != nullptr && !tmpl->sections.isEmpty()) {
        return m_textFields.value(tmpl->sections.first().id);
    }
    return m_textFields.value(QString::fromLatin1(kImpressionId));
}

bool ReportEditor::insertMeasurement(int index)
{
    if (m_provider == nullptr || m_session.isReadOnly() || !m_session.hasReport()) {
        return false;
    }
    const auto list = m_provider->measurements();
    if (index < 0 || index >= list.size()) {
        return false;
    }
    auto* field = targetField();
    if (field == nullptr) {
        return false;
    }
    MeasurementReference m = list[index];
    // The same viewer measurement inserted twice is one reference.
    QString id;
    for (const auto& existing : m_session.document().measurements) {
        if (existing.viewerId == m.viewerId && existing.image == m.image) {
            id = existing.id;
        }
    }
    if (id.isEmpty()) {
        id = QStringLiteral("M%1").arg(m_session.document().measurements.size() + 1);
        m.id = id;
        m_session.update([&](ReportDocument& d) { d.measurements << m; });
    }
    field->insertReference(m.text, id);
    field->setFocus();
    refreshReferenceFields();
    return true;
}

bool ReportEditor::insertKeyImage()
{
    if (m_provider == nullptr || m_session.isReadOnly() || !m_session.hasReport()) {
        return false;
    }
    auto key = m_provider->keyImage();
    auto* field = targetField();
    if (!key || field == nullptr) {
        m_status->setText(
            tr("No image to add: open a series and show it in the stack view (1×1, 1×2 or 2×2)."));
        return false;
    }
    const QString id = QStringLiteral("K%1").arg(m_session.document().keyImages.size() + 1);
    key->id = id;
    // The measurements of the report drawn on that image are the ones it shows.
    for (const auto& m : m_session.document().measurements) {
        if (m.image.sopInstanceUid == key->image.sopInstanceUid && m.image.frame == key->image.frame) {
            key->measurementIds << m.id;
        }
    }
    key->text =
        tr("Key image %1 (Se %2 Im %3)").arg(id).arg(key->image.seriesNumber).arg(key->image.instanceNumber);
    const QString text = key->text;
    m_session.update([&](ReportDocument& d) { d.keyImages << *key; });
    field->insertReference(text, id);
    field->setFocus();
    refreshReferenceFields();
    return true;
}

void ReportEditor::activateReference(const QString& referenceId)
{
    if (m_provider == nullptr || !m_session.hasReport()) {
        return;
    }
    const auto& d = m_session.document();
    if (const auto* m = d.measurement(referenceId)) {
        m_provider->show(m->image, m->viewerId);
    } else if (const auto* k = d.keyImage(referenceId)) {
        m_provider->show(k->image, 0);
    } else {
        return;
    }
    emit referenceShown(referenceId);
}

Expected<void> ReportEditor::finalize(const QString& overrideReason)
{
    const auto* tmpl = currentTemplate();
    if (tmpl == nullptr) {
        return fail(ErrorCode::InvalidArgument, tr("The report's template is not loaded."));
    }
    return m_session.setState(ReportState::Final, *tmpl, overrideReason);
}

void ReportEditor::askFinalize()
{
    const auto* tmpl = currentTemplate();
    if (tmpl == nullptr) {
        return;
    }
    const auto problems = m_session.completeness(*tmpl);
    QString reason;
    if (!problems.isEmpty()) {
        QStringList lines;
        for (const auto& p : problems) {
            lines << QStringLiteral("• ") + completenessMessage(p);
        }
        bool ok = false;
        reason = QInputDialog::getMultiLineText(this, tr("Report not complete"),
                                                lines.join(u'\n') + QStringLiteral("\n\n") +
                                                    tr("Complete the report, or give the reason to finalize "
                                                       "it as it is (the override is audited):"),
                                                {}, &ok);
        if (!ok || reason.trimmed().isEmpty()) {
            return;
        }
    }
    if (auto done = finalize(reason); !done) {
        QMessageBox::warning(this, tr("Report"), done.error().message);
    }
}

void ReportEditor::showPhrases()
{
    auto* store = m_session.store();
    if (store == nullptr) {
        return;
    }
    QMenu menu(this);
    auto phrases = store->phrases();
    if (phrases) {
        for (const auto& p : *phrases) {
            const QString text = p.text;
            menu.addAction(p.title, this, [this, text] {
                if (auto* field = targetField()) {
                    field->insertPlainText(text);
                    field->setFocus();
                }
            });
        }
    }
    if (!phrases || phrases->isEmpty()) {
        menu.addAction(tr("No phrases yet"))->setEnabled(false);
    }
    menu.addSeparator();
    menu.addAction(tr("Save the selected text as a phrase..."), this, [this, store] {
        auto* field = targetField();
        const QString text = field != nullptr ? field->textCursor().selectedText() : QString();
        if (text.isEmpty()) {
            QMessageBox::information(this, tr("Phrases"), tr("Select the text to keep as a phrase first."));
            return;
        }
        const QString title = QInputDialog::getText(this, tr("Phrases"), tr("Name of the phrase:"));
        if (!title.trimmed().isEmpty()) {
            (void)store->addPhrase(title, QString(text).replace(QChar::ParagraphSeparator, u'\n'));
        }
    });
    menu.exec(m_phraseButton->mapToGlobal(QPoint(0, m_phraseButton->height())));
}

QString ReportEditor::wipeName() const
{
    return QStringLiteral("report editor");
}

std::size_t ReportEditor::wipe()
{
    std::size_t n = 0;
    bool clipboardHasReport = false;
    const QString clip = QApplication::clipboard()->text();
    for (auto* field : std::as_const(m_textFields)) {
        const QString text = field->toPlainText();
        n += std::size_t(text.size()) * 2;
        if (!clip.isEmpty() && text.contains(clip)) {
            clipboardHasReport = true;
        }
        field->wipe();
    }
    for (auto* w : std::as_const(m_fieldWidgets)) {
        if (auto* line = qobject_cast<QLineEdit*>(w)) {
            line->clear();
        }
    }
    if (clipboardHasReport) {
        QApplication::clipboard()->clear();
    }
    m_prior->clear();
    m_header->clear();
    m_loading = true;
    m_textFields.clear();
    m_fieldWidgets.clear();
    while (auto* item = m_bodyLayout->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    m_loading = false;
    return n;
}

} // namespace dokuei::reporting
