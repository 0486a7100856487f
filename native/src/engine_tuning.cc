// The engine tuning (see engine_tuning.h).
//
// Why: an isolate made by v8::SnapshotCreator has i::Isolate's
// serializer_enabled_ set. V8 then never tiers up to TurboFan
// (Isolate::use_optimizer() tests it) and its bootstrapper skips
// InitializeExperimentalGlobal()/InstallSpecialObjects(), so [].at,
// Object.hasOwn, findLast, SharedArrayBuffer, Atomics, WebAssembly and
// Error.stackTraceLimit are missing. JavaScript ran at a tenth of V8's speed.
//
// How, in the tuned mode:
//  - a fresh store: the flag is cleared right after the SnapshotCreator is
//    constructed, before the context is made, so the bootstrapper installs
//    every built-in a plain isolate has; it stays cleared while the shell
//    runs (TurboFan, OSR, Sparkplug as in a plain isolate).
//  - a restore: the context is deserialized with the flag still set (the
//    built-ins are in the snapshot already: V8 must not install them a
//    second time, which leaves Object.hasOwn broken), then it is cleared.
//  - a checkpoint: the forked child (a throwaway copy) sets the flag again,
//    discards every piece of compiled code and feedback (the same clean-up
//    CreateBlob does itself, V8's Snapshot::ClearReconstructableDataFor-
//    Serialization) and collects garbage *before* CreateBlob. CreateBlob's
//    own order (collect, then clear) leaves TurboFan code that only weak
//    references still reach (a map's dependent code) in the heap, and the
//    serializer dies on it ("unreachable code" in SerializeCode). The parent
//    first drops TurboFan jobs in flight on worker threads, which do not
//    exist in the child.
//  - the WebAssembly API callbacks (static functions in V8's wasm-js.cc)
//    become part of the heap and so need entries in the external-reference
//    table; their addresses are offsets into libnode, fixed for one build.
//
// All of this depends on one libnode build, identified by its GNU build id
// and V8 version; anything else runs in compatibility mode (the stock
// SnapshotCreator behaviour, exactly as before) with a warning.
#include "engine_tuning.h"

#include "engine_config.h"

