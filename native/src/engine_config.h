// The engine's process-wide settings, handed over by the host through
// kenv8_configure before the engine is first used. The native library reads
// no environment variable of its own: the C# host reads the environment in
// one place (src/KenShell/Cli/ShellOptions.cs) and passes the values here;
// the native tools and benchmarks read theirs in their main().
#pragma once

#include <string>

namespace kenv8 {

struct EngineConfig {
    std::string v8_flags;       // extra V8 flags (tests: a small heap limit)
    bool engine_compat = false; // engine tuning off (compatibility mode)
    bool heap_chunks = true;    // carve heap pages from huge-page chunks (fork pause)
    bool fork_trace = false;    // the fork pause's parts on stderr (benchmarks)
};

// The settings in force. The first call fixes them: a later SetEngineConfig
// fails, since V8, the page allocator and the engine mode were set up by them.
const EngineConfig& Config();

// False (with why in *error) once Config() has been read.
bool SetEngineConfig(const EngineConfig& config, std::string* error);

}  // namespace kenv8
