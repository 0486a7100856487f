// Host functions: the only native code JavaScript can call.
//
// Each callback's address is serialized into checkpoints as its index in
// ExternalReferences(). That table is APPEND-ONLY: reordering or removing an
// entry makes every existing store unloadable (or, worse, calls the wrong
// function). Add new functions at the end and bump nothing else.
#include "host_functions.h"

#include <fcntl.h>
#include <sys/random.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>
#include <v8.h>

#include <climits>

#include <cstdlib>
#include <cerrno>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>
#include <memory>
#include <string>
#include <vector>

#include "engine_tuning.h"
#include "platform.h"
#include "shell.h"
#include "tape.h"

namespace kenv8 {
namespace {

using v8::FunctionCallbackInfo;
using v8::Local;
using v8::Value;

// print(stream, text): appends to the turn's output buffer. The host
// releases the buffer only once the turn is durable (output commit, G3).
void HostPrint(const FunctionCallbackInfo<Value>& args) {
    v8::Isolate* isolate = args.GetIsolate();
    Shell* shell = Shell::From(isolate);
    int stream = args[0]->Int32Value(isolate->GetCurrentContext()).FromMaybe(KENV8_STDOUT);
    v8::String::Utf8Value text(isolate, args[1]);
    shell->AppendOutput(stream == KENV8_STDERR ? KENV8_STDERR : KENV8_STDOUT,
                        *text != nullptr ? *text : "", *text != nullptr ? text.length() : 0);
}

// proxyTarget(v): the target of a Proxy, or undefined. Lets the formatter
// show a proxy without running any of its traps.
void HostProxyTarget(const FunctionCallbackInfo<Value>& args) {
    if (args[0]->IsProxy()) args.GetReturnValue().Set(args[0].As<v8::Proxy>()->GetTarget());
}

// promiseState(p): [0 pending | 1 fulfilled | 2 rejected, result].
void HostPromiseState(const FunctionCallbackInfo<Value>& args) {
    v8::Isolate* isolate = args.GetIsolate();
    if (!args[0]->IsPromise()) return;
    Local<v8::Promise> promise = args[0].As<v8::Promise>();
    int state = 0;
    Local<Value> result = v8::Undefined(isolate);
    switch (promise->State()) {
        case v8::Promise::kPending: state = 0; break;
        case v8::Promise::kFulfilled: state = 1; result = promise->Result(); break;
        case v8::Promise::kRejected: state = 2; result = promise->Result(); break;
    }
    Local<Value> items[] = {v8::Integer::New(isolate, state), result};
    args.GetReturnValue().Set(v8::Array::New(isolate, items, 2));
}

// previewEntries(obj): [entries, isKeyValue] for Map/Set iterators and
// WeakMap/WeakSet, read without running user code.
void HostPreviewEntries(const FunctionCallbackInfo<Value>& args) {
    v8::Isolate* isolate = args.GetIsolate();
    if (!args[0]->IsObject()) return;
    bool is_key_value = false;
    Local<v8::Array> entries;
    if (!args[0].As<v8::Object>()->PreviewEntries(&is_key_value).ToLocal(&entries)) return;
    Local<Value> items[] = {entries, v8::Boolean::New(isolate, is_key_value)};
    args.GetReturnValue().Set(v8::Array::New(isolate, items, 2));
}

// randomSeed(): 32 random bits from the OS, as a number. Seeds the prelude's
// in-heap PRNG (V8 re-seeds its own Math.random on every restore).
void HostRandomSeed(const FunctionCallbackInfo<Value>& args) {
    uint32_t bits = 0;
    if (getrandom(&bits, sizeof bits, 0) != static_cast<ssize_t>(sizeof bits)) {
        bits = static_cast<uint32_t>(GetPlatform()->CurrentClockTimeMillis());
    }
    double value = static_cast<double>(bits);
    if (Tape* tape = Tape::Current()) value = tape->Take(TapeKind::kRandom, value);
    args.GetReturnValue().Set(value);
}

// monotonicNow(): milliseconds from an arbitrary origin, for performance.now.
void HostMonotonicNow(const FunctionCallbackInfo<Value>& args) {
    double value = GetPlatform()->MonotonicallyIncreasingTime() * 1000.0;
    if (Tape* tape = Tape::Current()) value = tape->Take(TapeKind::kMonotonic, value);
    args.GetReturnValue().Set(value);
}

// typeTag(v): V8's own idea of what v is, as a short string, for the
// formatter ('' for ordinary values). Never runs user code.
void HostTypeTag(const FunctionCallbackInfo<Value>& args) {
    Local<Value> v = args[0];
    const char* tag = "";
    if (v->IsProxy()) tag = "proxy";
    else if (v->IsPromise()) tag = "promise";
    else if (v->IsMap()) tag = "map";
    else if (v->IsSet()) tag = "set";
    else if (v->IsWeakMap()) tag = "weakmap";
    else if (v->IsWeakSet()) tag = "weakset";
    else if (v->IsMapIterator()) tag = "mapiterator";
    else if (v->IsSetIterator()) tag = "setiterator";
    else if (v->IsDate()) tag = "date";
    else if (v->IsRegExp()) tag = "regexp";
    else if (v->IsNativeError()) tag = "error";
    else if (v->IsArrayBuffer()) tag = "arraybuffer";
    else if (v->IsSharedArrayBuffer()) tag = "sharedarraybuffer";
    else if (v->IsDataView()) tag = "dataview";
    else if (v->IsTypedArray()) tag = "typedarray";
    else if (v->IsGeneratorObject()) tag = "generator";
    else if (v->IsAsyncFunction()) tag = v->IsGeneratorFunction() ? "asyncgeneratorfunction" : "asyncfunction";
    else if (v->IsGeneratorFunction()) tag = "generatorfunction";
    else if (v->IsArgumentsObject()) tag = "arguments";
    else if (v->IsNumberObject()) tag = "Number";
    else if (v->IsStringObject()) tag = "String";
    else if (v->IsBooleanObject()) tag = "Boolean";
    else if (v->IsBigIntObject()) tag = "BigInt";
    else if (v->IsSymbolObject()) tag = "Symbol";
    else if (v->IsModuleNamespaceObject()) tag = "module";
    else if (v->IsExternal()) tag = "external";
    args.GetReturnValue().Set(
        v8::String::NewFromUtf8(args.GetIsolate(), tag).ToLocalChecked());
}

// constructorName(obj): V8's Object::GetConstructorName, which Node's
// formatter uses for objects whose prototype chain no longer names their
// class (`[Point: null prototype]`). Runs no user code.
void HostConstructorName(const FunctionCallbackInfo<Value>& args) {
    if (!args[0]->IsObject()) return;
    args.GetReturnValue().Set(args[0].As<v8::Object>()->GetConstructorName());
}

// hostOption(name): a per-process setting of the host (colors, columns).
void HostOption(const FunctionCallbackInfo<Value>& args) {
    v8::Isolate* isolate = args.GetIsolate();
    v8::String::Utf8Value name(isolate, args[0]);
    args.GetReturnValue().Set(Shell::From(isolate)->Option(*name != nullptr ? *name : ""));
}

// proxyHandler(p): the handler of a Proxy, or undefined (formatting only).
void HostProxyHandler(const FunctionCallbackInfo<Value>& args) {
    if (args[0]->IsProxy()) args.GetReturnValue().Set(args[0].As<v8::Proxy>()->GetHandler());
}

// ownNonIndexKeys(obj, includeNonEnumerable): own string and symbol keys
// that are not array indices, without creating a string per index (a
// 1e7-element array would otherwise take seconds to format).
void HostOwnNonIndexKeys(const FunctionCallbackInfo<Value>& args) {
    if (!args[0]->IsObject() || args[0]->IsProxy()) return;
    v8::Isolate* isolate = args.GetIsolate();
    v8::PropertyFilter filter = args[1]->BooleanValue(isolate) ? v8::ALL_PROPERTIES
                                                               : v8::ONLY_ENUMERABLE;
    Local<v8::Array> keys;
    if (args[0].As<v8::Object>()
            ->GetPropertyNames(isolate->GetCurrentContext(), v8::KeyCollectionMode::kOwnOnly,
                               filter, v8::IndexFilter::kSkipIndices,
                               v8::KeyConversionMode::kNoNumbers)
            .ToLocal(&keys)) {
        args.GetReturnValue().Set(keys);
    }
}

// ------------------------------------------------------------ Structured clone
//
// serialize(value) / deserialize(bytes): the structured-clone copy that
// messages between shells travel as (v8::ValueSerializer's wire format,
// header included). No transfer list: ArrayBuffers are always copied.

// The error a failed clone throws. Browsers and Node's structuredClone throw
// a DOMException named 'DataCloneError' (code 25); a bare V8 context has no
// DOMException, so this is an Error with the same name, message and code.
// name and code are own non-enumerable properties, so that String(e) and
// e.stack read "DataCloneError: <message>" (V8 formats the stack lazily,
// on first access, with the name the error has then).
Local<Value> NewDataCloneError(v8::Isolate* isolate, Local<v8::String> message) {
    Local<v8::Context> context = isolate->GetCurrentContext();
    Local<Value> error = v8::Exception::Error(message);
    if (error->IsObject()) {
        Local<v8::Object> object = error.As<v8::Object>();
        auto name = v8::String::NewFromUtf8Literal(isolate, "name");
        auto code = v8::String::NewFromUtf8Literal(isolate, "code");
        // These fail only with an exception already pending (termination),
        // and then the error is never seen.
        object->DefineOwnProperty(context, name,
                                  v8::String::NewFromUtf8Literal(isolate, "DataCloneError"),
                                  v8::DontEnum)
            .FromMaybe(false);
        object->DefineOwnProperty(context, code, v8::Integer::New(isolate, 25), v8::DontEnum)
            .FromMaybe(false);
    }
    return error;
}

void ThrowUncloneable(v8::Isolate* isolate, Local<v8::Object> object) {
    // The same text V8 uses for an uncloneable object: "#<Name> could not be
    // cloned." (GetConstructorName runs no user code).
    v8::String::Utf8Value name(isolate, object->GetConstructorName());
    std::string text = std::string("#<") + (*name != nullptr ? *name : "Object") +
                       "> could not be cloned.";
    Local<v8::String> message;
    if (!v8::String::NewFromUtf8(isolate, text.data(), v8::NewStringType::kNormal,
                                 static_cast<int>(text.size()))
             .ToLocal(&message)) {
        message = v8::String::NewFromUtf8Literal(isolate, "The object could not be cloned.");
    }
    isolate->ThrowException(NewDataCloneError(isolate, message));
}

class CloneSerializerDelegate final : public v8::ValueSerializer::Delegate {
public:
    explicit CloneSerializerDelegate(v8::Isolate* isolate) : isolate_(isolate) {}

