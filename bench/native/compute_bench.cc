// kenv8-compute: how fast JavaScript runs in kenshell next to a plain V8
// isolate of the same libnode (V8 10.2.154.26), alternating, in one run.
//
// Three engines, in this order in every round:
//   plain     v8::Isolate::New + Context::New, each file through
//             Script::Compile/Run (V8's samples/hello-world.cc).
//   kenshell  a libkenv8 shell (the SnapshotCreator isolate kenshell runs)
//             with the product runtime installed (src/KenShell/Runtime:
//             inspect.js + prelude.js, wrapped as Runtime/Prelude.cs does),
//             each file one turn through kenv8_shell_eval (REPL mode), the
//             results read back through console.log.
//   restored  the same shell checkpointed after loading (fork +
//             CreateBlob, as kenshell does in the background), destroyed,
//             and restored from the checkpoint file: what a user gets after
//             a restart.
// Workloads: the Octane 2.0 subset in bench/octane (score: higher is
// better) and bench/compute/mix.js (median of 3 timed runs after one
// warm-up; lower is better). Each engine's mix digest must equal the plain
// isolate's, or the run fails.
//
//   kenv8-compute --root REPO [--rounds N] [--skip-octane] [--skip-mix]
//
// With --memory N it measures something else: resident memory (VmRSS) of a
// process holding N small objects in a plain isolate, and of a process
// that restored a kenshell checkpoint holding the same N objects (each in
// a new process of its own, spawned from this binary).
//
//   kenv8-compute --root REPO --memory 2000000
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <v8.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "kenv8.h"

extern char** environ;

namespace {

double NowMs() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

std::string ReadFileOrDie(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "kenv8-compute: cannot read %s\n", path.c_str());
        std::exit(1);
    }
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

[[noreturn]] void Die(const std::string& what) {
    std::fprintf(stderr, "kenv8-compute: %s\n", what.c_str());
    std::exit(1);
}

const char* kOctaneFiles[] = {"base.js",   "richards.js",    "deltablue.js", "crypto.js",
                              "raytrace.js", "earley-boyer.js", "regexp.js",    "splay.js",
                              "navier-stokes.js"};

const char* kOctaneRun =
    "(() => { const out = []; BenchmarkSuite.RunSuites({"
    " NotifyResult(n, r) { out.push(n + '=' + r) },"
    " NotifyError(n, e) { out.push(n + '=ERROR ' + e) },"
    " NotifyScore(s) { out.push('Score=' + s) } }); return out.join(';'); })()";

class Engine {
public:
    virtual ~Engine() = default;
    virtual void Load(const std::string& source, const std::string& name) = 0;
    // String(value of expression).
    virtual std::string Value(const std::string& expression) = 0;
};

class PlainEngine final : public Engine {
public:
    PlainEngine() : allocator_(v8::ArrayBuffer::Allocator::NewDefaultAllocator()) {
        v8::Isolate::CreateParams params;
        params.array_buffer_allocator = allocator_.get();
        isolate_ = v8::Isolate::New(params);
        v8::Isolate::Scope isolate_scope(isolate_);
        v8::HandleScope handle_scope(isolate_);
        context_.Reset(isolate_, v8::Context::New(isolate_));
    }
    ~PlainEngine() override {
        context_.Reset();
        isolate_->Dispose();
    }
    void Load(const std::string& source, const std::string& name) override { Run(source, name); }
    std::string Value(const std::string& expression) override {
        return Run("String(" + expression + ")", "value");
    }

private:
    std::string Run(const std::string& source, const std::string& name) {
        v8::Isolate::Scope isolate_scope(isolate_);
        v8::HandleScope handle_scope(isolate_);
        v8::Local<v8::Context> context = context_.Get(isolate_);
        v8::Context::Scope context_scope(context);
        v8::TryCatch try_catch(isolate_);
        v8::ScriptOrigin origin(isolate_, v8::String::NewFromUtf8(isolate_, name.c_str()).ToLocalChecked());
        v8::Local<v8::Script> script;
        v8::Local<v8::Value> value;
        if (!v8::Script::Compile(context,
                                 v8::String::NewFromUtf8(isolate_, source.data(),
                                                         v8::NewStringType::kNormal,
                                                         static_cast<int>(source.size()))
                                     .ToLocalChecked(),
                                 &origin)
                 .ToLocal(&script) ||
            !script->Run(context).ToLocal(&value)) {
            v8::String::Utf8Value error(isolate_, try_catch.Exception());
            Die("plain isolate: " + name + ": " + (*error != nullptr ? *error : "?"));
        }
        v8::String::Utf8Value text(isolate_, value);
        return *text != nullptr ? *text : "";
    }

