using KenShell.Terminal;
using Xunit;

namespace KenShell.Tests.Terminal;

/// <summary><see cref="ReverseSearch"/> on its own: readline's Ctrl-R rules over a list of entries.</summary>
public sealed class ReverseSearchTests
{
    private static readonly string[] Entries = ["let apple = 1", "apple + 2", "pear", "apple * 3"];

    [Fact]
    public void TypingNarrowsFromTheNewestAndCtrlRGoesOlder()
    {
        var search = new ReverseSearch();
        search.Start("typed", 2, Entries.Length);
        Assert.Equal(("typed", 2), (search.Match, search.MatchPosition));
        search.Type("app", Entries);
        Assert.Equal(("apple * 3", 0), (search.Match, search.MatchPosition));
        search.Older(Entries);
        Assert.Equal("apple + 2", search.Match);
        search.Older(Entries);
        Assert.Equal(("let apple = 1", 4), (search.Match, search.MatchPosition));
        search.Older(Entries);
        Assert.True(search.Failed);
        Assert.Equal("let apple = 1", search.Match); // a failed search keeps the last match
        Assert.StartsWith("(failed reverse-i-search)`app'", search.Prompt);
    }

    [Fact]
    public void BackspaceSearchesFromTheNewestAgainAndAnEmptyQueryShowsTheOriginal()
    {
        var search = new ReverseSearch();
        search.Start("typed", 5, Entries.Length);
        search.Type("pe", Entries);
        Assert.Equal("pear", search.Match);
        search.Backspace(Entries);
        Assert.Equal("apple * 3", search.Match); // "p", newest first
        search.Backspace(Entries);
        Assert.Equal(("typed", 5), (search.Match, search.MatchPosition));
        Assert.Equal("(reverse-i-search)`': ", search.Prompt);
    }

    [Fact]
    public void CancelGivesTheLineBackAndAcceptTakesTheMatch()
    {
        var search = new ReverseSearch();
        search.Start("mine", 1, Entries.Length);
        search.Type("pear", Entries);
        Assert.Equal(("mine", 1), search.Cancel());
        Assert.False(search.Active);
        search.Start("mine", 1, Entries.Length);
        search.Type("+", Entries);
        Assert.Equal(("apple + 2", 6), search.Accept());
        Assert.False(search.Active);
    }
}
