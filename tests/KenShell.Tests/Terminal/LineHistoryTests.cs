using System.Text;
using KenShell.Terminal;
using KenShell.Tests.Support;
using Xunit;

namespace KenShell.Tests.Terminal;

public sealed class LineHistoryTests : IDisposable
{
    private readonly StoreDirectory _dir = new();
    private string PathOf => System.IO.Path.Combine(_dir.Path, "ken_test_history");

    [Fact]
    public void EntriesSurviveReopeningWithoutBlanksOrRepeats()
    {
        using (var history = LineHistory.Open(PathOf, TextWriter.Null))
        {
            history.Add("let a = 1");
            history.Add("a");
            history.Add("a");      // the same line twice in a row: kept once
            history.Add("   ");    // blank: not kept
            history.Add("a + 1");
        }
        using var reopened = LineHistory.Open(PathOf, TextWriter.Null);
        Assert.Equal(["let a = 1", "a", "a + 1"], reopened.Entries);
        Assert.Equal("let a = 1\na\na + 1\n", File.ReadAllText(PathOf));
    }

    [Fact]
    public void ATornOrGarbledTailIsSkipped()
    {
        // What a crash or a stray writer can leave: zeros, a half UTF-8 character.
        byte[] good = Encoding.UTF8.GetBytes("first\nsecond\n");
        byte[] torn = [.. good, 0, 0, 0, (byte)'\n', (byte)'x', 0xE2, 0x82, (byte)'\n', .. "third\n"u8];
        File.WriteAllBytes(PathOf, torn);
        var warnings = new StringWriter();
        using var history = LineHistory.Open(PathOf, warnings);
        Assert.Equal(["first", "second", "third"], history.Entries);
        Assert.Equal("", warnings.ToString());
    }

    [Fact]
    public void ALongHistoryIsCompactedToItsNewestEntries()
    {
        File.WriteAllLines(PathOf, Enumerable.Range(0, 250).Select(i => $"line {i}"));
        using (var history = LineHistory.Open(PathOf, TextWriter.Null, capacity: 100))
        {
            Assert.Equal(100, history.Entries.Count);
            Assert.Equal("line 150", history.Entries[0]);
            history.Add("newest");
        }
        string[] lines = File.ReadAllLines(PathOf);
        Assert.Equal(101, lines.Length);
        Assert.Equal("line 150", lines[0]);
        Assert.Equal("newest", lines[^1]);
        Assert.False(File.Exists(PathOf + ".tmp"));
    }

    [Fact]
    public void AnOversizedFileIsReadFromItsEndAndCompacted()
    {
        // 6 MB of old entries, then the newest ones.
        using (var writer = new StreamWriter(PathOf))
        {
            for (int i = 0; i < 60_000; i++) writer.Write($"old entry {i} {new string('-', 90)}\n");
            writer.Write("newest one\nnewest two\n");
        }
        using (var history = LineHistory.Open(PathOf, TextWriter.Null, capacity: 1000))
        {
            Assert.Equal(1000, history.Entries.Count);
            Assert.Equal(["newest one", "newest two"], history.Entries.TakeLast(2));
            Assert.All(history.Entries.SkipLast(2), e => Assert.Matches(@"^old entry \d+ -{90}$", e));
        }
        Assert.True(new FileInfo(PathOf).Length < 200_000, "the file should have been compacted");
    }

    [Fact]
    public void AnUnwritableHistoryStaysInMemoryAndSaysSoOnce()
    {
        Directory.CreateDirectory(PathOf); // a directory where the file should be: every open fails
        var warnings = new StringWriter();
        using var history = LineHistory.Open(PathOf, warnings);
        history.Add("one");
        history.Add("two");
        Assert.Equal(["one", "two"], history.Entries);
        string text = warnings.ToString();
        Assert.Contains("input history is kept in memory only", text);
        Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    public void Dispose() => _dir.Dispose();
}
