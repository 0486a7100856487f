// kenshell's v8::Platform: the default platform with two hooks.
//
// 1. Page allocator. V8's default page allocator marks every heap page
//    MADV_DONTFORK. A checkpoint is written by a forked child that serializes
//    the heap, so those pages must exist in the child: the wrapper below
//    undoes the flag on every allocation (MADV_DOFORK).
// 2. Wall clock. Date.now() and new Date() read
//    Platform::CurrentClockTimeMillis. It is one function here so that the
//    turn log can record and replay it (replay must be exact: README.md, "How
//    it works"; the guarantees it serves are in docs/CONTRACT.md).
#include "platform.h"

#include <libplatform/libplatform.h>
#include <sys/mman.h>

#include "tape.h"

namespace kenv8 {
namespace {

class ForkablePageAllocator final : public v8::PageAllocator {
public:
    explicit ForkablePageAllocator(v8::PageAllocator* inner) : inner_(inner) {}

    size_t AllocatePageSize() override { return inner_->AllocatePageSize(); }
    size_t CommitPageSize() override { return inner_->CommitPageSize(); }
    void SetRandomMmapSeed(int64_t seed) override { inner_->SetRandomMmapSeed(seed); }
    void* GetRandomMmapAddr() override { return inner_->GetRandomMmapAddr(); }

    void* AllocatePages(void* address, size_t length, size_t alignment,
                        Permission access) override {
        void* pages = inner_->AllocatePages(address, length, alignment, access);
        // Without this the checkpoint child sees holes where the heap was and
        // dies with SIGSEGV inside the serializer.
        if (pages != nullptr) madvise(pages, length, MADV_DOFORK);
        return pages;
    }
    bool FreePages(void* address, size_t length) override {
        return inner_->FreePages(address, length);
    }
    bool ReleasePages(void* address, size_t length, size_t new_length) override {
        return inner_->ReleasePages(address, length, new_length);
    }
    bool SetPermissions(void* address, size_t length, Permission access) override {
        return inner_->SetPermissions(address, length, access);
    }
    bool DiscardSystemPages(void* address, size_t size) override {
        return inner_->DiscardSystemPages(address, size);
    }
    bool DecommitPages(void* address, size_t size) override {
        return inner_->DecommitPages(address, size);
    }
    bool ReserveForSharedMemoryMapping(void* address, size_t size) override {
        return inner_->ReserveForSharedMemoryMapping(address, size);
    }
    bool CanAllocateSharedPages() override { return inner_->CanAllocateSharedPages(); }
    std::unique_ptr<SharedMemory> AllocateSharedPages(size_t length,
                                                      const void* original_address) override {
        return inner_->AllocateSharedPages(length, original_address);
    }

private:
    v8::PageAllocator* inner_;
};

class KenPlatform final : public v8::Platform {
public:
    explicit KenPlatform(std::unique_ptr<v8::Platform> inner)
        : inner_(std::move(inner)), pages_(inner_->GetPageAllocator()) {}

    v8::Platform* inner() { return inner_.get(); }

    v8::PageAllocator* GetPageAllocator() override { return &pages_; }
    // Date.now() and new Date() land here: recorded in the turn's tape, or
    // replayed from it.
    double CurrentClockTimeMillis() override {
        double live = inner_->CurrentClockTimeMillis();
        Tape* tape = Tape::Current();
        return tape != nullptr ? tape->Take(TapeKind::kClock, live) : live;
    }

    // Everything else is the default platform's.
    v8::ZoneBackingAllocator* GetZoneBackingAllocator() override {
        return inner_->GetZoneBackingAllocator();
    }
    void OnCriticalMemoryPressure() override { inner_->OnCriticalMemoryPressure(); }
    bool OnCriticalMemoryPressure(size_t length) override {
        return inner_->OnCriticalMemoryPressure(length);
    }
    int NumberOfWorkerThreads() override { return inner_->NumberOfWorkerThreads(); }
    std::shared_ptr<v8::TaskRunner> GetForegroundTaskRunner(v8::Isolate* isolate) override {
        return inner_->GetForegroundTaskRunner(isolate);
    }
    void CallOnWorkerThread(std::unique_ptr<v8::Task> task) override {
        inner_->CallOnWorkerThread(std::move(task));
    }
    void CallBlockingTaskOnWorkerThread(std::unique_ptr<v8::Task> task) override {
        inner_->CallBlockingTaskOnWorkerThread(std::move(task));
    }
    void CallLowPriorityTaskOnWorkerThread(std::unique_ptr<v8::Task> task) override {
        inner_->CallLowPriorityTaskOnWorkerThread(std::move(task));
    }
    void CallDelayedOnWorkerThread(std::unique_ptr<v8::Task> task,
                                   double delay_in_seconds) override {
        inner_->CallDelayedOnWorkerThread(std::move(task), delay_in_seconds);
    }
    bool IdleTasksEnabled(v8::Isolate* isolate) override {
        return inner_->IdleTasksEnabled(isolate);
    }
    std::unique_ptr<v8::JobHandle> PostJob(v8::TaskPriority priority,
                                           std::unique_ptr<v8::JobTask> job_task) override {
        return inner_->PostJob(priority, std::move(job_task));
    }
    double MonotonicallyIncreasingTime() override {
        return inner_->MonotonicallyIncreasingTime();
    }
    StackTracePrinter GetStackTracePrinter() override {
        return inner_->GetStackTracePrinter();
    }
    v8::TracingController* GetTracingController() override {
        return inner_->GetTracingController();
    }
    void DumpWithoutCrashing() override { inner_->DumpWithoutCrashing(); }

private:
    std::unique_ptr<v8::Platform> inner_;
    ForkablePageAllocator pages_;
};

KenPlatform* g_platform = nullptr;

}  // namespace

v8::Platform* GetPlatform() {
    if (g_platform == nullptr) {
        g_platform = new KenPlatform(v8::platform::NewDefaultPlatform());
    }
    return g_platform;
}

v8::Platform* GetInnerPlatform() {
    GetPlatform();
    return g_platform->inner();
}

}  // namespace kenv8
