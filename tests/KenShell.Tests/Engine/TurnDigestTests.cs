using KenShell.Engine;
using Xunit;

namespace KenShell.Tests.Engine;

public sealed class TurnDigestTests
{
    private static uint Digest(params (OutputStream Stream, string Text)[] records) =>
        TurnDigest.Compute(records.Select(r => new OutputRecord(r.Stream, r.Text)).ToList());

    [Fact]
    public void ColourCodesAreNotPartOfTheOutput()
    {
        // The same turn printed at a terminal and replayed without one.
        Assert.Equal(Digest((OutputStream.Stdout, "42\n")), Digest((OutputStream.Stdout, "\x1b[33m42\x1b[39m\n")));
        Assert.Equal(Digest((OutputStream.Stdout, "{ a: 1, b: 'x' }\n")),
                     Digest((OutputStream.Stdout, "{ a: \x1b[33m1\x1b[39m, b: \x1b[32m'x'\x1b[39m }\n")));
    }

    [Fact]
    public void EverythingElseIs()
    {
        Assert.NotEqual(Digest((OutputStream.Stdout, "42\n")), Digest((OutputStream.Stdout, "43\n")));
        Assert.NotEqual(Digest((OutputStream.Stdout, "42\n")), Digest((OutputStream.Stderr, "42\n")));
        Assert.NotEqual(Digest((OutputStream.Stdout, "\x1b[2J42\n")), Digest((OutputStream.Stdout, "42\n")));
        Assert.NotEqual(Digest(), Digest((OutputStream.Stdout, "")));
    }
}
