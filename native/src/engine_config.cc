#include "engine_config.h"

#include <atomic>
#include <mutex>

namespace kenv8 {
namespace {
std::mutex g_mutex;
EngineConfig g_config;
std::atomic<bool> g_fixed{false};
}  // namespace

const EngineConfig& Config() {
    // Fixed from the first read on, so every part of the engine sees one set.
    if (!g_fixed.load(std::memory_order_acquire)) {
        std::lock_guard<std::mutex> lock(g_mutex);
        g_fixed.store(true, std::memory_order_release);
    }
    return g_config;
}

bool SetEngineConfig(const EngineConfig& config, std::string* error) {
    std::lock_guard<std::mutex> lock(g_mutex);
    if (g_fixed.load(std::memory_order_acquire)) {
        if (error != nullptr) *error = "kenv8_configure: the engine is already in use; configure it before anything else";
        return false;
    }
    g_config = config;
    return true;
}

}  // namespace kenv8
