/*
 * kenv8 — the engine room of kenshell: a plain C ABI over V8 10.2.
 *
 * This library owns the V8 isolate and context, runs source, exposes the
 * host functions the JavaScript prelude needs, and writes checkpoints (V8
 * startup snapshots of the whole heap) from a forked child. It holds no
 * policy: when to checkpoint, what to keep, how to recover is decided by the
 * C# host in src/.
 *
 * Threading: every kenv8_shell_* call except kenv8_shell_interrupt must be
 * made from the thread that created the shell (the isolate stays entered on
 * it, and a checkpoint forks that thread).
 *
 * Errors, one convention: a call that can fail returns int, 0 on success and
 * -1 on failure, and writes what went wrong (UTF-8, truncated, always NUL
 * terminated) into the caller's `err` buffer of `err_len` bytes when it has
 * one; what a call produces comes back through out parameters. Turns are
 * not calls that fail: kenv8_shell_eval* and kenv8_shell_hook_turn* return
 * the turn's kenv8_status (a turn that throws completed), and only
 * KENV8_FAILED means the engine failed, described by kenv8_shell_last_error.
 * Calls that cannot fail return their answer directly.
 */
#ifndef KENV8_H
#define KENV8_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KENV8_EXPORT __attribute__((visibility("default")))

typedef struct kenv8_shell kenv8_shell;

/* Result of running one turn. */
typedef enum kenv8_status {
    KENV8_OK = 0,           /* ran to completion; result printed to the output */
    KENV8_THREW = 1,        /* completed by throwing; "Uncaught ..." printed */
    KENV8_INCOMPLETE = 2,   /* source ends mid-construct; nothing ran */
    KENV8_SYNTAX_ERROR = 3, /* did not compile; nothing ran; error printed */
    KENV8_TERMINATED = 4,   /* interrupted (kenv8_shell_interrupt); state is dirty */
    KENV8_FAILED = 5        /* engine-level failure; state is dirty; see last_error */
} kenv8_status;

/* Output streams in the turn's output records. */
enum { KENV8_STDOUT = 1, KENV8_STDERR = 2 };

/* The engine's process-wide settings; the library reads no environment
 * variable itself (the host reads the environment and passes the values).
 * Call it before anything else of this library (kenv8_engine_id included):
 * 0, or -1 with why in err once the engine has been used. Not calling it
 * means the defaults: no extra V8 flags, engine tuning on, heap pages carved
 * from huge-page chunks, no fork trace.
 *   v8_flags       extra V8 flags (may be NULL)
 *   engine_compat  1: engine tuning off (compatibility mode)
 *   heap_chunks    0: V8's own page placement instead of the carved chunks
 *   fork_trace     1: the fork pause's parts on stderr (benchmarks) */
KENV8_EXPORT int kenv8_configure(const char* v8_flags, int engine_compat, int heap_chunks, int fork_trace,
                                 char* err, size_t err_len);

/* Process-wide setup: the platform (with kenshell's page allocator and clock
 * hooks) and V8 itself. Idempotent. Returns 0 on success. */
KENV8_EXPORT int kenv8_initialize(void);

/* The engine stamp written into every checkpoint: V8 version, build flags
 * that change the snapshot format (pointer compression) and the engine mode
 * (tuned or compatibility). A checkpoint whose stamp differs must not be
 * loaded. The host-function table size is not part of it: it is a header
 * field of its own (kenv8_host_function_count), since a build that appended
 * host functions can still load an older checkpoint. Static storage. */
KENV8_EXPORT const char* kenv8_engine_id(void);

/* Creates a shell. With blob == NULL the context is fresh (no prelude yet);
 * otherwise it is deserialized from a checkpoint blob previously produced by
 * kenv8_shell_checkpoint_begin. The caller MUST have verified the blob's
 * checksum: V8 checks only the version string here and aborts the process
 * on a damaged blob. 0 with the shell in *shell, or -1 with a message in
 * err (and *shell NULL). */
KENV8_EXPORT int kenv8_shell_create(const uint8_t* blob, size_t blob_len, kenv8_shell** shell,
                                    char* err, size_t err_len);
KENV8_EXPORT void kenv8_shell_destroy(kenv8_shell* shell);

