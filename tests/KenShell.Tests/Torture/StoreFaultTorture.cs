using System.Diagnostics;
using System.Text.RegularExpressions;
using KenShell.Store;
using KenShell.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace KenShell.Tests.Torture;

/// <summary>
/// Store I/O faults (issue #7), injected with <c>KENSHELL_FAULT</c> (see
/// src/KenShell/Store/FaultInjection.cs): short writes, ENOSPC, fsync
/// failures, rename failures and a file system gone read-only, on the turn
/// log, checkpoints, the genesis record and directory syncs, once or from
/// some operation on. (A real full disk: Store/DiskFullTests; a real
/// read-only mount: below.) Failure modes:
///  - "fault not reported": the shell printed nothing about the failure;
///  - "released uncommitted output": a turn's console output or result
///    was printed though its record was not made durable, or only half of
///    its output was;
///  - "lost turn": a turn whose output was seen is missing after a restart;
///  - "phantom turn": a turn that was reported rolled back is there;
///  - "unreadable store": the restart reports damage or diverges;
///  - "stopped serving": the shell did not go on to the end of its input.
/// </summary>
public sealed partial class StoreFaultTorture(ITestOutputHelper output) : IDisposable
{
    private const int Turns = 24;
    private readonly List<StoreDirectory> _dirs = [];

    public static TheoryData<string> NamedFaults() =>
    [
        "short-write:log:3", "short-write:log:3+",
        "enospc:log:4", "enospc:log:4+",
        "fsync-fail:log:5", "fsync-fail:log:5+",
        "rename-fail:log:1", "rename-fail:log:1+",
        "fsync-fail:dir:2", "fsync-fail:dir:1+",
        "short-write:checkpoint:1", "enospc:checkpoint:1+", "fsync-fail:checkpoint:1",
        "rename-fail:checkpoint:1", "rename-fail:checkpoint:1+",
        "read-only:any:6+",
    ];

    [Theory]
    [MemberData(nameof(NamedFaults))]
    public void AFaultyStoreReportsRefusesTheTurnAndLosesNothingCommitted(string fault)
    {
        string stderr = RunFaultySession(fault, out int seen);
        Assert.Contains("[injected ", stderr); // it fired: the test is not vacuous
        // A disk that keeps failing appends cannot have acknowledged every turn.
        if (fault.EndsWith('+') && !fault.StartsWith("rename-fail", StringComparison.Ordinal) &&
            (fault.Contains(":log:", StringComparison.Ordinal) || fault.Contains(":any:", StringComparison.Ordinal)))
        {
            Assert.True(seen < Turns, $"{fault}: every turn was acknowledged though appends kept failing\n{stderr}");
        }
    }

    [Fact]
    public void RandomFaultsNeverCostACommittedTurn()
    {
        var clock = Stopwatch.StartNew();
        var random = new Random(TortureMode.Seed(3));
        string[] kinds = [FaultInjection.ShortWrite, FaultInjection.NoSpace, FaultInjection.FsyncFail, FaultInjection.RenameFail, FaultInjection.ReadOnly];
        string[] targets = ["log", "checkpoint", "dir", "any"];
        int runs = TortureMode.Scale(6, 150), fired = 0;
        for (int i = 0; i < runs; i++)
        {
            string fault = $"{kinds[random.Next(kinds.Length)]}:{targets[random.Next(targets.Length)]}:{random.Next(1, 9)}{(random.Next(3) == 0 ? "+" : "")}";
            if (random.Next(4) == 0)
                fault += $",{kinds[random.Next(kinds.Length)]}:{targets[random.Next(targets.Length)]}:{random.Next(1, 9)}";
            string stderr = RunFaultySession(fault, out _);
            bool hit = stderr.Contains("[injected ", StringComparison.Ordinal);
            if (hit) fired++;
            output.WriteLine($"{fault}: {(hit ? "fired" : "not reached")}");
        }
        // Many random specs name an operation a short session never reaches
        // (the 14th checkpoint rename...); but if none fired, nothing was tested.
        Assert.True(fired >= Math.Max(1, runs / 4), $"only {fired} of {runs} random faults fired");
        output.WriteLine($"random store faults ({TortureMode.Name}): {runs} sessions, {fired} with a fault that fired; no committed turn lost, {clock.Elapsed.TotalSeconds:F0} s");
        TortureReport.Time(nameof(StoreFaultTorture) + " (random)", clock.Elapsed);
    }

