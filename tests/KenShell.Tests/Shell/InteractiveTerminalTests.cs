using KenShell.Tests.Support;
using Xunit;
using static KenShell.Tests.Support.TmuxSession;

namespace KenShell.Tests.Shell;

/// <summary>The interactive shell in a real terminal (tmux).</summary>
public sealed class InteractiveTerminalTests : IDisposable
{
    private readonly StoreDirectory _dir = new();


    [Fact]
    public void CtrlCInterruptsTheRunningTurnRollsItBackAndReturnsToThePrompt()
    {
        using var term = new TmuxSession(_dir.Path, $"exec env KENSHELL_NO_NETWORK=1 {KenshellPaths.Executable} {StoreDirectory.Address}");
        term.WaitFor(s => s.Contains("Welcome to kenshell") && Lines(s)[^1] == ">", "the banner and prompt");
        term.SendLine("x = 5");
        term.WaitFor(s => Lines(s)[^2] == "5", "the result 5");
        term.SendLine("x = 6; while (true) {}");
        using (var watcher = new ProcessCpuWatcher(term.PanePid)) watcher.WaitUntilBusy(TimeSpan.FromMilliseconds(400));
        term.SendKeys("C-c");
        term.WaitFor(s => s.Contains("interrupted") && Lines(s)[^1] == ">", "the interruption notice and a prompt");
        term.SendLine("x");
        string screen = term.WaitFor(s => Lines(s)[^1] == ">" && Lines(s)[^2] == "5", "x to be 5 again");
        Assert.Contains("rolled back", screen);
        // The rollback replayed turns that printed in colour; colour is not
        // output, so the replay must not be reported as diverged.
        Assert.DoesNotContain("diverged", screen);

        // Ctrl-C at an empty prompt explains how to exit; a second one exits.
        term.SendKeys("C-c");
        term.WaitFor(s => s.Contains("To exit, press Ctrl+C again"), "the exit hint");
        term.SendKeys("C-c");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (term.IsAlive() && DateTime.UtcNow < deadline) Thread.Sleep(50);
        Assert.False(term.IsAlive(), "two Ctrl-C should exit the shell");

        Assert.Equal(["5"], Kenshell.Run(_dir.Path, "x\n").StdoutLines);
    }

    [Fact]
    public void ATopLevelAwaitHoldsThePromptUntilItSettlesOrCtrlC()
    {
        using var term = new TmuxSession(_dir.Path, $"exec env KENSHELL_NO_NETWORK=1 {KenshellPaths.Executable} {StoreDirectory.Address}");
        term.WaitFor(s => Lines(s).Length > 0 && Lines(s)[^1] == ">", "the prompt");
        term.SendLine("await new Promise(r => setTimeout(() => r('settled'), 800))");
        term.WaitFor(s => Lines(s)[^2] == "'settled'" && Lines(s)[^1] == ">", "the awaited value, then a prompt");

        term.SendLine("await new Promise(r => setTimeout(r, 600000))");
        Thread.Sleep(300);
        Assert.NotEqual(">", Lines(term.Screen())[^1]); // held
        term.SendKeys("C-c");
        term.WaitFor(s => s.Contains("the await goes on in the background") && Lines(s)[^1] == ">", "the prompt back after Ctrl-C");
        term.SendLine("6 * 7");
        term.WaitFor(s => Lines(s)[^2] == "42", "the shell to go on");
    }

    [Fact]
    public void TheBannerSaysWhetherStateWasRestored()
    {
        Kenshell.Run(_dir.Path, "x = 1\n");
        using var term = new TmuxSession(_dir.Path, $"exec env KENSHELL_NO_NETWORK=1 {KenshellPaths.Executable} {StoreDirectory.Address}");
        string screen = term.WaitFor(s => s.Contains("Welcome to kenshell") && Lines(s)[^1] == ">", "the banner");
        Assert.Contains("restored turn 1", screen);
        term.SendLine(".exit");
    }

    [Fact]
    public void ALongRecoveryShowsAProgressBarThenTheBanner()
    {
        // 300 turns in the log after the first checkpoint: recovery replays them.
        var inputs = string.Concat(Enumerable.Range(1, 300).Select(i => $"x = {i}\n"));
        Assert.Equal(0, Kenshell.Run(_dir.Path, inputs).ExitCode);
        string recording = Path.Combine(_dir.Path, "terminal-output");
        // The bar shows after a second of replay; the test lowers that to 0
        // and records the pane, since the bar is gone once recovery ends.
        using var term = new TmuxSession(_dir.Path,
            $"sleep 1; exec env KENSHELL_NO_NETWORK=1 KENSHELL_PROGRESS_AFTER_MS=0 {KenshellPaths.Executable} {StoreDirectory.Address}");
        term.RecordTo(recording);
        string screen = term.WaitFor(s => s.Contains("Welcome to kenshell") && Lines(s)[^1] == ">", "the banner");
        Assert.Contains("restored turn 300", screen);
        Assert.Contains("300 turns replayed", screen);
        Assert.DoesNotContain("replaying the log", screen); // the bar is gone...
        string recorded = File.ReadAllText(recording);
        Assert.Contains("kenshell: replaying the log [", recorded); // ...but it was there
        Assert.Contains("] 300/300 turns", recorded);
        term.SendLine("x");
        term.WaitFor(s => Lines(s)[^2] == "300", "the restored value");
    }

    public void Dispose() => _dir.Dispose();
}
