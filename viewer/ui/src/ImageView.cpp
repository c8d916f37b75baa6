#include "dokuei/viewer/ui/ImageView.h"

#include "dokuei/security/SecureBuffer.h"
#include "dokuei/viewer/core/Measurements.h"
#include "dokuei/viewer/core/Vec3Math.h"
#include "dokuei/viewer/core/Volume.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <QKeyEvent>
#include <QMouseEvent>
#include <QOpenGLContext>
#include <QOpenGLFunctions>
#include <QPainter>
#include <QPainterPath>
#include <QWheelEvent>

#include <vtkActor.h>
#include <vtkCamera.h>
#include <vtkImageData.h>
#include <vtkImageResliceMapper.h>
#include <vtkImageResliceToColors.h>
#include <vtkImageSlice.h>
#include <vtkImageSliceMapper.h>
#include <vtkOpenGLImageSliceMapper.h>
#include <vtkOpenGLTexture.h>
#include <vtkProp.h>
#include <vtkPropCollection.h>
#include <vtkRenderer.h>
#include <vtkTextureObject.h>

namespace dokuei::viewer {
namespace {

ViewPlane planeOf(ImageViewKind kind)
{
    switch (kind) {
    case ImageViewKind::Coronal:
        return ViewPlane::Coronal;
    case ImageViewKind::Sagittal:
        return ViewPlane::Sagittal;
    default:
        return ViewPlane::Axial;
    }
}

constexpr double kHandleRadius = 6.0;

// What VTK 9.1 keeps of the image a 2D view showed once the scene let go of it:
// - the slice texture in OpenGL: on Mesa llvmpipe in process memory. After it was deleted, its storage (a
//   live 64x64x4 block for a 64x64 slice) was still found by the memory scan after the lock, presumably held
//   by the context's last bound sampler views until it draws again, which a hidden or emptied view does not:
//   it is overwritten with zeros in place before it is deleted;
// - CPU copies that ReleaseGraphicsResources leaves: the OpenGL slice mapper keeps the RGBA texture data it
//   made of the slice (the input of its internal actor's vtkTexture), the reslice mapper its resliced RGBA
//   plane (the output of its vtkImageResliceToColors, which its inner slice mapper's texture wraps).
// These are protected members: reached through member pointers named in derived classes (no object of these
// classes is ever made).
struct SliceMapperAccess : vtkOpenGLImageSliceMapper
{
    static vtkActor* textureActor(vtkImageMapper3D* mapper)
    {
        if (mapper == nullptr || !mapper->IsA("vtkOpenGLImageSliceMapper")) {
            return nullptr;
        }
        vtkActor* vtkOpenGLImageSliceMapper::*const member = &SliceMapperAccess::PolyDataActor;
        return static_cast<vtkOpenGLImageSliceMapper*>(mapper)->*member;
    }

    /// Zeroes the uploaded texture in place; `gl` is the context the texture was made in (current).
    static void scrubTexture(vtkImageMapper3D* mapper, QOpenGLFunctions& gl)
    {
        vtkActor* actor = textureActor(mapper);
        auto* texture = actor != nullptr ? vtkOpenGLTexture::SafeDownCast(actor->GetTexture()) : nullptr;
        vtkTextureObject* object = texture != nullptr ? texture->GetTextureObject() : nullptr;
        if (object == nullptr || object->GetHandle() == 0 || object->GetTarget() != GL_TEXTURE_2D ||
            object->GetVTKDataType() != VTK_UNSIGNED_CHAR || object->GetComponents() < 1 ||
            object->GetComponents() > 4) {
            return;
        }
        static constexpr GLenum kFormats[] = {GL_RED, GL_RG, GL_RGB, GL_RGBA};
        const auto width = static_cast<GLsizei>(object->GetWidth());
        const auto height = static_cast<GLsizei>(object->GetHeight());
        const std::vector<unsigned char> zeros(std::size_t(width) * std::size_t(height) * 4, 0);
        GLint alignment = 4;
        gl.glGetIntegerv(GL_UNPACK_ALIGNMENT, &alignment);
        gl.glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
        object->Activate();
        gl.glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, width, height, kFormats[object->GetComponents() - 1],
                           GL_UNSIGNED_BYTE, zeros.data());
        object->Deactivate();
        gl.glPixelStorei(GL_UNPACK_ALIGNMENT, alignment);
        gl.glFinish();
    }

    static void dropTextureData(vtkImageMapper3D* mapper)
    {
        vtkActor* actor = textureActor(mapper);
        if (actor != nullptr && actor->GetTexture() != nullptr) {
            actor->GetTexture()->SetInputData(nullptr); // the texture data is freed (and zeroed) now
        }
    }
};

struct ResliceMapperAccess : vtkImageResliceMapper
{
    static vtkImageMapper3D* innerMapper(vtkImageMapper3D* mapper)
    {
        if (mapper == nullptr || !mapper->IsA("vtkImageResliceMapper")) {
            return nullptr;
        }
        vtkImageSliceMapper* vtkImageResliceMapper::*const inner = &ResliceMapperAccess::SliceMapper;
        return static_cast<vtkImageResliceMapper*>(mapper)->*inner;
    }

