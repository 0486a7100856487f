using KenShell.Store;
using KenShell.Tests.Support;
using Mono.Unix.Native;
using Xunit;

namespace KenShell.Tests.Files;

/// <summary>
/// `fs` writes are outputs (issue #15): done only once their turn is
/// durable, in order, before the turn's output is released; a rolled-back
/// turn writes nothing; later reads in the turn see its writes; and a crash
/// at any point after the commit leaves each committed write done exactly
/// once (recovery completes what the crash interrupted, idempotently).
/// </summary>
public sealed class FsWriteTests : IDisposable
{
    private readonly StoreDirectory _dir = new();

    private string PathOf(string name) => System.IO.Path.Combine(_dir.Path, name);

    [Fact]
    public void AWriteIsOnDiskOnceItsTurnsResultIsSeenAndTheTurnReadsItsOwnWrites()
    {
        using var shell = Kenshell.Start(_dir.Path);
        Assert.Equal("'a1b2|12'", shell.Eval(
            "const fs = require('fs'); fs.writeFileSync('out.txt', 'a1'); fs.appendFileSync('out.txt', 'b2'); fs.readFileSync('out.txt', 'utf8') + '|' + fs.readdirSync('.').filter(n => n === 'out.txt').length + fs.statSync('out.txt').size / 2"));
        // The result line is out: the file must be there already.
        Assert.Equal("a1b2", File.ReadAllText(PathOf("out.txt")));

        Assert.Equal("'x,y'", shell.Eval(
            "fs.mkdirSync('d/e', { recursive: true }); fs.writeFileSync('d/e/x', 'X'); fs.copyFileSync('d/e/x', 'd/y'); fs.renameSync('d/y', 'd/e/y'); fs.readdirSync('d/e').sort().join()"));
        Assert.Equal("X", File.ReadAllText(PathOf("d/e/y")));
        Assert.False(File.Exists(PathOf("d/y")));

        Assert.Equal("[ false, false, true ]", shell.Eval(
            "fs.unlinkSync('d/e/x'); fs.rmSync('out.txt'); [fs.existsSync('d/e/x'), fs.existsSync('out.txt'), fs.existsSync('d/e/y')]"));
        Assert.False(File.Exists(PathOf("d/e/x")));
        Assert.False(File.Exists(PathOf("out.txt")));

        Assert.Equal("false", shell.Eval("fs.rmSync('d', { recursive: true }); fs.existsSync('d/e/y')"));
        Assert.False(Directory.Exists(PathOf("d")));

        // The promise and callback forms are outputs of the calling turn too.
        Assert.Equal("'p'", shell.Eval("await fs.promises.writeFile('p.txt', 'p'); fs.readFileSync('p.txt', 'utf8')"));
        Assert.Equal("p", File.ReadAllText(PathOf("p.txt")));
        Assert.Equal("null", shell.Eval("await new Promise(r => fs.appendFile('p.txt', Uint8Array.of(0x71), r))"));
        Assert.Equal("pq", File.ReadAllText(PathOf("p.txt")));
    }

    [Fact]
    public void ATurnStoppedWithCtrlCWritesNothing()
    {
        using var shell = Kenshell.Start(_dir.Path);
        shell.Send("require('fs').writeFileSync('never.txt', 'x'); require('fs').mkdirSync('never-dir'); for (;;) {}");
        shell.WaitUntilBusy(TimeSpan.FromMilliseconds(300));
        shell.Signal(Signum.SIGINT);
        shell.WaitForStderr("rolled back");
        Assert.Equal("false", shell.Eval("require('fs').existsSync('never.txt')"));
        Assert.False(File.Exists(PathOf("never.txt")));
        Assert.False(Directory.Exists(PathOf("never-dir")));
    }

    [Fact]
    public void AThrowingTurnKeepsTheWritesItMadeBeforeTheThrowAsNodeDoes()
    {
        KenshellResult r = Kenshell.Run(_dir.Path, "require('fs').writeFileSync('before.txt', 'b'); require('fs').writeFileSync('no/such/dir.txt', 'x')\n");
        Assert.Contains("ENOENT: no such file or directory, open 'no/such/dir.txt'", r.Stdout);
        Assert.Equal("b", File.ReadAllText(PathOf("before.txt")));
        Assert.False(Directory.Exists(PathOf("no")));
    }

    public static TheoryData<string> CrashPoints() => new()
    {
        FaultInjection.FileBeforeWrite,
        FaultInjection.FileMidWrite,
        FaultInjection.FileBeforeAck,
    };

