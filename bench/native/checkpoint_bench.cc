// kenv8-bench: what a checkpoint costs, by heap size.
//
// For heaps of about 1..200 MB it measures, in one process and with one V8
// (libnode's, initialized once by kenv8_initialize):
//   - the workload script's run time in a plain V8 isolate (Isolate::New,
//     Context::New, Script::Compile/Run, as in V8's samples/hello-world.cc),
//   - the same script's run time in a kenv8 shell (kenv8_shell_eval),
//   - the used heap after building it,
//   - the fork pause of kenv8_shell_checkpoint_begin in the parent,
//   - the checkpoint's total time (begin -> kenv8_checkpoint_wait says 1)
//     and the file size,
//   - the restore: read the file, kenv8_shell_create from the blob, first
//     eval touching the data; the restored data is verified.
// See bench/README.md for the columns.
//
// Plain isolates are measured first, for every size, while no kenv8 shell
// exists: a shell's isolate stays entered on this thread for as long as the
// shell lives, so the two kinds are never alive at the same time. Shells
// are likewise created and destroyed one at a time (LIFO is not needed then).
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <v8.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "kenv8.h"

namespace {

// ---------------------------------------------------------------- helpers

uint64_t NowNs() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

double Ms(uint64_t ns) { return static_cast<double>(ns) / 1e6; }
double MiB(uint64_t bytes) { return static_cast<double>(bytes) / (1024.0 * 1024.0); }

// What to remove if the benchmark fails half-way.
std::string g_cleanup_file;
std::string g_cleanup_dir;

void Cleanup() {
    if (!g_cleanup_file.empty()) unlink(g_cleanup_file.c_str());
    if (!g_cleanup_dir.empty()) rmdir(g_cleanup_dir.c_str());
}

[[noreturn]] void Die(const char* fmt, ...) {
    std::fflush(stdout);
    Cleanup();
    std::fprintf(stderr, "FAIL: ");
    va_list ap;
    va_start(ap, fmt);
    std::vfprintf(stderr, fmt, ap);
    va_end(ap);
    std::fprintf(stderr, "\n");
    std::printf("FAIL\n");
    std::fflush(stdout);
    std::exit(1);
}

struct Stats {
    double median = 0, min = 0, max = 0;
};

Stats Summarize(std::vector<double> v) {
    Stats s;
    if (v.empty()) return s;
    std::sort(v.begin(), v.end());
    size_t n = v.size();
    s.median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
    s.min = v.front();
    s.max = v.back();
    return s;
}

// ---------------------------------------------------------------- the workload

// Builds `data`: n records, each a small object with a few properties, two
// short strings, a small nested array and a nested object; every 4th has a
// longer string, every 16th a nested array of arrays. Also defines
// checksum(), which walks all of it (to verify a restored heap). The
// completion value is data.length.
std::string WorkloadSource(uint64_t n) {
    char head[64];
    std::snprintf(head, sizeof head, "(function () {\n  const n = %" PRIu64 ";\n", n);
    return std::string(head) + R"JS(  const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel'];
  const data = new Array(n);
  for (let i = 0; i < n; i++) {
    const o = {
      id: i,
      name: 'item-' + i,
      score: ((i * 7919) % 1000) / 10,
      tags: [words[i % 8], words[(i * 3) % 8]],
      pos: { x: i % 640, y: (i / 640) | 0 },
    };
    if (i % 4 === 0) o.note = 'note ' + i + ': ' + words[i % 8].repeat(3);
    if (i % 16 === 0) o.history = [[i, i + 1], [i + 2, i + 3], [i + 4]];
    data[i] = o;
  }
  globalThis.data = data;
  globalThis.checksum = function () {
    let sum = 0, chars = 0;
    for (let i = 0; i < data.length; i++) {
      const o = data[i];
      sum += o.id + o.score * 10 + o.pos.x + o.pos.y + o.tags.length;
      chars += o.name.length + o.tags[0].length + o.tags[1].length;
      if (o.note !== undefined) chars += o.note.length + o.note.charCodeAt(o.note.length - 1);
      if (o.history !== undefined) sum += o.history[2][0] - o.history[0][1] + o.history.length;
    }
    return data.length + ':' + sum + ':' + chars;
  };
  return data.length;
})()
)JS";
}