#include <dlfcn.h>
#include <elf.h>
#include <link.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace kenv8 {
namespace {

// Debian's libnode108 18.20.4+dfsg-1~deb12u2 and ~deb12u3, amd64 (build.sh
// takes the newest one the mirror serves). Both carry the same V8 source;
// u3 only patches Node's crypto and http2, so V8's code is the same bytes
// at addresses shifted by a constant (0xa80): internal offsets are taken
// relative to an exported V8 function of the same region.
constexpr const char* kExpectedVersion = "10.2.154.26-node.37";
constexpr const char* kKnownBuildIds[] = {
    "ec9f49303c267a6478856befd1cbd7c76d25f5cf",  // 18.20.4+dfsg-1~deb12u3
    "fccedd04aa4a321f7ad02595025b92bfbc7fddde",  // 18.20.4+dfsg-1~deb12u2
};
// Offset of serializer_enabled_ in i::Isolate: Isolate::use_optimizer()
// compiles to `cmpb $0x0,0xd9a9(%rdi)`.
constexpr size_t kSerializerEnabledOffset = 0xd9a9;
const unsigned char kUseOptimizerPattern[] = {0x80, 0xbf, 0xa9, 0xd9, 0x00, 0x00, 0x00};
// The WebAssembly API callbacks in wasm-js.cc (WebAssemblyModule,
// WebAssemblyInstance, ..., getters), static functions, as offsets from
// v8::internal::WasmJs::Install (exported). Found by letting CreateBlob
// report each unknown external reference until none was left. The ORDER
// is part of the snapshot format.
constexpr const char* kWasmInstallSymbol = "_ZN2v88internal6WasmJs7InstallEPNS0_7IsolateEb";
constexpr intptr_t kWasmCallbackOffsets[] = {
    0x2fb0,  0x2970,  0x35b0,  -0x5e50, -0x5d30, -0x5990, 0x2b50,  -0x5c10, -0x8530,
    -0x42b0, -0x83f0, -0x1520, -0x45c0, -0x5400, -0x3d10, -0x7e00, -0x5230, -0x2460,
    -0x45e0, -0x3400, -0x45d0, -0x1c70, -0x6920, -0x4ea0, -0x3900};
constexpr size_t kWasmCallbackCount = sizeof kWasmCallbackOffsets / sizeof kWasmCallbackOffsets[0];
// The first 12 bytes of each callback, so that a wrong address is caught
// before it goes into a snapshot. Two are thunks that start with a
// rip-relative lea (48 8d 35 <disp32>), whose displacement is not compared.
const unsigned char kWasmCallbackPrologues[kWasmCallbackCount][12] = {
    {0x55, 0x48, 0x89, 0xe5, 0x41, 0x57, 0x41, 0x56, 0x41, 0x55, 0x49, 0x89},
    {0x55, 0x48, 0x89, 0xe5, 0x41, 0x57, 0x41, 0x56, 0x49, 0x89, 0xfe, 0x41},
    {0x55, 0xbe, 0x2e, 0x00, 0x00, 0x00, 0x48, 0x89, 0xe5, 0x41, 0x57, 0x41},
    {0x55, 0x48, 0x89, 0xe5, 0x41, 0x54, 0x53, 0x4c, 0x8d, 0x65, 0x90, 0x48},
    {0x55, 0x48, 0x89, 0xe5, 0x41, 0x54, 0x53, 0x4c, 0x8d, 0x65, 0x90, 0x48},
    {0x55, 0x48, 0x89, 0xe5, 0x41, 0x57, 0x41, 0x56, 0x41, 0x55, 0x4c, 0x8d},
    {0x55, 0x48, 0x89, 0xe5, 0x41, 0x57, 0x41, 0x56, 0x41, 0x55, 0x41, 0x54},
    {0x55, 0xbe, 0x2e, 0x00, 0x00, 0x00, 0x48, 0x89, 0xe5, 0x41, 0x57, 0x41},
    {0x55, 0x48, 0x89, 0xe5, 0x41, 0x55, 0x41, 0x54, 0x4c, 0x8d, 0x6d, 0x80},
    {0x55, 0x48, 0x89, 0xe5, 0x41, 0x57, 0x41, 0x56, 0x4c, 0x8d, 0xb5, 0x70},
    {0x55, 0x48, 0x89, 0xe5, 0x41, 0x55, 0x41, 0x54, 0x4c, 0x8d, 0x6d, 0x80},
    {0x55, 0x48, 0x89, 0xe5, 0x41, 0x57, 0x41, 0x56, 0x49, 0x89, 0xfe, 0x41},
    {0x55, 0x48, 0x89, 0xe5, 0x41, 0x57, 0x41, 0x56, 0x41, 0x55, 0x4c, 0x8d},
    {0x55, 0x48, 0x89, 0xe5, 0x41, 0x57, 0x41, 0x56, 0x41, 0x55, 0x4c, 0x8d},
    {0x55, 0x48, 0x89, 0xe5, 0x41, 0x57, 0x41, 0x56, 0x4c, 0x8d, 0xb5, 0x70},
    {0x55, 0x48, 0x89, 0xe5, 0x41, 0x56, 0x41, 0x55, 0x4c, 0x8d, 0x6d, 0x80},
    {0x55, 0x48, 0x89, 0xe5, 0x41, 0x57, 0x41, 0x56, 0x41, 0x55, 0x4c, 0x8d},
    {0x55, 0x48, 0x89, 0xe5, 0x41, 0x57, 0x41, 0x56, 0x4c, 0x8d, 0xb5, 0x70},
    {0x48, 0x8d, 0x35, 0x00, 0x00, 0x00, 0x00, 0xe9, 0x54, 0xfc, 0xff, 0xff},
    {0x55, 0x48, 0x89, 0xe5, 0x41, 0x57, 0x41, 0x56, 0x41, 0x55, 0x4c, 0x8d},
    {0x48, 0x8d, 0x35, 0x00, 0x00, 0x00, 0x00, 0xe9, 0x44, 0xfc, 0xff, 0xff},
    {0x55, 0x48, 0x89, 0xe5, 0x41, 0x57, 0x41, 0x56, 0x41, 0x55, 0x41, 0x54},
    {0x55, 0x48, 0x89, 0xe5, 0x41, 0x57, 0x41, 0x56, 0x49, 0x89, 0xfe, 0x41},
    {0x55, 0x48, 0x89, 0xe5, 0x41, 0x55, 0x41, 0x54, 0x4c, 0x8d, 0x6d, 0x80},
    {0x55, 0x48, 0x89, 0xe5, 0x41, 0x57, 0x41, 0x56, 0x41, 0x55, 0x4c, 0x8d},
};

bool PrologueMatches(const unsigned char* code, const unsigned char* expected) {
    bool lea = expected[0] == 0x48 && expected[1] == 0x8d && expected[2] == 0x35;
    for (size_t k = 0; k < 12; ++k) {
        if (lea && k >= 3 && k < 7) continue;
        if (code[k] != expected[k]) return false;
    }
    return true;
}

constexpr const char* kUseOptimizerSymbol = "_ZN2v88internal7Isolate13use_optimizerEv";
constexpr const char* kClearSymbol =
    "_ZN2v88internal8Snapshot40ClearReconstructableDataForSerializationEPNS0_7IsolateEb";
constexpr const char* kAbortSymbol =
    "_ZN2v88internal7Isolate27AbortConcurrentOptimizationENS0_16BlockingBehaviorE";

using ClearFn = void (*)(void* isolate, bool clear_recompilable_data);
using AbortFn = void (*)(void* isolate, int blocking_behavior);  // 0: kBlock

struct Tuning {
    EngineMode mode = EngineMode::kCompat;
    std::string reason;
    ClearFn clear = nullptr;
    AbortFn abort = nullptr;
    intptr_t extra_refs[kWasmCallbackCount + 1] = {};
};

struct NoteSearch {
    uintptr_t base;
    std::string build_id;
};

int FindBuildId(struct dl_phdr_info* info, size_t, void* data) {
    auto* search = static_cast<NoteSearch*>(data);
    if (info->dlpi_addr != search->base) return 0;
    for (int i = 0; i < info->dlpi_phnum; ++i) {
        const ElfW(Phdr)& ph = info->dlpi_phdr[i];
        if (ph.p_type != PT_NOTE) continue;
        const char* p = reinterpret_cast<const char*>(info->dlpi_addr + ph.p_vaddr);
        const char* end = p + ph.p_memsz;
        while (p + sizeof(ElfW(Nhdr)) <= end) {
            const auto* note = reinterpret_cast<const ElfW(Nhdr)*>(p);
            const char* name = p + sizeof(ElfW(Nhdr));
            const char* desc = name + ((note->n_namesz + 3) & ~3u);
            if (desc + note->n_descsz > end) break;
            if (note->n_type == NT_GNU_BUILD_ID && note->n_namesz == 4 &&
                std::memcmp(name, "GNU", 4) == 0) {
                static const char hex[] = "0123456789abcdef";
                for (size_t k = 0; k < note->n_descsz; ++k) {
                    unsigned char b = static_cast<unsigned char>(desc[k]);
                    search->build_id += hex[b >> 4];
                    search->build_id += hex[b & 15];
                }
                return 1;
            }
            p = desc + ((note->n_descsz + 3) & ~3u);
        }
    }
    return 1;
}

std::string Verify(Tuning* t) {
    if (Config().engine_compat) return "KENSHELL_ENGINE_COMPAT is set";
    if (std::strcmp(v8::V8::GetVersion(), kExpectedVersion) != 0) {
        return std::string("V8 is ") + v8::V8::GetVersion() + ", not " + kExpectedVersion;
    }
    Dl_info info;
    if (dladdr(reinterpret_cast<void*>(&v8::V8::GetVersion), &info) == 0 ||
        info.dli_fbase == nullptr || info.dli_fname == nullptr) {
        return "libnode could not be located in memory";
    }
    NoteSearch search{reinterpret_cast<uintptr_t>(info.dli_fbase), {}};
    dl_iterate_phdr(FindBuildId, &search);
    bool known = false;
    for (const char* id : kKnownBuildIds) known = known || search.build_id == id;
    if (!known) {
        return "libnode's build id " + (search.build_id.empty() ? "unknown" : search.build_id) +
               " is not one kenshell knows (Debian's 18.20.4+dfsg-1~deb12u2, ~deb12u3)";
    }
    void* lib = dlopen(info.dli_fname, RTLD_LAZY | RTLD_NOLOAD);
    if (lib == nullptr) return "libnode could not be opened";
    void* use_optimizer = dlsym(lib, kUseOptimizerSymbol);
    void* wasm_install = dlsym(lib, kWasmInstallSymbol);
    t->clear = reinterpret_cast<ClearFn>(dlsym(lib, kClearSymbol));
    t->abort = reinterpret_cast<AbortFn>(dlsym(lib, kAbortSymbol));
    dlclose(lib);  // RTLD_NOLOAD: only drops the reference just taken
    if (use_optimizer == nullptr || wasm_install == nullptr || t->clear == nullptr ||
        t->abort == nullptr) {
        return "an internal V8 function kenshell needs is not exported";
    }
    bool found = false;
    const auto* code = static_cast<const unsigned char*>(use_optimizer);
    for (size_t i = 0; i + sizeof kUseOptimizerPattern <= 64 && !found; ++i) {
        found = std::memcmp(code + i, kUseOptimizerPattern, sizeof kUseOptimizerPattern) == 0;
    }
    if (!found) return "Isolate::use_optimizer does not read the expected field";
    for (size_t i = 0; i < kWasmCallbackCount; ++i) {
        t->extra_refs[i] = reinterpret_cast<intptr_t>(wasm_install) + kWasmCallbackOffsets[i];
        if (!PrologueMatches(reinterpret_cast<const unsigned char*>(t->extra_refs[i]),
                             kWasmCallbackPrologues[i])) {
            return "a WebAssembly callback is not where kenshell expects it";
        }
    }
    t->extra_refs[kWasmCallbackCount] = 0;
    return "";
}

Tuning& Get() {
    static Tuning tuning;
    static std::once_flag once;
    std::call_once(once, [] {
        std::string why = Verify(&tuning);
        if (why.empty()) {
            tuning.mode = EngineMode::kTuned;
            tuning.reason = "tuned";
            return;
        }
        tuning.mode = EngineMode::kCompat;
        tuning.reason = why;
        tuning.clear = nullptr;
        tuning.abort = nullptr;
        tuning.extra_refs[0] = 0;
        if (!Config().engine_compat) {
            std::fprintf(stderr,
                         "kenshell: warning: engine compatibility mode (%s): JavaScript runs "
                         "without V8's optimizing compiler and without [].at, Object.hasOwn, "
                         "findLast, SharedArrayBuffer, Atomics and WebAssembly; checkpoints "
                         "work as before\n",
                         why.c_str());
        }
    });
    return tuning;
}

unsigned char* FlagByte(v8::Isolate* isolate) {
    return reinterpret_cast<unsigned char*>(isolate) + kSerializerEnabledOffset;
}

}  // namespace

