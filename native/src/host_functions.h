#pragma once

#include <v8-function-callback.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace kenv8 {

struct HostFunction {
    const char* name;
    v8::FunctionCallback callback;
};

// Process-wide texts host.processInfo hands out ("argv", "execPath"), set by
// the embedder (kenv8_set_process_text) before turns run.
void SetProcessText(const std::string& name, std::string value);

// The host functions, in external-reference order (append-only).
const HostFunction* HostFunctions(size_t* count);

// Null-terminated table of callback addresses for SnapshotCreator and for
// isolates deserialized from a checkpoint.
const intptr_t* ExternalReferences();

// deserialize()'s check of its input (here, header-only, so that the tests
// can compare it with V8 directly).
//
// Two malformed BigInts make V8 10.2's ValueDeserializer misbehave, so
// deserialize() looks for them before V8 reads the bytes:
//  - a byte length over 2^27 (more than BigInt::kMaxLength 64-bit digits):
//    BigInt::FromSerializedDigits asks the factory for that many digits and
//    the process dies ("Fatal JavaScript invalid size error 16777217").
//    Needs an input of more than 128 MiB.
//  - a zero byte length with the sign bit set (e.g. 'Z' 0x01): V8 builds a
//    non-canonical "negative zero" BigInt: x !== 0n, x < 0n, x & 3n === 3n,
//    ~x === 0n, and it re-serializes as itself. No crash, but no value a
//    sender could have sent, and arithmetic on it is wrong.
// The serializer never writes either. The scanner follows the wire format
// the way V8 10.2 reads it (versions 13-15, including its second reading
// of version 13; no legacy format, no host objects, no transfers, no
// shared memory), with two rules that make it
// safe without duplicating V8's checks: it never stops where V8 would read
// on (so every BigInt V8 would build, the scanner sees first), and where it
// is more lenient than V8 the input is one V8 rejects anyway. Anything V8
// refuses before reaching a BigInt is left for V8 to report.
class CloneScanner {
public:
    enum Result {
        kComplete,   // the scanner read a whole value, as V8 would
        kStopped,    // it stopped where V8 fails (or refuses the header)
        kBadBigInt,  // V8 would build a BigInt it must not: refuse the input
    };

    CloneScanner(const uint8_t* data, size_t size) : pos_(data), end_(data + size) {}

    Result Scan() {
        // The header, as ValueDeserializer::ReadHeader reads it; V8 itself
        // rejects a missing header (legacy format) and unknown versions.
        if (pos_ >= end_ || *pos_ != 0xFF) return kStopped;
        ++pos_;
        uint32_t version = 0;
        if (!ReadVarint(5, &version) || version < 13 || version > 15) return kStopped;
        if (version >= 14) {
            view_flags_ = true;
            return ScanValue();
        }
        // Version 13: V8 reads the value once without view flags and, if
        // that fails, once more with them (crbug.com/1284506: a V8 release
        // wrote version-13 data with flags). Either reading may build
        // BigInts, whether or not the scanner would finish the first.
        const uint8_t* body = pos_;
        view_flags_ = false;
        Result first = ScanValue();
        pos_ = body;
        view_flags_ = true;
        Result second = ScanValue();
        if (first == kBadBigInt || second == kBadBigInt) return kBadBigInt;
        return first == kComplete || second == kComplete ? kComplete : kStopped;
    }

private:
    struct Frame {
        enum Kind : uint8_t { kUntilEnd, kDenseElements, kRegExp, kError };
        Kind kind;
        uint8_t end_tag;
        uint32_t count;  // trailing varints / elements left / pattern read
    };
    enum Step { kLeaf, kPushed, kStop, kBad };