    static void dropResliced(vtkImageMapper3D* mapper)
    {
        if (mapper == nullptr || !mapper->IsA("vtkImageResliceMapper")) {
            return;
        }
        vtkImageResliceToColors* vtkImageResliceMapper::*const resliced = &ResliceMapperAccess::ImageReslice;
        if (vtkImageResliceToColors* filter = static_cast<vtkImageResliceMapper*>(mapper)->*resliced) {
            filter->GetOutput()->ReleaseData();
        }
    }
};

/// Every image mapper of a renderer, the reslice mappers' inner slice mappers included.
std::vector<vtkImageMapper3D*> imageMappers(vtkRenderer* renderer)
{
    std::vector<vtkImageMapper3D*> mappers;
    vtkPropCollection* props = renderer->GetViewProps();
    props->InitTraversal();
    while (vtkProp* prop = props->GetNextProp()) {
        if (auto* slice = vtkImageSlice::SafeDownCast(prop);
            slice != nullptr && slice->GetMapper() != nullptr) {
            mappers.push_back(slice->GetMapper());
            if (vtkImageMapper3D* inner = ResliceMapperAccess::innerMapper(slice->GetMapper())) {
                mappers.push_back(inner);
            }
        }
    }
    return mappers;
}

} // namespace

// ---------------------------------------------------------------------------------------------------------
// The two scenes behind one interface: what the view needs from a 2D pipeline.

class ImageView::Scene
{
public:
    virtual ~Scene() = default;
    virtual vtkRenderer* renderer() const = 0;
    virtual bool setVolume(const Volume& volume) = 0;
    virtual void clear() = 0;
    virtual bool hasVolume() const = 0;
    virtual void voxelsChanged() = 0;
    virtual Vec3 worldToPatient(const Vec3& world) const = 0;
    virtual Vec3 patientToWorld(const Vec3& patient) const = 0;
    virtual void setWindow(Window window) = 0;
    virtual void setInvert(bool invert) = 0;
    virtual void setInterpolation(SliceInterpolation interpolation) = 0;
    virtual SliceInterpolation interpolation() const = 0;
    virtual void fitCamera() = 0;
    virtual ViewAxes axes() const = 0;
};

class ImageView::StackScene final : public Scene
{
public:
    SliceScene scene;
    const Volume* volume = nullptr;

    vtkRenderer* renderer() const override { return scene.renderer(); }
    bool setVolume(const Volume& v) override
    {
        volume = &v;
        return scene.setVolume(v);
    }
    void clear() override
    {
        scene.clear();
        volume = nullptr;
    }
    bool hasVolume() const override { return scene.hasVolume(); }
    void voxelsChanged() override { scene.voxelsChanged(); }
    Vec3 worldToPatient(const Vec3& w) const override { return scene.worldToPatient(w); }
    Vec3 patientToWorld(const Vec3& p) const override { return scene.patientToWorld(p); }
    void setWindow(Window w) override { scene.setWindow(w); }
    void setInvert(bool i) override { scene.setInvert(i); }
    void setInterpolation(SliceInterpolation i) override { scene.setInterpolation(i); }
    SliceInterpolation interpolation() const override { return scene.interpolation(); }
    void fitCamera() override { scene.fitCamera(); }
    ViewAxes axes() const override { return volume ? storedImageAxes(volume->geometry()) : ViewAxes{}; }
};

class ImageView::MprScene final : public Scene
{
public:
    PlaneScene scene;

    vtkRenderer* renderer() const override { return scene.renderer(); }
    bool setVolume(const Volume& v) override { return scene.setVolume(v); }
    void clear() override { scene.clear(); }
    bool hasVolume() const override { return scene.hasVolume(); }
    void voxelsChanged() override { scene.voxelsChanged(); }
    Vec3 worldToPatient(const Vec3& w) const override { return scene.worldToPatient(w); }
    Vec3 patientToWorld(const Vec3& p) const override { return scene.patientToWorld(p); }
    void setWindow(Window w) override { scene.setWindow(w); }
    void setInvert(bool i) override { scene.setInvert(i); }
    void setInterpolation(SliceInterpolation i) override { scene.setInterpolation(i); }
    SliceInterpolation interpolation() const override { return scene.interpolation(); }
    void fitCamera() override { scene.fitCamera(); }
    ViewAxes axes() const override { return scene.axes(); }
};

// ---------------------------------------------------------------------------------------------------------

ImageView::ImageView(ImageViewKind kind, MeasurementSet* measurements, QWidget* parent)
    : VtkViewWidget(parent), m_kind(kind), m_measurements(measurements)
{
    if (kind == ImageViewKind::Stack) {
        m_scene = std::make_unique<StackScene>();
    } else {
        m_scene = std::make_unique<MprScene>();
    }
    setTrackballInteraction(false);
    setMouseTracking(true);
    addRenderer(m_scene->renderer());
    connect(&m_cine, &QTimer::timeout, this, [this] {
        const int count = sliceCount();
        if (count > 0) {
            setSliceIndex((sliceIndex() + 1) % count);
        }
    });
    if (m_measurements) {
        connect(m_measurements, &MeasurementSet::changed, this, &VtkViewWidget::requestFrame);
        connect(m_measurements, &MeasurementSet::selectionChanged, this, &VtkViewWidget::requestFrame);
    }
}

ImageView::~ImageView()
{
    clearVolume();
}

QString ImageView::planeName() const
{
    switch (m_kind) {
    case ImageViewKind::Stack:
        return tr("Stack");
    case ImageViewKind::Axial:
        return tr("Axial");
    case ImageViewKind::Coronal:
        return tr("Coronal");
    case ImageViewKind::Sagittal:
        return tr("Sagittal");
    }
    return {};
}

void ImageView::setVolume(const Volume* volume, const SeriesContext& context)
{
    clearVolume();
    if (!volume || volume->wiped() || volume->slices() == 0) {
        return;
    }
    m_volume = volume;
    m_context = context;
    m_window = context.seriesWindow.value_or(Window{40, 400});
    m_invert = false;
    m_scene->setWindow(m_window);
    m_scene->setInvert(false);
    m_scene->setInterpolation(SliceInterpolation::Nearest);
    if (!m_scene->setVolume(*volume)) {
        clearVolume();
        return;
    }
    const VolumeGeometry& g = volume->geometry();
    m_crosshair = voxelToPatient(
        g, {(volume->columns() - 1) / 2.0, (volume->rows() - 1) / 2.0, std::floor(volume->slices() / 2.0)});
    if (m_kind != ImageViewKind::Stack) {
        applyPlane(standardViewAxes(planeOf(m_kind)), m_crosshair);
    } else {
        static_cast<StackScene*>(m_scene.get())->scene.setSlice(volume->slices() / 2);
    }
    m_scene->fitCamera();
    changed();
}

