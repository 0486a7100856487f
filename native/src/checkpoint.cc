// Checkpoints: the whole heap as a V8 startup snapshot, written by a forked
// child, the way Redis writes an RDB file in BGSAVE.
//
// Why fork: SnapshotCreator::CreateBlob consumes the isolate it serializes.
// A child process gets a copy-on-write image of the heap at a turn boundary,
// consumes *that*, writes the file and exits; the parent keeps its isolate
// and goes on after a fork pause of well under a millisecond on small heaps.
//
// The child writes `<name>.tmp` only. Making it visible (rename) and durable
// (fsync of the directory) is the C# host's job once the child has exited
// successfully, so a checkpoint is never half-visible under its final name.
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <unordered_map>

#include "checkpoint_format.h"
#include "engine_config.h"
#include "engine_id.h"
#include "engine_tuning.h"
#include "host_functions.h"
#include "platform.h"
#include "shell.h"

namespace kenv8 {

using v8::Context;
using v8::HandleScope;
using v8::Local;
using v8::TryCatch;

namespace {

std::mutex g_diag_mutex;
std::unordered_map<int, int> g_diag_fds;  // child pid -> memfd holding its stderr

uint64_t NowNs() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

uint32_t Crc(const void* data, size_t len) {
    return ~kenv8_crc32c(~0u, static_cast<const uint8_t*>(data), len);
}

bool WriteAll(int fd, const char* data, size_t len) {
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        data += n;
        len -= static_cast<size_t>(n);
    }
    return true;
}

[[noreturn]] void ChildFail(int code, const char* what) {
    // stderr is the diagnostics memfd; the parent reads it back.
    dprintf(2, "%s: %s\n", what, std::strerror(errno));
    _exit(code);
}

// Exit codes of the checkpoint child (anything else is a signal: V8 died on
// a CHECK, typically an object its serializer cannot handle).
enum ChildExit { kOk = 0, kNoBlob = 10, kOpen = 11, kWrite = 12, kSync = 13, kParentGone = 14 };

}  // namespace

void Shell::WriteCheckpointAndExit(const char* path, uint64_t turn, const uint8_t store_id[16]) {
    // From here on no function is optimized any more (the child must not
    // start TurboFan jobs: it has no worker threads to run them).
    if (CurrentEngineMode() == EngineMode::kTuned) SetSerializerEnabled(isolate_, true);
    {
        HandleScope handle_scope(isolate_);
        Local<Context> context = context_.Get(isolate_);
        {
            // Let the prelude drop what must not be saved (caches of ICU
            // objects and the like). This changes only the child's copy.
            Context::Scope context_scope(context);
            TryCatch try_catch(isolate_);
            CallHook(context, "beforeSnapshot", 0, nullptr);
            isolate_->PerformMicrotaskCheckpoint();
        }
        creator_->SetDefaultContext(context);
        if (CurrentEngineMode() == EngineMode::kTuned) {
            // Code only the tuned mode makes (TurboFan, OSR, baseline) must
            // be gone before CreateBlob: engine_tuning.cc says why.
            DropCompiledCodeForSnapshot(isolate_);
            // V8 keeps a weak global handle on the context once WebAssembly
            // or a metrics event has asked for its id, and CreateBlob refuses
            // any global handle to an object not registered as snapshot
            // data. Registering the context makes that handle legal; a
            // restore takes it back at once (Shell::Init).
            creator_->AddData(context, context);
        }
    }
    // CreateBlob requires that no handle to the heap is held from outside it.
    context_.Reset();
    v8::StartupData blob =
        creator_->CreateBlob(v8::SnapshotCreator::FunctionCodeHandling::kClear);
    if (blob.data == nullptr || blob.raw_size <= 0) {
        dprintf(2, "V8 produced no snapshot\n");
        _exit(kNoBlob);
    }

    CheckpointHeader header;
    std::memset(&header, 0, sizeof header);
    std::memcpy(header.magic, kCheckpointMagic, sizeof header.magic);
    header.format_version = kCheckpointFormatVersion;
    header.header_size = kCheckpointHeaderSize;
    header.turn = turn;
    header.blob_size = static_cast<uint64_t>(blob.raw_size);
    header.blob_crc = Crc(blob.data, static_cast<size_t>(blob.raw_size));
    size_t host_function_count = 0;
    HostFunctions(&host_function_count);
    header.host_function_count = static_cast<uint32_t>(host_function_count);
    std::memcpy(header.store_id, store_id, sizeof header.store_id);
    std::snprintf(header.engine, sizeof header.engine, "%s", EngineId());
    header.header_crc = Crc(&header, offsetof(CheckpointHeader, header_crc));

    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) ChildFail(kOpen, "open");
    if (!WriteAll(fd, reinterpret_cast<const char*>(&header), sizeof header) ||
        !WriteAll(fd, blob.data, static_cast<size_t>(blob.raw_size))) {
        ChildFail(kWrite, "write");
    }
    // fsync before exiting: the parent renames this file into place once we
    // have exited with success, and a rename of unsynced data can surface
    // after a power loss as an empty or partial file under the final name.
    if (fsync(fd) != 0) ChildFail(kSync, "fsync");
    close(fd);
    // _exit, not exit: no atexit handlers, no static destructors, no return
    // into the parent's managed runtime, whose threads do not exist here.
    _exit(kOk);
}

}  // namespace kenv8

