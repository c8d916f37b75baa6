#pragma once

#include "dokuei/reporting/ReportSession.h"
#include "dokuei/reporting/ReportTemplate.h"

#include <optional>

#include <QHash>
#include <QList>
#include <QPointer>
#include <QTextEdit>
#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QToolButton;
class QVBoxLayout;

namespace dokuei::reporting {

/// What the editor asks of the viewer (implemented by the composition root over the reading workspace).
class ReportReferenceProvider
{
public:
    virtual ~ReportReferenceProvider() = default;
    /// The viewer's measurements as the report would keep them (id left empty: the report assigns it).
    virtual QList<MeasurementReference> measurements() = 0;
    /// The image on the active view, as seen (window, annotations), or nothing without a series.
    virtual std::optional<KeyImageReference> keyImage() = 0;
    /// Takes the viewer back to an image (and a measurement when viewerMeasurementId > 0).
    virtual void show(const ImageReference& image, int viewerMeasurementId) = 0;
};

/// A text field of the report: plain text with references (measurements, key images) as links. A click
/// on a reference emits referenceActivated. Input methods (kana-kanji conversion) work as in any QTextEdit;
/// the keys it consumes never reach the viewer.
class ReportTextEdit : public QTextEdit
{
    Q_OBJECT

public:
    explicit ReportTextEdit(QWidget* parent = nullptr);
    /// Replaces the text and its reference spans (no undo history kept).
    void setContent(const QString& text, const QList<ReferenceSpan>& spans);
    QList<ReferenceSpan> spans() const;
    /// Inserts `text` at the cursor as a link to `referenceId`, followed by a plain space.
    void insertReference(const QString& text, const QString& referenceId);
    /// Zeroes nothing itself (Qt owns the buffers) but clears the document and its undo stack.
    void wipe();

signals:
    void referenceActivated(const QString& referenceId);

protected:
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    bool event(QEvent* event) override;
};

/// The report editor: header (patient, study, requesting facility, clinical question), template choice,
/// the template's sections (free text, normal text, structured fields), impression and recommendation;
/// measurement and key-image insertion, references back to the viewer, the phrase library, the states.
/// Registered for wipe: at lock every text field is cleared with its undo stack (the session saves the
/// draft first) and the clipboard is cleared when it holds report text.
class ReportEditor : public QWidget, public security::IWipeable
{
    Q_OBJECT

public:
    ReportEditor(ReportSession& session, security::WipeRegistry& registry, QWidget* parent = nullptr);
    ~ReportEditor() override;

    void setTemplates(QList<ReportTemplate> templates);
    const ReportTemplate* currentTemplate() const;
    void setReferenceProvider(ReportReferenceProvider* provider) { m_provider = provider; }
    /// A previous report of the patient, read-only (copy from it); empty hides it.
    void setPriorReport(const QString& title, const QString& text);

    /// The text field of a section (template id, kImpressionId or kRecommendationId); nullptr when none.
    ReportTextEdit* textField(const QString& sectionId) const;
    QWidget* fieldWidget(const QString& fieldId) const { return m_fieldWidgets.value(fieldId); }
    QLabel* headerLabel() const { return m_header; }
    QLabel* statusLabel() const { return m_status; }
    QComboBox* templateBox() const { return m_templateBox; }
    QToolButton* measurementButton() const { return m_measurementButton; }
    QPushButton* keyImageButton() const { return m_keyImageButton; }
    QPushButton* preliminaryButton() const { return m_preliminaryButton; }
    QPushButton* finalButton() const { return m_finalButton; }

    /// Inserts measurement (by index in provider->measurements()) at the cursor of the last text field used.
    bool insertMeasurement(int index);
    bool insertKeyImage();
    /// The reference was clicked: the viewer goes back to it.
    void activateReference(const QString& referenceId);
    /// Runs the completeness check; asks for an override reason when `interactive`.
    Expected<void> finalize(const QString& overrideReason = {});

    QString wipeName() const override;
    std::size_t wipe() override;

signals:
    void referenceShown(const QString& referenceId);

private:
    void rebuild();
    void refreshStatus();
    void syncFromField(const QString& sectionId);
    ReportTextEdit* targetField() const;
    QWidget* makeFieldWidget(const TemplateField& field, const QString& sectionId);
    void setFieldValue(const QString& sectionId, const FieldValue& value);
    /// Lists the report's measurements (or key images) in a measurement / key-image field, keeping its
    /// choice.
    void fillReferenceBox(QComboBox* box) const;
    void refreshReferenceFields();
    void showPhrases();
    void askFinalize();

    ReportSession& m_session;
    QList<ReportTemplate> m_templates;
    ReportReferenceProvider* m_provider = nullptr;
    QLabel* m_header = nullptr;
    QLabel* m_status = nullptr;
    QComboBox* m_templateBox = nullptr;
    QToolButton* m_measurementButton = nullptr;
    QPushButton* m_keyImageButton = nullptr;
    QPushButton* m_phraseButton = nullptr;
    QPushButton* m_preliminaryButton = nullptr;
    QPushButton* m_finalButton = nullptr;
    QWidget* m_body = nullptr;
    QVBoxLayout* m_bodyLayout = nullptr;
    QTextEdit* m_prior = nullptr;
    QLabel* m_priorTitle = nullptr;
    QHash<QString, ReportTextEdit*> m_textFields;
    QHash<QString, QWidget*> m_fieldWidgets;
    QPointer<ReportTextEdit> m_lastField;
    bool m_loading = false;
    security::WipeRegistration m_registration;
};

} // namespace dokuei::reporting