/* Installs the runtime prelude into a fresh context. Outside values it takes
 * go through the tape, as a turn's do (record it to keep them, replay it to
 * rebuild the same first state). `source` must evaluate
 * to a function; it is called once with the host-function object and must
 * return the hooks object (see src/KenShell/Runtime/prelude.js). Returns 0 on
 * success, otherwise writes the exception to err. */
KENV8_EXPORT int kenv8_shell_install_prelude(kenv8_shell* shell, const char* source,
                                             size_t len, char* err, size_t err_len);

/* Runs one turn: `source` in V8's REPL evaluation mode (top-level let/const
 * redeclaration, top-level await), then the microtask queue, then the
 * prelude's formatting of the result. `label` names the script in stack
 * traces (e.g. "REPL3"). Output goes to the turn's output buffer. */
KENV8_EXPORT kenv8_status kenv8_shell_eval(kenv8_shell* shell, const char* source,
                                           size_t len, const char* label);

/* Flags for kenv8_shell_eval_ex. */
enum {
    /* The source is all there is (.editor, .load, a script file): an input
     * that stops early is a syntax error, never KENV8_INCOMPLETE. */
    KENV8_EVAL_WHOLE = 1,
    /* A whole program (`kenshell ADDR FILE.js`): its result is not printed
     * and an uncaught error goes to stderr under the line that threw, as
     * `node FILE.js` reports it. Implies KENV8_EVAL_WHOLE. `label` is the
     * file's path. */
    KENV8_EVAL_PROGRAM = 2
};

/* kenv8_shell_eval with KENV8_EVAL_* flags. */
KENV8_EXPORT kenv8_status kenv8_shell_eval_ex(kenv8_shell* shell, const char* source, size_t len,
                                              const char* label, int flags);

/* Runs one turn that calls the prelude hook `name` with `arg` instead of
 * evaluating source (a timer firing, a message delivery): same tape,
 * microtasks, interruption and output rules as kenv8_shell_eval. *result
 * receives the number the hook returned (NaN otherwise). */
KENV8_EXPORT kenv8_status kenv8_shell_hook_turn(kenv8_shell* shell, const char* name, double arg,
                                                double* result);

/* Asks the prelude hook `name` a read-only question outside any turn (e.g.
 * when the next timer is due). The hook must not change the heap. 0 with
 * the number in *answer; -1 (and *answer NaN) when the hook is missing,
 * throws or answers no number ("no answer": nothing more to say, so no err). */
KENV8_EXPORT int kenv8_shell_query(kenv8_shell* shell, const char* name, double* answer);

/* kenv8_shell_hook_turn with a UTF-8 string argument (a delivered message). */
KENV8_EXPORT kenv8_status kenv8_shell_hook_turn_text(kenv8_shell* shell, const char* name,
                                                     const char* text, size_t len, double* result);

/* kenv8_shell_query with a string argument and a string answer (UTF-8, empty
 * when the hook is missing or answers no string). *answer stays valid until
 * the next call on the shell. Returns its length. */
KENV8_EXPORT size_t kenv8_shell_query_text(kenv8_shell* shell, const char* name, const char* arg,
                                           size_t len, const char** answer);

/* Tab completion, outside any turn: the property names that may follow the
 * path given as identifiers separated by '\n' ("a\nb" for `a.b.`), or the
 * global names (top-level bindings included) for an empty path; one name
 * per line, in groups that each end with an empty line: the object's own
 * names first, then each prototype's, a name only in the closest group that
 * has it (Object.prototype's __defineGetter__ & co. left out, as in Node's
 * REPL). Runs no user code: no getter, no Proxy trap. *answer stays valid
 * until the next call on the shell. Returns its length. */
KENV8_EXPORT size_t kenv8_shell_completion_names(kenv8_shell* shell, const char* path, size_t len,
                                                 const char** answer);

/* The output records of the last turn: a sequence of
 *   [u8 stream][u32 little-endian length][length bytes of UTF-8]
 * Valid until the next call on the shell. */
KENV8_EXPORT size_t kenv8_shell_output(kenv8_shell* shell, const uint8_t** data);

/* Message describing the last KENV8_FAILED. Valid until the next call. */
KENV8_EXPORT const char* kenv8_shell_last_error(kenv8_shell* shell);

