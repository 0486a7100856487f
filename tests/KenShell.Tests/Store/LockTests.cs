using KenShell.Tests.Support;
using Xunit;

namespace KenShell.Tests.Store;

/// <summary>G6: one writer per store.</summary>
public sealed class LockTests : IDisposable
{
    private readonly StoreDirectory _dir = new();

    [Fact]
    public void ASecondKenshellOnTheSameStoreIsRefusedAndChangesNothing()
    {
        using var first = Kenshell.Start(_dir.Path);
        Assert.Equal("1", first.Eval("x = 1"));
        string before = _dir.Fingerprint();

        KenshellResult second = Kenshell.Run(_dir.Path, "x = 2\n");

        Assert.NotEqual(0, second.ExitCode);
        Assert.Contains("in use by another kenshell", second.Stderr);
        Assert.Contains($"pid {first.Pid}", second.Stderr);
        Assert.Equal("", second.Stdout);
        Assert.Equal(before, _dir.Fingerprint());
        Assert.Equal("1", first.Eval("x"));
    }

    [Fact]
    public void TheLockDiesWithItsProcess()
    {
        using (var first = Kenshell.Start(_dir.Path))
        {
            first.Eval("x = 5");
            first.Kill9();
        }
        KenshellResult again = Kenshell.Run(_dir.Path, "x\n");
        Assert.Equal(0, again.ExitCode);
        Assert.Equal(["5"], again.StdoutLines);
    }

    public void Dispose() => _dir.Dispose();
}
