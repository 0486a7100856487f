// kenshell's v8::Platform: the default platform with three hooks.
//
// 1. Page allocator. V8's default page allocator marks every heap page
//    MADV_DONTFORK. A checkpoint is written by a forked child that serializes
//    the heap, so those pages must exist in the child: the wrapper below
//    undoes the flag on every allocation (MADV_DOFORK).
// 2. Wall clock. Date.now() and new Date() read
//    Platform::CurrentClockTimeMillis. It is one function here so that the
//    turn log can record and replay it (replay must be exact: README.md, "How
//    it works"; the guarantees it serves are in docs/CONTRACT.md).
// 3. The fork gate (platform.h). Found by a checkpoint child that hung for
//    ever: forked while V8's memory unmapper ran on a worker thread, its
//    garbage collection joined that job and waited for a worker that does
//    not exist in the child. Worker tasks and the workers of V8's jobs are
//    wrapped so that a fork happens only while none of them runs; a job's
//    worker is told to yield (JobDelegate::ShouldYield) when a fork waits.
#include "platform.h"

#include "engine_config.h"

#include <libplatform/libplatform.h>
#include <sys/mman.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <condition_variable>
#include <mutex>
#include <set>
#include <vector>

#include "tape.h"

namespace kenv8 {
namespace {

class ForkGate {
public:
    // A worker thread about to run a task. False in the child.
    void Enter() {
        std::unique_lock<std::mutex> lock(mutex_);
        changed_.wait(lock, [this] { return !fork_pending_.load(); });
        ++running_;
    }
    void Exit() {
        std::lock_guard<std::mutex> lock(mutex_);
        if (--running_ == 0) changed_.notify_all();
    }
    void BeforeFork() {
        std::unique_lock<std::mutex> lock(mutex_);
        fork_pending_ = true;
        changed_.wait(lock, [this] { return running_ == 0; });
    }
    void AfterForkInParent() {
        std::lock_guard<std::mutex> lock(mutex_);
        fork_pending_ = false;
        changed_.notify_all();
    }
    // Read without the lock by job workers deciding whether to yield.
    bool fork_pending() const { return fork_pending_.load(std::memory_order_relaxed) && !in_child_; }
    bool in_child() const { return in_child_; }
    void SetInChild() { in_child_ = true; }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::atomic<bool> fork_pending_{false};
    int running_ = 0;
    bool in_child_ = false;
};

ForkGate g_gate;

class GatedTask final : public v8::Task {
public:
    explicit GatedTask(std::unique_ptr<v8::Task> inner) : inner_(std::move(inner)) {}
    void Run() override {
        g_gate.Enter();
        inner_->Run();
        g_gate.Exit();
    }

private:
    std::unique_ptr<v8::Task> inner_;
};

// Passes V8's delegate through, except that a worker yields while a fork
// waits (a job's Run can otherwise go on for a long time).
class YieldingDelegate final : public v8::JobDelegate {
public:
    explicit YieldingDelegate(v8::JobDelegate* inner) : inner_(inner) {}
    bool ShouldYield() override {
        return inner_->ShouldYield() || (!inner_->IsJoiningThread() && g_gate.fork_pending());
    }
    void NotifyConcurrencyIncrease() override { inner_->NotifyConcurrencyIncrease(); }
    uint8_t GetTaskId() override { return inner_->GetTaskId(); }
    bool IsJoiningThread() const override { return inner_->IsJoiningThread(); }

private:
    v8::JobDelegate* inner_;
};

class YieldingJobTask final : public v8::JobTask {
public:
    explicit YieldingJobTask(std::unique_ptr<v8::JobTask> inner) : inner_(std::move(inner)) {}
    void Run(v8::JobDelegate* delegate) override {
        YieldingDelegate yielding(delegate);
        inner_->Run(&yielding);
    }
    size_t GetMaxConcurrency(size_t worker_count) const override {
        // While a fork waits, no worker may stay in the job: V8's worker
        // loop runs the job again and again as long as this says there is
        // room, yielding or not.
        if (g_gate.fork_pending()) return 0;
        return inner_->GetMaxConcurrency(worker_count);
    }

private:
    std::unique_ptr<v8::JobTask> inner_;
};

// The live jobs, so that their workers can be called back after a fork
// (a job whose concurrency read 0 while the fork waited has none left).
class GatedJobHandle;
std::mutex g_jobs_mutex;
std::set<GatedJobHandle*> g_jobs;

class GatedJobHandle final : public v8::JobHandle {
public:
    explicit GatedJobHandle(std::unique_ptr<v8::JobHandle> inner) : inner_(std::move(inner)) {
        std::lock_guard<std::mutex> lock(g_jobs_mutex);
        g_jobs.insert(this);
    }
    ~GatedJobHandle() override {
        std::lock_guard<std::mutex> lock(g_jobs_mutex);
        g_jobs.erase(this);
    }
    void NotifyConcurrencyIncrease() override { inner_->NotifyConcurrencyIncrease(); }
    void Join() override { inner_->Join(); }
    void Cancel() override { inner_->Cancel(); }
    void CancelAndDetach() override { inner_->CancelAndDetach(); }
    bool IsActive() override { return inner_->IsActive(); }
    bool IsValid() override { return inner_->IsValid(); }
    bool UpdatePriorityEnabled() const override { return inner_->UpdatePriorityEnabled(); }
    void UpdatePriority(v8::TaskPriority new_priority) override { inner_->UpdatePriority(new_priority); }

