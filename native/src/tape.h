#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace kenv8 {

// Every value a turn takes from outside the heap (wall clock, OS randomness,
// monotonic time) goes through a Tape. Recording, the values are appended as
// they are handed out; replaying a logged turn, the same values are handed
// out again in the same order, so the turn recomputes exactly the same heap.
// A replayed turn that asks for something else than the log holds has
// diverged: the tape says where, and hands out live values from then on.
//
// Entries: the numeric kinds are [u8 kind][f64 value] (9 bytes); the
// filesystem kind is [u8 kind][u32 LE length][length bytes], whose bytes
// are [u32 LE query length][query][answer]. Tapes written before the
// filesystem kind existed hold only numeric entries and read the same.
// kNodeFs (the `fs` module's reads and write checks) and kProcess (`process`:
// argv, env, pid, uptime, memory) have the filesystem kind's layout.
enum class TapeKind : uint8_t { kClock = 1, kRandom = 2, kMonotonic = 3, kFilesystem = 4, kNodeFs = 5, kProcess = 6 };

class Tape {
public:
    enum class Mode { kOff, kRecord, kReplay };

    void Record();
    void Replay(const uint8_t* data, size_t len);
    void Off() { mode_ = Mode::kOff; }
    // Called when a turn starts (recording: a fresh tape) and ends (replaying:
    // everything logged must have been used).
    void BeginTurn();
    void EndTurn();

    double Take(TapeKind kind, double live);
    // A variable-length observation (filesystem). `query` identifies what
    // was asked (operation and path): replaying, a different query is a
    // divergence. `live` is called only when the answer must come from
    // outside: recording, off, or after a divergence (never on a faithful
    // replay, so a replay does not touch the disk).
    template <typename Live>
    std::string TakeBytes(TapeKind kind, const std::string& query, Live live) {
        std::string answer;
        if (mode_ == Mode::kReplay && divergence_.empty() && Replayed(kind, query, &answer)) return answer;
        answer = live();
        if (mode_ == Mode::kRecord) AppendBytes(kind, query, answer);
        return answer;
    }

    Mode mode() const { return mode_; }
    const std::string& data() const { return data_; }
    const std::string& divergence() const { return divergence_; }

    // The tape of the turn running on this thread, if any (the platform's
    // clock hook has no other way to find it).
    static Tape* Current();
    static void SetCurrent(Tape* tape);

    // Entries in data[0, end): how many whole entries, walking their sizes.
    static size_t CountEntries(const std::string& data, size_t end);

private:
    bool Replayed(TapeKind kind, const std::string& query, std::string* answer);
    void AppendBytes(TapeKind kind, const std::string& query, const std::string& answer);
    // The size of the entry at `at`, or 0 if it is cut off or unknown.
    static size_t EntrySize(const std::string& data, size_t at);

    Mode mode_ = Mode::kOff;
    std::string data_;       // entries (see TapeKind)
    size_t position_ = 0;    // replay cursor
    std::string divergence_;
};

// Sets Tape::Current for the lifetime of a scope (one turn).
class CurrentTapeScope {
public:
    explicit CurrentTapeScope(Tape* tape) : previous_(Tape::Current()) { Tape::SetCurrent(tape); }
    ~CurrentTapeScope() { Tape::SetCurrent(previous_); }
    CurrentTapeScope(const CurrentTapeScope&) = delete;
    CurrentTapeScope& operator=(const CurrentTapeScope&) = delete;

private:
    Tape* previous_;
};

}  // namespace kenv8
