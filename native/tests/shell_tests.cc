// libkenv8 turn runner: CRC32C, eval statuses and output, interrupts, heap
// statistics, out-of-memory handling. Checkpoints are in checkpoint_tests.cc.
#include <gtest/gtest.h>
#include <unistd.h>
#include <v8.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "kenv8.h"
#include "test_support.h"

using namespace kenv8_test;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

namespace {

uint32_t Crc(const std::string& s) { return Crc32c(s.data(), s.size()); }

}  // namespace

// ---------------------------------------------------------------- CRC32C

TEST(Crc32c, StandardCheckValue) {
    const char* check = "123456789";
    EXPECT_EQ(0xE3069283u, ~kenv8_crc32c(~0u, reinterpret_cast<const uint8_t*>(check), 9));
}

TEST(Crc32c, KnownVectors) {
    // RFC 3720 (iSCSI) appendix B.4.
    EXPECT_EQ(0x8A9136AAu, Crc(std::string(32, '\0')));
    EXPECT_EQ(0x62A8AB43u, Crc(std::string(32, '\xff')));
    std::string ascending, descending;
    for (int i = 0; i < 32; ++i) {
        ascending.push_back(static_cast<char>(i));
        descending.push_back(static_cast<char>(31 - i));
    }
    EXPECT_EQ(0x46DD794Eu, Crc(ascending));
    EXPECT_EQ(0x113FDB5Cu, Crc(descending));
    // The empty buffer leaves the running value alone.
    EXPECT_EQ(0x12345678u, kenv8_crc32c(0x12345678u, nullptr, 0));
}

TEST(Crc32c, SplitBufferContinuationEqualsWholeBuffer) {
    std::string data;
    for (int i = 0; i < 1000; ++i) data.push_back(static_cast<char>((i * 7919) ^ (i >> 3)));
    const auto* bytes = reinterpret_cast<const uint8_t*>(data.data());
    uint32_t whole = kenv8_crc32c(~0u, bytes, data.size());
    // Every split point, so that both the 8-byte loop and the byte tail are
    // entered from unaligned positions.
    for (size_t split = 0; split <= 40; ++split) {
        uint32_t part = kenv8_crc32c(~0u, bytes, split);
        part = kenv8_crc32c(part, bytes + split, data.size() - split);
        ASSERT_EQ(whole, part) << "split at " << split;
    }
    // Three pieces.
    uint32_t c = kenv8_crc32c(~0u, bytes, 3);
    c = kenv8_crc32c(c, bytes + 3, 501);
    c = kenv8_crc32c(c, bytes + 504, data.size() - 504);
    EXPECT_EQ(whole, c);
    // And it is not a constant: one flipped bit changes it.
    data[500] ^= 1;
    EXPECT_NE(~whole, Crc(data));
}

// ---------------------------------------------------------------- Output records

TEST(OutputRecords, ParserAcceptsWellFormedAndRejectsMalformed) {
    std::vector<Record> records;
    std::string error;
    const uint8_t good[] = {1, 2, 0, 0, 0, 'h', 'i', 2, 0, 0, 0, 0};
    ASSERT_TRUE(ParseRecords(good, sizeof good, &records, &error)) << error;
    EXPECT_EQ((std::vector<Record>{{1, "hi"}, {2, ""}}), records);
    const uint8_t overrun[] = {1, 9, 0, 0, 0, 'h', 'i'};
    EXPECT_FALSE(ParseRecords(overrun, sizeof overrun, &records, &error));
    const uint8_t short_header[] = {1, 2, 0};
    EXPECT_FALSE(ParseRecords(short_header, sizeof short_header, &records, &error));
    const uint8_t bad_stream[] = {7, 0, 0, 0, 0};
    EXPECT_FALSE(ParseRecords(bad_stream, sizeof bad_stream, &records, &error));
}

// ---------------------------------------------------------------- Prelude

