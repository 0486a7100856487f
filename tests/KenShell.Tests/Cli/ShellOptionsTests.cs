using System.Text.RegularExpressions;
using KenShell.Cli;
using KenShell.Tests.Support;
using Xunit;

namespace KenShell.Tests.Cli;

/// <summary>
/// The options record: built once from the command line and the environment
/// (<see cref="ShellOptions.Read"/>), the one place kenshell's C# code reads an
/// environment variable; every KENSHELL_* variable the sources mention is named there.
/// </summary>
public sealed partial class ShellOptionsTests
{
    private static readonly ShellOptions CommandLine = new() { Address = "127.0.0.1:6666", KeepLog = true };

    private static ShellOptions Read(Dictionary<string, string> environment) =>
        ShellOptions.Read(CommandLine, name => environment.GetValueOrDefault(name));

    [Fact]
    public void UnsetVariablesGiveTheDefaults()
    {
        ShellOptions o = Read([]);
        Assert.Equal(CommandLine with { }, o with { }); // nothing but the command line
        Assert.True(o.KeepLog);
        Assert.False(o.NoNetwork);
        Assert.Equal(1000UL, o.CheckpointEveryTurns);
        Assert.Equal(TimeSpan.FromMinutes(10), o.CheckpointTimeout);
        Assert.Equal(TimeSpan.FromSeconds(1), o.ProgressAfter);
        Assert.Null(o.NetworkFaults);
        Assert.Null(o.CrashAt);
    }

    [Fact]
    public void EachVariableSetsItsOption()
    {
        ShellOptions o = Read(new()
        {
            ["KENSHELL_NO_NETWORK"] = "1",
            ["TERM"] = "xterm",
            ["KENSHELL_CHECKPOINT_EVERY"] = "3",
            ["KENSHELL_CHECKPOINT_TIMEOUT_MS"] = "1500",
            ["KENSHELL_TRACE"] = "1",
            ["KENSHELL_PROGRESS_AFTER_MS"] = "0",
            ["KENSHELL_CRASH_AT"] = "log-after-sync:2",
            ["KENSHELL_FAULT"] = "enospc:log:3",
            ["KENSHELL_NATIVE_DIR"] = "/opt/kenv8",
            ["KENSHELL_NET_FAULTS"] = "loss=0.5,seed=3",
        });
        Assert.True(o.NoNetwork);
        Assert.Equal("xterm", o.Term);
        Assert.Equal(3UL, o.CheckpointEveryTurns);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), o.CheckpointTimeout);
        Assert.True(o.Trace);
        Assert.Equal(TimeSpan.Zero, o.ProgressAfter);
        Assert.Equal("log-after-sync:2", o.CrashAt);
        Assert.Equal("enospc:log:3", o.Faults);
        Assert.Equal("/opt/kenv8", o.NativeDirectory);
        Assert.Equal(0.5, o.NetworkFaults!.Loss);
        Assert.True(o.KeepLog); // the command line's part stays
    }

    [Fact]
    public void UnusableNumbersKeepTheDefaultAndABadFaultSpecNamesItsVariable()
    {
        ShellOptions o = Read(new() { ["KENSHELL_CHECKPOINT_EVERY"] = "0", ["KENSHELL_PROGRESS_AFTER_MS"] = "-5" });
        Assert.Equal(1000UL, o.CheckpointEveryTurns);
        Assert.Equal(TimeSpan.FromSeconds(1), o.ProgressAfter);
        FormatException e = Assert.Throws<FormatException>(() => Read(new() { ["KENSHELL_NET_FAULTS"] = "loss=2" }));
        Assert.Contains("KENSHELL_NET_FAULTS", e.Message);
    }

    [Fact]
    public void ABadValueIsAClearErrorBeforeTheStoreIsTouched()
    {
        using var dir = new StoreDirectory();
        foreach ((string name, string value) in new[] { ("KENSHELL_NET_FAULTS", "loss=2"), ("KENSHELL_FAULT", "nonsense") })
        {
            KenshellResult r = Kenshell.RunWith(new Dictionary<string, string> { [name] = value }, dir.Path, "1 + 1\n");
            Assert.Equal(1, r.ExitCode);
            Assert.Contains(name, r.Stderr);
            Assert.Empty(Directory.GetFiles(dir.Path));
        }
    }

    private static IEnumerable<string> Sources(string folder, params string[] patterns) =>
        patterns.SelectMany(p => Directory.EnumerateFiles(KenshellPaths.RepositoryFile(folder), p, SearchOption.AllDirectories));

    [Fact]
    public void OnlyTheCommandLineReadsTheEnvironment()
    {
        string cli = Path.Combine("src", "KenShell", "Cli", "ShellCommand.cs");
        List<string> readers = Sources("src/KenShell", "*.cs")
            .Where(f => File.ReadAllText(f).Contains("GetEnvironmentVariable", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(KenshellPaths.RepositoryFile("."), f))
            .ToList();
        Assert.Equal([cli], readers);
    }

    [Fact]
    public void EveryKenshellVariableTheSourcesMentionIsNamedInTheOptions()
    {
        string options = File.ReadAllText(KenshellPaths.RepositoryFile("src/KenShell/Cli/ShellOptions.cs"));
        var named = new HashSet<string>(Variable().Matches(options).Select(m => m.Value))
        {
            KenShell.Messaging.NetworkFaults.EnvironmentVariable,
        };
        var missing = Sources("src/KenShell", "*.cs").Concat(Sources("native/src", "*.cc", "*.h"))
            .SelectMany(f => Variable().Matches(File.ReadAllText(f)).Select(m => (Name: m.Value, File: Path.GetFileName(f))))
            .Where(v => !named.Contains(v.Name))
            .Select(v => $"{v.Name} ({v.File})")
            .Distinct()
            .ToList();
        Assert.True(missing.Count == 0, "not named in Cli/ShellOptions.cs: " + string.Join(", ", missing));
    }

    [Fact]
    public void TheNativeLibraryReadsNoEnvironmentVariableOfItsOwn()
    {
        // Its settings come through kenv8_configure. The one reader left is
        // process.env (host_functions.cc): the user's environment, read as an
        // input of the turn that asks for it.
        List<string> readers = Sources("native/src", "*.cc", "*.h")
            .Where(f => File.ReadAllText(f).Contains("getenv(", StringComparison.Ordinal))
            .Select(Path.GetFileName)
            .Select(name => name!)
            .ToList();
        Assert.Equal(["host_functions.cc"], readers);
    }

    [GeneratedRegex(@"KENSHELL_[A-Z0-9_]*[A-Z0-9]")]
    private static partial Regex Variable();
}
