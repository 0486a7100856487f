using KenShell.Tests.Support;
using Xunit;
using static KenShell.Tests.Support.TmuxSession;

namespace KenShell.Tests.Shell;

/// <summary>
/// The line editor in a real terminal (tmux): keys go in with send-keys,
/// and what the user would see comes back with capture-pane. These are the
/// end-to-end checks; the editing keys, multi-line input and <c>.editor</c>
/// are checked in-process, key by key (<see cref="InProcessReplTests"/>,
/// <c>Terminal/LineEditorTests</c>).
/// </summary>
public sealed class LineEditorTerminalTests : IDisposable
{
    private readonly StoreDirectory _dir = new();


    private TmuxSession Start(int width = 150)
    {
        var term = new TmuxSession(_dir.Path,
            $"exec env KENSHELL_NO_NETWORK=1 {KenshellPaths.Executable} {StoreDirectory.Address}", width);
        term.WaitFor(s => LastLine(s) == ">", "the prompt");
        return term;
    }

    private static void Run(TmuxSession term, string input, string expected)
    {
        term.SendLine(input);
        term.WaitFor(s => Lines(s) is { Length: >= 2 } l && l[^1] == ">" && l[^2] == expected, $"{input} to print {expected}");
    }

    [Fact]
    public void APastedBlockRunsAsOneInput()
    {
        using var term = Start();
        // Line breaks inside a paste do not run it line by line: the block
        // up to its last line break is one input, one turn.
        term.Paste("function pasted(a,\n  b) {\n  return a + b\n}\npasted(1,\n 2)\n");
        term.WaitFor(s => Lines(s) is { Length: >= 2 } l && l[^1] == ">" && l[^2] == "3", "the pasted block to run");
        Assert.Contains("... pasted(1,", term.Screen());
        Run(term, "typeof pasted", "'function'");

        // What follows the last line break stays on the line, to be edited.
        term.Paste("40 +\n2");
        term.WaitFor(s => LastLine(s) == "... 2", "the rest of the paste under a continuation prompt");
        term.SendKeys("Enter");
        term.WaitFor(s => Lines(s) is { Length: >= 2 } l && l[^1] == ">" && l[^2] == "42", "the completed input to run");
    }

    [Fact]
    public void TabCompletesBindingsPropertiesAndDotCommandsWithoutRunningGetters()
    {
        using var term = Start();
        Run(term, "let counterValue = 41", "undefined");
        Run(term, "var getterCalls = 0; const account = { get balance() { getterCalls++; return { cents: 1 } }, owner: { fullName: 'Ada' } }", "undefined");

        term.SendText("counterV");
        term.SendKeys("Tab");
        term.WaitFor(s => LastLine(s) == "> counterValue", "counterValue completed");
        term.SendKeys("Enter");
        term.WaitFor(s => Lines(s)[^2] == "41", "the completed input to run");

        // Along a path, through the prototype chain.
        term.SendText("account.owner.fullN");
        term.SendKeys("Tab");
        term.WaitFor(s => LastLine(s) == "> account.owner.fullName", "a property completed");
        term.SendText(".padE");
        term.SendKeys("Tab");
        term.WaitFor(s => LastLine(s) == "> account.owner.fullName.padEnd", "a String.prototype method completed");
        term.SendKeys("C-u");

        // Ambiguous: a second Tab lists the candidates and the line comes back.
        term.SendText("Array.prototype.fl");
        term.SendKeys("Tab");
        term.WaitFor(s => LastLine(s) == "> Array.prototype.flat", "the common prefix");
        term.SendKeys("Tab");
        term.WaitFor(s => s.Contains("flat     flatMap") && LastLine(s) == "> Array.prototype.flat", "the candidates listed");
        term.SendKeys("C-u");

        // A getter is listed but never called, not even to complete past it.
        term.SendText("account.bal");
        term.SendKeys("Tab");
        term.WaitFor(s => LastLine(s) == "> account.balance", "the getter's name completed");
        term.SendText(".ce");
        term.SendKeys("Tab", "Tab");
        Thread.Sleep(300);
        Assert.Equal("> account.balance.ce", LastLine(term.Screen()));
        term.SendKeys("C-u");
        Run(term, "getterCalls", "0");

        // Dot commands at the start of an input.
        term.SendText(".chec");
        term.SendKeys("Tab");
        term.WaitFor(s => LastLine(s) == "> .checkpoint", ".checkpoint completed");
    }