using kenv8::Shell;

extern "C" int kenv8_shell_checkpoint_begin(kenv8_shell* handle, const char* path, uint64_t turn,
                                            const uint8_t store_id[16], int* child, uint64_t* fork_ns,
                                            char* error, size_t error_len) {
    *child = 0;
    auto* shell = reinterpret_cast<Shell*>(handle);
    int diag = memfd_create("kenv8-checkpoint-stderr", MFD_CLOEXEC);
    pid_t parent = getpid();
    uint64_t start = kenv8::NowNs();  // the pause includes the quiescing
    // No TurboFan job may be half-done on a worker thread at the fork: the
    // child has no worker threads to finish it.
    kenv8::QuiesceBackgroundCompilation(shell->isolate());
    // Then no V8 task may be running on a worker thread at the fork (see
    // platform.h). After the TurboFan jobs: waiting for them needs workers.
    uint64_t quiesced = kenv8::NowNs();
    kenv8::BeforeFork();
    uint64_t gated = kenv8::NowNs();
    pid_t pid = fork();
    if (pid != 0) kenv8::AfterForkInParent();
    uint64_t forked = kenv8::NowNs();
    if (pid > 0 && kenv8::Config().fork_trace) {
        // What the pause is made of, for bench/ (never set in the product).
        std::fprintf(stderr, "kenv8: fork pause: quiesce %.2f ms, gate %.2f ms, fork() %.2f ms\n",
                     (quiesced - start) / 1e6, (gated - quiesced) / 1e6, (forked - gated) / 1e6);
    }
    if (pid < 0) {
        int err = errno;
        if (diag >= 0) close(diag);
        if (error != nullptr && error_len > 0) std::snprintf(error, error_len, "fork failed: %s", std::strerror(err));
        return -1;
    }
    if (pid == 0) {
        // The child. If the shell dies, a half-written checkpoint nobody will
        // rename is useless: die with it.
        kenv8::ForkedChild();
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(kenv8::kParentGone);
        // The parent's signal handlers belong to its runtime (.NET installs
        // handlers for SIGSEGV, SIGCHLD, SIGINT...) and would run code that
        // is not here. Ctrl-C in the terminal is the parent's to handle.
        for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP, SIGCHLD, SIGTERM,
                        SIGPIPE, SIGQUIT, SIGHUP}) {
            signal(sig, SIG_DFL);
        }
        signal(SIGINT, SIG_IGN);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        // The child must never write to the shell's stdout: that would be
        // output released before (or without) a commit. V8 prints some
        // diagnostics on stdout, so both streams go to the memfd.
        int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (devnull >= 0) dup2(devnull, 0);
        dup2(diag >= 0 ? diag : devnull, 1);
        dup2(diag >= 0 ? diag : devnull, 2);
        // Everything else the child inherited is the shell's: above all the
        // store lock's descriptor. An flock is held while any descriptor of
        // it is open, so a child still writing when the shell is killed
        // would keep the store locked (a restart saw "in use") until it
        // died in turn. The checkpoint file is opened after this.
        close_range(3, ~0U, 0);
        shell->WriteCheckpointAndExit(path, turn, store_id);
    }
    if (fork_ns != nullptr) *fork_ns = forked - start;
    if (diag >= 0) {
        std::lock_guard<std::mutex> lock(kenv8::g_diag_mutex);
        kenv8::g_diag_fds[pid] = diag;
    }
    *child = pid;
    return 0;
}

