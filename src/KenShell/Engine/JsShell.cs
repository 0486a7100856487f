using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace KenShell.Engine;

/// <summary>
/// One persistent JavaScript heap (a V8 isolate and context in libkenv8).
/// All calls except <see cref="Interrupt"/> must come from the thread that
/// created it.
/// </summary>
public sealed class JsShell : IDisposable
{
    private readonly ShellHandle _handle;

    private JsShell(ShellHandle handle) => _handle = handle;

    /// <summary>The engine stamp checkpoints carry (V8 version and build flags).</summary>
    /// <summary>
    /// The folder to load libkenv8.so from instead of the one kenshell.dll is in
    /// (KENSHELL_NATIVE_DIR, read by <c>Cli/</c>); only before the engine is first used.
    /// </summary>
    public static string? NativeDirectory
    {
        get => NativeMethods.Directory;
        set => NativeMethods.Directory = value;
    }

    /// <summary>
    /// The engine's process-wide settings (the native library reads no
    /// environment variable itself: <c>Cli/ShellOptions</c> reads them and
    /// passes the values here); only before the engine is first used.
    /// </summary>
    public static unsafe void Configure(string? v8Flags, bool engineCompat, bool heapChunks, bool forkTrace)
    {
        NativeMethods.EnsureResolver();
        byte* error = stackalloc byte[512];
        error[0] = 0;
        if (NativeMethods.Configure(v8Flags, engineCompat ? 1 : 0, heapChunks ? 1 : 0, forkTrace ? 1 : 0, error, 512) != 0)
            throw new EngineException(Marshal.PtrToStringUTF8((IntPtr)error) ?? "kenv8_configure failed");
    }

    public static string EngineId
    {
        get
        {
            NativeMethods.EnsureResolver();
            return Marshal.PtrToStringUTF8(NativeMethods.EngineId()) ?? "";
        }
    }

    /// <summary>Size of the host-function table (external references) of this build.</summary>
    public static uint HostFunctionCount
    {
        get
        {
            NativeMethods.EnsureResolver();
            return NativeMethods.HostFunctionCount();
        }
    }

    /// <summary>
    /// Sets a process-wide text `process` hands out ("argv" as a JSON array,
    /// "execPath"); turns record what they read of it on their tape.
    /// </summary>
    public static void SetProcessText(string name, string value)
    {
        NativeMethods.EnsureResolver();
        NativeMethods.SetProcessText(name, value, (nuint)Encoding.UTF8.GetByteCount(value));
    }

    /// <summary>Sets a per-process option the prelude reads (not saved with the heap).</summary>
    public void SetOption(string name, int value) => NativeMethods.ShellSetOption(_handle, name, value);

    /// <summary>A new heap with the runtime prelude installed.</summary>
    public static JsShell CreateFresh(string prelude) => CreateFresh(prelude, null, out _);

    /// <summary>
    /// A new heap with the runtime prelude installed. The outside values the
    /// prelude takes (PRNG seed, clock) are recorded in
    /// <paramref name="genesisTape"/>, or, when <paramref name="replay"/> is
    /// given, replayed from it, which rebuilds the very same first state.
    /// </summary>
    public static unsafe JsShell CreateFresh(string prelude, byte[]? replay, out byte[] genesisTape)
    {
        JsShell shell = Create(ReadOnlySpan<byte>.Empty);
        if (replay is null) shell.RecordTape(); else shell.ReplayTape(replay);
        byte[] source = Encoding.UTF8.GetBytes(prelude);
        byte* error = stackalloc byte[1024];
        fixed (byte* src = source)
        {
            if (NativeMethods.ShellInstallPrelude(shell._handle, src, (nuint)source.Length, error, 1024) != 0)
            {
                string message = Marshal.PtrToStringUTF8((IntPtr)error) ?? "unknown error";
                shell.Dispose();
                throw new EngineException(message);
            }
        }
        genesisTape = shell.LastTape;
        string? divergence = shell.TapeDivergence;
        shell.StopTape();
        if (divergence is not null)
        {
            shell.Dispose();
            throw new EngineException($"the prelude did not replay as recorded: {divergence}");
        }
        return shell;
    }