TEST(Prelude, InstallReportsErrors) {
    char err[512];
    for (const char* bad : {"42", "(function () { throw new Error('prelude boom') })", "(function (",
                            "(function (host) { return 1 })"}) {
        SCOPED_TRACE(bad);
        kenv8_shell* s = nullptr;
        ASSERT_EQ(0, kenv8_shell_create(nullptr, 0, &s, err, sizeof err)) << err;
        err[0] = '\0';
        EXPECT_NE(0, kenv8_shell_install_prelude(s, bad, std::strlen(bad), err, sizeof err));
        EXPECT_NE(std::string(""), err);
        kenv8_shell_destroy(s);
    }
    kenv8_shell* s = nullptr;
    ASSERT_EQ(0, kenv8_shell_create(nullptr, 0, &s, err, sizeof err)) << err;
    const char* throwing = "(function () { throw new Error('prelude boom') })";
    kenv8_shell_install_prelude(s, throwing, std::strlen(throwing), err, sizeof err);
    EXPECT_NE(nullptr, std::strstr(err, "prelude boom")) << err;
    kenv8_shell_destroy(s);
}

TEST(Prelude, HostObjectHasEveryHostFunction) {
    auto shell = TestShell::Fresh(R"JS(
      (function (host) {
        globalThis.hostNames = Object.keys(host).join(',');
        return {
          finishTurn(p) {
            const [s, r] = host.promiseState(p);
            if (s === 1 && r['.repl_result'] !== undefined) host.print(1, String(r['.repl_result']));
            return s === 2 ? 1 : 0;
          },
        };
      }))JS");
    ASSERT_TRUE(shell);
    std::string names = shell->Value("hostNames");
    EXPECT_EQ(kenv8_host_function_count(),
              static_cast<uint32_t>(std::count(names.begin(), names.end(), ',') + 1))
        << names;
    EXPECT_EQ(0u, names.find("print,")) << names;
}

// ---------------------------------------------------------------- Eval

TEST(Eval, OkPrintsCompletionValue) {
    auto shell = TestShell::Fresh();
    ASSERT_TRUE(shell);
    Turn t = shell->Eval("1 + 1");
    EXPECT_EQ(KENV8_OK, t.status);
    EXPECT_EQ((std::vector<Record>{{KENV8_STDOUT, "2\n"}}), t.records);
    EXPECT_EQ("hello", shell->Value("'hel' + 'lo'"));
    // A trailing line comment must not swallow the library's sourceURL line.
    EXPECT_EQ("3", shell->Value("1 + 2 // a comment"));
    // A declaration's completion value is undefined: nothing printed.
    t = shell->Eval("function f() { return 1 }");
    EXPECT_EQ(KENV8_OK, t.status);
    EXPECT_EQ(0u, t.raw_size);
    EXPECT_EQ("1", shell->Value("f()"));
}

TEST(Eval, LabelNamesTheScriptInStackTraces) {
    auto shell = TestShell::Fresh();
    ASSERT_TRUE(shell);
    Turn t = shell->Eval("new Error('x').stack", "REPL7");
    EXPECT_EQ(KENV8_OK, t.status);
    EXPECT_NE(std::string::npos, t.out.find("REPL7:1")) << t.out;
}

TEST(Eval, AStackOverflowKeepsTheColumnsOfItsFrames) {
    // The shell captures a stack trace when an exception is thrown; with
    // lazily made source positions there was no stack left to make them in
    // a stack overflow, and every frame read 1:1.
    auto shell = TestShell::Fresh();
    ASSERT_TRUE(shell);
    shell->Eval("function g() { return g() + 1 }", "REPL1");
    Turn t = shell->Eval("let overflow; try { g() } catch (e) { overflow = e }; overflow.stack", "REPL2");
    EXPECT_EQ(KENV8_OK, t.status);
    EXPECT_NE(std::string::npos, t.out.find("at g (REPL1:1:23)")) << t.out;
    EXPECT_EQ(std::string::npos, t.out.find(":1:1)")) << t.out;
    // An uncaught one (the exception is captured as it is thrown).
    t = shell->Eval("g()", "REPL3");
    EXPECT_EQ(KENV8_THREW, t.status);
}

