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

#include <dlfcn.h>
#include <elf.h>
#include <link.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace kenv8 {
namespace {

// Debian's libnode108 18.20.4+dfsg-1~deb12u3, amd64 (build.sh pins it).
constexpr const char* kExpectedVersion = "10.2.154.26-node.37";
constexpr const char* kExpectedBuildId = "ec9f49303c267a6478856befd1cbd7c76d25f5cf";
// Offset of serializer_enabled_ in i::Isolate: Isolate::use_optimizer()
// compiles to `cmpb $0x0,0xd9a9(%rdi)`.
constexpr size_t kSerializerEnabledOffset = 0xd9a9;
const unsigned char kUseOptimizerPattern[] = {0x80, 0xbf, 0xa9, 0xd9, 0x00, 0x00, 0x00};
// The WebAssembly API callbacks in wasm-js.cc (WebAssemblyModule,
// WebAssemblyInstance, ..., getters), as offsets from libnode's load
// address. Found by letting CreateBlob report each unknown external
// reference until none was left. The ORDER is part of the snapshot format.
constexpr uintptr_t kWasmCallbackOffsets[] = {
    0x1621930, 0x16212f0, 0x1621f30, 0x1618b30, 0x1618c50, 0x1618ff0, 0x16214d0,
    0x1618d70, 0x1616450, 0x161a6d0, 0x1616590, 0x161d460, 0x161a3c0, 0x1619580,
    0x161ac70, 0x1616b80, 0x1619750, 0x161c520, 0x161a3a0, 0x161b580, 0x161a3b0,
    0x161cd10, 0x1618060, 0x1619ae0, 0x161b080};
constexpr size_t kWasmCallbackCount = sizeof kWasmCallbackOffsets / sizeof kWasmCallbackOffsets[0];

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
    const char* forced = std::getenv("KENSHELL_ENGINE_COMPAT");
    if (forced != nullptr && forced[0] != '\0' && std::strcmp(forced, "0") != 0) {
        return "KENSHELL_ENGINE_COMPAT is set";
    }
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
    if (search.build_id != kExpectedBuildId) {
        return "libnode's build id is " + (search.build_id.empty() ? "unknown" : search.build_id) +
               ", not " + kExpectedBuildId;
    }
    void* lib = dlopen(info.dli_fname, RTLD_LAZY | RTLD_NOLOAD);
    if (lib == nullptr) return "libnode could not be opened";
    void* use_optimizer = dlsym(lib, kUseOptimizerSymbol);
    t->clear = reinterpret_cast<ClearFn>(dlsym(lib, kClearSymbol));
    t->abort = reinterpret_cast<AbortFn>(dlsym(lib, kAbortSymbol));
    dlclose(lib);  // RTLD_NOLOAD: only drops the reference just taken
    if (use_optimizer == nullptr || t->clear == nullptr || t->abort == nullptr) {
        return "an internal V8 function kenshell needs is not exported";
    }
    bool found = false;
    const auto* code = static_cast<const unsigned char*>(use_optimizer);
    for (size_t i = 0; i + sizeof kUseOptimizerPattern <= 64 && !found; ++i) {
        found = std::memcmp(code + i, kUseOptimizerPattern, sizeof kUseOptimizerPattern) == 0;
    }
    if (!found) return "Isolate::use_optimizer does not read the expected field";
    for (size_t i = 0; i < kWasmCallbackCount; ++i) {
        t->extra_refs[i] = reinterpret_cast<intptr_t>(info.dli_fbase) +
                           static_cast<intptr_t>(kWasmCallbackOffsets[i]);
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
        if (std::getenv("KENSHELL_ENGINE_COMPAT") == nullptr) {
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
