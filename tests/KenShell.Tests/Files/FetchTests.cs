using KenShell.Tests.Support;
using Mono.Unix.Native;
using Xunit;

namespace KenShell.Tests.Files;

/// <summary>
/// fetch (issue #15) against a real HTTP server on the loopback interface:
/// the request is an output (sent once its turn is durable, never by a
/// rolled-back turn), the response an input arriving as a logged turn of its
/// own (it survives kill -9 and replays without the server), and a request
/// committed but unanswered at a kill is sent again after the restart with
/// the same Idempotency-Key.
/// </summary>
public sealed class FetchTests : IDisposable
{
    private readonly StoreDirectory _dir = new();
    private readonly LoopbackHttpServer _server = new();

    private static readonly Dictionary<string, string> ReplayAll = new() { ["KENSHELL_CHECKPOINT_EVERY"] = "100000" };

    [Fact]
    public void AwaitedFetchReturnsTheBodyAndTheValueSurvivesKillWithoutTheServer()
    {
        _server.Handler = r => r.Path == "/x.json" ? (200, "application/json", "{\"a\": 41}", null) : (404, "text/plain", "no", null);
        using (var shell = Kenshell.Start(_dir.Path, StoreDirectory.Address, [], ReplayAll))
        {
            Assert.Equal("200", shell.Eval($"const r = await fetch('{_server.Url("/x.json")}'); r.status"));
            Assert.Equal("{ a: 41 }", shell.Eval("var v = await r.json(); v"));
            Assert.Equal("[ true, 'application/json', 404, 'no' ]", shell.Eval(
                $"const n = await fetch('{_server.Url("/missing")}'); [r.ok, r.headers.get('content-type'), n.status, await n.text()]"));
            shell.Kill9();
        }
        _server.Dispose();
        KenshellResult after = Kenshell.RunWith(ReplayAll, _dir.Path, "v.a + 1\n");
        Assert.DoesNotContain("diverged", after.Stderr);
        Assert.Contains("replayed from the log", after.Stderr);
        Assert.Equal(["42"], after.StdoutLines);
        Assert.Equal(2, _server.Requests.Count); // replay sent nothing
    }

    [Fact]
    public void ARequestInFlightAtAKillIsSentAgainWithTheSameKeyAndItsResponseArrivesAsATurn()
    {
        int calls = 0;
        _server.Handler = _ => Interlocked.Increment(ref calls) == 1 ? null : (200, "text/plain", "second try", null);
        using (var shell = Kenshell.Start(_dir.Path))
        {
            Assert.Equal("'sent'", shell.Eval($"var got = null; fetch('{_server.Url("/slow")}', {{ method: 'POST', body: JSON.stringify({{ n: 1 }}) }}).then(r => r.text()).then(t => got = t); 'sent'"));
            _server.WaitForRequests(1, TimeSpan.FromSeconds(30));
            shell.Kill9();
        }
        using (var shell = Kenshell.Start(_dir.Path))
        {
            shell.WaitForValue("got", "'second try'", TimeSpan.FromSeconds(30));
            shell.CloseInput();
            shell.WaitForExit(Kenshell.DefaultTimeout);
        }
        LoopbackHttpServer.Seen[] seen = _server.Requests.ToArray();
        Assert.Equal(2, seen.Length);
        Assert.All(seen, s => Assert.Equal(("POST", "/slow", "{\"n\":1}", "text/plain;charset=UTF-8"), (s.Method, s.Path, s.Body, s.ContentType)));
        Assert.NotNull(seen[0].IdempotencyKey);
        Assert.Equal(seen[0].IdempotencyKey, seen[1].IdempotencyKey);
    }