TEST(HostFunctions, ConstructorNameIsV8sEvenWithoutAPrototype) {
    auto shell = TestShell::Fresh(R"JS(
      (function (host) {
        globalThis.ctorName = host.constructorName;
        return {
          finishTurn(p) {
            const [s, r] = host.promiseState(p);
            if (s === 1 && r['.repl_result'] !== undefined) host.print(1, String(r['.repl_result']));
            return s === 2 ? 1 : 0;
          },
        };
      }))JS");
    ASSERT_TRUE(shell);
    EXPECT_EQ("Point", shell->Value("class Point {}; ctorName(Object.setPrototypeOf(new Point(), null))"));
    EXPECT_EQ("Object", shell->Value("ctorName(Object.create(null))"));
    EXPECT_EQ("undefined", shell->Value("String(ctorName(5))"));
}

TEST(Eval, ThrowIsThrew) {
    auto shell = TestShell::Fresh();
    ASSERT_TRUE(shell);
    Turn t = shell->Eval("throw new Error('boom')");
    EXPECT_EQ(KENV8_THREW, t.status);
    EXPECT_EQ("Uncaught Error: boom\n", t.err);
    EXPECT_EQ("", t.out);
    t = shell->Eval("null.x");
    EXPECT_EQ(KENV8_THREW, t.status);
    EXPECT_EQ(0u, t.err.find("Uncaught TypeError")) << t.err;
    t = shell->Eval("throw 42");
    EXPECT_EQ(KENV8_THREW, t.status);
    EXPECT_EQ("Uncaught 42\n", t.err);
    // A rejected top-level await is a throw too.
    t = shell->Eval("await Promise.reject(new RangeError('late'))");
    EXPECT_EQ(KENV8_THREW, t.status);
    EXPECT_EQ("Uncaught RangeError: late\n", t.err);
    // Work done before the throw stays done (it is the host's job to roll back).
    t = shell->Eval("globalThis.before = 1; throw new Error('after')");
    EXPECT_EQ(KENV8_THREW, t.status);
    EXPECT_EQ("1", shell->Value("before"));
}

TEST(Eval, IncompleteInputRunsNothing) {
    auto shell = TestShell::Fresh();
    ASSERT_TRUE(shell);
    for (const char* source : {"foo(1,", "`abc", "/* abc", "[1,2", "function f() {", "if (x) {",
                               "globalThis.ran = 1; foo(1,", "let s = `a\n${1 +"}) {
        SCOPED_TRACE(source);
        Turn t = shell->Eval(source);
        EXPECT_EQ(KENV8_INCOMPLETE, t.status) << StatusName(t.status) << " " << t.err;
        EXPECT_EQ(0u, t.raw_size) << t.out << t.err;
    }
    EXPECT_EQ("undefined", shell->Value("typeof ran"));
    // Their completions run.
    EXPECT_EQ("5", shell->Value("/* abc */ 5"));
    EXPECT_EQ("1,2", shell->Value("[1,2\n]"));
    EXPECT_EQ("abc\ndef", shell->Value("`abc\ndef`"));
    // A comment marker inside a string is not a comment.
    EXPECT_EQ("/* x", shell->Value("'/* x'"));
    EXPECT_EQ(KENV8_INCOMPLETE, shell->Eval("1 + 2 + /* b").status);
}

// Regression: the unterminated-comment check must look for "*/" after the
// column where the open comment starts, not from the start of the line, or
// an earlier closed comment on the same line hides the open one (SYNTAX_ERROR
// instead of INCOMPLETE). Node's REPL keeps reading lines for all of these.
TEST(Eval, AnOpenCommentAfterAClosedOneOnTheSameLineIsIncomplete) {
    auto shell = TestShell::Fresh();
    ASSERT_TRUE(shell);
    for (const char* source : {"/* a */ 1 + /* b", "let s = '*/'; /* open", "x = 1 /* one */ + /* two"}) {
        SCOPED_TRACE(source);
        Turn t = shell->Eval(source);
        EXPECT_EQ(KENV8_INCOMPLETE, t.status) << StatusName(t.status) << " " << t.err;
    }
}