    static void WakeAll() {
        std::lock_guard<std::mutex> lock(g_jobs_mutex);
        for (GatedJobHandle* job : g_jobs) {
            if (job->inner_->IsValid()) job->inner_->NotifyConcurrencyIncrease();
        }
    }

private:
    std::unique_ptr<v8::JobHandle> inner_;
};

// Tasks posted in the checkpoint child: never run (there are no workers),
// never destroyed (the child _exits).
std::vector<std::unique_ptr<v8::Task>>* g_child_tasks = nullptr;

// The heap's pages (V8 asks for them 256 KB at a time, read-write, at
// random addresses) carved one after another out of large 2 MB-aligned
// chunks marked MADV_HUGEPAGE, instead of each being a mapping of its own.
// What it buys is a shorter fork: fork() copies the page tables of every
// resident page, 4 KB at a time, but a transparent huge page as one entry,
// and a few large mappings instead of one per V8 page. Freeing goes to the
// default allocator (munmap of the range), which leaves a hole; holes are
// never reused, address space is plentiful. KENV8_HEAP_CHUNKS=0 turns it off.
class HeapChunks {
public:
    static constexpr size_t kHuge = size_t{2} << 20;
    static constexpr size_t kChunk = size_t{64} << 20;

    void* Allocate(size_t length, size_t alignment, v8::PageAllocator::Permission access,
                   size_t commit_page) {
        // V8 reserves a heap page (no access), then makes it read-write.
        bool reserve = access == v8::PageAllocator::kNoAccess;
        if (!Enabled() || (access != v8::PageAllocator::kReadWrite && !reserve) || length == 0 ||
            length > kHuge || length % commit_page != 0 || alignment > kHuge ||
            kHuge % alignment != 0) {
            return nullptr;
        }
        std::lock_guard<std::mutex> lock(mutex_);
        uintptr_t at = (cursor_ + alignment - 1) & ~(alignment - 1);
        if (cursor_ == 0 || at + length > end_) {
            // A new chunk, 2 MB-aligned (trim what mmap gives beyond it).
            size_t span = kChunk + kHuge;
            void* raw = mmap(nullptr, span, PROT_READ | PROT_WRITE,
                             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
            if (raw == MAP_FAILED) return nullptr;
            uintptr_t base = reinterpret_cast<uintptr_t>(raw);
            uintptr_t aligned = (base + kHuge - 1) & ~(kHuge - 1);
            if (aligned > base) munmap(raw, aligned - base);
            uintptr_t tail = aligned + kChunk;
            if (base + span > tail) munmap(reinterpret_cast<void*>(tail), base + span - tail);
            // Read-write from the start (untouched pages cost nothing), so
            // that a 2 MB range is one read-write mapping when V8 first
            // writes to it: the kernel then faults in a huge page at once.
            madvise(reinterpret_cast<void*>(aligned), kChunk, MADV_HUGEPAGE);
            cursor_ = aligned;
            end_ = tail;
            at = aligned;
        }
        // A reservation is left read-write: V8 reserves a heap page only to
        // commit all of it read-write at once (SetPermissions, a no-op
        // here). Made inaccessible in between, it would split the mapping,
        // and a 2 MB range would seldom be all read-write at its first
        // write: no huge page (measured: 0 MB of huge pages instead of
        // 270 MB at a 256 MB heap, and a 3-4 ms fork instead of 1 ms).
        (void)reserve;
        cursor_ = at + length;
        return reinterpret_cast<void*>(at);
    }
private:
    static bool Enabled() {
        static const bool on = Config().heap_chunks;
        return on;
    }

    std::mutex mutex_;
    uintptr_t cursor_ = 0;
    uintptr_t end_ = 0;
};

class ForkablePageAllocator final : public v8::PageAllocator {
public:
    explicit ForkablePageAllocator(v8::PageAllocator* inner) : inner_(inner) {}

