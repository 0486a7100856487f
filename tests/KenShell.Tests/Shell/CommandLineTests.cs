using KenShell.Tests.Support;
using Xunit;

namespace KenShell.Tests.Shell;

/// <summary>
/// The command line's edges a new user hit: --eval of code that cannot
/// compile, --eval with --wait, an option kenshell does not know, and the
/// dot commands that need a file name given none.
/// </summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly StoreDirectory _dir = new();

    [Theory]
    [InlineData("1+", "1+\n  \n\nUncaught SyntaxError: Unexpected end of input\n")]
    [InlineData("if (x) {\n  foo(", "  foo(\n      \n\nUncaught SyntaxError: Unexpected end of input\n")]
    public void EvalOfAnIncompleteInputReportsItsSyntaxErrorAndExitsOne(string code, string expected)
    {
        // As `node -e '1+'`: nothing can follow an --eval input, so an
        // unfinished one is the syntax error V8 reports, not "incomplete".
        KenshellResult r = Kenshell.Run(_dir.Path, "", "--eval", code);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal(expected, r.Stdout);
        Assert.DoesNotContain("incomplete", r.Stderr);
        // It is a turn like any other syntax error: it replays as it ran.
        KenshellResult next = Kenshell.Run(_dir.Path, "'next'\n");
        Assert.Equal("'next'\n", next.Stdout);
        Assert.Contains("restored turn 1:", next.Stderr);
        Assert.DoesNotContain("diverged", next.Stderr);
    }

    [Fact]
    public void EvalExitsOneWhenTheInputThrowsAsNodeEDoes()
    {
        KenshellResult threw = Kenshell.Run(_dir.Path, "", "--eval", "x = 1; throw new Error('boom')");
        Assert.Equal(1, threw.ExitCode);
        Assert.Equal("Uncaught Error: boom\n", threw.Stdout.Split('\n')[0] + "\n");
        // What ran before the throw is kept, as in Node.
        KenshellResult ok = Kenshell.Run(_dir.Path, "", "--eval", "x + 1");
        Assert.Equal(0, ok.ExitCode);
        Assert.Equal("2\n", ok.Stdout);
    }

    [Fact]
    public void EvalWithWaitRunsTheTimersItSet()
    {
        KenshellResult waited = Kenshell.Run(_dir.Path, "", "--eval", "setTimeout(() => console.log('later'), 200); 'now'", "--wait");
        Assert.Equal(0, waited.ExitCode);
        Assert.Equal("'now'\nlater\n", waited.Stdout);

        // Without --wait the timer stays in the store for the next start.
        KenshellResult left = Kenshell.Run(_dir.Path, "", "--eval", "setTimeout(() => console.log('next time'), 200); 'now'");
        Assert.Equal("'now'\n", left.Stdout);
        KenshellResult after = Kenshell.Run(_dir.Path, "", "--eval", "1", "--wait");
        Assert.Equal("1\nnext time\n", after.Stdout);
    }

    [Theory]
    [InlineData("--foo")]
    [InlineData("-x")]
    public void AnUnknownOptionIsAUsageErrorNamingIt(string option)
    {
        KenshellResult r = Kenshell.Run(_dir.Path, "", option);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"unknown option {option}", r.Stderr);
        Assert.Contains("usage: kenshell ADDRESS", r.Stderr);
        Assert.DoesNotContain("Could not find", r.Stderr);
        Assert.Empty(Directory.EnumerateFiles(_dir.Path)); // no store was made
        // Before the address too.
        KenshellResult first = Kenshell.RunAt(_dir.Path, option, "");
        Assert.Equal(1, first.ExitCode);
        Assert.Contains($"unknown option {option}", first.Stderr);
    }

    [Fact]
    public void SaveAndLoadWithoutAFileNameSayWhatNodeSays()
    {
        KenshellResult r = Kenshell.Run(_dir.Path, "1\n.save\n.load\n.save   \n2\n");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("1\nThe \"file\" argument must be specified\nThe \"file\" argument must be specified\n" +
                     "The \"file\" argument must be specified\n2\n", r.Stdout);
        Assert.DoesNotContain("Parameter", r.Stdout + r.Stderr);
    }

    public void Dispose() => _dir.Dispose();
}
