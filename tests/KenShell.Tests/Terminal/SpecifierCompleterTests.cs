using KenShell.Shell;
using KenShell.Terminal;
using Xunit;

namespace KenShell.Tests.Terminal;

/// <summary>
/// Completion of module specifiers (require('...'), import('...'),
/// from '...') against a real directory tree.
/// </summary>
public sealed class SpecifierCompleterTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("kenshell-spec-").FullName;
    private readonly string _cwd;

    public SpecifierCompleterTests()
    {
        _cwd = Path.Combine(_root, "project");
        foreach (string dir in new[] { "project/lib", "project/node_modules/lodash", "project/node_modules/left-pad",
                     "project/node_modules/@scope/tool", "project/node_modules/@scope/other", "node_modules/upper-pkg" })
            Directory.CreateDirectory(Path.Combine(_root, dir));
        foreach (string file in new[] { "project/main.js", "project/data.json", "project/mod.mjs", "project/.hidden.js", "project/lib/util.js" })
            File.WriteAllText(Path.Combine(_root, file), "");
    }

    private CompletionResult? Complete(string text) => SpecifierCompleter.Complete(text, _cwd);

    [Fact]
    public void CompletesPackagesFromEveryNodeModulesFolderUpTheTree()
    {
        CompletionResult r = Complete("const _ = require('l")!;
        Assert.Equal("const _ = require('".Length, r.WordStart);
        Assert.Equal(["left-pad", "lodash"], r.Candidates);
        Assert.Equal(["upper-pkg"], Complete("await import(\"up")!.Candidates);
        Assert.Equal(["@scope/"], Complete("import x from '@s")!.Candidates);
        Assert.Equal(["@scope/other", "@scope/tool"], Complete("import x from '@scope/")!.Candidates);
        Assert.Equal(["lodash"], Complete("import 'lod")!.Candidates);
    }

    [Fact]
    public void CompletesRelativePathsRequireWithoutExtensionsImportWithThem()
    {
        CompletionResult r = Complete("require('./")!;
        Assert.Equal("require('./".Length, r.WordStart);
        Assert.Equal(["data", "lib/", "main", "mod.mjs", "node_modules/"], r.Candidates);
        Assert.Equal(["data.json", "lib/", "main.js", "mod.mjs", "node_modules/"], Complete("await import('./")!.Candidates);
        Assert.Equal(["main.js", "mod.mjs"], Complete("import m from './m")!.Candidates);
        Assert.Equal(["util.js"], Complete("import('./lib/u")!.Candidates);
        Assert.Equal([".hidden.js"], Complete("import('./.h")!.Candidates);
        Assert.Equal(["project/"], Complete("require('../p")!.Candidates);
        Assert.Equal(["./", "../"], Complete("require('.")!.Candidates);
    }

    // Recorded from Node 20's REPL (repl.start(...).complete): built-ins are
    // offered bare and with node:, as in require('f -> fs, fs/promises.
    [Fact]
    public void CompletesNodesBuiltInModulesBareAndWithTheNodePrefix()
    {
        Assert.Equal(["fs", "fs/promises"], Complete("require('f")!.Candidates);
        Assert.Equal(["node:fs", "node:fs/promises"], Complete("require('node:f")!.Candidates);
        Assert.Equal(["node:util", "node:util/types"], Complete("await import('node:ut")!.Candidates);
        Assert.Equal(["node:test", "node:test/reporters"], Complete("require('node:te")!.Candidates);
        Assert.Empty(Complete("require('te")!.Candidates);
        Assert.Empty(Complete("require('_")!.Candidates);
        // Packages and built-ins together, in order.
        Directory.CreateDirectory(Path.Combine(_cwd, "node_modules", "fsx"));
        Assert.Equal(["fs", "fs/promises", "fsx"], Complete("require('fs")!.Candidates);
        CompletionResult all = Complete("require('node:")!;
        Assert.Equal("require('".Length, all.WordStart);
        Assert.Equal(57, all.Candidates.Count);
    }

    [Fact]
    public void LeavesEverythingElseToTheNameCompleter()
    {
        Assert.Null(Complete("require(x"));
        Assert.Null(Complete("'./lib"));
        Assert.Null(Complete("require('./lib') + fo"));
        Assert.Null(Complete("myimport('./"));
        // A directory that is not there: nothing to offer, but still handled.
        Assert.Empty(Complete("require('./nope/")!.Candidates);
    }

    [Fact]
    public void TheShellsCompleterAsksForSpecifiersFirst()
    {
        var completer = new Completer(_ => ["requireSomething"], ReplSession.DotCommands, () => _cwd);
        Assert.Equal(["lodash"], completer.Complete("require('lo", startOfInput: true).Candidates);
        Assert.Equal(["requireSomething"], completer.Complete("requireS", startOfInput: true).Candidates);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