    [Fact]
    public void TabCompletesModuleSpecifiersFromNodeModulesAndRelativePaths()
    {
        Directory.CreateDirectory(Path.Combine(_dir.Path, "node_modules", "tabbed-package"));
        File.WriteAllText(Path.Combine(_dir.Path, "node_modules", "tabbed-package", "index.js"), "module.exports = 'from the package';\n");
        File.WriteAllText(Path.Combine(_dir.Path, "tabbed-module.mjs"), "export default 'from the module';\n");
        using var term = Start();
        term.SendText("require('tabbed-p");
        term.SendKeys("Tab");
        term.WaitFor(s => LastLine(s) == "> require('tabbed-package", "a package name completed");
        term.SendText("')");
        term.SendKeys("Enter");
        term.WaitFor(s => Lines(s)[^2] == "'from the package'", "the completed require to run");

        term.SendText("(await import('./tabbed-m");
        term.SendKeys("Tab");
        term.WaitFor(s => LastLine(s) == "> (await import('./tabbed-module.mjs", "a relative path completed");
        term.SendText("')).default");
        term.SendKeys("Enter");
        term.WaitFor(s => Lines(s)[^2] == "'from the module'", "the completed import to run");
    }

    [Fact]
    public void TabListsTheObjectsOwnPropertiesApartFromItsPrototypesAsNodeDoes()
    {
        using var term = Start(100);
        Run(term, "const o = {zeta: 1, alpha: 2}", "undefined");
        term.SendText("o.");
        term.SendKeys("Tab");
        term.SendKeys("Tab");
        string screen = term.WaitFor(s => Lines(s).Any(l => l.StartsWith("alpha", StringComparison.Ordinal)) && LastLine(s) == "> o.",
            "the candidates listed");
        // As `node -i` lists them: Object.prototype's members (without the
        // legacy __defineGetter__ & co.), then the object's own properties on
        // a line of their own, right above the prompt.
        string[] lines = Lines(screen);
        Assert.Matches(@"^alpha\s+zeta$", lines[^2]);
        string prototypeLines = lines[^4] + " " + lines[^3];
        foreach (string name in new[] { "__proto__", "constructor", "hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable", "toLocaleString", "toString", "valueOf" })
            Assert.Contains(name, prototypeLines);
        Assert.Equal("> o.", lines[^5]);
        Assert.DoesNotContain("__defineGetter__", screen);
    }

    [Fact]
    public void HistoryIsKeptInTheStoreAcrossRestartsAndIsSearchable()
    {
        using (var term = Start())
        {
            Run(term, "let fruit = 'apple'", "undefined");
            Run(term, "fruit.toUpperCase()", "'APPLE'");
            Run(term, "1 + 1", "2");
            term.SendKeys("C-d");
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (term.IsAlive() && DateTime.UtcNow < deadline) Thread.Sleep(50);
            Assert.False(term.IsAlive(), "Ctrl-D on an empty line should exit");
        }
        string historyFile = Path.Combine(_dir.Path, _dir.Prefix + "history");
        Assert.Equal(["let fruit = 'apple'", "fruit.toUpperCase()", "1 + 1"], File.ReadAllLines(historyFile));

        using (var term = Start())
        {
            // Up: the newest entry; Up again: the one before.
            term.SendKeys("Up");
            term.WaitFor(s => LastLine(s) == "> 1 + 1", "the newest entry");
            term.SendKeys("Up");
            term.WaitFor(s => LastLine(s) == "> fruit.toUpperCase()", "the entry before");
            term.SendKeys("Down", "Down");
            term.WaitFor(s => LastLine(s) == ">", "back to the empty line");

            // Up with text typed: only the entries that start with it.
            term.SendText("let");
            term.SendKeys("Up");
            term.WaitFor(s => LastLine(s) == "> let fruit = 'apple'", "the entry starting with 'let'");
            term.SendKeys("C-u");

            // Ctrl-R: reverse incremental search; Enter runs the match.
            term.SendKeys("C-r");
            term.SendText("Upper");
            term.WaitFor(s => LastLine(s) == "(reverse-i-search)`Upper': fruit.toUpperCase()", "the search");
            term.SendKeys("Enter");
            term.WaitFor(s => Lines(s)[^2] == "'APPLE'" && LastLine(s) == ">", "the found entry to run");

            // A failed search says so, and Ctrl-G gives the line back as it was.
            term.SendText("kept");
            term.SendKeys("C-r");
            term.SendText("zzz");
            term.WaitFor(s => LastLine(s).StartsWith("(failed reverse-i-search)`zzz'", StringComparison.Ordinal), "the failed search");
            term.SendKeys("C-g");
            term.WaitFor(s => LastLine(s) == "> kept", "the line before the search");
            term.SendKeys("C-u");
            term.SendLine(".exit");
        }

        // rm ken_* starts over, history included.
        foreach (string f in Directory.GetFiles(_dir.Path, "ken_*")) File.Delete(f);
        using (var term = Start())
        {
            term.SendKeys("Up");
            Thread.Sleep(300);
            Assert.Equal(">", LastLine(term.Screen()));
        }
    }

