// Host functions: the only native code JavaScript can call.
//
// Each callback's address is serialized into checkpoints as its index in
// ExternalReferences(). That table is APPEND-ONLY: reordering or removing an
// entry makes every existing store unloadable (or, worse, calls the wrong
// function). Add new functions at the end and bump nothing else.
#include "host_functions.h"

#include <sys/random.h>
#include <v8.h>

#include <cstring>

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
    };
    *count = sizeof kFunctions / sizeof kFunctions[0];
    return kFunctions;
}

const intptr_t* ExternalReferences() {
    static intptr_t* table = [] {
        size_t count = 0;
        const HostFunction* functions = HostFunctions(&count);
        auto* refs = new intptr_t[count + 1];
        for (size_t i = 0; i < count; ++i) {
            refs[i] = reinterpret_cast<intptr_t>(functions[i].callback);
        }
        refs[count] = 0;  // V8 reads the table up to this terminator
        return refs;
    }();
    return table;
}

}  // namespace kenv8