void ImageView::clearVolume()
{
    setCineRunning(false);
    m_drawing.clear();
    m_drawingActive = false;
    m_editId = 0;
    const bool had = m_volume != nullptr || m_scene->hasVolume();
    // VTK deletes the slice texture (and its buffers) in whatever OpenGL context is current, and with none
    // current it deletes nothing: make this view's context current while the scene lets go of them, and zero
    // the texture first (see SliceMapperAccess). Then free the CPU copies VTK keeps.
    const bool current = had && context() != nullptr;
    if (current) {
        makeCurrent();
        for (vtkImageMapper3D* mapper : imageMappers(m_scene->renderer())) {
            SliceMapperAccess::scrubTexture(mapper, *context()->functions());
        }
    }
    m_scene->clear();
    for (vtkImageMapper3D* mapper : imageMappers(m_scene->renderer())) {
        SliceMapperAccess::dropTextureData(mapper);
        ResliceMapperAccess::dropResliced(mapper);
    }
    if (current) {
        doneCurrent();
    }
    m_volume = nullptr;
    eraseIdentity(m_context.identity);
    m_context = {};
    m_crosshair = {};
    m_references.clear();
    if (had) {
        releaseSceneGraphics();
    }
}

bool ImageView::hasVolume() const
{
    return m_volume != nullptr && !m_volume->wiped() && m_scene->hasVolume();
}

void ImageView::voxelsChanged()
{
    m_scene->voxelsChanged();
    requestFrame();
}

void ImageView::changed()
{
    requestFrame();
    emit viewChanged();
}

// --- navigation ------------------------------------------------------------------------------------------

int ImageView::sliceIndex() const
{
    if (!hasVolume()) {
        return 0;
    }
    if (m_kind == ImageViewKind::Stack) {
        return static_cast<StackScene*>(m_scene.get())->scene.slice();
    }
    const auto& s = static_cast<MprScene*>(m_scene.get())->scene;
    const auto [low, high] = s.normalRange();
    const double position = dot(m_crosshair, viewNormal(s.axes()));
    return std::clamp(int(std::lround((position - low) / s.normalStep())), 0, sliceCount() - 1);
}

int ImageView::sliceCount() const
{
    if (!hasVolume()) {
        return 0;
    }
    if (m_kind == ImageViewKind::Stack) {
        return static_cast<StackScene*>(m_scene.get())->scene.sliceCount();
    }
    const auto& s = static_cast<MprScene*>(m_scene.get())->scene;
    const auto [low, high] = s.normalRange();
    return std::max(1, int(std::floor((high - low) / s.normalStep() + 1e-6)) + 1);
}

void ImageView::setSliceIndex(int index)
{
    if (!hasVolume()) {
        return;
    }
    index = std::clamp(index, 0, sliceCount() - 1);
    if (m_kind == ImageViewKind::Stack) {
        auto& s = static_cast<StackScene*>(m_scene.get())->scene;
        s.setSlice(index);
        // The crosshair follows the stack along its normal (keeps its in-plane position).
        const VolumeGeometry& g = m_volume->geometry();
        if (const auto voxel = patientToVoxel(g, m_crosshair)) {
            m_crosshair = voxelToPatient(g, {(*voxel)[0], (*voxel)[1], double(index)});
        }
        changed();
        emit crosshairMoved(m_crosshair);
        return;
    }
    auto& s = static_cast<MprScene*>(m_scene.get())->scene;
    const Vec3 n = viewNormal(s.axes());
    const auto [low, high] = s.normalRange();
    const double target = low + index * s.normalStep();
    m_crosshair = add(m_crosshair, scale(n, target - dot(m_crosshair, n)));
    applyPlane(s.axes(), m_crosshair);
    changed();
    emit crosshairMoved(m_crosshair);
}

void ImageView::step(int delta)
{
    setSliceIndex(sliceIndex() + delta);
}

void ImageView::applyPlane(const ViewAxes& axes, const Vec3& centre)
{
    auto& s = static_cast<MprScene*>(m_scene.get())->scene;
    vtkCamera* camera = s.renderer()->GetActiveCamera();
    double focal[3];
    camera->GetFocalPoint(focal);
    const ViewAxes before = s.axes();
    const double scaleBefore = camera->GetParallelScale();
    s.setPlane(axes, centre);
    // Keep the user's pan: when only the position along the normal changed, the camera moves along the
    // normal only (a click in one view must not re-centre the others).
    const Vec3 n = viewNormal(axes);
    if (dot(before.right, axes.right) > 1 - 1e-9 && dot(before.down, axes.down) > 1 - 1e-9) {
        Vec3 f{focal[0], focal[1], focal[2]};
        f = add(f, scale(n, dot(sub(centre, f), n)));
        double position[3];
        camera->GetPosition(position);
        double oldFocal[3];
        camera->GetFocalPoint(oldFocal);
        const Vec3 offset{position[0] - oldFocal[0], position[1] - oldFocal[1], position[2] - oldFocal[2]};
        camera->SetFocalPoint(f[0], f[1], f[2]);
        camera->SetPosition(f[0] + offset[0], f[1] + offset[1], f[2] + offset[2]);
        camera->SetParallelScale(scaleBefore);
        s.renderer()->ResetCameraClippingRange();
    }
}

