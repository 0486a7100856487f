using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using KenShell.Engine;

namespace KenShell.Shell;

/// <summary>
/// Connects the heap's fetch requests (prelude section 730-fetch.js) to
/// HTTP through .NET's HttpClient. A request is an output: it is sent only
/// after the turn that made it is durable (<see cref="AfterTurn"/>, on every
/// commit, sends what this process has not sent yet). Its response is an
/// input: it arrives on a worker thread, waits in a queue, and the shell's
/// loop delivers it as a turn of its own (<see cref="Poll"/>, hook
/// fetchSettle, logged with the response). Requests the heap still holds
/// at start — committed before a kill, unanswered — are sent again: at
/// least once, with the Idempotency-Key the request got when it was made.
/// </summary>
public sealed class FetchDriver : IDisposable
{
    /// <summary>A response body over this is refused: a turn's log record holds at most 256 MiB.</summary>
    private const long MaxBody = 64L << 20;

    private readonly TurnRunner _runner;
    // Made on the first request: most sessions never fetch, and a shell's
    // start should not pay for them.
    private HttpClient? _follow;
    private HttpClient? _manual;
    private readonly HashSet<long> _sent = new();
    private readonly ConcurrentQueue<string> _settled = new();
    private readonly CancellationTokenSource _stop = new();
    // At most this many requests on the wire at once (a restart may find
    // hundreds unanswered); the rest wait their turn, in order.
    private readonly SemaphoreSlim _wire = new(32);
    private int _inFlight;

    public FetchDriver(TurnRunner runner)
    {
        _runner = runner;
    }

    /// <summary>Requests sent and not yet delivered as a turn (the prompt waits for them as for a timer).</summary>
    public int InFlight => Volatile.Read(ref _inFlight) + _settled.Count;

    /// <summary>After every committed turn: sends the requests not sent yet by this process.</summary>
    public void AfterTurn()
    {
        string json = _runner.QueryText(RuntimeHooks.FetchPending);
        if (json.Length == 0) return;
        foreach (JsonNode? node in JsonNode.Parse(json)!.AsArray())
        {
            if (node is null) continue;
            long id = node["id"]!.GetValue<long>();
            if (!_sent.Add(id)) continue;
            _follow ??= new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = true, MaxAutomaticRedirections = 20 }) { Timeout = TimeSpan.FromMinutes(5) };
            _manual ??= new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromMinutes(5) };
            Interlocked.Increment(ref _inFlight);
            JsonNode request = node.DeepClone();
            _ = Task.Run(() => SendAsync(id, request));
        }
    }

    /// <summary>Delivers the responses that arrived, each as a turn. True if any was.</summary>
    public bool Poll()
    {
        bool any = false;
        while (_settled.TryDequeue(out string? json))
        {
            _runner.RunHook(RuntimeHooks.FetchSettle, json, out _);
            any = true;
        }
        return any;
    }

    private async Task SendAsync(long id, JsonNode request)
    {
        string result;
        try
        {
            await _wire.WaitAsync(_stop.Token).ConfigureAwait(false);
            try
            {
                result = await ExchangeAsync(id, request).ConfigureAwait(false);
            }
            finally
            {
                _wire.Release();
            }
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException or InvalidOperationException or UriFormatException or FormatException or NotSupportedException)
        {
            string code = e switch
            {
                HttpRequestException { InnerException: SocketException s } => SocketCode(s.SocketErrorCode),
                OperationCanceledException => "UND_ERR_HEADERS_TIMEOUT",
                _ => "UND_ERR",
            };
            result = new JsonObject { ["id"] = id, ["error"] = e.InnerException?.Message ?? e.Message, ["code"] = code }.ToJsonString();
        }
        if (_stop.IsCancellationRequested) return;
        _settled.Enqueue(result);
        Interlocked.Decrement(ref _inFlight);
    }

    private static string SocketCode(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => "ECONNREFUSED",
        SocketError.ConnectionReset => "ECONNRESET",
        SocketError.HostNotFound or SocketError.NoData => "ENOTFOUND",
        SocketError.TimedOut => "ETIMEDOUT",
        SocketError.NetworkUnreachable => "ENETUNREACH",
        _ => "UND_ERR_SOCKET",
    };

    private async Task<string> ExchangeAsync(long id, JsonNode request)
    {
        string url = request["url"]!.GetValue<string>();
        string redirect = request["redirect"]?.GetValue<string>() ?? "follow";
        using var message = new HttpRequestMessage(new HttpMethod(request["method"]!.GetValue<string>()), url);
        string? body = request["body"]?.GetValue<string>();
        if (body is not null) message.Content = new ByteArrayContent(Convert.FromBase64String(body));
        foreach (JsonNode? header in request["headers"]!.AsArray())
        {
            string name = header![0]!.GetValue<string>();
            string value = header[1]!.GetValue<string>();
            if (!message.Headers.TryAddWithoutValidation(name, value) && message.Content is not null)
                message.Content.Headers.TryAddWithoutValidation(name, value);
        }
        // The same key every time this request is sent (after a restart too).
        message.Headers.TryAddWithoutValidation("Idempotency-Key", request["key"]!.GetValue<string>());
        HttpClient client = (redirect == "follow" ? _follow : _manual)!;
        using HttpResponseMessage response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, _stop.Token).ConfigureAwait(false);
        int status = (int)response.StatusCode;
        if (redirect == "error" && status is >= 300 and < 400)
            throw new HttpRequestException("unexpected redirect");
        if (response.Content.Headers.ContentLength is > MaxBody)
            throw new HttpRequestException($"the response body is over {MaxBody >> 20} MiB, the most kenshell keeps in one turn's record");
        byte[] bytes = await response.Content.ReadAsByteArrayAsync(_stop.Token).ConfigureAwait(false);
        if (bytes.Length > MaxBody)
            throw new HttpRequestException($"the response body is over {MaxBody >> 20} MiB, the most kenshell keeps in one turn's record");
        var headers = new JsonArray();
        AddHeaders(headers, response.Headers);
        AddHeaders(headers, response.Content.Headers);
        string finalUrl = response.RequestMessage?.RequestUri?.ToString() ?? url;
        return new JsonObject
        {
            ["id"] = id,
            ["status"] = status,
            ["statusText"] = response.ReasonPhrase ?? "",
            ["headers"] = headers,
            ["url"] = finalUrl,
            ["redirected"] = finalUrl != url && new Uri(finalUrl) != new Uri(url),
            ["body"] = Convert.ToBase64String(bytes),
        }.ToJsonString();
    }

    private static void AddHeaders(JsonArray into, HttpHeaders headers)
    {
        foreach (var (name, values) in headers)
            foreach (string value in values) into.Add(new JsonArray(name.ToLowerInvariant(), value));
    }

    public void Dispose()
    {
        _stop.Cancel();
        _follow?.Dispose();
        _manual?.Dispose();
        _stop.Dispose();
    }
}
