// One kenshell heap: an isolate owned by a SnapshotCreator, one context, and
// the turn runner. Written in the manner of V8's samples/hello-world.cc:
// every entry into V8 opens its HandleScope and Context::Scope explicitly.
#include "shell.h"

#include <libplatform/libplatform.h>

#include <unistd.h>

#include <algorithm>
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
    // import() asks the runtime's ES module loader. The callback belongs to
    // the isolate, not to the heap, so it is set again for every process,
    // fresh or restored: import() works the same after a restore and in a
    // replay (the loader reads sources through the turn's tape).
    isolate_->SetHostImportModuleDynamicallyCallback(OnDynamicImport);
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

kenv8_status Shell::Eval(const char* source, size_t len, const char* label, int flags) {
    const bool program = (flags & KENV8_EVAL_PROGRAM) != 0;
    const bool whole = program || (flags & KENV8_EVAL_WHOLE) != 0;
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
    Local<Value> exception;
    Local<v8::Message> message;
    bool compile_error = false;
    if (!try_catch.HasTerminated() && !isolate_->IsExecutionTerminating() &&
        !maybe_result.ToLocal(&result)) {
        exception = try_catch.Exception();
        message = try_catch.Message();
        compile_error = IsCompileError(exception, message);
        if (compile_error) {
            // REPL mode treats `await` as a keyword at the top level; a
            // classic script does not. Input that only a classic script
            // accepts (`var await = 1`, a bare `await`, which Node then
            // reports as a ReferenceError) runs as one: it has no top-level
            // await, so REPL mode has nothing to add.
            TryCatch classic_catch(isolate_);
            MaybeLocal<Value> classic = v8::debug::EvaluateGlobal(
                isolate_, code, v8::debug::EvaluateGlobalMode::kDefault, /*repl_mode=*/false);
            Local<Value> value;
            if (classic.ToLocal(&value)) {
                result = CompletionPromise(context, value);
                compile_error = false;
                try_catch.Reset();
            } else if (classic_catch.HasTerminated() || isolate_->IsExecutionTerminating()) {
                // Stopped (Ctrl-C): the check below sees the termination.
            } else if (!IsCompileError(classic_catch.Exception(), classic_catch.Message())) {
                exception = classic_catch.Exception();
                message = classic_catch.Message();
                compile_error = false;
            }
        }
    }
    if (try_catch.HasTerminated() || isolate_->IsExecutionTerminating()) {
        status = KENV8_TERMINATED;
    } else if (result.IsEmpty()) {
        if (compile_error && !whole && IsIncomplete(context, text, len, exception, message)) {
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
            int start_column = message->GetStartColumn();
            int end_column = message->GetEndColumn();
            // An error at the very end of a whole input (--eval "1+") is
            // placed on the sourceURL line appended above; show the end of
            // the input's own last line instead, as `node -e` does.
            size_t input_lines = static_cast<size_t>(std::count(source, source + len, '\n')) + 1;
            if (message->GetLineNumber(context).FromMaybe(0) > static_cast<int>(input_lines)) {
                const char* last = source + len;
                while (last > source && last[-1] != '\n') last--;
                Local<String> tail = Str(isolate_, last, static_cast<int>(source + len - last));
                line = tail;
                start_column = end_column = tail->Length();  // UTF-16 units, as V8's columns
            }
            Local<Value> argv[] = {exception, line, v8::Integer::New(isolate_, start_column),
                                   v8::Integer::New(isolate_, end_column),
                                   v8::Boolean::New(isolate_, program)};
            CallHook(context, "syntaxError", 5, argv);
        } else {
            status = KENV8_THREW;
            Local<Value> argv[] = {exception, program ? ProgramErrorHeader(context, exception, message)
                                                      : v8::False(isolate_).As<Value>()};
            CallHook(context, "uncaught", 2, argv);
        }
    } else {
        // REPL mode returns a promise for the completion value. As in Node,
        // the result is printed as soon as the input's own code is done,
        // before the microtasks it queued run (their output comes after
        // it); an input that awaits settles its promise in the microtasks.
        bool settled = result->IsPromise() &&
                       result.As<v8::Promise>()->State() != v8::Promise::kPending;
        if (!settled || program) isolate_->PerformMicrotaskCheckpoint();
        Local<Value> argv[] = {result, v8::False(isolate_)};
        if (program) {
            // A program prints no result; its uncaught error goes to stderr
            // under the line that threw, as `node FILE.js` shows it.
            argv[1] = String::Empty(isolate_);
            if (result->IsPromise() && result.As<v8::Promise>()->State() == v8::Promise::kRejected) {
                Local<Value> error = result.As<v8::Promise>()->Result();
                argv[1] = ProgramErrorHeader(context, error, v8::Exception::CreateMessage(isolate_, error));
            }
        }
        if (!isolate_->IsExecutionTerminating()) {
            Local<Value> outcome;
            if (CallHook(context, "finishTurn", 2, argv).ToLocal(&outcome) && outcome->IsInt32() &&
                outcome.As<v8::Int32>()->Value() == 1) {
                status = KENV8_THREW;
            }
            isolate_->PerformMicrotaskCheckpoint();
        }
    }

    return FinishTurn(context, try_catch, status, result);
}