    // Functions, symbols, WeakMaps, proxies, promises...: V8 formats the
    // message ("function foo() {} could not be cloned.").
    void ThrowDataCloneError(Local<v8::String> message) override {
        isolate_->ThrowException(NewDataCloneError(isolate_, message));
    }
    // Objects made from API templates with internal fields. The shell makes
    // none, but the default would throw a plain Error.
    v8::Maybe<bool> WriteHostObject(v8::Isolate* isolate, Local<v8::Object> object) override {
        ThrowUncloneable(isolate, object);
        return v8::Nothing<bool>();
    }
    // Memory shared between isolates cannot travel between processes.
    v8::Maybe<uint32_t> GetSharedArrayBufferId(v8::Isolate* isolate,
                                               Local<v8::SharedArrayBuffer> buffer) override {
        ThrowUncloneable(isolate, buffer);
        return v8::Nothing<uint32_t>();
    }
    v8::Maybe<uint32_t> GetWasmModuleTransferId(v8::Isolate* isolate,
                                                Local<v8::WasmModuleObject> module) override {
        ThrowUncloneable(isolate, module);
        return v8::Nothing<uint32_t>();
    }
    // Spelled out (they are V8's defaults) because serialize() hands the
    // released buffer to an ArrayBuffer whose deleter calls free().
    void* ReallocateBufferMemory(void* old_buffer, size_t size, size_t* actual_size) override {
        void* result = std::realloc(old_buffer, size);
        *actual_size = result != nullptr ? size : 0;
        return result;
    }
    void FreeBufferMemory(void* buffer) override { std::free(buffer); }

private:
    v8::Isolate* isolate_;
};

void FreeSerializedBytes(void* data, size_t /*length*/, void* /*deleter_data*/) {
    std::free(data);
}

// Reads one value from ValueSerializer bytes, or throws. Malformed bytes
// throw V8's Error ("Unable to deserialize cloned data.", or "... due to
// invalid or unsupported version."), too deep a nesting V8's RangeError
// (stack overflow), an invalid regular expression its SyntaxError.
v8::MaybeLocal<Value> Deserialize(v8::Isolate* isolate, Local<v8::Context> context,
                                  const uint8_t* data, size_t length) {
    static const uint8_t kNothing[1] = {0};
    if (data == nullptr) {
        data = kNothing;
        length = 0;
    }
    // See CloneScanner (host_functions.h): BigInts V8 must not be given.
    if (CloneScanner(data, length).Scan() == CloneScanner::kBadBigInt) {
        isolate->ThrowException(v8::Exception::Error(
            v8::String::NewFromUtf8Literal(isolate, "Unable to deserialize cloned data.")));
        return {};
    }
    // ReadHeader rejects data that does not start with a version tag, and
    // versions older than 13 (the legacy Blink format, left disabled) or
    // newer than this V8's.
    v8::ValueDeserializer deserializer(isolate, data, length);
    bool ok = false;
    if (!deserializer.ReadHeader(context).To(&ok) || !ok) return {};
    return deserializer.ReadValue(context);
}

// serialize(value): an ArrayBuffer holding the ValueSerializer bytes (header
// + value). Throws a DataCloneError for what cannot be cloned, or whatever a
// getter met on the way throws.
//
// It also reads the bytes back once (the result is dropped): V8 writes some
// values it cannot read, and a message that can never be delivered must
// fail in the sending turn, not at every delivery attempt. Known cases in
// V8 10.2: an Error whose cause leads back to the error itself (the reader
// registers an error only after its cause), and nesting that the reader's
// deeper C++ frames cannot take (plain objects: ~3,300 levels serialize,
// ~2,100 read back). Both become a DataCloneError whose message ends with
// the reader's. Costs about one more deserialization per call.
void HostSerialize(const FunctionCallbackInfo<Value>& args) {
    v8::Isolate* isolate = args.GetIsolate();
    Local<v8::Context> context = isolate->GetCurrentContext();
    std::shared_ptr<v8::BackingStore> store;
    {
        CloneSerializerDelegate delegate(isolate);
        v8::ValueSerializer serializer(isolate, &delegate);
        serializer.WriteHeader();
        bool ok = false;
        if (!serializer.WriteValue(context, args[0]).To(&ok) || !ok) return;  // exception pending
        std::pair<uint8_t*, size_t> bytes = serializer.Release();
        // The buffer becomes the backing store without a copy; the deleter
        // frees it when the last owner (the ArrayBuffer) lets go.
        store = v8::ArrayBuffer::NewBackingStore(bytes.first, bytes.second, FreeSerializedBytes,
                                                 nullptr);
    }

    std::string unreadable;
    {
        v8::HandleScope scope(isolate);
        v8::TryCatch try_catch(isolate);
        if (Deserialize(isolate, context, static_cast<const uint8_t*>(store->Data()),
                        store->ByteLength())
                .IsEmpty()) {
            if (try_catch.HasTerminated() || isolate->IsExecutionTerminating()) {
                try_catch.ReThrow();  // an interrupt: let it go on
                return;
            }
            v8::String::Utf8Value what(isolate, try_catch.Exception());
            unreadable = *what != nullptr ? *what : "unknown error";
        }
    }
    if (!unreadable.empty()) {
        std::string text = "The value could not be cloned: V8 cannot read back what it wrote (" +
                           unreadable + ").";
        Local<v8::String> message;
        if (v8::String::NewFromUtf8(isolate, text.data(), v8::NewStringType::kNormal,
                                    static_cast<int>(text.size()))
                .ToLocal(&message)) {
            isolate->ThrowException(NewDataCloneError(isolate, message));
        }
        return;
    }
    args.GetReturnValue().Set(v8::ArrayBuffer::New(isolate, std::move(store)));
}

// deserialize(bytes): the value serialized in an ArrayBuffer or a view of
// one (typed array, DataView); see Deserialize for what malformed bytes
// throw. Trailing bytes after the value are ignored, as V8 and Node do. The
// bytes are not checksummed here: a flipped byte may well decode to a
// different value.
void HostDeserialize(const FunctionCallbackInfo<Value>& args) {
    v8::Isolate* isolate = args.GetIsolate();
    // Hold the backing store itself: the bytes stay valid whatever happens
    // to the buffer object while V8 reads them.
    std::shared_ptr<v8::BackingStore> store;
    size_t offset = 0;
    size_t length = 0;
    if (args[0]->IsArrayBuffer()) {
        Local<v8::ArrayBuffer> buffer = args[0].As<v8::ArrayBuffer>();
        store = buffer->GetBackingStore();
        length = buffer->ByteLength();
    } else if (args[0]->IsArrayBufferView()) {
        Local<v8::ArrayBufferView> view = args[0].As<v8::ArrayBufferView>();
        store = view->Buffer()->GetBackingStore();
        offset = view->ByteOffset();
        length = view->ByteLength();
    } else {
        isolate->ThrowException(v8::Exception::TypeError(v8::String::NewFromUtf8Literal(
            isolate, "deserialize: expected an ArrayBuffer, a typed array or a DataView")));
        return;
    }
    const uint8_t* data = nullptr;
    if (store && store->Data() != nullptr && offset <= store->ByteLength() &&
        length <= store->ByteLength() - offset) {
        data = static_cast<const uint8_t*>(store->Data()) + offset;
    } else {
        length = 0;  // detached (or empty): nothing to read
    }
    Local<Value> value;
    if (Deserialize(isolate, isolate->GetCurrentContext(), data, length).ToLocal(&value)) {
        args.GetReturnValue().Set(value);
    }
}

// The implementations behind nativeFunction's functions, in a list kept on
// the global object under a private key (invisible to user code, saved with
// the heap). A function's data is its index there, a small integer: with a
// JavaScript closure as a function's data, V8 10.2's context serializer
// crashes in the checkpoint child (SerializeJSTypedArray, reached through
// the closure's context). The runtime makes these functions only while the
// prelude is installed, so the list does not grow afterwards.
Local<v8::Private> NativeImplsKey(v8::Isolate* isolate) {
    return v8::Private::ForApi(isolate, v8::String::NewFromUtf8Literal(isolate, "kenshell:native-impls"));
}

v8::MaybeLocal<v8::Array> NativeImpls(v8::Isolate* isolate, Local<v8::Context> context, bool create) {
    Local<v8::Object> global = context->Global();
    Local<Value> list;
    if (!global->GetPrivate(context, NativeImplsKey(isolate)).ToLocal(&list)) return {};
    if (list->IsArray()) return list.As<v8::Array>();
    if (!create) return {};
    Local<v8::Array> fresh = v8::Array::New(isolate);
    if (global->SetPrivate(context, NativeImplsKey(isolate), fresh).IsNothing()) return {};
    return fresh;
}

// The body of every function made by nativeFunction: calls its JavaScript
// implementation as impl(receiver, newTarget, ...args). Called directly
// (host.nativeShim, which has no index) it throws.
void HostNativeShim(const FunctionCallbackInfo<Value>& args) {
    v8::Isolate* isolate = args.GetIsolate();
    Local<v8::Context> context = isolate->GetCurrentContext();
    Local<v8::Array> impls;
    Local<Value> impl;
    if (args.Data().IsEmpty() || !args.Data()->IsUint32() ||
        !NativeImpls(isolate, context, false).ToLocal(&impls) ||
        !impls->Get(context, args.Data().As<v8::Uint32>()->Value()).ToLocal(&impl) ||
        !impl->IsFunction()) {
        isolate->ThrowException(v8::Exception::TypeError(
            v8::String::NewFromUtf8Literal(isolate, "Illegal invocation")));
        return;
    }
    std::vector<Local<Value>> argv;
    argv.reserve(static_cast<size_t>(args.Length()) + 2);
    argv.push_back(args.This());
    argv.push_back(args.NewTarget());
    for (int i = 0; i < args.Length(); ++i) argv.push_back(args[i]);
    Local<Value> result;
    if (impl.As<v8::Function>()
            ->Call(context, v8::Undefined(isolate), static_cast<int>(argv.size()), argv.data())
            .ToLocal(&result)) {
        args.GetReturnValue().Set(result);
    }
}

// nativeFunction(name, length, impl, constructible): a function that
// behaves as a built-in one does where a JavaScript function cannot: its
// toString is "function name() { [native code] }", it has no prototype
// property unless constructible, and calling a non-constructible one with
// new throws. The runtime's replacements of built-ins (WeakRef,
// FinalizationRegistry, the Intl wrappers) are made of these, so that they
// look like what they replace (test262 checks Function.prototype.toString
// of every built-in). v8::Function::New rather than a FunctionTemplate,
// whose functions stay in the context's instantiation cache. The callback
// is in the external-reference table, so they are saved in checkpoints
// like any object.
void HostNativeFunction(const FunctionCallbackInfo<Value>& args) {
    v8::Isolate* isolate = args.GetIsolate();
    Local<v8::Context> context = isolate->GetCurrentContext();
    if (!args[0]->IsString() || !args[2]->IsFunction()) {
        isolate->ThrowException(v8::Exception::TypeError(v8::String::NewFromUtf8Literal(
            isolate, "nativeFunction(name, length, impl, constructible)")));
        return;
    }
    Local<v8::Array> impls;
    if (!NativeImpls(isolate, context, true).ToLocal(&impls)) return;
    uint32_t index = impls->Length();
    if (impls->CreateDataProperty(context, index, args[2]).IsNothing()) return;
    int length = args[1]->Int32Value(context).FromMaybe(0);
    bool constructible = args[3]->BooleanValue(isolate);
    Local<v8::Function> fn;
    if (!v8::Function::New(context, HostNativeShim, v8::Integer::NewFromUnsigned(isolate, index), length,
                           constructible ? v8::ConstructorBehavior::kAllow : v8::ConstructorBehavior::kThrow)
             .ToLocal(&fn)) {
        return;
    }
    fn->SetName(args[0].As<v8::String>());
    args.GetReturnValue().Set(fn);
}

// ------------------------------------------------------------- Filesystem
//
// fsQuery(op, path): what `require` learns from the filesystem. Every
// answer is an input of the turn: recorded on the tape, handed out again
// from the tape on replay (the disk is not touched then), live when no turn
// records (queries, completion). Ops:
//   'stat'     -> 'file' | 'dir' | ''  (following symlinks; '' = missing or other)
//   'read'     -> the file's text (UTF-8, invalid bytes as U+FFFD) | null
//   'realpath' -> the canonical absolute path | ''
//   'cwd'      -> the process's working directory
// On the tape the query is "op\0path", the answer its bytes ('read':
// "\1" + bytes, or "\0" for null).

// A module file bigger than this is refused rather than recorded: a turn's
// log record holds at most 256 MiB.
constexpr off_t kMaxReadBytes = 64 << 20;

std::string LiveStat(const std::string& path) {
    struct stat st;
    if (path.empty() || path.find('\0') != std::string::npos || ::stat(path.c_str(), &st) != 0) return "";
    if (S_ISREG(st.st_mode)) return "file";
    if (S_ISDIR(st.st_mode)) return "dir";
    return "";
}

// "\1" + contents, "\0" when unreadable, "\2" when too large.
std::string LiveRead(const std::string& path) {
    if (path.empty() || path.find('\0') != std::string::npos) return std::string(1, '\0');
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::string(1, '\0');
    struct stat st;
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return std::string(1, '\0');
    }
    if (st.st_size > kMaxReadBytes) {
        ::close(fd);
        return std::string(1, '\2');
    }
    std::string out(1, '\1');
    char buffer[65536];
    for (;;) {
        ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            ::close(fd);
            return std::string(1, '\0');
        }
        if (n == 0) break;
        out.append(buffer, static_cast<size_t>(n));
        if (out.size() > static_cast<size_t>(kMaxReadBytes) + 1) {
            ::close(fd);
            return std::string(1, '\2');
        }
    }
    ::close(fd);
    return out;
}