void ImageView::setCrosshair(const Vec3& lps)
{
    if (!hasVolume()) {
        return;
    }
    m_crosshair = lps;
    if (m_kind == ImageViewKind::Stack) {
        if (const auto voxel = patientToVoxel(m_volume->geometry(), lps)) {
            auto& s = static_cast<StackScene*>(m_scene.get())->scene;
            s.setSlice(std::clamp(int(std::lround((*voxel)[2])), 0, s.sliceCount() - 1));
        }
    } else {
        applyPlane(axes(), lps);
    }
    changed();
}

void ImageView::rotatePlane(const Vec3& axisLps, double degrees)
{
    if (!hasVolume() || m_kind == ImageViewKind::Stack) {
        return;
    }
    applyPlane(rotateViewAxes(axes(), axisLps, degrees), m_crosshair);
    changed();
}

void ImageView::resetPlane()
{
    if (!hasVolume() || m_kind == ImageViewKind::Stack) {
        return;
    }
    applyPlane(standardViewAxes(planeOf(m_kind)), m_crosshair);
    m_scene->fitCamera();
    changed();
}

void ImageView::setReferencePlanes(std::vector<ReferencePlane> planes)
{
    m_references = std::move(planes);
    requestFrame();
}

void ImageView::setSlab(SlabMode mode, double thicknessMm)
{
    if (m_kind == ImageViewKind::Stack) {
        return;
    }
    static_cast<MprScene*>(m_scene.get())->scene.setSlab(mode, thicknessMm);
    changed();
}

SlabMode ImageView::slabMode() const
{
    return m_kind == ImageViewKind::Stack ? SlabMode::None
                                          : static_cast<MprScene*>(m_scene.get())->scene.slabMode();
}

double ImageView::slabThickness() const
{
    return m_kind == ImageViewKind::Stack ? 0.0
                                          : static_cast<MprScene*>(m_scene.get())->scene.slabThickness();
}

// --- display ---------------------------------------------------------------------------------------------

void ImageView::setWindow(Window window)
{
    window.width = std::max(1.0, window.width);
    m_window = window;
    m_scene->setWindow(window);
    changed();
    emit windowChanged(window);
}

bool ImageView::applyPreset(int numberKey)
{
    const auto preset = windowPresetForNumberKey(numberKey, m_context.seriesWindow);
    if (!preset) {
        return false;
    }
    setWindow(preset->window);
    return true;
}

void ImageView::setInverted(bool inverted)
{
    m_invert = inverted;
    m_scene->setInvert(inverted);
    changed();
}

SliceInterpolation ImageView::interpolation() const
{
    return m_scene->interpolation();
}

void ImageView::setInterpolation(SliceInterpolation interpolation)
{
    m_scene->setInterpolation(interpolation);
    changed();
}

double ImageView::imagePixelMm() const
{
    if (!m_volume) {
        return 1.0;
    }
    const VolumeGeometry& g = m_volume->geometry();
    if (m_kind == ImageViewKind::Stack) {
        return g.columnSpacing;
    }
    return std::min({g.rowSpacing, g.columnSpacing, g.sliceSpacing});
}

double ImageView::mmPerPixel() const
{
    const double h = std::max(1, height());
    return 2.0 * m_scene->renderer()->GetActiveCamera()->GetParallelScale() / h;
}

double ImageView::zoom() const
{
    return imagePixelMm() / mmPerPixel();
}

void ImageView::setZoom(double zoom)
{
    zoom = std::clamp(zoom, 0.05, 40.0);
    m_scene->renderer()->GetActiveCamera()->SetParallelScale(imagePixelMm() / zoom * std::max(1, height()) /
                                                             2.0);
    changed();
}

void ImageView::fit()
{
    m_scene->fitCamera();
    changed();
}

void ImageView::oneToOne()
{
    setZoom(1.0);
}

void ImageView::moveCameraInPlane(double dxMm, double dyMm)
{
    vtkCamera* camera = m_scene->renderer()->GetActiveCamera();
    const ViewAxes screen = cameraScreenAxes(camera);
    const Vec3 move = add(scale(screen.right, dxMm), scale(screen.down, dyMm));
    double focal[3];
    double position[3];
    camera->GetFocalPoint(focal);
    camera->GetPosition(position);
    camera->SetFocalPoint(focal[0] + move[0], focal[1] + move[1], focal[2] + move[2]);
    camera->SetPosition(position[0] + move[0], position[1] + move[1], position[2] + move[2]);
}

void ImageView::pan(QPointF delta)
{
    // The image follows the mouse: the camera moves the other way.
    const double mm = mmPerPixel();
    moveCameraInPlane(-delta.x() * mm, -delta.y() * mm);
    changed();
}

void ImageView::reset()
{
    m_invert = false;
    m_scene->setInvert(false);
    m_scene->setInterpolation(SliceInterpolation::Nearest);
    setWindow(m_context.seriesWindow.value_or(Window{40, 400}));
    if (m_kind != ImageViewKind::Stack && hasVolume()) {
        applyPlane(standardViewAxes(planeOf(m_kind)), m_crosshair);
    }
    m_scene->fitCamera();
    changed();
}

void ImageView::setCineRunning(bool running)
{
    if (running && hasVolume()) {
        m_cine.start(int(std::lround(1000.0 / m_cineRate)));
    } else {
        m_cine.stop();
    }
    requestFrame();
}

void ImageView::setCineRate(double framesPerSecond)
{
    m_cineRate = std::clamp(framesPerSecond, 1.0, 60.0);
    if (m_cine.isActive()) {
        m_cine.start(int(std::lround(1000.0 / m_cineRate)));
    }
    requestFrame();
}

void ImageView::setTool(ReadingTool tool)
{
    m_tool = tool;
    m_drawing.clear();
    m_drawingActive = false;
    requestFrame();
}

