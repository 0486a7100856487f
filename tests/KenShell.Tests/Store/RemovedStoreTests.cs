using KenShell.Tests.Support;
using Xunit;

namespace KenShell.Tests.Store;

/// <summary>
/// `rm ken_*` while a shell runs: a second shell may then start a new store
/// under the same names. The first must notice at its next commit and stop
/// (exit 1, saying why) instead of committing to deleted files, and must not
/// touch the new store.
/// </summary>
public sealed class RemovedStoreTests : IDisposable
{
    private readonly StoreDirectory _dir = new();

    [Fact]
    public void AShellWhoseStoreFilesWereRemovedStopsAtItsNextCommit()
    {
        using var first = Kenshell.Start(_dir.Path);
        Assert.Equal("1", first.Eval("x = 1"));
        foreach (string file in Directory.GetFiles(_dir.Path, "ken_*")) File.Delete(file);

        // A second shell on the "same" store: a new store, as rm ken_* means.
        KenshellResult second = Kenshell.Run(_dir.Path, "typeof x\ny = 'second'\n");
        Assert.Equal(["'undefined'", "'second'"], second.StdoutLines);

        first.Send("x = 2");
        KenshellResult r = first.WaitForExit(Kenshell.DefaultTimeout);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("1\n", r.Stdout); // the turn that could not be saved printed nothing
        Assert.Contains("the store's files were removed while this shell ran", r.Stderr);
        Assert.Contains("nothing more can be saved", r.Stderr);

        // The new store is intact and untouched by the first shell.
        KenshellResult third = Kenshell.Run(_dir.Path, "typeof x\ny\n");
        Assert.Equal(["'undefined'", "'second'"], third.StdoutLines);
        Assert.DoesNotContain("warning", third.Stderr);
        Assert.DoesNotContain("damaged", third.Stderr);
    }

    [Fact]
    public void RemovingOnlyTheLockFileStopsTheShellToo()
    {
        // Without its lock file the store is no longer protected from a
        // second writer, which would take a new lock file.
        using var shell = Kenshell.Start(_dir.Path);
        Assert.Equal("1", shell.Eval("x = 1"));
        File.Delete(_dir.File("lock"));
        shell.Send("x = 2");
        KenshellResult r = shell.WaitForExit(Kenshell.DefaultTimeout);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("(its lock file:", r.Stderr);
        // Everything committed before is still there.
        Assert.Equal(["1"], Kenshell.Run(_dir.Path, "x\n").StdoutLines);
    }

    [Fact]
    public void ACheckpointAskedForAfterTheRemovalStopsTheShellAndWritesNothing()
    {
        using var shell = Kenshell.Start(_dir.Path);
        Assert.Equal("1", shell.Eval("x = 1"));
        foreach (string file in Directory.GetFiles(_dir.Path, "ken_*")) File.Delete(file);
        shell.Send(".checkpoint");
        KenshellResult r = shell.WaitForExit(Kenshell.DefaultTimeout);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("the store's files were removed while this shell ran", r.Stderr);
        Assert.Empty(Directory.GetFiles(_dir.Path, "ken_*")); // no new log segment, no checkpoint
    }

    public void Dispose() => _dir.Dispose();
}