    size_t AllocatePageSize() override { return inner_->AllocatePageSize(); }
    size_t CommitPageSize() override { return inner_->CommitPageSize(); }
    void SetRandomMmapSeed(int64_t seed) override { inner_->SetRandomMmapSeed(seed); }
    void* GetRandomMmapAddr() override { return inner_->GetRandomMmapAddr(); }

    void* AllocatePages(void* address, size_t length, size_t alignment,
                        Permission access) override {
        if (void* carved = chunks_.Allocate(length, alignment, access, CommitPageSize())) {
            return carved;
        }
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
    HeapChunks chunks_;
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
        if (Parked(task)) return;
        inner_->CallOnWorkerThread(std::make_unique<GatedTask>(std::move(task)));
    }
    void CallBlockingTaskOnWorkerThread(std::unique_ptr<v8::Task> task) override {
        if (Parked(task)) return;
        inner_->CallBlockingTaskOnWorkerThread(std::make_unique<GatedTask>(std::move(task)));
    }
    void CallLowPriorityTaskOnWorkerThread(std::unique_ptr<v8::Task> task) override {
        if (Parked(task)) return;
        inner_->CallLowPriorityTaskOnWorkerThread(std::make_unique<GatedTask>(std::move(task)));
    }
    void CallDelayedOnWorkerThread(std::unique_ptr<v8::Task> task,
                                   double delay_in_seconds) override {
        if (Parked(task)) return;
        inner_->CallDelayedOnWorkerThread(std::make_unique<GatedTask>(std::move(task)),
                                          delay_in_seconds);
    }
    bool IdleTasksEnabled(v8::Isolate* isolate) override {
        return inner_->IdleTasksEnabled(isolate);
    }
    std::unique_ptr<v8::JobHandle> PostJob(v8::TaskPriority priority,
                                           std::unique_ptr<v8::JobTask> job_task) override {
        // The default platform's own job machinery (and its cap for
        // best-effort jobs), but with its worker tasks posted through this
        // platform, so through the gate.
        size_t workers = static_cast<size_t>(NumberOfWorkerThreads());
        if (priority == v8::TaskPriority::kBestEffort && workers > 2) workers = 2;
        return std::make_unique<GatedJobHandle>(v8::platform::NewDefaultJobHandle(
            this, priority, std::make_unique<YieldingJobTask>(std::move(job_task)), workers));
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
    // In the checkpoint child a worker task is kept, never run.
    static bool Parked(std::unique_ptr<v8::Task>& task) {
        if (!g_gate.in_child()) return false;
        if (g_child_tasks == nullptr) g_child_tasks = new std::vector<std::unique_ptr<v8::Task>>();
        g_child_tasks->push_back(std::move(task));
        return true;
    }

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

void BeforeFork() { g_gate.BeforeFork(); }
void AfterForkInParent() {
    g_gate.AfterForkInParent();
    GatedJobHandle::WakeAll();
}
void ForkedChild() { g_gate.SetInChild(); }

}  // namespace kenv8