// --- geometry --------------------------------------------------------------------------------------------

ViewAxes ImageView::axes() const
{
    return m_scene->axes();
}

Vec3 ImageView::planePoint() const
{
    if (!hasVolume()) {
        return {};
    }
    if (m_kind == ImageViewKind::Stack) {
        const int k = static_cast<StackScene*>(m_scene.get())->scene.slice();
        return voxelToPatient(m_volume->geometry(), {0, 0, double(k)});
    }
    return m_crosshair;
}

std::optional<Vec3> ImageView::displayToPatient(QPointF p) const
{
    if (!hasVolume()) {
        return std::nullopt;
    }
    vtkCamera* camera = m_scene->renderer()->GetActiveCamera();
    double focal[3];
    camera->GetFocalPoint(focal);
    const ViewAxes screen = cameraScreenAxes(camera);
    const double mm = mmPerPixel();
    const Vec3 world =
        add(Vec3{focal[0], focal[1], focal[2]}, add(scale(screen.right, (p.x() - width() / 2.0) * mm),
                                                    scale(screen.down, (p.y() - height() / 2.0) * mm)));
    // Onto the plane shown (the camera's focal point need not lie on it exactly).
    const Vec3 patient = m_scene->worldToPatient(world);
    const Vec3 n = viewNormal(axes());
    const Vec3 onPlane = planePoint();
    return sub(patient, scale(n, dot(sub(patient, onPlane), n)));
}

std::optional<QPointF> ImageView::patientToDisplay(const Vec3& lps) const
{
    if (!hasVolume()) {
        return std::nullopt;
    }
    vtkCamera* camera = m_scene->renderer()->GetActiveCamera();
    double focal[3];
    camera->GetFocalPoint(focal);
    const ViewAxes screen = cameraScreenAxes(camera);
    const Vec3 d = sub(m_scene->patientToWorld(lps), Vec3{focal[0], focal[1], focal[2]});
    const double mm = mmPerPixel();
    return QPointF(width() / 2.0 + dot(d, screen.right) / mm, height() / 2.0 + dot(d, screen.down) / mm);
}

SideLabels ImageView::sideLabels() const
{
    return hasVolume() ? viewer::sideLabels(axes()) : SideLabels{};
}

CornerTexts ImageView::corners() const
{
    if (!hasVolume()) {
        return {};
    }
    ViewReadout r;
    r.index = sliceIndex() + 1;
    r.count = sliceCount();
    r.window = m_window;
    r.inverted = m_invert;
    r.zoom = zoom();
    const Vec3 n = viewNormal(axes());
    if (m_kind == ImageViewKind::Stack) {
        r.positionMm = dot(planePoint(), n);
        r.thicknessMm = m_context.sliceThicknessMm;
    } else {
        const auto& s = static_cast<MprScene*>(m_scene.get())->scene;
        r.plane = planeName();
        r.positionMm = dot(m_crosshair, n);
        switch (s.slabMode()) {
        case SlabMode::None:
            r.thicknessMm = s.normalStep();
            break;
        case SlabMode::Max:
            r.slab = tr("MIP");
            r.thicknessMm = s.slabThickness();
            break;
        case SlabMode::Min:
            r.slab = tr("MinIP");
            r.thicknessMm = s.slabThickness();
            break;
        case SlabMode::Mean:
            r.slab = tr("Average");
            r.thicknessMm = s.slabThickness();
            break;
        }
    }
    return cornerTexts(m_context.identity, r);
}

// --- painting --------------------------------------------------------------------------------------------

void ImageView::resizeGL(int width, int height)
{
    VtkViewWidget::resizeGL(width, height);
}

void ImageView::paintOverlay(QPainter& painter)
{
    m_scaleBarMm = 0;
    if (!hasVolume()) {
        return;
    }
    painter.setRenderHint(QPainter::Antialiasing, true);
    QFont font = painter.font();
    font.setPixelSize(12);
    painter.setFont(font);
    drawCorners(painter);
    drawScaleBar(painter);
    if (m_kind != ImageViewKind::Stack) {
        drawCrosshair(painter);
    }
    drawMeasurements(painter);
}

namespace {

void shadowedText(QPainter& painter, const QRect& area, int flags, const QString& text, const QColor& colour)
{
    painter.setPen(QColor(0, 0, 0, 200));
    painter.drawText(area.translated(1, 1), flags, text);
    painter.setPen(colour);
    painter.drawText(area, flags, text);
}

} // namespace

void ImageView::drawCorners(QPainter& painter)
{
    const CornerTexts c = corners();
    const QRect area = rect().adjusted(6, 4, -6, -4);
    const QColor text(235, 235, 200);
    shadowedText(painter, area, Qt::AlignTop | Qt::AlignLeft, c.topLeft.join(QLatin1Char('\n')), text);
    shadowedText(painter, area, Qt::AlignTop | Qt::AlignRight, c.topRight.join(QLatin1Char('\n')), text);
    shadowedText(painter, area, Qt::AlignBottom | Qt::AlignLeft, c.bottomLeft.join(QLatin1Char('\n')), text);
    QStringList bottomRight = c.bottomRight;
    if (m_cine.isActive()) {
        bottomRight.prepend(tr("Cine %1 fps").arg(m_cineRate, 0, 'f', 0));
    }
    shadowedText(painter, area, Qt::AlignBottom | Qt::AlignRight, bottomRight.join(QLatin1Char('\n')), text);

    // Orientation labels: letters R/L, A/P, H/F are not translated (they are the international convention).
    const SideLabels labels = sideLabels();
    QFont bold = painter.font();
    bold.setBold(true);
    bold.setPixelSize(14);
    painter.save();
    painter.setFont(bold);
    const QColor orange(255, 200, 80);
    shadowedText(painter, area, Qt::AlignVCenter | Qt::AlignLeft, labels.left, orange);
    shadowedText(painter, area, Qt::AlignVCenter | Qt::AlignRight, labels.right, orange);
    shadowedText(painter, area.adjusted(0, 16, 0, 0), Qt::AlignTop | Qt::AlignHCenter, labels.top, orange);
    shadowedText(painter, area.adjusted(0, 0, 0, -30), Qt::AlignBottom | Qt::AlignHCenter, labels.bottom,
                 orange);
    if (lossyWarningShown()) {
        shadowedText(painter, area, Qt::AlignTop | Qt::AlignHCenter,
                     tr("LOSSY COMPRESSED: not the original pixels"), QColor(255, 70, 70));
    }
    painter.restore();
}