// A minimal prelude (after native/tests/shell_tests.cc): prints the turn's
// completion value as String(value), or "Uncaught ...".
const char* kPrelude = R"JS(
(function (host) {
  return {
    finishTurn(p) {
      const [state, r] = host.promiseState(p);
      if (state === 1) { host.print(1, String(r && r['.repl_result'])); return 0; }
      if (state === 2) { host.print(2, 'Uncaught ' + String(r)); return 1; }
      host.print(2, 'PENDING'); return 2;
    },
    uncaught(e) { host.print(2, 'Uncaught ' + String(e)); },
    syntaxError(e) { host.print(2, 'SyntaxError: ' + e.message); },
    beforeSnapshot() {},
  };
})
)JS";

// ---------------------------------------------------------------- kenv8 shells

struct ShellDeleter {
    void operator()(kenv8_shell* s) const { kenv8_shell_destroy(s); }
};
using ShellPtr = std::unique_ptr<kenv8_shell, ShellDeleter>;

ShellPtr NewShell(const uint8_t* blob, size_t len) {
    char err[512] = {0};
    kenv8_shell* s = nullptr;
    if (kenv8_shell_create(blob, len, &s, err, sizeof err) != 0) Die("kenv8_shell_create(%s): %s", blob ? "blob" : "fresh", err);
    return ShellPtr(s);
}

ShellPtr NewFreshShell() {
    ShellPtr s = NewShell(nullptr, 0);
    char err[512] = {0};
    if (kenv8_shell_install_prelude(s.get(), kPrelude, std::strlen(kPrelude), err, sizeof err) != 0) {
        Die("kenv8_shell_install_prelude: %s", err);
    }
    return s;
}

// Concatenated text of the last turn's output records of one stream.
std::string Output(kenv8_shell* s, int stream) {
    const uint8_t* p = nullptr;
    size_t n = kenv8_shell_output(s, &p);
    std::string out;
    size_t i = 0;
    while (i + 5 <= n) {
        uint32_t len;
        std::memcpy(&len, p + i + 1, 4);
        if (i + 5 + len > n) break;
        if (p[i] == stream) out.append(reinterpret_cast<const char*>(p) + i + 5, len);
        i += 5 + len;
    }
    return out;
}

// Runs one turn that must succeed; returns its printed completion value.
std::string Eval(kenv8_shell* s, const std::string& source, const char* what) {
    kenv8_status st = kenv8_shell_eval(s, source.data(), source.size(), "bench");
    if (st != KENV8_OK) {
        Die("%s: status %d: %s%s", what, static_cast<int>(st), Output(s, KENV8_STDERR).c_str(),
            kenv8_shell_last_error(s));
    }
    return Output(s, KENV8_STDOUT);
}

uint64_t HeapUsed(kenv8_shell* s) {
    uint64_t used = 0, total = 0;
    kenv8_shell_heap(s, &used, &total);
    return used;
}

// ---------------------------------------------------------------- plain V8

// Runs `source` in a new plain isolate; returns compile+run time in ns and
// the completion value in *result.
uint64_t RunPlain(v8::ArrayBuffer::Allocator* allocator, const std::string& source,
                  double* result, uint64_t* heap_used) {
    v8::Isolate::CreateParams params;
    params.array_buffer_allocator = allocator;
    v8::Isolate* isolate = v8::Isolate::New(params);
    if (isolate == nullptr) Die("v8::Isolate::New failed");
    uint64_t elapsed = 0;
    {
        v8::Isolate::Scope isolate_scope(isolate);
        v8::HandleScope handle_scope(isolate);
        v8::Local<v8::Context> context = v8::Context::New(isolate);
        v8::Context::Scope context_scope(context);
        v8::TryCatch try_catch(isolate);

        uint64_t start = NowNs();
        v8::Local<v8::String> code;
        v8::Local<v8::Script> script;
        v8::Local<v8::Value> value;
        if (!v8::String::NewFromUtf8(isolate, source.data(), v8::NewStringType::kNormal,
                                     static_cast<int>(source.size()))
                 .ToLocal(&code) ||
            !v8::Script::Compile(context, code).ToLocal(&script) ||
            !script->Run(context).ToLocal(&value)) {
            v8::String::Utf8Value text(isolate, try_catch.Exception());
            Die("plain isolate: the workload threw: %s", *text ? *text : "?");
        }
        elapsed = NowNs() - start;
        *result = value->NumberValue(context).FromMaybe(-1);
        v8::HeapStatistics stats;
        isolate->GetHeapStatistics(&stats);
        *heap_used = stats.used_heap_size();
    }
    isolate->Dispose();
    return elapsed;
}

