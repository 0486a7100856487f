#include "tape.h"

#include <cstring>

namespace kenv8 {
namespace {

thread_local Tape* g_current = nullptr;
constexpr size_t kNumericSize = 1 + sizeof(double);
constexpr size_t kBytesHeader = 1 + sizeof(uint32_t);

const char* KindName(uint8_t kind) {
    switch (static_cast<TapeKind>(kind)) {
        case TapeKind::kClock: return "the wall clock (Date)";
        case TapeKind::kRandom: return "OS randomness";
        case TapeKind::kMonotonic: return "the monotonic clock (performance.now)";
        case TapeKind::kFilesystem: return "the filesystem";
        case TapeKind::kNodeFs: return "the filesystem (fs)";
        case TapeKind::kProcess: return "the process (process)";
    }
    return "an unknown source";
}

uint32_t ReadU32(const char* p) {
    uint32_t v;
    std::memcpy(&v, p, sizeof v);  // little-endian hosts only, as the rest of the store
    return v;
}

void AppendU32(std::string* out, uint32_t v) {
    char bytes[sizeof v];
    std::memcpy(bytes, &v, sizeof v);
    out->append(bytes, sizeof v);
}

// A query as a divergence message shows it: printable, and not too long.
std::string Shown(const std::string& query) {
    std::string out;
    for (char c : query) {
        if (out.size() >= 200) { out += "..."; break; }
        out += (c == '\0') ? ' ' : c;
    }
    return "'" + out + "'";
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

size_t Tape::EntrySize(const std::string& data, size_t at) {
    if (at >= data.size()) return 0;
    switch (static_cast<TapeKind>(static_cast<uint8_t>(data[at]))) {
        case TapeKind::kClock:
        case TapeKind::kRandom:
        case TapeKind::kMonotonic:
            return at + kNumericSize <= data.size() ? kNumericSize : 0;
        case TapeKind::kFilesystem:
        case TapeKind::kNodeFs:
        case TapeKind::kProcess: {
            if (at + kBytesHeader > data.size()) return 0;
            size_t size = kBytesHeader + ReadU32(data.data() + at + 1);
            return size <= data.size() - at ? size : 0;
        }
    }
    return 0;
}

size_t Tape::CountEntries(const std::string& data, size_t end) {
    size_t count = 0;
    for (size_t at = 0; at < end && at < data.size();) {
        size_t size = EntrySize(data, at);
        ++count;  // a damaged tail counts as one entry: it was recorded as something
        if (size == 0) break;
        at += size;
    }
    return count;
}

void Tape::EndTurn() {
    if (mode_ == Mode::kReplay && divergence_.empty() && position_ < data_.size()) {
        divergence_ = "the turn used " + std::to_string(CountEntries(data_, position_)) +
                      " outside values, but the log recorded " +
                      std::to_string(CountEntries(data_, data_.size()));
    }
}

double Tape::Take(TapeKind kind, double live) {
    switch (mode_) {
        case Mode::kOff:
            return live;
        case Mode::kRecord: {
            char entry[kNumericSize];
            entry[0] = static_cast<char>(kind);
            std::memcpy(entry + 1, &live, sizeof live);
            data_.append(entry, kNumericSize);
            return live;
        }
        case Mode::kReplay: {
            if (!divergence_.empty()) return live;
            size_t index = CountEntries(data_, position_);
            if (position_ >= data_.size()) {
                divergence_ = "value #" + std::to_string(index + 1) + " from " +
                              KindName(static_cast<uint8_t>(kind)) +
                              " was asked for, but the log recorded only " + std::to_string(index);
                return live;
            }
            uint8_t logged = static_cast<uint8_t>(data_[position_]);
            if (logged != static_cast<uint8_t>(kind) || EntrySize(data_, position_) != kNumericSize) {
                divergence_ = "value #" + std::to_string(index + 1) + " came from " +
                              KindName(static_cast<uint8_t>(kind)) + ", but the log has " +
                              KindName(logged);
                return live;
            }
            double value;
            std::memcpy(&value, data_.data() + position_ + 1, sizeof value);
            position_ += kNumericSize;
            return value;
        }
    }
    return live;
}

bool Tape::Replayed(TapeKind kind, const std::string& query, std::string* answer) {
    size_t index = CountEntries(data_, position_);
    if (position_ >= data_.size()) {
        divergence_ = "value #" + std::to_string(index + 1) + " from " +
                      KindName(static_cast<uint8_t>(kind)) + " (" + Shown(query) +
                      ") was asked for, but the log recorded only " + std::to_string(index);
        return false;
    }
    uint8_t logged = static_cast<uint8_t>(data_[position_]);
    size_t size = EntrySize(data_, position_);
    if (logged != static_cast<uint8_t>(kind) || size == 0) {
        divergence_ = "value #" + std::to_string(index + 1) + " came from " +
                      KindName(static_cast<uint8_t>(kind)) + " (" + Shown(query) +
                      "), but the log has " + KindName(logged);
        return false;
    }
    const char* body = data_.data() + position_ + kBytesHeader;
    size_t body_size = size - kBytesHeader;
    uint32_t query_size = body_size >= sizeof(uint32_t) ? ReadU32(body) : 0;
    if (body_size < sizeof(uint32_t) || query_size > body_size - sizeof(uint32_t)) {
        divergence_ = "value #" + std::to_string(index + 1) + " from " +
                      KindName(static_cast<uint8_t>(kind)) + " is damaged in the log";
        return false;
    }
    std::string logged_query(body + sizeof(uint32_t), query_size);
    if (logged_query != query) {
        divergence_ = "value #" + std::to_string(index + 1) + " from " +
                      KindName(static_cast<uint8_t>(kind)) + " asked " + Shown(query) +
                      ", but the log has " + Shown(logged_query);
        return false;
    }
    answer->assign(body + sizeof(uint32_t) + query_size, body_size - sizeof(uint32_t) - query_size);
    position_ += size;
    return true;
}

void Tape::AppendBytes(TapeKind kind, const std::string& query, const std::string& answer) {
    data_.push_back(static_cast<char>(kind));
    AppendU32(&data_, static_cast<uint32_t>(sizeof(uint32_t) + query.size() + answer.size()));
    AppendU32(&data_, static_cast<uint32_t>(query.size()));
    data_.append(query);
    data_.append(answer);
}

}  // namespace kenv8