    /// <summary>A heap deserialized from a verified checkpoint blob.</summary>
    public static JsShell Restore(ReadOnlySpan<byte> blob) => Create(blob);

    private static unsafe JsShell Create(ReadOnlySpan<byte> blob)
    {
        NativeMethods.EnsureResolver();
        byte* error = stackalloc byte[1024];
        error[0] = 0;
        ShellHandle handle;
        int status;
        fixed (byte* data = blob)
        {
            status = NativeMethods.ShellCreate(blob.IsEmpty ? null : data, (nuint)blob.Length, out handle, error, 1024);
        }
        if (status != 0 || handle.IsInvalid)
        {
            handle.Dispose();
            throw new EngineException(Marshal.PtrToStringUTF8((IntPtr)error) ?? "could not create the V8 isolate");
        }
        return new JsShell(handle);
    }

    /// <summary>Runs one turn. Its output is returned, not written.</summary>
    public TurnResult Eval(string source, string label) => Eval(source, label, EvalMode.Input);

    /// <summary>
    /// Runs one turn as <paramref name="mode"/> says: an input that may need
    /// more lines, a whole input (.editor, .load), or a program (a script
    /// file: no result printed, an uncaught error on stderr, as `node FILE.js`).
    /// </summary>
    public unsafe TurnResult Eval(string source, string label, EvalMode mode)
    {
        byte[] code = Encoding.UTF8.GetBytes(source);
        byte[] name = Encoding.UTF8.GetBytes(label + "\0");
        int status;
        fixed (byte* src = code)
        fixed (byte* lbl = name)
        {
            status = NativeMethods.ShellEvalEx(_handle, src, (nuint)code.Length, lbl, (int)mode);
        }
        return CollectResult(status);
    }

    /// <summary>
    /// Runs one turn that calls the runtime's hook <paramref name="name"/>
    /// (a timer firing, a message delivery) instead of evaluating source.
    /// </summary>
    public unsafe (TurnResult Result, double Value) HookTurn(string name, double argument = 0)
    {
        int status = NativeMethods.ShellHookTurn(_handle, name, argument, out double value);
        return (CollectResult(status), value);
    }

