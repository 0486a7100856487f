using System.Diagnostics;
using System.Text.RegularExpressions;
using KenShell.Store;
using KenShell.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace KenShell.Tests.Torture;

/// <summary>
/// Issue #16 under random SIGKILLs: kills during .undo and .rewind (while
/// the target state is being reached, committed or checkpointed) and during
/// an engine migration (a rebuild by replay). The driver keeps its own model
/// of the log (every turn: an input and the value it left, or a rewind and
/// its target) and, after every restart, checks the store's turn count and
/// the value against it: nothing committed is lost ("lost turn"), nothing
/// appears that was not sent ("phantom turn"), and the state is the model's
/// state of that turn ("wrong state").
/// </summary>
public sealed partial class TimeTravelTorture(ITestOutputHelper output) : IDisposable
{
    private readonly StoreDirectory _dir = new();
    private static readonly Dictionary<string, string> FrequentCheckpoints = new() { ["KENSHELL_CHECKPOINT_EVERY"] = "4" };

    // The model: turn k (1-based) is Turns[k-1]: an input (Value: what v is
    // after it; null for a query that changes nothing) or a rewind (Target).
    private sealed record Turn(bool Rewind, ulong Target, long? Value);

    private readonly List<Turn> _turns = new();

    private long? StateValue(ulong k)
    {
        while (k > 0)
        {
            Turn t = _turns[(int)k - 1];
            if (t.Rewind) k = t.Target;
            else if (t.Value is { } v) return v;
            else k--;
        }
        return null;
    }

    /// <summary>The target of .undo as the README defines it: the turn before the most recent input of the current line.</summary>
    private ulong? UndoTarget()
    {
        ulong k = (ulong)_turns.Count;
        while (k > 0)
        {
            Turn t = _turns[(int)k - 1];
            if (t.Rewind) k = t.Target;
            else return k - 1;
        }
        return null;
    }

    [Fact]
    public void KillsDuringUndoAndRewindLoseNothingCommitted()
    {
        int targetKills = TortureMode.Scale(12, 150);
        var random = new Random(TortureMode.Seed(16));
        var clock = Stopwatch.StartNew();
        int kills = 0, travels = 0, inFlightCommitted = 0, travelsInFlight = 0;

        Assert.Equal(["'ready'"], Kenshell.Run(_dir.Path, "var v = 0; 'ready'\n").StdoutLines);
        _turns.Add(new Turn(false, 0, 0));
        while (kills < targetKills)
        {
            using Kenshell shell = Kenshell.Start(_dir.Path, StoreDirectory.Address, [], FrequentCheckpoints);
            var kill = new ScheduledKill(shell, TimeSpan.FromMilliseconds(random.Next(0, 1500)));
            bool travelInFlight = false;
            try
            {
                // Where the store is: .info's turn count (a dot command, not a turn).
                shell.Send(".info");
                string line;
                while (!(line = shell.ReadLine()).StartsWith("turns committed:", StringComparison.Ordinal)) { }
                ulong n = ulong.Parse(line["turns committed:".Length..].Trim());
                while (!shell.ReadLine().StartsWith("network:", StringComparison.Ordinal)) { }
                ulong l = (ulong)_turns.Count;
                Assert.True(n >= l, $"lost turn: the model has {l} turns, the store {n}\n{shell.Stderr}");
                Assert.True(n <= l + (_lastPending is null ? 0UL : 1UL),
                    $"phantom turn: the model has {l} turns{(_lastPending is null ? "" : " and one in flight")}, the store {n}\n{shell.Stderr}");
                if (n == l + 1)
                {
                    _turns.Add(_lastPending!);
                    inFlightCommitted++;
                }
                _lastPending = null;

                // The state is the model's state of that turn (the query is a turn too).
                long? expected = StateValue(n);
                kill.Sent();
                _lastPending = new Turn(false, 0, null);
                string value = shell.Eval("v");
                _turns.Add(_lastPending);
                _lastPending = null;
                kill.Answered();
                Assert.True(value == expected?.ToString(), $"wrong state after turn {n}: v is {value}, the model says {expected}\n{shell.Stderr}");

                while (true)
                {
                    int op = random.Next(10);
                    if (op < 5)
                    {
                        long x = random.Next(1, 1_000_000);
                        kill.Sent();
                        _lastPending = new Turn(false, 0, x);
                        Assert.Equal(x.ToString(), shell.Eval($"v = {x}"));
                    }
                    else
                    {
                        ulong? target = op < 8 ? UndoTarget() : (ulong)random.Next(1, _turns.Count);
                        if (target is null || target == (ulong)_turns.Count) continue;
                        kill.Sent();
                        travelInFlight = true;
                        _lastPending = new Turn(true, target.Value, null);
                        string said = shell.Eval(op < 8 ? ".undo" : $".rewind {target}");
                        Assert.StartsWith($"Now at the state after turn {target} (turn {_turns.Count + 1} ", said);
                        travels++;
                        // Drain what the command said, up to a marker input (a turn of its own).
                        _turns.Add(_lastPending);
                        _lastPending = new Turn(false, 0, null);
                        shell.Send("'marker'");
                        while (shell.ReadLine() != "'marker'") { }
                        travelInFlight = false;
                    }
                    _turns.Add(_lastPending);
                    _lastPending = null;
                    kill.Answered();
                }
            }
            catch (Exception e) when (kill.Explains(e))
            {
                if (travelInFlight && kill.MidTurn) travelsInFlight++;
            }
            int exit = kill.WaitForDeath();
            Assert.True(exit is 137 or -9, $"kenshell exited {exit} before it was killed\n{shell.Stderr}");
            Assert.DoesNotContain("diverged", shell.Stderr);
            Assert.DoesNotContain("damaged", shell.Stderr);
            kills++;
        }

        KenshellResult end = Kenshell.Run(_dir.Path, ".info\n");
        ulong final = ulong.Parse(Regex.Match(end.Stdout, @"turns committed:\s+(\d+)").Groups[1].Value);
        if (final == (ulong)_turns.Count + 1 && _lastPending is not null) _turns.Add(_lastPending);
        Assert.Equal((ulong)_turns.Count, final);
        Assert.Equal(StateValue(final)?.ToString(), Kenshell.Run(_dir.Path, "v\n").StdoutLines.Single());

        string summary = $"time travel kills ({TortureMode.Name}): {kills} kills survived, {travels} undo/rewind seen, " +
                         $"{travelsInFlight} kills with an undo/rewind in flight, {inFlightCommitted} turns found committed with their output lost; " +
                         $"{_turns.Count} turns; {clock.Elapsed.TotalSeconds:F0} s";
        output.WriteLine(summary);
        TortureReport.Add("kills survived", "during .undo/.rewind workloads", kills);
        TortureReport.Add("kills survived (where they landed)", "an undo/rewind in flight", travelsInFlight);
        TortureReport.Time(nameof(TimeTravelTorture) + ".undo/rewind", clock.Elapsed);
    }

