using KenShell.Tests.Support;
using Xunit;

namespace KenShell.Tests.NodeLib;

/// <summary>
/// The built-in modules and web globals live in the heap like everything
/// else: a Buffer, an EventEmitter with its listeners, a URL, an
/// AbortController, a TextDecoder in the middle of a stream survive kill -9
/// and a restart (by replay of the log, then from a checkpoint); and the
/// randomness crypto hands out is recorded on the turn's tape, so the
/// replay after the crash gives the same bytes.
/// </summary>
public sealed class NodeLibPersistenceTests : IDisposable
{
    private readonly ModuleProject _project = new();

    [Fact]
    public void ModuleObjectsSurviveKillAndRestart()
    {
        string random;
        using (Kenshell shell = _project.Start())
        {
            Assert.Equal("<Buffer 68 c3 a9 6c 6c 6f>", shell.Eval("const buf = Buffer.from('héllo'); buf"));
            Assert.Equal("1", shell.Eval(
                "const EventEmitter = require('events'); const em = new EventEmitter(); globalThis.heard = []; " +
                "em.on('msg', (m) => heard.push(m)); em.listenerCount('msg')"));
            Assert.Equal("'https://example.com/a?x=1'", shell.Eval("const url = new URL('https://example.com/a?x=1'); url.href"));
            Assert.Equal("false", shell.Eval("const ac = new AbortController(); ac.signal.addEventListener('abort', () => heard.push('aborted')); ac.signal.aborted"));
            Assert.Equal("''", shell.Eval("const td = new TextDecoder(); td.decode(new Uint8Array([0xe2, 0x82]), { stream: true })"));
            random = shell.Eval("const rnd = require('crypto').randomBytes(16).toString('hex'); rnd");
            Assert.Matches("^'[0-9a-f]{32}'$", random);
            shell.Kill9();
        }
        using (Kenshell shell = _project.Start())
        {
            Assert.Contains("replayed from the log", shell.WaitForStderr("restored turn"), StringComparison.Ordinal);
            Assert.DoesNotContain("diverged", shell.Stderr, StringComparison.Ordinal);
            // The replay drew the same random bytes from the tape.
            Assert.Equal(random, shell.Eval("rnd"));
            Assert.Equal("[ 'héllo', true ]", shell.Eval("[buf.toString(), Buffer.isBuffer(buf)]"));
            Assert.Equal("[ true, 'one' ]", shell.Eval("[em.emit('msg', 'one'), heard[0]]"));
            Assert.Equal("'https://example.com/b?x=1&y=2'", shell.Eval("url.pathname = '/b'; url.searchParams.append('y', '2'); url.href"));
            Assert.Equal("[ true, [ 'one', 'aborted' ] ]", shell.Eval("ac.abort(); [ac.signal.aborted, heard]"));
            Assert.Equal("'€'", shell.Eval("td.decode(new Uint8Array([0xac]))"));
            Assert.Equal("true", shell.Eval("require('events') === EventEmitter"));
            // Then from a checkpoint holding all of it.
            shell.Send(".checkpoint");
            DateTime deadline = DateTime.UtcNow + Kenshell.DefaultTimeout;
            while (!Directory.EnumerateFiles(_project.Store, $"ken_{StoreDirectory.Address}_ckpt_*").Any(f => !f.EndsWith("_ckpt_0", StringComparison.Ordinal)))
            {
                Assert.True(DateTime.UtcNow < deadline, $"no checkpoint after .checkpoint\n{shell.Stderr}");
                Thread.Sleep(50);
            }
            Thread.Sleep(200);
            shell.Kill9();
        }
        using (Kenshell shell = _project.Start())
        {
            shell.WaitForStderr("restored turn");
            Assert.DoesNotContain("diverged", shell.Stderr, StringComparison.Ordinal);
            Assert.Equal("[ 2, 'two', 'https://example.com/b?x=1&y=2' ]",
                shell.Eval("em.emit('msg', 'two'); [em.listenerCount('msg') + 1, heard[2], url.href]"));
            Assert.Equal("<Buffer 68 c3 a9 6c 6c 6f>", shell.Eval("buf"));
            Assert.Equal(random, shell.Eval("rnd"));
        }
    }

    public void Dispose() => _project.Dispose();
}
