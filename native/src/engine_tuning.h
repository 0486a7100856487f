#pragma once

// The engine tuning: a SnapshotCreator isolate that runs JavaScript as a
// plain isolate does (TurboFan, every shipped built-in), and checkpoints
// that stay correct. engine_tuning.cc says how and why; it depends on V8
// internals of exactly one libnode build, which it verifies first.

#include <v8.h>

#include <cstdint>
#include <string>

namespace kenv8 {

enum class EngineMode {
    kTuned,   // the verified libnode build: full speed, every built-in
    kCompat,  // anything else (or KENSHELL_ENGINE_COMPAT=1): V8's stock
              // SnapshotCreator isolate, as kenshell always ran
};

// Decided once per process (the first call), before any isolate exists.
// When the checks fail it prints one warning on stderr saying why.
EngineMode CurrentEngineMode();

// What the checks found (for .info and the tests): "tuned" or the reason
// for compatibility mode.
const std::string& EngineModeReason();

// The external references V8 needs in the tuned mode besides kenshell's
// host functions (the WebAssembly API callbacks of V8's wasm-js.cc, which
// V8 does not register itself). nullptr-terminated; empty in compat mode.
const intptr_t* ExtraExternalReferences(size_t* count);

// The isolate's "serializer enabled" flag. Returns false (and changes
// nothing) if the flag does not hold the value expected.
bool SetSerializerEnabled(v8::Isolate* isolate, bool on);
bool SerializerEnabled(v8::Isolate* isolate);

// Called in the parent right before fork: waits for TurboFan jobs running
// on worker threads and drops them (the child has no worker threads; a job
// left half-done there would block its GC safepoint for ever).
void QuiesceBackgroundCompilation(v8::Isolate* isolate);

// Called in the checkpoint child before CreateBlob: puts the code that only
// the tuned mode creates (TurboFan, baseline, OSR code, compiled regexps,
// feedback) back to its lazily-compiled form and collects it, so that the
// serializer meets none of it.
void DropCompiledCodeForSnapshot(v8::Isolate* isolate);

}  // namespace kenv8
