using KenShell.Engine;
using KenShell.Store;
using KenShell.Tests.Support;
using Xunit;

namespace KenShell.Tests.History;

/// <summary>
/// Issue #16: the history is kept; .undo/.redo/.rewind are durable turns that
/// destroy nothing; --at opens any state read-only; .save writes the inputs
/// from turn 1; an engine change migrates by replay. Real processes, kill -9.
/// </summary>
public sealed class TimeTravelTests : IDisposable
{
    private readonly StoreDirectory _dir = new();

    private static readonly Dictionary<string, string> CheckpointEvery5 = new() { ["KENSHELL_CHECKPOINT_EVERY"] = "5" };

    /// <summary>Runs lines one by one in a live shell, waiting for each one's output line count, then kill -9.</summary>
    private void RunThenKill(params string[] lines)
    {
        using Kenshell shell = Kenshell.Start(_dir.Path);
        foreach (string line in lines) shell.Send(line);
        shell.Send("'marker-done'");
        var deadline = DateTime.UtcNow + Kenshell.DefaultTimeout;
        while (!shell.Stdout.Contains("'marker-done'", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, shell.Stdout + shell.Stderr);
            Thread.Sleep(10);
        }
        shell.Kill9();
    }

    /// <summary>
    /// Turns x = 0 .. x = count-1, a checkpoint after every 10 (each run ends
    /// with .checkpoint, which the exit gives time to finish), so that
    /// checkpoints roll over and the log has a segment per checkpoint.
    /// </summary>
    private void MakeTurns(int count)
    {
        for (int start = 0; start < count; start += 10)
        {
            string input = string.Concat(Enumerable.Range(start, Math.Min(10, count - start)).Select(i => $"x = {i}\n")) + ".checkpoint\n";
            Assert.Equal(0, Kenshell.Run(_dir.Path, input).ExitCode);
        }
    }

    [Fact]
    public void UndoGoesBackOneInputAndSurvivesKill9()
    {
        RunThenKill("x = 1", "x = 2", "x = 3", ".undo");
        KenshellResult r = Kenshell.Run(_dir.Path, "x\n");
        Assert.Equal(["2"], r.StdoutLines);
    }

    [Fact]
    public void RewindToTheFirstInputThenTheUndoneTurnsAreABranchAndRedoReturns()
    {
        RunThenKill("x = 1", "x = 2", "x = 3", ".undo", ".rewind 1");
        KenshellResult r = Kenshell.Run(_dir.Path, "x\n.history\n");
        Assert.Equal("1", r.StdoutLines[0]);
        string history = r.Stdout;
        // Turns 2 (x = 2) and 3 (x = 3) are not in the current state: listed as a branch.
        Assert.Matches(@"\n\s+2 .*input\s+x = 2\s+\[branch", history);
        Assert.Matches(@"\n\s+3 .*input\s+x = 3\s+\[branch", history);
        Assert.Matches(@"\n\s+1 .*input\s+x = 1\n", history);
        Assert.Matches(@"\n\s+4 .*undo\s+-> state after turn 2", history);
        Assert.Matches(@"\n\s+5 .*rewind\s+-> state after turn 1", history);

        // .rewind to a turn of the branch returns to it.
        Assert.Equal("3", Kenshell.Run(_dir.Path, ".rewind 3\nx\n").StdoutLines[^1]);
        // .undo twice, .redo once: one undo is undone; .redo again: both.
        Assert.Equal(0, Kenshell.Run(_dir.Path, "x = 30\nx = 31\n.undo\n.undo\n.redo\n").ExitCode);
        Assert.Equal("31", Kenshell.Run(_dir.Path, ".redo\nx\n").StdoutLines[^1]);
        // An input after .undo starts a new line: nothing to redo.
        Assert.Contains("Nothing to redo", Kenshell.Run(_dir.Path, ".undo\nx\n.redo\n").Stdout);
    }

    [Fact]
    public void AKillJustBeforeTheRewindTurnIsWrittenLeavesTheStateBeforeIt()
    {
        Kenshell.Run(_dir.Path, "x = 1\nx = 2\n");
        var crashAt = new Dictionary<string, string> { ["KENSHELL_CRASH_AT"] = FaultInjection.BeforeRewind };
        KenshellResult crashed = Kenshell.RunWith(crashAt, _dir.Path, ".undo\n");
        Assert.True(crashed.ExitCode is 137 or -9, crashed.ToString());
        Assert.Equal(["2"], Kenshell.Run(_dir.Path, "x\n").StdoutLines);
        // The same command, not killed, is durable (the first .undo undoes the query `x`, the second x = 2).
        Assert.Equal(0, Kenshell.Run(_dir.Path, ".undo\n.undo\n").ExitCode);
        Assert.Equal(["1"], Kenshell.Run(_dir.Path, "x\n").StdoutLines);
    }