TEST(Eval, SyntaxErrorPassesSourceLineAndColumnsToTheHook) {
    auto shell = TestShell::Fresh();
    ASSERT_TRUE(shell);
    Turn t = shell->Eval("let y = ;");
    EXPECT_EQ(KENV8_SYNTAX_ERROR, t.status);
    EXPECT_EQ("SyntaxError: Unexpected token ';'|let y = ;|8|9\n", t.err);
    EXPECT_EQ("", t.out);
    // The line is the one holding the error, the column is within it, and
    // nothing of the turn ran.
    t = shell->Eval("globalThis.ran = 1;\n  let z = ) ;");
    EXPECT_EQ(KENV8_SYNTAX_ERROR, t.status);
    EXPECT_EQ("SyntaxError: Unexpected token ')'|  let z = ) ;|10|11\n", t.err);
    EXPECT_EQ("undefined", shell->Value("typeof ran"));
    // An unterminated string cannot continue on the next line: an error,
    // not incomplete input (as in Node's REPL).
    EXPECT_EQ(KENV8_SYNTAX_ERROR, shell->Eval("'abc").status);
    EXPECT_EQ(KENV8_SYNTAX_ERROR, shell->Eval("foo(1 2)").status);
}

TEST(Eval, TopLevelLetIsRedeclarableAcrossTurns) {
    auto shell = TestShell::Fresh();
    ASSERT_TRUE(shell);
    EXPECT_EQ("", shell->Value("let x = 5"));
    EXPECT_EQ("5", shell->Value("x"));
    EXPECT_EQ("6", shell->Value("let x = 6; x"));
    EXPECT_EQ("6", shell->Value("x"));
    EXPECT_EQ("", shell->Value("class K { m() { return 1 } }"));
    EXPECT_EQ("2", shell->Value("class K { m() { return 2 } }; new K().m()"));
    // Within one turn a redeclaration is still an early error.
    Turn t = shell->Eval("let w = 1; let w = 2;");
    EXPECT_EQ(KENV8_SYNTAX_ERROR, t.status) << StatusName(t.status) << " " << t.err;
}

TEST(Eval, TopLevelAwait) {
    auto shell = TestShell::Fresh();
    ASSERT_TRUE(shell);
    EXPECT_EQ("42", shell->Value("await Promise.resolve(42)"));
    EXPECT_EQ("14", shell->Value("const v = await new Promise(r => r(7)); v * 2"));
    EXPECT_EQ("7", shell->Value("v"));
    // Promise jobs chained by the turn all run within it.
    EXPECT_EQ("3", shell->Value("let n = 0; for (let i = 0; i < 3; i++) await null, n++; n"));
}

TEST(Eval, PendingTopLevelAwaitIsOkAndTheHookSeesAPendingPromise) {
    auto shell = TestShell::Fresh();
    ASSERT_TRUE(shell);
    Turn t = shell->Eval("await new Promise(() => {})");
    EXPECT_EQ(KENV8_OK, t.status);
    EXPECT_EQ("<pending>\n", t.out);
    EXPECT_EQ("", t.err);
    // Pending forever is still the end of the turn; the shell goes on.
    EXPECT_EQ("2", shell->Value("1 + 1"));
}

TEST(Eval, AwaitContinuationOutputLandsInTheTurnThatSettlesIt) {
    auto shell = TestShell::Fresh();
    ASSERT_TRUE(shell);
    Turn t = shell->Eval("var go; var gate = new Promise(r => go = r); await gate; print('resumed')");
    EXPECT_EQ("<pending>\n", t.out);
    t = shell->Eval("go(); 'settled'");
    EXPECT_EQ(KENV8_OK, t.status);
    // The continuation ran as a microtask of this turn.
    EXPECT_NE(std::string::npos, t.out.find("resumed\n")) << t.out;
    EXPECT_NE(std::string::npos, t.out.find("settled\n")) << t.out;
    // Settling it again resumes nothing.
    t = shell->Eval("go(); 'again'");
    EXPECT_EQ("again\n", t.out);
}