extern "C" int kenv8_checkpoint_wait(int pid, int timeout_ms, int* running, char* detail,
                                     size_t detail_len) {
    if (detail != nullptr && detail_len > 0) detail[0] = '\0';
    if (running != nullptr) *running = 0;
    int status = 0;
    pid_t done = 0;
    uint64_t deadline = kenv8::NowNs() + static_cast<uint64_t>(timeout_ms) * 1000000ull;
    useconds_t pause = 50;
    bool timed_out = false;
    int wait_errno = 0;
    for (;;) {
        done = waitpid(pid, &status, WNOHANG);
        if (done == pid) break;
        if (done < 0 && errno != EINTR) {
            // Not our child any more (or never was): nothing to reap. Fall
            // through so that its diagnostics fd is still released.
            status = -1;
            wait_errno = errno;
            break;
        }
        if (timeout_ms == 0) {
            if (running != nullptr) *running = 1;
            return 0;
        }
        if (kenv8::NowNs() >= deadline) {
            // A child that overruns its budget is a failed checkpoint, never
            // a hung shell.
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            timed_out = true;
            break;
        }
        usleep(pause);
        pause = pause * 2 > 2000 ? 2000 : pause * 2;
    }

    std::string captured;
    int diag = -1;
    {
        std::lock_guard<std::mutex> lock(kenv8::g_diag_mutex);
        auto it = kenv8::g_diag_fds.find(pid);
        if (it != kenv8::g_diag_fds.end()) {
            diag = it->second;
            kenv8::g_diag_fds.erase(it);
        }
    }
    if (diag >= 0) {
        char buf[8192];
        ssize_t n = pread(diag, buf, sizeof buf - 1, 0);
        if (n > 0) captured.assign(buf, static_cast<size_t>(n));
        close(diag);
    }
    bool ok = !timed_out && status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == kenv8::kOk;
    if (!ok && detail != nullptr) {
        // First meaningful lines of what the child said, plus how it ended.
        std::string how;
        if (timed_out) how = "timed out and was killed";
        else if (status == -1) how = std::string("could not be waited for (") + std::strerror(wait_errno) + ")";
        else if (WIFSIGNALED(status)) how = std::string("died of signal ") + strsignal(WTERMSIG(status));
        else how = "exited with status " + std::to_string(WEXITSTATUS(status));
        std::string text;
        size_t pos = 0;
        while (pos < captured.size()) {
            size_t end = captured.find('\n', pos);
            if (end == std::string::npos) end = captured.size();
            std::string line = captured.substr(pos, end - pos);
            pos = end + 1;
            // V8's fatal banner is lines of '#'; keep the text in them, and
            // stop at the native stack trace, which says nothing to a user.
            size_t first = line.find_first_not_of("# \t");
            if (first == std::string::npos) continue;
            line = line.substr(first);
            if (line.rfind("==== C stack trace", 0) == 0) break;
            if (line.rfind("Fatal error in", 0) == 0 || line.rfind("FailureMessage", 0) == 0 ||
                line.rfind(" - ", 0) == 0 || line.rfind("- ", 0) == 0) {
                continue;
            }
            if (!text.empty()) text += "; ";
            text += line;
            if (text.size() > 300) break;
        }
        std::snprintf(detail, detail_len, "checkpoint writer %s%s%s", how.c_str(),
                      text.empty() ? "" : ": ", text.c_str());
    }
    return ok ? 0 : -1;
}

extern "C" uint32_t kenv8_checkpoint_header_size(void) {
    return static_cast<uint32_t>(kenv8::kCheckpointHeaderSize);
}
