// Helpers for the libkenv8 GoogleTest suite: a small inline prelude, RAII
// shells, output-record parsing, checkpoint and header helpers.
//
// The tests use their own prelude (kTestPrelude), not the product one in
// src/KenShell/Runtime/prelude.js, so that they exercise the native layer
// alone. It prints a turn's completion value with String(v) on stdout,
// "Uncaught <error>" on stderr, records the snapshot hooks in globals, and
// exposes the host-function object as globalThis.host.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kenv8.h"

namespace kenv8_test {

extern const char* const kTestPrelude;

// One output record: [u8 stream][u32 LE length][length bytes].
struct Record {
    int stream;
    std::string text;
    bool operator==(const Record& other) const {
        return stream == other.stream && text == other.text;
    }
};
void PrintTo(const Record& record, std::ostream* os);

// Parses a whole output buffer. Returns false (with a reason) if the buffer
// does not consist of exactly a sequence of well-formed records.
bool ParseRecords(const uint8_t* data, size_t len, std::vector<Record>* records,
                  std::string* error);

const char* StatusName(int status);

struct Turn {
    kenv8_status status = KENV8_FAILED;
    std::vector<Record> records;
    std::string out;  // every stdout record, concatenated
    std::string err;  // every stderr record, concatenated
    std::string last_error;
    size_t raw_size = 0;  // bytes of output
};

// A shell owned by the test. Destroy shells in the reverse order of their
// creation (locals do that): each SnapshotCreator enters its isolate on the
// creating thread, and isolates entered on one thread form a stack.
class TestShell {
public:
    // A fresh shell with `prelude` installed. Returns nullptr after
    // recording a test failure if that is not possible.
    static std::unique_ptr<TestShell> Fresh(const char* prelude = kTestPrelude);
    // A shell deserialized from a checkpoint blob; nullptr with *error set
    // if kenv8_shell_create refused it.
    static std::unique_ptr<TestShell> FromBlob(const std::string& blob, std::string* error);
    ~TestShell();

    kenv8_shell* get() const { return shell_; }

    // Runs one turn and parses its output (a malformed buffer is a test
    // failure).
    Turn Eval(const std::string& source, const char* label = "REPL");
    // Runs `source`, expects KENV8_OK with nothing on stderr, and returns
    // what it printed on stdout without the final newline.
    std::string Value(const std::string& source);

private:
    explicit TestShell(kenv8_shell* shell) : shell_(shell) {}
    kenv8_shell* shell_;
};

// A private temporary directory, removed (with its files) on destruction.
class TempDir {
public:
    TempDir();
    ~TempDir();
    std::string Path(const std::string& name) const { return dir_ + "/" + name; }

private:
    std::string dir_;
};

struct CheckpointResult {
    int pid = 0;           // the child kenv8_shell_checkpoint_begin forked
    int wait = -100;       // kenv8_checkpoint_wait's result: 0 written, -1 failed
    std::string detail;    // its detail text
    uint64_t fork_ns = 0;
};

// kenv8_shell_checkpoint_begin + kenv8_checkpoint_wait. Flushes stdio first
// so that the child cannot write the parent's buffered output a second time.
CheckpointResult Checkpoint(kenv8_shell* shell, const std::string& path, uint64_t turn,
                            const uint8_t store_id[16], int timeout_ms = 30000);

// The 16-byte store id the tests use: bytes 0xA0 + i.
const uint8_t* TestStoreId();

bool ReadFile(const std::string& path, std::string* data);

// CRC32C of a whole buffer (standard convention: init ~0, final ~).
uint32_t Crc32c(const void* data, size_t len);

// The checkpoint header, read field by field at the offsets documented in
// checkpoint_format.h (deliberately not through its struct, so that a
// layout change is caught here as it would be by the C# reader).
struct ParsedHeader {
    std::string magic;  // 8 bytes
    uint32_t format_version;
    uint32_t header_size;
    uint64_t turn;
    uint64_t blob_size;
    uint32_t blob_crc;
    uint32_t host_function_count;
    std::string store_id;  // 16 bytes
    std::string engine;    // up to the first NUL of the 128-byte field
    uint32_t header_crc;
};
constexpr size_t kHeaderSize = 256;
ParsedHeader ParseHeader(const std::string& file);  // file.size() >= kHeaderSize

// Creates a checkpoint of `shell` at `path`, checks it succeeded and that the
// header is consistent, and returns the blob (empty after a failure).
std::string CheckpointBlob(kenv8_shell* shell, const std::string& path, uint64_t turn = 1);

}  // namespace kenv8_test