std::string LiveRealpath(const std::string& path) {
    if (path.empty() || path.find('\0') != std::string::npos) return "";
    char resolved[PATH_MAX];
    return ::realpath(path.c_str(), resolved) != nullptr ? std::string(resolved) : std::string();
}

std::string LiveCwd() {
    char buffer[PATH_MAX];
    return ::getcwd(buffer, sizeof buffer) != nullptr ? std::string(buffer) : std::string("/");
}

Local<v8::String> Utf8String(v8::Isolate* isolate, const char* data, size_t size) {
    Local<v8::String> text;
    if (size > static_cast<size_t>(v8::String::kMaxLength) ||
        !v8::String::NewFromUtf8(isolate, data, v8::NewStringType::kNormal, static_cast<int>(size))
             .ToLocal(&text)) {
        return v8::String::Empty(isolate);
    }
    return text;
}

void HostFsQuery(const FunctionCallbackInfo<Value>& args) {
    v8::Isolate* isolate = args.GetIsolate();
    v8::String::Utf8Value op_text(isolate, args[0]);
    std::string op = *op_text != nullptr ? std::string(*op_text, op_text.length()) : "";
    std::string path;
    if (op != "cwd") {
        if (!args[1]->IsString()) {
            isolate->ThrowException(v8::Exception::TypeError(
                v8::String::NewFromUtf8Literal(isolate, "fsQuery: the path must be a string")));
            return;
        }
        v8::String::Utf8Value path_text(isolate, args[1]);
        path.assign(*path_text != nullptr ? *path_text : "", path_text.length());
    }
    std::function<std::string()> live;
    if (op == "stat") live = [&] { return LiveStat(path); };
    else if (op == "read") live = [&] { return LiveRead(path); };
    else if (op == "realpath") live = [&] { return LiveRealpath(path); };
    else if (op == "cwd") live = [] { return LiveCwd(); };
    else {
        isolate->ThrowException(v8::Exception::TypeError(v8::String::NewFromUtf8Literal(
            isolate, "fsQuery: unknown operation (stat, read, realpath, cwd)")));
        return;
    }
    std::string query = op;
    query.push_back('\0');
    query += path;
    Tape* tape = Tape::Current();
    std::string answer = tape != nullptr ? tape->TakeBytes(TapeKind::kFilesystem, query, live) : live();
    if (op != "read") {
        args.GetReturnValue().Set(Utf8String(isolate, answer.data(), answer.size()));
        return;
    }
    if (answer.size() == 1 && answer[0] == '\2') {
        isolate->ThrowException(v8::Exception::RangeError(v8::String::NewFromUtf8Literal(
            isolate, "The file is too large to load as a module (over 64 MiB)")));
        return;
    }
    if (answer.empty() || answer[0] != '\1') {
        args.GetReturnValue().SetNull();
        return;
    }
    args.GetReturnValue().Set(Utf8String(isolate, answer.data() + 1, answer.size() - 1));
}

