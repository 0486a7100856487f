using KenShell.Tests.Support;
using Xunit;

namespace KenShell.Tests.Shell;

/// <summary>The non-interactive contract scripts and tests rely on.</summary>
public sealed class NonInteractiveContractTests : IDisposable
{
    private readonly StoreDirectory _dir = new();

    [Fact]
    public void NoPromptOneResultPerInputAndExitZeroAtEnd()
    {
        KenshellResult r = Kenshell.Run(_dir.Path, "1 + 1\n'str'\nundefined\n\n   \nconsole.log('out'); 7\n");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("2\n'str'\nundefined\nout\n7\n", r.Stdout);
    }

    [Fact]
    public void SeveralLinesFormOneInputUntilTheSourceIsComplete()
    {
        KenshellResult r = Kenshell.Run(_dir.Path, "function f(a,\n  b) {\n  return `${a}\n${b}`\n}\nf(1, 2)\n/* a\ncomment */ 5\n");
        Assert.Equal("undefined\n'1\\n2'\n5\n", r.Stdout);
        // Each complete input was one turn: 3 turns.
        Assert.Contains("restored turn 3:", Kenshell.Run(_dir.Path, "").Stderr);
    }

    [Fact]
    public void AnIncompleteInputAtEndOfInputIsReportedNotRun()
    {
        KenshellResult r = Kenshell.Run(_dir.Path, "x = 1\nfunction g() {\n");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("1\n", r.Stdout);
        Assert.Contains("incomplete", r.Stderr);
    }

    [Fact]
    public void ErrorsArePrintedAsNodesReplPrintsThem()
    {
        KenshellResult r = Kenshell.Run(_dir.Path, "nope\nlet y = ;\nnull.x\nthrow 42\nfoo(1 2)\n");
        Assert.Equal(
            "Uncaught ReferenceError: nope is not defined\n" +
            "let y = ;\n        ^\n\nUncaught SyntaxError: Unexpected token ';'\n" +
            "Uncaught TypeError: Cannot read properties of null (reading 'x')\n" +
            "Uncaught 42\n" +
            "foo(1 2)\n    ^\n\nUncaught SyntaxError: missing ) after argument list\n",
            r.Stdout);
    }

    [Fact]
    public void EvalRunsOneTurnPrintsItsResultAndExits()
    {
        using (var first = Kenshell.Start(_dir.Path, "--eval", "counter = 10"))
        {
            KenshellResult r = first.WaitForExit(Kenshell.DefaultTimeout);
            Assert.Equal(0, r.ExitCode);
            Assert.Equal("10\n", r.Stdout);
        }
        using var second = Kenshell.Start(_dir.Path, "--eval", "++counter");
        KenshellResult r2 = second.WaitForExit(Kenshell.DefaultTimeout);
        Assert.Equal("11\n", r2.Stdout);
    }

    [Fact]
    public void ObjectLiteralInputIsAnExpressionAsInNode()
    {
        KenshellResult r = Kenshell.Run(_dir.Path, "{ a: 1, b: [1, 2] }\n{ let q = 3; q }\n");
        Assert.Equal("{ a: 1, b: [ 1, 2 ] }\n3\n", r.Stdout);
    }

    [Fact]
    public void TopLevelDeclarationsCanBeRedeclaredInLaterInputs()
    {
        KenshellResult r = Kenshell.Run(_dir.Path, "let a = 1\nlet a = 2\nconst c = 1\nconst c = 2\nclass K {}\nclass K { m() { return 1 } }\na + c + new K().m()\n");
        Assert.Equal("5", r.StdoutLines[^1]);
    }

    [Fact]
    public void DiagnosticsGoToStderrNotStdout()
    {
        KenshellResult r = Kenshell.Run(_dir.Path, "console.error('to stderr'); 1\n");
        Assert.Equal("1\n", r.Stdout);
        Assert.Equal("to stderr\n", r.Stderr);
    }

    public void Dispose() => _dir.Dispose();
}
