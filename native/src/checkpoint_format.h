// On-disk layout of a checkpoint file: a fixed 256-byte header followed by
// the V8 snapshot blob. All integers little-endian.
//
// The header says what the blob is (magic, format version), whose it is
// (store id), which turn it captures, which engine wrote it (a snapshot is
// only loadable by the exact V8 build that wrote it), and how to check it:
// the blob's length and CRC32C, and a CRC32C over the header itself, so that
// a torn, truncated or bit-flipped file is never mistaken for a good one.
// The C# reader (src/KenShell/Store/CheckpointHeader.cs) mirrors this.
#pragma once

#include <cstddef>
#include <cstdint>

namespace kenv8 {

constexpr char kCheckpointMagic[8] = {'K', 'E', 'N', 'C', 'K', 'P', 'T', '\n'};
constexpr uint32_t kCheckpointFormatVersion = 1;
constexpr size_t kCheckpointHeaderSize = 256;
constexpr size_t kEngineIdSize = 128;

#pragma pack(push, 1)
struct CheckpointHeader {
    char magic[8];
    uint32_t format_version;
    uint32_t header_size;
    uint64_t turn;
    uint64_t blob_size;
    uint32_t blob_crc;
    // Host functions in the external-reference table when the checkpoint
    // was written: a build with fewer cannot load it (checked in C#).
    uint32_t host_function_count;
    uint8_t store_id[16];
    char engine[kEngineIdSize];
    uint8_t padding[kCheckpointHeaderSize - 184 - 4];
    uint32_t header_crc;  // CRC32C of every byte before this field
};
#pragma pack(pop)
static_assert(sizeof(CheckpointHeader) == kCheckpointHeaderSize, "header layout");

}  // namespace kenv8
