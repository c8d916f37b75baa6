#include "dokuei/viewer/core/Volume.h"

#include <cstring>

namespace dokuei::viewer {

Expected<std::unique_ptr<Volume>> Volume::create(int rows, int columns, int slices,
                                                 const VolumeLimits& limits, security::WipeRegistry* registry)
{
    if (rows < 1 || rows > limits.maxRows || columns < 1 || columns > limits.maxColumns)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("a volume of %1 rows x %2 columns is refused: limits are "
                                   "1..%3 rows and 1..%4 columns")
                        .arg(rows)
                        .arg(columns)
                        .arg(limits.maxRows)
                        .arg(limits.maxColumns));
    if (slices < 1 || slices > limits.maxSlices)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("a volume of %1 slices is refused: the limit is 1..%2")
                        .arg(slices)
                        .arg(limits.maxSlices));
    const std::size_t bytes =
        std::size_t(rows) * std::size_t(columns) * std::size_t(slices) * sizeof(std::int16_t);
    if (bytes > limits.memoryBudgetBytes)
        return fail(ErrorCode::SecureMemoryUnavailable,
                    QStringLiteral(
                        "the volume needs %1 x %2 x %3 x 2 bytes = %4 MiB, over the memory budget of %5 MiB")
                        .arg(columns)
                        .arg(rows)
                        .arg(slices)
                        .arg(double(bytes) / 1048576.0, 0, 'f', 1)
                        .arg(double(limits.memoryBudgetBytes) / 1048576.0, 0, 'f', 1));
    auto buffer = security::SecureBuffer::allocate(bytes);
    if (!buffer)
        return std::unexpected(buffer.error());
    std::unique_ptr<Volume> volume(new Volume(rows, columns, slices, std::move(*buffer)));
    if (registry != nullptr)
        volume->m_registration.emplace(*registry, volume.get());
    return volume;
}

Volume::Volume(int rows, int columns, int slices, security::SecureBuffer buffer)
    : m_rows(rows), m_columns(columns), m_slices(slices), m_buffer(std::move(buffer)),
      m_ready(new std::atomic<bool>[std::size_t(slices)])
{
    for (int k = 0; k < slices; ++k)
        m_ready[std::size_t(k)].store(false);
}

Volume::~Volume()
{
    m_registration.reset();
    m_buffer.release();
}

std::size_t Volume::bytes() const
{
    return m_buffer.size();
}

bool Volume::wiped() const
{
    return m_buffer.empty();
}

std::int16_t* Volume::slice(int k)
{
    if (k < 0 || k >= m_slices || m_buffer.empty())
        return nullptr;
    return reinterpret_cast<std::int16_t*>(m_buffer.data()) + sliceVoxels() * std::size_t(k);
}

const std::int16_t* Volume::slice(int k) const
{
    if (k < 0 || k >= m_slices || m_buffer.empty())
        return nullptr;
    return reinterpret_cast<const std::int16_t*>(m_buffer.data()) + sliceVoxels() * std::size_t(k);
}

std::span<std::int16_t> Volume::sliceSpan(int k)
{
    std::int16_t* p = slice(k);
    return p == nullptr ? std::span<std::int16_t>{} : std::span<std::int16_t>(p, sliceVoxels());
}

void Volume::markSliceReady(int k)
{
    if (k < 0 || k >= m_slices)
        return;
    if (!m_ready[std::size_t(k)].exchange(true))
        m_readyCount.fetch_add(1);
}

bool Volume::sliceReady(int k) const
{
    return k >= 0 && k < m_slices && m_ready[std::size_t(k)].load();
}

int Volume::readyCount() const
{
    return m_readyCount.load();
}

void Volume::truncate(int slices)
{
    if (slices < 0 || slices >= m_slices)
        return;
    for (int k = slices; k < m_slices; ++k) {
        if (std::int16_t* p = slice(k))
            std::memset(p, 0, sliceVoxels() * sizeof(std::int16_t));
        if (m_ready[std::size_t(k)].exchange(false))
            m_readyCount.fetch_sub(1);
    }
    m_slices = slices;
}

QString Volume::wipeName() const
{
    return QStringLiteral("CT volume");
}

std::size_t Volume::wipe()
{
    const std::size_t bytes = m_buffer.release();
    for (int k = 0; k < m_slices; ++k)
        m_ready[std::size_t(k)].store(false);
    m_readyCount.store(0);
    return bytes;
}

} // namespace dokuei::viewer
