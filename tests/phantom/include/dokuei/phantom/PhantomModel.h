#pragma once

#include "dokuei/phantom/PhantomSpec.h"

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace dokuei::phantom {

using Vec3 = std::array<double, 3>;

/// Where one acquired slice lies. Acquisition index k runs 0..slices-1 along the stack; the
/// instance number is k+1 (a missing slice leaves a gap, as a lost transfer would).
struct SliceGeometry
{
    int acquisitionIndex = 0;
    int instanceNumber = 1;
    Vec3 position{}; ///< Image Position (Patient) of the first transmitted pixel, LPS mm
};

enum class ObjectShape
{
    Sphere,
    Cylinder, ///< solid right circular cylinder: centre, unit axis, full length, radius
};

/// A noise-free object of known size, HU and place: what a loader or measurement must recover.
struct TruthObject
{
    std::string name; ///< e.g. "sphere-lesion", "marker-rod"
    std::string role; ///< "insert" or "orientation-marker"
    ObjectShape shape = ObjectShape::Sphere;
    Vec3 centre{};     ///< patient LPS mm
    double radius = 0; ///< mm
    Vec3 axis{0, 0, 1};
    double length = 0; ///< mm, cylinders only
    int hu = 0;
};

/// An anatomy tissue class and its nominal HU (noise is added around it).
struct TissueClass
{
    std::string name;
    int hu = 0;
};

/// Where --marker text sits in every slice's stored pixel words.
struct MarkerPlacement
{
    int row = 1;    ///< 0-based
    int column = 1; ///< 0-based first pixel
    int pixelCount = 0;
};

/// The phantom as a function of patient space sampled on the spec's grid. Pure and deterministic:
/// two models built from equal specs produce equal pixels, in any thread, in any order.
class PhantomModel
{
public:
    /// @pre validateSpec(spec) succeeded.
    explicit PhantomModel(PhantomSpec spec);

    const PhantomSpec& spec() const { return m_spec; }

    Vec3 rowDirection() const { return m_rowDir; }    ///< first three values of Image Orientation
    Vec3 columnDirection() const { return m_colDir; } ///< last three values of Image Orientation
    Vec3 sliceNormal() const;                         ///< rowDirection x columnDirection
    Vec3 sliceStep() const { return m_step; }         ///< position(k+1) - position(k)
    Vec3 volumeCentre() const { return m_centre; }

    SliceGeometry sliceGeometry(int acquisitionIndex) const;
    std::vector<int> writtenSlices() const; ///< acquisition indices, without the missing slice
    /// Patient position of the centre of pixel (row, column) in slice k.
    Vec3 pixelToPatient(int acquisitionIndex, double row, double column) const;

    const std::vector<TruthObject>& objects() const { return m_objects; }
    const std::vector<TissueClass>& tissues() const { return m_tissues; }
    MarkerPlacement markerPlacement() const;

    bool signedPixels() const { return m_signed; } ///< Pixel Representation 1
    int bitsStored() const { return m_bitsStored; }

    /// Stored pixel words of slice k, row-major, as written (marker included). For signed pixels
    /// the words hold two's complement int16 bit patterns.
    std::vector<std::uint16_t> storedSlice(int acquisitionIndex) const;
    /// HU of slice k exactly as a loader computes them: stored * slope + intercept.
    std::vector<std::int16_t> huSlice(int acquisitionIndex) const;
    std::vector<std::int16_t> huFromStored(std::span<const std::uint16_t> stored) const;

    /// FNV-1a 64 over the HU values serialised as little-endian int16, row-major.
    static std::uint64_t huChecksum(std::span<const std::int16_t> hu);

    struct Primitive;

private:
    void buildAnatomy();
    void addObject(TruthObject object);

    PhantomSpec m_spec;
    Vec3 m_rowDir{};
    Vec3 m_colDir{};
    Vec3 m_step{};
    Vec3 m_centre{};
    bool m_signed = false;
    int m_bitsStored = 16;
    std::vector<Primitive> m_primitives; // painted in order: later ones win
    std::vector<TruthObject> m_objects;
    std::vector<TissueClass> m_tissues;
};

/// What every PhantomModel::Primitive needs; public only so that the vector above can hold it.
struct PhantomModel::Primitive
{
    enum class Shape
    {
        Ellipsoid,         // centre, semi-axes
        EllipticCylinderZ, // centre (x, y), semi-axes (x, y), z range
        Cylinder,          // centre, unit axis, half length, radius
        RibCage,           // elliptic annulus in z bands
    };
    Shape shape = Shape::Ellipsoid;
    Vec3 centre{};
    Vec3 inverseSemi{}; // 1/semi-axis
    Vec3 axis{0, 0, 1};
    double radius = 0;
    double halfLength = 0;
    double zMin = -1e30;
    double zMax = 1e30;
    Vec3 innerInverseSemi{}; // rib cage inner ellipse
    double bandPeriod = 0;
    double bandWidth = 0;
    double midlineGap = 0;
    Vec3 boxMin{-1e30, -1e30, -1e30};
    Vec3 boxMax{1e30, 1e30, 1e30};
    float hu = 0;
    bool noisy = true;

    bool contains(const Vec3& p) const;
};

} // namespace dokuei::phantom
