using System.Text.RegularExpressions;
using KenShell.Terminal;

namespace KenShell.Shell;

/// <summary>
/// Tab completion inside the quotes of <c>require('...')</c>,
/// <c>import('...')</c> and <c>from '...'</c>: relative and absolute paths
/// from the directory listing, package names from the <c>node_modules</c>
/// folders from the working directory up, as Node's REPL completes require
/// specifiers. It reads the disk directly: completing is not a turn, and
/// nothing it reads reaches the heap.
/// </summary>
public static partial class SpecifierCompleter
{
    // require(' / import(' / from ' / a bare import ', with the partial
    // specifier (no quote in it) running to the cursor.
    [GeneratedRegex(@"(?:\b(?<call>require|import)\s*\(\s*|\bfrom\s*|^\s*import\s+)(?<quote>['""])(?<spec>[^'""]*)$")]
    private static partial Regex SpecifierAtEnd();

    // Node 20's built-in modules as its REPL offers them inside require('
    // and import(': those without a leading underscore, bare and with
    // node:; the last three exist only with the prefix.
    private static readonly string[] BuiltinModules =
    [
        "assert", "assert/strict", "async_hooks", "buffer", "child_process", "cluster", "console", "constants",
        "crypto", "dgram", "diagnostics_channel", "dns", "dns/promises", "domain", "events", "fs", "fs/promises",
        "http", "http2", "https", "inspector", "inspector/promises", "module", "net", "os", "path", "path/posix",
        "path/win32", "perf_hooks", "process", "punycode", "querystring", "readline", "readline/promises", "repl",
        "stream", "stream/consumers", "stream/promises", "stream/web", "string_decoder", "sys", "timers",
        "timers/promises", "tls", "trace_events", "tty", "url", "util", "util/types", "v8", "vm", "wasi",
        "worker_threads", "zlib",
    ];
    private static readonly string[] PrefixOnlyModules = ["sea", "test", "test/reporters"];

    // A require()d file is listed without these extensions, as require finds it without them.
    private static readonly string[] RequireExtensions = [".js", ".json", ".node"];

    /// <summary>
    /// The completion when the text before the cursor ends inside a module
    /// specifier's quotes, or null when it does not.
    /// </summary>
    public static CompletionResult? Complete(string beforeCursor, string workingDirectory)
    {
        Match m = SpecifierAtEnd().Match(beforeCursor);
        if (!m.Success) return null;
        string spec = m.Groups["spec"].Value;
        int specStart = m.Groups["spec"].Index;
        bool isRequire = m.Groups["call"].Value == "require";
        try
        {
            if (spec.StartsWith('.') || spec.StartsWith('/'))
                return Paths(spec, specStart, workingDirectory, isRequire);
            List<string> names = Packages(spec, workingDirectory);
            names.AddRange(Builtins(spec));
            names.Sort(StringComparer.Ordinal);
            return new CompletionResult(specStart, names.Distinct().ToList());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return new CompletionResult(specStart, []);
        }
    }

    private static CompletionResult Paths(string spec, int specStart, string workingDirectory, bool isRequire)
    {
        int slash = spec.LastIndexOf('/');
        // "." and ".." on their own complete to themselves with a slash.
        if (slash < 0) return new CompletionResult(specStart, spec == "." ? ["./", "../"] : spec == ".." ? ["../"] : []);
        string dirPart = spec[..(slash + 1)];
        string prefix = spec[(slash + 1)..];
        string dir = Path.GetFullPath(Path.Combine(workingDirectory, dirPart));
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string entry in Directory.EnumerateFileSystemEntries(dir))
        {
            string name = Path.GetFileName(entry);
            if (!name.StartsWith(prefix, StringComparison.Ordinal)) continue;
            if (name.StartsWith('.') && !prefix.StartsWith('.')) continue;
            if (Directory.Exists(entry))
            {
                names.Add(name + "/");
                continue;
            }
            string? ext = isRequire ? RequireExtensions.FirstOrDefault(e => name.EndsWith(e, StringComparison.Ordinal)) : null;
            names.Add(ext is null || name.Length == ext.Length ? name : name[..^ext.Length]);
        }
        return new CompletionResult(specStart + slash + 1, names.ToList());
    }

    private static IEnumerable<string> Builtins(string spec)
    {
        foreach (string name in BuiltinModules)
        {
            if (name.StartsWith(spec, StringComparison.Ordinal)) yield return name;
        }
        foreach (string name in BuiltinModules.Concat(PrefixOnlyModules))
        {
            if (("node:" + name).StartsWith(spec, StringComparison.Ordinal)) yield return "node:" + name;
        }
    }

    private static List<string> Packages(string spec, string workingDirectory)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        for (string? dir = workingDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (Path.GetFileName(dir) == "node_modules") continue;
            string modules = Path.Combine(dir, "node_modules");
            if (!Directory.Exists(modules)) continue;
            foreach (string entry in Directory.EnumerateDirectories(modules))
            {
                string name = Path.GetFileName(entry);
                if (name.StartsWith('.')) continue;
                if (name.StartsWith('@'))
                {
                    // A scope: its packages, once the scope is typed.
                    if (!spec.StartsWith(name + "/", StringComparison.Ordinal))
                    {
                        if (name.StartsWith(spec, StringComparison.Ordinal)) names.Add(name + "/");
                        continue;
                    }
                    foreach (string scoped in Directory.EnumerateDirectories(entry))
                    {
                        string full = name + "/" + Path.GetFileName(scoped);
                        if (full.StartsWith(spec, StringComparison.Ordinal)) names.Add(full);
                    }
                    continue;
                }
                if (name.StartsWith(spec, StringComparison.Ordinal)) names.Add(name);
            }
        }
        return names.ToList();
    }
}