// ---------------------------------------------------- Node's fs and process
//
// fsCall(op, path, arg): what the `fs` module reads (prelude section
// 725-node-fs.js). Every answer is an input of the turn, recorded on the
// tape (kind kNodeFs) and handed out again on replay, whether or not the
// file still exists or has changed. Ops (path: a string, absolute):
//   'readFile'        -> ArrayBuffer of the file's bytes
//   'stat' / 'lstat'  -> JSON of Node's Stats fields (numbers)
//   'readdir'         -> JSON [[name, direntType], ...] (Node's UV_DIRENT_*)
//   'access' (arg: mode bits) -> ''
//   'realpath'        -> the canonical path
// A failure returns [code, -errno, syscall, strerror] ('ENOENT', -2, 'open',
// ...), from which the prelude builds Node's error. On the tape the query is
// "op\0path\0arg", the answer "\0" + payload or "\1" + "code\0errno\0syscall\0text".

// A file bigger than this is refused (ERR_FS_FILE_TOO_LARGE in the prelude):
// a turn's log record holds at most 256 MiB.
constexpr off_t kMaxFsReadBytes = 64 << 20;

std::string FsError(int err, const char* syscall) {
    std::string out(1, '\1');
    const char* name = strerrorname_np(err);
    out += name != nullptr ? name : "EIO";
    out.push_back('\0');
    out += std::to_string(-err);
    out.push_back('\0');
    out += syscall;
    out.push_back('\0');
    out += std::strerror(err);
    return out;
}

