namespace KenShell.Bench;

/// <summary>
/// Messages between two kenshell processes (round trip and throughput), next
/// to plain UDP on the same loopback; printed as one small table. Runs at the
/// end of the default run, or alone with --messaging-only.
/// </summary>
public sealed class MessagingBenchmark(BenchOptions options, TextWriter report, TextWriter progress)
{
    private const string Row = "{0,-19}{1,-10}{2,-10}{3,-6}{4,-16}{5,-7}{6,-10}{7}";

    /// <summary>Alone: makes (and removes) a temporary folder of its own, and measures the disk floor for scale.</summary>
    public void Run()
    {
        string work = Path.Combine(options.ParentDirectory, "kenshell-bench-" + Path.GetRandomFileName().Replace(".", ""));
        Directory.CreateDirectory(work);
        try
        {
            report.WriteLine($"store folder: {work} ({MountTable.FileSystemTypeOf(work)})");
            report.WriteLine($"kenshell:     {options.KenshellPath}");
            progress.WriteLine($"[bench] disk floor: {options.FloorSamples} appends");
            Run(work, DiskFloor.Measure(work, options.FloorSamples));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>Inside a run that has its folder and disk floor already.</summary>
    public void Run(string work, LatencySummary floor)
    {
        KenshellMessagingResult ken = new KenshellMessaging(options.KenshellPath, options.TurnTimeout, progress)
            .Measure(work, options.MessageRoundTrips, options.Messages);
        progress.WriteLine($"[bench] plain UDP: {options.MessageRoundTrips} round trips, {options.Messages} datagrams");
        UdpEchoResult udp = UdpEcho.Measure(options.MessageRoundTrips, options.Messages, options.TurnTimeout);

        report.WriteLine();
        report.WriteLine($"messaging on loopback: kenshell A ({ken.AddressA}) and B ({ken.AddressB}), fresh stores; plain UDP for scale");
        report.WriteLine(Row, "", "rt p50", "rt p99", "rts", "throughput", "msgs", "last in", "all acked");
        report.WriteLine(Row, "kenshell ken.send",
            Latency(ken.RoundTrips.P50), Latency(ken.RoundTrips.P99), ken.RoundTrips.Count,
            $"{Rate(ken.MessagesPerSecond)} msg/s", ken.Messages, Latency(ken.DeliveredMs), Latency(ken.AllAckedMs));
        report.WriteLine(Row, $"plain UDP, {UdpEcho.DatagramBytes} B",
            Latency(udp.RoundTrips.P50), Latency(udp.RoundTrips.P99), udp.RoundTrips.Count,
            $"{Rate(udp.MessagesPerSecond)} msg/s", udp.Messages, "-", Latency(udp.AllAckedMs));
        report.WriteLine($"disk floor (100 B append + fdatasync), for scale: p50 {Units.Ms(floor.P50)} ms, i.e. at most {Rate(1000 / floor.P50)} durable turns/s one after another");
        report.WriteLine("kenshell rt: from writing `ken.send(B, seq)` to A to reading A's `echo seq` line; B's handler sends each message back,");
        report.WriteLine("A's prints it (each delivery is a durable turn of its own; the message leaves only once its sending turn is durable).");
        report.WriteLine($"kenshell msgs: one turn `{string.Format(KenshellMessaging.BurstTemplate, "B", ken.Messages)}` written to A; last in: until B's");
        report.WriteLine("line printed by its last delivery; throughput = msgs / last in; all acked: until A's ken.stats().unacknowledged was 0 (polled).");
        report.WriteLine($"Every message was delivered exactly once and in order (B's handler counts and checks each value).");
        report.WriteLine($"plain UDP: this process and an echo server in a second process; {UdpEcho.DatagramBytes} B datagrams echoed whole for rt;");
        report.WriteLine($"for msgs, each datagram answered by a 5-byte ack, at most {udp.Window} unacknowledged; throughput = msgs / all acked.");
        report.WriteLine("No disk and no retransmission in plain UDP.");
        report.WriteLine("p99 is the slowest sample when fewer than 100 were timed.");
    }

    /// <summary>Below 1 ms in microseconds: plain UDP round trips are tens of them.</summary>
    private static string Latency(double millis) =>
        millis < 1 ? $"{millis * 1000:0} us" : $"{Units.Ms(millis)} ms";

    private static string Rate(double perSecond) =>
        perSecond.ToString(perSecond < 100 ? "0.0" : "N0", System.Globalization.CultureInfo.InvariantCulture);
}
