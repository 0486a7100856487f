// The engine tuning (native/src/engine_tuning.cc): a kenshell shell runs
// JavaScript as a plain V8 isolate of the same libnode does — TurboFan and
// every shipped built-in — fresh and after any restore, and checkpoints
// taken after optimized, deoptimized and OSR'd code restore to the same
// state.
//
// The built-ins are compared with a real plain isolate (v8::Isolate::New)
// created in this process, not with a list written down here.
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <v8.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "kenv8.h"
#include "test_support.h"

extern char** environ;

using namespace kenv8_test;

namespace {

// Own keys of the built-in objects that the flag-guarded installers touch
// (and a few more), one line per object. Globals that the test prelude or
// the tests add are left out.
const char* kBuiltinProbe = R"JS((() => {
  const TA = Object.getPrototypeOf(Int8Array);
  const own = o => o == null ? 'MISSING' : Reflect.ownKeys(o).map(String).sort().join(',');
  const ours = new Set(['host', 'print', 'printErr', 'beforeSnapshotCalls', 'afterRestoreCalls',
                        'savedAt', 'savedHasOwn', 'savedWasm', 'sab', 'ia', 'wasmSum']);
  const targets = [
    ['globalThis', Reflect.ownKeys(globalThis).map(String).filter(k => !ours.has(k)).sort().join(',')],
    ['Object', own(Object)], ['Object.prototype', own(Object.prototype)],
    ['Array.prototype', own(Array.prototype)],
    ['Array.prototype[@@unscopables]', own(Array.prototype[Symbol.unscopables])],
    ['String.prototype', own(String.prototype)], ['TypedArray.prototype', own(TA.prototype)],
    ['Atomics', own(globalThis.Atomics)], ['WebAssembly', own(globalThis.WebAssembly)],
    ['SharedArrayBuffer.prototype', own(globalThis.SharedArrayBuffer && SharedArrayBuffer.prototype)],
    ['Error', own(Error)], ['Reflect', own(Reflect)], ['Math', own(Math)], ['JSON', own(JSON)],
    ['Promise', own(Promise)], ['Intl', own(globalThis.Intl)], ['RegExp.prototype', own(RegExp.prototype)],
  ];
  return targets.map(([k, v]) => k + ': ' + v).join('\n');
})())JS";

// Runs `source` in a new plain isolate (Isolate::New, no snapshot of ours)
// of the same libnode and returns String(result).
std::string PlainIsolateValue(const std::string& source) {
    kenv8_initialize();
    std::unique_ptr<v8::ArrayBuffer::Allocator> allocator(
        v8::ArrayBuffer::Allocator::NewDefaultAllocator());
    v8::Isolate::CreateParams params;
    params.array_buffer_allocator = allocator.get();
    v8::Isolate* isolate = v8::Isolate::New(params);
    std::string result;
    {
        v8::Isolate::Scope isolate_scope(isolate);
        v8::HandleScope handle_scope(isolate);
        v8::Local<v8::Context> context = v8::Context::New(isolate);
        v8::Context::Scope context_scope(context);
        v8::TryCatch try_catch(isolate);
        v8::Local<v8::Script> script;
        v8::Local<v8::Value> value;
        if (v8::Script::Compile(context, v8::String::NewFromUtf8(isolate, source.c_str())
                                             .ToLocalChecked())
                .ToLocal(&script) &&
            script->Run(context).ToLocal(&value)) {
            v8::String::Utf8Value text(isolate, value);
            result = *text != nullptr ? *text : "";
        } else {
            v8::String::Utf8Value text(isolate, try_catch.Exception());
            result = std::string("THREW ") + (*text != nullptr ? *text : "");
        }
    }
    isolate->Dispose();
    return result;
}

bool Tuned() { return std::string(kenv8_engine_id()).find("kenshell-tuned") != std::string::npos; }

// %-natives for the optimization tests only (the product never sets it).
void AllowNatives() {
    kenv8_initialize();
    static const char flag[] = "--allow-natives-syntax";
    v8::V8::SetFlagsFromString(flag, sizeof flag - 1);
}

std::unique_ptr<TestShell> Restore(kenv8_shell* from, const TempDir& dir, const char* name) {
    std::string blob = CheckpointBlob(from, dir.Path(name));
    if (blob.empty()) return nullptr;
    std::string error;
    auto restored = TestShell::FromBlob(blob, &error);
    EXPECT_TRUE(restored) << error;
    return restored;
}