bool ValidPath(const std::string& path) { return !path.empty() && path.find('\0') == std::string::npos; }

std::string StatJson(const struct statx& st) {
    auto ms = [](const struct statx_timestamp& t) {
        return static_cast<double>(t.tv_sec) * 1000.0 + static_cast<double>(t.tv_nsec) / 1e6;
    };
    char buffer[768];
    std::snprintf(buffer, sizeof buffer,
                  "{\"dev\":%llu,\"mode\":%u,\"nlink\":%u,\"uid\":%u,\"gid\":%u,\"rdev\":%llu,"
                  "\"blksize\":%u,\"ino\":%llu,\"size\":%llu,\"blocks\":%llu,"
                  "\"atimeMs\":%.17g,\"mtimeMs\":%.17g,\"ctimeMs\":%.17g,\"birthtimeMs\":%.17g}",
                  static_cast<unsigned long long>(makedev(st.stx_dev_major, st.stx_dev_minor)),
                  static_cast<unsigned>(st.stx_mode), static_cast<unsigned>(st.stx_nlink),
                  static_cast<unsigned>(st.stx_uid), static_cast<unsigned>(st.stx_gid),
                  static_cast<unsigned long long>(makedev(st.stx_rdev_major, st.stx_rdev_minor)),
                  static_cast<unsigned>(st.stx_blksize), static_cast<unsigned long long>(st.stx_ino),
                  static_cast<unsigned long long>(st.stx_size), static_cast<unsigned long long>(st.stx_blocks),
                  ms(st.stx_atime), ms(st.stx_mtime), ms(st.stx_ctime),
                  (st.stx_mask & STATX_BTIME) != 0 ? ms(st.stx_btime) : 0.0);
    return std::string(1, '\0') + buffer;
}

