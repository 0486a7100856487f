// Tab completion: the names that may follow `a.b.c.` (or a bare identifier),
// grouped by the object on the prototype chain that has them, found without
// running a line of user code. The shell is persistent, so a
// getter that charges an account or a Proxy trap that logs must never fire
// because someone pressed Tab:
//   - a property is read only from its own *data* descriptor
//     (GetOwnPropertyDescriptor does not call accessors); an accessor or a
//     missing property ends the walk with no candidates;
//   - a Proxy anywhere on the way (object or prototype) ends the walk: every
//     operation on it could call a trap;
//   - a top-level let/const/class binding is read by evaluating its bare
//     name with V8's side-effect check on. A binding read is a slot load; it
//     calls nothing (lexical bindings shadow global accessors).
// Nothing here changes the heap, and nothing is logged: completion is not a
// turn.
#include <set>
#include <string>
#include <vector>

#include "debug_interface.h"
#include "shell.h"

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

constexpr int kMaxChainDepth = 64;
constexpr size_t kMaxNames = 20000;

Local<String> Name(Isolate* isolate, const std::string& s) {
    return String::NewFromUtf8(isolate, s.data(), v8::NewStringType::kNormal, static_cast<int>(s.size()))
        .ToLocalChecked();
}

std::string Utf8(Isolate* isolate, Local<Value> value) {
    String::Utf8Value text(isolate, value);
    return *text != nullptr ? std::string(*text, static_cast<size_t>(text.length())) : std::string();
}

// The object whose properties follow `value.`: objects as they are,
// primitives through their wrapper (String.prototype for a string); none for
// null and undefined.
MaybeLocal<Object> AsObject(Local<Context> context, Local<Value> value) {
    if (value->IsNullOrUndefined()) return {};
    if (value->IsObject()) return value.As<Object>();
    return value->ToObject(context);  // a primitive: a fresh wrapper, no user code
}

// value[name], along the prototype chain, from data descriptors only.
MaybeLocal<Value> ReadDataProperty(Isolate* isolate, Local<Context> context, Local<Value> value,
                                   const std::string& name) {
    Local<Object> object;
    if (!AsObject(context, value).ToLocal(&object)) return {};
    Local<String> key = Name(isolate, name);
    Local<String> value_key = Name(isolate, "value");
    for (int depth = 0; depth < kMaxChainDepth; depth++) {
        if (object->IsProxy()) return {};
        Local<Value> descriptor;
        if (!object->GetOwnPropertyDescriptor(context, key).ToLocal(&descriptor)) return {};
        if (descriptor->IsObject()) {
            // A fresh plain object made by V8: its own "value" is a data property.
            Local<Object> fields = descriptor.As<Object>();
            if (!fields->HasOwnProperty(context, value_key).FromMaybe(false)) return {};  // an accessor
            return fields->Get(context, value_key);
        }
        Local<Value> prototype = object->GetPrototype();
        if (!prototype->IsObject()) return {};
        object = prototype.As<Object>();
    }
    return {};
}

// Object.prototype's legacy accessor helpers: Node's REPL leaves them out of
// completion (they would come first in every list, before the object's own
// properties), and so does kenshell.
bool IsLegacyObjectPrototypeMethod(const std::string& name) {
    return name == "__defineGetter__" || name == "__defineSetter__" || name == "__lookupGetter__" ||
           name == "__lookupSetter__";
}