    public static TheoryData<string> CreationFaults() =>
    [
        "short-write:genesis", "enospc:genesis", "fsync-fail:genesis", "rename-fail:genesis",
        "rename-fail:checkpoint", "fsync-fail:dir", "short-write:log", "rename-fail:log", "fsync-fail:log",
    ];

    /// <summary>
    /// Failure mode "half-made store": creating a store fails part way; the
    /// shell must say so and exit 1, and the next start must create a whole
    /// store (with its genesis record), not open the remains.
    /// </summary>
    [Theory]
    [MemberData(nameof(CreationFaults))]
    public void AStoreWhoseCreationFailsIsNotLeftHalfMade(string fault)
    {
        StoreDirectory dir = NewDirectory();
        KenshellResult failed = Kenshell.RunWith(new Dictionary<string, string> { ["KENSHELL_FAULT"] = fault }, dir.Path, "x = 1\n");
        Assert.Equal(1, failed.ExitCode);
        Assert.Empty(failed.Stdout);
        Assert.Contains("cannot open the store", failed.Stderr);
        Assert.Contains("[injected ", failed.Stderr);
        CountFaults(failed.Stderr);

        KenshellResult fresh = Kenshell.Run(dir.Path, "typeof x\nx = 2\n");
        Assert.Equal(["'undefined'", "2"], fresh.StdoutLines);
        Assert.True(File.Exists(dir.File("genesis")), "the store was opened without its genesis record");
        Assert.Equal(["2"], Kenshell.Run(dir.Path, "x\n").StdoutLines);
    }

    /// <summary>
    /// A store on a read-only mount (a real one: a read-only bind mount of
    /// the store's directory). Failure modes "misreported read-only store"
    /// (claimed to be in use by another kenshell) and "changed a read-only
    /// store". Needs permission to mount; says so when it has none.
    /// </summary>
    [Fact]
    public void AStoreOnAReadOnlyMountIsRefusedClearlyAndLeftAsItWas()
    {
        StoreDirectory dir = NewDirectory();
        Assert.Equal(["1"], Kenshell.Run(dir.Path, "x = 1\n").StdoutLines);
        string view = Directory.CreateTempSubdirectory("kenshell-ro-").FullName;
        try
        {
            if (Mount("--bind", dir.Path, view) != 0)
            {
                output.WriteLine("SKIPPED: bind mounts are not permitted here; the read-only mount case did not run.");
                return;
            }
            try
            {
                Assert.Equal(0, Mount("-o", "remount,bind,ro", view));
                string before = dir.Fingerprint();
                KenshellResult r = Kenshell.Run(view, "x\nx = 2\n");
                Assert.Equal(1, r.ExitCode);
                Assert.Contains("Read-only file system", r.Stderr);
                Assert.DoesNotContain("in use by another", r.Stderr);
                Assert.Empty(r.Stdout);
                Assert.Equal(before, dir.Fingerprint());
                TortureReport.Add(FaultsSection, "read-only mount (a real one)");
            }
            finally
            {
                Umount(view);
            }
        }
        finally
        {
            Directory.Delete(view);
        }
        Assert.Equal(["1"], Kenshell.Run(dir.Path, "x\n").StdoutLines);
    }