// ---------------------------------------------------------------- disk floor

// Median time of a 100-byte append + fdatasync, over `count` samples.
double DiskFloorMs(const std::string& dir, int count) {
    std::string path = dir + "/disk-floor.log";
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) Die("open %s: %s", path.c_str(), std::strerror(errno));
    char record[100];
    std::memset(record, 'x', sizeof record);
    record[sizeof record - 1] = '\n';
    std::vector<double> samples;
    for (int i = 0; i < count + 5; ++i) {
        uint64_t start = NowNs();
        if (write(fd, record, sizeof record) != static_cast<ssize_t>(sizeof record)) {
            Die("write %s: %s", path.c_str(), std::strerror(errno));
        }
        if (fdatasync(fd) != 0) Die("fdatasync %s: %s", path.c_str(), std::strerror(errno));
        if (i >= 5) samples.push_back(Ms(NowNs() - start));  // first few: warm-up
    }
    close(fd);
    unlink(path.c_str());
    return Summarize(samples).median;
}

// ---------------------------------------------------------------- reading

std::string ReadFile(const std::string& path) {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) Die("open %s: %s", path.c_str(), std::strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) Die("fstat %s: %s", path.c_str(), std::strerror(errno));
    std::string data(static_cast<size_t>(st.st_size), '\0');
    size_t done = 0;
    while (done < data.size()) {
        ssize_t n = read(fd, &data[done], data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) Die("read %s: %s", path.c_str(), n == 0 ? "short file" : std::strerror(errno));
        done += static_cast<size_t>(n);
    }
    close(fd);
    return data;
}

// ---------------------------------------------------------------- options

struct Options {
    std::vector<double> sizes_mb{1, 8, 32, 64, 128, 200};
    int reps = 3;
    int fork_only = 0;
    std::string dir;
};

void Usage(FILE* to) {
    std::fprintf(to,
                 "usage: kenv8-bench [--sizes 1,8,32,64,128,200] [--reps N] [--dir DIR]\n"
                 "  --sizes  target used-heap sizes in MB (comma-separated)\n"
                 "  --reps   repetitions per size (default 3); medians and min..max are shown\n"
                 "  --dir    where checkpoint files go (default: a fresh mkdtemp under /tmp,\n"
                 "           removed afterwards); the files are deleted either way\n"
                 "  --fork-only N  only the fork pause: one kenv8 shell per size, N checkpoints\n"
                 "           begun and their children killed at once (KENV8_FORK_TRACE=1 also\n"
                 "           prints what each pause is made of)\n");
}