void ImageView::drawScaleBar(QPainter& painter)
{
    const double mm = mmPerPixel();
    if (!(mm > 0)) {
        return;
    }
    // The longest 1/2/5 x 10^k mm that fits in a quarter of the width.
    const double maxMm = width() / 4.0 * mm;
    double length = std::pow(10.0, std::floor(std::log10(maxMm)));
    for (const double f : {5.0, 2.0}) {
        if (length * f <= maxMm) {
            length *= f;
            break;
        }
    }
    const double px = length / mm;
    if (px < 10) {
        return;
    }
    m_scaleBarMm = length;
    const int y = height() - 22;
    const int x0 = int((width() - px) / 2.0);
    const int x1 = int(x0 + px);
    painter.setPen(QPen(QColor(235, 235, 200), 1.5));
    painter.drawLine(x0, y, x1, y);
    painter.drawLine(x0, y - 4, x0, y + 4);
    painter.drawLine(x1, y - 4, x1, y + 4);
    shadowedText(painter, QRect(x0 - 40, y + 3, x1 - x0 + 80, 16), Qt::AlignHCenter | Qt::AlignTop,
                 tr("%1 mm").arg(length, 0, 'g', 3), QColor(235, 235, 200));
}

void ImageView::drawCrosshair(QPainter& painter)
{
    const auto centre = patientToDisplay(m_crosshair);
    if (!centre) {
        return;
    }
    const Vec3 n = viewNormal(axes());
    const double diagonal = std::hypot(width(), height());
    for (const ReferencePlane& reference : m_references) {
        // The other plane cuts this one along n x n_other, through the crosshair.
        const Vec3 direction = normalised(cross(n, reference.normal));
        if (dot(direction, direction) < 0.5) {
            continue; // parallel planes: no line
        }
        const auto far = patientToDisplay(add(m_crosshair, scale(direction, 10.0)));
        QPointF d = *far - *centre;
        const double len = std::hypot(d.x(), d.y());
        if (len <= 0) {
            continue;
        }
        d *= diagonal / len;
        painter.setPen(QPen(reference.colour, 1.0));
        // A gap around the centre keeps the point itself visible.
        const QPointF gap = d * (12.0 / diagonal);
        painter.drawLine(*centre - d, *centre - gap);
        painter.drawLine(*centre + gap, *centre + d);
    }
}

bool ImageView::onThisPlane(const Measurement& m) const
{
    const Vec3 n = viewNormal(axes());
    if (std::abs(dot(viewNormal(m.plane.axes), n)) < 1 - 1e-6) {
        return false;
    }
    const VolumeGeometry& g = m_volume->geometry();
    const double tolerance = 0.5 * std::min({g.rowSpacing, g.columnSpacing, g.sliceSpacing});
    return std::abs(dot(sub(m.plane.point, planePoint()), n)) <= tolerance;
}

void ImageView::drawMeasurements(QPainter& painter)
{
    const auto draw = [&](MeasurementKind kind, const std::vector<Vec3>& points, const QColor& colour,
                          const QString& text) {
        std::vector<QPointF> screen;
        for (const Vec3& p : points) {
            if (const auto s = patientToDisplay(p)) {
                screen.push_back(*s);
            }
        }
        if (screen.empty()) {
            return;
        }
        painter.setPen(QPen(colour, 1.5));
        painter.setBrush(Qt::NoBrush);
        switch (kind) {
        case MeasurementKind::Length:
        case MeasurementKind::Angle:
            for (std::size_t i = 1; i < screen.size(); ++i) {
                painter.drawLine(screen[i - 1], screen[i]);
            }
            break;
        case MeasurementKind::Ellipse:
            if (screen.size() == 2) {
                painter.drawEllipse(QRectF(screen[0], screen[1]).normalized());
            }
            break;
        case MeasurementKind::Freehand: {
            QPolygonF polygon;
            for (const QPointF& s : screen) {
                polygon << s;
            }
            painter.drawPolygon(polygon);
            break;
        }
        case MeasurementKind::Probe:
            painter.drawLine(screen[0] - QPointF(6, 0), screen[0] + QPointF(6, 0));
            painter.drawLine(screen[0] - QPointF(0, 6), screen[0] + QPointF(0, 6));
            break;
        }
        for (const QPointF& s : screen) {
            painter.drawRect(QRectF(s - QPointF(2.5, 2.5), QSizeF(5, 5)));
        }
        if (!text.isEmpty()) {
            QPointF anchor = screen.back() + QPointF(8, -8);
            shadowedText(painter, QRect(anchor.toPoint(), QSize(420, 40)), Qt::AlignLeft | Qt::AlignTop, text,
                         colour);
        }
    };
    if (m_measurements) {
        for (const Measurement& m : m_measurements->all()) {
            if (!onThisPlane(m)) {
                continue;
            }
            const bool selected = m.id == m_measurements->selected();
            QString text = measurementText(m);
            if (!m.label.isEmpty()) {
                text = m.label + QStringLiteral(": ") + text;
            }
            draw(m.kind, m.points, selected ? QColor(255, 230, 0) : QColor(80, 220, 255), text);
        }
    }
    if (m_drawingActive && !m_drawing.empty()) {
        MeasurementKind kind = MeasurementKind::Length;
        switch (m_tool) {
        case ReadingTool::Angle:
            kind = MeasurementKind::Angle;
            break;
        case ReadingTool::Ellipse:
            kind = MeasurementKind::Ellipse;
            break;
        case ReadingTool::Freehand:
            kind = MeasurementKind::Freehand;
            break;
        default:
            break;
        }
        draw(kind == MeasurementKind::Freehand ? MeasurementKind::Length : kind, m_drawing,
             QColor(120, 255, 120), {});
    }
}