// A tiny module: (func (export "add") (param i32 i32) (result i32)).
const char* kWasmBytes =
    "new Uint8Array([0,97,115,109,1,0,0,0,1,7,1,96,2,127,127,1,127,3,2,1,0,7,7,1,3,97,100,100,0,"
    "0,10,9,1,7,0,32,0,32,1,106,11])";

}  // namespace

TEST(Engine, ThePinnedLibnodeRunsTheTunedEngine) {
    // build.sh pins the one libnode build the tuning was verified against;
    // anything else would be compat mode (see the Compat test below).
    EXPECT_TRUE(Tuned()) << kenv8_engine_id();
}

TEST(Engine, AFreshShellHasEveryBuiltInOfAPlainIsolate) {
    std::string plain = PlainIsolateValue(kBuiltinProbe);
    ASSERT_EQ(std::string::npos, plain.find("MISSING")) << plain;
    auto shell = TestShell::Fresh();
    ASSERT_TRUE(shell);
    EXPECT_EQ(plain, shell->Value(kBuiltinProbe));
    EXPECT_EQ("true,3,3,2,function,object,object,10",
              shell->Value("[Object.hasOwn({a: 1}, 'a'), [1, 2, 3].at(-1), [1, 2, 3].findLast(x => x > 2),"
                           " [1, 2, 3].findLastIndex(x => x > 2), typeof SharedArrayBuffer, typeof Atomics,"
                           " typeof WebAssembly, Error.stackTraceLimit].join()"));
}

TEST(Engine, ARestoredShellHasEveryBuiltInOnceAndTheSameObjects) {
    std::string plain = PlainIsolateValue(kBuiltinProbe);
    TempDir dir;
    auto fresh = TestShell::Fresh();
    ASSERT_TRUE(fresh);
    ASSERT_EQ("ok", fresh->Value("globalThis.savedAt = Array.prototype.at; "
                                 "globalThis.savedHasOwn = Object.hasOwn; "
                                 "globalThis.savedWasm = WebAssembly; 'ok'"));
    auto second = Restore(fresh->get(), dir, "1.ckpt");
    ASSERT_TRUE(second);
    EXPECT_EQ(plain, second->Value(kBuiltinProbe));
    // Each installed once (V8 would install them again over the saved ones,
    // leaving Object.hasOwn undefined though listed), and the very objects
    // user code saved before the checkpoint.
    EXPECT_EQ("1,1,true,true,true,true,true",
              second->Value("[Object.getOwnPropertyNames(Object).filter(n => n === 'hasOwn').length,"
                            " Object.getOwnPropertyNames(Array.prototype).filter(n => n === 'at').length,"
                            " Object.hasOwn({a: 1}, 'a'), savedAt === Array.prototype.at,"
                            " savedHasOwn === Object.hasOwn, savedWasm === WebAssembly,"
                            " [5, 6].at(-1) === 6].join()"));
    // A second generation: restored from a restored shell.
    auto third = Restore(second->get(), dir, "2.ckpt");
    ASSERT_TRUE(third);
    EXPECT_EQ(plain, third->Value(kBuiltinProbe));
    EXPECT_EQ("true,true", third->Value("[Object.hasOwn({b: 1}, 'b'), savedHasOwn === Object.hasOwn].join()"));
}

TEST(Engine, TurboFanOptimizesInAFreshAndInARestoredShell) {
    AllowNatives();
    const char* optimize =
        "function sq(x) { return x * x }"
        "%PrepareFunctionForOptimization(sq); sq(2); sq(3); %OptimizeFunctionOnNextCall(sq); sq(4);"
        "(%GetOptimizationStatus(sq) & 16) !== 0";  // kOptimized
    TempDir dir;
    auto fresh = TestShell::Fresh();
    ASSERT_TRUE(fresh);
    EXPECT_EQ("true", fresh->Value(optimize));
    auto restored = Restore(fresh->get(), dir, "1.ckpt");
    ASSERT_TRUE(restored);
    // The checkpoint dropped the optimized code; it comes back on demand.
    EXPECT_EQ("true", restored->Value(
        "%PrepareFunctionForOptimization(sq); sq(5); %OptimizeFunctionOnNextCall(sq); sq(6);"
        "(%GetOptimizationStatus(sq) & 16) !== 0"));
    EXPECT_EQ("true", restored->Value(
        "function cube(x) { return x * x * x }"
        "%PrepareFunctionForOptimization(cube); cube(2); %OptimizeFunctionOnNextCall(cube); cube(3);"
        "(%GetOptimizationStatus(cube) & 16) !== 0"));
}

