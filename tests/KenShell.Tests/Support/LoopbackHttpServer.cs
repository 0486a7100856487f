using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace KenShell.Tests.Support;

/// <summary>
/// A real HTTP server on 127.0.0.1 (HttpListener) for the fetch tests. It
/// records every request (method, path, Idempotency-Key, body) and answers
/// with what <see cref="Handler"/> returns; a handler that returns null
/// holds the request unanswered (a response that never comes).
/// </summary>
public sealed class LoopbackHttpServer : IDisposable
{
    public sealed record Seen(string Method, string Path, string? IdempotencyKey, string? ContentType, string Body);

    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<HttpListenerContext> _held = new();

    public LoopbackHttpServer()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _ = Task.Run(Serve);
    }

    public int Port { get; }

    public string Url(string path) => $"http://127.0.0.1:{Port}{path}";

    public ConcurrentQueue<Seen> Requests { get; } = new();

    /// <summary>(request) -> (status, content type, body, extra headers), or null to hold it.</summary>
    public Func<Seen, (int Status, string ContentType, string Body, Dictionary<string, string>? Headers)?> Handler { get; set; } =
        _ => (200, "text/plain", "ok", null);

    private async Task Serve()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            string body;
            using (var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8)) body = await reader.ReadToEndAsync();
            var seen = new Seen(context.Request.HttpMethod, context.Request.Url!.PathAndQuery, context.Request.Headers["Idempotency-Key"],
                context.Request.ContentType, body);
            Requests.Enqueue(seen);
            var answer = Handler(seen);
            if (answer is not { } a)
            {
                lock (_held) _held.Add(context);
                continue;
            }
            context.Response.StatusCode = a.Status;
            context.Response.ContentType = a.ContentType;
            if (a.Headers is not null) foreach (var (k, v) in a.Headers) context.Response.Headers[k] = v;
            byte[] bytes = Encoding.UTF8.GetBytes(a.Body);
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> requests were received.</summary>
    public void WaitForRequests(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Requests.Count < count)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the server received {Requests.Count} requests, not {count}");
            Thread.Sleep(10);
        }
    }

    private bool _disposed;

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _stop.Cancel();
        lock (_held) foreach (var c in _held) c.Response.Abort();
        _listener.Close();
        _stop.Dispose();
    }
}
