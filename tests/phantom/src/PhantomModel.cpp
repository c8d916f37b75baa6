#include "dokuei/phantom/PhantomModel.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace dokuei::phantom {
namespace {

// Table position of the reconstruction centre: not zero, so that a loader which ignores the
// origin is caught.
constexpr double kTableCentreZ = -120.0;
constexpr int kMinHu = -1024;
constexpr int kMaxHu = 3071;
constexpr double kChestHalfFov = 179.2; // mm, design field of view of the chest anatomy
constexpr double kHeadHalfFov = 115.2;

Vec3 operator+(const Vec3& a, const Vec3& b)
{
    return {a[0] + b[0], a[1] + b[1], a[2] + b[2]};
}
Vec3 operator-(const Vec3& a, const Vec3& b)
{
    return {a[0] - b[0], a[1] - b[1], a[2] - b[2]};
}
Vec3 operator*(double s, const Vec3& a)
{
    return {s * a[0], s * a[1], s * a[2]};
}
double dot(const Vec3& a, const Vec3& b)
{
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}
Vec3 cross(const Vec3& a, const Vec3& b)
{
    return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}
Vec3 normalised(const Vec3& a)
{
    const double n = std::sqrt(dot(a, a));
    return (1.0 / n) * a;
}

// Rodrigues' rotation of v about the unit axis u by angle (radians).
Vec3 rotate(const Vec3& v, const Vec3& u, double angle)
{
    const double c = std::cos(angle);
    const double s = std::sin(angle);
    return c * v + s * cross(u, v) + (dot(u, v) * (1.0 - c)) * u;
}

// Snap values within 1e-12 of an integer to it, so that axis-aligned orientations are written
// as exact 0/1 instead of 6.1e-17.
Vec3 tidy(Vec3 v)
{
    for (double& x : v) {
        if (std::abs(x - std::round(x)) < 1e-12) {
            x = std::round(x) + 0.0;
        }
    }
    return v;
}

std::uint64_t splitMix(std::uint64_t& state)
{
    state += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

// Irwin-Hall sum of four 16-bit uniforms: a cheap, bounded, nearly Gaussian N(0, 1) sample.
float gaussian(std::uint64_t& state)
{
    const std::uint64_t r = splitMix(state);
    const std::uint64_t sum = (r & 0xFFFF) + ((r >> 16) & 0xFFFF) + ((r >> 32) & 0xFFFF) + (r >> 48);
    return (static_cast<float>(sum) - 131070.0f) * (1.0f / 37837.2f);
}

bool boxesOverlap(const Vec3& aMin, const Vec3& aMax, const Vec3& bMin, const Vec3& bMax)
{
    for (int i = 0; i < 3; ++i) {
        if (aMax[i] < bMin[i] || bMax[i] < aMin[i]) {
            return false;
        }
    }
    return true;
}

using Primitive = PhantomModel::Primitive;

Primitive ellipsoid(Vec3 centre, Vec3 semi, float hu)
{
    Primitive p;
    p.shape = Primitive::Shape::Ellipsoid;
    p.centre = centre;
    p.inverseSemi = {1.0 / semi[0], 1.0 / semi[1], 1.0 / semi[2]};
    p.boxMin = centre - semi;
    p.boxMax = centre + semi;
    p.hu = hu;
    return p;
}

Primitive ellipticCylinderZ(double cx, double cy, double ax, double by, float hu)
{
    Primitive p;
    p.shape = Primitive::Shape::EllipticCylinderZ;
    p.centre = {cx, cy, 0};
    p.inverseSemi = {1.0 / ax, 1.0 / by, 0};
    p.boxMin = {cx - ax, cy - by, -1e30};
    p.boxMax = {cx + ax, cy + by, 1e30};
    p.hu = hu;
    return p;
}

Primitive cylinder(const TruthObject& o)
{
    Primitive p;
    p.shape = Primitive::Shape::Cylinder;
    p.centre = o.centre;
    p.axis = o.axis;
    p.radius = o.radius;
    p.halfLength = o.length / 2;
    for (int i = 0; i < 3; ++i) {
        const double extent = std::abs(o.axis[i]) * p.halfLength +
                              o.radius * std::sqrt(std::max(0.0, 1.0 - o.axis[i] * o.axis[i]));
        p.boxMin[i] = o.centre[i] - extent;
        p.boxMax[i] = o.centre[i] + extent;
    }
    p.hu = static_cast<float>(o.hu);
    p.noisy = false;
    return p;
}

} // namespace

bool PhantomModel::Primitive::contains(const Vec3& p) const
{
    switch (shape) {
    case Shape::Ellipsoid: {
        const double x = (p[0] - centre[0]) * inverseSemi[0];
        const double y = (p[1] - centre[1]) * inverseSemi[1];
        const double z = (p[2] - centre[2]) * inverseSemi[2];
        return x * x + y * y + z * z <= 1.0;
    }
    case Shape::EllipticCylinderZ: {
        if (p[2] < zMin || p[2] > zMax) {
            return false;
        }
        const double x = (p[0] - centre[0]) * inverseSemi[0];
        const double y = (p[1] - centre[1]) * inverseSemi[1];
        return x * x + y * y <= 1.0;
    }
    case Shape::Cylinder: {
        const Vec3 d = p - centre;
        const double t = dot(d, axis);
        if (std::abs(t) > halfLength) {
            return false;
        }
        return dot(d, d) - t * t <= radius * radius;
    }
    case Shape::RibCage: {
        if (p[2] < zMin || p[2] > zMax || std::abs(p[0] - centre[0]) < midlineGap) {
            return false;
        }
        const double band = std::fmod(p[2] - zMin, bandPeriod);
        if (band > bandWidth) {
            return false;
        }
        const double dx = p[0] - centre[0];
        const double dy = p[1] - centre[1];
        const double outer =
            dx * dx * inverseSemi[0] * inverseSemi[0] + dy * dy * inverseSemi[1] * inverseSemi[1];
        const double inner = dx * dx * innerInverseSemi[0] * innerInverseSemi[0] +
                             dy * dy * innerInverseSemi[1] * innerInverseSemi[1];
        return outer <= 1.0 && inner > 1.0;
    }
    }
    return false;
}

PhantomModel::PhantomModel(PhantomSpec spec) : m_spec(std::move(spec))
{
    Vec3 row{1, 0, 0};
    Vec3 col{0, 1, 0};
    switch (m_spec.position) {
    case PatientPosition::HFS:
        break;
    case PatientPosition::FFS:
        row = {-1, 0, 0};
        break;
    case PatientPosition::HFP:
        row = {-1, 0, 0};
        col = {0, -1, 0};
        break;
    case PatientPosition::FFP:
        col = {0, -1, 0};
        break;
    }
    // Scan from the end that enters the gantry first: head-ward slices first for HFx.
    Vec3 table = -1.0 * cross(row, col);

    const double tilt = m_spec.gantryTilt * std::numbers::pi / 180.0;
    const Vec3 xAxis{1, 0, 0};
    row = rotate(row, xAxis, tilt);
    col = rotate(col, xAxis, tilt);
    if (m_spec.obliqueAngle != 0.0) {
        const Vec3 axis = normalised(m_spec.obliqueAxis);
        const double angle = m_spec.obliqueAngle * std::numbers::pi / 180.0;
        row = rotate(row, axis, angle);
        col = rotate(col, axis, angle);
        table = rotate(table, axis, angle);
    }
    m_rowDir = tidy(row);
    m_colDir = tidy(col);
    // Without tilt the stack advances along the plane normal; with tilt it advances with the
    // table, so positions are sheared relative to the tilted planes, as scanners write them.
    const Vec3 stepDir = m_spec.gantryTilt == 0.0 ? -1.0 * cross(m_rowDir, m_colDir) : table;
    m_step = tidy(m_spec.sliceSpacing * tidy(stepDir));
    m_centre = {0.0, 0.0, kTableCentreZ};

    const int b = m_spec.rescaleIntercept;
    m_signed = b > kMinHu;
    const int maxStored = (kMaxHu - b) / m_spec.rescaleSlope + 1;
    m_bitsStored = (!m_signed && maxStored <= 4095 && m_spec.marker.empty()) ? 12 : 16;
    buildAnatomy();
}

Vec3 PhantomModel::sliceNormal() const
{
    return cross(m_rowDir, m_colDir);
}

SliceGeometry PhantomModel::sliceGeometry(int k) const
{
    const double half = (m_spec.slices - 1) / 2.0;
    const Vec3 sliceCentre = m_centre + (k - half) * m_step;
    const Vec3 position = sliceCentre - ((m_spec.columns - 1) / 2.0 * m_spec.columnSpacing) * m_rowDir -
                          ((m_spec.rows - 1) / 2.0 * m_spec.rowSpacing) * m_colDir;
    return {k, k + 1, position};
}

std::vector<int> PhantomModel::writtenSlices() const
{
    std::vector<int> result;
    for (int k = 0; k < m_spec.slices; ++k) {
        if (!m_spec.missingSlice || *m_spec.missingSlice != k) {
            result.push_back(k);
        }
    }
    return result;
}

Vec3 PhantomModel::pixelToPatient(int k, double row, double column) const
{
    return sliceGeometry(k).position + (column * m_spec.columnSpacing) * m_rowDir +
           (row * m_spec.rowSpacing) * m_colDir;
}

MarkerPlacement PhantomModel::markerPlacement() const
{
    return {1, 1, static_cast<int>((m_spec.marker.size() + 1) / 2)};
}

void PhantomModel::addObject(TruthObject object)
{
    if (object.shape == ObjectShape::Sphere) {
        Primitive p = ellipsoid(object.centre, {object.radius, object.radius, object.radius},
                                static_cast<float>(object.hu));
        p.noisy = false;
        m_primitives.push_back(p);
    } else {
        m_primitives.push_back(cylinder(object));
    }
    m_objects.push_back(std::move(object));
}

void PhantomModel::buildAnatomy()
{
    const double halfFovX = m_spec.columns * m_spec.columnSpacing / 2.0;
    const double halfFovY = m_spec.rows * m_spec.rowSpacing / 2.0;
    const double halfFov = std::min(halfFovX, halfFovY);
    const double zC = m_centre[2];
    const double h = m_spec.slices * m_spec.sliceSpacing / 2.0;
    double a = 0; // semi-axes of the soft-tissue (chest) or brain (head) cross-section
    double b = 0;

    m_tissues = {{"air", -1000},
                 {"lung", -850},
                 {"fat", -100},
                 {"soft tissue", 40},
                 {"blood", 50},
                 {"liver", 60},
                 {"bone (cancellous)", 400},
                 {"bone (rib)", 800},
                 {"bone (cortical)", 1200},
                 {"metal", 3000}};

    if (m_spec.preset == Preset::Head) {
        const double s = halfFov / kHeadHalfFov;
        const double zHead = zC - 0.35 * h;
        m_primitives.push_back(ellipsoid({0, 0, zHead}, {80 * s, 98 * s, 1.27 * h}, -100));
        m_primitives.push_back(ellipsoid({0, 0, zHead}, {78 * s, 96 * s, 1.25 * h}, 40));
        m_primitives.push_back(ellipsoid({0, 0, zHead}, {74 * s, 92 * s, 1.21 * h}, 1200));
        m_primitives.push_back(ellipsoid({0, 0, zHead}, {67 * s, 85 * s, 1.15 * h}, 40));
        a = 67 * s;
        b = 85 * s;
    } else {
        const double s = halfFov / kChestHalfFov;
        m_primitives.push_back(ellipticCylinderZ(0, 0, 165 * s, 115 * s, -100));
        m_primitives.push_back(ellipticCylinderZ(0, 0, 153 * s, 103 * s, 40));
        m_primitives.push_back(ellipsoid({-72 * s, 5 * s, zC + 0.3 * h}, {52 * s, 68 * s, 0.75 * h}, -850));
        m_primitives.push_back(ellipsoid({75 * s, 5 * s, zC + 0.3 * h}, {48 * s, 66 * s, 0.75 * h}, -850));
        m_primitives.push_back(ellipsoid({-55 * s, 0, zC - 0.75 * h}, {80 * s, 70 * s, 0.5 * h}, 60));
        m_primitives.push_back(ellipticCylinderZ(22 * s, 38 * s, 12 * s, 12 * s, 50));
        Primitive ribs;
        ribs.shape = Primitive::Shape::RibCage;
        ribs.inverseSemi = {1.0 / (149 * s), 1.0 / (99 * s), 0};
        ribs.innerInverseSemi = {1.0 / (142 * s), 1.0 / (92 * s), 0};
        ribs.zMin = zC - 0.5 * h;
        ribs.bandPeriod = 24.0;
        ribs.bandWidth = 9.0;
        ribs.midlineGap = 35 * s;
        ribs.boxMin = {-149 * s, -99 * s, ribs.zMin};
        ribs.boxMax = {149 * s, 99 * s, 1e30};
        ribs.hu = 800;
        m_primitives.push_back(ribs);
        m_primitives.push_back(ellipticCylinderZ(0, 68 * s, 17 * s, 17 * s, 1200));
        m_primitives.push_back(ellipticCylinderZ(0, 68 * s, 14 * s, 14 * s, 400));
        m_primitives.push_back(ellipticCylinderZ(0, 98 * s, 5 * s, 13 * s, 900));
        a = 153 * s;
        b = 103 * s;
    }

    const double minRadius = 1.6 * std::max({m_spec.rowSpacing, m_spec.columnSpacing, m_spec.sliceSpacing});
    const double small = std::min(a, b);
    const auto radius = [&](double fraction) { return std::max(fraction * small, minRadius); };
    const Vec3 zAxis{0, 0, 1};
    const Vec3 xAxis{1, 0, 0};

    addObject({"sphere-lesion",
               "insert",
               ObjectShape::Sphere,
               {-0.40 * a, -0.30 * b, zC + 0.35 * h},
               radius(0.08),
               zAxis,
               0,
               100});
    addObject({"sphere-nodule",
               "insert",
               ObjectShape::Sphere,
               {0.35 * a, 0.30 * b, zC - 0.40 * h},
               radius(0.06),
               zAxis,
               0,
               -300});
    addObject({"cylinder-insert",
               "insert",
               ObjectShape::Cylinder,
               {0, -0.62 * b, zC},
               radius(0.05),
               zAxis,
               1.2 * h,
               200});
    addObject({"water-rod",
               "insert",
               ObjectShape::Cylinder,
               {-0.30 * a, 0.40 * b, zC - 0.15 * h},
               radius(0.05),
               xAxis,
               0.5 * a,
               0});
    addObject({"metal-clip",
               "insert",
               ObjectShape::Sphere,
               {0.20 * a, -0.20 * b, zC - 0.30 * h},
               std::max(0.016 * small, minRadius),
               zAxis,
               0,
               3000});
    // The orientation marker: an L on the patient's LEFT (+x), ANTERIOR (-y) side, only in the
    // head-ward (+z) half; its foot points further left at the head end.
    const double markerRadius = radius(0.025);
    addObject({"marker-rod",
               "orientation-marker",
               ObjectShape::Cylinder,
               {0.62 * a, -0.45 * b, zC + 0.475 * h},
               markerRadius,
               zAxis,
               0.85 * h,
               1000});
    addObject({"marker-foot",
               "orientation-marker",
               ObjectShape::Cylinder,
               {0.72 * a, -0.45 * b, zC + 0.9 * h - markerRadius},
               markerRadius,
               xAxis,
               0.2 * a,
               1000});
}

std::vector<std::uint16_t> PhantomModel::storedSlice(int k) const
{
    const int rows = m_spec.rows;
    const int columns = m_spec.columns;
    std::vector<std::uint16_t> out(static_cast<std::size_t>(rows) * static_cast<std::size_t>(columns));

    const Vec3 origin = sliceGeometry(k).position;
    const Vec3 dc = m_spec.columnSpacing * m_rowDir;
    const Vec3 dr = m_spec.rowSpacing * m_colDir;
    const Vec3 lastInRow = (columns - 1.0) * dc;

    const auto segmentBox = [](const Vec3& p, const Vec3& q, Vec3& lo, Vec3& hi) {
        for (int i = 0; i < 3; ++i) {
            lo[i] = std::min(p[i], q[i]) - 1e-6;
            hi[i] = std::max(p[i], q[i]) + 1e-6;
        }
    };
    Vec3 sliceLo{};
    Vec3 sliceHi{};
    {
        Vec3 lo1{}, hi1{}, lo2{}, hi2{};
        segmentBox(origin, origin + lastInRow, lo1, hi1);
        const Vec3 lastRow = origin + (rows - 1.0) * dr;
        segmentBox(lastRow, lastRow + lastInRow, lo2, hi2);
        for (int i = 0; i < 3; ++i) {
            sliceLo[i] = std::min(lo1[i], lo2[i]);
            sliceHi[i] = std::max(hi1[i], hi2[i]);
        }
    }
    std::vector<const Primitive*> sliceActive;
    for (const Primitive& p : m_primitives) {
        if (boxesOverlap(p.boxMin, p.boxMax, sliceLo, sliceHi)) {
            sliceActive.push_back(&p);
        }
    }

    const float sigma = static_cast<float>(m_spec.noiseSigma);
    const double slope = m_spec.rescaleSlope;
    const int intercept = m_spec.rescaleIntercept;
    std::uint64_t state =
        m_spec.seed * 0xD1B54A32D192ED03ULL ^ (static_cast<std::uint64_t>(k) + 1) * 0x9E3779B97F4A7C15ULL;
    std::vector<const Primitive*> rowActive;
    rowActive.reserve(sliceActive.size());

    for (int r = 0; r < rows; ++r) {
        const Vec3 rowStart = origin + static_cast<double>(r) * dr;
        Vec3 lo{}, hi{};
        segmentBox(rowStart, rowStart + lastInRow, lo, hi);
        rowActive.clear();
        // Reverse order: the topmost (last painted) primitive that contains a point wins.
        for (auto it = sliceActive.rbegin(); it != sliceActive.rend(); ++it) {
            if (boxesOverlap((*it)->boxMin, (*it)->boxMax, lo, hi)) {
                rowActive.push_back(*it);
            }
        }
        std::uint16_t* dst = out.data() + static_cast<std::size_t>(r) * static_cast<std::size_t>(columns);
        for (int c = 0; c < columns; ++c) {
            const Vec3 p = rowStart + static_cast<double>(c) * dc;
            const float noise = gaussian(state) * sigma;
            float value = -1000.0f + noise;
            for (const Primitive* prim : rowActive) {
                if (prim->contains(p)) {
                    value = prim->noisy ? prim->hu + noise : prim->hu;
                    break;
                }
            }
            const int hu = std::clamp(static_cast<int>(std::lround(value)), kMinHu, kMaxHu);
            const long stored = std::lround((hu - intercept) / slope);
            dst[c] = static_cast<std::uint16_t>(stored); // two's complement bits when signed
        }
    }

    if (!m_spec.marker.empty()) {
        const MarkerPlacement place = markerPlacement();
        const bool bigEndian = m_spec.transferSyntax == TransferSyntax::ExplicitBig;
        std::uint16_t* dst = out.data() +
                             static_cast<std::size_t>(place.row) * static_cast<std::size_t>(columns) +
                             static_cast<std::size_t>(place.column);
        const std::string& text = m_spec.marker;
        for (int i = 0; i < place.pixelCount; ++i) {
            const auto first = static_cast<std::uint8_t>(text[static_cast<std::size_t>(2 * i)]);
            const std::size_t secondIndex = static_cast<std::size_t>(2 * i + 1);
            const auto second =
                secondIndex < text.size() ? static_cast<std::uint8_t>(text[secondIndex]) : std::uint8_t{0};
            dst[i] = bigEndian ? static_cast<std::uint16_t>((first << 8) | second)
                               : static_cast<std::uint16_t>(first | (second << 8));
        }
    }
    return out;
}

std::vector<std::int16_t> PhantomModel::huFromStored(std::span<const std::uint16_t> stored) const
{
    std::vector<std::int16_t> hu(stored.size());
    const int slope = m_spec.rescaleSlope;
    const int intercept = m_spec.rescaleIntercept;
    for (std::size_t i = 0; i < stored.size(); ++i) {
        const int value =
            m_signed ? static_cast<int>(static_cast<std::int16_t>(stored[i])) : static_cast<int>(stored[i]);
        hu[i] = static_cast<std::int16_t>(value * slope + intercept);
    }
    return hu;
}

std::vector<std::int16_t> PhantomModel::huSlice(int k) const
{
    return huFromStored(storedSlice(k));
}

std::uint64_t PhantomModel::huChecksum(std::span<const std::int16_t> hu)
{
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (const std::int16_t v : hu) {
        const auto u = static_cast<std::uint16_t>(v);
        hash = (hash ^ (u & 0xFFu)) * 0x100000001b3ULL;
        hash = (hash ^ (u >> 8)) * 0x100000001b3ULL;
    }
    return hash;
}

} // namespace dokuei::phantom
