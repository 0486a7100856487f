using System.Reflection;
using System.Runtime.InteropServices;

namespace KenShell.Engine;

/// <summary>P/Invoke declarations for libkenv8 (native/include/kenv8.h).</summary>
internal static partial class NativeMethods
{
    private const string Library = "kenv8";

    static NativeMethods()
    {
        // libkenv8.so is copied next to kenshell.dll by the build; its rpath
        // ($ORIGIN/../deps/...) finds libnode from there. Directory
        // (KENSHELL_NATIVE_DIR, read by Cli/) overrides the folder.
        NativeLibrary.SetDllImportResolver(typeof(NativeMethods).Assembly, Resolve);
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name != Library) return IntPtr.Zero;
        foreach (string? candidate in new[] { Directory, AppContext.BaseDirectory })
        {
            if (string.IsNullOrEmpty(candidate)) continue;
            string file = Path.Combine(candidate, "libkenv8.so");
            if (File.Exists(file)) return NativeLibrary.Load(file);
        }
        return IntPtr.Zero;
    }

    /// <summary>Where to look for libkenv8.so first; set before the first call into it.</summary>
    internal static string? Directory { get; set; }

    /// <summary>Forces the static constructor (and so the resolver) to run.</summary>
    internal static void EnsureResolver() { }

    [LibraryImport(Library, EntryPoint = "kenv8_configure", StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial int Configure(string? v8Flags, int engineCompat, int heapChunks, int forkTrace, byte* error, nuint errorLength);

    [LibraryImport(Library, EntryPoint = "kenv8_initialize")]
    internal static partial int Initialize();

    [LibraryImport(Library, EntryPoint = "kenv8_engine_id")]
    internal static partial IntPtr EngineId();

    [LibraryImport(Library, EntryPoint = "kenv8_shell_create")]
    internal static unsafe partial int ShellCreate(byte* blob, nuint blobLength, out ShellHandle shell, byte* error, nuint errorLength);

    [LibraryImport(Library, EntryPoint = "kenv8_shell_destroy")]
    internal static partial void ShellDestroy(IntPtr shell);

    [LibraryImport(Library, EntryPoint = "kenv8_shell_install_prelude")]
    internal static unsafe partial int ShellInstallPrelude(ShellHandle shell, byte* source, nuint length, byte* error, nuint errorLength);

    [LibraryImport(Library, EntryPoint = "kenv8_shell_eval")]
    internal static unsafe partial int ShellEval(ShellHandle shell, byte* source, nuint length, byte* label);

    [LibraryImport(Library, EntryPoint = "kenv8_shell_eval_ex")]
    internal static unsafe partial int ShellEvalEx(ShellHandle shell, byte* source, nuint length, byte* label, int flags);

    [LibraryImport(Library, EntryPoint = "kenv8_shell_hook_turn", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int ShellHookTurn(ShellHandle shell, string name, double arg, out double result);

    [LibraryImport(Library, EntryPoint = "kenv8_shell_query", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int ShellQuery(ShellHandle shell, string name, out double answer);

    [LibraryImport(Library, EntryPoint = "kenv8_shell_hook_turn_text", StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial int ShellHookTurnText(ShellHandle shell, string name, byte* text, nuint length, out double result);

    [LibraryImport(Library, EntryPoint = "kenv8_shell_query_text", StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial nuint ShellQueryText(ShellHandle shell, string name, byte* arg, nuint length, byte** answer);

    [LibraryImport(Library, EntryPoint = "kenv8_shell_completion_names")]
    internal static unsafe partial nuint ShellCompletionNames(ShellHandle shell, byte* path, nuint length, byte** answer);

    [LibraryImport(Library, EntryPoint = "kenv8_shell_output")]
    internal static unsafe partial nuint ShellOutput(ShellHandle shell, byte** data);

    [LibraryImport(Library, EntryPoint = "kenv8_shell_last_error")]
    internal static partial IntPtr ShellLastError(ShellHandle shell);

    [LibraryImport(Library, EntryPoint = "kenv8_shell_interrupt")]
    internal static partial int ShellInterrupt(ShellHandle shell);

    [LibraryImport(Library, EntryPoint = "kenv8_shell_heap")]
    internal static partial void ShellHeap(ShellHandle shell, out ulong used, out ulong total);

    [LibraryImport(Library, EntryPoint = "kenv8_shell_checkpoint_begin")]
    internal static unsafe partial int ShellCheckpointBegin(ShellHandle shell, byte* path, ulong turn, byte* storeId, out int pid,
        out ulong forkNanoseconds, byte* error, nuint errorLength);

    [LibraryImport(Library, EntryPoint = "kenv8_checkpoint_wait")]
    internal static unsafe partial int CheckpointWait(int pid, int timeoutMs, out int running, byte* detail, nuint detailLength);

    [LibraryImport(Library, EntryPoint = "kenv8_host_function_count")]
    internal static partial uint HostFunctionCount();

    [LibraryImport(Library, EntryPoint = "kenv8_set_process_text", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void SetProcessText(string name, string value, nuint length);

    [LibraryImport(Library, EntryPoint = "kenv8_shell_set_option", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void ShellSetOption(ShellHandle shell, string name, int value);

    [LibraryImport(Library, EntryPoint = "kenv8_shell_tape_record")]
    internal static partial void ShellTapeRecord(ShellHandle shell);

    [LibraryImport(Library, EntryPoint = "kenv8_shell_tape_replay")]
    internal static unsafe partial void ShellTapeReplay(ShellHandle shell, byte* tape, nuint length);

    [LibraryImport(Library, EntryPoint = "kenv8_shell_tape_off")]
    internal static partial void ShellTapeOff(ShellHandle shell);

    [LibraryImport(Library, EntryPoint = "kenv8_shell_tape")]
    internal static unsafe partial nuint ShellTape(ShellHandle shell, byte** data);

    [LibraryImport(Library, EntryPoint = "kenv8_shell_tape_divergence")]
    internal static partial IntPtr ShellTapeDivergence(ShellHandle shell);

    [LibraryImport(Library, EntryPoint = "kenv8_checkpoint_header_size")]
    internal static partial uint CheckpointHeaderSize();
}
