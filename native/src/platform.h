#pragma once

#include <v8-platform.h>

#include <memory>

namespace kenv8 {

// The process-wide platform: V8's default platform with two hooks.
v8::Platform* GetPlatform();
// The wrapped default platform, for platform::PumpMessageLoop.
v8::Platform* GetInnerPlatform();

// The fork gate (platform.cc): every task V8 runs on a worker thread passes
// through it. BeforeFork() stops new tasks from starting and waits until
// none is running, so that the checkpoint child — which has no worker
// threads — inherits no half-done task, no lock held by a vanished thread,
// and no job counting a worker that will never finish. AfterForkInParent()
// lets the workers go on; ForkedChild() (in the child, at once) routes any
// task V8 posts there to nowhere: the child's main thread does V8's jobs
// itself when it joins them.
void BeforeFork();
void AfterForkInParent();
void ForkedChild();

}  // namespace kenv8
