using System.Diagnostics;

namespace KenShell.Bench;

/// <summary>
/// ken.send between two kenshell processes on loopback, each on a fresh
/// store and a free UDP port, driven over pipes like the other measurements.
/// A message is transmitted only once its sending turn is durable, and each
/// delivery is a durable turn of its own, acknowledged after it commits; so
/// one round trip is at least four durable turns' worth of work (A's send,
/// B's delivery that sends it back, A's delivery that prints it) plus the
/// datagrams and acks between them.
/// </summary>
public sealed class KenshellMessaging(string kenshellPath, TimeSpan turnTimeout, TextWriter progress)
{
    /// <summary>
    /// Untimed round trips first: the first message of a stream draws a
    /// RESET-NOTICE (the sender learns the receiver's incarnation), which
    /// costs an extra round trip once.
    /// </summary>
    public const int WarmUps = 5;

    /// <summary>B's handler for the round trips: send every message straight back, and count.</summary>
    public const string EchoHandler = "echoed = 0; ken.onmessage = (v, from) => { echoed++; ken.send(from, v) }; 0";

    /// <summary>A's handler: print what came back.</summary>
    public const string PrintHandler = "ken.onmessage = (v) => console.log('echo ' + v); 0";

    /// <summary>B's handler for the throughput run, with {0} for the count: checks order, prints at the last delivery.</summary>
    public const string CountHandlerTemplate =
        "n = 0; bad = 0; ken.onmessage = (v) => {{ if (v !== n) bad++; n++; if (n === {0}) console.log('done ' + n + ' ' + bad) }}; 0";

    /// <summary>The throughput run's sending turn, with {0} for B's address and {1} for the count.</summary>
    public const string BurstTemplate = "for (let i = 0; i < {1}; i++) ken.send('{0}', i)";

    /// <summary>How long to wait, after B's last delivery, for A to hold no unacknowledged message.</summary>
    private static readonly TimeSpan AckWait = TimeSpan.FromSeconds(30);

    public KenshellMessagingResult Measure(string work, int roundTrips, int messages)
    {
        int[] ports = FreeUdpPort.Take(2);
        string addressA = $"127.0.0.1:{ports[0]}", addressB = $"127.0.0.1:{ports[1]}";
        string storeA = Path.Combine(work, "store-msg-a"), storeB = Path.Combine(work, "store-msg-b");
        Directory.CreateDirectory(storeA);
        Directory.CreateDirectory(storeB);
        progress.WriteLine($"[bench] messaging: A {addressA}, B {addressB}");
        using var b = PipedProcess.Start(kenshellPath, [addressB, "--dir", storeB], storeB);
        using var a = PipedProcess.Start(kenshellPath, [addressA, "--dir", storeA], storeA);
        Turn(a, "0", "0");
        Turn(b, "0", "0");

        // 1. Round trips, one at a time.
        Turn(b, EchoHandler, "0");
        Turn(a, PrintHandler, "0");
        progress.WriteLine($"[bench] messaging: {WarmUps} + {roundTrips} round trips");
        var millis = new List<double>(roundTrips);
        for (int seq = 1; seq <= WarmUps + roundTrips; seq++)
        {
            string input = $"ken.send('{addressB}', {seq})", echo = $"echo {seq}";
            long start = Stopwatch.GetTimestamp();
            a.Send(input);
            // The send turn's result (undefined) is released when it is
            // durable, before the message leaves; the echo follows.
            double elapsed = -1;
            bool answered = false;
            for (int lines = 0; lines < 2; lines++)
            {
                string line = a.ReadLine(turnTimeout);
                if (line == echo && elapsed < 0) elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                else if (line == "undefined" && !answered) answered = true;
                else throw Failure(a, $"round trip {seq}: A printed '{line}', expected 'undefined' and '{echo}'"
                    + " (a line from another round trip means a message was delayed, lost or duplicated)");
            }
            if (seq > WarmUps) millis.Add(elapsed);
        }
        int total = WarmUps + roundTrips;
        Expect(b, "echoed", KenshellRoundTrip.Format(total), $"B's handler ran a different number of times than the {total} messages sent");

        // 2. Throughput: one turn queues them all.
        Turn(b, string.Format(CountHandlerTemplate, messages), "0");
        progress.WriteLine($"[bench] messaging: {messages} messages in one turn");
        long begin = Stopwatch.GetTimestamp();
        a.Send(string.Format(BurstTemplate, addressB, messages));
        string done = b.ReadLine(turnTimeout);
        double deliveredMs = Stopwatch.GetElapsedTime(begin).TotalMilliseconds;
        if (done != $"done {messages} 0")
            throw Failure(b, $"B printed '{done}' after the burst, expected 'done {messages} 0' (done COUNT OUT-OF-ORDER)");
        string sendAnswer = a.ReadLine(turnTimeout);
        if (sendAnswer != "undefined") throw Failure(a, $"A answered '{sendAnswer}' to the burst turn, expected 'undefined'");

        // The sender drops a message once it is acknowledged; poll until none is left.
        double allAckedMs;
        while (true)
        {
            string unacknowledged = Ask(a, "ken.stats().unacknowledged");
            allAckedMs = Stopwatch.GetElapsedTime(begin).TotalMilliseconds;
            if (unacknowledged == "0") break;
            if (allAckedMs - deliveredMs > AckWait.TotalMilliseconds)
                throw Failure(a, $"A still had {unacknowledged} unacknowledged messages {AckWait.TotalSeconds:0} s after B delivered the last one");
            Thread.Sleep(5);
        }
        // A late duplicate would show here: delivered more than once, or out of order.
        Expect(b, "`${n} ${bad}`", $"'{messages} 0'", "B's count changed after the last delivery");
        Expect(a, "JSON.stringify(ken.pending())", "'{}'", "A still holds queued messages");

        foreach (var (name, shell) in new[] { ("A", a), ("B", b) })
        {
            int exitCode = shell.CloseInputAndWait(turnTimeout);
            if (exitCode != 0) throw Failure(shell, $"kenshell {name} exited with {exitCode} at the end of its input");
        }
        return new KenshellMessagingResult(addressA, addressB, LatencySummary.Of(millis), messages, deliveredMs, allAckedMs);
    }

    private void Turn(PipedProcess shell, string input, string expected) =>
        KenshellRoundTrip.Turn(shell, input, expected, turnTimeout);

    private string Ask(PipedProcess shell, string input)
    {
        shell.Send(input);
        return shell.ReadLine(turnTimeout);
    }

    private void Expect(PipedProcess shell, string input, string expected, string meaning)
    {
        string answer = Ask(shell, input);
        if (answer != expected) throw Failure(shell, $"{meaning}: '{input}' answered '{answer}', expected '{expected}'");
    }

    private static InvalidOperationException Failure(PipedProcess shell, string message) =>
        new($"messaging: {message}.\n--- that shell's stderr\n{shell.Stderr}");
}
