using System.Diagnostics;
using System.Globalization;

namespace KenShell.Bench;

/// <summary>
/// kenshell's durable round trip at one heap size: from writing a trivial
/// input to its stdin until its result line arrives on stdout. kenshell
/// releases a turn's output only once the turn is durable, so this is the
/// full commit path a user waits for.
/// </summary>
public sealed class KenshellRoundTrip(string kenshellPath, TimeSpan turnTimeout, TextWriter progress)
{
    /// <summary>Any valid address: each size gets a store directory of its own.</summary>
    public const string Address = "127.0.0.1:6970";

    /// <summary>
    /// Heap bytes one ballast record takes on 64-bit V8 without pointer
    /// compression (as in Debian's libnode): the { i, s, a } object 48 (map,
    /// properties, elements, 3 in-object fields), the short string 'x' + i 24,
    /// the 2-element array 32 plus its backing store 32, and its slot in the
    /// outer array 8. Node 20 measures exactly 144 with process.memoryUsage().
    /// </summary>
    public const int BallastBytesPerRecord = 144;

    /// <summary>The measured input: it reads and writes the heap, prints one number.</summary>
    public const string TrivialTurn = "x = (globalThis.x || 0) + 1";

    /// <summary>
    /// Untimed trivial turns after the ballast: the first turn of a kind
    /// compiles code paths in the host and in V8 that later turns reuse.
    /// </summary>
    public const int WarmUps = 1;

    public static int RecordsFor(int ballastMb) => (int)(ballastMb * 1048576L / BallastBytesPerRecord);

    /// <summary>The ballast turn, with {0} for the record count; it answers 0, not the array.</summary>
    public const string BallastTemplate = "var ballast = Array.from({{length: {0}}}, (_, i) => ({{ i, s: 'x' + i, a: [i, i + 1] }})); 0";

    public static string BallastInput(int records) => string.Format(CultureInfo.InvariantCulture, BallastTemplate, records);

    public KenshellSizeResult Measure(string storeDirectory, int ballastMb, int turns)
    {
        int records = RecordsFor(ballastMb);
        string label = $"{ballastMb} MB";
        using var shell = PipedProcess.Start(kenshellPath, [Address, "--dir", storeDirectory], storeDirectory);

        // Creating the store and installing the prelude happen before the
        // shell reads its first input; one turn makes sure they are over
        // before anything is timed.
        Turn(shell, "0", "0");

        progress.WriteLine($"[bench] {label}: building {records:N0} ballast records");
        long start = Stopwatch.GetTimestamp();
        Turn(shell, BallastInput(records), "0");
        double ballastMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        long resident = ResidentBytes(shell.Pid);
        progress.WriteLine($"[bench] {label}: ballast turn {Units.Ms(ballastMs)} ms");

        int counter = 0;
        for (int i = 0; i < WarmUps; i++) Turn(shell, TrivialTurn, Format(++counter));
        var millis = new List<double>(turns);
        for (int i = 0; i < turns; i++)
        {
            start = Stopwatch.GetTimestamp();
            Turn(shell, TrivialTurn, Format(++counter));
            millis.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            // Big heaps take seconds per turn: show that the run is alive.
            if (millis[^1] > 1000) progress.WriteLine($"[bench] {label}: turn {i + 1}/{turns} {Units.Ms(millis[^1])} ms");
        }

        long checkpointBytes = NewestCheckpointSize(storeDirectory);
        int exitCode = shell.CloseInputAndWait(turnTimeout);
        if (exitCode != 0)
            throw new InvalidOperationException($"kenshell exited with {exitCode} at the end of its input.\n--- its stderr\n{shell.Stderr}");
        return new KenshellSizeResult(ballastMb, records, resident, checkpointBytes, ballastMs, LatencySummary.Of(millis));
    }

    private void Turn(PipedProcess shell, string input, string expected) => Turn(shell, input, expected, turnTimeout);

    /// <summary>Runs one turn and checks that its only output is the expected result line.</summary>
    public static void Turn(PipedProcess shell, string input, string expected, TimeSpan turnTimeout)
    {
        shell.Send(input);
        Expect(shell, input, expected, turnTimeout);
    }

    /// <summary>Reads the answer to <paramref name="input"/> (already sent) and checks it.</summary>
    public static void Expect(PipedProcess shell, string input, string expected, TimeSpan turnTimeout)
    {
        string line = shell.ReadLine(turnTimeout);
        if (line != expected)
            throw new InvalidOperationException(
                $"kenshell answered '{line}' to '{Shorten(input)}', expected '{expected}'.\n--- its stderr\n{shell.Stderr}");
    }

    public static string Format(int number) => number.ToString(CultureInfo.InvariantCulture);

    private static string Shorten(string input) => input.Length <= 80 ? input : input[..77] + "...";

    /// <summary>VmRSS from /proc: kenshell has no heap-size API, so memory is seen from outside.</summary>
    public static long ResidentBytes(int pid)
    {
        foreach (string line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (!line.StartsWith("VmRSS:", StringComparison.Ordinal)) continue;
            string kilobytes = line["VmRSS:".Length..].Trim().Split(' ')[0];
            return long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
        }
        throw new InvalidDataException($"/proc/{pid}/status has no VmRSS line");
    }

    /// <summary>The size of ken_ADDR_ckpt_TURN with the highest turn (ignoring .tmp and .damaged files).</summary>
    public static long NewestCheckpointSize(string storeDirectory)
    {
        string prefix = $"ken_{Address}_ckpt_";
        FileInfo? newest = null;
        long newestTurn = -1;
        foreach (FileInfo file in new DirectoryInfo(storeDirectory).EnumerateFiles(prefix + "*"))
        {
            if (long.TryParse(file.Name[prefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out long turn) && turn > newestTurn)
                (newest, newestTurn) = (file, turn);
        }
        return newest?.Length ?? throw new FileNotFoundException($"no {prefix}* checkpoint in {storeDirectory}");
    }
}