    [Fact]
    public void AGarbledHistoryFileCostsNothingButItsGarbage()
    {
        Assert.Equal(0, Kenshell.Run(_dir.Path, "let kept = 'state'\n").ExitCode);
        // Random bytes with one good line in the middle, as a bad disk or a
        // stray program might leave them.
        var random = new Random(11);
        byte[] noise = new byte[5000];
        random.NextBytes(noise);
        // One long line with zeros in it: never an entry that could pass for text.
        for (int i = 0; i < noise.Length; i++) if (noise[i] == (byte)'\n' || i % 97 == 0) noise[i] = 0;
        byte[] good = "kept.length\n"u8.ToArray();
        File.WriteAllBytes(Path.Combine(_dir.Path, _dir.Prefix + "history"), [.. noise, (byte)'\n', .. good, .. noise]);

        using var term = Start();
        Run(term, "kept", "'state'");
        term.SendKeys("Up", "Up");
        term.WaitFor(s => LastLine(s) == "> kept.length", "the good line from the garbled file");
        term.SendKeys("Enter");
        term.WaitFor(s => Lines(s)[^2] == "5", "it to run");
    }

    [Fact]
    public void TimerOutputPrintsAboveTheLineBeingTyped()
    {
        using var term = Start();
        Run(term, "setTimeout(() => console.log('tick'), 700); 'armed'", "'armed'");
        term.SendText("half typed");
        term.WaitFor(s => Lines(s) is { Length: >= 2 } l && l[^2] == "tick" && l[^1] == "> half typed", "tick above the kept line");
        term.SendText(" more");
        term.SendKeys("C-a");
        term.SendText("'");
        term.SendKeys("C-e");
        term.SendText("'");
        term.SendKeys("Enter");
        term.WaitFor(s => Lines(s)[^2] == "'half typed more'", "the line typed around the timer");
    }

    [Fact]
    public void ValuesAreColouredOnATerminal()
    {
        using var term = Start();
        Run(term, "[42, 'text', null]", "[ 42, 'text', null ]");
        string coloured = term.ScreenWithColours();
        Assert.Contains("\x1b[33m42", coloured);      // numbers yellow, as in Node
        Assert.Contains("\x1b[32m'text'", coloured);  // strings green
        Assert.Contains("\x1b[1mnull", coloured);     // null bold
    }

    [Fact]
    public void CtrlCDropsTheTypedLineAndCtrlLClearsTheScreen()
    {
        using var term = Start();
        term.SendText("not wanted");
        term.SendKeys("C-c");
        term.WaitFor(s => Lines(s) is { Length: >= 2 } l && l[^2] == "> not wanted" && l[^1] == ">", "a fresh prompt under the dropped line");
        Assert.DoesNotContain("To exit", term.Screen()); // only an empty line's Ctrl-C explains how to exit
        Run(term, "'still here'", "'still here'");

        term.SendText("kept");
        term.SendKeys("C-l");
        term.WaitFor(s => Lines(s) is ["> kept"], "only the prompt and the line after Ctrl-L");
    }

    [Fact]
    public void ALineLongerThanTheTerminalWrapsAndStaysEditable()
    {
        using var term = Start(width: 40);
        string longString = new('x', 90);
        term.SendText($"'{longString}'.length");
        // Home, then one word right: inside the quotes, at the end of the
        // x's, on the third row of the wrapped line.
        term.SendKeys("C-a", "M-f");
        term.SendText("yy");
        term.SendKeys("Enter");
        string screen = term.WaitFor(s => Lines(s) is { Length: >= 2 } l && l[^2] == "92" && l[^1] == ">", "the length of the edited long string");
        Assert.Contains("xyy'.length", screen);
    }

    public void Dispose() => _dir.Dispose();
}
