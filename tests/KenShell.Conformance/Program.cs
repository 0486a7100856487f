using System.Diagnostics;
using System.Text;

namespace KenShell.Conformance;

/// <summary>
/// kenshell-conformance: runs a selection of test262 in a plain V8 isolate
/// of the same libnode (kenv8-plain) and in kenshell, test by test, and
/// reports every test that passes in the plain isolate and fails in
/// kenshell. Exit code 1 when there is one that is not a listed, deliberate
/// difference (tests/fixtures/conformance/expected-differences.txt).
///
///   kenshell-conformance [--test262 DIR] [--selection full|reduced] [--if-present]
///
/// DIR defaults to $TEST262_DIR, then build/test262. With --if-present a
/// missing checkout is reported and the exit code is 0 (./build.sh test).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "--worker")
            return KenshellWorker.Run(Console.In, Console.Out, TimeSpan.FromSeconds(20));

        string buildDir = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, ".."));
        string? root = Environment.GetEnvironmentVariable("TEST262_DIR");
        string selection = "full";
        bool ifPresent = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--test262" when i + 1 < args.Length: root = args[++i]; break;
                case "--selection" when i + 1 < args.Length: selection = args[++i]; break;
                case "--if-present": ifPresent = true; break;
                default:
                    Console.Error.WriteLine($"kenshell-conformance: unknown argument {args[i]}");
                    return 2;
            }
        }
        root ??= Path.Combine(buildDir, "test262");
        if (!Directory.Exists(Path.Combine(root, "test")) || !Directory.Exists(Path.Combine(root, "harness")))
        {
            Console.Error.WriteLine($"kenshell-conformance: no test262 checkout at {root} (clone https://github.com/tc39/test262 there, or set TEST262_DIR)");
            return ifPresent ? 0 : 2;
        }
        return Run(root, selection, buildDir);
    }

    private static int Run(string root, string selection, string buildDir)
    {
        var clock = Stopwatch.StartNew();
        var harness = new Dictionary<string, string>();
        string Harness(string name)
        {
            if (!harness.TryGetValue(name, out string? text))
                harness[name] = text = File.ReadAllText(Path.Combine(root, "harness", name));
            return text;
        }

        // Compose every test into build/conformance/ (one script per test).
        string work = Path.Combine(buildDir, "conformance");
        if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        var tests = new Dictionary<string, Test262Test>();
        var skipped = new Dictionary<string, int>();
        foreach (string file in Selection.Files(root, selection))
        {
            Test262Test test = Test262Test.Parse(root, file);
            if (test.SkipReason() is { } why)
            {
                skipped[why] = skipped.GetValueOrDefault(why) + 1;
                continue;
            }
            string composed = Path.Combine(work, test.Name);
            Directory.CreateDirectory(Path.GetDirectoryName(composed)!);
            File.WriteAllText(composed, test.Compose(Harness));
            tests[composed] = test;
        }
        var files = tests.Keys.ToList();
        Console.Error.WriteLine($"kenshell-conformance: {files.Count} tests of test262 ({selection} selection; skipped: " +
                                $"{string.Join(", ", skipped.Select(s => $"{s.Value} {s.Key}"))})");

        // Both hosts at once, one process each (2 cores).
        int plainDone = 0, kenshellDone = 0;
        using var ticker = new Timer(_ => Console.Error.Write($"\r  plain isolate {plainDone}/{files.Count}, kenshell {kenshellDone}/{files.Count}   "),
            null, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2));
        var plainTask = Task.Run(() => new PlainHost(Path.Combine(buildDir, "native", "kenv8-plain")).Run(files, n => plainDone = n));
        var kenshellTask = Task.Run(() => new KenshellHost(Path.Combine(buildDir, "bin", "kenshell-conformance")).Run(files, n => kenshellDone = n));
        Task.WaitAll(plainTask, kenshellTask);
        ticker.Dispose();
        Console.Error.WriteLine();

        var expected = ExpectedDifferences();
        var report = new StringBuilder();
        var byArea = new SortedDictionary<string, int[]>(StringComparer.Ordinal); // total, plain, kenshell, regressions
        var regressions = new List<string>();
        int listed = 0;
        foreach (string file in files)
        {
            Test262Test test = tests[file];
            string area = Area(test.Name);
            int[] counts = byArea.TryGetValue(area, out int[]? c) ? c : byArea[area] = new int[4];
            counts[0]++;
            bool plainPassed = plainTask.Result.TryGetValue(file, out Observation? p) && Outcome.Passed(test, p.Output, p.Error);
            bool kenshellPassed = kenshellTask.Result.TryGetValue(file, out Observation? k) && Outcome.Passed(test, k.Output, k.Error);
            if (plainPassed) counts[1]++;
            if (kenshellPassed) counts[2]++;
            if (!plainPassed || kenshellPassed) continue;
            if (expected.Contains(test.Name)) { listed++; continue; }
            counts[3]++;
            regressions.Add(test.Name);
            string observed = k is null ? "(no result)" : $"{k.Error ?? "no error"}: {FirstLines(k.Output)}";
            report.Append(test.Name).Append("\n    kenshell: ").Append(observed).Append('\n');
        }

        var summary = new StringBuilder();
        summary.Append($"{"area",-44} {"tests",6} {"plain",6} {"kenshell",8} {"fails only in kenshell",22}\n");
        int[] total = new int[4];
        foreach (var (area, counts) in byArea)
        {
            summary.Append($"{area,-44} {counts[0],6} {counts[1],6} {counts[2],8} {counts[3],22}\n");
            for (int i = 0; i < 4; i++) total[i] += counts[i];
        }
        summary.Append($"{"all",-44} {total[0],6} {total[1],6} {total[2],8} {total[3],22}\n");
        summary.Append($"listed deliberate differences: {listed}; time: {clock.Elapsed.TotalSeconds:F0} s\n");
        string reportPath = Path.Combine(buildDir, $"conformance-{selection}.txt");
        File.WriteAllText(reportPath, summary + "\n" + report);
        Console.Write(summary);
        if (regressions.Count > 0)
        {
            Console.WriteLine($"{regressions.Count} tests pass in a plain isolate and fail in kenshell (details: {reportPath}):");
            foreach (string name in regressions.Take(40)) Console.WriteLine($"  {name}");
            return 1;
        }
        return 0;
    }

    private static string Area(string name)
    {
        string[] parts = name.Split('/');
        return string.Join('/', parts.Take(Math.Min(3, parts.Length - 1)));
    }

    private static string FirstLines(string text)
    {
        string[] lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return string.Join(" | ", lines.Take(3));
    }

    private static HashSet<string> ExpectedDifferences()
    {
        string file = Path.Combine(AppContext.BaseDirectory, "expected-differences.txt");
        if (!File.Exists(file)) return [];
        return File.ReadAllLines(file)
            .Select(l => l.Split('#')[0].Trim())
            .Where(l => l.Length > 0)
            .ToHashSet();
    }
}
