using System.Text.RegularExpressions;
using KenShell.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace KenShell.Tests.Layout;

/// <summary>
/// No folder of src/KenShell depends on a folder that depends back on it, directly or
/// through others. A folder depends on another when one of its files names the other's
/// namespace: <c>using KenShell.X;</c> or a fully qualified <c>KenShell.X.Type</c>
/// (comments aside). Each folder's README says what it may use.
/// </summary>
public sealed partial class FolderDependencyTests(ITestOutputHelper output)
{
    private static Dictionary<string, HashSet<string>> Graph()
    {
        string root = KenshellPaths.RepositoryFile("src/KenShell");
        var folders = Directory.GetDirectories(root).Select(Path.GetFileName).OfType<string>()
            .Where(d => d is not ("bin" or "obj")).ToHashSet(StringComparer.Ordinal);
        var graph = folders.ToDictionary(f => f, _ => new HashSet<string>(StringComparer.Ordinal));
        foreach (string folder in folders)
        {
            foreach (string file in Directory.EnumerateFiles(Path.Combine(root, folder), "*.cs", SearchOption.AllDirectories))
            {
                foreach (string line in File.ReadLines(file))
                {
                    string code = line.TrimStart();
                    if (code.StartsWith("//", StringComparison.Ordinal)) continue;
                    foreach (Match m in Reference().Matches(code))
                    {
                        string target = m.Groups[1].Value;
                        if (target != folder && folders.Contains(target)) graph[folder].Add(target);
                    }
                }
            }
        }
        return graph;
    }

    private static bool Reaches(Dictionary<string, HashSet<string>> graph, string from, string to)
    {
        var seen = new HashSet<string>();
        var stack = new Stack<string>([from]);
        while (stack.TryPop(out string? at))
        {
            if (at == to) return true;
            if (!seen.Add(at)) continue;
            foreach (string next in graph[at]) stack.Push(next);
        }
        return false;
    }

    [Fact]
    public void NoFolderDependsOnAFolderThatDependsBackOnIt()
    {
        Dictionary<string, HashSet<string>> graph = Graph();
        foreach ((string folder, HashSet<string> uses) in graph.OrderBy(g => g.Key))
            output.WriteLine($"{folder} -> {string.Join(", ", uses.Order())}");
        Assert.True(graph.Count >= 8, "the folders of src/KenShell were not found");
        var cycles = graph.SelectMany(g => g.Value.Where(b => Reaches(graph, b, g.Key)).Select(b => $"{g.Key} -> {b} -> ... -> {g.Key}")).ToList();
        Assert.True(cycles.Count == 0, "dependency cycles: " + string.Join("; ", cycles));
    }

    [Fact]
    public void TheLeafFoldersDependOnNoOtherFolder()
    {
        Dictionary<string, HashSet<string>> graph = Graph();
        Assert.Empty(graph["Checksums"]);
        Assert.Empty(graph["Terminal"]);
        Assert.Empty(graph["Runtime"]);
        Assert.Equal(["Checksums"], graph["Messaging"]);
        Assert.Equal(["Checksums"], graph["Engine"]);
        Assert.DoesNotContain("Shell", graph["Store"]);
        Assert.DoesNotContain("Cli", graph.Where(g => g.Key != "Cli").SelectMany(g => g.Value));
    }

    [GeneratedRegex(@"\bKenShell\.([A-Z][A-Za-z]+)\b")]
    private static partial Regex Reference();
}