// --- input -----------------------------------------------------------------------------------------------

int ImageView::handleAt(QPointF position, int* measurementId) const
{
    if (!m_measurements) {
        return -1;
    }
    for (const Measurement& m : m_measurements->all()) {
        if (!onThisPlane(m)) {
            continue;
        }
        for (std::size_t i = 0; i < m.points.size(); ++i) {
            const auto s = patientToDisplay(m.points[i]);
            if (s && std::hypot(s->x() - position.x(), s->y() - position.y()) <= kHandleRadius) {
                *measurementId = m.id;
                return int(i);
            }
        }
    }
    return -1;
}

void ImageView::finishDrawing()
{
    MeasurementKind kind = MeasurementKind::Length;
    std::size_t needed = 2;
    switch (m_tool) {
    case ReadingTool::Length:
        break;
    case ReadingTool::Angle:
        kind = MeasurementKind::Angle;
        needed = 3;
        break;
    case ReadingTool::Ellipse:
        kind = MeasurementKind::Ellipse;
        break;
    case ReadingTool::Freehand:
        kind = MeasurementKind::Freehand;
        needed = 3;
        break;
    case ReadingTool::Probe:
        kind = MeasurementKind::Probe;
        needed = 1;
        break;
    default:
        return;
    }
    if (m_drawing.size() < needed || !m_measurements) {
        return;
    }
    if (kind != MeasurementKind::Freehand) {
        m_drawing.resize(needed);
    }
    Measurement m;
    m.kind = kind;
    m.view = planeName();
    m.plane = {axes(), planePoint()};
    m.points = m_drawing;
    m_measurements->add(std::move(m));
    m_drawing.clear();
    m_drawingActive = false;
}

void ImageView::mousePressEvent(QMouseEvent* event)
{
    setFocus(Qt::MouseFocusReason);
    const QPointF p = event->position();
    m_pressPosition = p;
    m_lastPosition = p;
    m_dragButton = event->button();
    m_dragStartWindow = m_window;
    m_scrollRemainder = 0;
    if (event->button() == Qt::RightButton || event->button() == Qt::MiddleButton) {
        emit interactionChanged(true);
        event->accept();
        return;
    }
    if (event->button() != Qt::LeftButton || !hasVolume()) {
        event->ignore();
        return;
    }
    emit interactionChanged(true);
    // A handle of a measurement on this plane: drag it (any tool).
    int id = 0;
    const int handle = handleAt(p, &id);
    if (handle >= 0) {
        m_editId = id;
        m_editHandle = handle;
        m_measurements->select(id);
        event->accept();
        return;
    }
    const auto patient = displayToPatient(p);
    switch (m_tool) {
    case ReadingTool::Crosshair:
        if (patient) {
            m_crosshair = *patient;
            setCrosshair(*patient);
            emit crosshairMoved(m_crosshair);
        }
        break;
    case ReadingTool::Length:
    case ReadingTool::Ellipse:
    case ReadingTool::Freehand:
        if (patient) {
            m_drawing = {*patient, *patient};
            m_drawingActive = true;
        }
        break;
    case ReadingTool::Angle:
        if (patient) {
            if (m_drawingActive && m_drawing.size() == 3) {
                // Third click: the second arm is placed.
                m_drawing[2] = *patient;
                finishDrawing();
            } else {
                m_drawing = {*patient, *patient};
                m_drawingActive = true;
            }
        }
        break;
    case ReadingTool::Probe:
        if (patient) {
            m_drawing = {*patient};
            m_drawingActive = true;
            finishDrawing();
        }
        break;
    default:
        break;
    }
    requestFrame();
    event->accept();
}

