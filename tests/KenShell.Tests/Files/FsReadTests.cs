using KenShell.Tests.Support;
using Xunit;

namespace KenShell.Tests.Files;

/// <summary>
/// `fs` reads are inputs of their turn (issue #15): what a read returned is
/// in the turn's log record, so a restart that replays the log, after the
/// file changed or was removed, recomputes exactly what the turn saw. The
/// answers and errors have Node's shapes (checked against `node` 20 by hand:
/// the expected strings below are what it prints).
/// </summary>
public sealed class FsReadTests : IDisposable
{
    private readonly StoreDirectory _dir = new();

    private string PathOf(string name) => System.IO.Path.Combine(_dir.Path, name);

    // No checkpoint after the store's first: every restart replays the whole log.
    private static readonly Dictionary<string, string> ReplayAll = new() { ["KENSHELL_CHECKPOINT_EVERY"] = "100000" };

    [Fact]
    public void AReadSurvivesKillAndTheFileGoingAwayAndReplaysToTheSameBytes()
    {
        File.WriteAllBytes(PathOf("in.txt"), [0x68, 0x69, 0x0a, 0xff, 0x00, 0x41]);
        using (var shell = Kenshell.Start(_dir.Path, StoreDirectory.Address, [], ReplayAll))
        {
            Assert.Equal("'hi\\n'", shell.Eval("var text = require('fs').readFileSync('in.txt', 'utf8').slice(0, 3); text"));
            Assert.Equal("6", shell.Eval("var bytes = require('node:fs').readFileSync('in.txt'); bytes.length"));
            Assert.Equal("'104,105,10,255,0,65'", shell.Eval("var listed = Array.from(bytes).join(); listed"));
            shell.Kill9();
        }
        File.Delete(PathOf("in.txt"));

        KenshellResult after = Kenshell.RunWith(ReplayAll, _dir.Path, "text\nlisted\nrequire('fs').existsSync('in.txt')\n");
        Assert.Equal(0, after.ExitCode);
        Assert.Contains("replayed from the log", after.Stderr);
        Assert.DoesNotContain("diverged", after.Stderr);
        Assert.Equal(["'hi\\n'", "'104,105,10,255,0,65'", "false"], after.StdoutLines);
    }

    [Fact]
    public void AFileChangedAfterTheReadDoesNotChangeTheReplayedTurn()
    {
        File.WriteAllText(PathOf("data.json"), "{\"n\": 1}");
        Kenshell.RunWith(ReplayAll, _dir.Path, "var d = JSON.parse(require('fs').readFileSync('data.json', 'utf8')); var seen = require('fs').statSync('data.json').size\n");
        File.WriteAllText(PathOf("data.json"), "{\"n\": 22222}");
        KenshellResult after = Kenshell.RunWith(ReplayAll, _dir.Path, "d.n\nseen\nJSON.parse(require('fs').readFileSync('data.json', 'utf8')).n\n");
        Assert.DoesNotContain("diverged", after.Stderr);
        Assert.Equal(["1", "8", "22222"], after.StdoutLines);
    }