std::string JsonString(const std::string& text) {
    std::string out = "\"";
    for (unsigned char c : text) {
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(static_cast<char>(c));
        } else if (c < 0x20) {
            char esc[8];
            std::snprintf(esc, sizeof esc, "\\u%04x", c);
            out += esc;
        } else {
            out.push_back(static_cast<char>(c));
        }
    }
    return out + "\"";
}

std::string LiveFsCall(const std::string& op, const std::string& path, int arg) {
    if (op == "readFile") {
        if (!ValidPath(path)) return FsError(ENOENT, "open");
        int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) return FsError(errno, "open");
        struct stat st;
        if (::fstat(fd, &st) != 0) {
            int err = errno;
            ::close(fd);
            return FsError(err, "fstat");
        }
        if (S_ISDIR(st.st_mode)) {
            ::close(fd);
            return FsError(EISDIR, "read");
        }
        std::string out(1, '\0');
        char buffer[65536];
        for (;;) {
            ssize_t n = ::read(fd, buffer, sizeof buffer);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) {
                int err = errno;
                ::close(fd);
                return FsError(err, "read");
            }
            if (n == 0) break;
            out.append(buffer, static_cast<size_t>(n));
            if (out.size() > static_cast<size_t>(kMaxFsReadBytes) + 1) {
                ::close(fd);
                return std::string("\2");
            }
        }
        ::close(fd);
        return out;
    }
    if (op == "stat" || op == "lstat") {
        const char* syscall = op == "stat" ? "stat" : "lstat";
        if (!ValidPath(path)) return FsError(ENOENT, syscall);
        struct statx st;
        int flags = op == "lstat" ? AT_SYMLINK_NOFOLLOW : 0;
        if (::statx(AT_FDCWD, path.c_str(), flags, STATX_BASIC_STATS | STATX_BTIME, &st) != 0) {
            return FsError(errno, syscall);
        }
        return StatJson(st);
    }
    if (op == "readdir") {
        if (!ValidPath(path)) return FsError(ENOENT, "scandir");
        DIR* dir = ::opendir(path.c_str());
        if (dir == nullptr) return FsError(errno, "scandir");
        std::string out = std::string(1, '\0') + "[";
        bool first = true;
        errno = 0;
        while (struct dirent* entry = ::readdir(dir)) {
            std::string name = entry->d_name;
            if (name == "." || name == "..") continue;
            int type = 0;
            switch (entry->d_type) {
                case DT_REG: type = 1; break;
                case DT_DIR: type = 2; break;
                case DT_LNK: type = 3; break;
                case DT_FIFO: type = 4; break;
                case DT_SOCK: type = 5; break;
                case DT_CHR: type = 6; break;
                case DT_BLK: type = 7; break;
                default: type = 0; break;
            }
            if (!first) out.push_back(',');
            first = false;
            out += "[" + JsonString(name) + "," + std::to_string(type) + "]";
        }
        ::closedir(dir);
        return out + "]";
    }
    if (op == "access") {
        if (!ValidPath(path)) return FsError(ENOENT, "access");
        if (::access(path.c_str(), arg) != 0) return FsError(errno, "access");
        return std::string(1, '\0');
    }
    if (op == "realpath") {
        if (!ValidPath(path)) return FsError(ENOENT, "realpath");
        char resolved[PATH_MAX];
        if (::realpath(path.c_str(), resolved) == nullptr) return FsError(errno, "realpath");
        return std::string(1, '\0') + resolved;
    }
    return std::string();
}

