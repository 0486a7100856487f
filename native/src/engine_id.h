#pragma once

namespace kenv8 {
// See kenv8_engine_id in kenv8.h.
const char* EngineId();
}  // namespace kenv8
