#pragma once

// The parts of V8's debug interface kenshell uses. libnode exports them but
// does not ship their header (src/debug/debug-interface.h), so they are
// declared here by hand. Each declaration must match V8 10.2's exactly; each
// was checked against the exported symbol (nm -D libnode.so.108 | c++filt).
#include <v8.h>

#include <cstdint>
#include <vector>

namespace v8 {

// v8-util.h is not shipped either, and GlobalLexicalScopeNames fills a
// PersistentValueVector through that header's inline Append, compiled into
// libnode. This definition has the same layout as V8 10.2's (an Isolate*,
// then a std::vector of leaked global-handle slots), so libnode's inlined
// code and ours agree; the traits class only names the type.
class DefaultPersistentValueVectorTraits {};

template <class V, class Traits>
class PersistentValueVector {
public:
    explicit PersistentValueVector(Isolate* isolate) : isolate_(isolate) {}
    ~PersistentValueVector() {
        // Each slot is a Global<V>'s only field; resetting it frees the handle.
        for (uintptr_t& slot : slots_) reinterpret_cast<Global<V>*>(&slot)->Reset();
    }
    PersistentValueVector(const PersistentValueVector&) = delete;
    PersistentValueVector& operator=(const PersistentValueVector&) = delete;

    size_t Size() const { return slots_.size(); }
    Local<V> Get(size_t index) {
        return Local<V>::New(isolate_, *reinterpret_cast<Global<V>*>(&slots_[index]));
    }

private:
    Isolate* isolate_;
    std::vector<uintptr_t> slots_;
};

}  // namespace v8

namespace v8::debug {

// REPL evaluation (what Chrome's console and Node's REPL use):
// v8::debug::EvaluateGlobal(Isolate*, Local<String>, EvaluateGlobalMode, bool).
enum class EvaluateGlobalMode { kDefault, kDisableBreaks, kDisableBreaksAndThrowOnSideEffect };
V8_EXPORT MaybeLocal<Value> EvaluateGlobal(Isolate* isolate, Local<String> source,
                                           EvaluateGlobalMode mode, bool repl_mode);

// The names of the top-level let/const/class bindings (the script context
// table), which are not properties of the global object:
// v8::debug::GlobalLexicalScopeNames(Local<Context>, PersistentValueVector<String>*).
V8_EXPORT void GlobalLexicalScopeNames(Local<Context> context,
                                       PersistentValueVector<String, DefaultPersistentValueVectorTraits>* names);

}  // namespace v8::debug