    std::unique_ptr<v8::ArrayBuffer::Allocator> allocator_;
    v8::Isolate* isolate_ = nullptr;
    v8::Global<v8::Context> context_;
};

class KenshellEngine final : public Engine {
public:
    // prelude: the product runtime; blob: a checkpoint's snapshot (empty for
    // a fresh shell).
    KenshellEngine(const std::string& prelude, const std::string& blob) {
        char err[1024] = "";
        shell_ = kenv8_shell_create(blob.empty() ? nullptr : reinterpret_cast<const uint8_t*>(blob.data()),
                                    blob.size(), err, sizeof err);
        if (shell_ == nullptr) Die(std::string("kenv8_shell_create: ") + err);
        if (blob.empty() &&
            kenv8_shell_install_prelude(shell_, prelude.data(), prelude.size(), err, sizeof err) != 0) {
            Die(std::string("prelude: ") + err);
        }
    }
    ~KenshellEngine() override { kenv8_shell_destroy(shell_); }
    kenv8_shell* shell() { return shell_; }

    void Load(const std::string& source, const std::string& name) override { Turn(source, name); }
    std::string Value(const std::string& expression) override {
        std::string out = Turn("console.log(String(" + expression + "))", "value");
        size_t nl = out.find('\n');
        return nl == std::string::npos ? out : out.substr(0, nl);
    }

private:
    std::string Turn(const std::string& source, const std::string& name) {
        kenv8_status status = kenv8_shell_eval(shell_, source.data(), source.size(), name.c_str());
        const uint8_t* data = nullptr;
        size_t len = kenv8_shell_output(shell_, &data);
        std::string out, err;
        for (size_t pos = 0; pos + 5 <= len;) {
            uint32_t n;
            std::memcpy(&n, data + pos + 1, 4);
            (data[pos] == KENV8_STDOUT ? out : err).append(reinterpret_cast<const char*>(data) + pos + 5, n);
            pos += 5 + n;
        }
        if (status != KENV8_OK) {
            Die("kenshell: " + name + ": status " + std::to_string(status) + ": " + err +
                kenv8_shell_last_error(shell_));
        }
        return out;
    }

    kenv8_shell* shell_ = nullptr;
};

struct Result {
    std::map<std::string, double> octane;  // name -> score, "Score" the total
    double mix_ms = 0;
    std::string digest;
};

void LoadAll(Engine& engine, const std::string& root, bool octane, bool mix) {
    if (octane) {
        for (const char* f : kOctaneFiles) engine.Load(ReadFileOrDie(root + "/bench/octane/" + f), f);
    }
    if (mix) engine.Load(ReadFileOrDie(root + "/bench/compute/mix.js"), "mix.js");
}

void Measure(Engine& engine, bool octane, bool mix, Result* result) {
    if (octane) {
        std::string text = engine.Value(kOctaneRun);
        std::stringstream ss(text);
        std::string item;
        while (std::getline(ss, item, ';')) {
            size_t eq = item.find('=');
            if (eq == std::string::npos || item.find("ERROR") != std::string::npos) Die("octane: " + item);
            result->octane[item.substr(0, eq)] = std::atof(item.c_str() + eq + 1);
        }
    }
    if (mix) {
        result->digest = engine.Value("computeMix()");  // warm-up
        std::vector<double> times;
        for (int i = 0; i < 3; ++i) {
            double t0 = NowMs();
            std::string digest = engine.Value("computeMix()");
            times.push_back(NowMs() - t0);
            if (digest != result->digest) Die("the mix digest changed between runs");
        }
        std::sort(times.begin(), times.end());
        result->mix_ms = times[1];
    }
}

double RssMb() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("VmRSS:", 0) == 0) return std::atof(line.c_str() + 6) / 1024.0;
    }
    return -1;
}

std::string DataScript(long n) {
    return "globalThis.data = []; for (let i = 0; i < " + std::to_string(n) +
           "; i++) data.push({ id: i, name: 'user' + i, score: i * 0.5 }); data.length";
}

const char* kTouch = "data.reduce((a, o) => a + o.id + o.name.length, 0)";