    [Fact]
    public void ARewindWhoseTargetCanNoLongerBeReachedDoesNotMakeTheStoreUnopenable()
    {
        Kenshell.Run(_dir.Path, "x = 1\nx = 2\nx = 3\n.checkpoint\n");
        Assert.Contains(_dir.Checkpoints(), c => c.Turn == 3);
        Assert.Equal(0, Kenshell.Run(_dir.Path, ".rewind 1\n").ExitCode);
        // Take away every way back to turn 1: the rewind's own checkpoint, turn 0's, the genesis record.
        foreach (var (turn, path) in _dir.Checkpoints()) if (turn != 3) File.Delete(path);
        File.Delete(_dir.File("genesis"));

        KenshellResult r = Kenshell.Run(_dir.Path, "x\n");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(["3"], r.StdoutLines); // the newest state still reachable
        Assert.Contains("can no longer be reached", r.Stderr);
        Assert.NotEmpty(Directory.GetFiles(_dir.Path, "*log_*.damaged")); // kept, not deleted
        Assert.Equal(["3"], Kenshell.Run(_dir.Path, "x\n").StdoutLines);
    }

    [Fact]
    public void UndoCountsInputsAndUndoesTheTimerTurnsBetweenThem()
    {
        RunThenKill("y = []", "setTimeout(() => y.push('t'), 0); y.push('a'); 0", "'wait'");
        // The timer fired as a turn of its own between the inputs.
        Assert.Equal(["2"], Kenshell.Run(_dir.Path, "y.length\n").StdoutLines);
        // Inputs newest first: y.length (6), marker (5), 'wait' (4), setTimeout (2): the 4th goes back to turn 1.
        KenshellResult r = Kenshell.Run(_dir.Path, ".undo 4\ny.length\n");
        Assert.Contains("timer", r.Stdout);
        Assert.Equal("0", r.StdoutLines[^1]);
    }

    [Fact]
    public void TravelAcrossASentMessageSaysItCannotBeTakenBack()
    {
        using var other = new StoreDirectory();
        string a = FreeAddress(), b = FreeAddress();
        var network = new Dictionary<string, string> { ["KENSHELL_NO_NETWORK"] = "0" };
        using Kenshell receiver = Kenshell.Start(other.Path, b, [], network);
        Assert.Equal("0", receiver.Eval("var got = []; ken.onmessage = v => { got.push(v) }; 0"));
        using Kenshell sender = Kenshell.Start(_dir.Path, a, [], network);
        Assert.Equal("1", sender.Eval("x = 1"));
        sender.Eval($"ken.send('{b}', 'hello')");
        receiver.WaitForValue("got.length", "1", TimeSpan.FromSeconds(30));
        sender.WaitForValue("Object.keys(ken.pending()).length", "0", TimeSpan.FromSeconds(30));
        sender.Send(".rewind 1");
        Assert.StartsWith("Now at the state after turn 1", sender.ReadLine());
        string said = "";
        while (!said.Contains("Anything the undone turns wrote", StringComparison.Ordinal)) said += sender.ReadLine() + "\n";
        Assert.Contains($"1 message(s) to {b} from the undone turns were already sent and cannot be taken back", said);
        Assert.Equal("1", sender.Eval("x"));
    }