TEST(Eval, OutputRecordsKeepStreamsAndOrder) {
    auto shell = TestShell::Fresh();
    ASSERT_TRUE(shell);
    Turn t = shell->Eval("print('a'); printErr('b'); print('c'); printErr('d'); 'done'");
    EXPECT_EQ(KENV8_OK, t.status);
    EXPECT_EQ((std::vector<Record>{{KENV8_STDOUT, "a\n"},
                                   {KENV8_STDERR, "b\n"},
                                   {KENV8_STDOUT, "c\n"},
                                   {KENV8_STDERR, "d\n"},
                                   {KENV8_STDOUT, "done\n"}}),
              t.records);
    // UTF-8 passes through; an empty string is an empty record.
    t = shell->Eval("print('\\u00e9\\u20ac\\u{1F600}'); print('')");
    EXPECT_EQ((std::vector<Record>{{KENV8_STDOUT, "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\n"},
                                   {KENV8_STDOUT, "\n"}}),
              t.records);
    // Each turn starts with an empty buffer.
    t = shell->Eval("undefined");
    EXPECT_EQ(KENV8_OK, t.status);
    EXPECT_EQ(0u, t.raw_size);
    // A large record keeps its length.
    t = shell->Eval("'x'.repeat(100000)");
    ASSERT_EQ(1u, t.records.size());
    EXPECT_EQ(100001u, t.records[0].text.size());
}

TEST(Eval, RuntimeSyntaxErrorsAreThrewNotSyntaxError) {
    auto shell = TestShell::Fresh();
    ASSERT_TRUE(shell);
    Turn t = shell->Eval("eval('(')");
    EXPECT_EQ(KENV8_THREW, t.status) << StatusName(t.status) << " " << t.err;
    EXPECT_EQ(0u, t.err.find("Uncaught SyntaxError")) << t.err;
    t = shell->Eval("throw new SyntaxError('mine')");
    EXPECT_EQ(KENV8_THREW, t.status);
    EXPECT_EQ("Uncaught SyntaxError: mine\n", t.err);
    // Runtime errors whose text looks like incomplete input are not
    // incomplete input.
    t = shell->Eval("eval('foo(1,')");
    EXPECT_EQ(KENV8_THREW, t.status) << StatusName(t.status);
    t = shell->Eval("throw new SyntaxError('Unexpected end of input')");
    EXPECT_EQ(KENV8_THREW, t.status) << StatusName(t.status);
    t = shell->Eval("new Function('let let')");
    EXPECT_EQ(KENV8_THREW, t.status) << StatusName(t.status);
    t = shell->Eval("JSON.parse('{')");
    EXPECT_EQ(KENV8_THREW, t.status) << StatusName(t.status);
}

// ---------------------------------------------------------------- Interrupt

namespace {

// Calls kenv8_shell_interrupt after `delay`, then until it reports a running
// turn (at most for `give_up`). Returns what the successful call returned.
class Interrupter {
public:
    Interrupter(kenv8_shell* shell, milliseconds delay, milliseconds give_up = milliseconds(10000))
        : thread_([=] {
              std::this_thread::sleep_for(delay);
              auto deadline = Clock::now() + give_up;
              int r = 0;
              while ((r = kenv8_shell_interrupt(shell)) == 0 && Clock::now() < deadline) {
                  std::this_thread::sleep_for(milliseconds(5));
              }
              result_ = r;
          }) {}
    int Join() {
        thread_.join();
        return result_;
    }

private:
    std::atomic<int> result_{-1};
    std::thread thread_;
};

}  // namespace

TEST(Interrupt, TerminatesARunningTurnAndTheNextTurnRunsNormally) {
    auto shell = TestShell::Fresh();
    ASSERT_TRUE(shell);
    Interrupter interrupter(shell->get(), milliseconds(100));
    auto start = Clock::now();
    Turn t = shell->Eval("while (true) {}");
    auto elapsed = Clock::now() - start;
    EXPECT_EQ(1, interrupter.Join());
    EXPECT_EQ(KENV8_TERMINATED, t.status) << StatusName(t.status);
    EXPECT_GE(elapsed, milliseconds(90));
    EXPECT_LT(elapsed, milliseconds(5000));
    // No stale termination: a turn long enough to reach many interrupt
    // checks runs to completion.
    EXPECT_EQ("49999995000000", shell->Value("let n = 0; for (let i = 0; i < 1e7; i++) n += i; n"));
    EXPECT_EQ("2", shell->Value("1 + 1"));
}

