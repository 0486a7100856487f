#pragma once

#include <v8-function-callback.h>

#include <cstddef>
#include <cstdint>

namespace kenv8 {

struct HostFunction {
    const char* name;
    v8::FunctionCallback callback;
};

// The host functions, in external-reference order (append-only).
const HostFunction* HostFunctions(size_t* count);

// Null-terminated table of callback addresses for SnapshotCreator and for
// isolates deserialized from a checkpoint.
const intptr_t* ExternalReferences();

}  // namespace kenv8
