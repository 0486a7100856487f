using System.Text;
using System.Text.RegularExpressions;
using KenShell.Tests.Support;
using Xunit;
using static KenShell.Tests.Support.TmuxSession;

namespace KenShell.Tests.Shell;

/// <summary>
/// At a terminal, Node's global console colours values as the REPL's results
/// are coloured (colorMode 'auto'). tests/fixtures/console_tty.txt holds what
/// Node's REPL showed in tmux for each input (tests/parity/record_tty.sh);
/// kenshell in the same tmux geometry must show the same lines, colours included.
/// </summary>
public sealed partial class ConsoleTerminalTests
{
    [GeneratedRegex(@"\x1b\[[0-9;]*m")]
    private static partial Regex Sgr();

    private sealed record Case(string Input, string Expected);

    private static List<Case> LoadCases()
    {
        var cases = new List<Case>();
        string? input = null;
        var expected = new StringBuilder();
        foreach (string line in File.ReadAllLines(KenshellPaths.Fixture("console_tty.txt")))
        {
            if (input is null)
            {
                if (line.StartsWith("IN: ", StringComparison.Ordinal)) input = line[4..];
                continue;
            }
            if (line == "----")
            {
                cases.Add(new Case(input, expected.ToString()));
                input = null;
                expected.Clear();
            }
            else
            {
                expected.Append(line).Append('\n');
            }
        }
        return cases;
    }

    // The lines after the echoed input up to the next prompt, as the recorder
    // cuts them (colour codes ignored when looking for the two).
    private static string? Printed(string screen, string input)
    {
        var result = new StringBuilder();
        bool found = false;
        foreach (string line in screen.Split('\n'))
        {
            string plain = Sgr().Replace(line, "");
            if (found && Regex.IsMatch(plain, "^> *$")) return result.ToString();
            if (found) result.Append(line).Append('\n');
            if (plain.StartsWith("> " + input, StringComparison.Ordinal)) found = true;
        }
        return null;
    }

    [Fact]
    public void ConsoleOutputIsColouredAsNodesAtATerminal()
    {
        List<Case> cases = LoadCases();
        Assert.True(cases.Count >= 5, $"only {cases.Count} cases");
        // One session for all of them (a fresh Node REPL recorded each; none
        // depends on an earlier one).
        using var dir = new StoreDirectory();
        using var term = new TmuxSession(dir.Path,
            $"exec env TERM=xterm-256color KENSHELL_NO_NETWORK=1 {KenshellPaths.Executable} {StoreDirectory.Address}", 120);
        term.WaitFor(s => LastLine(s) == ">", "the prompt");
        foreach (Case c in cases)
        {
            term.SendKeys("C-l");
            term.WaitFor(s => Lines(s) is [">"], "a cleared screen");
            term.SendLine(c.Input);
            term.WaitFor(s => Printed(term.ScreenWithColours(), c.Input) is not null, $"{c.Input} to print");
            Assert.Equal(c.Expected, Printed(term.ScreenWithColours(), c.Input));
        }
    }
}