    // Issue #16: messages sent after an undo across sent messages used to be
    // numbered from the older count again and dropped by the peer as
    // duplicates. The rewind turn now carries the messaging state over.
    [Fact]
    public void MessagesSentAfterAnUndoAcrossSentMessagesAllArrive()
    {
        using var other = new StoreDirectory();
        string a = FreeAddress(), b = FreeAddress();
        var network = new Dictionary<string, string> { ["KENSHELL_NO_NETWORK"] = "0" };
        using Kenshell receiver = Kenshell.Start(other.Path, b, [], network);
        Assert.Equal("0", receiver.Eval("var got = []; ken.onmessage = v => { got.push(v) }; 0"));
        var sender = Kenshell.Start(_dir.Path, a, [], network);
        try
        {
            for (int i = 1; i <= 3; i++) sender.Eval($"ken.send('{b}', {i}); x = {i}");
            receiver.WaitForValue("got.join()", "'1,2,3'", TimeSpan.FromSeconds(30));
            sender.Send(".undo 2");
            string said = ReadUntil(sender, "Anything the undone turns wrote");
            Assert.Contains($"2 message(s) to {b} from the undone turns were already sent", said);
            Assert.Equal("1", sender.Eval("x"));
            sender.Eval($"ken.send('{b}', 4)");
            sender.Eval($"ken.send('{b}', 5)");
            receiver.WaitForValue("got.join()", "'1,2,3,4,5'", TimeSpan.FromSeconds(30));

            // The carried numbers survive kill -9 (the rewind turn is replayed with them).
            sender.Kill9();
            sender.Dispose();
            sender = Kenshell.Start(_dir.Path, a, [], network);
            Assert.Equal("1", sender.Eval("x"));
            sender.Eval($"ken.send('{b}', 6)");
            receiver.WaitForValue("got.join()", "'1,2,3,4,5,6'", TimeSpan.FromSeconds(30));
            sender.WaitForValue("Object.keys(ken.pending()).length", "0", TimeSpan.FromSeconds(30));
        }
        finally
        {
            sender.Dispose();
        }
        Assert.Equal("'1,2,3,4,5,6'", receiver.Eval("got.join()"));
    }

    [Fact]
    public void MessagesArriveAfterTheReceiverRewindsAcrossDeliveries()
    {
        using var other = new StoreDirectory();
        string a = FreeAddress(), b = FreeAddress();
        var network = new Dictionary<string, string> { ["KENSHELL_NO_NETWORK"] = "0" };
        using Kenshell receiver = Kenshell.Start(other.Path, b, [], network);
        Assert.Equal("0", receiver.Eval("var got = []; ken.onmessage = v => { got.push(v) }; 0"));
        using Kenshell sender = Kenshell.Start(_dir.Path, a, [], network);
        for (int i = 1; i <= 3; i++) sender.Eval($"ken.send('{b}', {i})");
        receiver.WaitForValue("got.join()", "'1,2,3'", TimeSpan.FromSeconds(30));
        receiver.Send(".rewind 1");
        string said = ReadUntil(receiver, "Anything the undone turns wrote");
        Assert.Contains("3 message(s) received in the undone turns were acknowledged", said);
        Assert.Equal("0", receiver.Eval("got.length"));
        // Delivered up to 3 stays what the receiver told the sender: 4 is the next one, not a gap.
        sender.Eval($"ken.send('{b}', 4)");
        receiver.WaitForValue("got.join()", "'4'", TimeSpan.FromSeconds(30));
        sender.WaitForValue("Object.keys(ken.pending()).length", "0", TimeSpan.FromSeconds(30));
    }

    private static string ReadUntil(Kenshell shell, string marker)
    {
        string said = "";
        while (!said.Contains(marker, StringComparison.Ordinal)) said += shell.ReadLine() + "\n";
        return said;
    }

    private static string FreeAddress()
    {
        using var probe = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        return $"127.0.0.1:{((System.Net.IPEndPoint)probe.Client.LocalEndPoint!).Port}";
    }

    [Fact]
    public void AtShowsAnOldStateAfterCheckpointsRolledOverAndLeavesTheStoreByteIdentical()
    {
        Kenshell.Run(_dir.Path, "x = 'first'\n");
        MakeTurns(60);
        Assert.True(_dir.Checkpoints().Count >= 3, string.Join(", ", _dir.Checkpoints()));
        string before = _dir.Fingerprint();

        KenshellResult at = Kenshell.Run(_dir.Path, "", "--at", "1", "--eval", "x");
        Assert.Equal(0, at.ExitCode);
        Assert.Equal(["'first'"], at.StdoutLines);
        Assert.Equal(["30"], Kenshell.Run(_dir.Path, "", "--at", "32", "--eval", "x").StdoutLines); // turn 2 is x = 0
        // Inputs there run on a scratch copy: nothing is committed.
        Assert.Equal(["7", "8"], Kenshell.Run(_dir.Path, "x = 7\nx + 1\n", "--at", "40").StdoutLines);
        KenshellResult future = Kenshell.Run(_dir.Path, "", "--at", "999", "--eval", "x");
        Assert.Equal(1, future.ExitCode);
        Assert.Contains("has not run yet", future.Stderr);

        Assert.Equal(before, _dir.Fingerprint());
        Assert.Equal(["59"], Kenshell.Run(_dir.Path, "x\n").StdoutLines);
    }