Options ParseArgs(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto is = [&](const char* name) {
            return a == name || a.rfind(std::string(name) + "=", 0) == 0;
        };
        auto value = [&](const char* name) -> std::string {
            std::string prefix = std::string(name) + "=";
            if (a.rfind(prefix, 0) == 0) return a.substr(prefix.size());
            if (i + 1 >= argc) {
                std::fprintf(stderr, "%s needs a value\n", name);
                Usage(stderr);
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "-h" || a == "--help") {
            Usage(stdout);
            std::exit(0);
        } else if (is("--sizes")) {
            std::string list = value("--sizes");
            o.sizes_mb.clear();
            size_t pos = 0;
            while (pos <= list.size()) {
                size_t end = list.find(',', pos);
                if (end == std::string::npos) end = list.size();
                std::string item = list.substr(pos, end - pos);
                char* rest = nullptr;
                double mb = std::strtod(item.c_str(), &rest);
                if (item.empty() || *rest != '\0' || !(mb > 0) || mb > 4096) {
                    std::fprintf(stderr, "bad size '%s' in --sizes\n", item.c_str());
                    std::exit(2);
                }
                o.sizes_mb.push_back(mb);
                pos = end + 1;
            }
        } else if (is("--reps")) {
            std::string v = value("--reps");
            char* rest = nullptr;
            long n = std::strtol(v.c_str(), &rest, 10);
            if (v.empty() || *rest != '\0' || n < 1 || n > 1000) {
                std::fprintf(stderr, "bad --reps '%s'\n", v.c_str());
                std::exit(2);
            }
            o.reps = static_cast<int>(n);
        } else if (is("--dir")) {
            o.dir = value("--dir");
        } else if (is("--fork-only")) {
            std::string v = value("--fork-only");
            char* rest = nullptr;
            long n = std::strtol(v.c_str(), &rest, 10);
            if (v.empty() || *rest != '\0' || n < 1 || n > 1000) {
                std::fprintf(stderr, "bad --fork-only '%s'\n", v.c_str());
                std::exit(2);
            }
            o.fork_only = static_cast<int>(n);
        } else {
            std::fprintf(stderr, "unknown argument '%s'\n", a.c_str());
            Usage(stderr);
            std::exit(2);
        }
    }
    return o;
}

// ---------------------------------------------------------------- calibration

// used_heap(n) ~= base + n * per_item, fitted on two fresh shells.
struct Model {
    double base = 0;
    double per_item = 0;
    uint64_t fresh = 0;  // used heap of a fresh shell with the prelude
};

Model Calibrate() {
    const uint64_t n1 = 20000, n2 = 200000;
    uint64_t used[2];
    uint64_t ns[2] = {n1, n2};
    Model m;
    for (int k = 0; k < 2; ++k) {
        ShellPtr s = NewFreshShell();
        if (k == 0) m.fresh = HeapUsed(s.get());
        Eval(s.get(), WorkloadSource(ns[k]), "calibration");
        used[k] = HeapUsed(s.get());
    }
    m.per_item = (static_cast<double>(used[1]) - static_cast<double>(used[0])) /
                 static_cast<double>(n2 - n1);
    m.base = static_cast<double>(used[0]) - m.per_item * static_cast<double>(n1);
    if (!(m.per_item > 0)) Die("calibration: heap did not grow with the workload");
    return m;
}

uint64_t ItemsFor(const Model& m, double target_mb) {
    double want = target_mb * 1024 * 1024 - m.base;
    double n = want / m.per_item;
    return n < 100 ? 100 : static_cast<uint64_t>(n);
}

// ---------------------------------------------------------------- results

struct Row {
    double target_mb = 0;
    uint64_t items = 0;
    std::vector<double> plain_ms, shell_ms, heap_mb, fork_ms, ckpt_ms, file_mb, read_ms,
        create_ms, first_ms, restore_ms;
};

struct Column {
    const char* title;
    std::vector<double> Row::*values;
    int precision;
};

const Column kColumns[] = {
    {"heap MB", &Row::heap_mb, 1},   {"plain ms", &Row::plain_ms, 1}, {"kenv8 ms", &Row::shell_ms, 1},
    {"fork ms", &Row::fork_ms, 2},   {"ckpt ms", &Row::ckpt_ms, 1},   {"file MB", &Row::file_mb, 1},
    {"read ms", &Row::read_ms, 1},   {"create ms", &Row::create_ms, 1},
    {"1st ms", &Row::first_ms, 2},   {"restore ms", &Row::restore_ms, 1},
};

