// The C ABI (kenv8.h) over Shell. Thin on purpose: argument checks and
// conversions only.
#include <v8.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>

#include "engine_id.h"
#include "engine_tuning.h"
#include "host_functions.h"
#include "kenv8.h"
#include "engine_config.h"
#include "platform.h"
#include "shell.h"

namespace kenv8 {

const char* EngineId() {
    // Everything that decides whether a snapshot can be read back: the exact
    // V8 version, and pointer compression (Debian builds libnode without it;
    // a build with it lays out the heap differently).
    // The tuned engine mode (engine_tuning.h) writes snapshots that hold
    // more built-ins and more external references, which a compat-mode
    // shell must not read, nor the other way round; compat mode keeps the
    // stamp kenshell always wrote, so older stores open in it.
    static const std::string id = std::string("V8 ") + v8::V8::GetVersion() +
#ifdef V8_COMPRESS_POINTERS
                                  "; pointer-compression" +
#else
                                  "; no-pointer-compression" +
#endif
                                  (CurrentEngineMode() == EngineMode::kTuned
                                       ? "; kenshell-tuned-1"
                                       : "");
    return id.c_str();
}

}  // namespace kenv8

namespace {

void CopyError(const std::string& message, char* err, size_t err_len) {
    if (err != nullptr && err_len > 0) std::snprintf(err, err_len, "%s", message.c_str());
}

kenv8::Shell* AsShell(kenv8_shell* handle) { return reinterpret_cast<kenv8::Shell*>(handle); }

}  // namespace

extern "C" int kenv8_initialize(void) {
    static std::once_flag once;
    std::call_once(once, [] {
        // The heap is saved as a whole, so nothing may live outside it that
        // a restore would need. Intl data comes from the system ICU
        // (Debian's libnode links libicu72), which needs no data file.
        // Extra V8 flags from kenv8_configure (KENSHELL_V8_FLAGS: tests use a
        // small heap limit to reach out-of-memory quickly). None changes the
        // snapshot format.
        // Source positions are made with the bytecode, not later on demand:
        // the shell captures stack traces when an exception is thrown
        // (shell.cc), and in a stack overflow there is no stack left to
        // compute them lazily, so every frame would read 1:1.
        v8::V8::SetFlagsFromString("--no-enable-lazy-source-positions");
        const std::string& flags = kenv8::Config().v8_flags;
        if (!flags.empty()) v8::V8::SetFlagsFromString(flags.c_str());
        v8::V8::InitializePlatform(kenv8::GetPlatform());
        v8::V8::Initialize();
    });
    return 0;
}

extern "C" int kenv8_configure(const char* v8_flags, int engine_compat, int heap_chunks, int fork_trace,
                               char* err, size_t err_len) {
    kenv8::EngineConfig config;
    if (v8_flags != nullptr) config.v8_flags = v8_flags;
    config.engine_compat = engine_compat != 0;
    config.heap_chunks = heap_chunks != 0;
    config.fork_trace = fork_trace != 0;
    std::string error;
    if (kenv8::SetEngineConfig(config, &error)) return 0;
    if (err != nullptr && err_len > 0) std::snprintf(err, err_len, "%s", error.c_str());
    return -1;
}

extern "C" const char* kenv8_engine_id(void) { return kenv8::EngineId(); }

extern "C" int kenv8_shell_create(const uint8_t* blob, size_t blob_len, kenv8_shell** out,
                                  char* err, size_t err_len) {
    *out = nullptr;
    kenv8_initialize();
    std::string error;
    std::string data;
    if (blob != nullptr && blob_len > 0) data.assign(reinterpret_cast<const char*>(blob), blob_len);
    auto shell = kenv8::Shell::Create(std::move(data), &error);
    if (!shell) {
        CopyError(error, err, err_len);
        return -1;
    }
    *out = reinterpret_cast<kenv8_shell*>(shell.release());
    return 0;
}

extern "C" void kenv8_shell_destroy(kenv8_shell* shell) { delete AsShell(shell); }