// One measurement, in this (spawned) process. Prints "rss_mb heap_mb touch".
int MemoryChild(const std::string& kind, long n, const std::string& file, const std::string& prelude) {
    kenv8_initialize();
    std::string touch;
    double heap_mb = 0;
    if (kind == "plain") {
        PlainEngine engine;
        engine.Load(DataScript(n), "data");
        touch = engine.Value(kTouch);
        std::printf("%.1f %.1f %s\n", RssMb(), 0.0, touch.c_str());
        return 0;
    }
    if (kind == "build") {
        KenshellEngine engine(prelude, "");
        engine.Load(DataScript(n), "data");
        uint8_t store_id[16] = {0};
        int pid = kenv8_shell_checkpoint_begin(engine.shell(), file.c_str(), 1, store_id, nullptr);
        char detail[512] = "";
        if (pid <= 0 || kenv8_checkpoint_wait(pid, 600000, detail, sizeof detail) != 1) {
            Die(std::string("checkpoint failed: ") + detail);
        }
        touch = engine.Value(kTouch);
        uint64_t used = 0;
        kenv8_shell_heap(engine.shell(), &used, nullptr);
        heap_mb = static_cast<double>(used) / 1048576.0;
        std::printf("%.1f %.1f %s\n", RssMb(), heap_mb, touch.c_str());
        return 0;
    }
    // restore: as the C# host does, the file is read, the blob handed over,
    // and the file's bytes dropped.
    std::unique_ptr<KenshellEngine> engine;
    {
        std::string bytes = ReadFileOrDie(file);
        std::string blob = bytes.substr(kenv8_checkpoint_header_size());
        bytes.clear();
        bytes.shrink_to_fit();
        engine = std::make_unique<KenshellEngine>(prelude, blob);
    }
    touch = engine->Value(kTouch);
    uint64_t used = 0;
    kenv8_shell_heap(engine->shell(), &used, nullptr);
    heap_mb = static_cast<double>(used) / 1048576.0;
    std::printf("%.1f %.1f %s\n", RssMb(), heap_mb, touch.c_str());
    return 0;
}

std::string SpawnSelf(const std::vector<std::string>& args) {
    char self[4096];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len <= 0) Die("readlink /proc/self/exe failed");
    self[len] = '\0';
    std::vector<char*> argv{self};
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    int fds[2];
    if (pipe(fds) != 0) Die("pipe failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    pid_t pid = 0;
    if (posix_spawn(&pid, self, &actions, nullptr, argv.data(), environ) != 0) Die("posix_spawn failed");
    close(fds[1]);
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) Die("memory child failed: " + args[1]);
    return out;
}

double Median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    size_t n = v.size();
    return n == 0 ? 0 : (n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2);
}

}  // namespace