// Prints one table: medians, or min..max when `spread`. Columns are as wide
// as their widest cell.
void PrintTable(const std::vector<Row>& rows, bool spread) {
    std::vector<std::string> titles{"target", "items"};
    for (const Column& c : kColumns) titles.push_back(c.title);
    std::vector<std::vector<std::string>> cells;
    for (const Row& r : rows) {
        std::vector<std::string> line;
        char buf[64];
        std::snprintf(buf, sizeof buf, "%gMB", r.target_mb);
        line.push_back(buf);
        line.push_back(std::to_string(r.items));
        for (const Column& c : kColumns) {
            Stats s = Summarize(r.*(c.values));
            if (spread) {
                std::snprintf(buf, sizeof buf, "%.*f..%.*f", c.precision, s.min, c.precision, s.max);
            } else {
                std::snprintf(buf, sizeof buf, "%.*f", c.precision, s.median);
            }
            line.push_back(buf);
        }
        cells.push_back(line);
    }
    std::vector<size_t> width;
    for (const std::string& t : titles) width.push_back(t.size());
    for (const auto& line : cells) {
        for (size_t i = 0; i < line.size(); ++i) width[i] = std::max(width[i], line[i].size());
    }
    for (size_t i = 0; i < titles.size(); ++i) {
        std::printf("%s%*s", i ? "  " : "", static_cast<int>(width[i]), titles[i].c_str());
    }
    std::printf("\n");
    for (const auto& line : cells) {
        for (size_t i = 0; i < line.size(); ++i) {
            std::printf("%s%*s", i ? "  " : "", static_cast<int>(width[i]), line[i].c_str());
        }
        std::printf("\n");
    }
}

// Lines of /proc/self/maps and resident MB: what fork() copies.
void MappingFigures(size_t* mappings, double* resident_mb, double* huge_mb) {
    *huge_mb = 0;
    if (FILE* f = std::fopen("/proc/self/smaps_rollup", "r")) {
        char line[256];
        long kb = 0;
        while (std::fgets(line, sizeof line, f) != nullptr) {
            if (std::sscanf(line, "AnonHugePages: %ld kB", &kb) == 1) *huge_mb = kb / 1024.0;
        }
        std::fclose(f);
    }
    *mappings = 0;
    if (FILE* f = std::fopen("/proc/self/maps", "r")) {
        for (int c; (c = std::fgetc(f)) != EOF;) *mappings += c == '\n';
        std::fclose(f);
    }
    *resident_mb = 0;
    if (FILE* f = std::fopen("/proc/self/statm", "r")) {
        long size = 0, resident = 0;
        if (std::fscanf(f, "%ld %ld", &size, &resident) == 2) {
            *resident_mb = resident * (sysconf(_SC_PAGESIZE) / (1024.0 * 1024.0));
        }
        std::fclose(f);
    }
}

