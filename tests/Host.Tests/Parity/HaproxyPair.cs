using System.Net;
using System.Text;
using ActorProxy.Host.Tests.DataPlane;

namespace ActorProxy.Host.Tests.Parity;

/// <summary>
/// HAProxy 2.6 (installed by scripts/test.sh) and ActorProxy side by side, each with one frontend
/// per <see cref="ParityCase"/>, the same Lua file, and the same origin behind them (a
/// <see cref="TestBackend"/>, which answers with the request it received).
/// </summary>
public sealed class HaproxyPair : IAsyncLifetime
{
    // Headers that tell the two servers apart by design, not by behaviour.
    private static readonly HashSet<string> Ignored = new(StringComparer.OrdinalIgnoreCase)
    {
        "date", "server", "connection", "keep-alive", "transfer-encoding", "content-length",
    };

    private readonly DirectoryInfo _directory = System.IO.Directory.CreateTempSubdirectory("actorproxy-parity");
    private readonly HttpClient _client = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false })
    {
        Timeout = TimeSpan.FromSeconds(10),
    };
    private readonly Dictionary<string, (int HaproxyPort, int ActorProxyPort)> _ports = [];
    private TestBackend _origin = null!;
    // A second backend, for the cases that choose between two (use_backend).
    private TestBackend _second = null!;
    private HaproxyProcess _haproxy = null!;
    private ActorProxyProcess _actorProxy = null!;

    /// <summary>The folder of the configurations, where pattern files go too.</summary>
    public string Directory => _directory.FullName;

    public async Task InitializeAsync()
    {
        _origin = await TestBackend.StartAsync("origin");
        _second = await TestBackend.StartAsync("second");
        foreach (var (name, text) in HaproxyParityCases.Files)
        {
            // $ORIGIN is the origin's address, $CLOSED one where nothing listens (Lua's HTTP client).
            await File.WriteAllTextAsync(Path.Combine(Directory, name), text.Replace("$DIR", Directory, StringComparison.Ordinal)
                .Replace("$ORIGIN", $"127.0.0.1:{_origin.Port}", StringComparison.Ordinal)
                .Replace("$CLOSED", $"127.0.0.1:{TestBackend.FreePort()}", StringComparison.Ordinal));
        }
        foreach (var @case in HaproxyParityCases.All)
        {
            _ports.Add(@case.Name, (TestBackend.FreePort(), TestBackend.FreePort()));
        }
        string haproxyConfig = Path.Combine(Directory, "haproxy.cfg");
        await File.WriteAllTextAsync(haproxyConfig, HaproxyConfig());
        string actorProxyConfig = Path.Combine(Directory, "actorproxy.conf");
        await File.WriteAllTextAsync(actorProxyConfig, ActorProxyConfig());

        _actorProxy = ActorProxyProcess.Start("run", "-f", actorProxyConfig);
        await _actorProxy.WaitForOutputAsync("ActorProxy running");
        _haproxy = await HaproxyProcess.StartAsync(haproxyConfig, [.. _ports.Values.Select(p => p.HaproxyPort)]);
    }

    public async Task DisposeAsync()
    {
        await _haproxy.DisposeAsync();
        await _actorProxy.StopAsync();
        await _origin.DisposeAsync();
        await _second.DisposeAsync();
        _client.Dispose();
        _directory.Delete(recursive: true);
    }

    /// <summary>Sends the case's request to one of the proxies; the answer as text to compare:
    /// status, reason, the header fields (sorted by name, values in order), the body.</summary>
    public async Task<string> SendAsync(ParityCase @case, bool haproxy)
    {
        string answer = "";
        for (int i = 0; i < @case.Times; i++)
        {
            answer = await SendOnceAsync(@case, haproxy);
        }
        return answer;
    }

    private async Task<string> SendOnceAsync(ParityCase @case, bool haproxy)
    {
        var (haproxyPort, actorProxyPort) = _ports[@case.Name];
        if (@case.Raw is not null)
        {
            return await SendRawAsync(@case.Raw, haproxy ? haproxyPort : actorProxyPort);
        }
        using var request = new HttpRequestMessage(new HttpMethod(@case.Method),
            new Uri($"http://127.0.0.1:{(haproxy ? haproxyPort : actorProxyPort)}{@case.Path}"));
        request.Headers.Host = "parity.test";
        request.Headers.ConnectionClose = @case.NewConnections;
        if (@case.Body is not null)
        {
            request.Content = new StringContent(@case.Body, Encoding.UTF8, "application/x-www-form-urlencoded");
        }
        foreach (var (name, value) in @case.Headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        HttpResponseMessage response;
        try
        {
            response = await _client.SendAsync(request);
        }
        catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ResponseEnded)
        {
            return "(connection closed with no answer)";
        }
        using var answered = response;
        var answer = new StringBuilder();
        answer.Append((int)response.StatusCode).Append(' ').Append(response.ReasonPhrase).Append('\n');
        var fields = response.Headers.Concat(response.Content.Headers)
            .Where(h => !Ignored.Contains(h.Key))
            .OrderBy(h => h.Key.ToLowerInvariant(), StringComparer.Ordinal);
        foreach (var (name, values) in fields)
        {
            answer.Append(name.ToLowerInvariant()).Append(": ").Append(string.Join(" | ", values)).Append('\n');
        }
        answer.Append('\n').Append(OriginFieldsSorted(await response.Content.ReadAsStringAsync()));
        return answer.ToString();
    }

    // A request as bytes on the wire; the answer read to the connection's end, in the same form
    // as SendOnceAsync gives.
    private static async Task<string> SendRawAsync(string raw, int port)
    {
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(raw));
        using var received = new MemoryStream();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await stream.CopyToAsync(received, limit.Token);
        }
        catch (IOException)
        {
            // Reset after the answer: what came is compared.
        }
        string text = Encoding.Latin1.GetString(received.ToArray());
        if (text.Length == 0)
        {
            return "(connection closed with no answer)";
        }
        // Each answer on the connection in turn, its body unframed (chunk sizes are not compared).
        var answers = new List<string>();
        while (text.Length > 0)
        {
            int end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end < 0 || !text.StartsWith("HTTP/", StringComparison.Ordinal))
            {
                answers.Add($"(not an HTTP answer: {text})");
                break;
            }
            string[] head = text[..end].Split("\r\n");
            string[] status = head[0].Split(' ', 3);
            var answer = new StringBuilder().Append(status[1]).Append(' ').Append(status.Length > 2 ? status[2] : "").Append('\n');
            var fields = head[1..].Select(line => (Name: line[..line.IndexOf(':', StringComparison.Ordinal)].ToLowerInvariant(), Value: line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim()))
                .ToList();
            foreach (var field in fields.Where(f => !Ignored.Contains(f.Name)).GroupBy(f => f.Name).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                answer.Append(field.Key).Append(": ").Append(string.Join(" | ", field.Select(f => f.Value))).Append('\n');
            }
            (string body, text) = SplitBody(text[(end + 4)..], fields);
            answers.Add(answer.Append('\n').Append(OriginFieldsSorted(body)).ToString());
        }
        return string.Join("\n---\n", answers);
    }

    // An answer's body by its framing (Content-Length, chunked, or to the end), and what follows it.
    private static (string Body, string After) SplitBody(string text, List<(string Name, string Value)> fields)
    {
        if (fields.Any(f => f.Name == "transfer-encoding" && f.Value.Contains("chunked", StringComparison.OrdinalIgnoreCase)))
        {
            var body = new StringBuilder();
            int at = 0;
            while (true)
            {
                int line = text.IndexOf("\r\n", at, StringComparison.Ordinal);
                if (line < 0)
                {
                    return (body.Append(text[at..]).ToString(), "");
                }
                int size = Convert.ToInt32(text[at..line].Split(';')[0].Trim(), 16);
                if (size == 0)
                {
                    int trailersEnd = text.IndexOf("\r\n\r\n", line, StringComparison.Ordinal);
                    return (body.ToString(), trailersEnd < 0 ? "" : text[(trailersEnd + 4)..]);
                }
                int data = line + 2;
                body.Append(text.AsSpan(data, Math.Min(size, text.Length - data)));
                at = Math.Min(text.Length, data + size + 2);
            }
        }
        if (fields.FirstOrDefault(f => f.Name == "content-length").Value is { } length && int.TryParse(length, out int count) && count <= text.Length)
        {
            return (text[..count], text[count..]);
        }
        return (text, "");
    }

    // The origin's echo lists the fields it received; the order between fields of different
    // names is not kept by ASP.NET Core's header collections (docs/haproxy-compat.md), so they are
    // compared by name. The values of one name stay in order.
    private static string OriginFieldsSorted(string body)
    {
        string[] lines = body.Split('\n');
        if (lines.Length < 2 || !lines[1].StartsWith("x-backend: ", StringComparison.Ordinal))
        {
            return body;
        }
        return string.Join('\n', lines[..2].Concat(lines[2..].Where(l => l.Length > 0).Order(StringComparer.Ordinal))) + "\n";
    }

    private string HaproxyConfig()
    {
        var config = new StringBuilder($"""
            global
              lua-load {Path.Combine(Directory, "parity.lua")}
              tune.lua.session-timeout 300ms
              tune.lua.service-timeout 300ms
            defaults
              mode http
              timeout client 5s
              timeout http-request 1s
              timeout server 5s
              timeout connect 5s
            backend origin
              server s1 127.0.0.1:{_origin.Port}
            backend second
              server s1 127.0.0.1:{_second.Port}

            """);
        foreach (var @case in HaproxyParityCases.All)
        {
            config.Append($"frontend {FrontendName(@case)}\n  bind 127.0.0.1:{_ports[@case.Name].HaproxyPort}\n");
            foreach (string line in @case.Lines)
            {
                config.Append("  ").Append(line.Replace("$DIR", Directory, StringComparison.Ordinal)).Append('\n');
            }
            config.Append("  default_backend origin\n");
        }
        return config.ToString();
    }

    private string ActorProxyConfig()
    {
        var config = new StringBuilder($$"""
            actorproxy {
              global { threads = 2, lua-load = [ "parity.lua" ], tune.lua { session-timeout = 300ms, service-timeout = 300ms } }
              backends.origin { servers { s1 = "127.0.0.1:{{_origin.Port}}" } }
              backends.second { servers { s1 = "127.0.0.1:{{_second.Port}}" } }

            """);
        foreach (var @case in HaproxyParityCases.All)
        {
            config.Append($"  frontends.{FrontendName(@case)} {{\n    bind = \"127.0.0.1:{_ports[@case.Name].ActorProxyPort}\"\n");
            config.Append("    timeout { client = 5s, http-request = 1s }\n");
            foreach (var group in @case.Lines.Select(Split).GroupBy(l => l.Directive))
            {
                if (group.Key == "timeout")
                {
                    // "timeout http-keep-alive 300ms": a key of the frontend's timeout object, merged with the above.
                    config.Append($"    timeout {{ {string.Join(", ", group.Select(l => l.Text.Replace(' ', '=')))} }}\n");
                    continue;
                }
                string key = group.Key switch { "use_backend" => "use-backend", var other => other };
                config.Append($"    {key} = [ {string.Join(", ", group.Select(l => Quote(l.Text)))} ]\n");
            }
            config.Append("    default-backend = origin\n  }\n");
        }
        return config.Append("}\n").ToString();
    }

    private static string FrontendName(ParityCase @case) => "fe" + HaproxyParityCases.All.IndexOf(@case);

    private (string Directive, string Text) Split(string line)
    {
        int space = line.IndexOf(' ', StringComparison.Ordinal);
        return (line[..space], line[(space + 1)..].Replace("$DIR", Directory, StringComparison.Ordinal));
    }

    // A HOCON string holding exactly the text.
    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
