#pragma once

#include <v8-platform.h>

#include <memory>

namespace kenv8 {

// The process-wide platform: V8's default platform with two hooks.
v8::Platform* GetPlatform();
// The wrapped default platform, for platform::PumpMessageLoop.
v8::Platform* GetInnerPlatform();

}  // namespace kenv8
