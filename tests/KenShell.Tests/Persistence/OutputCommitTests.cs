using KenShell.Store;
using KenShell.Tests.Support;
using Mono.Unix.Native;
using Xunit;

namespace KenShell.Tests.Persistence;

/// <summary>
/// G3: a turn's output leaves the process only after the turn is durable.
/// The moment a result is seen, the process is frozen (SIGSTOP) and the
/// disk is inspected: a complete, checksummed checkpoint for that turn
/// must already be in place under its final name.
/// </summary>
public sealed class OutputCommitTests : IDisposable
{
    private readonly StoreDirectory _dir = new();

    [Fact]
    public void OutputIsSeenOnlyAfterItsTurnIsDurable()
    {
        // A heap of some megabytes makes each checkpoint take long enough
        // that output released too early would be caught.
        Kenshell.Run(_dir.Path, "var ballast = Array.from({ length: 150000 }, (_, i) => ({ i, s: 'x' + i })); 0\n");
        using var shell = Kenshell.Start(_dir.Path);
        ulong baseTurn = _dir.Checkpoints()[0].Turn;
        for (int i = 1; i <= 6; i++)
        {
            shell.Send($"console.log('log{i}'); {i}");
            string line = shell.ReadLine();
            shell.Signal(Signum.SIGSTOP);
            try
            {
                Assert.Equal($"log{i}", line);
                ulong turn = baseTurn + (ulong)i;
                string path = _dir.File($"ckpt_{turn}");
                Assert.True(File.Exists(path), $"output of turn {turn} was released before ken_..._ckpt_{turn} existed");
                Assert.Null(CheckpointStore.Verify(File.ReadAllBytes(path), turn, out _));
            }
            finally
            {
                shell.Signal(Signum.SIGCONT);
            }
            Assert.Equal($"{i}", shell.ReadLine());
        }
    }

    [Fact]
    public void ATurnThatCannotBeSavedReleasesNoneOfItsOutput()
    {
        // The turn prints, then creates state V8 cannot snapshot (an ICU
        // segment iterator): it is rolled back, and its console output
        // never appears.
        KenshellResult r = Kenshell.Run(_dir.Path,
            "n = 1\nconsole.log('must not appear'); n = 2; globalThis.segs = new Intl.Segmenter('en').segment('a b'); 0\nn\n");
        Assert.DoesNotContain("must not appear", r.Stdout);
        Assert.Equal("1", r.StdoutLines[0]);
        Assert.StartsWith("Uncaught TypeError: this input created state that kenshell cannot save", r.StdoutLines[1]);
        Assert.Equal("1", r.StdoutLines[2]);
    }

    public void Dispose() => _dir.Dispose();
}