    Result ScanValue() {
        std::vector<Frame> stack;
        for (;;) {
            // Read the start of one value: a whole leaf, or a frame to fill.
            switch (BeginValue(&stack)) {
                case kStop: return kStopped;
                case kBad: return kBadBigInt;
                case kPushed:
                case kLeaf: break;
            }
            // Then go on until some frame wants its next value.
            bool want_value = false;
            while (!want_value) {
                if (stack.empty()) return kComplete;  // the root is complete
                if (stack.size() > kMaxDepth) return kStopped;  // see kMaxDepth
                Frame& top = stack.back();
                uint8_t tag = 0;
                uint32_t ignored = 0;
                switch (top.kind) {
                    case Frame::kUntilEnd:
                        // Object properties, map and set entries: values until
                        // the end tag, then `trailing` varints (counts).
                        if (!PeekTag(&tag)) return kStopped;
                        if (tag != top.end_tag) {
                            want_value = true;
                            break;
                        }
                        ReadTag(&tag);
                        for (uint32_t i = 0; i < top.count; ++i) {
                            if (!ReadVarint(5, &ignored)) return kStopped;
                        }
                        stack.pop_back();
                        break;
                    case Frame::kDenseElements:
                        if (top.count == 0) {
                            top = Frame{Frame::kUntilEnd, '$', 2};  // then properties
                            break;
                        }
                        --top.count;
                        if (!PeekTag(&tag)) return kStopped;
                        if (tag == '-') {
                            ReadTag(&tag);  // a hole
                            break;
                        }
                        want_value = true;
                        break;
                    case Frame::kRegExp:
                        // The pattern (a value), then the flags.
                        if (top.count == 0) {
                            top.count = 1;
                            want_value = true;
                            break;
                        }
                        if (!ReadVarint(5, &ignored)) return kStopped;
                        stack.pop_back();
                        break;
                    case Frame::kError: {
                        uint32_t subtag = 0;
                        if (!ReadVarint(2, &subtag)) return kStopped;
                        switch (static_cast<uint8_t>(subtag)) {
                            case 'E': case 'R': case 'F': case 'S': case 'T': case 'U':
                                break;  // prototype
                            case 'm': case 's': case 'c':
                                want_value = true;  // message, stack, cause
                                break;
                            case '.':
                                stack.pop_back();
                                break;
                            default:
                                return kStopped;  // V8 stops here
                        }
                        break;
                    }
                }
            }
        }
    }

    // V8 throws a RangeError (stack overflow) long before this depth: each
    // nesting level is a few C++ frames of V8's deserializer, and its stack
    // limit is under 1 MB (measured: 2,000 to 16,000 levels). Past it, the
    // scanner leaves the input to V8, which fails before building anything
    // deeper. (The scanner's depth never exceeds V8's for the same input.)
    static constexpr size_t kMaxDepth = 1 << 16;

    Step BeginValue(std::vector<Frame>* stack) {
        uint32_t n = 0;
        for (;;) {
            uint8_t tag = 0;
            if (!ReadTag(&tag)) return kStop;
            switch (tag) {
                case '?':  // object count, then the value itself
                    if (!ReadVarint(5, &n)) return kStop;
                    continue;
                case '_': case '0': case 'T': case 'F': case 'y': case 'x':
                    return kLeaf;
                case 'I': case 'U':
                    return ReadVarint(5, &n) ? kLeaf : kStop;
                case 'N': case 'D': case 'n':
                    return Skip(8) ? kLeaf : kStop;
                case 'Z': case 'z':
                    return ReadBigInt();
                case 'S': case '"': case 'c':
                    return ReadVarint(5, &n) && Skip(n) ? kLeaf : kStop;
                case '^':
                    // Possibly a buffer, which a view may follow.
                    if (!ReadVarint(5, &n)) return kStop;
                    return AfterBuffer();
                case 'B':
                    if (!ReadVarint(5, &n) || !Skip(n)) return kStop;
                    return AfterBuffer();
                case '~': {
                    // Resizable buffer: length, maximum length, bytes. V8
                    // 10.2 does not know the tag and fails; followed anyway.
                    uint32_t max = 0;
                    if (!ReadVarint(5, &n) || !ReadVarint(5, &max) || !Skip(n)) return kStop;
                    return AfterBuffer();
                }
                case 's':  // String object: a string value
                    continue;
                case 'm': {
                    // WebAssembly.Memory: maximum pages, [memory64 byte,]
                    // a buffer. (V8 10.2 fails before reading it; both
                    // layouts are followed, to be safe.)
                    if (!ReadVarint(5, &n)) return kStop;
                    if (pos_ < end_ && *pos_ == 1) ++pos_;
                    continue;
                }
                case 'o':
                    stack->push_back(Frame{Frame::kUntilEnd, '{', 1});
                    return kPushed;
                case 'a':
                    if (!ReadVarint(5, &n)) return kStop;
                    stack->push_back(Frame{Frame::kUntilEnd, '@', 2});
                    return kPushed;
                case 'A':
                    if (!ReadVarint(5, &n)) return kStop;
                    stack->push_back(Frame{Frame::kDenseElements, 0, n});
                    return kPushed;
                case ';':
                    stack->push_back(Frame{Frame::kUntilEnd, ':', 1});
                    return kPushed;
                case '\'':
                    stack->push_back(Frame{Frame::kUntilEnd, ',', 1});
                    return kPushed;
                case 'R':
                    stack->push_back(Frame{Frame::kRegExp, 0, 0});
                    return kPushed;
                case 'r':
                    stack->push_back(Frame{Frame::kError, 0, 0});
                    return kPushed;
                default:
                    // Transfers, shared buffers and objects, WebAssembly
                    // modules, host objects, a hole outside a dense array,
                    // unknown tags: V8 fails without reading further.
                    return kStop;
            }
        }
    }