// Own string-keyed names of every object on the chain, enumerable or not
// (completion offers Array.prototype.map too), stopping at a Proxy: one group
// per object, the object itself first, then each prototype in turn. A name
// is listed only in the closest group that has it, as in Node's REPL (a
// method overridden by a subclass belongs to the subclass).
void CollectChainGroups(Local<Context> context, Local<Object> object, std::vector<std::vector<std::string>>* groups) {
    Isolate* isolate = context->GetIsolate();
    // This realm's own %Object.prototype%, found without reading anything
    // user code could have replaced (the global `Object`).
    Local<Value> object_prototype = Object::New(isolate)->GetPrototype();
    std::set<std::string> seen;
    for (int depth = 0; depth < kMaxChainDepth && seen.size() < kMaxNames; depth++) {
        if (object->IsProxy()) return;
        bool legacy = object->StrictEquals(object_prototype);
        std::vector<std::string> group;
        Local<v8::Array> keys;
        if (object->GetPropertyNames(context, v8::KeyCollectionMode::kOwnOnly,
                                     v8::PropertyFilter::SKIP_SYMBOLS, v8::IndexFilter::kSkipIndices,
                                     v8::KeyConversionMode::kConvertToString)
                .ToLocal(&keys)) {
            for (uint32_t i = 0; i < keys->Length() && seen.size() < kMaxNames; i++) {
                Local<Value> key;
                if (!keys->Get(context, i).ToLocal(&key) || !key->IsString()) continue;
                std::string name = Utf8(isolate, key);
                if (legacy && IsLegacyObjectPrototypeMethod(name)) continue;
                if (seen.insert(name).second) group.push_back(name);
            }
        }
        groups->push_back(std::move(group));
        Local<Value> prototype = object->GetPrototype();
        if (!prototype->IsObject()) return;
        object = prototype.As<Object>();
    }
}

std::vector<std::string> LexicalNames(Local<Context> context) {
    Isolate* isolate = context->GetIsolate();
    v8::PersistentValueVector<String, v8::DefaultPersistentValueVectorTraits> found(isolate);
    v8::debug::GlobalLexicalScopeNames(context, &found);
    std::vector<std::string> names;
    for (size_t i = 0; i < found.Size(); i++) names.push_back(Utf8(isolate, found.Get(i)));
    return names;
}

// The value of a top-level identifier: a lexical binding (read with the
// side-effect check on), else a property of the global object.
MaybeLocal<Value> ReadGlobal(Isolate* isolate, Local<Context> context, const std::string& name,
                             const std::vector<std::string>& lexical) {
    bool is_lexical = false;
    for (const std::string& n : lexical) is_lexical = is_lexical || n == name;
    if (!is_lexical) return ReadDataProperty(isolate, context, context->Global(), name);
    // The name came from V8's own scope table, so the source is a bare
    // identifier; a binding still in its temporal dead zone throws, which the
    // caller's TryCatch absorbs.
    return v8::debug::EvaluateGlobal(isolate, Name(isolate, name),
                                     v8::debug::EvaluateGlobalMode::kDisableBreaksAndThrowOnSideEffect,
                                     /*repl_mode=*/false);
}

}  // namespace

const std::string& Shell::CompletionNames(const char* path, size_t len) {
    query_answer_.clear();
    std::vector<std::string> segments;
    std::string rest(path, len);
    for (size_t start = 0; start < rest.size();) {
        size_t end = rest.find('\n', start);
        if (end == std::string::npos) end = rest.size();
        segments.push_back(rest.substr(start, end - start));
        start = end + 1;
    }

    HandleScope handle_scope(isolate_);
    Local<Context> context = context_.Get(isolate_);
    Context::Scope context_scope(context);
    TryCatch try_catch(isolate_);
    std::vector<std::string> lexical = LexicalNames(context);
    std::vector<std::vector<std::string>> groups;
    if (segments.empty()) {
        // A bare identifier: let/const/class bindings and the global object's chain.
        CollectChainGroups(context, context->Global(), &groups);
        if (groups.empty()) groups.emplace_back();
        groups.front().insert(groups.front().begin(), lexical.begin(), lexical.end());
    } else {
        Local<Value> value;
        if (!ReadGlobal(isolate_, context, segments[0], lexical).ToLocal(&value)) return query_answer_;
        for (size_t i = 1; i < segments.size(); i++) {
            if (!ReadDataProperty(isolate_, context, value, segments[i]).ToLocal(&value)) return query_answer_;
        }
        Local<Object> object;
        if (!AsObject(context, value).ToLocal(&object)) return query_answer_;
        CollectChainGroups(context, object, &groups);
    }
    // One name per line; an empty line ends each group (closest first).
    for (const std::vector<std::string>& group : groups) {
        for (const std::string& name : group) {
            if (name.empty() || name.find('\n') != std::string::npos) continue;
            query_answer_.append(name).push_back('\n');
        }
        query_answer_.push_back('\n');
    }
    return query_answer_;
}

}  // namespace kenv8
