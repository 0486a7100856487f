using System.Diagnostics;

namespace KenShell.Tests.Support;

/// <summary>
/// kenshell in a real terminal: a detached tmux session, driven with
/// send-keys and read with capture-pane.
/// </summary>
public sealed class TmuxSession : IDisposable
{
    private readonly string _name = $"kenshell-test-{Guid.NewGuid():N}";

    public TmuxSession(string directory, string command, int width = 150)
    {
        // Tests run in parallel on one tmux server, which exits when its last
        // session ends: a new session can reach a server on its way out
        // ("server exited unexpectedly"). The next attempt starts a new one.
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                Tmux("new-session", "-d", "-s", _name, "-x", width.ToString(System.Globalization.CultureInfo.InvariantCulture), "-y", "50", "-c", directory, command);
                return;
            }
            catch (InvalidOperationException e) when (attempt < 5 && e.Message.Contains("server exited unexpectedly", StringComparison.Ordinal))
            {
                Thread.Sleep(100 * attempt);
            }
        }
    }

    public static string Run(params string[] args) => Tmux(args);

    private static string Tmux(params string[] args)
    {
        var info = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info) ?? throw new InvalidOperationException("tmux did not start");
        string output = p.StandardOutput.ReadToEnd();
        string error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"tmux {string.Join(' ', args)} failed: {error}");
        return output;
    }

    public int PanePid => int.Parse(Tmux("display-message", "-p", "-t", _name, "#{pane_pid}").Trim());

    public void SendText(string text) => Tmux("send-keys", "-t", _name, "-l", text);

    public void SendKeys(params string[] keys) => Tmux(["send-keys", "-t", _name, .. keys]);

    /// <summary>Pastes <paramref name="text"/> as a terminal does (bracketed, when the program asked for it).</summary>
    public void Paste(string text)
    {
        string buffer = $"{_name}-paste";
        Tmux("set-buffer", "-b", buffer, "--", text);
        Tmux("paste-buffer", "-p", "-d", "-b", buffer, "-t", _name);
    }

    public void SendLine(string text)
    {
        SendText(text);
        SendKeys("Enter");
    }

    /// <summary>Appends everything the pane is sent from now on to <paramref name="file"/> (tmux pipe-pane).</summary>
    public void RecordTo(string file) => Tmux("pipe-pane", "-o", "-t", _name, $"cat >> '{file}'");

    /// <summary>The screen's non-empty lines, without trailing spaces.</summary>
    public static string[] Lines(string screen) =>
        screen.Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToArray();

    /// <summary>The screen's last non-empty line (where the prompt is).</summary>
    public static string LastLine(string screen) => Lines(screen) is { Length: > 0 } lines ? lines[^1] : "";

    public string Screen() => Tmux("capture-pane", "-p", "-t", _name);

    /// <summary>The screen with its colours, as escape sequences (capture-pane -e).</summary>
    public string ScreenWithColours() => Tmux("capture-pane", "-p", "-e", "-t", _name);

    public bool IsAlive()
    {
        try { Tmux("has-session", "-t", _name); return true; }
        catch (InvalidOperationException) { return false; }
    }

    /// <summary>Waits until the screen satisfies the condition; returns it.</summary>
    public string WaitFor(Func<string, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        string screen = "";
        while (DateTime.UtcNow < deadline)
        {
            screen = Screen();
            if (condition(screen)) return screen;
            Thread.Sleep(50);
        }
        throw new TimeoutException($"terminal never showed {what}. Screen:\n{screen}");
    }

    public void Dispose()
    {
        try { Tmux("kill-session", "-t", _name); } catch (InvalidOperationException) { }
    }
}