int ForkOnly(const Options& opt, const Model& model) {
    const uint8_t store_id[16] = {'k', 'e', 'n', 'v', '8', '-', 'f', 'o', 'r', 'k', 0, 0, 0, 0, 0, 1};
    std::printf("\nfork pause only (%d forks per size, children killed at once):\n", opt.fork_only);
    std::printf("%8s  %8s  %8s  %9s  %9s  %9s  %9s  %9s\n", "target", "heap MB", "rss MB", "huge MB", "mappings",
                "median ms", "min ms", "max ms");
    for (double mb : opt.sizes_mb) {
        ShellPtr shell = NewFreshShell();
        uint64_t items = ItemsFor(model, mb);
        std::string out = Eval(shell.get(), WorkloadSource(items), "workload");
        if (out != std::to_string(items)) Die("kenv8 shell: workload printed '%s'", out.c_str());
        std::vector<double> pauses;
        size_t mappings = 0;
        double resident = 0, huge = 0;
        MappingFigures(&mappings, &resident, &huge);
        for (int i = 0; i < opt.fork_only; ++i) {
            std::string path = opt.dir + "/fork-only.tmp";
            uint64_t fork_ns = 0;
            int pid = 0;
            char detail[512] = {0};
            if (kenv8_shell_checkpoint_begin(shell.get(), path.c_str(), static_cast<uint64_t>(i + 1), store_id, &pid,
                                             &fork_ns, detail, sizeof detail) != 0) {
                Die("kenv8_shell_checkpoint_begin: %s", detail);
            }
            kill(pid, SIGKILL);
            kenv8_checkpoint_wait(pid, 60000, nullptr, detail, sizeof detail);
            unlink(path.c_str());
            pauses.push_back(Ms(fork_ns));
            usleep(50000);
        }
        std::sort(pauses.begin(), pauses.end());
        std::printf("%6gMB  %8.1f  %8.1f  %9.1f  %9zu  %9.2f  %9.2f  %9.2f\n", mb, MiB(HeapUsed(shell.get())),
                    resident, huge, mappings, pauses[pauses.size() / 2], pauses.front(), pauses.back());
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    setvbuf(stdout, nullptr, _IOLBF, 0);
    Options opt = ParseArgs(argc, argv);

    bool own_dir = opt.dir.empty();
    if (own_dir) {
        char tmpl[] = "/tmp/kenv8-bench-XXXXXX";
        if (mkdtemp(tmpl) == nullptr) Die("mkdtemp: %s", std::strerror(errno));
        opt.dir = tmpl;
        g_cleanup_dir = opt.dir;
    } else {
        struct stat st;
        if (stat(opt.dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
            Die("--dir %s is not a directory", opt.dir.c_str());
        }
    }

    {
        // The library reads no environment: the benchmark's switches are read here.
        const char* chunks = std::getenv("KENV8_HEAP_CHUNKS");
        char err[256] = {0};
        if (kenv8_configure(nullptr, 0, chunks == nullptr || std::strcmp(chunks, "0") != 0,
                            std::getenv("KENV8_FORK_TRACE") != nullptr, err, sizeof err) != 0) {
            Die("kenv8_configure: %s", err);
        }
    }
    if (kenv8_initialize() != 0) Die("kenv8_initialize failed");

    std::printf("kenv8-bench: %s; %ld CPUs; reps %d; dir %s\n", kenv8_engine_id(),
                sysconf(_SC_NPROCESSORS_ONLN), opt.reps, opt.dir.c_str());
    double floor_ms = DiskFloorMs(opt.dir, 200);
    std::printf("disk floor: 100-byte append + fdatasync in %s: %.3f ms (median of 200)\n",
                opt.dir.c_str(), floor_ms);

    // Heap model, from two shells that are gone before anything else runs.
    Model model = Calibrate();
    std::printf("calibration: fresh shell %.2f MB used; heap ~ %.2f MB + %.1f bytes per record\n",
                MiB(model.fresh), model.base / (1024.0 * 1024.0), model.per_item);

    if (opt.fork_only > 0) return ForkOnly(opt, model);

    std::vector<Row> rows;
    for (double mb : opt.sizes_mb) {
        Row r;
        r.target_mb = mb;
        r.items = ItemsFor(model, mb);
        rows.push_back(r);
    }

    // Phase 1: plain isolates (no kenv8 shell exists now).
    {
        std::unique_ptr<v8::ArrayBuffer::Allocator> allocator(
            v8::ArrayBuffer::Allocator::NewDefaultAllocator());
        for (Row& r : rows) {
            std::string source = WorkloadSource(r.items);
            for (int rep = 0; rep < opt.reps; ++rep) {
                double result = 0;
                uint64_t used = 0;
                uint64_t ns = RunPlain(allocator.get(), source, &result, &used);
                if (result != static_cast<double>(r.items)) {
                    Die("plain isolate: workload returned %g, expected %" PRIu64, result, r.items);
                }
                r.plain_ms.push_back(Ms(ns));
            }
            std::fprintf(stderr, "[plain] %gMB done\n", r.target_mb);
        }
    }

    // Phase 2: kenv8 shells, one at a time.
    const uint8_t store_id[16] = {'k', 'e', 'n', 'v', '8', '-', 'b', 'e',
                                  'n', 'c', 'h', 0,   0,   0,   0,   1};
    const uint32_t header_size = kenv8_checkpoint_header_size();
    for (Row& r : rows) {
        std::string source = WorkloadSource(r.items);
        std::string expected_length = std::to_string(r.items);
        for (int rep = 0; rep < opt.reps; ++rep) {
            char name[64];
            std::snprintf(name, sizeof name, "/ckpt-%g-%d.tmp", r.target_mb, rep);
            std::string path = opt.dir + name;
            g_cleanup_file = path;
            std::string expected_sum;
            {
                ShellPtr shell = NewFreshShell();
                uint64_t start = NowNs();
                std::string out = Eval(shell.get(), source, "workload");
                r.shell_ms.push_back(Ms(NowNs() - start));
                if (out != expected_length) {
                    Die("kenv8 shell: workload printed '%s', expected %s", out.c_str(),
                        expected_length.c_str());
                }
                r.heap_mb.push_back(MiB(HeapUsed(shell.get())));
                expected_sum = Eval(shell.get(), "checksum()", "checksum");

                uint64_t fork_ns = 0;
                start = NowNs();
                int pid = 0;
                char detail[512] = {0};
                if (kenv8_shell_checkpoint_begin(shell.get(), path.c_str(), static_cast<uint64_t>(rep + 1),
                                                 store_id, &pid, &fork_ns, detail, sizeof detail) != 0) {
                    Die("kenv8_shell_checkpoint_begin: %s", detail);
                }
                // Poll without blocking (kenv8_checkpoint_wait's own backoff
                // sleeps up to 3.2 ms, too coarse for small heaps).
                int rc, running = 0;
                const uint64_t deadline = start + 600ull * 1000000000ull;
                while ((rc = kenv8_checkpoint_wait(pid, 0, &running, detail, sizeof detail)) == 0 && running) {
                    if (NowNs() > deadline) {
                        rc = kenv8_checkpoint_wait(pid, 1, nullptr, detail, sizeof detail);
                        break;
                    }
                    usleep(100);
                }
                uint64_t total_ns = NowNs() - start;
                if (rc != 0) Die("checkpoint of %gMB failed (%d): %s", r.target_mb, rc, detail);
                r.fork_ms.push_back(Ms(fork_ns));
                r.ckpt_ms.push_back(Ms(total_ns));
                struct stat st;
                if (stat(path.c_str(), &st) != 0) Die("stat %s: %s", path.c_str(), std::strerror(errno));
                if (static_cast<uint64_t>(st.st_size) <= header_size) {
                    Die("checkpoint file %s has only %lld bytes", path.c_str(),
                        static_cast<long long>(st.st_size));
                }
                r.file_mb.push_back(MiB(static_cast<uint64_t>(st.st_size)));
            }  // the original shell is destroyed before the restore

            {
                uint64_t start = NowNs();
                std::string file = ReadFile(path);
                uint64_t read_done = NowNs();
                ShellPtr restored = NewShell(reinterpret_cast<const uint8_t*>(file.data()) + header_size,
                                             file.size() - header_size);
                uint64_t created = NowNs();
                std::string length = Eval(restored.get(), "data.length", "first eval");
                uint64_t first_done = NowNs();
                r.read_ms.push_back(Ms(read_done - start));
                r.create_ms.push_back(Ms(created - read_done));
                r.first_ms.push_back(Ms(first_done - created));
                r.restore_ms.push_back(Ms(first_done - start));
                if (length != expected_length) {
                    Die("restored %gMB: data.length is '%s', expected %s", r.target_mb,
                        length.c_str(), expected_length.c_str());
                }
                std::string sum = Eval(restored.get(), "checksum()", "verify");
                if (sum != expected_sum) {
                    Die("restored %gMB: checksum() is '%s', expected '%s'", r.target_mb,
                        sum.c_str(), expected_sum.c_str());
                }
            }
            unlink(path.c_str());
            g_cleanup_file.clear();
        }
        std::fprintf(stderr, "[kenv8] %gMB done\n", r.target_mb);
    }

    std::printf("\nmedians over %d reps:\n", opt.reps);
    PrintTable(rows, false);
    std::printf("\nmin..max:\n");
    PrintTable(rows, true);
    std::printf("\nall restored heaps verified (data.length and checksum()).\n");

    Cleanup();
    return 0;
}