int main(int argc, char** argv) {
    std::string root = ".";
    int rounds = 2;
    bool octane = true, mix = true;
    long memory_objects = 0;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--root" && i + 1 < argc) root = argv[++i];
        else if (a == "--rounds" && i + 1 < argc) rounds = std::max(1, std::atoi(argv[++i]));
        else if (a == "--skip-octane") octane = false;
        else if (a == "--skip-mix") mix = false;
        else if (a == "--memory" && i + 1 < argc) memory_objects = std::atol(argv[++i]);
        else if (a == "--memory-child" && i + 3 < argc) {
            std::string kind = argv[i + 1];
            long n = std::atol(argv[i + 2]);
            std::string file = argv[i + 3];
            i += 3;
            const std::string rt = root + "/src/KenShell/Runtime/";
            return MemoryChild(kind, n, file,
                               "(function (host) {\n'use strict';\n" + ReadFileOrDie(rt + "inspect.js") + "\n" +
                                   ReadFileOrDie(rt + "prelude.js") + "\n})");
        }
        else {
            std::fprintf(stderr, "usage: kenv8-compute --root REPO [--rounds N] [--skip-octane] [--skip-mix]\n");
            return 2;
        }
    }
    if (memory_objects > 0) {
        char dir[] = "/tmp/kenv8-memory-XXXXXX";
        if (mkdtemp(dir) == nullptr) Die("mkdtemp failed");
        const std::string file = std::string(dir) + "/mem.ckpt";
        const std::string n = std::to_string(memory_objects);
        std::printf("resident memory (VmRSS) with %s objects {id, name, score} in one array\n", n.c_str());
        std::string plain = SpawnSelf({"--root", root, "--memory-child", "plain", n, file});
        std::string built = SpawnSelf({"--root", root, "--memory-child", "build", n, file});
        std::string restored = SpawnSelf({"--root", root, "--memory-child", "restore", "0", file});
        struct stat st {};
        stat(file.c_str(), &st);
        unlink(file.c_str());
        rmdir(dir);
        double p_rss, b_rss, b_heap, r_rss, r_heap;
        char p_touch[64], b_touch[64], r_touch[64];
        std::sscanf(plain.c_str(), "%lf %*f %63s", &p_rss, p_touch);
        std::sscanf(built.c_str(), "%lf %lf %63s", &b_rss, &b_heap, b_touch);
        std::sscanf(restored.c_str(), "%lf %lf %63s", &r_rss, &r_heap, r_touch);
        if (std::strcmp(p_touch, r_touch) != 0 || std::strcmp(b_touch, r_touch) != 0) {
            Die(std::string("the restored data differ: ") + p_touch + " / " + b_touch + " / " + r_touch);
        }
        std::printf("  plain isolate, data built:       %7.1f MB\n", p_rss);
        std::printf("  kenshell, data built (fresh):    %7.1f MB  (heap used %.1f MB)\n", b_rss, b_heap);
        std::printf("  kenshell, restored from the checkpoint (%.1f MB file): %7.1f MB  (heap used %.1f MB)\n",
                    static_cast<double>(st.st_size) / 1048576.0, r_rss, r_heap);
        std::printf("  restored / plain: %.2fx\n", r_rss / p_rss);
        return 0;
    }
    kenv8_initialize();
    const std::string runtime = root + "/src/KenShell/Runtime/";
    // As src/KenShell/Runtime/Prelude.cs builds it.
    const std::string prelude = "(function (host) {\n'use strict';\n" + ReadFileOrDie(runtime + "inspect.js") +
                                "\n" + ReadFileOrDie(runtime + "prelude.js") + "\n})";
    char dir_template[] = "/tmp/kenv8-compute-XXXXXX";
    if (mkdtemp(dir_template) == nullptr) Die("mkdtemp failed");
    const std::string ckpt = std::string(dir_template) + "/bench.ckpt";

    std::printf("kenv8-compute: %s; engine %s\n", v8::V8::GetVersion(), kenv8_engine_id());
    std::printf("rounds: %d; engines alternate plain, kenshell, restored in every round\n\n", rounds);
    const char* names[] = {"plain", "kenshell", "restored"};
    std::vector<Result> all[3];
    for (int round = 1; round <= rounds; ++round) {
        for (int e = 0; e < 3; ++e) {
            Result r;
            if (e == 0) {
                PlainEngine engine;
                LoadAll(engine, root, octane, mix);
                Measure(engine, octane, mix, &r);
            } else if (e == 1) {
                KenshellEngine engine(prelude, "");
                LoadAll(engine, root, octane, mix);
                // The checkpoint the restored engine starts from: taken after
                // loading, before anything ran hot.
                uint8_t store_id[16] = {0};
                int pid = kenv8_shell_checkpoint_begin(engine.shell(), ckpt.c_str(), 1, store_id, nullptr);
                char detail[512] = "";
                if (pid <= 0 || kenv8_checkpoint_wait(pid, 120000, detail, sizeof detail) != 1) {
                    Die(std::string("checkpoint failed: ") + detail);
                }
                Measure(engine, octane, mix, &r);
            } else {
                std::string file = ReadFileOrDie(ckpt);
                KenshellEngine engine(prelude, file.substr(kenv8_checkpoint_header_size()));
                Measure(engine, octane, mix, &r);
            }
            std::printf("round %d  %-9s", round, names[e]);
            if (octane) std::printf("  Octane score %7.0f", r.octane["Score"]);
            if (mix) std::printf("  mix %7.1f ms", r.mix_ms);
            std::printf("\n");
            std::fflush(stdout);
            if (mix && e > 0 && r.digest != all[0].back().digest) {
                Die("the mix computed " + r.digest + " in " + names[e] + " but " + all[0].back().digest +
                    " in the plain isolate");
            }
            all[e].push_back(r);
        }
    }
    unlink(ckpt.c_str());
    rmdir(dir_template);

    std::printf("\nmedians over %d round(s); ratio = kenshell / plain (1.0 = as fast; higher is better)\n", rounds);
    if (octane) {
        std::printf("\n%-14s %10s %10s %7s %10s %7s\n", "Octane", "plain", "kenshell", "ratio", "restored", "ratio");
        std::vector<std::string> keys;
        for (auto& kv : all[0][0].octane) if (kv.first != "Score") keys.push_back(kv.first);
        keys.push_back("Score");
        for (const std::string& k : keys) {
            double m[3];
            for (int e = 0; e < 3; ++e) {
                std::vector<double> v;
                for (auto& r : all[e]) v.push_back(r.octane[k]);
                m[e] = Median(v);
            }
            std::printf("%-14s %10.0f %10.0f %6.2fx %10.0f %6.2fx\n", k.c_str(), m[0], m[1], m[1] / m[0], m[2],
                        m[2] / m[0]);
        }
    }
    if (mix) {
        double m[3];
        for (int e = 0; e < 3; ++e) {
            std::vector<double> v;
            for (auto& r : all[e]) v.push_back(r.mix_ms);
            m[e] = Median(v);
        }
        std::printf("\n%-14s %8.1f ms %8.1f ms %6.2fx %8.1f ms %6.2fx   (ratio = plain time / kenshell time)\n",
                    "compute mix", m[0], m[1], m[0] / m[1], m[2], m[0] / m[2]);
        std::printf("mix digest (equal in all engines): %s\n", all[0][0].digest.c_str());
    }
    return 0;
}