void HostFsCall(const FunctionCallbackInfo<Value>& args) {
    v8::Isolate* isolate = args.GetIsolate();
    Local<v8::Context> context = isolate->GetCurrentContext();
    v8::String::Utf8Value op_text(isolate, args[0]);
    std::string op = *op_text != nullptr ? std::string(*op_text, op_text.length()) : "";
    if (!args[1]->IsString() ||
        (op != "readFile" && op != "stat" && op != "lstat" && op != "readdir" && op != "access" && op != "realpath")) {
        isolate->ThrowException(v8::Exception::TypeError(v8::String::NewFromUtf8Literal(
            isolate, "fsCall(op, path, arg): op is readFile, stat, lstat, readdir, access or realpath")));
        return;
    }
    v8::String::Utf8Value path_text(isolate, args[1]);
    std::string path(*path_text != nullptr ? *path_text : "", path_text.length());
    int arg = args[2]->Int32Value(context).FromMaybe(0);
    std::string query = op;
    query.push_back('\0');
    query += path;
    query.push_back('\0');
    query += std::to_string(arg);
    auto live = [&] { return LiveFsCall(op, path, arg); };
    Tape* tape = Tape::Current();
    std::string answer = tape != nullptr ? tape->TakeBytes(TapeKind::kNodeFs, query, live) : live();
    if (answer.empty()) return;
    if (answer[0] == '\2') {
        args.GetReturnValue().Set(v8::Integer::New(isolate, -1));  // too large
        return;
    }
    if (answer[0] == '\1') {
        // code \0 errno \0 syscall \0 text
        Local<Value> items[4];
        size_t at = 1;
        for (int i = 0; i < 4; ++i) {
            size_t end = answer.find('\0', at);
            if (end == std::string::npos) end = answer.size();
            std::string part = answer.substr(at, end - at);
            items[i] = i == 1 ? Local<Value>(v8::Integer::New(isolate, std::atoi(part.c_str())))
                              : Local<Value>(Utf8String(isolate, part.data(), part.size()));
            at = end < answer.size() ? end + 1 : end;
        }
        args.GetReturnValue().Set(v8::Array::New(isolate, items, 4));
        return;
    }
    if (op == "readFile") {
        size_t size = answer.size() - 1;
        Local<v8::ArrayBuffer> buffer = v8::ArrayBuffer::New(isolate, size);
        if (size > 0) std::memcpy(buffer->GetBackingStore()->Data(), answer.data() + 1, size);
        args.GetReturnValue().Set(buffer);
        return;
    }
    args.GetReturnValue().Set(Utf8String(isolate, answer.data() + 1, answer.size() - 1));
}

std::mutex g_process_text_mutex;
std::map<std::string, std::string>& ProcessTexts() {
    static std::map<std::string, std::string> texts;
    return texts;
}
const double kProcessStart = [] {
    struct timespec ts;
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}();

std::string LiveProcessInfo(v8::Isolate* isolate, const std::string& name, const std::string& arg) {
    if (name == "argv" || name == "execPath" || name == "main") {
        std::lock_guard<std::mutex> lock(g_process_text_mutex);
        auto found = ProcessTexts().find(name);
        return found != ProcessTexts().end() ? found->second : std::string();
    }
    if (name == "env") {
        const char* value = arg.find('\0') == std::string::npos ? ::getenv(arg.c_str()) : nullptr;
        return value != nullptr ? std::string(1, '\1') + value : std::string(1, '\0');
    }
    if (name == "environ") {
        std::string out;
        for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
            out += *e;
            out.push_back('\0');
        }
        return out;
    }
    if (name == "pid") return std::to_string(::getpid());
    if (name == "ppid") return std::to_string(::getppid());
    if (name == "uid") return std::to_string(::getuid());
    if (name == "hrtime") {
        struct timespec ts;
        ::clock_gettime(CLOCK_MONOTONIC, &ts);
        return std::to_string(ts.tv_sec) + " " + std::to_string(ts.tv_nsec);
    }
    if (name == "uptime") {
        struct timespec ts;
        ::clock_gettime(CLOCK_MONOTONIC, &ts);
        char buffer[64];
        std::snprintf(buffer, sizeof buffer, "%.17g",
                      static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9 - kProcessStart);
        return buffer;
    }
    if (name == "memory") {
        v8::HeapStatistics heap;
        isolate->GetHeapStatistics(&heap);
        long pages = 0, resident = 0;
        if (FILE* f = std::fopen("/proc/self/statm", "r")) {
            if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
            std::fclose(f);
        }
        char buffer[256];
        std::snprintf(buffer, sizeof buffer,
                      "{\"rss\":%lld,\"heapTotal\":%zu,\"heapUsed\":%zu,\"external\":%zu,\"arrayBuffers\":%zu}",
                      static_cast<long long>(resident) * ::sysconf(_SC_PAGESIZE), heap.total_heap_size(),
                      heap.used_heap_size(), heap.external_memory(), heap.external_memory());
        return buffer;
    }
    if (name == "cwd") return LiveCwd();
    return std::string();
}

// processInfo(name, arg): what `process` learns from outside the heap
// (prelude section 720-node-process.js): 'argv', 'execPath', 'main' (the program's full path or ""), 'env' (arg: a
// name; "\1" + value or "\0" when unset), 'pid', 'ppid', 'hrtime' ("sec nsec"), 'uptime', 'memory' (JSON),
// 'cwd', 'uid'; 'environ' is the whole environment ("NAME=value", each
// ending in "\0"). Recorded on the tape (kind kProcess) and replayed like the clock.
void HostProcessInfo(const FunctionCallbackInfo<Value>& args) {
    v8::Isolate* isolate = args.GetIsolate();
    v8::String::Utf8Value name_text(isolate, args[0]);
    std::string name = *name_text != nullptr ? std::string(*name_text, name_text.length()) : "";
    std::string arg;
    if (args[1]->IsString()) {
        v8::String::Utf8Value arg_text(isolate, args[1]);
        arg.assign(*arg_text != nullptr ? *arg_text : "", arg_text.length());
    }
    std::string query = name;
    query.push_back('\0');
    query += arg;
    auto live = [&] { return LiveProcessInfo(isolate, name, arg); };
    Tape* tape = Tape::Current();
    std::string answer = tape != nullptr ? tape->TakeBytes(TapeKind::kProcess, query, live) : live();
    args.GetReturnValue().Set(Utf8String(isolate, answer.data(), answer.size()));
}

}  // namespace

void SetProcessText(const std::string& name, std::string value) {
    std::lock_guard<std::mutex> lock(g_process_text_mutex);
    ProcessTexts()[name] = std::move(value);
}