    /// <summary>
    /// One session under the fault: turns that each print a line and a
    /// result; then a restart without faults must find exactly the turns
    /// whose output was seen, and go on. Returns the faulty session's stderr.
    /// </summary>
    private string RunFaultySession(string fault, out int seenCount)
    {
        StoreDirectory dir = NewDirectory();
        Assert.Equal(["undefined"], Kenshell.Run(dir.Path, "var log = []\n").StdoutLines);
        var input = new System.Text.StringBuilder();
        for (int i = 1; i <= Turns; i++)
        {
            input.Append($"log.push({i}); console.log('out{i}'); {i}\n");
            if (i % 8 == 0) input.Append(".checkpoint\n");
        }
        var environment = new Dictionary<string, string> { ["KENSHELL_FAULT"] = fault, ["KENSHELL_CHECKPOINT_EVERY"] = "3" };
        KenshellResult r = Kenshell.RunWith(environment, dir.Path, input.ToString());
        Assert.True(r.ExitCode == 0, $"stopped serving under {fault}:\n{r}");

        // Each turn's output is all or nothing: "outN" then "N".
        var seen = new List<int>();
        string[] lines = r.StdoutLines;
        for (int j = 0; j < lines.Length; j++)
        {
            Match m = OutPattern().Match(lines[j]);
            Assert.True(m.Success && j + 1 < lines.Length && lines[j + 1] == m.Groups[1].Value,
                $"released uncommitted output under {fault}: line {j} is '{lines[j]}'\n{r}");
            seen.Add(int.Parse(m.Groups[1].Value));
            j++;
        }
        int refused = Regex.Matches(r.Stderr, "could not make the turn durable").Count;
        Assert.True(refused == Turns - seen.Count, $"fault not reported under {fault}: {Turns - seen.Count} turns missing, {refused} reported\n{r}");

        KenshellResult after = Kenshell.Run(dir.Path, "JSON.stringify(log)\nlog.push(-1)\n");
        Assert.True(after.ExitCode == 0, $"unreadable store after {fault}:\n{after}");
        Assert.DoesNotContain("diverged", after.Stderr);
        Assert.DoesNotContain("damaged", after.Stderr);
        string expected = "'" + System.Text.Json.JsonSerializer.Serialize(seen) + "'";
        Assert.True(expected == after.StdoutLines[0],
            $"lost or phantom turn under {fault}: seen {expected}, recovered {after.StdoutLines[0]}\n--- faulty session\n{r}\n--- restart\n{after}");
        Assert.Equal([$"{seen.Count + 1}"], Kenshell.Run(dir.Path, "log.length\n").StdoutLines);

        CountFaults(r.Stderr);
        TortureReport.Add("store faults", "sessions under a fault");
        TortureReport.Add("store faults", "turns refused and rolled back (output withheld)", refused);
        seenCount = seen.Count;
        return r.Stderr;
    }

    /// <summary>
    /// Counts each injected fault once, by kind and file kind, from the lines
    /// that report it (a broken writer repeats its first failure in every
    /// later refusal: those lines are not new faults).
    /// </summary>
    private static void CountFaults(string stderr)
    {
        foreach (string line in stderr.Split('\n'))
        {
            if (line.Contains("unusable", StringComparison.Ordinal)) continue;
            Match m = InjectedPattern().Match(line);
            if (!m.Success) continue;
            string file = m.Groups[1].Value;
            string target = file.Contains("_log_", StringComparison.Ordinal) ? "log"
                : file.Contains("_ckpt_", StringComparison.Ordinal) ? "checkpoint"
                : file.Contains("_genesis", StringComparison.Ordinal) ? "genesis"
                : "directory fsync";
            TortureReport.Add(FaultsSection, $"{m.Groups[2].Value} on {target}");
        }
    }

    private const string FaultsSection = "faults injected and reported, by kind";

    private StoreDirectory NewDirectory()
    {
        var dir = new StoreDirectory();
        _dirs.Add(dir);
        return dir;
    }

    private static int Mount(params string[] args) => SystemTool.Run("mount", args);

    private static void Umount(string path) => SystemTool.Run("umount", path);

    [GeneratedRegex(@"^out(\d+)$")]
    private static partial Regex OutPattern();

    // "... on <file> [injected <kind>]": the first mention in a line.
    [GeneratedRegex(@" on ([^ ]+) \[injected ([a-z-]+)\]")]
    private static partial Regex InjectedPattern();

    public void Dispose()
    {
        foreach (StoreDirectory dir in _dirs) dir.Dispose();
    }
}