EngineMode CurrentEngineMode() { return Get().mode; }

const std::string& EngineModeReason() { return Get().reason; }

const intptr_t* ExtraExternalReferences(size_t* count) {
    Tuning& t = Get();
    *count = t.mode == EngineMode::kTuned ? kWasmCallbackCount : 0;
    return t.extra_refs;
}

bool SerializerEnabled(v8::Isolate* isolate) {
    return Get().mode == EngineMode::kTuned ? *FlagByte(isolate) == 1 : true;
}

bool SetSerializerEnabled(v8::Isolate* isolate, bool on) {
    if (Get().mode != EngineMode::kTuned) return false;
    unsigned char* flag = FlagByte(isolate);
    if (*flag != (on ? 0 : 1)) return false;  // a C++ bool: exactly 0 or 1
    *flag = on ? 1 : 0;
    return true;
}

void QuiesceBackgroundCompilation(v8::Isolate* isolate) {
    Tuning& t = Get();
    if (t.mode == EngineMode::kTuned) t.abort(isolate, /*BlockingBehavior::kBlock*/ 0);
}

void DropCompiledCodeForSnapshot(v8::Isolate* isolate) {
    Tuning& t = Get();
    if (t.mode != EngineMode::kTuned) return;
    {
        v8::HandleScope scope(isolate);
        t.clear(isolate, true);
    }
    // Code now reachable only through weak references (dependent code of
    // maps, the OSR cache) goes, and those references are cleared.
    isolate->LowMemoryNotification();
}

}  // namespace kenv8