    private Turn? _lastPending;

    [Fact]
    public void KillsDuringAnEngineMigrationLoseNothingCommitted()
    {
        int targetKills = TortureMode.Scale(6, 60);
        var random = new Random(TortureMode.Seed(61));
        var clock = Stopwatch.StartNew();
        // A history with a branch: 150 inputs, an undo, 150 more; checkpoints along the way.
        string Inputs(int from, int count) => string.Concat(Enumerable.Range(from, count).Select(i => $"v = {i}; for (let i = 0; i < 20000; i++); v\n"));
        Assert.Equal(0, Kenshell.Run(_dir.Path, "var v = 0\n" + Inputs(1, 150) + ".checkpoint\n").ExitCode);
        Assert.Equal(0, Kenshell.Run(_dir.Path, ".undo\n" + Inputs(151, 150) + ".checkpoint\n").ExitCode);
        Assert.Equal(["300"], Kenshell.Run(_dir.Path, "v\n").StdoutLines);
        int kills = 0, crashPoints = 0, fromGenesis = 0;
        while (kills < targetKills)
        {
            // Every round migrates again: the checkpoints left are made another engine's
            // (none are left when the last round was killed mid-migration: then the
            // state is rebuilt from the history alone).
            if (_dir.Checkpoints().Count == 0) fromGenesis++;
            ForgeAll();
            if (random.Next(2) == 0)
            {
                // A crash point at a random replayed turn.
                var env = new Dictionary<string, string> { ["KENSHELL_CRASH_AT"] = $"{FaultInjection.DuringRebuild}:{random.Next(1, 300)}" };
                KenshellResult r = Kenshell.RunWith(env, _dir.Path, "v\n");
                Assert.True(r.ExitCode is 137 or -9 || r.StdoutLines is ["300"], r.ToString());
                if (r.ExitCode is 137 or -9) crashPoints++;
            }
            else
            {
                using Kenshell shell = Kenshell.Start(_dir.Path);
                var kill = new ScheduledKill(shell, TimeSpan.FromMilliseconds(random.Next(0, 800)));
                try
                {
                    shell.Send("v");
                    string value = shell.ReadLine();
                    Assert.True(value is "300", value);
                    // Undo the query (a turn of its own) so that v's turn count stays put.
                    shell.Send(".undo");
                    shell.ReadLine(TimeSpan.FromSeconds(30));
                    Thread.Sleep(5000);
                }
                catch (Exception e) when (kill.Explains(e))
                {
                }
                kill.WaitForDeath();
                Assert.DoesNotContain("diverged", shell.Stderr);
            }
            kills++;
        }
        KenshellResult final = Kenshell.Run(_dir.Path, "v\n");
        Assert.Equal(["300"], final.StdoutLines);
        Assert.DoesNotContain("diverged", final.Stderr);
        Assert.NotEmpty(Directory.GetFiles(_dir.Path, "*.other-engine*"));
        output.WriteLine($"migration kills ({TortureMode.Name}): {kills} kills ({crashPoints} at a crash point mid-replay, " +
                         $"{fromGenesis} restarts with every checkpoint already set aside); nothing lost; {clock.Elapsed.TotalSeconds:F0} s");
        Assert.True(crashPoints > 0, "no crash point landed in a migration");
        TortureReport.Add("kills survived", "during an engine migration (rebuild by replay)", kills);
        TortureReport.Time(nameof(TimeTravelTorture) + ".migration", clock.Elapsed);
    }

    private void ForgeAll()
    {
        const string Foreign = "V8 9.4.146.24-node.20; no-pointer-compression";
        foreach (var (_, path) in _dir.Checkpoints())
        {
            byte[] bytes = File.ReadAllBytes(path);
            CheckpointHeader header = CheckpointHeader.TryParse(bytes, out _)!;
            (header with { Engine = Foreign }).ToBytes().CopyTo(bytes, 0);
            File.WriteAllBytes(path, bytes);
        }
    }

    public void Dispose() => _dir.Dispose();
}
