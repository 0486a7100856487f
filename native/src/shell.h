#pragma once

#include <v8.h>

#include <atomic>
#include <mutex>
#include <memory>
#include <map>
#include <string>
#include <vector>

#include "kenv8.h"
#include "tape.h"

namespace kenv8 {

// One isolate + one context, created by a SnapshotCreator so that its heap
// can be written out as a startup snapshot at any turn boundary.
class Shell {
public:
    static Shell* From(v8::Isolate* isolate) {
        return static_cast<Shell*>(isolate->GetData(0));
    }

    // blob may be empty (fresh context).
    static std::unique_ptr<Shell> Create(std::string blob, std::string* error);
    ~Shell();

    bool InstallPrelude(const char* source, size_t len, std::string* error);
    // One input in REPL mode; flags are KENV8_EVAL_* (kenv8.h).
    kenv8_status Eval(const char* source, size_t len, const char* label, int flags = 0);
    // A turn that calls hooks[name](arg) instead of running source (a timer
    // firing, a message delivery). *result gets what the hook returned.
    kenv8_status HookTurn(const char* name, double arg, double* result);
    // The same with a string argument (a delivered message, an ack).
    kenv8_status HookTurnText(const char* name, const char* text, size_t len, double* result);
    // Calls hooks[name]() outside any turn, for a read-only question (when
    // is the next timer due?). Must not change the heap. NaN on failure.
    double Query(const char* name);
    // A read-only question with a string argument and a string answer
    // (empty on failure). The answer stays valid until the next call.
    const std::string& QueryText(const char* name, const char* arg, size_t len);
    // Tab completion: the property names (newline-separated) that may follow
    // the path `a\nb\nc` (a.b.c.), or the global names for an empty path; an
    // empty line ends each prototype level's group (closest first).
    // Runs no user code (completion.cc says how). Valid until the next call.
    const std::string& CompletionNames(const char* path, size_t len);
    bool Interrupt();
    void HeapStats(uint64_t* used, uint64_t* total);

    // Runs in the forked child only: writes the checkpoint file and _exits.
    [[noreturn]] void WriteCheckpointAndExit(const char* path, uint64_t turn,
                                             const uint8_t store_id[16]);

    void AppendOutput(int stream, const char* data, size_t len);
    void SetOption(const std::string& name, int32_t value) { options_[name] = value; }
    int32_t Option(const std::string& name) const {
        auto it = options_.find(name);
        return it == options_.end() ? 0 : it->second;
    }
    const std::string& output() const { return output_; }
    const std::string& last_error() const { return last_error_; }
    Tape& tape() { return tape_; }
    v8::Isolate* isolate() const { return isolate_; }

private:
    Shell() = default;
    bool Init(std::string blob, std::string* error);
    v8::Local<v8::Object> Hooks(v8::Local<v8::Context> context);
    // Calls hooks[name]: empty when the hook is missing (no exception
    // pending) or when it threw (exception in the caller's TryCatch).
    v8::MaybeLocal<v8::Value> CallHook(v8::Local<v8::Context> context, const char* name, int argc,
                                       v8::Local<v8::Value>* argv);
    bool IsCompileError(v8::Local<v8::Value> exception, v8::Local<v8::Message> message);
    // What `node FILE.js` prints above an uncaught error: where it was thrown.
    v8::Local<v8::Value> ProgramErrorHeader(v8::Local<v8::Context> context, v8::Local<v8::Value> error,
                                            v8::Local<v8::Message> message);
    // A resolved promise shaped like REPL mode's ({'.repl_result': value}).
    v8::Local<v8::Value> CompletionPromise(v8::Local<v8::Context> context, v8::Local<v8::Value> value);
    // Whether a compile error means "the input stops early: read more lines".
    bool IsIncomplete(v8::Local<v8::Context> context, const std::string& text, size_t len,
                      v8::Local<v8::Value> exception, v8::Local<v8::Message> message);
    // Clears what the previous turn left (output, error, out-of-memory flag).
    void StartTurn();
    // From here on Interrupt() may terminate the turn; EndTurn() undoes it.
    void MarkRunning();
    void EndTurn();
    // The tail every turn shares: termination, unhandled rejections,
    // foreground tasks, the tape.
    kenv8_status RunHookTurn(const char* name, v8::Local<v8::Value> (*make_arg)(v8::Isolate*, const void*),
                             const void* arg, double* result);
    kenv8_status FinishTurn(v8::Local<v8::Context> context, v8::TryCatch& try_catch,
                            kenv8_status status, v8::Local<v8::Value> turn_promise);
    void ReportUnhandledRejections(v8::Local<v8::Context> context, v8::Local<v8::Value> turn_promise);
    static void OnPromiseReject(v8::PromiseRejectMessage message);
    static v8::MaybeLocal<v8::Promise> OnDynamicImport(v8::Local<v8::Context> context,
                                                       v8::Local<v8::Data> host_defined_options,
                                                       v8::Local<v8::Value> resource_name,
                                                       v8::Local<v8::String> specifier,
                                                       v8::Local<v8::FixedArray> import_assertions);
    [[noreturn]] static void OnOutOfMemory(const char* location, bool is_heap_oom);
    static size_t NearHeapLimit(void* data, size_t current, size_t initial);

    std::string blob_;             // checkpoint being deserialized (freed once it is)
    v8::StartupData startup_{};    // V8 keeps a pointer to this struct
    std::unique_ptr<v8::SnapshotCreator> creator_;
    v8::Isolate* isolate_ = nullptr;
    v8::Global<v8::Context> context_;
    std::string output_;
    std::string query_answer_;
    Tape tape_;
    std::string last_error_;
    std::map<std::string, int32_t> options_;
    // Promises rejected with no handler during the current turn. Emptied at
    // the end of every turn, so none is held when a checkpoint forks.
    std::vector<v8::Global<v8::Promise>> unhandled_;
    std::mutex running_mutex_;     // orders Interrupt() against the end of a turn
    bool running_ = false;
    std::atomic<bool> out_of_memory_{false};
};

}  // namespace kenv8