    [Theory]
    [MemberData(nameof(CrashPoints))]
    public void ACrashAfterTheCommitLeavesEachWriteDoneExactlyOnce(string point)
    {
        File.WriteAllText(PathOf("log.txt"), "start\n");
        Kenshell.Run(_dir.Path, "var n = 0\n");
        var crash = new Dictionary<string, string> { ["KENSHELL_CRASH_AT"] = point };
        using (var shell = Kenshell.Start(_dir.Path, StoreDirectory.Address, [], crash))
        {
            shell.Send("const fs = require('fs'); n++; fs.appendFileSync('log.txt', 'append ' + n + '\\n'); fs.writeFileSync('whole.txt', 'whole ' + n); fs.mkdirSync('made/here', { recursive: true }); fs.appendFileSync('made/here/a', 'A'); n");
            KenshellResult dead = shell.WaitForExit(Kenshell.DefaultTimeout);
            Assert.True(dead.ExitCode is 137 or -9, $"the crash point {point} was never reached\n{dead}");
            // Before the ack the turn's output is out; before that, not yet.
            Assert.Equal(point == FaultInjection.FileBeforeAck ? "1\n" : "", dead.Stdout);
        }
        if (point == FaultInjection.FileBeforeWrite) Assert.Equal("start\n", File.ReadAllText(PathOf("log.txt")));

        // Recovery completes the committed turn's writes, once.
        KenshellResult after = Kenshell.Run(_dir.Path, "n\nrequire('fs').readFileSync('log.txt', 'utf8')\n");
        Assert.Equal(0, after.ExitCode);
        Assert.Equal(["1", "'start\\nappend 1\\n'"], after.StdoutLines);
        Assert.Equal("start\nappend 1\n", File.ReadAllText(PathOf("log.txt")));
        Assert.Equal("whole 1", File.ReadAllText(PathOf("whole.txt")));
        Assert.Equal("A", File.ReadAllText(PathOf("made/here/a")));
        Assert.Empty(Directory.GetFiles(_dir.Path, "*.kenshell-*.tmp"));

        // And again: nothing is done a second time.
        KenshellResult again = Kenshell.Run(_dir.Path, "n\n");
        Assert.Equal(["1"], again.StdoutLines);
        Assert.Equal("start\nappend 1\n", File.ReadAllText(PathOf("log.txt")));
        Assert.Equal("A", File.ReadAllText(PathOf("made/here/a")));
    }

    [Fact]
    public void RecoveryRedoingATurnWhoseLaterWritesReplacedItsEarlierOnesReportsNothing()
    {
        File.WriteAllText(PathOf("f.txt"), "0123456789");
        var crash = new Dictionary<string, string> { ["KENSHELL_CRASH_AT"] = FaultInjection.FileBeforeAck };
        using (var shell = Kenshell.Start(_dir.Path, StoreDirectory.Address, [], crash))
        {
            shell.Send("const fs = require('fs'); fs.appendFileSync('f.txt', 'more'); fs.writeFileSync('f.txt', 'short'); " +
                       "fs.writeFileSync('a.txt', 'a'); fs.renameSync('a.txt', 'b.txt'); fs.unlinkSync('b.txt'); 1");
            shell.WaitForExit(Kenshell.DefaultTimeout);
        }
        // Every write was done before the kill; recovery does them all again.
        KenshellResult after = Kenshell.Run(_dir.Path, ".info\n");
        Assert.DoesNotContain("failed", after.Stderr);
        Assert.Contains("0 failed after commit", after.Stdout);
        Assert.Equal("short", File.ReadAllText(PathOf("f.txt")));
        Assert.False(File.Exists(PathOf("a.txt")));
        Assert.False(File.Exists(PathOf("b.txt")));
    }

    [Fact]
    public void AWriteThatFailsAfterTheCommitIsReportedWithItsTurnAndListedByInfo()
    {
        File.WriteAllText(PathOf("grow.txt"), "0123456789");
        var crash = new Dictionary<string, string> { ["KENSHELL_CRASH_AT"] = FaultInjection.FileBeforeWrite };
        using (var shell = Kenshell.Start(_dir.Path, StoreDirectory.Address, [], crash))
        {
            shell.Send("require('fs').appendFileSync('grow.txt', 'more')");
            shell.WaitForExit(Kenshell.DefaultTimeout);
        }
        // The file shrank behind the shell's back: "these bytes at offset 10"
        // cannot be an append any more.
        File.WriteAllText(PathOf("grow.txt"), "01");
        KenshellResult after = Kenshell.Run(_dir.Path, ".info\n");
        Assert.Contains("a turn committed before this start: the file write appendFile(", after.Stderr);
        Assert.Contains("failed after the turn committed", after.Stderr);
        Assert.Contains("1 failed after commit", after.Stdout);
        Assert.Contains("failed: append ", after.Stdout);
        Assert.Equal("01", File.ReadAllText(PathOf("grow.txt")));
    }

    [Fact]
    public void ReadsWritesAndProcessDoNotDependOnBuiltInsUserCodeCanReplace()
    {
        KenshellResult r = Kenshell.Run(_dir.Path, string.Join("\n",
            "const fs = require('fs'); fs.writeFileSync('before.txt', 'b'); 1",
            "delete Array.prototype[Symbol.iterator]; Array.prototype.push = null; String.prototype.split = String.prototype.slice = String.prototype.indexOf = null; " +
                "JSON.parse = JSON.stringify = null; Map.prototype.get = Map.prototype.set = Map.prototype.entries = null; " +
                "Object.getPrototypeOf(Uint8Array.prototype).slice = Object.getPrototypeOf(Uint8Array.prototype).set = null; " +
                "Object.defineProperty(Object.prototype, 'seq', { set(v) { throw new Error('seq') }, configurable: true }); 'sabotaged'",
            "fs.writeFileSync('h.txt', 'hostile'); fs.appendFileSync('h.txt', '!'); fs.mkdirSync('hd/x', { recursive: true }); fs.readFileSync('h.txt', 'utf8')",
            "fs.readdirSync('hd').length + fs.statSync('h.txt').size",
            "fs.readFileSync('before.txt', 'latin1') + process.argv.length + typeof process.env.PATH",
            ""));
        Assert.Equal(["1", "'sabotaged'", "'hostile!'", "9", "'b1string'"], r.StdoutLines);
        Assert.Equal("hostile!", File.ReadAllText(PathOf("h.txt")));
        Assert.True(Directory.Exists(PathOf("hd/x")));
    }

    public void Dispose() => _dir.Dispose();
}