extern "C" int kenv8_shell_install_prelude(kenv8_shell* shell, const char* source, size_t len,
                                           char* err, size_t err_len) {
    std::string error;
    if (!AsShell(shell)->InstallPrelude(source, len, &error)) {
        CopyError(error, err, err_len);
        return -1;
    }
    return 0;
}

extern "C" kenv8_status kenv8_shell_eval(kenv8_shell* shell, const char* source, size_t len,
                                         const char* label) {
    return AsShell(shell)->Eval(source, len, label != nullptr ? label : "REPL");
}

extern "C" kenv8_status kenv8_shell_eval_ex(kenv8_shell* shell, const char* source, size_t len,
                                            const char* label, int flags) {
    return AsShell(shell)->Eval(source, len, label != nullptr ? label : "REPL", flags);
}

extern "C" size_t kenv8_shell_output(kenv8_shell* shell, const uint8_t** data) {
    const std::string& out = AsShell(shell)->output();
    *data = reinterpret_cast<const uint8_t*>(out.data());
    return out.size();
}

extern "C" const char* kenv8_shell_last_error(kenv8_shell* shell) {
    return AsShell(shell)->last_error().c_str();
}

extern "C" int kenv8_shell_interrupt(kenv8_shell* shell) {
    return AsShell(shell)->Interrupt() ? 1 : 0;
}

extern "C" void kenv8_shell_heap(kenv8_shell* shell, uint64_t* used, uint64_t* total) {
    AsShell(shell)->HeapStats(used, total);
}

extern "C" uint32_t kenv8_host_function_count(void) {
    size_t count = 0;
    kenv8::HostFunctions(&count);
    return static_cast<uint32_t>(count);
}

extern "C" void kenv8_shell_set_option(kenv8_shell* shell, const char* name, int32_t value) {
    AsShell(shell)->SetOption(name != nullptr ? name : "", value);
}

extern "C" void kenv8_set_process_text(const char* name, const char* value, size_t len) {
    kenv8::SetProcessText(name != nullptr ? name : "", std::string(value != nullptr ? value : "", value != nullptr ? len : 0));
}

extern "C" void kenv8_shell_tape_record(kenv8_shell* shell) { AsShell(shell)->tape().Record(); }

extern "C" void kenv8_shell_tape_replay(kenv8_shell* shell, const uint8_t* tape, size_t len) {
    AsShell(shell)->tape().Replay(tape, len);
}

extern "C" void kenv8_shell_tape_off(kenv8_shell* shell) { AsShell(shell)->tape().Off(); }

extern "C" size_t kenv8_shell_tape(kenv8_shell* shell, const uint8_t** data) {
    const std::string& tape = AsShell(shell)->tape().data();
    *data = reinterpret_cast<const uint8_t*>(tape.data());
    return tape.size();
}

extern "C" const char* kenv8_shell_tape_divergence(kenv8_shell* shell) {
    return AsShell(shell)->tape().divergence().c_str();
}

extern "C" kenv8_status kenv8_shell_hook_turn(kenv8_shell* shell, const char* name, double arg,
                                              double* result) {
    double ignored;
    return AsShell(shell)->HookTurn(name, arg, result != nullptr ? result : &ignored);
}

extern "C" int kenv8_shell_query(kenv8_shell* shell, const char* name, double* answer) {
    // Shell::Query answers NaN for "no answer" (missing hook, a throw, not a number).
    *answer = AsShell(shell)->Query(name);
    return std::isnan(*answer) ? -1 : 0;
}

extern "C" kenv8_status kenv8_shell_hook_turn_text(kenv8_shell* shell, const char* name,
                                                   const char* text, size_t len, double* result) {
    double ignored;
    return AsShell(shell)->HookTurnText(name, text, len, result != nullptr ? result : &ignored);
}

extern "C" size_t kenv8_shell_query_text(kenv8_shell* shell, const char* name, const char* arg,
                                         size_t len, const char** answer) {
    const std::string& text = AsShell(shell)->QueryText(name, arg, len);
    *answer = text.data();
    return text.size();
}

extern "C" size_t kenv8_shell_completion_names(kenv8_shell* shell, const char* path, size_t len,
                                               const char** answer) {
    const std::string& text = AsShell(shell)->CompletionNames(path, len);
    *answer = text.data();
    return text.size();
}
