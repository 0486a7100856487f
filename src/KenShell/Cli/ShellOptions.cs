using System.Globalization;
using KenShell.Messaging;

namespace KenShell.Cli;

/// <summary>
/// Everything a run of kenshell is told: the command line and the environment, read
/// ONCE here (<see cref="Read"/>) and passed down as values; no other C# code reads an
/// environment variable. To add an option: a property here (with its default), a line
/// in <see cref="Read"/> (or in <see cref="ShellCommand.Build"/> for a command-line
/// one), and the use where it is passed down.
///
/// The native library reads none: the engine's variables (<c>KENSHELL_V8_FLAGS</c>,
/// <c>KENSHELL_ENGINE_COMPAT</c>, and the benchmark switches <c>KENV8_HEAP_CHUNKS</c> and
/// <c>KENV8_FORK_TRACE</c>) are read here too and handed to it through
/// <c>kenv8_configure</c> (<c>Engine/JsShell.Configure</c>) before it is first used.
/// </summary>
public sealed record ShellOptions
{
    public const string NoNetworkVariable = "KENSHELL_NO_NETWORK";
    public const string CheckpointEveryVariable = "KENSHELL_CHECKPOINT_EVERY";
    public const string CheckpointTimeoutVariable = "KENSHELL_CHECKPOINT_TIMEOUT_MS";
    public const string TraceVariable = "KENSHELL_TRACE";
    public const string ProgressAfterVariable = "KENSHELL_PROGRESS_AFTER_MS";
    public const string CrashAtVariable = "KENSHELL_CRASH_AT";
    public const string FaultVariable = "KENSHELL_FAULT";
    public const string NativeDirVariable = "KENSHELL_NATIVE_DIR";
    public const string NetFaultsVariable = NetworkFaults.EnvironmentVariable;

    public const string V8FlagsVariable = "KENSHELL_V8_FLAGS";
    public const string EngineCompatVariable = "KENSHELL_ENGINE_COMPAT";
    public const string HeapChunksVariable = "KENV8_HEAP_CHUNKS";
    public const string ForkTraceVariable = "KENV8_FORK_TRACE";

    // The command line.

    /// <summary>ADDRESS: the shell's address and identity.</summary>
    public required string Address { get; init; }

    /// <summary>FILE.js, when a script is to run.</summary>
    public string? ScriptFile { get; init; }

    /// <summary>--dir (null: the current directory).</summary>
    public string? Directory { get; init; }

    /// <summary>--eval CODE.</summary>
    public string? Eval { get; init; }

    public bool KeepLog { get; init; }

    public bool Rebuild { get; init; }

    /// <summary>--wait: at end of input, stay until no timer is pending.</summary>
    public bool WaitForTimers { get; init; }

    /// <summary>--at TURN: open the state after TURN read-only.</summary>
    public ulong? AtTurn { get; init; }

    /// <summary>--forget TURN: drop the history before TURN (the flag is the confirmation).</summary>
    public ulong? ForgetTurn { get; init; }

    /// <summary>ARGS after FILE.js: the script's own arguments (process.argv after the file).</summary>
    public string[] ScriptArgs { get; init; } = [];

    // The environment.

    /// <summary>KENSHELL_NO_NETWORK=1: do not listen (tests that start many shells on one address at once).</summary>
    public bool NoNetwork { get; init; }

    /// <summary>TERM: the line editor needs one that can move the cursor (not empty, not <c>dumb</c>).</summary>
    public string? Term { get; init; }

    /// <summary>KENSHELL_CHECKPOINT_EVERY=N: a checkpoint every N turns (tests and experiments).</summary>
    public ulong CheckpointEveryTurns { get; init; } = 1000;

    /// <summary>KENSHELL_CHECKPOINT_TIMEOUT_MS: how long a checkpoint child may run before it is killed.</summary>
    public TimeSpan CheckpointTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>KENSHELL_TRACE=1: one stderr line per checkpoint (benchmarks).</summary>
    public bool Trace { get; init; }

    /// <summary>KENSHELL_PROGRESS_AFTER_MS: when a replay shows its progress bar (tests use 0).</summary>
    public TimeSpan ProgressAfter { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>KENSHELL_CRASH_AT=point[:n]: crash-point testing (Store/FaultInjection).</summary>
    public string? CrashAt { get; init; }

    /// <summary>KENSHELL_FAULT=kind:target[:n[+]],...: injected I/O faults (Store/FaultInjection).</summary>
    public string? Faults { get; init; }

    /// <summary>KENSHELL_NATIVE_DIR: where libkenv8.so is, instead of next to kenshell.dll.</summary>
    public string? NativeDirectory { get; init; }

    /// <summary>KENSHELL_NET_FAULTS: loss, duplication, reordering and delay of sent datagrams.</summary>
    public NetworkFaults? NetworkFaults { get; init; }

    /// <summary>KENSHELL_V8_FLAGS: extra V8 flags (tests use a small heap limit).</summary>
    public string? V8Flags { get; init; }

    /// <summary>KENSHELL_ENGINE_COMPAT (set, not 0): engine tuning off (README "Engine").</summary>
    public bool EngineCompat { get; init; }

    /// <summary>KENV8_HEAP_CHUNKS=0: V8's own heap page placement (benchmarks compare the fork pause).</summary>
    public bool HeapChunks { get; init; } = true;

    /// <summary>KENV8_FORK_TRACE: the fork pause's parts on stderr (benchmarks).</summary>
    public bool ForkTrace { get; init; }

    /// <summary>
    /// The environment's part, from <paramref name="environment"/> (a variable's value, or
    /// null when unset), on top of the command line's. Throws <see cref="FormatException"/>
    /// naming the variable when a value cannot be used.
    /// </summary>
    public static ShellOptions Read(ShellOptions commandLine, Func<string, string?> environment)
    {
        string? Get(string name) => environment(name) is { Length: > 0 } value ? value : null;
        ShellOptions options = commandLine with
        {
            NoNetwork = Get(NoNetworkVariable) == "1",
            Term = Get("TERM"),
            Trace = Get(TraceVariable) == "1",
            CrashAt = Get(CrashAtVariable),
            Faults = Get(FaultVariable),
            NativeDirectory = Get(NativeDirVariable),
            NetworkFaults = Get(NetFaultsVariable) is { } spec && !string.IsNullOrWhiteSpace(spec) ? NetworkFaults.Parse(spec) : null,
            V8Flags = Get(V8FlagsVariable),
            EngineCompat = Get(EngineCompatVariable) is { } compat && compat != "0",
            HeapChunks = Get(HeapChunksVariable) != "0",
            ForkTrace = Get(ForkTraceVariable) is not null,
        };
        // The numeric ones keep their default when unset or not a number, as they always did.
        if (ulong.TryParse(Get(CheckpointEveryVariable), NumberStyles.Integer, CultureInfo.InvariantCulture, out ulong turns) && turns > 0)
            options = options with { CheckpointEveryTurns = turns };
        if (int.TryParse(Get(CheckpointTimeoutVariable), NumberStyles.Integer, CultureInfo.InvariantCulture, out int timeoutMs))
            options = options with { CheckpointTimeout = TimeSpan.FromMilliseconds(timeoutMs) };
        if (long.TryParse(Get(ProgressAfterVariable), NumberStyles.Integer, CultureInfo.InvariantCulture, out long afterMs) && afterMs >= 0)
            options = options with { ProgressAfter = TimeSpan.FromMilliseconds(afterMs) };
        return options;
    }
}
