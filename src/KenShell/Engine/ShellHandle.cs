using System.Runtime.InteropServices;

namespace KenShell.Engine;

/// <summary>
/// Owns a native kenv8_shell (one V8 isolate). V8 requires the isolate to be
/// torn down on the thread that created it, so release happens only there;
/// a handle finalized on another thread is leaked instead (the process is
/// then exiting anyway).
/// </summary>
internal sealed class ShellHandle : SafeHandle
{
    private readonly int _ownerThread = Environment.CurrentManagedThreadId;

    public ShellHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        if (Environment.CurrentManagedThreadId != _ownerThread) return false;
        NativeMethods.ShellDestroy(handle);
        return true;
    }
}
