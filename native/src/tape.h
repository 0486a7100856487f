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
enum class TapeKind : uint8_t { kClock = 1, kRandom = 2, kMonotonic = 3 };

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

    Mode mode() const { return mode_; }
    const std::string& data() const { return data_; }
    const std::string& divergence() const { return divergence_; }

    // The tape of the turn running on this thread, if any (the platform's
    // clock hook has no other way to find it).
    static Tape* Current();
    static void SetCurrent(Tape* tape);

private:
    Mode mode_ = Mode::kOff;
    std::string data_;       // [u8 kind][f64 value] entries
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