    // ValueDeserializer::ReadObject: a buffer followed by a view tag becomes
    // the view: subtag, byte offset, byte length, flags (see Scan).
    Step AfterBuffer() {
        uint8_t tag = 0;
        if (!PeekTag(&tag) || tag != 'V') return kLeaf;
        ReadTag(&tag);
        uint32_t n = 0;
        if (!ReadVarint(2, &n) || !ReadVarint(5, &n) || !ReadVarint(5, &n)) return kStop;
        if (view_flags_ && !ReadVarint(5, &n)) return kStop;
        return kLeaf;
    }

    Step ReadBigInt() {
        uint32_t bitfield = 0;
        if (!ReadVarint(5, &bitfield)) return kStop;
        // BigInt::SignBits (bit 0) and LengthBits (bits 1-30, in bytes).
        uint32_t byte_length = (bitfield >> 1) & ((1u << 30) - 1);
        bool negative = (bitfield & 1) != 0;
        if (byte_length > static_cast<size_t>(end_ - pos_)) return kStop;  // V8: too short
        if (byte_length > (1u << 27)) return kBad;  // > BigInt::kMaxLength digits
        if (byte_length == 0 && negative) return kBad;  // "-0n"
        pos_ += byte_length;
        return kLeaf;
    }

    // Tags: padding bytes (0) before a tag are skipped.
    bool ReadTag(uint8_t* tag) {
        while (pos_ < end_ && *pos_ == 0) ++pos_;
        if (pos_ >= end_) return false;
        *tag = *pos_++;
        return true;
    }
    bool PeekTag(uint8_t* tag) const {
        const uint8_t* p = pos_;
        while (p < end_ && *p == 0) ++p;
        if (p >= end_) return false;
        *tag = *p;
        return true;
    }
    // Base-128 varint as V8 10.2 reads one: at most max_bytes bytes (5 for
    // uint32, 2 for uint8); after max_bytes bytes that all have the
    // continuation bit, V8 stops but wants one more byte to exist. Bits
    // beyond the type are dropped (the caller truncates uint8 values).
    bool ReadVarint(int max_bytes, uint32_t* value) {
        uint32_t v = 0;
        for (int i = 0;; ++i) {
            if (pos_ >= end_) return false;
            if (i == max_bytes) break;
            uint8_t byte = *pos_++;
            v |= static_cast<uint32_t>(byte & 0x7F) << (7 * i);
            if ((byte & 0x80) == 0) break;
        }
        *value = v;
        return true;
    }
    bool Skip(size_t n) {
        if (n > static_cast<size_t>(end_ - pos_)) return false;
        pos_ += n;
        return true;
    }

    const uint8_t* pos_;
    const uint8_t* end_;
    bool view_flags_ = true;
};

}  // namespace kenv8