namespace {

// A compile error as [error, line, sourceLine, startColumn, endColumn];
// a termination (or nothing caught) goes on unwinding.
void ReturnCompileError(const FunctionCallbackInfo<Value>& args, v8::TryCatch& try_catch) {
    v8::Isolate* isolate = args.GetIsolate();
    Local<v8::Context> context = isolate->GetCurrentContext();
    if (!try_catch.HasCaught() || try_catch.HasTerminated()) {
        if (try_catch.HasCaught()) try_catch.ReThrow();
        return;
    }
    Local<Value> items[] = {try_catch.Exception(), v8::Integer::New(isolate, 0), v8::String::Empty(isolate),
    v8::Integer::New(isolate, 0), v8::Integer::New(isolate, 0)};
    Local<v8::Message> message = try_catch.Message();
    if (!message.IsEmpty()) {
        items[1] = v8::Integer::New(isolate, message->GetLineNumber(context).FromMaybe(0));
        Local<v8::String> line;
        if (message->GetSourceLine(context).ToLocal(&line)) items[2] = line;
        items[3] = v8::Integer::New(isolate, message->GetStartColumn(context).FromMaybe(0));
        items[4] = v8::Integer::New(isolate, message->GetEndColumn(context).FromMaybe(0));
    }
    args.GetReturnValue().Set(v8::Array::New(isolate, items, 5));
}

// compileFunction(source, filename): the CommonJS module wrapper, compiled
// as Node compiles it (ScriptCompiler::CompileFunction with the parameters
// exports, require, module, __filename, __dirname): the script is named
// after the file and the source keeps its own lines and columns. Returns
// the function, or, for a syntax error, [error, line, sourceLine,
// startColumn, endColumn] so that the runtime can show where, as Node does.
void HostCompileFunction(const FunctionCallbackInfo<Value>& args) {
    v8::Isolate* isolate = args.GetIsolate();
    Local<v8::Context> context = isolate->GetCurrentContext();
    if (!args[0]->IsString() || !args[1]->IsString()) {
        isolate->ThrowException(v8::Exception::TypeError(
            v8::String::NewFromUtf8Literal(isolate, "compileFunction(source, filename)")));
        return;
    }
    v8::ScriptOrigin origin(isolate, args[1]);
    v8::ScriptCompiler::Source source(args[0].As<v8::String>(), origin);
    Local<v8::String> params[] = {
        v8::String::NewFromUtf8Literal(isolate, "exports"),
        v8::String::NewFromUtf8Literal(isolate, "require"),
        v8::String::NewFromUtf8Literal(isolate, "module"),
        v8::String::NewFromUtf8Literal(isolate, "__filename"),
        v8::String::NewFromUtf8Literal(isolate, "__dirname"),
    };
    v8::TryCatch try_catch(isolate);
    Local<v8::Function> fn;
    if (v8::ScriptCompiler::CompileFunction(context, &source, 5, params).ToLocal(&fn)) {
        args.GetReturnValue().Set(fn);
        return;
    }
    ReturnCompileError(args, try_catch);
}

// compileScript(source, filename): a classic script named after the file
// (the ES module loader's transformed module, a function expression), run
// and its completion value returned; a syntax error comes back as
// compileFunction's [error, line, sourceLine, startColumn, endColumn].
// Unlike compileFunction it adds no parameters: an ES module must not see
// `require` or `module`.
void HostCompileScript(const FunctionCallbackInfo<Value>& args) {
    v8::Isolate* isolate = args.GetIsolate();
    Local<v8::Context> context = isolate->GetCurrentContext();
    if (!args[0]->IsString() || !args[1]->IsString()) {
        isolate->ThrowException(v8::Exception::TypeError(
            v8::String::NewFromUtf8Literal(isolate, "compileScript(source, filename)")));
        return;
    }
    v8::ScriptOrigin origin(isolate, args[1]);
    v8::ScriptCompiler::Source source(args[0].As<v8::String>(), origin);
    Local<v8::Script> script;
    {
        v8::TryCatch try_catch(isolate);
        if (!v8::ScriptCompiler::Compile(context, &source).ToLocal(&script)) {
            ReturnCompileError(args, try_catch);
            return;
        }
    }
    Local<Value> result;
    if (script->Run(context).ToLocal(&result)) args.GetReturnValue().Set(result);
}

}  // namespace

const HostFunction* HostFunctions(size_t* count) {
    // APPEND-ONLY (see the comment at the top of this file).
    static const HostFunction kFunctions[] = {
        {"print", HostPrint},
        {"proxyTarget", HostProxyTarget},
        {"promiseState", HostPromiseState},
        {"previewEntries", HostPreviewEntries},
        {"randomSeed", HostRandomSeed},
        {"monotonicNow", HostMonotonicNow},
        {"typeTag", HostTypeTag},
        {"hostOption", HostOption},
        {"proxyHandler", HostProxyHandler},
        {"ownNonIndexKeys", HostOwnNonIndexKeys},
        {"serialize", HostSerialize},
        {"deserialize", HostDeserialize},
        {"constructorName", HostConstructorName},
        {"nativeFunction", HostNativeFunction},
        {"nativeShim", HostNativeShim},
        {"fsQuery", HostFsQuery},
        {"compileFunction", HostCompileFunction},
        {"fsCall", HostFsCall},
        {"processInfo", HostProcessInfo},
        {"compileScript", HostCompileScript},
    };
    *count = sizeof kFunctions / sizeof kFunctions[0];
    return kFunctions;
}

const intptr_t* ExternalReferences() {
    static intptr_t* table = [] {
        // In the tuned engine mode V8's WebAssembly API callbacks come first
        // (a fixed list), so that appending a host function never moves them.
        size_t extra_count = 0;
        const intptr_t* extra = ExtraExternalReferences(&extra_count);
        size_t count = 0;
        const HostFunction* functions = HostFunctions(&count);
        auto* refs = new intptr_t[extra_count + count + 1];
        for (size_t i = 0; i < extra_count; ++i) refs[i] = extra[i];
        for (size_t i = 0; i < count; ++i) {
            refs[extra_count + i] = reinterpret_cast<intptr_t>(functions[i].callback);
        }
        refs[extra_count + count] = 0;  // V8 reads the table up to this terminator
        return refs;
    }();
    return table;
}

}  // namespace kenv8