TEST(Engine, ACheckpointAfterOptimizedCodeRestoresTheSameState) {
    AllowNatives();
    TempDir dir;
    auto shell = TestShell::Fresh();
    ASSERT_TRUE(shell);
    // A method and a closure optimized by TurboFan, with state in objects
    // the optimized code wrote (and a map the code depends on).
    ASSERT_EQ("true,true", shell->Value(R"JS(
      class Acc { constructor() { this.n = 0; this.items = []; } add(x) { this.n += x; this.items.push(x * 2); return this.n; } }
      var acc = new Acc();
      var bump = (() => { let hits = 0; return k => (hits += k); })();
      %PrepareFunctionForOptimization(Acc.prototype.add); %PrepareFunctionForOptimization(bump);
      acc.add(1); acc.add(2); bump(1); bump(2);
      %OptimizeFunctionOnNextCall(Acc.prototype.add); %OptimizeFunctionOnNextCall(bump);
      acc.add(3); bump(3);
      [(%GetOptimizationStatus(Acc.prototype.add) & 16) !== 0, (%GetOptimizationStatus(bump) & 16) !== 0].join()
    )JS"));
    auto restored = Restore(shell->get(), dir, "opt.ckpt");
    ASSERT_TRUE(restored);
    EXPECT_EQ("6,2,4,6,6", restored->Value("[acc.n, ...acc.items, bump(0)].join()"));
    EXPECT_EQ("10,10", restored->Value("[acc.add(4), bump(4)].join()"));
    // And the parent, which kept its optimized code, agrees.
    EXPECT_EQ("10,10", shell->Value("[acc.add(4), bump(4)].join()"));
}

TEST(Engine, ACheckpointAfterADeoptRestoresTheSameState) {
    AllowNatives();
    TempDir dir;
    auto shell = TestShell::Fresh();
    ASSERT_TRUE(shell);
    ASSERT_EQ("true,true,a1", shell->Value(R"JS(
      var seen = [];
      function dd(o) { seen.push(typeof o.x); return o.x + 1 }
      %PrepareFunctionForOptimization(dd); dd({x: 1}); dd({x: 2});
      %OptimizeFunctionOnNextCall(dd); dd({x: 3});
      var wasOptimized = (%GetOptimizationStatus(dd) & 16) !== 0;
      var r = dd({y: 1, x: 'a'});  // another map and a string: deoptimizes
      [wasOptimized, (%GetOptimizationStatus(dd) & 16) === 0, r].join()
    )JS"));
    auto restored = Restore(shell->get(), dir, "deopt.ckpt");
    ASSERT_TRUE(restored);
    EXPECT_EQ("number,number,number,string", restored->Value("seen.join()"));
    EXPECT_EQ("42,b1", restored->Value("[dd({x: 41}), dd({x: 'b'})].join()"));
}

TEST(Engine, ACheckpointAfterOSRRestoresTheSameState) {
    AllowNatives();
    TempDir dir;
    auto shell = TestShell::Fresh();
    ASSERT_TRUE(shell);
    // The loop is replaced by optimized code while it runs (on-stack
    // replacement); the status read inside the loop says so.
    ASSERT_EQ("499999500000,true", shell->Value(R"JS(
      var osrSeen = 0;
      function osr(n) {
        let s = 0;
        for (let i = 0; i < n; i++) {
          s += i;
          if (i === 1000) %OptimizeOsr();
          if (i === n - 1) osrSeen = %GetOptimizationStatus(osr);
        }
        return s;
      }
      %PrepareFunctionForOptimization(osr);
      var total = osr(1e6);
      // kTopmostFrameIsTurboFanned (bit 11 in V8 10.2) while in the loop.
      [total, (osrSeen & (1 << 11)) !== 0].join()
    )JS"));
    auto restored = Restore(shell->get(), dir, "osr.ckpt");
    ASSERT_TRUE(restored);
    EXPECT_EQ("499999500000,45", restored->Value("[total, osr(10)].join()"));
}

TEST(Engine, CheckpointsRightAfterHotLoopsSucceed) {
    // Each turn leaves TurboFan jobs queued or running on worker threads
    // when the checkpoint forks; the parent drops them first (the child has
    // no worker threads). Every checkpoint must succeed and restore.
    TempDir dir;
    auto shell = TestShell::Fresh();
    ASSERT_TRUE(shell);
    ASSERT_EQ("0", shell->Value("var results = []; results.length"));
    std::string last;
    for (int round = 0; round < 8; ++round) {
        std::string r = std::to_string(round);
        shell->Value("function f" + r + "(x) { return (x * " + r + " + 1) % 1000003 }"
                     "var s" + r + " = 0; for (let i = 0; i < 3e5; i++) s" + r + " = (s" + r +
                     " + f" + r + "(i)) % 1000003; results.push(s" + r + "); results.length");
        last = CheckpointBlob(shell->get(), dir.Path("hot" + r + ".ckpt"), round + 1);
        ASSERT_FALSE(last.empty()) << "round " << round;
    }
    std::string expected = shell->Value("results.join()");
    std::string error;
    auto restored = TestShell::FromBlob(last, &error);
    ASSERT_TRUE(restored) << error;
    EXPECT_EQ(expected, restored->Value("results.join()"));
}

TEST(Engine, AHeavyWorkloadCheckpointsAndRestoresTheSameState) {
    // Classes, closures, Maps, regexps, JSON, typed arrays: hot enough for
    // TurboFan, inlining and OSR without %-natives.
    TempDir dir;
    auto shell = TestShell::Fresh();
    ASSERT_TRUE(shell);
    const char* work = R"JS(
      class Vec { constructor(x, y) { this.x = x; this.y = y } add(o) { return new Vec(this.x + o.x, this.y + o.y) } len() { return Math.hypot(this.x, this.y) } }
      var counts = new Map(); var v = new Vec(0, 0); var f64 = new Float64Array(1024);
      for (let i = 0; i < 200000; i++) {
        v = v.add(new Vec(i % 7, i % 5));
        const w = 'w' + (i % 97); counts.set(w, (counts.get(w) || 0) + 1);
        f64[i & 1023] += i * 0.5;
        if (i % 5000 === 0) JSON.parse(JSON.stringify({ i, w, re: /w(\d+)/.exec(w)[1] }));
      }
      var digest = [v.x, v.y, Math.round(v.len()), counts.size, counts.get('w3'), f64.reduce((a, b) => a + b, 0)].join();
      digest
    )JS";
    std::string digest = shell->Value(work);
    ASSERT_FALSE(digest.empty());
    auto restored = Restore(shell->get(), dir, "heavy.ckpt");
    ASSERT_TRUE(restored);
    EXPECT_EQ(digest, restored->Value("digest"));
    EXPECT_EQ(digest, restored->Value("[v.x, v.y, Math.round(v.len()), counts.size, counts.get('w3'),"
                                      " f64.reduce((a, b) => a + b, 0)].join()"));
    // Running the same workload again from the restored state matches the
    // parent doing the same.
    EXPECT_EQ(shell->Value(work), restored->Value(work));
}

TEST(Engine, WebAssemblyAndSharedMemoryWorkAndPersist) {
    TempDir dir;
    auto shell = TestShell::Fresh();
    ASSERT_TRUE(shell);
    ASSERT_EQ("5,true,42", shell->Value(
        std::string("var wasmSum = new WebAssembly.Instance(new WebAssembly.Module(") + kWasmBytes +
        ")).exports.add(2, 3); var sab = new SharedArrayBuffer(16); var ia = new Int32Array(sab);"
        "Atomics.add(ia, 1, 41); Atomics.add(ia, 1, 1);"
        "[wasmSum, WebAssembly.validate(" + kWasmBytes + "), ia[1]].join()"));
    auto restored = Restore(shell->get(), dir, "wasm.ckpt");
    ASSERT_TRUE(restored);
    // The SharedArrayBuffer's bytes persist; Atomics and WebAssembly work.
    EXPECT_EQ("5,true,42,43,9", restored->Value(
        std::string("[wasmSum, sab instanceof SharedArrayBuffer, Atomics.add(ia, 1, 1), ia[1],"
                    " new WebAssembly.Instance(new WebAssembly.Module(") + kWasmBytes +
        ")).exports.add(4, 5)].join()"));
}

TEST(Engine, AKeptWebAssemblyModuleFailsTheCheckpointCleanlyUntilDropped) {
    // Compiled WebAssembly lives outside the JavaScript heap; V8's snapshot
    // cannot hold it. The checkpoint fails with a reason, the shell goes on,
    // and once the module is gone checkpoints succeed again.
    TempDir dir;
    auto shell = TestShell::Fresh();
    ASSERT_TRUE(shell);
    ASSERT_EQ("9", shell->Value(std::string("var mod = new WebAssembly.Module(") + kWasmBytes +
                                "); var inst = new WebAssembly.Instance(mod); inst.exports.add(4, 5)"));
    CheckpointResult r = Checkpoint(shell->get(), dir.Path("kept.ckpt"), 1, TestStoreId());
    EXPECT_EQ(-1, r.wait) << r.detail;
    EXPECT_NE(std::string::npos, r.detail.find("checkpoint writer")) << r.detail;
    EXPECT_EQ("11", shell->Value("inst.exports.add(5, 6)"));
    ASSERT_EQ("null", shell->Value("mod = inst = null"));
    auto restored = Restore(shell->get(), dir, "dropped.ckpt");
    ASSERT_TRUE(restored);
    EXPECT_EQ("null", restored->Value("String(mod)"));
}

// Compat mode is chosen once per process, so it is checked in a child
// process: this test binary again, running only the test below, which asks
// for compatibility mode through kenv8_configure before the engine is used
// (the library reads no environment variable itself).
TEST(Engine, CompatModeIsTheStockIsolateAndStillCheckpoints) {
    if (std::getenv("KENV8_TEST_COMPAT_CHILD") != nullptr) {
        char err[256] = {0};
        ASSERT_EQ(0, kenv8_configure(nullptr, 1, 1, 0, err, sizeof err)) << err;
        ASSERT_FALSE(Tuned()) << kenv8_engine_id();
        // Too late once the engine is in use.
        EXPECT_EQ(-1, kenv8_configure(nullptr, 0, 1, 0, err, sizeof err));
        TempDir dir;
        auto shell = TestShell::Fresh();
        ASSERT_TRUE(shell);
        EXPECT_EQ("undefined,undefined,undefined", shell->Value(
            "[typeof Object.hasOwn, typeof WebAssembly, typeof SharedArrayBuffer].join()"));
        ASSERT_EQ("3", shell->Value("var keep = [1, 2, 3]; keep.length"));
        auto restored = Restore(shell->get(), dir, "compat.ckpt");
        ASSERT_TRUE(restored);
        EXPECT_EQ("1,2,3", restored->Value("keep.join()"));
        return;
    }
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    ASSERT_GT(n, 0);
    self[n] = '\0';
    std::string filter = "--gtest_filter=Engine.CompatModeIsTheStockIsolateAndStillCheckpoints";
    char* argv[] = {self, filter.data(), nullptr};
    std::vector<std::string> env_strings = {"KENV8_TEST_COMPAT_CHILD=1"};
    std::vector<char*> envp;
    for (auto& s : env_strings) envp.push_back(s.data());
    for (char** e = environ; *e != nullptr; ++e) {
        if (std::strncmp(*e, "KENSHELL_ENGINE_COMPAT=", 23) != 0) envp.push_back(*e);
    }
    envp.push_back(nullptr);
    fflush(nullptr);
    pid_t pid = 0;
    ASSERT_EQ(0, posix_spawn(&pid, self, nullptr, nullptr, argv, envp.data()));
    int status = 0;
    ASSERT_EQ(pid, waitpid(pid, &status, 0));
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(0, WEXITSTATUS(status)) << "the compat-mode run failed (its output is above)";
}

TEST(Engine, CheckpointsForkedWhileTheHeapIsBusyFinish) {
    // Every turn leaves V8's collector busy on worker threads (concurrent
    // marking and sweeping, the unmapper returning pages) when the
    // checkpoint forks. A child forked while such a task ran used to join
    // it and wait for ever for a worker that does not exist in the child;
    // the fork gate (platform.cc) forks only while no task runs.
    TempDir dir;
    auto shell = TestShell::Fresh();
    ASSERT_TRUE(shell);
    ASSERT_EQ("0", shell->Value("var keep = []; keep.length"));
    for (int round = 0; round < 12; ++round) {
        // Old-generation garbage too (a full collection, then concurrent
        // sweeping, is what is likely to be running when the fork comes).
        shell->Value("var old = []; for (let i = 0; i < 4e5; i++) { const o = { i, s: 'g' + i }; old.push(o);"
                     " if (i % 100 === 0) keep.push(o) } old = null; keep.length");
        CheckpointResult r = Checkpoint(shell->get(), dir.Path("busy" + std::to_string(round) + ".ckpt"),
                                        round + 1, TestStoreId(), 60000);
        ASSERT_EQ(0, r.wait) << "round " << round << ": " << r.detail;
    }
    EXPECT_EQ("48000", shell->Value("keep.length"));
}
