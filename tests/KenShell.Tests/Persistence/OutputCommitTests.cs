using KenShell.Store;
using KenShell.Tests.Support;
using Mono.Unix.Native;
using Xunit;

namespace KenShell.Tests.Persistence;

/// <summary>
/// G3: a turn's output leaves the process only after the turn is durable.
/// The moment a result is seen, the process is frozen (SIGSTOP) and the
/// disk is inspected: the turn's checksummed record must already be in the
/// turn log.
/// </summary>
public sealed class OutputCommitTests : IDisposable
{
    private readonly StoreDirectory _dir = new();

    [Fact]
    public void OutputIsSeenOnlyAfterItsTurnIsInTheLog()
    {
        using var shell = Kenshell.Start(_dir.Path);
        var layout = new StoreLayout(_dir.Path, StoreDirectory.Address);
        for (ulong turn = 1; turn <= 30; turn++)
        {
            shell.Send($"console.log('log{turn}'); {turn}");
            string line = shell.ReadLine();
            shell.Signal(Signum.SIGSTOP);
            try
            {
                Assert.Equal($"log{turn}", line);
                TurnLogReadResult log = new TurnLogReader(layout, null).Read();
                Assert.False(log.IsCorrupt, string.Join("; ", log.Problems));
                Assert.Contains(log.Records, r => r.Turn == turn && r.Source == $"console.log('log{turn}'); {turn}");
            }
            finally
            {
                shell.Signal(Signum.SIGCONT);
            }
            Assert.Equal($"{turn}", shell.ReadLine());
        }
    }

    [Fact]
    public void AnInterruptedTurnReleasesNoneOfItsOutput()
    {
        using var shell = Kenshell.Start(_dir.Path);
        shell.Send("console.log('must not appear'); while (true) {}");
        shell.WaitUntilBusy(TimeSpan.FromMilliseconds(300));
        shell.Signal(Signum.SIGINT);
        Assert.Equal("'after'", shell.Eval("'after'"));
        Assert.DoesNotContain("must not appear", shell.Stdout);
    }

    public void Dispose() => _dir.Dispose();
}