TEST(Interrupt, TerminatesAnEndlessMicrotaskLoop) {
    auto shell = TestShell::Fresh();
    ASSERT_TRUE(shell);
    Interrupter interrupter(shell->get(), milliseconds(100));
    Turn t = shell->Eval("(async () => { for (;;) await null })(); 1");
    EXPECT_EQ(1, interrupter.Join());
    EXPECT_EQ(KENV8_TERMINATED, t.status) << StatusName(t.status);
    // The queue did not keep the loop alive.
    auto start = Clock::now();
    EXPECT_EQ("3", shell->Value("1 + 2"));
    EXPECT_LT(Clock::now() - start, milliseconds(1000));
}

TEST(Interrupt, WhenIdleReturnsZeroAndDoesNotAffectTheNextTurn) {
    auto shell = TestShell::Fresh();
    ASSERT_TRUE(shell);
    EXPECT_EQ(0, kenv8_shell_interrupt(shell->get()));
    EXPECT_EQ(0, kenv8_shell_interrupt(shell->get()));
    EXPECT_EQ("49999995000000", shell->Value("let n = 0; for (let i = 0; i < 1e7; i++) n += i; n"));
    EXPECT_EQ(0, kenv8_shell_interrupt(shell->get()));
    EXPECT_EQ("ok", shell->Value("await null; 'ok'"));
}

TEST(Interrupt, RacingTheEndOfTurnsNeverLeaksIntoALaterTurn) {
    auto shell = TestShell::Fresh();
    ASSERT_TRUE(shell);
    std::atomic<bool> stop{false};
    std::atomic<int> hits{0};
    std::thread hammer([&] {
        while (!stop) {
            hits += kenv8_shell_interrupt(shell->get());
            std::this_thread::sleep_for(std::chrono::microseconds(50));
        }
    });
    int terminated = 0;
    for (int i = 0; i < 5000 && (i < 300 || terminated < 20); ++i) {
        Turn t = shell->Eval("let s = 0; for (let i = 0; i < 2e4; i++) s += i; s");
        if (t.status == KENV8_TERMINATED) {
            ++terminated;
        } else {
            ASSERT_EQ(KENV8_OK, t.status) << StatusName(t.status) << " " << t.err;
            ASSERT_EQ("199990000\n", t.out);
        }
    }
    stop = true;
    hammer.join();
    EXPECT_GT(hits.load(), 0);
    EXPECT_GT(terminated, 0);
    for (int i = 0; i < 50; ++i) {
        ASSERT_EQ("199990000", shell->Value("let s = 0; for (let i = 0; i < 2e4; i++) s += i; s"))
            << "turn " << i << " after the interrupts stopped";
    }
}

// ---------------------------------------------------------------- Heap

TEST(Heap, StatisticsGrowAfterAllocating) {
    auto shell = TestShell::Fresh();
    ASSERT_TRUE(shell);
    uint64_t used0 = 0, total0 = 0, used1 = 0, total1 = 0;
    kenv8_shell_heap(shell->get(), &used0, &total0);
    EXPECT_GT(used0, 0u);
    EXPECT_GE(total0, used0);
    EXPECT_EQ("200000",
              shell->Value("globalThis.keep = Array.from({length: 2e5}, (_, i) => ({i})); keep.length"));
    kenv8_shell_heap(shell->get(), &used1, &total1);
    EXPECT_GT(used1, used0 + 4u * 1024 * 1024) << used0 << " -> " << used1;
    EXPECT_GE(total1, used1);
    // Either pointer may be NULL.
    kenv8_shell_heap(shell->get(), nullptr, &total1);
    kenv8_shell_heap(shell->get(), &used1, nullptr);
}

// ---------------------------------------------------------------- Out of memory
//
// These run in a child process (gtest death test, "threadsafe" style: the
// child re-executes this binary for this test alone, so V8 starts fresh in
// it and an abort cannot take the suite down). The child lowers V8's heap
// limit to 64 MB before it creates its shell, so that it reaches the limit
// in well under a second: with the default limit (about 4 GB on a 23 GB
// machine) the same turn also ends FAILED, but only after ~5 s and 4 GB.

