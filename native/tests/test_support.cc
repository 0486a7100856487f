#include "test_support.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace kenv8_test {

// The hooks object kenv8_shell_install_prelude wants (see kenv8.h):
//  - finishTurn(p): p is REPL mode's promise for {'.repl_result': value}.
//    Fulfilled: print String(value) unless undefined (return 0). Rejected:
//    "Uncaught <reason>" on stderr (return 1 = THREW). Pending: "<pending>"
//    on stdout (return 2, which the library treats as OK).
//  - uncaught(e): "Uncaught <e>" on stderr.
//  - syntaxError(e, line, start, end): "SyntaxError: <message>|<line>|<start>|<end>".
//  - beforeSnapshot / afterRestore: count their calls in globals.
// It also sets Error.stackTraceLimit, as the product prelude does, and keeps
// the host object reachable as globalThis.host.
const char* const kTestPrelude = R"JS(
(function (host) {
  // V8 leaves Error.stackTraceLimit undefined in a SnapshotCreator's context.
  Error.stackTraceLimit = 10;
  // Tests of individual host functions (clone_tests.cc) call them directly.
  globalThis.host = host;
  const show = v => { try { return String(v); } catch (e) { return '<unprintable>'; } };
  globalThis.print = (...a) => host.print(1, a.map(show).join(' ') + '\n');
  globalThis.printErr = (...a) => host.print(2, a.map(show).join(' ') + '\n');
  return {
    finishTurn(p) {
      const [state, r] = host.promiseState(p);
      if (state === 1) {
        const v = r['.repl_result'];
        if (v !== undefined) host.print(1, show(v) + '\n');
        return 0;
      }
      if (state === 2) { host.print(2, 'Uncaught ' + show(r) + '\n'); return 1; }
      host.print(1, '<pending>\n');
      return 2;
    },
    uncaught(e) { host.print(2, 'Uncaught ' + show(e) + '\n'); },
    syntaxError(e, line, start, end) {
      host.print(2, 'SyntaxError: ' + e.message + '|' + line + '|' + start + '|' + end + '\n');
    },
    beforeSnapshot() { globalThis.beforeSnapshotCalls = (globalThis.beforeSnapshotCalls | 0) + 1; },
    afterRestore() { globalThis.afterRestoreCalls = (globalThis.afterRestoreCalls | 0) + 1; },
  };
})
)JS";

void PrintTo(const Record& record, std::ostream* os) {
    *os << "{" << record.stream << ", \"" << record.text << "\"}";
}

bool ParseRecords(const uint8_t* data, size_t len, std::vector<Record>* records,
                  std::string* error) {
    records->clear();
    size_t pos = 0;
    while (pos < len) {
        if (len - pos < 5) {
            *error = "truncated record header at offset " + std::to_string(pos);
            return false;
        }
        int stream = data[pos];
        uint32_t n = static_cast<uint32_t>(data[pos + 1]) |
                     static_cast<uint32_t>(data[pos + 2]) << 8 |
                     static_cast<uint32_t>(data[pos + 3]) << 16 |
                     static_cast<uint32_t>(data[pos + 4]) << 24;
        if (stream != KENV8_STDOUT && stream != KENV8_STDERR) {
            *error = "bad stream " + std::to_string(stream) + " at offset " + std::to_string(pos);
            return false;
        }
        if (len - pos - 5 < n) {
            *error = "record at offset " + std::to_string(pos) + " overruns the buffer";
            return false;
        }
        records->push_back({stream, std::string(reinterpret_cast<const char*>(data) + pos + 5, n)});
        pos += 5 + n;
    }
    return true;
}

const char* StatusName(int status) {
    switch (status) {
        case KENV8_OK: return "OK";
        case KENV8_THREW: return "THREW";
        case KENV8_INCOMPLETE: return "INCOMPLETE";
        case KENV8_SYNTAX_ERROR: return "SYNTAX_ERROR";
        case KENV8_TERMINATED: return "TERMINATED";
        case KENV8_FAILED: return "FAILED";
        default: return "?";
    }
}

std::unique_ptr<TestShell> TestShell::Fresh(const char* prelude) {
    char err[1024] = "";
    kenv8_shell* shell = nullptr;
    if (kenv8_shell_create(nullptr, 0, &shell, err, sizeof err) != 0) {
        ADD_FAILURE() << "kenv8_shell_create failed: " << err;
        return nullptr;
    }
    std::unique_ptr<TestShell> result(new TestShell(shell));
    if (kenv8_shell_install_prelude(shell, prelude, std::strlen(prelude), err, sizeof err) != 0) {
        ADD_FAILURE() << "kenv8_shell_install_prelude failed: " << err;
        return nullptr;
    }
    return result;
}

std::unique_ptr<TestShell> TestShell::FromBlob(const std::string& blob, std::string* error) {
    char err[1024] = "";
    kenv8_shell* shell = nullptr;
    if (kenv8_shell_create(reinterpret_cast<const uint8_t*>(blob.data()), blob.size(), &shell, err,
                           sizeof err) != 0) {
        if (error != nullptr) *error = err;
        return nullptr;
    }
    return std::unique_ptr<TestShell>(new TestShell(shell));
}

TestShell::~TestShell() { kenv8_shell_destroy(shell_); }

