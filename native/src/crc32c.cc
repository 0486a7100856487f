// CRC32C (Castagnoli) with the SSE4.2 instruction, the same polynomial .NET's
// BitOperations.Crc32C computes, so both sides of the store agree.
#include <nmmintrin.h>

#include <cstring>

#include "kenv8.h"

extern "C" __attribute__((target("sse4.2"))) uint32_t kenv8_crc32c(uint32_t crc,
                                                                   const uint8_t* data,
                                                                   size_t len) {
    // Same convention as BitOperations.Crc32C: the caller passes the running
    // value; start with ~0 and finish with ~ (see Crc32C helpers on both sides).
    uint64_t c = crc;
    while (len >= 8) {
        uint64_t word;
        std::memcpy(&word, data, 8);
        c = _mm_crc32_u64(c, word);
        data += 8;
        len -= 8;
    }
    uint32_t c32 = static_cast<uint32_t>(c);
    while (len > 0) {
        c32 = _mm_crc32_u8(c32, *data++);
        --len;
    }
    return c32;
}
