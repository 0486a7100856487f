#include "tape.h"

#include <cstring>

namespace kenv8 {
namespace {

thread_local Tape* g_current = nullptr;
constexpr size_t kEntrySize = 1 + sizeof(double);

const char* KindName(uint8_t kind) {
    switch (static_cast<TapeKind>(kind)) {
        case TapeKind::kClock: return "the wall clock (Date)";
        case TapeKind::kRandom: return "OS randomness";
        case TapeKind::kMonotonic: return "the monotonic clock (performance.now)";
    }
    return "an unknown source";
}

}  // namespace

Tape* Tape::Current() { return g_current; }
void Tape::SetCurrent(Tape* tape) { g_current = tape; }

void Tape::Record() {
    mode_ = Mode::kRecord;
    data_.clear();
    position_ = 0;
    divergence_.clear();
}

void Tape::Replay(const uint8_t* data, size_t len) {
    mode_ = Mode::kReplay;
    data_.assign(reinterpret_cast<const char*>(data), len);
    position_ = 0;
    divergence_.clear();
}

void Tape::BeginTurn() {
    if (mode_ == Mode::kRecord) data_.clear();
    position_ = 0;
    divergence_.clear();
}

void Tape::EndTurn() {
    if (mode_ == Mode::kReplay && divergence_.empty() && position_ < data_.size()) {
        divergence_ = "the turn used " + std::to_string(position_ / kEntrySize) +
                      " outside values, but the log recorded " +
                      std::to_string(data_.size() / kEntrySize);
    }
}

double Tape::Take(TapeKind kind, double live) {
    switch (mode_) {
        case Mode::kOff:
            return live;
        case Mode::kRecord: {
            char entry[kEntrySize];
            entry[0] = static_cast<char>(kind);
            std::memcpy(entry + 1, &live, sizeof live);
            data_.append(entry, kEntrySize);
            return live;
        }
        case Mode::kReplay: {
            if (!divergence_.empty()) return live;
            size_t index = position_ / kEntrySize;
            if (position_ + kEntrySize > data_.size()) {
                divergence_ = "value #" + std::to_string(index + 1) + " from " +
                              KindName(static_cast<uint8_t>(kind)) +
                              " was asked for, but the log recorded only " +
                              std::to_string(index);
                return live;
            }
            uint8_t logged = static_cast<uint8_t>(data_[position_]);
            if (logged != static_cast<uint8_t>(kind)) {
                divergence_ = "value #" + std::to_string(index + 1) + " came from " +
                              KindName(static_cast<uint8_t>(kind)) + ", but the log has " +
                              KindName(logged);
                return live;
            }
            double value;
            std::memcpy(&value, data_.data() + position_ + 1, sizeof value);
            position_ += kEntrySize;
            return value;
        }
    }
    return live;
}

}  // namespace kenv8
