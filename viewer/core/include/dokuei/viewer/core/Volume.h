#pragma once

#include "dokuei/common/Error.h"
#include "dokuei/security/SecureBuffer.h"
#include "dokuei/security/WipeRegistry.h"
#include "dokuei/viewer/core/InstanceInfo.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>

namespace dokuei::viewer {

struct VolumeGeometry
{
    Vec3 origin{};
    double rowSpacing = 0;
    double columnSpacing = 0;
    double sliceSpacing = 0;
    Vec3 rowDirection{1, 0, 0};
    Vec3 columnDirection{0, 1, 0};
    Vec3 normal{0, 0, 1};
    Vec3 sliceStep{0, 0, 1};
};

struct VolumeLimits
{
    int maxRows = 4096;
    int maxColumns = 4096;
    int maxSlices = 8192;
    std::size_t memoryBudgetBytes = std::size_t{4} << 30; ///< rows x columns x slices x 2 must fit
};

/// CT voxels as int16 HU in ONE SecureBuffer (locked, not dumpable, zeroed on release) allocated once.
/// Slices are filled in any order from any thread (each slice by one writer); sliceReady()/readyCount()
/// are thread-safe. On wipe() (session lock) the voxels are zeroed and released.
class Volume final : public security::IWipeable
{
public:
    /// Checks the limits and rows x columns x slices x 2 <= budget BEFORE allocating; the error names the
    /// sizes. With a registry, the volume registers itself for wipe for its lifetime.
    static Expected<std::unique_ptr<Volume>> create(int rows, int columns, int slices,
                                                    const VolumeLimits& limits,
                                                    security::WipeRegistry* registry = nullptr);
    ~Volume() override;
    Volume(const Volume&) = delete;
    Volume& operator=(const Volume&) = delete;

    int rows() const { return m_rows; }
    int columns() const { return m_columns; }
    int slices() const { return m_slices; }
    std::size_t sliceVoxels() const { return std::size_t(m_rows) * std::size_t(m_columns); }
    std::size_t bytes() const;
    bool wiped() const;

    /// First voxel of slice k (row-major), or nullptr when k is out of range or the volume was wiped.
    std::int16_t* slice(int k);
    const std::int16_t* slice(int k) const;
    std::span<std::int16_t> sliceSpan(int k);

    void markSliceReady(int k);
    bool sliceReady(int k) const;
    int readyCount() const;

    /// Reduces the slice count (the slices dropped are zeroed); used when fewer slices arrived than expected.
    void truncate(int slices);

    const VolumeGeometry& geometry() const { return m_geometry; }
    void setGeometry(const VolumeGeometry& geometry) { m_geometry = geometry; }

    QString wipeName() const override;
    std::size_t wipe() override;

private:
    Volume(int rows, int columns, int slices, security::SecureBuffer buffer);

    int m_rows;
    int m_columns;
    int m_slices;
    security::SecureBuffer m_buffer;
    std::unique_ptr<std::atomic<bool>[]> m_ready;
    std::atomic<int> m_readyCount{0};
    VolumeGeometry m_geometry;
    std::optional<security::WipeRegistration> m_registration;
};

} // namespace dokuei::viewer
