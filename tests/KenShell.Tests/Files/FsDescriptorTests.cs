using KenShell.Tests.Support;
using Mono.Unix.Native;
using Xunit;

namespace KenShell.Tests.Files;

/// <summary>
/// File descriptors (openSync/readSync/writeSync/closeSync/fstatSync) over
/// the whole-file operations: reads are recorded reads, writes are outputs
/// released at commit; the expected line is what Node 20 prints for the
/// same program (positions, positional writes, append mode, EBADF, ENOENT,
/// EEXIST).
/// </summary>
public sealed class FsDescriptorTests : IDisposable
{
    private readonly StoreDirectory _dir = new();

    private string PathOf(string name) => System.IO.Path.Combine(_dir.Path, name);

    [Fact]
    public void DescriptorsReadAndWriteAsNodes()
    {
        File.WriteAllText(PathOf("fd.js"), string.Join("\n",
            "const fs = require('fs');",
            "fs.writeFileSync('in.txt', 'hello world');",
            "const fd = fs.openSync('in.txt', 'r'); const buf = Buffer.alloc(5);",
            "const n1 = fs.readSync(fd, buf, 0, 5, null); const s1 = buf.toString();",
            "const n2 = fs.readSync(fd, buf, { offset: 0, length: 5 }); const s2 = buf.toString();",
            "const n3 = fs.readSync(fd, buf, 0, 5, 0); const s3 = buf.toString();",
            "const n4 = fs.readSync(fd, buf); const n5 = fs.readSync(fd, buf);",
            "let e1; try { fs.writeSync(fd, 'x') } catch (e) { e1 = [e.code, e.syscall, e.message] }",
            "fs.closeSync(fd);",
            "let e2; try { fs.readSync(fd, buf) } catch (e) { e2 = [e.code, e.syscall, e.message, e.errno] }",
            "const w = fs.openSync('out.txt', 'w'); fs.writeSync(w, 'abc'); fs.writeSync(w, Buffer.from('defg'), 1, 2); fs.writeSync(w, 'Z', 1); fs.writeSync(w, '!'); fs.closeSync(w);",
            "const a = fs.openSync('out.txt', 'a'); fs.writeSync(a, '+tail'); fs.closeSync(a);",
            "let e3; try { fs.openSync('missing.txt') } catch (e) { e3 = [e.code, e.syscall, e.message] }",
            "let e4; try { fs.openSync('out.txt', 'wx') } catch (e) { e4 = [e.code, e.syscall, e.message] }",
            "const rp = fs.openSync('out.txt', 'r+'); fs.writeSync(rp, 'XY', 7); const st = fs.fstatSync(rp).size; fs.closeSync(rp);",
            "console.log(JSON.stringify([n1, s1, n2, s2, n3, s3, n4, n5, e1, e2, fs.readFileSync('out.txt', 'utf8'), e3, e4, st]));",
            ""));
        KenshellResult r = Kenshell.Run(_dir.Path, "", "fd.js");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal([
            "[5,\"hello\",5,\" worl\",5,\"hello\",1,0,[\"EBADF\",\"write\",\"EBADF: bad file descriptor, write\"]," +
            "[\"EBADF\",\"read\",\"EBADF: bad file descriptor, read\",-9],\"aZcef!+XYil\"," +
            "[\"ENOENT\",\"open\",\"ENOENT: no such file or directory, open 'missing.txt'\"]," +
            "[\"EEXIST\",\"open\",\"EEXIST: file already exists, open 'out.txt'\"],11]",
        ], r.StdoutLines);
        Assert.Equal("aZcef!+XYil", File.ReadAllText(PathOf("out.txt")));
    }

    [Fact]
    public void WritesThroughADescriptorInAStoppedTurnNeverReachTheDisk()
    {
        using var shell = Kenshell.Start(_dir.Path);
        Assert.Equal("'opened'", shell.Eval("var w = require('fs').openSync('kept.txt', 'w'); 'opened'"));
        Assert.True(File.Exists(PathOf("kept.txt")));
        shell.Send("require('fs').writeSync(w, 'never'); for (;;) {}");
        shell.WaitUntilBusy(TimeSpan.FromMilliseconds(300));
        shell.Signal(Signum.SIGINT);
        shell.WaitForStderr("rolled back");
        Assert.Equal("0", shell.Eval("require('fs').writeSync(w, 'once'); require('fs').closeSync(w); 0"));
        Assert.Equal("once", File.ReadAllText(PathOf("kept.txt")));
        Assert.Equal("[ 'EBADF', 'close' ]", shell.Eval("(() => { try { require('fs').closeSync(w) } catch (e) { return [e.code, e.syscall] } })()"));
    }

    public void Dispose() => _dir.Dispose();
}