    [Fact]
    public void IssueDoneWhenAfter2400MoreTurnsWithCheckpointsRollingOverAtShowsTheOldValueAndSaveHoldsTheFirstInput()
    {
        RunThenKill("x = 1", "x = 2", "x = 3", ".undo");
        Assert.Equal(["2"], Kenshell.Run(_dir.Path, "x\n").StdoutLines);
        var every = new Dictionary<string, string> { ["KENSHELL_CHECKPOINT_EVERY"] = "100" };
        for (int run = 0; run < 4; run++)
            Assert.Equal(0, Kenshell.RunWith(every, _dir.Path, string.Concat(Enumerable.Range(0, 600).Select(i => $"y = {run * 600 + i}\n"))).ExitCode);
        Assert.DoesNotContain(_dir.Checkpoints(), c => c.Turn is > 0 and < 5); // rolled over
        string before = _dir.Fingerprint();
        KenshellResult at = Kenshell.Run(_dir.Path, "", "--at", "1", "--eval", "x");
        Assert.Equal(["1"], at.StdoutLines);
        Assert.Equal(["3"], Kenshell.Run(_dir.Path, "", "--at", "3", "--eval", "x").StdoutLines); // the undone branch, too
        Assert.Equal(before, _dir.Fingerprint());

        string file = Path.Combine(_dir.Path, "all.js");
        Kenshell.Run(_dir.Path, $".save {file}\n");
        string[] saved = File.ReadAllLines(file);
        Assert.Equal("x = 1", saved[0]);
        Assert.Equal("x = 2", saved[1]);
        Assert.DoesNotContain("x = 3", saved); // undone
        Assert.Equal("y = 2399", saved[^1]);
        Assert.Equal(2 + 2 + 2400, saved.Length); // x = 1, x = 2, the marker and the query x, the 2,400 inputs
    }

    [Fact]
    public void SaveAfterARestartHoldsEveryInputFromTurn1OnTheCurrentLine()
    {
        Kenshell.RunWith(CheckpointEvery5, _dir.Path, "let a = 1\nfunction f() {\n  return a + 1\n}\nx = 1\nx = 2\n.undo\n" +
                                                     string.Concat(Enumerable.Range(0, 12).Select(i => $"a += {i}\n")));
        string file = Path.Combine(_dir.Path, "saved.js");
        KenshellResult r = Kenshell.Run(_dir.Path, $".save {file}\n");
        Assert.Contains("Session saved to", r.Stdout);
        string saved = File.ReadAllText(file);
        Assert.StartsWith("let a = 1\nfunction f() {\n  return a + 1\n}\nx = 1\na += 0\n", saved);
        Assert.DoesNotContain("x = 2", saved); // undone: not part of the current state

        // Replayable elsewhere: .load in a new store builds the same state.
        using var other = new StoreDirectory();
        KenshellResult replayed = Kenshell.Run(other.Path, $".load {file}\nf() + x\n");
        Assert.Equal((1 + 66 + 1 + 1).ToString(), replayed.StdoutLines[^1]);
    }

    [Fact]
    public void HistoryIsKeptAndForgetAsksThenDropsOnlyWhatRecoveryDoesNotNeed()
    {
        MakeTurns(40);
        var layout = new StoreLayout(_dir.Path, StoreDirectory.Address);
        Assert.Equal(1UL, layout.ListLogSegments()[0].FirstTurn); // nothing pruned
        KenshellResult info = Kenshell.Run(_dir.Path, ".info\n");
        Assert.Contains("history:          turns 1..40 kept", info.Stdout);
        Assert.True(_dir.Checkpoints().Count >= 3, string.Join(", ", _dir.Checkpoints()));

        KenshellResult asked = Kenshell.Run(_dir.Path, ".forget 20\n");
        Assert.Contains("To confirm, type: .forget 20 yes", asked.Stdout);
        Assert.Equal(1UL, layout.ListLogSegments()[0].FirstTurn);

        KenshellResult done = Kenshell.Run(_dir.Path, ".forget 20 yes\nx\n");
        Assert.Contains("Dropped the history up to turn", done.Stdout);
        ulong first = layout.ListLogSegments()[0].FirstTurn;
        Assert.InRange(first, 2UL, 20UL);
        Assert.Equal("39", done.StdoutLines[^1]);
        KenshellResult tooOld = Kenshell.Run(_dir.Path, "", "--at", "1", "--eval", "x");
        Assert.Equal(1, tooOld.ExitCode);
        Assert.Contains("cannot be reached", tooOld.Stderr);

        // The flag drops without asking.
        MakeTurns(20);
        KenshellResult flag = Kenshell.Run(_dir.Path, "x\n", "--forget", "35");
        Assert.Contains("dropped the history", flag.Stderr);
        Assert.True(layout.ListLogSegments()[0].FirstTurn > first);
        Assert.Equal(["19"], flag.StdoutLines);
    }

