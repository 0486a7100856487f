using KenShell.Tests.Support;
using Xunit;

namespace KenShell.Tests.Persistence;

/// <summary>
/// The engine tuning through the real kenshell process: every built-in of a
/// plain isolate and optimized code in a fresh store and after restarts,
/// and large checkpoints (read through a memory mapping) restored and,
/// when damaged, caught.
/// </summary>
public sealed class EngineTuningTests : IDisposable
{
    private readonly StoreDirectory _dir = new();
    private static readonly Dictionary<string, string> EveryTurn = new() { ["KENSHELL_CHECKPOINT_EVERY"] = "1" };

    private const string BuiltIns =
        "[typeof [].at, typeof Object.hasOwn, typeof [].findLast, typeof ''.at, typeof SharedArrayBuffer, " +
        "typeof Atomics, typeof WebAssembly, Error.stackTraceLimit].join()\n";

    [Fact]
    public void BuiltInsAndHotCodeSurviveRestartsOfTheRealShell()
    {
        string hot =
            "class Acc { constructor() { this.n = 0 } add(x) { this.n += x; return this.n } }\n" +
            "var acc = new Acc(); for (let i = 0; i < 300000; i++) acc.add(i % 3); acc.n\n" +
            "var savedAt = Array.prototype.at; Object.hasOwn(acc, 'n')\n";
        KenshellResult first = Kenshell.RunWith(EveryTurn, _dir.Path, BuiltIns + hot);
        Assert.Equal(0, first.ExitCode);
        Assert.Equal(["'function,function,function,function,function,object,object,10'", "300000", "true"],
            first.StdoutLines.Where(l => !l.StartsWith("undefined", StringComparison.Ordinal)).ToArray());

        for (int restart = 0; restart < 2; restart++)
        {
            KenshellResult again = Kenshell.RunWith(EveryTurn, _dir.Path,
                BuiltIns + "savedAt === [].at && Object.hasOwn({}, 'x') === false\n" +
                "for (let i = 0; i < 300000; i++) acc.add(1); acc.n\n");
            Assert.Equal(0, again.ExitCode);
            Assert.Equal(["'function,function,function,function,function,object,object,10'", "true",
                          (600000 + 300000 * restart).ToString(System.Globalization.CultureInfo.InvariantCulture)],
                again.StdoutLines);
            Assert.Contains("restored turn", again.Stderr);
            Assert.DoesNotContain("warning", again.Stderr);
        }
    }

    [Fact]
    public void ALargeCheckpointIsRestoredAndABitFlipInItIsCaught()
    {
        // About 25 MB of snapshot: above the size from which the store maps
        // the file instead of reading it into memory.
        using (var shell = Kenshell.Start(_dir.Path, StoreDirectory.Address, [], EveryTurn))
        {
            Assert.Equal("400000", shell.Eval("var big = Array.from({length: 400000}, (_, i) => ({ i, s: 'item' + i })); big.length"));
            Assert.Equal("'item123456'", shell.Eval("big[123456].s"));
            // The shell abandons a checkpoint still being written when its
            // input ends: wait for the big one before ending it.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
            while (!_dir.Checkpoints().Any(c => new FileInfo(c.Path).Length > 16L << 20))
            {
                Assert.True(DateTime.UtcNow < deadline, "no large checkpoint was written\n" + shell.Stderr);
                Thread.Sleep(50);
            }
            shell.CloseInput();
            Assert.Equal(0, shell.WaitForExit(Kenshell.DefaultTimeout).ExitCode);
        }
        var (newestTurn, newest) = _dir.Checkpoints()[0];
        Assert.True(new FileInfo(newest).Length > 16L << 20, $"the checkpoint has {new FileInfo(newest).Length} bytes");

        KenshellResult restored = Kenshell.Run(_dir.Path, "big.length + big[399999].i\n");
        Assert.Equal(["799999"], restored.StdoutLines);
        Assert.Contains($"checkpoint ken_{StoreDirectory.Address}_ckpt_{newestTurn} ", restored.Stderr);

        // Damage the newest (large) checkpoint in the middle of its snapshot:
        // it is reported and kept aside, and the older one plus the log give
        // the same state.
        var (damagedTurn, damaged) = _dir.Checkpoints()[0];
        Assert.True(new FileInfo(damaged).Length > 16L << 20);
        byte[] bytes = File.ReadAllBytes(damaged);
        bytes[bytes.Length / 2] ^= 0x10;
        File.WriteAllBytes(damaged, bytes);
        KenshellResult recovered = Kenshell.Run(_dir.Path, "big.length + big[399999].i\n");
        Assert.Equal(0, recovered.ExitCode);
        Assert.Equal(["799999"], recovered.StdoutLines);
        Assert.Contains($"ckpt_{damagedTurn} is damaged", recovered.Stderr);
        Assert.True(File.Exists(damaged + ".damaged"));
    }

    public void Dispose() => _dir.Dispose();
}
