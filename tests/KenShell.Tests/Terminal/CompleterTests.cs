using KenShell.Shell;
using Xunit;

namespace KenShell.Tests.Terminal;

public sealed class CompleterTests
{
    [Theory]
    [InlineData("coun", 0, "coun", "")]
    [InlineData("x = acct.dep", 9, "dep", "acct")]
    [InlineData("a.b.c", 4, "c", "a b")]
    [InlineData("a?.b.", 5, "", "a b")]
    [InlineData("f(obj . inner.", 14, "", "obj inner")]
    [InlineData("", 0, "", "")]
    public void SplitsTheTextIntoAPathAndTheWordBeingTyped(string text, int start, string word, string path)
    {
        Assert.True(Completer.TryParse(text, out int wordStart, out string w, out List<string> p));
        Assert.Equal(start, wordStart);
        Assert.Equal(word, w);
        Assert.Equal(path, string.Join(' ', p));
    }

    [Theory]
    [InlineData("f().x")]        // would need a call
    [InlineData("a[0].b")]       // would need evaluation
    [InlineData("'str'.len")]    // a literal
    [InlineData("1.to")]         // a number
    [InlineData("12")]
    [InlineData("[...ar")]       // spread
    [InlineData("'inside a str")]
    [InlineData("x // a comm")]
    [InlineData("this.#pri")]
    public void DeclinesWhereCompletingWouldNeedEvaluation(string text)
    {
        Assert.False(Completer.TryParse(text, out _, out _, out _));
    }

    [Fact]
    public void CompletesDotCommandsOnlyAtTheStartOfAnInput()
    {
        var completer = new Completer(_ => [], ReplSession.DotCommands);
        Assert.Equal([".editor", ".exit"], completer.Complete(".e", startOfInput: true).Candidates);
        Assert.Empty(completer.Complete(".e", startOfInput: false).Candidates);
    }

    [Fact]
    public void OffersKeywordsWithGlobalsAndFiltersByPrefix()
    {
        IReadOnlyList<string>? asked = null;
        var completer = new Completer(path => { asked = path; return ["constantly", "console", "0bad", "with space"]; }, ReplSession.DotCommands);
        var result = completer.Complete("x = con", startOfInput: true);
        Assert.Empty(asked!);
        Assert.Equal(4, result.WordStart);
        Assert.Equal(["console", "const", "constantly", "continue"], result.Candidates);
        completer.Complete("obj.inner.c", startOfInput: true);
        Assert.Equal(["obj", "inner"], asked!);
    }

    [Fact]
    public void ListsEachPrototypeLevelAsAGroupWithTheOwnPropertiesLast()
    {
        // The engine answers closest first, an empty string ending each group.
        var completer = new Completer(_ => ["zeta", "alpha", "", "valueOf", "toString", "zeta", "", "valueOf", "hasOwnProperty", ""],
            ReplSession.DotCommands);
        Assert.Equal(["hasOwnProperty", "", "toString", "valueOf", "", "alpha", "zeta"], completer.Complete("o.", startOfInput: true).Candidates);
        // Groups with no match drop out with their separator.
        Assert.Equal(["toString"], completer.Complete("o.to", startOfInput: true).Candidates);
        Assert.Equal(["alpha"], completer.Complete("o.a", startOfInput: true).Candidates);
    }
}