    [Fact]
    public void ErrorsHaveNodesCodeErrnoSyscallPathAndMessage()
    {
        File.WriteAllText(PathOf("in.txt"), "x");
        const string probe = "const fs = require('fs'); const shape = (f) => { try { f(); console.log('no error') } catch (e) { console.log([e.message, e.errno, e.syscall, e.code, e.path].join('|')) } };\n";
        KenshellResult r = Kenshell.Run(_dir.Path, probe +
            "shape(() => fs.readFileSync('nope'))\n" +
            "shape(() => fs.readFileSync('.'))\n" +
            "shape(() => fs.statSync('nope'))\n" +
            "shape(() => fs.readdirSync('in.txt'))\n" +
            "shape(() => fs.accessSync('nope'))\n" +
            "shape(() => fs.writeFileSync('nodir/x', '1'))\n" +
            "shape(() => fs.writeFileSync('.', '1'))\n" +
            "shape(() => fs.writeFileSync('in.txt/x', '1'))\n" +
            "shape(() => fs.mkdirSync('in.txt'))\n" +
            "shape(() => fs.mkdirSync('a/b'))\n" +
            "shape(() => fs.mkdirSync('in.txt/x', { recursive: true }))\n" +
            "shape(() => fs.unlinkSync('nope'))\n" +
            "shape(() => fs.renameSync('nope', 'x'))\n" +
            "shape(() => fs.rmSync('nope'))\n" +
            "shape(() => fs.mkdirSync('in.txt', { recursive: true }))\n" +
            "console.log(fs.mkdirSync('m/n/o', { recursive: true }), fs.mkdirSync('m/n/o', { recursive: true }))\n");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal([
            "undefined",
            "ENOENT: no such file or directory, open 'nope'|-2|open|ENOENT|nope",
            "undefined",
            "EISDIR: illegal operation on a directory, read|-21|read|EISDIR|",
            "undefined",
            "ENOENT: no such file or directory, stat 'nope'|-2|stat|ENOENT|nope",
            "undefined",
            "ENOTDIR: not a directory, scandir 'in.txt'|-20|scandir|ENOTDIR|in.txt",
            "undefined",
            "ENOENT: no such file or directory, access 'nope'|-2|access|ENOENT|nope",
            "undefined",
            "ENOENT: no such file or directory, open 'nodir/x'|-2|open|ENOENT|nodir/x",
            "undefined",
            "EISDIR: illegal operation on a directory, open '.'|-21|open|EISDIR|.",
            "undefined",
            "ENOTDIR: not a directory, open 'in.txt/x'|-20|open|ENOTDIR|in.txt/x",
            "undefined",
            "EEXIST: file already exists, mkdir 'in.txt'|-17|mkdir|EEXIST|in.txt",
            "undefined",
            "ENOENT: no such file or directory, mkdir 'a/b'|-2|mkdir|ENOENT|a/b",
            "undefined",
            "ENOTDIR: not a directory, mkdir 'in.txt/x'|-20|mkdir|ENOTDIR|in.txt/x",
            "undefined",
            "ENOENT: no such file or directory, unlink 'nope'|-2|unlink|ENOENT|nope",
            "undefined",
            "ENOENT: no such file or directory, rename 'nope' -> 'x'|-2|rename|ENOENT|nope",
            "undefined",
            "ENOENT: no such file or directory, lstat 'nope'|-2|lstat|ENOENT|nope",
            "undefined",
            "EEXIST: file already exists, mkdir 'in.txt'|-17|mkdir|EEXIST|in.txt",
            "undefined",
            "m undefined",
            "undefined",
        ], r.StdoutLines);
        // None of the failed writes left anything behind.
        Assert.False(Directory.Exists(PathOf("a")));
        Assert.False(File.Exists(PathOf("x")));
    }

    [Fact]
    public void StatsDirentsListingsAndTheCallbackAndPromiseForms()
    {
        Directory.CreateDirectory(PathOf("d/sub"));
        File.WriteAllText(PathOf("d/f.txt"), "12345");
        KenshellResult r = Kenshell.Run(_dir.Path,
            "const fs = require('fs'); const s = fs.statSync('d/f.txt'); [s.constructor.name, s.size, s.isFile(), s.isDirectory(), s.mtime instanceof Date, typeof s.mtimeMs, s.mode === 0o100644 || s.mode === 0o100664]\n" +
            "fs.readdirSync('d').sort()\n" +
            "fs.readdirSync('d', { withFileTypes: true }).sort((a, b) => a.name < b.name ? -1 : 1).map(e => `${e.constructor.name}:${e.name}:${e.isFile()}:${e.isDirectory()}`)\n" +
            "[fs.existsSync('d'), fs.existsSync('nope'), fs.lstatSync('d').isDirectory(), fs.realpathSync('d/../d/f.txt').endsWith('/d/f.txt')]\n" +
            "await new Promise(r => fs.readFile('d/f.txt', 'utf8', (err, t) => r([err, t])))\n" +
            "await new Promise(r => fs.stat('nope', (err) => r(err.code)))\n" +
            "await require('fs/promises').readFile('d/f.txt', { encoding: 'base64' })\n" +
            "await fs.promises.readdir('d').then(l => l.length)\n" +
            "await require('node:fs/promises').access('nope').catch(e => e.syscall)\n");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal([
            "[ 'Stats', 5, true, false, true, 'number', true ]",
            "[ 'f.txt', 'sub' ]",
            "[ 'Dirent:f.txt:true:false', 'Dirent:sub:false:true' ]",
            "[ true, false, true, true ]",
            "[ null, '12345' ]",
            "'ENOENT'",
            "'MTIzNDU='",
            "2",
            "'access'",
        ], r.StdoutLines);
    }

    public void Dispose() => _dir.Dispose();
}
