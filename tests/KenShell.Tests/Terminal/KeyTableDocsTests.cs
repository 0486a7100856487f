using KenShell.Terminal;
using KenShell.Tests.Support;
using Xunit;

namespace KenShell.Tests.Terminal;

/// <summary>
/// The README's key table ("At the prompt") is the editor's key table
/// (<see cref="LineEditor.KeyBindings"/>), row for row: the one source that dispatch
/// and <c>.help</c> use. When a binding changes, this test fails with the table to paste.
/// </summary>
public sealed class KeyTableDocsTests
{
    [Fact]
    public void TheReadmeListsExactlyTheEditorsKeyBindings()
    {
        string expected = string.Join("\n",
            new[] { "| keys | what they do |", "|---|---|" }.Concat(LineEditor.KeyBindings.Select(b => $"| {b.Keys} | {b.Help} |")));
        string readme = File.ReadAllText(KenshellPaths.RepositoryFile("README.md")).Replace("\r\n", "\n");
        int start = readme.IndexOf("| keys | what they do |", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no key table");
        int end = readme.IndexOf("\n\n", start, StringComparison.Ordinal);
        string actual = readme[start..(end < 0 ? readme.Length : end)];
        Assert.True(expected == actual, $"README.md's key table differs from LineEditor.KeyBindings; it should read:\n{expected}");
    }
}
