using System.ComponentModel;
using System.Diagnostics;

namespace KenShell.Bench;

/// <summary>
/// Node's REPL answering <c>1+1</c> over pipes: the interactive baseline that
/// issue 3's target is stated against.
/// </summary>
public static class NodeReplRoundTrip
{
    /// <summary>Untimed round trips first, so Node's REPL code is compiled and warm.</summary>
    public const int WarmUps = 20;

    /// <summary>
    /// The round trip's percentiles, or null with the reason when node
    /// cannot be started (it is not on PATH).
    /// </summary>
    public static (LatencySummary? Summary, string? Problem) Measure(int samples, TimeSpan timeout)
    {
        var environment = new Dictionary<string, string>
        {
            // Plain line-by-line I/O instead of readline's terminal handling.
            ["NODE_NO_READLINE"] = "1",
            // Keep the benchmark from writing to ~/.node_repl_history.
            ["NODE_REPL_HISTORY"] = "",
        };
        PipedProcess node;
        try
        {
            node = PipedProcess.Start("node", ["-i"], Environment.CurrentDirectory, environment);
        }
        catch (Win32Exception e)
        {
            return (null, $"node could not be started ({e.Message})");
        }
        using (node)
        {
            var millis = new List<double>(samples);
            for (int i = 0; i < WarmUps + samples; i++)
            {
                long start = Stopwatch.GetTimestamp();
                node.Send("1+1");
                WaitForAnswer(node, "2", timeout);
                double elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (i >= WarmUps) millis.Add(elapsed);
            }
            node.CloseInputAndWait(timeout);
            return (LatencySummary.Of(millis), null);
        }
    }

    /// <summary>
    /// Skips lines until the answer. Before the first answer Node prints a
    /// welcome banner; and because a non-terminal <c>node -i</c> writes its
    /// "> " prompt without a newline, the prompt prefixes the next line, so
    /// the answer arrives as "> 2".
    /// </summary>
    private static void WaitForAnswer(PipedProcess node, string answer, TimeSpan timeout)
    {
        while (true)
        {
            string line = node.ReadLine(timeout);
            while (line.StartsWith("> ", StringComparison.Ordinal)) line = line[2..];
            if (line == answer) return;
        }
    }
}