    [Fact]
    public void ARolledBackTurnSendsNothing()
    {
        using var shell = Kenshell.Start(_dir.Path);
        shell.Send($"fetch('{_server.Url("/never")}'); for (;;) {{}}");
        shell.WaitUntilBusy(TimeSpan.FromMilliseconds(300));
        shell.Signal(Signum.SIGINT);
        shell.WaitForStderr("rolled back");
        Assert.Equal("1", shell.Eval("1"));
        Thread.Sleep(300);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public void RedirectsHeadersBodiesAndErrorsAsNodesFetch()
    {
        _server.Handler = r => r.Path switch
        {
            "/from" => (302, "text/plain", "", new Dictionary<string, string> { ["Location"] = "/to" }),
            "/to" => (200, "text/plain", "arrived", new Dictionary<string, string> { ["X-Test"] = "yes" }),
            _ => (200, "application/json", $"{{\"method\":\"{r.Method}\",\"body\":{System.Text.Json.JsonSerializer.Serialize(r.Body)}}}", null),
        };
        KenshellResult r = Kenshell.Run(_dir.Path, string.Join("\n",
            $"const a = await fetch('{_server.Url("/from")}'); [a.status, a.redirected, a.url.endsWith('/to'), a.headers.get('x-test'), await a.text()]",
            $"const m = await fetch('{_server.Url("/from")}', {{ redirect: 'manual' }}); [m.status, m.headers.get('location')]",
            $"await (await fetch(new Request('{_server.Url("/echo")}', {{ method: 'PUT', body: Uint8Array.of(104, 105), headers: {{ 'X-A': '1' }} }}))).json()",
            "await fetch('http://127.0.0.1:1/').catch(e => [e.name, e.message, e.cause.code])",
            "await fetch('nope').catch(e => [e.name, e.message])",
            "const ab = new AbortController(); ab.abort(); await fetch('http://127.0.0.1:1/', { signal: ab.signal }).catch(e => e.name)",
            "new Headers({ 'B': '2', a: '1' }).get('b') + [...new Headers([['z', '1'], ['a', '2']]).keys()].join()",
            ""));
        Assert.Equal(0, r.ExitCode);
        Assert.Equal([
            "[ 200, true, true, 'yes', 'arrived' ]",
            "[ 302, '/to' ]",
            "{ method: 'PUT', body: 'hi' }",
            "[ 'TypeError', 'fetch failed', 'ECONNREFUSED' ]",
            "[ 'TypeError', 'Failed to parse URL from nope' ]",
            "'AbortError'",
            "'2a,z'",
        ], r.StdoutLines);
    }

    [Fact]
    public void BlobAndFormDataBodiesAndBlobFormDataAndCloneReadersAsNodesFetch()
    {
        _server.Handler = r => (200, "application/json",
            System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["ct"] = r.ContentType ?? "", ["body"] = r.Body }), null);
        KenshellResult r = Kenshell.Run(_dir.Path, string.Join("\n",
            $"var e1 = await (await fetch('{_server.Url("/blob")}', {{ method: 'POST', body: new Blob(['h\u00e9'], {{ type: 'Text/X' }}) }})).json(); [e1.ct, e1.body]",
            "const fd = new FormData(); fd.append('a', 'l1\\nl2'); fd.append('f', new Blob(['xyz'], { type: 'text/plain' }), 'f.txt'); fd.append('g', new Blob(['q'])); [fd.get('f').name, fd.get('g').name, fd.has('a'), fd.get('zz'), fd.getAll('a').length]",
            $"var e2 = await (await fetch('{_server.Url("/form")}', {{ method: 'POST', body: fd }})).json(); const b = e2.ct.slice(e2.ct.indexOf('boundary=') + 9); [e2.ct.startsWith('multipart/form-data; boundary=----formdata-undici-0'), e2.body.split(b).length]",
            "[e2.body.includes('Content-Disposition: form-data; name=\"a\"\\r\\n\\r\\nl1\\r\\nl2\\r\\n'), e2.body.includes('name=\"f\"; filename=\"f.txt\"\\r\\nContent-Type: text/plain\\r\\n\\r\\nxyz\\r\\n'), e2.body.includes('name=\"g\"; filename=\"blob\"\\r\\nContent-Type: application/octet-stream\\r\\n\\r\\nq\\r\\n'), e2.body.endsWith(b + '--\\r\\n')]",
            "const bl = await new Response('hi', { headers: { 'content-type': 'Text/Plain' } }).blob(); [bl.size, bl.type, await bl.text()]",
            "const f2 = await new Response('a=1&b=x+y%21&a=2&c', { headers: { 'content-type': 'application/x-www-form-urlencoded' } }).formData(); [[...f2].join(';'), f2.getAll('a')]",
            "await new Response('x').formData().catch(e => e.message)",
            "const c = new Response('abc'); const c2 = c.clone(); [await c.text(), await c2.text(), (() => { try { c.clone() } catch (e) { return e.name } })()]",
            "const q = new Request('http://x/', { method: 'POST', body: 'b' }); [await q.clone().text(), await q.text()]",
            ""));
        Assert.Equal(0, r.ExitCode);
        Assert.Equal([
            "[ 'text/x', 'hé' ]",
            "[ 'f.txt', 'blob', true, null, 1 ]",
            "[ true, 5 ]",
            "[ true, true, true, true ]",
        ], r.StdoutLines.Take(4));
        Assert.Equal([
            "[ 2, 'text/plain', 'hi' ]",
            "[ 'a,1;b,x y!;a,2;c,', [ '1', '2' ] ]",
            "'Content-Type was not one of \"multipart/form-data\" or \"application/x-www-form-urlencoded\".'",
            "[ 'abc', 'abc', 'TypeError' ]",
            "[ 'b', 'b' ]",
        ], r.StdoutLines.Skip(r.StdoutLines.Length - 5));
    }

    public void Dispose()
    {
        _server.Dispose();
        _dir.Dispose();
    }
}
