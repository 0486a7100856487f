// One kenshell heap: an isolate owned by a SnapshotCreator, one context, and
// the turn runner. Written in the manner of V8's samples/hello-world.cc:
// every entry into V8 opens its HandleScope and Context::Scope explicitly.
#include "shell.h"

#include <libplatform/libplatform.h>

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <limits>

#include "engine_tuning.h"
#include "host_functions.h"
#include "platform.h"

#include "debug_interface.h"

namespace kenv8 {

using v8::Context;
using v8::HandleScope;
using v8::Isolate;
using v8::Local;
using v8::MaybeLocal;
using v8::Object;
using v8::String;
using v8::TryCatch;
using v8::Value;

namespace {

Local<String> Str(Isolate* isolate, const char* s, int len = -1) {
    return String::NewFromUtf8(isolate, s, v8::NewStringType::kNormal, len).ToLocalChecked();
}

// The hooks object the prelude returned, kept on the global object under a
// private symbol: invisible to user code, and saved with the heap.
Local<v8::Private> HooksKey(Isolate* isolate) {
    return v8::Private::ForApi(isolate, Str(isolate, "kenshell:hooks"));
}

std::string Describe(Isolate* isolate, TryCatch& try_catch) {
    if (try_catch.HasTerminated()) return "terminated";
    if (!try_catch.HasCaught()) return "unknown error";
    v8::String::Utf8Value text(isolate, try_catch.Exception());
    return *text != nullptr ? *text : "exception";
}

bool IsIncompleteInput(const std::string& message) {
    // V8's messages when the source simply stops early: keep reading lines.
    return message.find("Unexpected end of input") != std::string::npos ||
           message.find("Unterminated template literal") != std::string::npos;
}

}  // namespace

std::unique_ptr<Shell> Shell::Create(std::string blob, std::string* error) {
    std::unique_ptr<Shell> shell(new Shell());
    if (!shell->Init(std::move(blob), error)) return nullptr;
    return shell;
}

bool Shell::Init(std::string blob, std::string* error) {
    blob_ = std::move(blob);
    const bool restoring = !blob_.empty();
    if (restoring) {
        startup_.data = blob_.data();
        startup_.raw_size = static_cast<int>(blob_.size());
        // V8 aborts the process on a snapshot from another build; IsValid
        // (which compares the version string) turns that into an error. It
        // does NOT verify the blob's checksum, and itself aborts on a blob
        // too short to hold a version string: the caller must have checked
        // the checkpoint's CRC (the C# store does) and we refuse tiny blobs.
        if (blob_.size() < 4096 || !startup_.IsValid()) {
            *error = "the checkpoint blob is not a valid snapshot for this V8 build";
            return false;
        }
        creator_ = std::make_unique<v8::SnapshotCreator>(ExternalReferences(), &startup_);
    } else {
        creator_ = std::make_unique<v8::SnapshotCreator>(ExternalReferences());
    }
    // SnapshotCreator has created and entered the isolate on this thread.
    isolate_ = creator_->GetIsolate();
    bool tuned = CurrentEngineMode() == EngineMode::kTuned;
    if (tuned && !SerializerEnabled(isolate_)) {
        // Cannot happen with the verified build; never guess.
        *error = "the engine check failed: the isolate's serializer flag is not where expected "
                 "(set KENSHELL_ENGINE_COMPAT=1 to run without the tuning)";
        return false;
    }
    // A fresh context is bootstrapped with the flag cleared, so that V8
    // installs every built-in a plain isolate has. A restored one already
    // has them: it is deserialized with the flag set (V8 would otherwise
    // install the flag-guarded built-ins a second time over the saved ones),
    // and the flag is cleared afterwards. See engine_tuning.cc.
    if (tuned && !restoring) SetSerializerEnabled(isolate_, false);
    isolate_->SetData(0, this);
    // Microtasks run when the turn runner says so, never behind its back.
    isolate_->SetMicrotasksPolicy(v8::MicrotasksPolicy::kExplicit);
    // Stack traces on uncaught exceptions tell compile errors (no frames)
    // from runtime SyntaxErrors (thrown by running code).
    isolate_->SetCaptureStackTraceForUncaughtExceptions(true, 10);
    isolate_->AddNearHeapLimitCallback(NearHeapLimit, this);
    // Unhandled rejections are reported at the end of the turn, as Node does.
    isolate_->SetPromiseRejectCallback(OnPromiseReject);
    // Some allocations exhaust the heap past what NearHeapLimit can rescue
    // (one object bigger than the limit, a hash table that must double).
    // V8 then cannot go on; instead of its abort and core dump, say what
    // happened and exit. The turn was never committed, so a restart finds
    // the store exactly as it was after the last committed turn.
    isolate_->SetOOMErrorHandler(OnOutOfMemory);

    HandleScope handle_scope(isolate_);
    // With a blob this deserializes the default context saved in it.
    Local<Context> context = Context::New(isolate_);
    if (context.IsEmpty()) {
        *error = "V8 could not create a context";
        return false;
    }
    context_.Reset(isolate_, context);
    if (tuned && restoring) {
        SetSerializerEnabled(isolate_, false);
        // The checkpoint child registered the context as snapshot data (see
        // WriteCheckpointAndExit); take it back so the list does not grow.
        context->GetDataFromSnapshotOnce<Context>(0).IsEmpty();
    }
    if (restoring) {
        // V8 reads the blob while it deserializes the isolate and the
        // context, and later only to make another context from it or to
        // check a code cache, neither of which kenshell does. Holding it for
        // the life of the shell would add the whole checkpoint's size to
        // the resident memory of a restored heap. An empty StartupData
        // makes V8 treat the snapshot as absent, should it ever look again.
        startup_.data = nullptr;
        startup_.raw_size = 0;
        std::string().swap(blob_);
    }
    if (restoring) {
        // Let the restored runtime re-attach to this process (clocks).
        Context::Scope context_scope(context);
        TryCatch try_catch(isolate_);
        CallHook(context, "afterRestore", 0, nullptr);
        isolate_->PerformMicrotaskCheckpoint();
    }
    return true;
}

Shell::~Shell() {
    // Every Global must be gone before the isolate is disposed.
    context_.Reset();
    creator_.reset();
}

size_t Shell::NearHeapLimit(void* data, size_t current, size_t /*initial*/) {
    // The heap is about to hit its limit: stop the turn (it will be rolled
    // back) and give V8 room to unwind instead of aborting the process.
    auto* shell = static_cast<Shell*>(data);
    shell->out_of_memory_ = true;
    shell->isolate_->TerminateExecution();
    return current + current / 2;
}

void Shell::AppendOutput(int stream, const char* data, size_t len) {
    char header[5];
    header[0] = static_cast<char>(stream);
    uint32_t n = static_cast<uint32_t>(len);
    std::memcpy(header + 1, &n, 4);  // x86-64: little-endian
    output_.append(header, 5);
    output_.append(data, len);
}

Local<Object> Shell::Hooks(Local<Context> context) {
    Local<Value> hooks;
    if (!context->Global()->GetPrivate(context, HooksKey(isolate_)).ToLocal(&hooks) ||
        !hooks->IsObject()) {
        return Local<Object>();
    }
    return hooks.As<Object>();
}

MaybeLocal<Value> Shell::CallHook(Local<Context> context, const char* name, int argc,
                                  Local<Value>* argv) {
    Local<Object> hooks = Hooks(context);
    Local<Value> fn;
    if (hooks.IsEmpty() || !hooks->Get(context, Str(isolate_, name)).ToLocal(&fn) ||
        !fn->IsFunction()) {
        return MaybeLocal<Value>();  // no such hook: empty, with no exception pending
    }
    return fn.As<v8::Function>()->Call(context, hooks, argc, argv);
}

void Shell::StartTurn() {
    output_.clear();
    last_error_.clear();
    out_of_memory_ = false;
}

void Shell::MarkRunning() {
    std::lock_guard<std::mutex> lock(running_mutex_);
    running_ = true;
}

bool Shell::InstallPrelude(const char* source, size_t len, std::string* error) {
    HandleScope handle_scope(isolate_);
    Local<Context> context = context_.Get(isolate_);
    Context::Scope context_scope(context);
    TryCatch try_catch(isolate_);
    // The prelude takes outside values too (the PRNG seed, the clock): they
    // go through the tape like a turn's, so that a store can be rebuilt
    // from its very first state by replay.
    tape_.BeginTurn();
    CurrentTapeScope tape_scope(&tape_);

    // The host object: one function per host callback.
    Local<Object> host = Object::New(isolate_);
    size_t count = 0;
    const HostFunction* functions = HostFunctions(&count);
    for (size_t i = 0; i < count; ++i) {
        Local<v8::Function> fn;
        if (!v8::FunctionTemplate::New(isolate_, functions[i].callback, Local<Value>(),
                                       Local<v8::Signature>(), 0,
                                       v8::ConstructorBehavior::kThrow)
                 ->GetFunction(context)
                 .ToLocal(&fn) ||
            host->Set(context, Str(isolate_, functions[i].name), fn).IsNothing()) {
            *error = "could not create host function " + std::string(functions[i].name);
            return false;
        }
    }

    v8::ScriptOrigin origin(isolate_, Str(isolate_, "kenshell:prelude"));
    Local<v8::Script> script;
    Local<Value> factory;
    Local<Value> hooks;
    Local<Value> argv[] = {host};
    if (!v8::Script::Compile(context, Str(isolate_, source, static_cast<int>(len)), &origin)
             .ToLocal(&script) ||
        !script->Run(context).ToLocal(&factory) || !factory->IsFunction() ||
        !factory.As<v8::Function>()->Call(context, v8::Undefined(isolate_), 1, argv)
             .ToLocal(&hooks) ||
        !hooks->IsObject()) {
        *error = "prelude failed: " + Describe(isolate_, try_catch);
        return false;
    }
    if (context->Global()->SetPrivate(context, HooksKey(isolate_), hooks).IsNothing()) {
        *error = "could not store the prelude hooks";
        return false;
    }
    isolate_->PerformMicrotaskCheckpoint();
    tape_.EndTurn();
    return true;
}

kenv8_status Shell::Eval(const char* source, size_t len, const char* label) {
    StartTurn();

    HandleScope handle_scope(isolate_);
    Local<Context> context = context_.Get(isolate_);
    Context::Scope context_scope(context);
    TryCatch try_catch(isolate_);
    tape_.BeginTurn();
    CurrentTapeScope tape_scope(&tape_);

    // Name the script for stack traces the way Node's REPL does ("REPL3").
    // The sourceURL comment goes on its own line so a trailing // comment in
    // the input cannot swallow it.
    std::string text(source, len);
    text += "\n//# sourceURL=";
    text += label;
    Local<String> code;
    if (!String::NewFromUtf8(isolate_, text.data(), v8::NewStringType::kNormal,
                             static_cast<int>(text.size()))
             .ToLocal(&code)) {
        last_error_ = "input too large";
        return KENV8_FAILED;
    }

    MarkRunning();
    kenv8_status status = KENV8_OK;
    MaybeLocal<Value> maybe_result = v8::debug::EvaluateGlobal(
        isolate_, code, v8::debug::EvaluateGlobalMode::kDefault, /*repl_mode=*/true);
    Local<Value> result;
    if (try_catch.HasTerminated() || isolate_->IsExecutionTerminating()) {
        status = KENV8_TERMINATED;
    } else if (!maybe_result.ToLocal(&result)) {
        Local<Value> exception = try_catch.Exception();
        Local<v8::Message> message = try_catch.Message();
        bool compile_error = exception->IsNativeError() && !message.IsEmpty() &&
                             (message->GetStackTrace().IsEmpty() ||
                              message->GetStackTrace()->GetFrameCount() == 0);
        v8::String::Utf8Value what(isolate_, exception);
        std::string what_text = *what != nullptr ? *what : "";
        bool open_comment = false;
        if (compile_error && what_text.find("Invalid or unexpected token") != std::string::npos) {
            // An unterminated /* comment: V8 reports it at the comment's start.
            Local<String> line;
            if (message->GetSourceLine(context).ToLocal(&line)) {
                v8::String::Utf8Value line_text(isolate_, line);
                std::string rest = *line_text != nullptr ? *line_text : "";
                size_t column = static_cast<size_t>(message->GetStartColumn());
                size_t line_start = text.rfind(rest);
                open_comment = column < rest.size() && rest.compare(column, 2, "/*") == 0 &&
                               line_start != std::string::npos &&
                               text.find("*/", line_start + column + 2) == std::string::npos;
            }
        }
        if (compile_error && what_text.rfind("SyntaxError", 0) == 0 &&
            (IsIncompleteInput(what_text) || open_comment)) {
            EndTurn();
            tape_.EndTurn();
            unhandled_.clear();
            return KENV8_INCOMPLETE;  // nothing ran
        }
        try_catch.Reset();
        if (compile_error) {
            status = KENV8_SYNTAX_ERROR;
            Local<Value> line = v8::Undefined(isolate_);
            Local<String> source_line;
            if (message->GetSourceLine(context).ToLocal(&source_line)) line = source_line;
            Local<Value> argv[] = {exception, line,
                                   v8::Integer::New(isolate_, message->GetStartColumn()),
                                   v8::Integer::New(isolate_, message->GetEndColumn())};
            CallHook(context, "syntaxError", 4, argv);
        } else {
            status = KENV8_THREW;
            Local<Value> argv[] = {exception};
            CallHook(context, "uncaught", 1, argv);
        }
    } else {
        // REPL mode returns a promise for the completion value; run the
        // microtasks (which settle it unless it awaits something external),
        // then let the prelude print the outcome.
        isolate_->PerformMicrotaskCheckpoint();
        if (!isolate_->IsExecutionTerminating()) {
            Local<Value> outcome;
            Local<Value> argv[] = {result};
            if (CallHook(context, "finishTurn", 1, argv).ToLocal(&outcome) && outcome->IsInt32() &&
                outcome.As<v8::Int32>()->Value() == 1) {
                status = KENV8_THREW;
            }
            isolate_->PerformMicrotaskCheckpoint();
        }
    }

    return FinishTurn(context, try_catch, status, result);
}

kenv8_status Shell::FinishTurn(Local<Context> context, TryCatch& try_catch, kenv8_status status,
                               Local<Value> turn_promise) {
    if (!try_catch.HasTerminated() && !isolate_->IsExecutionTerminating()) {
        ReportUnhandledRejections(context, turn_promise);
    }
    unhandled_.clear();
    if (try_catch.HasTerminated() || isolate_->IsExecutionTerminating()) {
        status = out_of_memory_ ? KENV8_FAILED : KENV8_TERMINATED;
        if (out_of_memory_) last_error_ = "JavaScript heap out of memory";
        isolate_->CancelTerminateExecution();
    } else if (status == KENV8_OK && try_catch.HasCaught()) {
        // Only a prelude bug lands here; say so rather than hide it.
        last_error_ = "internal error while finishing the turn: " + Describe(isolate_, try_catch);
        std::string line = "kenshell: " + last_error_ + "\n";
        AppendOutput(KENV8_STDERR, line.data(), line.size());
    }
    EndTurn();

    // Foreground tasks V8 posted during the turn (GC finalization and the
    // like) run now, between turns, not at some later moment.
    while (v8::platform::PumpMessageLoop(GetInnerPlatform(), isolate_,
                                         v8::platform::MessageLoopBehavior::kDoNotWait)) {
    }
    tape_.EndTurn();
    return status;
}

void Shell::OnOutOfMemory(const char* location, bool is_heap_oom) {
    dprintf(2,
            "kenshell: fatal: JavaScript %s out of memory (%s). The running input was not "
            "committed; restart kenshell to continue from the last committed turn.\n",
            is_heap_oom ? "heap" : "process", location != nullptr ? location : "?");
    _exit(70);
}

void Shell::OnPromiseReject(v8::PromiseRejectMessage message) {
    v8::Local<v8::Promise> promise = message.GetPromise();
    Shell* shell = From(promise->GetIsolate());
    switch (message.GetEvent()) {
        case v8::kPromiseRejectWithNoHandler:
            shell->unhandled_.emplace_back(promise->GetIsolate(), promise);
            break;
        case v8::kPromiseHandlerAddedAfterReject:
            for (auto& held : shell->unhandled_) {
                if (held == promise) held.Reset();
            }
            break;
        default:
            break;
    }
}

void Shell::ReportUnhandledRejections(Local<Context> context, Local<Value> turn_promise) {
    // A rejection still unhandled when the turn is over is reported, once.
    // The turn's own completion promise is not: its rejection is the turn's
    // "Uncaught" error, already printed.
    for (size_t i = 0; i < unhandled_.size(); ++i) {
        if (unhandled_[i].IsEmpty()) continue;
        Local<v8::Promise> promise = unhandled_[i].Get(isolate_);
        if (!turn_promise.IsEmpty() && promise == turn_promise) continue;
        if (promise->HasHandler() || promise->State() != v8::Promise::kRejected) continue;
        Local<Value> argv[] = {promise->Result()};
        CallHook(context, "unhandledRejection", 1, argv);
        isolate_->PerformMicrotaskCheckpoint();
    }
}

namespace {
struct TextArg {
    const char* data;
    size_t len;
};
Local<Value> NumberArg(Isolate* isolate, const void* arg) {
    return v8::Number::New(isolate, *static_cast<const double*>(arg));
}
Local<Value> StringArg(Isolate* isolate, const void* arg) {
    auto* text = static_cast<const TextArg*>(arg);
    Local<String> value;
    if (!String::NewFromUtf8(isolate, text->data, v8::NewStringType::kNormal,
                             static_cast<int>(text->len))
             .ToLocal(&value)) {
        return v8::String::Empty(isolate);
    }
    return value;
}
}  // namespace

kenv8_status Shell::HookTurn(const char* name, double arg, double* result) {
    return RunHookTurn(name, NumberArg, &arg, result);
}

kenv8_status Shell::HookTurnText(const char* name, const char* text, size_t len, double* result) {
    TextArg arg{text, len};
    return RunHookTurn(name, StringArg, &arg, result);
}

const std::string& Shell::QueryText(const char* name, const char* arg, size_t len) {
    query_answer_.clear();
    HandleScope handle_scope(isolate_);
    Local<Context> context = context_.Get(isolate_);
    Context::Scope context_scope(context);
    TryCatch try_catch(isolate_);
    Local<Value> value;
    TextArg text{arg, len};
    Local<Value> argv[] = {StringArg(isolate_, &text)};
    if (!CallHook(context, name, 1, argv).ToLocal(&value) || !value->IsString()) {
        return query_answer_;
    }
    v8::String::Utf8Value utf8(isolate_, value);
    if (*utf8 != nullptr) query_answer_.assign(*utf8, static_cast<size_t>(utf8.length()));
    return query_answer_;
}

kenv8_status Shell::RunHookTurn(const char* name, Local<Value> (*make_arg)(Isolate*, const void*),
                                const void* raw_arg, double* result) {
    StartTurn();
    *result = std::numeric_limits<double>::quiet_NaN();

    HandleScope handle_scope(isolate_);
    Local<Context> context = context_.Get(isolate_);
    Context::Scope context_scope(context);
    TryCatch try_catch(isolate_);
    tape_.BeginTurn();
    CurrentTapeScope tape_scope(&tape_);
    MarkRunning();
    kenv8_status status = KENV8_OK;
    Local<Value> value;
    Local<Value> argv[] = {make_arg(isolate_, raw_arg)};
    if (!CallHook(context, name, 1, argv).ToLocal(&value)) {
        if (!try_catch.HasCaught()) {
            last_error_ = std::string("the runtime has no hook '") + name + "'";
            status = KENV8_FAILED;
        } else if (!try_catch.HasTerminated() && !isolate_->IsExecutionTerminating()) {
            // A callback that throws ends its turn like an input that throws.
            Local<Value> exception = try_catch.Exception();
            try_catch.Reset();
            Local<Value> uncaught_argv[] = {exception};
            CallHook(context, "uncaught", 1, uncaught_argv);
            status = KENV8_THREW;
        }
    } else {
        *result = value->IsNumber() ? value.As<v8::Number>()->Value()
                                    : std::numeric_limits<double>::quiet_NaN();
    }
    if (!isolate_->IsExecutionTerminating()) isolate_->PerformMicrotaskCheckpoint();
    return FinishTurn(context, try_catch, status, Local<Value>());
}

double Shell::Query(const char* name) {
    HandleScope handle_scope(isolate_);
    Local<Context> context = context_.Get(isolate_);
    Context::Scope context_scope(context);
    TryCatch try_catch(isolate_);
    Local<Value> value;
    if (!CallHook(context, name, 0, nullptr).ToLocal(&value) || !value->IsNumber()) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    return value.As<v8::Number>()->Value();
}

bool Shell::Interrupt() {
    std::lock_guard<std::mutex> lock(running_mutex_);
    if (!running_) return false;
    isolate_->TerminateExecution();
    return true;
}

void Shell::EndTurn() {
    {
        std::lock_guard<std::mutex> lock(running_mutex_);
        running_ = false;
    }
    // An interrupt that raced with the end of the turn (requested after the
    // last JavaScript ran) must not fire in the next turn: clear it. No
    // further request can arrive once running_ is false.
    isolate_->CancelTerminateExecution();
}

void Shell::HeapStats(uint64_t* used, uint64_t* total) {
    v8::HeapStatistics stats;
    isolate_->GetHeapStatistics(&stats);
    if (used != nullptr) *used = stats.used_heap_size();
    if (total != nullptr) *total = stats.total_heap_size();
}

}  // namespace kenv8