Local<Value> Shell::ProgramErrorHeader(Local<Context> context, Local<Value> /*error*/,
                                       Local<v8::Message> message) {
    // "FILE:LINE", the line, a caret under where it threw, a blank line.
    std::string header;
    Local<String> line;
    if (!message.IsEmpty() && message->GetLineNumber(context).FromMaybe(0) > 0 &&
        message->GetScriptResourceName()->IsString() && message->GetSourceLine(context).ToLocal(&line)) {
        v8::String::Utf8Value name(isolate_, message->GetScriptResourceName());
        v8::String::Utf8Value line_text(isolate_, line);
        header += *name != nullptr ? *name : "";
        header += ":" + std::to_string(message->GetLineNumber(context).FromMaybe(0)) + "\n";
        header += *line_text != nullptr ? *line_text : "";
        // The error's location is where it was made; Node points at the
        // throw: `throw new Error(...)` gets its caret under `throw`.
        std::string shown = *line_text != nullptr ? *line_text : "";
        size_t column = static_cast<size_t>(std::max(0, message->GetStartColumn()));
        size_t keyword = column <= shown.size() ? shown.rfind("throw", column) : std::string::npos;
        if (keyword != std::string::npos &&
            shown.find_first_not_of(" \t", keyword + 5) == column) {
            column = keyword;
        }
        header += "\n" + std::string(column, ' ');
        header += "^\n\n";
    }
    return Str(isolate_, header.c_str(), static_cast<int>(header.size()));
}

bool Shell::IsCompileError(Local<Value> exception, Local<v8::Message> message) {
    // A compile error has no frames; a SyntaxError thrown by running code
    // (eval, new Function, JSON.parse) has.
    if (exception.IsEmpty() || !exception->IsNativeError() || message.IsEmpty()) return false;
    if (!message->GetStackTrace().IsEmpty() && message->GetStackTrace()->GetFrameCount() > 0) {
        return false;
    }
    v8::String::Utf8Value what(isolate_, exception);
    return *what != nullptr && std::string(*what).rfind("SyntaxError", 0) == 0;
}

Local<Value> Shell::CompletionPromise(Local<Context> context, Local<Value> value) {
    // The shape REPL mode resolves its promise with, so that the rest of
    // the turn treats a classic script's completion value the same way.
    Local<Object> completion = Object::New(isolate_);
    Local<v8::Promise::Resolver> resolver;
    if (completion->Set(context, Str(isolate_, ".repl_result"), value).IsNothing() ||
        !v8::Promise::Resolver::New(context).ToLocal(&resolver) ||
        resolver->Resolve(context, completion).IsNothing()) {
        return Local<Value>();
    }
    return resolver->GetPromise();
}

namespace {

// V8 positions count UTF-16 code units; the input is UTF-8.
int Utf16Length(const char* s, size_t len) {
    int units = 0;
    for (size_t i = 0; i < len; ++i) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if ((c & 0xC0) != 0x80) units += c >= 0xF0 ? 2 : 1;
    }
    return units;
}

size_t TrimmedLength(const std::string& s, size_t len) {
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n' ||
                       s[len - 1] == '\r' || s[len - 1] == '\f' || s[len - 1] == '\v')) {
        --len;
    }
    return len;
}

}  // namespace

