using KenShell.Tests.Support;
using Xunit;

namespace KenShell.Tests.NodeLib;

/// <summary>
/// The built-in modules do not depend on the globals user code can replace
/// (the prelude's rule, as HostileBuiltinsTests checks it for the runtime):
/// with the globals they are built on replaced or deleted before their
/// first require, the modules still load and work, and still print as
/// Node. (Patched built-in prototypes, Array.prototype.push and the like,
/// are another matter: the vendored npm code is library code and uses
/// them, as any npm package does; README, "Vendored npm packages".)
/// </summary>
public sealed class NodeLibHostileGlobalsTests : IDisposable
{
    private readonly StoreDirectory _dir = new();

    [Theory]
    [InlineData("globalThis.Buffer = null; globalThis.URL = null; globalThis.URLSearchParams = 1")]
    [InlineData("delete globalThis.TextEncoder; delete globalThis.TextDecoder; globalThis.AbortController = globalThis.AbortSignal = null")]
    [InlineData("globalThis.setTimeout = globalThis.setImmediate = globalThis.setInterval = () => { throw new Error('timer') }")]
    [InlineData("globalThis.crypto = null; globalThis.EventTarget = globalThis.Event = null; globalThis.structuredClone = null")]
    [InlineData("globalThis.JSON = null; globalThis.Map = globalThis.Set = globalThis.WeakMap = null; globalThis.Uint8Array = null")]
    [InlineData("globalThis.process = { env: { NODE_DEBUG: 'util' } }; globalThis.Object = function () {}; globalThis.Array = null")]
    public void BuiltInModulesSurviveReplacedGlobals(string sabotage)
    {
        KenshellResult r = Kenshell.Run(_dir.Path, string.Join("\n",
            sabotage + "; 'sabotaged'",
            "require('buffer').Buffer.from('hi').toString('hex')",
            "require('path').join('/a', '../b')",
            "require('util').format('%s-%d', 'x', 7)",
            "new (require('url').URL)('https://h.com/p?q=1').searchParams.get('q')",
            "require('url').parse('http://a.com/x?y=1').query",
            "require('crypto').createHash('sha256').update('abc').digest('hex')",
            "new (require('string_decoder').StringDecoder)('utf8').write(require('buffer').Buffer.from('é'))",
            "require('querystring').stringify({ a: 1 })",
            "require('util').inspect(require('buffer').Buffer.from([1, 2]))",
            "'done'",
            ""));
        Assert.DoesNotContain("internal error", r.Stderr);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(
        [
            "'sabotaged'",
            "'6869'",
            "'/b'",
            "'x-7'",
            "'1'",
            "'y=1'",
            "'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'",
            "'é'",
            "'a=1'",
            "'<Buffer 01 02>'",
            "'done'",
        ], r.StdoutLines);
    }

    public void Dispose() => _dir.Dispose();
}
