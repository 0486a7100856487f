using KenShell.Tests.Support;
using Xunit;

namespace KenShell.Tests.Persistence;

/// <summary>
/// Inputs that exhaust resources never cost committed data: a turn that runs
/// out of heap is rolled back and the shell goes on, or — where V8 cannot
/// continue at all — kenshell exits with a clear message (no abort, no core)
/// and the next start finds every committed turn.
/// </summary>
public sealed class ResourceLimitTests : IDisposable
{
    private readonly StoreDirectory _dir = new();
    private static readonly Dictionary<string, string> SmallHeap = new() { ["KENSHELL_V8_FLAGS"] = "--max-old-space-size=32" };

    [Fact]
    public void ATurnThatRunsOutOfHeapIsRolledBackAndTheShellGoesOn()
    {
        KenshellResult r = Kenshell.RunWith(SmallHeap, _dir.Path, "x = 1\nconst a = []; for (;;) a.push(new Array(1e5).fill(1.5))\nx\ntypeof a\n");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(["1", "1", "'undefined'"], r.StdoutLines);
        Assert.Contains("out of memory", r.Stderr);
        Assert.Contains("rolled back", r.Stderr);
    }

    [Fact]
    public void AnOutOfMemoryV8CannotSurviveEndsWithAMessageAndLosesNothing()
    {
        KenshellResult r = Kenshell.RunWith(SmallHeap, _dir.Path, "x = 1\nconst m = new Map(); for (let i = 0; ; i++) m.set(i, { i })\nx\n");
        Assert.Equal("1", r.StdoutLines[0]);
        if (r.ExitCode != 0)
        {
            Assert.Equal(70, r.ExitCode); // not SIGABRT/SIGTRAP: no core dump
            Assert.Contains("kenshell: fatal: JavaScript heap out of memory", r.Stderr);
        }
        KenshellResult after = Kenshell.Run(_dir.Path, "x\ntypeof m\n");
        Assert.Equal(["1", "'undefined'"], after.StdoutLines);
    }

    [Fact]
    public void UnboundedRecursionAndHugeAllocationsAreOrdinaryErrors()
    {
        KenshellResult r = Kenshell.Run(_dir.Path, "function f() { return f() } f()\nnew ArrayBuffer(2 ** 40)\n'x'.repeat(2 ** 30)\n1\n");
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith("Uncaught RangeError: Maximum call stack size exceeded", r.StdoutLines[0]);
        Assert.Contains(r.StdoutLines, l => l.StartsWith("Uncaught RangeError: Array buffer allocation failed", StringComparison.Ordinal));
        Assert.Contains(r.StdoutLines, l => l.StartsWith("Uncaught RangeError: Invalid string length", StringComparison.Ordinal));
        Assert.Equal("1", r.StdoutLines[^1]);
    }

    public void Dispose() => _dir.Dispose();
}
