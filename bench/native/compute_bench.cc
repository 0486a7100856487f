// kenv8-compute: how fast JavaScript runs in kenshell next to a plain V8
// isolate of the same libnode (V8 10.2.154.26), alternating, in one run.
//
// Three engines, in this order in every round:
//   plain     v8::Isolate::New + Context::New, each file through
//             Script::Compile/Run (V8's samples/hello-world.cc).
//   kenshell  a libkenv8 shell (the SnapshotCreator isolate kenshell runs)
//             with the product runtime installed (src/KenShell/Runtime:
//             inspect.js + prelude/*.js, wrapped as Runtime/Prelude.cs does),
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
#include <filesystem>
#include <cmath>
#include <utility>
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

// The runtime exactly as src/KenShell/Runtime/Prelude.cs builds it:
// inspect.js, then the prelude's sections in the order of their names
// (with the generated section 705, the vendored npm packages, that build.sh
// writes to build/runtime-npm/vendored.js).
std::string RuntimeSource(const std::string& root) {
    const std::string runtime = root + "/src/KenShell/Runtime/";
    std::vector<std::pair<std::string, std::string>> sections;  // name, path
    for (const auto& entry : std::filesystem::directory_iterator(runtime + "prelude")) {
        if (entry.path().extension() == ".js") sections.emplace_back(entry.path().filename().string(), entry.path().string());
    }
    sections.emplace_back("705-vendored.js", root + "/build/runtime-npm/vendored.js");
    std::sort(sections.begin(), sections.end());
    std::string source = "(function (host) {\n'use strict';\n" + ReadFileOrDie(runtime + "inspect.js") + "\n";
    for (const auto& section : sections) source += ReadFileOrDie(section.second);
    return source + "\n})";
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

void LoadAll(Engine& engine, const std::string& root, bool octane, bool mix) {
    if (octane) {
        for (const char* f : kOctaneFiles) engine.Load(ReadFileOrDie(root + "/bench/octane/" + f), f);
    }
    if (mix) engine.Load(ReadFileOrDie(root + "/bench/compute/mix.js"), "mix.js");
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
            return MemoryChild(kind, n, file, RuntimeSource(root));
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
    const std::string prelude = RuntimeSource(root);
    char dir_template[] = "/tmp/kenv8-compute-XXXXXX";
    if (mkdtemp(dir_template) == nullptr) Die("mkdtemp failed");
    const std::string ckpt = std::string(dir_template) + "/bench.ckpt";

    std::printf("kenv8-compute: %s; engine %s\n", v8::V8::GetVersion(), kenv8_engine_id());
    std::printf("rounds: %d; in every round each Octane benchmark and each mix call runs in plain, kenshell, "
                "restored in turn\n\n", rounds);
    const char* names[] = {"plain", "kenshell", "restored"};

    // All three engines live at once, so that they can take turns at a
    // fine grain: a shared machine's slow moments then hit all three alike.
    // Shells are created in this order and destroyed in reverse (a shell's
    // isolate stays entered on this thread while it lives).
    KenshellEngine fresh(prelude, "");
    LoadAll(fresh, root, octane, mix);
    {
        // The checkpoint the restored engine starts from: taken after
        // loading, before anything ran hot.
        uint8_t store_id[16] = {0};
        int pid = kenv8_shell_checkpoint_begin(fresh.shell(), ckpt.c_str(), 1, store_id, nullptr);
        char detail[512] = "";
        if (pid <= 0 || kenv8_checkpoint_wait(pid, 120000, detail, sizeof detail) != 1) {
            Die(std::string("checkpoint failed: ") + detail);
        }
    }
    std::string file = ReadFileOrDie(ckpt);
    KenshellEngine restored(prelude, file.substr(kenv8_checkpoint_header_size()));
    file.clear();
    unlink(ckpt.c_str());
    rmdir(dir_template);
    PlainEngine plain;
    LoadAll(plain, root, octane, mix);
    Engine* engines[3] = {&plain, &fresh, &restored};

    // name -> per engine, per round
    std::map<std::string, std::vector<double>> scores[3];
    std::vector<double> mix_ms[3];
    std::string digest[3];
    const char* suites[] = {"Richards", "DeltaBlue", "Crypto", "RayTrace", "EarleyBoyer",
                            "RegExp", "Splay", "NavierStokes"};
    for (int round = 1; round <= rounds; ++round) {
        if (octane) {
            for (const char* suite : suites) {
                std::string skip = "[";
                for (const char* other : suites) {
                    if (std::strcmp(other, suite) != 0) skip += std::string(skip.size() > 1 ? "," : "") + "'" + other + "'";
                }
                skip += "]";
                std::string run = std::string(kOctaneRun);
                run.replace(run.rfind("}); return"), 3, "}, " + skip + ");");
                for (int e = 0; e < 3; ++e) {
                    std::string text = engines[e]->Value(run);
                    std::stringstream ss(text);
                    std::string item;
                    while (std::getline(ss, item, ';')) {
                        size_t eq = item.find('=');
                        if (eq == std::string::npos || item.find("ERROR") != std::string::npos) Die("octane: " + item);
                        std::string key = item.substr(0, eq);
                        std::string value = item.substr(eq + 1);
                        if (key != "Score" && value != "Skipped") scores[e][key].push_back(std::atof(value.c_str()));
                    }
                }
            }
        }
        if (mix) {
            for (int e = 0; e < 3; ++e) {
                if (round == 1) digest[e] = engines[e]->Value("computeMix()");  // warm-up
            }
            for (int i = 0; i < 3; ++i) {
                for (int e = 0; e < 3; ++e) {
                    double t0 = NowMs();
                    std::string d = engines[e]->Value("computeMix()");
                    mix_ms[e].push_back(NowMs() - t0);
                    if (d != digest[0]) {
                        Die("the mix computed " + d + " in " + names[e] + " but " + digest[0] +
                            " in the plain isolate");
                    }
                }
            }
        }
        std::printf("round %d:", round);
        for (int e = 0; e < 3; ++e) {
            std::printf("  %s", names[e]);
            if (octane) {
                double log_sum = 0;
                int count = 0;
                for (auto& kv : scores[e]) {
                    log_sum += std::log(kv.second.back());
                    ++count;
                }
                std::printf(" Octane %.0f", count ? std::exp(log_sum / count) : 0.0);
            }
            if (mix) std::printf(" mix %.1f ms", mix_ms[e].back());
            std::printf(";");
        }
        std::printf("\n");
        std::fflush(stdout);
    }

    std::printf("\nmedians over %d round(s); ratio = kenshell / plain (1.00x = as fast; higher is better)\n",
                rounds);
    if (octane) {
        std::printf("\n%-14s %10s %10s %7s %10s %7s\n", "Octane", "plain", "kenshell", "ratio", "restored",
                    "ratio");
        double log_sum[3] = {0, 0, 0};
        int count = 0;
        for (auto& kv : scores[0]) {
            double m[3];
            for (int e = 0; e < 3; ++e) {
                m[e] = Median(scores[e][kv.first]);
                log_sum[e] += std::log(m[e]);
            }
            ++count;
            std::printf("%-14s %10.0f %10.0f %6.2fx %10.0f %6.2fx\n", kv.first.c_str(), m[0], m[1], m[1] / m[0],
                        m[2], m[2] / m[0]);
        }
        double g[3];
        for (int e = 0; e < 3; ++e) g[e] = std::exp(log_sum[e] / count);
        std::printf("%-14s %10.0f %10.0f %6.2fx %10.0f %6.2fx   (geometric mean, as Octane's score)\n", "Score",
                    g[0], g[1], g[1] / g[0], g[2], g[2] / g[0]);
    }
    if (mix) {
        double m[3];
        for (int e = 0; e < 3; ++e) m[e] = Median(mix_ms[e]);
        std::printf("\n%-14s %8.1f ms %8.1f ms %6.2fx %8.1f ms %6.2fx   (median of %d calls each; ratio = plain "
                    "time / kenshell time)\n",
                    "compute mix", m[0], m[1], m[0] / m[1], m[2], m[0] / m[2], 3 * rounds);
        std::printf("mix digest (equal in all engines): %s\n", digest[0].c_str());
    }
    return 0;
}
