using System.Diagnostics;
using KenShell.Tests.Support;
using Xunit;

namespace KenShell.Tests.Engine;

/// <summary>
/// kenshell's JavaScript against a plain V8 isolate of the same libnode:
/// every script in tests/fixtures/conformance prints what it observes;
/// kenv8-plain (native/tools/plain_v8.cc) runs it as a classic script, and
/// kenshell runs it as a program in a fresh store (a fresh heap) and again
/// after a restart (the heap restored from a checkpoint). All three outputs
/// must be identical.
/// </summary>
public sealed class PlainIsolateConformanceTests : IDisposable
{
    private readonly StoreDirectory _dir = new();

    public static TheoryData<string> Scripts()
    {
        var data = new TheoryData<string>();
        foreach (string path in Directory.GetFiles(KenshellPaths.Fixture("conformance"), "*.js").Order())
            data.Add(Path.GetFileName(path));
        return data;
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void KenshellObservesWhatAPlainIsolateObserves(string script)
    {
        string path = KenshellPaths.Fixture(Path.Combine("conformance", script));
        string plain = RunPlain(path);
        Assert.DoesNotContain("EXCEPTION:", plain);
        Assert.True(plain.Split('\n').Length > 5, $"the plain isolate printed almost nothing:\n{plain}");

        KenshellResult fresh = RunProgram(path);
        Assert.Equal(plain, fresh.Stdout);
        KenshellResult restored = RunProgram(path);
        Assert.Contains("restored", restored.Stderr);
        Assert.Equal(plain, restored.Stdout);
    }

    private KenshellResult RunProgram(string path)
    {
        using var shell = Kenshell.Start(_dir.Path, StoreDirectory.Address, [path]);
        KenshellResult r = shell.WaitForExit(Kenshell.DefaultTimeout);
        Assert.True(r.ExitCode == 0, r.ToString());
        return r;
    }

    private static string RunPlain(string path)
    {
        var info = new ProcessStartInfo(KenshellPaths.PlainV8) { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(path);
        using Process process = Process.Start(info) ?? throw new InvalidOperationException("could not start kenv8-plain");
        string output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "kenv8-plain did not finish");
        Assert.Equal(0, process.ExitCode);
        return output;
    }

    public void Dispose() => _dir.Dispose();
}