/* Thread-safe and async-signal-tolerant: terminates the running turn, if any.
 * Returns 1 if a turn was running. */
KENV8_EXPORT int kenv8_shell_interrupt(kenv8_shell* shell);

/* Heap statistics: used and total heap bytes. */
KENV8_EXPORT void kenv8_shell_heap(kenv8_shell* shell, uint64_t* used, uint64_t* total);

/*
 * Checkpoints.
 *
 * kenv8_shell_checkpoint_begin forks. The child serializes the heap with
 * SnapshotCreator::CreateBlob, writes `path` (header + blob, see
 * checkpoint_format.h), fsyncs it and _exits; it never returns. The parent
 * returns at once with 0 and the child's pid in *pid (or -1 when the fork
 * failed, why in err) and goes on; it must reap the child with
 * kenv8_checkpoint_wait. The child's stderr is captured (in a memfd) so that
 * a V8 fatal error in the child can be reported by kenv8_checkpoint_wait.
 * `fork_ns` (may be NULL) receives the time the fork took.
 */
KENV8_EXPORT int kenv8_shell_checkpoint_begin(kenv8_shell* shell, const char* path,
                                              uint64_t turn, const uint8_t store_id[16], int* pid,
                                              uint64_t* fork_ns, char* err, size_t err_len);

/* Waits up to timeout_ms for a checkpoint child. 0 when it exited having
 * written the checkpoint, or, only with timeout_ms == 0, when it is still
 * running: then *running (may be NULL) is 1, else 0. -1 when the checkpoint
 * failed: the child failed or died (how, and what it said, in err), ran past
 * timeout_ms (it is then killed and reaped), or could not be waited for. */
KENV8_EXPORT int kenv8_checkpoint_wait(int pid, int timeout_ms, int* running, char* err,
                                       size_t err_len);

/* Number of host functions in the external-reference table. A checkpoint
 * written with more than this many cannot be loaded by this build. */
KENV8_EXPORT uint32_t kenv8_host_function_count(void);

/* Sets a per-process option the prelude reads with host.hostOption(name)
 * (e.g. "colors" = 1 on a terminal, "columns"). Not saved with the heap. */
KENV8_EXPORT void kenv8_shell_set_option(kenv8_shell* shell, const char* name, int32_t value);

/* Sets a process-wide text the prelude reads through host.processInfo(name)
 * (recorded on the tape like every outside value): "argv" (JSON array, as
 * Node's process.argv), "execPath". Not saved with the heap. */
KENV8_EXPORT void kenv8_set_process_text(const char* name, const char* value, size_t len);

/*
 * Determinism tape. Every value a turn takes from outside the heap (the wall
 * clock behind Date, OS randomness, the monotonic clock behind
 * performance.now, what require learns from the filesystem: stats, file
 * contents, the working directory) passes through the shell's tape. Its
 * entries are variable-length (see src/tape.h); a module source makes a
 * tape as large as the file.
 *  - record: each turn starts an empty tape and appends what it took; read
 *    it after the turn with kenv8_shell_tape (it belongs in the turn log);
 *  - replay: the next turn is handed the given values in order, so that
 *    re-running a logged input rebuilds exactly the same heap; a turn that
 *    asks for something else has diverged (kenv8_shell_tape_divergence);
 *  - off: live values, nothing kept (the default).
 */
KENV8_EXPORT void kenv8_shell_tape_record(kenv8_shell* shell);
KENV8_EXPORT void kenv8_shell_tape_replay(kenv8_shell* shell, const uint8_t* tape, size_t len);
KENV8_EXPORT void kenv8_shell_tape_off(kenv8_shell* shell);
KENV8_EXPORT size_t kenv8_shell_tape(kenv8_shell* shell, const uint8_t** data);
KENV8_EXPORT const char* kenv8_shell_tape_divergence(kenv8_shell* shell);

/* Checkpoint file format constants, for the C# reader. */
KENV8_EXPORT uint32_t kenv8_checkpoint_header_size(void);

/* CRC32C (Castagnoli), the checksum every store record carries. */
KENV8_EXPORT uint32_t kenv8_crc32c(uint32_t crc, const uint8_t* data, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* KENV8_H */
