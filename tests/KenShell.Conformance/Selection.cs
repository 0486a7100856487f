namespace KenShell.Conformance;

/// <summary>
/// Which test262 directories are run. "full" is the selection of issue #11
/// (Math, Date, WeakRef, FinalizationRegistry, JSON, Promise, Symbol,
/// intl402, global code, let/const/class, async functions, for-of, try,
/// annexB) plus a seeded random sample of the rest of test/built-ins and
/// test/language; "reduced" is the part of it that exercises what kenshell
/// changes (its replacements and its REPL mode), quick enough for
/// ./build.sh test.
/// </summary>
public static class Selection
{
    private static readonly string[] Full =
    [
        "test/built-ins/Math", "test/built-ins/Date", "test/built-ins/WeakRef", "test/built-ins/FinalizationRegistry",
        "test/built-ins/JSON", "test/built-ins/Promise", "test/built-ins/Symbol", "test/intl402",
        "test/language/global-code", "test/language/statements/let", "test/language/statements/const",
        "test/language/statements/class", "test/language/statements/async-function",
        "test/language/expressions/async-function", "test/language/expressions/await",
        "test/language/statements/for-of", "test/language/statements/try", "test/annexB",
    ];

    private static readonly string[] Reduced =
    [
        "test/built-ins/WeakRef", "test/built-ins/FinalizationRegistry", "test/intl402/Collator",
        "test/intl402/NumberFormat/prototype/format", "test/intl402/DateTimeFormat/prototype/format",
        "test/intl402/Locale/constructor-tag.js", "test/intl402/PluralRules", "test/intl402/ListFormat/constructor",
        "test/language/global-code", "test/language/expressions/await",
        "test/built-ins/Function/prototype/toString",
    ];

    private const int SampleSize = 1500;
    private const int SampleSeed = 262;

    public static List<string> Files(string root, string name)
    {
        string[] parts = name == "reduced" ? Reduced : Full;
        var files = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string part in parts) AddTests(root, part, files);
        if (name == "full")
        {
            var rest = new List<string>();
            foreach (string top in new[] { "test/built-ins", "test/language" })
            {
                foreach (string file in Enumerate(Path.Combine(root, top)))
                    if (!files.Contains(file)) rest.Add(file);
            }
            rest.Sort(StringComparer.Ordinal);
            var random = new Random(SampleSeed);
            for (int i = 0; i < SampleSize && rest.Count > 0; i++)
            {
                int pick = random.Next(rest.Count);
                files.Add(rest[pick]);
                rest.RemoveAt(pick);
            }
        }
        return files.ToList();
    }

    private static void AddTests(string root, string part, SortedSet<string> files)
    {
        string path = Path.Combine(root, part);
        if (File.Exists(path)) files.Add(path);
        else foreach (string file in Enumerate(path)) files.Add(file);
    }

    private static IEnumerable<string> Enumerate(string directory) =>
        Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, "*.js", SearchOption.AllDirectories)
                .Where(f => !f.EndsWith("_FIXTURE.js", StringComparison.Ordinal))
            : [];
}
