using KenShell.Tests.Support;
using Xunit;

namespace KenShell.Tests.Shell;

/// <summary>
/// The console and the formatter are kenshell's own JavaScript, living in
/// the same heap as the user's: what users do to built-ins or hand to the
/// formatter must not break printing. (Node itself is not immune: its
/// console.table follows a replaced Object.keys.)
/// </summary>
public sealed class ConsoleRobustnessTests : IDisposable
{
    private readonly StoreDirectory _dir = new();

    // The values are made before the built-ins are patched (user code
    // that makes a Map after replacing the array iterator breaks, as in Node).
    private const string Setup =
        "var rows = [{ a: 1, b: 'x' }, { a: 2 }], m = new Map([['k', { v: 1 }]]), m2 = new Map([[1, { a: [1, 2] }]]), s = new Set(['x']); 'setup'";

    private const string ConsoleWork =
        "console.table(rows); console.table(m); console.table(s); console.table(rows, ['b']); " +
        "console.group('g'); console.log('a\\nb', { c: [1, 2] }); console.groupEnd(); " +
        "console.count('c'); console.assert(false, 'assert %s', 'ok'); m2";

    [Fact]
    public void PatchedBuiltInsDoNotChangeWhatTheConsolePrints()
    {
        string[] patches =
        [
            "String.prototype.repeat = () => 'P'; String.prototype.split = () => ['P']; String.prototype.slice = () => 'P'",
            "Array.prototype.join = () => 'P'; Array.prototype.push = () => 0; Array.prototype[Symbol.iterator] = function* () { yield 'P' }",
            "Map.prototype.get = () => 'P'; Map.prototype.has = () => true; Map.prototype.set = function () { return this }",
            "Object.keys = () => ['P']; Reflect.ownKeys = () => []; Function.prototype.bind = () => () => 'P'; Math.ceil = () => 0",
        ];
        KenshellResult plain = Kenshell.Run(_dir.Path, Setup + "\n" + ConsoleWork + "\n");
        Assert.Equal(0, plain.ExitCode);
        Assert.Contains("│ (index) │ a │ b   │", plain.Stdout);
        Assert.Contains("  a\n  b { c: [ 1, 2 ] }", plain.Stdout);

        using var patchedDir = new StoreDirectory();
        KenshellResult patched = Kenshell.Run(patchedDir.Path,
            Setup + "\n" + string.Concat(patches.Select(p => p + "; 'patched'\n")) + ConsoleWork + "\n");
        Assert.Equal(0, patched.ExitCode);
        Assert.StartsWith("'setup'\n", plain.Stdout, StringComparison.Ordinal);
        Assert.Equal(plain.Stdout.Insert("'setup'\n".Length, string.Concat(patches.Select(_ => "'patched'\n"))), patched.Stdout);
        Assert.Equal(plain.Stderr.Split('\n').Where(l => l.StartsWith("Assertion", StringComparison.Ordinal)),
            patched.Stderr.Split('\n').Where(l => l.StartsWith("Assertion", StringComparison.Ordinal)));
    }

    [Fact]
    public void ACustomInspectOrTagGetterThatThrowsIsReportedAndTheShellGoesOn()
    {
        KenshellResult result = Kenshell.Run(_dir.Path,
            "({ [Symbol.for('nodejs.util.inspect.custom')]() { throw new Error('custom threw') } })\n" +
            "_error.message\n" +
            "({ get [Symbol.toStringTag]() { throw new TypeError('tag threw') } })\n" +
            "1 + 1\n");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            "Uncaught Error: custom threw\n    at [nodejs.util.inspect.custom] (REPL1:1:57)\n" +
            "'custom threw'\n" +
            "Uncaught TypeError: tag threw\n    at get [Symbol.toStringTag] (REPL3:1:39)\n" +
            "2\n",
            result.Stdout);
    }

    public void Dispose() => _dir.Dispose();
}