bool Shell::IsIncomplete(Local<Context> context, const std::string& text, size_t len,
                         Local<Value> exception, Local<v8::Message> message) {
    // Node's REPL asks for another line when the parser stopped because the
    // input ran out (its rule, lib/internal/repl/utils.js: the error is
    // raised once the end of input was reached, or the input ends inside a
    // template, a comment, or a string continued with a backslash). V8
    // tells where it stopped: a syntax error at or past the end of what
    // was typed (trailing blanks aside) means "needs more lines"; one
    // anywhere before it is a real error, reported at once.
    size_t trimmed = TrimmedLength(text, len);
    if (trimmed == 0) return false;
    int end = Utf16Length(text.data(), trimmed);
    if (message->GetStartPosition() >= end) return true;

    v8::String::Utf8Value what(isolate_, exception);
    std::string what_text = *what != nullptr ? *what : "";
    // These are reported at the last token read, not at the one that did
    // not fit: when that last token ends the input, the input simply stops
    // inside the call (or before its `catch`).
    static const char* const kAtLastToken[] = {"missing ) after argument list",
                                              "Missing catch or finally after try"};
    for (const char* at_last : kAtLastToken) {
        if (what_text.find(at_last) != std::string::npos && message->GetEndPosition() >= end) {
            return true;
        }
    }
    if (what_text.find("Unterminated template literal") != std::string::npos) return true;

    // An unterminated /* comment or string is reported at its start.
    Local<String> line;
    if (what_text.find("Invalid or unexpected token") != std::string::npos &&
        message->GetSourceLine(context).ToLocal(&line)) {
        v8::String::Utf8Value line_text(isolate_, line);
        std::string rest = *line_text != nullptr ? *line_text : "";
        size_t column = static_cast<size_t>(message->GetStartColumn());
        // Columns count UTF-16 units too; map back to bytes of the line.
        size_t byte = 0;
        for (size_t units = 0; byte < rest.size() && units < column; ++byte) {
            unsigned char c = static_cast<unsigned char>(rest[byte]);
            if ((c & 0xC0) != 0x80) units += c >= 0xF0 ? 2 : 1;
        }
        size_t line_start = text.rfind(rest, trimmed);
        if (byte < rest.size() && line_start != std::string::npos) {
            size_t at = line_start + byte;
            if (rest.compare(byte, 2, "/*") == 0 && text.find("*/", at + 2) >= trimmed) return true;
            // A string whose line ends with a backslash continues on the next line.
            if ((rest[byte] == '\'' || rest[byte] == '"') && text[trimmed - 1] == '\\') return true;
        }
    }

    // Input that starts with `{` may be an object literal still being
    // typed (`{` then `"a": 1`): Node also tries it as `(` + input.
    size_t first = text.find_first_not_of(" \t\r\n\f\v");
    if (first < trimmed && text[first] == '{') {
        static const char kPrefix[] = "(async () => {(";
        std::string probe = kPrefix + text.substr(0, trimmed);
        TryCatch probe_catch(isolate_);
        Local<String> probe_code;
        if (String::NewFromUtf8(isolate_, probe.data(), v8::NewStringType::kNormal,
                                static_cast<int>(probe.size()))
                .ToLocal(&probe_code)) {
            // Compiled only, never run: it always lacks its closing brackets.
            v8::ScriptOrigin origin(isolate_, Str(isolate_, "kenshell:probe"));
            if (v8::Script::Compile(context, probe_code, &origin).IsEmpty() &&
                probe_catch.HasCaught() && !probe_catch.Message().IsEmpty() &&
                probe_catch.Message()->GetStartPosition() >=
                    Utf16Length(probe.data(), probe.size())) {
                return true;
            }
        }
    }
    return false;
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

v8::MaybeLocal<v8::Promise> Shell::OnDynamicImport(Local<Context> context, Local<v8::Data> /*host_defined_options*/,
                                                   Local<Value> resource_name, Local<String> specifier,
                                                   Local<v8::FixedArray> import_assertions) {
    Isolate* isolate = context->GetIsolate();
    Shell* shell = From(isolate);
    v8::EscapableHandleScope scope(isolate);
    Local<v8::Promise::Resolver> resolver;
    if (!v8::Promise::Resolver::New(context).ToLocal(&resolver)) return v8::MaybeLocal<v8::Promise>();
    // import(x, { assert: { type: 'json' } }): key, value, key, value...
    Local<v8::Array> assertions = v8::Array::New(isolate);
    if (!import_assertions.IsEmpty()) {
        for (int i = 0; i < import_assertions->Length(); i++) {
            Local<v8::Data> item = import_assertions->Get(context, i);
            if (!item->IsValue() ||
                assertions->Set(context, static_cast<uint32_t>(i), item.As<Value>()).IsNothing()) {
                return v8::MaybeLocal<v8::Promise>();
            }
        }
    }
    Local<Value> argv[] = {specifier, resource_name.IsEmpty() ? v8::Undefined(isolate).As<Value>() : resource_name,
                           assertions};
    Local<Value> result;
    {
        v8::TryCatch try_catch(isolate);
        if (!shell->CallHook(context, "dynamicImport", 3, argv).ToLocal(&result)) {
            if (try_catch.HasTerminated() || isolate->IsExecutionTerminating()) {
                try_catch.ReThrow();
                return v8::MaybeLocal<v8::Promise>();
            }
            // A store whose runtime predates ES modules has no such hook.
            Local<Value> error = try_catch.HasCaught()
                                     ? try_catch.Exception()
                                     : v8::Exception::Error(Str(isolate, "Not supported: this store's runtime "
                                                                         "predates import() (create a new store)"));
            if (resolver->Reject(context, error).IsNothing()) return v8::MaybeLocal<v8::Promise>();
            return scope.Escape(resolver->GetPromise());
        }
    }
    // The loader's own promise is import()'s result as it is: resolving
    // another promise with it would look up its `then`, which user code
    // may have replaced.
    if (result->IsPromise()) return scope.Escape(result.As<v8::Promise>());
    if (resolver->Resolve(context, result).IsNothing()) return v8::MaybeLocal<v8::Promise>();
    return scope.Escape(resolver->GetPromise());
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