    /// <summary>A hook turn with a string argument (a delivered message, an acknowledgement).</summary>
    public unsafe (TurnResult Result, double Value) HookTurn(string name, string text)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        int status;
        double value;
        fixed (byte* t = utf8) status = NativeMethods.ShellHookTurnText(_handle, name, t, (nuint)utf8.Length, out value);
        return (CollectResult(status), value);
    }

    /// <summary>A read-only question with a string argument and a string answer ("" if it cannot answer).</summary>
    public unsafe string QueryText(string name, string argument = "")
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(argument);
        byte* answer;
        nuint length;
        fixed (byte* a = utf8) length = NativeMethods.ShellQueryText(_handle, name, a, (nuint)utf8.Length, &answer);
        return Encoding.UTF8.GetString(new ReadOnlySpan<byte>(answer, checked((int)length)));
    }

    /// <summary>
    /// Tab completion outside any turn: the property names that may follow
    /// <c>path[0].path[1]....</c>, or the global names (top-level bindings
    /// included) for an empty path. Runs no user code (no getter, no Proxy
    /// trap) and changes nothing. Empty when the path cannot be followed
    /// without running code. Grouped by the object on the chain that has
    /// them, the object's own names first: an empty string ends each group.
    /// </summary>
    public unsafe IReadOnlyList<string> CompletionNames(IReadOnlyList<string> path)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(string.Join('\n', path));
        byte* answer;
        nuint length;
        fixed (byte* p = utf8) length = NativeMethods.ShellCompletionNames(_handle, p, (nuint)utf8.Length, &answer);
        string text = Encoding.UTF8.GetString(new ReadOnlySpan<byte>(answer, checked((int)length)));
        string[] lines = text.Split('\n');
        return lines[..^1]; // the text ends with a line break
    }

    /// <summary>Asks the runtime a read-only question (no turn, no state change). NaN if it cannot answer.</summary>
    public double Query(string name) => NativeMethods.ShellQuery(_handle, name, out double answer) == 0 ? answer : double.NaN;

    /// <summary>The last turn's status, output and error, read back from the engine.</summary>
    private unsafe TurnResult CollectResult(int status)
    {
        byte* data;
        nuint length = NativeMethods.ShellOutput(_handle, &data);
        var output = ParseOutput(new ReadOnlySpan<byte>(data, checked((int)length)));
        string? error = Marshal.PtrToStringUTF8(NativeMethods.ShellLastError(_handle));
        return new TurnResult((TurnStatus)status, output, string.IsNullOrEmpty(error) ? null : error);
    }

    private static List<OutputRecord> ParseOutput(ReadOnlySpan<byte> data)
    {
        // [u8 stream][u32 little-endian length][UTF-8 bytes], repeated.
        var records = new List<OutputRecord>();
        while (data.Length >= 5)
        {
            var stream = (OutputStream)data[0];
            int length = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(1, 4)));
            records.Add(new OutputRecord(stream, Encoding.UTF8.GetString(data.Slice(5, length))));
            data = data.Slice(5 + length);
        }
        return records;
    }

    /// <summary>
    /// From now on each turn records the outside values it takes (clock,
    /// randomness, monotonic time); read them with <see cref="LastTape"/>.
    /// </summary>
    public void RecordTape() => NativeMethods.ShellTapeRecord(_handle);

    /// <summary>The next turn is handed exactly these recorded values (replay of a logged turn).</summary>
    public unsafe void ReplayTape(ReadOnlySpan<byte> tape)
    {
        fixed (byte* t = tape) NativeMethods.ShellTapeReplay(_handle, t, (nuint)tape.Length);
    }

    /// <summary>Live outside values, nothing recorded.</summary>
    public void StopTape() => NativeMethods.ShellTapeOff(_handle);

    /// <summary>What the last turn recorded.</summary>
    public unsafe byte[] LastTape
    {
        get
        {
            byte* data;
            nuint length = NativeMethods.ShellTape(_handle, &data);
            return new ReadOnlySpan<byte>(data, checked((int)length)).ToArray();
        }
    }

    /// <summary>Why the last replayed turn diverged from its log record, or null.</summary>
    public string? TapeDivergence =>
        Marshal.PtrToStringUTF8(NativeMethods.ShellTapeDivergence(_handle)) is { Length: > 0 } text ? text : null;

    /// <summary>Stops the running turn, if any. Safe from any thread.</summary>
    public bool Interrupt() => !_handle.IsClosed && NativeMethods.ShellInterrupt(_handle) != 0;

    /// <summary>V8 heap statistics: bytes in use and bytes reserved.</summary>
    public (ulong Used, ulong Total) Heap
    {
        get
        {
            NativeMethods.ShellHeap(_handle, out ulong used, out ulong total);
            return (used, total);
        }
    }

    /// <summary>
    /// Forks a child that writes a checkpoint of the heap as it is now to
    /// <paramref name="path"/> (and fsyncs it). Returns at once.
    /// </summary>
    public unsafe CheckpointWriter BeginCheckpoint(string path, ulong turn, ReadOnlySpan<byte> storeId)
    {
        if (storeId.Length != 16) throw new ArgumentException("store id must be 16 bytes", nameof(storeId));
        byte[] file = Encoding.UTF8.GetBytes(path + "\0");
        int pid;
        ulong forkNs;
        int status;
        byte* error = stackalloc byte[512];
        error[0] = 0;
        fixed (byte* f = file)
        fixed (byte* id = storeId)
        {
            status = NativeMethods.ShellCheckpointBegin(_handle, f, turn, id, out pid, out forkNs, error, 512);
        }
        if (status != 0) throw new EngineException(Marshal.PtrToStringUTF8((IntPtr)error) is { Length: > 0 } why ? why : "fork failed");
        return new CheckpointWriter(pid, TimeSpan.FromTicks((long)(forkNs / 100)));
    }

    public void Dispose() => _handle.Dispose();
}