Turn TestShell::Eval(const std::string& source, const char* label) {
    Turn turn;
    turn.status = kenv8_shell_eval(shell_, source.data(), source.size(), label);
    const uint8_t* data = nullptr;
    turn.raw_size = kenv8_shell_output(shell_, &data);
    std::string error;
    EXPECT_TRUE(ParseRecords(data, turn.raw_size, &turn.records, &error))
        << error << " (turn: " << source << ")";
    for (const Record& r : turn.records) (r.stream == KENV8_STDOUT ? turn.out : turn.err) += r.text;
    if (turn.status == KENV8_FAILED) turn.last_error = kenv8_shell_last_error(shell_);
    return turn;
}

std::string TestShell::Value(const std::string& source) {
    Turn turn = Eval(source);
    EXPECT_EQ(KENV8_OK, turn.status)
        << "status " << StatusName(turn.status) << " for: " << source << "\nstdout: " << turn.out
        << "\nstderr: " << turn.err << "\nlast_error: " << turn.last_error;
    EXPECT_EQ("", turn.err) << "for: " << source;
    std::string out = turn.out;
    if (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
}

TempDir::TempDir() {
    const char* base = getenv("TMPDIR");
    std::string templ = std::string(base != nullptr && *base ? base : "/tmp") + "/kenv8-tests-XXXXXX";
    std::vector<char> buf(templ.begin(), templ.end());
    buf.push_back('\0');
    if (mkdtemp(buf.data()) == nullptr) {
        ADD_FAILURE() << "mkdtemp failed: " << strerror(errno);
        dir_ = "/tmp";
        return;
    }
    dir_ = buf.data();
}

TempDir::~TempDir() {
    if (dir_ == "/tmp") return;
    if (DIR* d = opendir(dir_.c_str())) {
        while (dirent* e = readdir(d)) {
            if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
            unlink((dir_ + "/" + e->d_name).c_str());
        }
        closedir(d);
    }
    rmdir(dir_.c_str());
}

CheckpointResult Checkpoint(kenv8_shell* shell, const std::string& path, uint64_t turn,
                            const uint8_t store_id[16], int timeout_ms) {
    CheckpointResult result;
    // The child inherits stdio buffers; flush them so that nothing the test
    // process has printed can be written out a second time by the child.
    fflush(nullptr);
    char detail[1024] = "";
    int begun = kenv8_shell_checkpoint_begin(shell, path.c_str(), turn, store_id, &result.pid,
                                             &result.fork_ns, detail, sizeof detail);
    EXPECT_EQ(0, begun) << "checkpoint_begin: " << detail;
    if (begun != 0) return result;
    result.wait = kenv8_checkpoint_wait(result.pid, timeout_ms, nullptr, detail, sizeof detail);
    result.detail = detail;
    return result;
}

const uint8_t* TestStoreId() {
    static const uint8_t id[16] = {0xA0, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7,
                                   0xA8, 0xA9, 0xAA, 0xAB, 0xAC, 0xAD, 0xAE, 0xAF};
    return id;
}

bool ReadFile(const std::string& path, std::string* data) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::ostringstream ss;
    ss << in.rdbuf();
    *data = ss.str();
    return true;
}

uint32_t Crc32c(const void* data, size_t len) {
    return ~kenv8_crc32c(~0u, static_cast<const uint8_t*>(data), len);
}

namespace {
template <typename T>
T Le(const std::string& s, size_t offset) {
    T value = 0;
    for (size_t i = 0; i < sizeof(T); ++i) {
        value |= static_cast<T>(static_cast<uint8_t>(s[offset + i])) << (8 * i);
    }
    return value;
}
}  // namespace

ParsedHeader ParseHeader(const std::string& file) {
    ParsedHeader h;
    h.magic = file.substr(0, 8);
    h.format_version = Le<uint32_t>(file, 8);
    h.header_size = Le<uint32_t>(file, 12);
    h.turn = Le<uint64_t>(file, 16);
    h.blob_size = Le<uint64_t>(file, 24);
    h.blob_crc = Le<uint32_t>(file, 32);
    h.host_function_count = Le<uint32_t>(file, 36);
    h.store_id = file.substr(40, 16);
    std::string engine = file.substr(56, 128);
    h.engine = engine.substr(0, engine.find('\0'));
    h.header_crc = Le<uint32_t>(file, 252);
    return h;
}

std::string CheckpointBlob(kenv8_shell* shell, const std::string& path, uint64_t turn) {
    CheckpointResult r = Checkpoint(shell, path, turn, TestStoreId());
    EXPECT_EQ(0, r.wait) << "checkpoint failed: " << r.detail;
    if (r.wait != 0) return "";
    std::string file;
    EXPECT_TRUE(ReadFile(path, &file)) << path;
    EXPECT_GT(file.size(), kHeaderSize);
    if (file.size() <= kHeaderSize) return "";
    ParsedHeader h = ParseHeader(file);
    EXPECT_EQ(std::string("KENCKPT\n"), h.magic);
    EXPECT_EQ(turn, h.turn);
    EXPECT_EQ(file.size() - kHeaderSize, h.blob_size);
    EXPECT_EQ(Crc32c(file.data() + kHeaderSize, file.size() - kHeaderSize), h.blob_crc);
    EXPECT_EQ(Crc32c(file.data(), 252), h.header_crc);
    return file.substr(kHeaderSize);
}

}  // namespace kenv8_test
