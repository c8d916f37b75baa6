// Zeroing of freed heap memory, process-wide, by interposition.
//
// An executable that defines free() is searched first by the dynamic linker, so every shared library in the
// process (and glibc itself, whose internal calls go through its PLT) frees through this file. Each block is
// zeroed over its whole usable size, then handed to glibc's own implementation (__libc_free, a public glibc
// symbol since 2.2.5). realloc() is defined too because glibc's realloc frees internally (moving a block,
// or splitting off the tail when shrinking) without passing through free(). reallocarray() is defined
// for the same reason (glibc 2.36 forwards it to realloc@plt, but that is an implementation detail).
//
// Allocation itself stays glibc's: malloc, calloc, memalign and friends are not replaced, which is why
// malloc_usable_size() is valid for every pointer reaching free() (aligned blocks included) and why the
// blocks realloc() allocates come from __libc_malloc, the same allocator __libc_free returns them to.
// Nothing here allocates, locks or logs: free() may be called from any thread at any time after start-up.
//
// Blocks glibc served with their own mmap() (large ones, above M_MMAP_THRESHOLD) are not zeroed: glibc
// returns them to the kernel with munmap() (or moves them with mremap() in realloc), so their bytes leave
// the process and the next mapping starts zero-filled. Zeroing them would cost ~30 us per MiB freed and
// turn every mremap() growth into a copy. Recognising them reads the IS_MMAPPED bit of glibc's chunk
// header, the word just before the block, which malloc_usable_size() reads too; the wipe tests prove the
// heap blocks (the ones that stay in the process) are zeroed.

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <malloc.h>

extern "C" {

void __libc_free(void* pointer) noexcept;
void* __libc_malloc(std::size_t bytes) noexcept;
void* __libc_realloc(void* pointer, std::size_t bytes) noexcept;
}

namespace {

/// glibc's chunk header: the size word before the block, with flag bits in its low bits.
constexpr std::size_t kChunkIsMmapped = 0x2;

bool servedByItsOwnMapping(const void* pointer) noexcept
{
    std::size_t header = 0;
    std::memcpy(&header, static_cast<const unsigned char*>(pointer) - sizeof header, sizeof header);
    return (header & kChunkIsMmapped) != 0;
}

} // namespace

extern "C" {

/// Lets a test ask the dynamic linker whether the executable's free() is the one in use.
int dokuei_zeroing_free_installed() noexcept
{
    return 1;
}

void free(void* pointer) noexcept
{
    if (pointer == nullptr) {
        return;
    }
    if (!servedByItsOwnMapping(pointer)) {
        explicit_bzero(pointer, malloc_usable_size(pointer));
    }
    __libc_free(pointer);
}

void* realloc(void* pointer, std::size_t bytes) noexcept
{
    if (pointer == nullptr) {
        return __libc_malloc(bytes);
    }
    if (bytes == 0) {
        // glibc's behaviour: realloc(p, 0) frees p and returns a null pointer.
        free(pointer);
        return nullptr;
    }
    if (servedByItsOwnMapping(pointer)) {
        // glibc resizes it with mremap(), or copies it and unmaps the old mapping: nothing stays behind.
        return __libc_realloc(pointer, bytes);
    }
    const std::size_t usable = malloc_usable_size(pointer);
    if (bytes <= usable) {
        // Shrinking never moves a block in glibc; it may split off the tail and free it, so the tail is
        // zeroed first. What glibc returns is the same block (or, for a huge mmap'ed block, its remapping).
        explicit_bzero(static_cast<unsigned char*>(pointer) + bytes, usable - bytes);
        return __libc_realloc(pointer, bytes);
    }
    // Growing: glibc would either extend in place or move and free the old block without zeroing it.
    // Always moving costs one copy per growth, which geometric growth (Qt, libstdc++) amortises.
    void* grown = __libc_malloc(bytes);
    if (grown == nullptr) {
        return nullptr; // the old block stays valid, as realloc promises
    }
    std::memcpy(grown, pointer, usable);
    free(pointer);
    return grown;
}

void* reallocarray(void* pointer, std::size_t count, std::size_t size) noexcept
{
    std::size_t bytes = 0;
    if (__builtin_mul_overflow(count, size, &bytes)) {
        errno = ENOMEM;
        return nullptr;
    }
    return realloc(pointer, bytes);
}

} // extern "C"
