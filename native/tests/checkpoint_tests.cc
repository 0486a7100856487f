// libkenv8 checkpoints: fork + SnapshotCreator::CreateBlob in the child, the
// file header, restore, the snapshot hooks, and the ways a checkpoint fails.
//
// Every test that holds two shells creates the restored one after it is done
// with the parent, and destroys them in reverse order (locals): isolates
// entered on one thread form a stack (see test_support.h).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "kenv8.h"
#include "test_support.h"

using namespace kenv8_test;
using Clock = std::chrono::steady_clock;

namespace {

// Sends everything written to fd 1 (by this process or by a checkpoint child
// it forks) to a file while alive. V8's serializer prints its diagnostics
// with printf, on stdout.
class StdoutCapture {
public:
    explicit StdoutCapture(const std::string& path) : path_(path) {
        std::fflush(stdout);
        saved_ = dup(1);
        int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        EXPECT_GE(fd, 0) << path << ": " << std::strerror(errno);
        if (fd >= 0) {
            dup2(fd, 1);
            close(fd);
        }
    }
    ~StdoutCapture() { Restore(); }
    std::string Restore() {
        if (saved_ >= 0) {
            std::fflush(stdout);
            dup2(saved_, 1);
            close(saved_);
            saved_ = -1;
        }
        std::string text;
        ReadFile(path_, &text);
        return text;
    }

private:
    std::string path_;
    int saved_ = -1;
};

// A heap with ~50 MB of small objects: the child needs a second or so to
// serialize it.
const char* kBigHeap =
    "globalThis.big = []; for (let i = 0; i < 5e5; i++) big.push({i, s: 'x' + i}); big.length";

bool Contains(const std::string& haystack, const char* needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace

// ---------------------------------------------------------------- Round trip

// Top-level declarations in REPL mode live in the script context, not on the
// global object; the snapshot must keep both.
const char* kRoundTripState = R"JS(
const counter = (() => { let n = 0; return { inc: () => ++n, get: () => n }; })();
counter.inc(); counter.inc(); counter.inc();
var a = { name: 'a' }; a.self = a; a.b = { back: a };
class Point {
  #x;
  constructor(x) { this.#x = x; }
  getX() { return this.#x; }
  setX(x) { this.#x = x; }
  static has(o) { return #x in o; }
}
let pt = new Point(7);
function* gen() { let i = 0; for (;;) { const step = yield i; i += step ?? 1; } }
var g = gen(); g.next(); g.next(5);
let key = { k: 1 };
let m = new Map([[key, 'by-object'], ['key', 'by-string']]);
var resolveIt; var pending = new Promise(r => resolveIt = r);
var log = [];
pending.then(v => log.push('then:' + v));
async function waiter() { const v = await pending; log.push('await:' + v); return v * 2; }
var waiting = waiter();
waiting.then(v => log.push('done:' + v));
'state built'
)JS";

TEST(Checkpoint, RoundTripPreservesTheHeapAndTheHeader) {
    TempDir dir;
    auto parent = TestShell::Fresh();
    ASSERT_TRUE(parent);
    ASSERT_EQ("state built", parent->Value(kRoundTripState));
    ASSERT_EQ("", parent->Value("log.join()"));

    const std::string path = dir.Path("one.ckpt.tmp");
    CheckpointResult r = Checkpoint(parent->get(), path, 42, TestStoreId());
    ASSERT_EQ(0, r.wait) << r.detail;
    EXPECT_EQ("", r.detail);
    EXPECT_GT(r.fork_ns, 0u);

    std::string file;
    ASSERT_TRUE(ReadFile(path, &file));
    ASSERT_GT(file.size(), kHeaderSize);
    ParsedHeader h = ParseHeader(file);
    EXPECT_EQ(std::string("KENCKPT\n"), h.magic);
    EXPECT_EQ(1u, h.format_version);
    EXPECT_EQ(256u, h.header_size);
    EXPECT_EQ(kHeaderSize, kenv8_checkpoint_header_size());
    EXPECT_EQ(42u, h.turn);
    EXPECT_EQ(file.size() - kHeaderSize, h.blob_size);
    EXPECT_EQ(Crc32c(file.data() + kHeaderSize, file.size() - kHeaderSize), h.blob_crc);
    EXPECT_EQ(Crc32c(file.data(), 252), h.header_crc);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(TestStoreId()), 16), h.store_id);
    EXPECT_EQ(std::string(kenv8_engine_id()), h.engine);
    EXPECT_EQ(0u, h.engine.find("V8 10.2.")) << h.engine;
    EXPECT_EQ(kenv8_host_function_count(), h.host_function_count);
    EXPECT_GT(h.host_function_count, 0u);
    // The padding between the engine field and the header CRC is zero.
    EXPECT_EQ(std::string(252 - 184, '\0'), file.substr(184, 252 - 184));

    // The parent is untouched by the fork and goes on: its own promise, its
    // own counter, and a second checkpoint.
    EXPECT_EQ("4", parent->Value("counter.inc()"));
    EXPECT_EQ("then:1,await:1,done:2",
              parent->Value("resolveIt(1); await waiting; log.join()"));
    const std::string path2 = dir.Path("two.ckpt.tmp");
    CheckpointResult r2 = Checkpoint(parent->get(), path2, 43, TestStoreId());
    EXPECT_EQ(0, r2.wait) << r2.detail;
    std::string file2;
    ASSERT_TRUE(ReadFile(path2, &file2));
    ASSERT_GT(file2.size(), kHeaderSize);
    EXPECT_EQ(43u, ParseHeader(file2).turn);

    // Restore the first checkpoint: the state as it was at turn 42.
    std::string error;
    auto restored = TestShell::FromBlob(file.substr(kHeaderSize), &error);
    ASSERT_TRUE(restored) << error;
    // Closures still share their variable.
    EXPECT_EQ("3", restored->Value("counter.get()"));
    EXPECT_EQ("4,4", restored->Value("[counter.inc(), counter.get()].join()"));
    // Cycles are the same objects.
    EXPECT_EQ("true", restored->Value("a.self === a && a.b.back === a && a.self.self.b === a.b"));
    // The suspended generator resumes where it was.
    EXPECT_EQ("7", restored->Value("g.next(2).value"));
    EXPECT_EQ("8", restored->Value("g.next().value"));
    // Private fields and brand checks.
    EXPECT_EQ("7", restored->Value("pt.getX()"));
    EXPECT_EQ("9", restored->Value("pt.setX(9); pt.getX()"));
    EXPECT_EQ("true,false", restored->Value("[Point.has(pt), Point.has({})].join()"));
    EXPECT_EQ("5", restored->Value("new Point(5).getX()"));
    // Map lookups by object identity (identity hashes survive).
    EXPECT_EQ("by-object,by-string,true,false",
              restored->Value("[m.get(key), m.get('key'), m.has(key), m.has({k: 1})].join()"));
    EXPECT_EQ("x", restored->Value("m.set({}, 'x'); m.set(key, 'again'); m.size === 3 ? 'x' : m.size"));
    // The pending promise, its reaction and the suspended async function.
    EXPECT_EQ("", restored->Value("log.join()"));
    EXPECT_EQ("then:21,await:21,done:42",
              restored->Value("resolveIt(21); await waiting; log.join()"));
    // REPL mode still works on the restored script context.
    EXPECT_EQ("5", restored->Value("let pt = 5; pt"));
    EXPECT_EQ("2", restored->Value("1 + 1"));
}

TEST(Checkpoint, ARestoredShellCheckpointsAgain) {
    TempDir dir;
    auto first = TestShell::Fresh();
    ASSERT_TRUE(first);
    ASSERT_EQ("1", first->Value("let gen1 = 1; var seq = [1]; function* g() { let i = 0; for (;;) yield i++ } var it = g(); it.next().value + 1"));
    std::string blob1 = CheckpointBlob(first->get(), dir.Path("1.ckpt"), 1);
    ASSERT_FALSE(blob1.empty());

    std::string error;
    auto second = TestShell::FromBlob(blob1, &error);
    ASSERT_TRUE(second) << error;
    EXPECT_EQ("1,2", second->Value("seq.push(2); seq.join()"));
    EXPECT_EQ("1", second->Value("it.next().value"));
    std::string blob2 = CheckpointBlob(second->get(), dir.Path("2.ckpt"), 2);
    ASSERT_FALSE(blob2.empty());
    EXPECT_EQ("ok", second->Value("'ok'"));  // the restored parent goes on

    auto third = TestShell::FromBlob(blob2, &error);
    ASSERT_TRUE(third) << error;
    EXPECT_EQ("1,2,3", third->Value("seq.push(3); seq.join()"));
    EXPECT_EQ("2", third->Value("it.next().value"));
    EXPECT_EQ("1", third->Value("gen1"));
    EXPECT_EQ("2,2", third->Value("[beforeSnapshotCalls, afterRestoreCalls].join()"));
    std::string blob3 = CheckpointBlob(third->get(), dir.Path("3.ckpt"), 3);
    EXPECT_FALSE(blob3.empty());
}

TEST(Checkpoint, BeforeSnapshotRunsInTheChildOnlyAndAfterRestoreOnRestoreOnly) {
    TempDir dir;
    auto parent = TestShell::Fresh();
    ASSERT_TRUE(parent);
    // Not on a fresh create.
    EXPECT_EQ("undefined,undefined",
              parent->Value("[typeof beforeSnapshotCalls, typeof afterRestoreCalls].join()"));
    std::string blob = CheckpointBlob(parent->get(), dir.Path("h.ckpt"));
    ASSERT_FALSE(blob.empty());
    // beforeSnapshot changed the child's copy of the heap, not the parent's.
    EXPECT_EQ("undefined,undefined",
              parent->Value("[typeof beforeSnapshotCalls, typeof afterRestoreCalls].join()"));

    std::string error;
    auto restored = TestShell::FromBlob(blob, &error);
    ASSERT_TRUE(restored) << error;
    // The saved heap has the hook's flag; afterRestore ran once on restore.
    EXPECT_EQ("1,1", restored->Value("[beforeSnapshotCalls, afterRestoreCalls].join()"));
    // And neither runs on an ordinary turn.
    EXPECT_EQ("1,1", restored->Value("[beforeSnapshotCalls, afterRestoreCalls].join()"));
}

TEST(Checkpoint, MicrotasksQueuedByBeforeSnapshotRunBeforeTheSnapshot) {
    TempDir dir;
    auto parent = TestShell::Fresh(R"JS(
      (function (host) {
        return {
          finishTurn(p) {
            const [s, r] = host.promiseState(p);
            if (s === 1 && r['.repl_result'] !== undefined) host.print(1, String(r['.repl_result']) + '\n');
            return s === 2 ? 1 : 0;
          },
          beforeSnapshot() { Promise.resolve().then(() => { globalThis.flushed = 'yes'; }); },
        };
      }))JS");
    ASSERT_TRUE(parent);
    std::string blob = CheckpointBlob(parent->get(), dir.Path("m.ckpt"));
    ASSERT_FALSE(blob.empty());
    EXPECT_EQ("undefined", parent->Value("typeof flushed"));
    std::string error;
    auto restored = TestShell::FromBlob(blob, &error);
    ASSERT_TRUE(restored) << error;
    EXPECT_EQ("yes", restored->Value("flushed"));
}

// ---------------------------------------------------------------- Objects the serializer refuses

TEST(Checkpoint, AnIntlObjectKillsTheChildAndTheShellGoesOn) {
    TempDir dir;
    auto shell = TestShell::Fresh();
    ASSERT_TRUE(shell);
    ASSERT_EQ("1,234.5", shell->Value("globalThis.nf = new Intl.NumberFormat('en-US'); nf.format(1234.5)"));
    CheckpointResult r = Checkpoint(shell->get(), dir.Path("intl.ckpt"), 1, TestStoreId());
    // Intl objects keep ICU objects behind a Foreign with a global handle:
    // CreateBlob fails CHECK(handle_checker.CheckGlobalAndEternalHandles())
    // and the child dies of SIGTRAP.
    EXPECT_EQ(-1, r.wait);
    EXPECT_TRUE(Contains(r.detail, "signal")) << r.detail;
    EXPECT_TRUE(Contains(r.detail, "global handle not serialized") ||
                Contains(r.detail, "Check failed"))
        << r.detail;

    // The parent never noticed.
    EXPECT_EQ("9,876", shell->Value("nf.format(9876)"));
    EXPECT_EQ("true", shell->Value("delete globalThis.nf"));
    std::string blob = CheckpointBlob(shell->get(), dir.Path("intl2.ckpt"));
    ASSERT_FALSE(blob.empty());
    std::string error;
    auto restored = TestShell::FromBlob(blob, &error);
    ASSERT_TRUE(restored) << error;
    // Intl itself works after a restore; only instances cannot be saved.
    EXPECT_EQ("undefined", restored->Value("typeof nf"));
    EXPECT_EQ("1,234.5", restored->Value("new Intl.NumberFormat('en-US').format(1234.5)"));
}

TEST(Checkpoint, AFinalizationRegistryWithAPendingCellIsSaved) {
    // V8 10.2 serializes a FinalizationRegistry with a registered, live
    // target without complaint (checked: the child exits 0), so this asserts
    // success, and that the registration is still there after a restore.
    TempDir dir;
    auto shell = TestShell::Fresh();
    ASSERT_TRUE(shell);
    ASSERT_EQ("registered",
              shell->Value("globalThis.fr = new FinalizationRegistry(h => print('finalized', h));"
                           "globalThis.target = {}; globalThis.token = {};"
                           "fr.register(target, 'held', token); 'registered'"));
    CheckpointResult r = Checkpoint(shell->get(), dir.Path("fr.ckpt"), 1, TestStoreId());
    ASSERT_EQ(0, r.wait) << r.detail;
    EXPECT_EQ("ok", shell->Value("'ok'"));
    std::string file;
    ASSERT_TRUE(ReadFile(dir.Path("fr.ckpt"), &file));
    std::string error;
    auto restored = TestShell::FromBlob(file.substr(kHeaderSize), &error);
    ASSERT_TRUE(restored) << error;
    EXPECT_EQ("true,false", restored->Value("[fr.unregister(token), fr.unregister(token)].join()"));
}

// ---------------------------------------------------------------- Waiting

TEST(Checkpoint, WaitWithZeroTimeoutPollsUntilTheChildIsDone) {
    TempDir dir;
    auto shell = TestShell::Fresh();
    ASSERT_TRUE(shell);
    ASSERT_EQ("500000", shell->Value(kBigHeap));
    uint64_t used = 0;
    kenv8_shell_heap(shell->get(), &used, nullptr);
    EXPECT_GT(used, 40u << 20);

    std::fflush(nullptr);
    uint64_t fork_ns = 0;
    int pid = 0;
    char detail[512] = "x";
    ASSERT_EQ(0, kenv8_shell_checkpoint_begin(shell->get(), dir.Path("big.ckpt").c_str(), 7,
                                              TestStoreId(), &pid, &fork_ns, detail, sizeof detail));
    ASSERT_GT(pid, 0);
    int running = 0;
    EXPECT_EQ(0, kenv8_checkpoint_wait(pid, 0, &running, detail, sizeof detail));
    EXPECT_EQ(1, running);
    // The parent runs turns while the child works.
    EXPECT_EQ("500001", shell->Value("big.push(1)"));
    int polls = 0, rc = 0;
    auto deadline = Clock::now() + std::chrono::seconds(60);
    while (rc == 0 && running == 1 && Clock::now() < deadline) {
        rc = kenv8_checkpoint_wait(pid, 0, &running, detail, sizeof detail);
        ++polls;
        if (rc == 0 && running == 1) usleep(5000);
    }
    EXPECT_EQ(0, rc) << detail;
    EXPECT_EQ(0, running);
    EXPECT_GT(polls, 1);
    std::string file;
    ASSERT_TRUE(ReadFile(dir.Path("big.ckpt"), &file));
    ASSERT_GT(file.size(), kHeaderSize);
    EXPECT_EQ(file.size() - kHeaderSize, ParseHeader(file).blob_size);
    EXPECT_EQ(7u, ParseHeader(file).turn);
}

TEST(Checkpoint, WaitTimeoutKillsAndReapsTheChild) {
    TempDir dir;
    auto shell = TestShell::Fresh();
    ASSERT_TRUE(shell);
    ASSERT_EQ("500000", shell->Value(kBigHeap));
    std::fflush(nullptr);
    int pid = 0;
    char detail[512] = "";
    ASSERT_EQ(0, kenv8_shell_checkpoint_begin(shell->get(), dir.Path("slow.ckpt").c_str(), 1,
                                              TestStoreId(), &pid, nullptr, detail, sizeof detail));
    EXPECT_EQ(-1, kenv8_checkpoint_wait(pid, 20, nullptr, detail, sizeof detail));
    EXPECT_TRUE(Contains(detail, "timed out")) << detail;
    // Reaped: no zombie left behind.
    errno = 0;
    EXPECT_EQ(-1, waitpid(pid, nullptr, WNOHANG));
    EXPECT_EQ(ECHILD, errno);
    EXPECT_EQ("500000", shell->Value("big.length"));
}

TEST(Checkpoint, WaitForAPidThatIsNotAChildFails) {
    char detail[512] = "";
    EXPECT_EQ(-1, kenv8_checkpoint_wait(getpid(), 100, nullptr, detail, sizeof detail));
    EXPECT_NE(std::string(""), detail);
}

// ---------------------------------------------------------------- Failures

TEST(Checkpoint, AnUnwritablePathFailsWithOpenInTheDetail) {
    auto shell = TestShell::Fresh();
    ASSERT_TRUE(shell);
    CheckpointResult r = Checkpoint(shell->get(), "/nonexistent/dir/x", 1, TestStoreId());
    EXPECT_EQ(-1, r.wait);
    EXPECT_TRUE(Contains(r.detail, "open")) << r.detail;
    EXPECT_TRUE(Contains(r.detail, "No such file or directory")) << r.detail;
    EXPECT_TRUE(Contains(r.detail, "exited with status")) << r.detail;
    EXPECT_EQ("2", shell->Value("1 + 1"));
}

TEST(Checkpoint, AGarbageBlobIsRefusedWithAMessage) {
    std::string garbage(8192, '\0');
    for (size_t i = 0; i < garbage.size(); ++i) garbage[i] = static_cast<char>(i * 131 + 7);
    std::string error;
    auto shell = TestShell::FromBlob(garbage, &error);
    EXPECT_FALSE(shell);
    EXPECT_NE("", error);
    // The process is fine and creates shells as before.
    auto fresh = TestShell::Fresh();
    ASSERT_TRUE(fresh);
    EXPECT_EQ("2", fresh->Value("1 + 1"));
}

TEST(Checkpoint, ABlobFromAnotherV8VersionIsRefused) {
    TempDir dir;
    std::string blob;
    {
        auto shell = TestShell::Fresh();
        ASSERT_TRUE(shell);
        blob = CheckpointBlob(shell->get(), dir.Path("v.ckpt"));
        ASSERT_FALSE(blob.empty());
    }
    // V8's snapshot header: 3 uint32 (contexts, rehashability, checksum),
    // then the 64-byte version string StartupData::IsValid compares.
    ASSERT_EQ(12u, blob.find("10.2.", 12)) << "unexpected blob layout";
    std::string other = blob;
    other[12] = '9';
    std::string error;
    EXPECT_FALSE(TestShell::FromBlob(other, &error));
    EXPECT_NE("", error);
    // The unmodified blob loads.
    auto restored = TestShell::FromBlob(blob, &error);
    ASSERT_TRUE(restored) << error;
    EXPECT_EQ("2", restored->Value("1 + 1"));
}

// DISABLED: bug (or at least a wrong comment plus an undocumented
// precondition). Shell::Init says StartupData::IsValid checks "version and
// checksum of the blob" and turns a bad blob into an error. In V8 10.2 it
// compares only the version string; the checksum is checked later, during
// deserialization, by CHECK(VerifyChecksum(blob)), which aborts the process
// (SIGTRAP, "Check failed: VerifyChecksum(blob)."). Observed for a blob cut
// in half and for a blob with 64 bytes flipped in the middle. The C# host
// checks the header's blob CRC before loading, so only a host bug (or a blob
// that passes its CRC but is damaged) reaches this; still, kenv8.h should say
// that an unverified blob can abort the process, or kenv8_shell_create
// should take the whole checkpoint file and check its CRCs itself.
TEST(Checkpoint, DISABLED_ACorruptedBlobWithAValidVersionIsRefused) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_EXIT(
        {
            std::string blob;
            {
                TempDir dir;  // gone before the abort
                auto shell = TestShell::Fresh();
                blob = CheckpointBlob(shell->get(), dir.Path("c.ckpt"));
            }
            for (size_t i = blob.size() / 3; i < blob.size() / 3 + 64; ++i) blob[i] ^= 0x5a;
            std::string error;
            auto restored = TestShell::FromBlob(blob, &error);
            std::fprintf(stderr, "restored=%d error=%s\n", restored ? 1 : 0, error.c_str());
            std::fflush(stderr);
            _exit(restored ? 1 : 0);
        },
        ::testing::ExitedWithCode(0), "restored=0 error=.+");
}

// Regression: a blob shorter than V8's snapshot header (76 bytes: three
// uint32 and the 64-byte version string) aborts inside StartupData::IsValid
// itself ("Check failed: SnapshotImpl::kVersionStringOffset + ..."), so
// Shell::Init refuses blobs that short before calling it.
TEST(Checkpoint, ATinyBlobIsRefused) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_EXIT(
        {
            std::string error;
            auto shell = TestShell::FromBlob("abc", &error);
            std::fprintf(stderr, "created=%d error=%s\n", shell ? 1 : 0, error.c_str());
            std::fflush(stderr);
            _exit(shell ? 1 : 0);
        },
        ::testing::ExitedWithCode(0), "created=0 error=.+");
}

// The child must not write to the shell's stdout (that is the user's
// terminal, and output there would be released without a commit). V8's
// serializer prints why it refuses an object on stdout (PrintF), e.g.
//   global handle not serialized: 0x...: [Foreign] in OldSpace
// so the child sends its fd 1 to the diagnostics memfd too, and that text
// reaches kenv8_checkpoint_wait's detail.
TEST(Checkpoint, TheChildWritesNothingToTheParentsStdout) {
    TempDir dir;
    auto shell = TestShell::Fresh();
    ASSERT_TRUE(shell);
    ASSERT_EQ("1", shell->Value("globalThis.nf = new Intl.NumberFormat('en-US'); 1"));
    int wait = -100;
    char detail[1024] = "";
    std::string captured;
    {
        StdoutCapture capture(dir.Path("stdout.txt"));
        // Deliberately left in this process's stdio buffer across the fork
        // (no newline, no fflush): it must come out once, from the parent.
        std::printf("unflushed-before-fork");
        int pid = 0;
        ASSERT_EQ(0, kenv8_shell_checkpoint_begin(shell->get(), dir.Path("intl.ckpt").c_str(), 1,
                                                  TestStoreId(), &pid, nullptr, detail, sizeof detail));
        wait = kenv8_checkpoint_wait(pid, 30000, nullptr, detail, sizeof detail);
        captured = capture.Restore();
    }
    EXPECT_EQ(-1, wait);
    EXPECT_EQ("unflushed-before-fork", captured);
    EXPECT_TRUE(Contains(detail, "global handle not serialized")) << detail;
}