namespace {

[[noreturn]] void RunOutOfMemoryTurn(const char* source) {
    v8::V8::SetFlagsFromString("--max-old-space-size=64");
    auto shell = TestShell::Fresh();
    if (!shell) _exit(90);
    Turn t = shell->Eval(source);
    std::fprintf(stderr, "status=%s last_error=%s\n", StatusName(t.status), t.last_error.c_str());
    // The shell goes on (its state is dirty: what the turn allocated is
    // still referenced; dropping it makes room again).
    std::string next = shell->Value("1 + 1");
    std::fprintf(stderr, "next=%s\n", next.c_str());
    std::fflush(stderr);
    _exit(t.status == KENV8_FAILED && next == "2" ? 0 : 91);
}

}  // namespace

TEST(OutOfMemory, UnboundedAllocationFailsTheTurnAndTheProcessSurvives) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_EXIT(RunOutOfMemoryTurn("let a = []; while (true) a.push(new Array(1e5).fill(1))"),
                ::testing::ExitedWithCode(0),
                "status=FAILED last_error=JavaScript heap out of memory\nnext=2");
}

TEST(OutOfMemory, UnboundedSmallObjectsFailTheTurnAndTheProcessSurvives) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_EXIT(RunOutOfMemoryTurn("var b = []; while (true) b.push({x: Math.random()})"),
                ::testing::ExitedWithCode(0),
                "status=FAILED last_error=JavaScript heap out of memory\nnext=2");
}

// DISABLED: V8 aborts the process (SIGTRAP) instead of the turn failing.
// Observed with the 64 MB limit: growing a Map until the heap is full ends in
// two "last resort; GC in old space requested" mark-sweeps (60.4 MB live)
// and then "Fatal javascript OOM in CALL_AND_RETRY_LAST": an allocation made
// inside a runtime function (the Map's backing store growing) still fails
// after the last-resort GC, and V8 treats that as fatal whatever the
// NearHeapLimit callback did. With the default limit the Map reaches its own
// size limit (a RangeError) first; other runtime-allocated structures can hit
// this at full size. This is V8 behaviour the callback cannot prevent;
// recorded so that nobody relies on "OOM is always KENV8_FAILED".
TEST(OutOfMemory, DISABLED_GrowingAMapUntilTheHeapIsFullFailsTheTurn) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_EXIT(RunOutOfMemoryTurn("var m = new Map(); for (let i = 0;; i++) m.set(i, {i})"),
                ::testing::ExitedWithCode(0), "status=FAILED");
}

// DISABLED: V8 aborts the process (SIGTRAP) instead of the turn failing.
// Observed with the 64 MB limit: `new Array(3e7).fill(1.5)` (240 MB of
// elements in one object) ends in "Mark-sweep 229.6 -> 229.3 MB ... Fatal
// javascript OOM in Reached heap limit". NearHeapLimit raises the limit by
// half (current + current / 2), which does not cover an allocation that
// large, and V8 aborts when the callback leaves too little room. (With the
// default limit, new Array(4e8).fill(1.5) also aborts, after ~40 s, with
// "Fatal javascript OOM in invalid table size": a V8 size limit, not the
// heap limit, equally fatal.)
TEST(OutOfMemory, DISABLED_OneAllocationLargerThanTheHeapLimitFailsTheTurn) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_EXIT(RunOutOfMemoryTurn("var c = new Array(3e7).fill(1.5); c.length"),
                ::testing::ExitedWithCode(0), "status=FAILED");
}

// kenv8.h's one error convention, on the query: 0 with the number in the out
// parameter, or -1 (and NaN there) when there is no answer.
TEST(Abi, AQueryReturnsZeroWithItsAnswerOrMinusOneWithoutOne) {
    const char* prelude =
        "(function (host) { return { finishTurn() { return 0 }, answer() { return 42 },"
        " throws() { throw new Error('no') }, text() { return 'x' } }; })";
    auto shell = TestShell::Fresh(prelude);
    ASSERT_TRUE(shell);
    double answer = 0;
    EXPECT_EQ(0, kenv8_shell_query(shell->get(), "answer", &answer));
    EXPECT_EQ(42, answer);
    for (const char* name : {"throws", "text", "missing"}) {
        answer = 0;
        EXPECT_EQ(-1, kenv8_shell_query(shell->get(), name, &answer)) << name;
        EXPECT_TRUE(std::isnan(answer)) << name;
    }
}