    [Fact]
    public void ADamagedOldSegmentDoesNotStopTheStoreAndIsReportedWhenTheHistoryIsRead()
    {
        MakeTurns(30);
        string oldest = new StoreLayout(_dir.Path, StoreDirectory.Address).ListLogSegments()[0].Path;
        byte[] bytes = File.ReadAllBytes(oldest);
        bytes[^5] ^= 0x40; // inside its last record
        File.WriteAllBytes(oldest, bytes);

        KenshellResult r = Kenshell.Run(_dir.Path, "x\n.history 3\n");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("29", r.StdoutLines[0]);
        Assert.Contains("the history is damaged", r.Stdout);
        Assert.True(File.Exists(oldest)); // kept as it is: only reported
    }

    private static void ForgeEngine(string path, string engine)
    {
        byte[] bytes = File.ReadAllBytes(path);
        CheckpointHeader header = CheckpointHeader.TryParse(bytes, out _)!;
        (header with { Engine = engine }).ToBytes().CopyTo(bytes, 0);
        File.WriteAllBytes(path, bytes);
    }

    [Fact]
    public void AnotherEnginesStoreIsMigratedByReplayAutomaticallyBranchesIncluded()
    {
        Kenshell.RunWith(CheckpointEvery5, _dir.Path,
            "var r = Math.random(); x = 1\nx = 2\nx = 3\n.undo\n" + string.Concat(Enumerable.Range(0, 12).Select(i => $"y = {i}\n")));
        const string Foreign = "V8 9.4.146.24-node.20; no-pointer-compression";
        foreach (var (_, path) in _dir.Checkpoints()) ForgeEngine(path, Foreign);
        string random = Kenshell.Run(_dir.Path, "", "--at", "1", "--eval", "r").Stdout; // from genesis: no checkpoint of this engine

        KenshellResult migrated = Kenshell.Run(_dir.Path, "x\ny\nr\n");
        Assert.Equal(0, migrated.ExitCode);
        Assert.Equal(["2", "11", random.Trim()], migrated.StdoutLines);
        Assert.Contains("migrating the store", migrated.Stderr);
        Assert.Contains("no divergence", migrated.Stderr);
        Assert.NotEmpty(Directory.GetFiles(_dir.Path, "*.other-engine"));
        Assert.Equal(["2"], Kenshell.Run(_dir.Path, "x\n").StdoutLines);
        Assert.DoesNotContain("migrating", Kenshell.Run(_dir.Path, "x\n").Stderr);
    }

    /// <summary>
    /// A write is done once, right after its turn commits, also around time
    /// travel: the driver's "done through" count belonged to the state before
    /// the travel, so a write made after an .undo was skipped until the next
    /// start, and a .rewind to a turn whose write was already done did it again.
    /// </summary>
    [Fact]
    public void FileWritesAroundTimeTravelAreDoneOnceAndWhenTheirTurnCommits()
    {
        string a = Path.Combine(_dir.Path, "a.txt"), c = Path.Combine(_dir.Path, "c.txt");
        using (Kenshell shell = Kenshell.Start(_dir.Path))
        {
            shell.Send("const fs = require('fs'); 0");
            shell.Send("fs.writeFileSync('a.txt', 'A'); 1");
            shell.Send(".undo");
            shell.Send("fs.writeFileSync('c.txt', 'C'); 'wrote-c'");
            var deadline = DateTime.UtcNow + Kenshell.DefaultTimeout;
            while (!shell.Stdout.Contains("'wrote-c'", StringComparison.Ordinal))
            {
                Assert.True(DateTime.UtcNow < deadline, shell.Stdout + shell.Stderr);
                Thread.Sleep(10);
            }
            // Its result is printed: its write is on disk, in this process.
            Assert.Equal("C", File.ReadAllText(c));
            shell.Kill9();
        }
        Assert.Equal("A", File.ReadAllText(a));

        // a.txt changed since; going back to the state right after its write
        // (turn 2, the write not yet confirmed in that state) must not write it again.
        File.WriteAllText(a, "changed since");
        KenshellResult r = Kenshell.Run(_dir.Path, ".rewind 2\nfs.existsSync('a.txt')\n");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("true", r.StdoutLines[^1]);
        Assert.Equal("changed since", File.ReadAllText(a));
        Assert.Equal(0, Kenshell.Run(_dir.Path, "1\n").ExitCode);
        Assert.Equal("changed since", File.ReadAllText(a));
    }

    public void Dispose() => _dir.Dispose();
}