void ImageView::mouseMoveEvent(QMouseEvent* event)
{
    const QPointF p = event->position();
    const QPointF delta = p - m_lastPosition;
    m_lastPosition = p;
    if (m_dragButton == Qt::NoButton) {
        // Angle: the second arm follows the mouse between the clicks.
        if (m_tool == ReadingTool::Angle && m_drawingActive && m_drawing.size() == 3) {
            if (const auto patient = displayToPatient(p)) {
                m_drawing[2] = *patient;
                requestFrame();
            }
        }
        return;
    }
    if (m_dragButton == Qt::RightButton ||
        (m_dragButton == Qt::LeftButton && m_tool == ReadingTool::WindowLevel)) {
        const QPointF total = p - m_pressPosition;
        setWindow(dragWindow(m_dragStartWindow, total.x(), total.y(),
                             std::max(1.0, m_dragStartWindow.width / 500.0)));
        return;
    }
    if (m_dragButton == Qt::MiddleButton || (m_dragButton == Qt::LeftButton && m_tool == ReadingTool::Pan)) {
        pan(delta);
        return;
    }
    if (m_dragButton != Qt::LeftButton) {
        return;
    }
    if (m_editId != 0) {
        if (const auto patient = displayToPatient(p)) {
            if (const Measurement* m = m_measurements->find(m_editId)) {
                std::vector<Vec3> points = m->points;
                if (m_editHandle < int(points.size())) {
                    points[std::size_t(m_editHandle)] = *patient;
                    m_measurements->setPoints(m_editId, std::move(points));
                }
            }
        }
        return;
    }
    const auto patient = displayToPatient(p);
    switch (m_tool) {
    case ReadingTool::Scroll: {
        m_scrollRemainder += delta.y() / 5.0;
        const int steps = int(m_scrollRemainder);
        if (steps != 0) {
            m_scrollRemainder -= steps;
            step(steps);
        }
        break;
    }
    case ReadingTool::Zoom:
        setZoom(zoom() * std::exp(-delta.y() * 0.01));
        break;
    case ReadingTool::Crosshair:
        if (patient) {
            setCrosshair(*patient);
            emit crosshairMoved(m_crosshair);
        }
        break;
    case ReadingTool::Rotate:
        emit rotateRequested(viewNormal(axes()), delta.x() * 0.5);
        break;
    case ReadingTool::Length:
    case ReadingTool::Ellipse:
    case ReadingTool::Angle:
        if (patient && m_drawingActive && m_drawing.size() >= 2) {
            m_drawing[1] = *patient;
            requestFrame();
        }
        break;
    case ReadingTool::Freehand:
        if (patient && m_drawingActive) {
            const auto last = patientToDisplay(m_drawing.back());
            if (!last || std::hypot(last->x() - p.x(), last->y() - p.y()) >= 3.0) {
                m_drawing.push_back(*patient);
                requestFrame();
            }
        }
        break;
    default:
        break;
    }
}

void ImageView::mouseReleaseEvent(QMouseEvent* event)
{
    if (event->button() != m_dragButton) {
        return;
    }
    m_dragButton = Qt::NoButton;
    emit interactionChanged(false);
    if (m_editId != 0) {
        m_editId = 0;
        m_editHandle = -1;
        return;
    }
    if (event->button() != Qt::LeftButton || !m_drawingActive) {
        return;
    }
    switch (m_tool) {
    case ReadingTool::Length:
    case ReadingTool::Ellipse:
        if (const auto patient = displayToPatient(event->position())) {
            m_drawing[1] = *patient;
        }
        if (std::hypot(event->position().x() - m_pressPosition.x(),
                       event->position().y() - m_pressPosition.y()) >= 3.0) {
            finishDrawing();
        } else {
            m_drawing.clear();
            m_drawingActive = false;
        }
        break;
    case ReadingTool::Angle:
        // First arm drawn (press-drag-release): the second arm follows the mouse until the next click.
        if (m_drawing.size() == 2) {
            if (const auto patient = displayToPatient(event->position())) {
                m_drawing[1] = *patient;
            }
            m_drawing.push_back(m_drawing[1]);
        }
        break;
    case ReadingTool::Freehand:
        finishDrawing();
        break;
    default:
        break;
    }
    requestFrame();
}

void ImageView::mouseDoubleClickEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton &&
        (m_tool == ReadingTool::WindowLevel || m_tool == ReadingTool::Pan || m_tool == ReadingTool::Zoom ||
         m_tool == ReadingTool::Scroll)) {
        fit();
        return;
    }
    mousePressEvent(event);
}

void ImageView::wheelEvent(QWheelEvent* event)
{
    event->accept();
    if (!hasVolume()) {
        return;
    }
    int eighths = event->angleDelta().y();
    if (eighths == 0 && !event->pixelDelta().isNull()) {
        eighths = event->pixelDelta().y() * 2; // touchpads: about 60 px per step
    }
    if ((event->modifiers() & Qt::ControlModifier) != 0) {
        setZoom(zoom() * std::pow(1.1, eighths / 120.0));
        return;
    }
    m_wheelRemainder += eighths;
    const int steps = m_wheelRemainder / 120;
    m_wheelRemainder -= steps * 120;
    if (steps != 0) {
        step(steps);
    }
}

void ImageView::keyPressEvent(QKeyEvent* event)
{
    const int key = event->key();
    if (key >= Qt::Key_1 && key <= Qt::Key_9 && event->modifiers() == Qt::NoModifier) {
        applyPreset(key - Qt::Key_0);
        return;
    }
    switch (key) {
    case Qt::Key_0:
        reset();
        break;
    case Qt::Key_I:
        setInverted(!m_invert);
        break;
    case Qt::Key_F:
        fit();
        break;
    case Qt::Key_O:
        oneToOne();
        break;
    case Qt::Key_N:
        setInterpolation(interpolation() == SliceInterpolation::Nearest ? SliceInterpolation::Linear
                                                                        : SliceInterpolation::Nearest);
        break;
    case Qt::Key_C:
        setCineRunning(!cineRunning());
        break;
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        setCineRate(m_cineRate + 1);
        break;
    case Qt::Key_Minus:
        setCineRate(m_cineRate - 1);
        break;
    case Qt::Key_Up:
        step(1);
        break;
    case Qt::Key_Down:
        step(-1);
        break;
    case Qt::Key_PageUp:
        step(10);
        break;
    case Qt::Key_PageDown:
        step(-10);
        break;
    case Qt::Key_Home:
        setSliceIndex(0);
        break;
    case Qt::Key_End:
        setSliceIndex(sliceCount() - 1);
        break;
    case Qt::Key_Delete:
    case Qt::Key_Backspace:
        if (m_measurements && m_measurements->selected() != 0) {
            m_measurements->remove(m_measurements->selected());
        }
        break;
    case Qt::Key_Escape:
        m_drawing.clear();
        m_drawingActive = false;
        requestFrame();
        break;
    default:
        VtkViewWidget::keyPressEvent(event);
    }
}

} // namespace dokuei::viewer
