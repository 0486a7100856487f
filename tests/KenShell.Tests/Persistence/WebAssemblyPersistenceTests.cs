using KenShell.Tests.Support;
using Xunit;

namespace KenShell.Tests.Persistence;

/// <summary>
/// WebAssembly modules and instances kept in the heap persist (rebuilt from
/// their bytes after a restore, the memory's contents kept) and never make
/// a checkpoint fail.
/// </summary>
public sealed class WebAssemblyPersistenceTests : IDisposable
{
    private readonly StoreDirectory _dir = new();

    // A module written by hand (WebAssembly 1.0 binary):
    //   (import "env" "log" (func $log (param i32)))
    //   (memory 1 2)  (data (i32.const 16) "hi")
    //   (global $g (mut i32) (i32.const 7))
    //   (func $add (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
    //   (func $store (param i32 i32) local.get 0 local.get 1 i32.store8)
    //   (func $load (param i32) (result i32) local.get 0 i32.load8_u)
    //   (func $bump (result i32) global.get $g i32.const 1 i32.add global.set $g global.get $g)
    //   (func $start i32.const 42 call $log)  (start $start)
    //   (export "add" $add) (export "store" $store) (export "load" $load)
    //   (export "bump" $bump) (export "mem" (memory 0)) (export "g" (global $g))
    private const string ModuleBytes =
        "[0,97,115,109,1,0,0,0," +
        "1,28,6,96,2,127,127,1,127,96,1,127,0,96,2,127,127,0,96,1,127,1,127,96,0,1,127,96,0,0," +
        "2,11,1,3,101,110,118,3,108,111,103,0,1," +
        "3,6,5,0,2,3,4,5," +
        "5,4,1,1,1,2," +
        "6,6,1,127,1,65,7,11," +
        "7,39,6,3,97,100,100,0,1,5,115,116,111,114,101,0,2,4,108,111,97,100,0,3,4,98,117,109,112,0,4,3,109,101,109,2,0,1,103,3,0," +
        "8,1,5," +
        "10,46,5,7,0,32,0,32,1,106,11,9,0,32,0,32,1,58,0,0,11,7,0,32,0,45,0,0,11,11,0,35,0,65,1,106,36,0,35,0,11,6,0,65,42,16,0,11," +
        "11,8,1,0,65,16,11,2,104,105]";

    // (import "m" "add" (func (param i32 i32) (result i32)))
    // (func (export "twice") (param i32) (result i32) local.get 0 local.get 0 call 0)
    private const string ImporterBytes =
        "[0,97,115,109,1,0,0,0,1,12,2,96,2,127,127,1,127,96,1,127,1,127,2,9,1,1,109,3,97,100,100,0,0," +
        "3,2,1,1,7,9,1,5,116,119,105,99,101,0,1,10,10,1,8,0,32,0,32,0,16,0,11]";

    private const string Probe =
        "[inst.exports.add(20, 22), inst.exports.load(16), inst.exports.load(17), inst.exports.load(100), " +
        "new Uint8Array(inst.exports.mem.buffer)[101], inst.exports.mem.buffer.byteLength, logged.join(), " +
        "inst.exports.mem === mem, mod instanceof WebAssembly.Module, inst instanceof WebAssembly.Instance, " +
        "WebAssembly.Module.exports(mod).map(e => e.name + ':' + e.kind).join(' '), other.exports.twice(21), " +
        "later.instance.exports.add(1, 2), inst.exports.add.name, inst.exports.add.length, " +
        "inst.exports.g.value, inst.exports.g instanceof WebAssembly.Global, inst.exports.g === g].join()";

    private const string Expected =
        "'42,104,105,9,8,131072,42,true,true,true,add:function store:function load:function bump:function mem:memory g:global,42,3,1,2,9,true,true'";

    [Fact]
    public void AModuleAndItsInstanceSurviveKillWithTheirMemoryAndCheckpointsSucceed()
    {
                using (var shell = Kenshell.Start(_dir.Path))
        {
            shell.Eval($"const bytes = new Uint8Array({ModuleBytes}); const logged = []; 0");
            shell.Eval("const mod = new WebAssembly.Module(bytes); const inst = new WebAssembly.Instance(mod, { env: { log: (x) => logged.push(x) } }); 0");
            shell.Eval("inst.exports.store(100, 9); const mem = inst.exports.mem; new Uint8Array(mem.buffer)[101] = 8; mem.grow(1)");
            Assert.Equal("9", shell.Eval("const g = inst.exports.g; inst.exports.bump(); inst.exports.bump()"));
            shell.Eval($"const other = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array({ImporterBytes})), {{ m: {{ add: inst.exports.add }} }}); 0");
            shell.Eval("let later; WebAssembly.instantiate(bytes, { env: { log() {} } }).then((r) => { later = r }); 0");
            Assert.Equal(Expected, shell.Eval(Probe));
            WaitForCheckpoint(shell, 7);
            shell.Kill9();
        }

        using (var shell = Kenshell.Start(_dir.Path))
        {
            // Restored from the checkpoint (nothing replayed): rebuilt from
            // the bytes, the memory as it was, the start function not run again.
            Assert.Equal(Expected, shell.Eval(Probe));
            shell.WaitForStderr("+ 0 turns replayed");
            Assert.Equal("'10,6'", shell.Eval("inst.exports.store(100, 10); [inst.exports.load(100), other.exports.twice(3)].join()"));
            // The module's own global kept its value, seen by the code and by the exported Global.
            Assert.Equal("'10,10,21,21'", shell.Eval("[inst.exports.bump(), g.value, (g.value = 20, inst.exports.bump()), g.value].join()"));
            WaitForCheckpoint(shell, 10);
            shell.Kill9();
        }

        // A checkpoint of the restored heap, whose instances were rebuilt, holds too.
        KenshellResult third = Kenshell.Run(_dir.Path, "inst.exports.load(100)\nlogged.length\ng.value\n");
        Assert.Equal(["10", "1", "21"], third.StdoutLines);
        Assert.DoesNotContain("warning", third.Stderr);
    }

    // Asks for checkpoints (`.checkpoint`; one may be under way already)
    // until one of `turn` or later is in place; none may fail.
    private void WaitForCheckpoint(Kenshell shell, ulong turn)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!_dir.Checkpoints().Any(c => c.Turn >= turn))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no checkpoint of turn {turn}\n" + shell.Stderr);
            Assert.DoesNotContain("warning", shell.Stderr);
            shell.Send(".checkpoint");
            Thread.Sleep(300);
        }
        Assert.DoesNotContain("warning", shell.Stderr);
    }

    public void Dispose() => _dir.Dispose();
}
