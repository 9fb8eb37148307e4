using System.Globalization;
using System.Net;
using System.Text;
using ActorProxy.Runtime.Http;
using static ActorProxy.Runtime.Samples.SampleArgKind;

namespace ActorProxy.Runtime.Samples;

/// <summary>
/// The built-in sample fetches, with HAProxy 2.6's names, types and arguments
/// (configuration.txt section 7.3). A name that is not here is refused when the configuration
/// is read.
/// </summary>
public static class SampleFetches
{
    private static readonly SampleArgSpec HeaderArgs = new(0, Str, SInt);
    private static readonly SampleArgSpec OneName = new(0, Str);

    private static readonly Dictionary<string, SampleFetchDefinition> s_byName = new(StringComparer.Ordinal);
    private static readonly Dictionary<string, SampleFetchDefinition> s_byLuaName = new(StringComparer.Ordinal);

    static SampleFetches()
    {
        // Internal (7.3.2)
        Add("always_true", SampleType.Bool, SampleArgSpec.None, SampleDirection.Any, (_, _) => true);
        Add("always_false", SampleType.Bool, SampleArgSpec.None, SampleDirection.Any, (_, _) => false);
        Add("str", SampleType.Str, new(1, Str), SampleDirection.Any, (_, a) => a.Text(0));
        Add("int", SampleType.SInt, new(1, SInt), SampleDirection.Any, (_, a) => a.Number(0));
        Add("bool", SampleType.Bool, new(1, SInt), SampleDirection.Any, (_, a) => a.Number(0) != 0);
        Add("env", SampleType.Str, new(1, Str), SampleDirection.Any, (_, a) => Environment.GetEnvironmentVariable(a.Text(0)));
        Add("date", SampleType.SInt, new(0, SInt, Str), SampleDirection.Any, (_, a) => Date(a),
            check: a => a.Text(1) is "" or "s" or "ms" or "us" ? null : $"unit '{a.Text(1)}' is not s, ms or us");
        Add("rand", SampleType.SInt, new(0, SInt), SampleDirection.Any,
            (_, a) => a.Has(0) ? (long)(((ulong)(uint)Random.Shared.Next() * (ulong)a.Number(0)) >> 31) : (long)(uint)Random.Shared.Next());
        Add("uuid", SampleType.Str, new(0, SInt), SampleDirection.Any, (_, _) => Guid.NewGuid().ToString(),
            check: a => a.Number(0, 4) == 4 ? null : "only UUID version 4 is supported");
        Add("hostname", SampleType.Str, SampleArgSpec.None, SampleDirection.Any, (_, _) => Dns.GetHostName());
        Add("thread", SampleType.SInt, SampleArgSpec.None, SampleDirection.Any, (x, _) => (long)x.Thread);
        Add("var", SampleType.Any, new(1, Var), SampleDirection.Any, (x, a) => x.Variables.TryGetValue(a.Text(0), out var value) ? value : null);

        // Layer 4 (7.3.3)
        Add("src", SampleType.Ip, SampleArgSpec.None, SampleDirection.Any, (x, _) => Address(x.ClientAddress));
        Add("src_port", SampleType.SInt, SampleArgSpec.None, SampleDirection.Any, (x, _) => (long)x.ClientPort);
        Add("dst", SampleType.Ip, SampleArgSpec.None, SampleDirection.Any, (x, _) => Address(x.LocalAddress));
        Add("dst_port", SampleType.SInt, SampleArgSpec.None, SampleDirection.Any, (x, _) => (long)x.LocalPort);
        Add("fe_name", SampleType.Str, SampleArgSpec.None, SampleDirection.Any, (x, _) => x.Frontend);
        // HAProxy refuses the backend's name in a frontend's request rules: none is chosen yet.
        Add("be_name", SampleType.Str, SampleArgSpec.None, SampleDirection.Response, (x, _) => x.Backend);
        // SSL/TLS of the client's connection (7.3.4): ssl_fc is false in clear text, the others have no sample.
        Add("ssl_fc", SampleType.Bool, SampleArgSpec.None, SampleDirection.Any, (x, _) => x.Tls is not null);
        Add("ssl_fc_protocol", SampleType.Str, SampleArgSpec.None, SampleDirection.Any, (x, _) => x.Tls?.Protocol);
        Add("ssl_fc_sni", SampleType.Str, SampleArgSpec.None, SampleDirection.Any, (x, _) => x.Tls?.ServerName);
        Add("ssl_fc_has_sni", SampleType.Bool, SampleArgSpec.None, SampleDirection.Any, (x, _) => x.Tls?.ServerName is not null);
        Add("ssl_fc_alpn", SampleType.Str, SampleArgSpec.None, SampleDirection.Any, (x, _) => x.Tls?.ApplicationProtocol);
        // The client's certificate: a handshake whose certificate fails its check is aborted, so
        // one that got this far was verified (ssl_c_verify 0, X509_V_OK).
        Add("ssl_c_used", SampleType.Bool, SampleArgSpec.None, SampleDirection.Any, (x, _) => x.Tls?.ClientSubject is not null);
        Add("ssl_c_verify", SampleType.SInt, SampleArgSpec.None, SampleDirection.Any, (x, _) => x.Tls is null ? null : 0L);
        Add("ssl_c_s_dn", SampleType.Str, SampleArgSpec.None, SampleDirection.Any, (x, _) => x.Tls?.ClientSubject);
        Add("ssl_c_i_dn", SampleType.Str, SampleArgSpec.None, SampleDirection.Any, (x, _) => x.Tls?.ClientIssuer);
        // Whether the stream is HTTP: always, where HTTP rules run; TCP rules cannot use it yet.
        Add("req.proto_http", SampleType.Bool, SampleArgSpec.None, SampleDirection.Http, (_, _) => true);

        // Layer 7 (7.3.6): the request line
        Add("method", SampleType.Str, SampleArgSpec.None, SampleDirection.Http, (x, _) => x.Method);
        Add("path", SampleType.Str, SampleArgSpec.None, SampleDirection.Request, (x, _) => x.Path);
        Add("query", SampleType.Str, SampleArgSpec.None, SampleDirection.Request, (x, _) => x.Query);
        Add("url", SampleType.Str, SampleArgSpec.None, SampleDirection.Request, (x, _) => x.Url);
        Add("pathq", SampleType.Str, SampleArgSpec.None, SampleDirection.Request, (x, _) => x.Url);
        Add("base", SampleType.Str, SampleArgSpec.None, SampleDirection.Request,
            (x, _) => HeaderValues.Occurrence(HeaderValues.Of(x.RequestHeaders, "host", split: true), 1) + x.Path);
        Add("req.ver", SampleType.Str, SampleArgSpec.None, SampleDirection.Request, (x, _) => Version(x.Version));
        Alias("req_ver", "req.ver");
        Add("status", SampleType.SInt, SampleArgSpec.None, SampleDirection.Response, (x, _) => x.Status == 0 ? null : (long)x.Status);
        Add("urlp", SampleType.Str, new(0, Str, Str), SampleDirection.Request,
            (x, a) => QueryParameters(x, a).FirstOrDefault(), (x, a) => QueryParameters(x, a));
        Alias("url_param", "urlp");

        // Layer 7: headers, in the request and in the response
        foreach (bool response in new[] { false, true })
        {
            string prefix = response ? "res." : "req.";
            var direction = response ? SampleDirection.Response : SampleDirection.Request;
            Func<HttpExchange, HttpHeaders> headers = response ? x => x.ResponseHeaders : x => x.RequestHeaders;
            AddHeaderFetches(prefix + "hdr", prefix + "fhdr", headers, direction);
            Add(prefix + "hdr_cnt", SampleType.SInt, OneName, direction,
                (x, a) => (long)HeaderValues.Of(headers(x), Name(a), split: true).Count());
            Add(prefix + "fhdr_cnt", SampleType.SInt, OneName, direction,
                (x, a) => (long)HeaderValues.Of(headers(x), Name(a), split: false).Count());
            Add(prefix + "hdr_ip", SampleType.Ip, HeaderArgs, direction,
                (x, a) => HeaderIp(Occurrence(headers(x), a, split: true)), (x, a) => Each(headers(x), a, split: true, HeaderIp));
            Add(prefix + "hdr_val", SampleType.SInt, HeaderArgs, direction,
                (x, a) => HeaderInteger(Occurrence(headers(x), a, split: true)), (x, a) => Each(headers(x), a, split: true, HeaderInteger));
            Add(prefix + "cook", SampleType.Str, OneName, direction,
                (x, a) => CookieValue(headers(x), a, response), (x, a) => HeaderValues.Cookies(headers(x), a.Text(0), response));
            Add(prefix + "cook_cnt", SampleType.SInt, OneName, direction,
                (x, a) => (long)HeaderValues.Cookies(headers(x), a.Text(0), response).Count());
        }
        Add("req.hdrs", SampleType.Bin, SampleArgSpec.None, SampleDirection.Request, (x, _) => Encoding.UTF8.GetBytes(HeaderBlock(x.RequestHeaders)));
        // hdr reads the message being processed: the request's headers in request rules, the
        // response's in response rules (smp_fetch_chn_hdr).
        Func<HttpExchange, HttpHeaders> current = x => x.InResponse ? x.ResponseHeaders : x.RequestHeaders;
        Add("hdr", SampleType.Str, HeaderArgs, SampleDirection.Http,
            (x, a) => Occurrence(current(x), a, split: true), (x, a) => Each(current(x), a, split: true, v => v));

        // The start of the request body, read before the rules when one of these is used (what
        // HAProxy's buffer holds); body_size is the advertised length, as HAProxy's.
        AddBody("req.body", SampleType.Bin, SampleArgSpec.None, (x, _) => x.RequestBody);
        AddBody("req.body_len", SampleType.SInt, SampleArgSpec.None, (x, _) => (long)x.RequestBody.Length);
        AddBody("req.body_size", SampleType.SInt, SampleArgSpec.None, (x, _) => AdvertisedLength(x) ?? x.RequestBody.Length);
        AddBody("req.body_param", SampleType.Bin, OneName, (x, a) => BodyParameters(x, a).FirstOrDefault(), (x, a) => BodyParameters(x, a));
        // The short names HAProxy keeps for the request ones.
        foreach (string name in new[] { "fhdr", "hdr_cnt", "fhdr_cnt", "hdr_ip", "hdr_val", "cook", "cook_cnt" })
        {
            Alias(name, "req." + name);
        }
        Alias("shdr", "res.hdr");
        Alias("scook", "res.cook");
        foreach (var payload in PayloadFetches.Fetches())
        {
            s_byName.Add(payload.Name, payload);
        }
        foreach (var stick in Stick.StickSamples.Fetches())
        {
            s_byName.Add(stick.Name, stick);
        }
        foreach (var (name, fetch) in s_byName)
        {
            s_byLuaName.TryAdd(name.Replace('.', '_'), fetch);
        }
    }

    /// <summary>The fetch called <paramref name="name"/>, or null.</summary>
    public static SampleFetchDefinition? Find(string name) => s_byName.GetValueOrDefault(name);

    /// <summary>The fetch Lua calls <paramref name="luaName"/> (<c>txn.f:req_hdr</c> is
    /// <c>req.hdr</c>: HAProxy's Lua names have underscores for dots), or null.</summary>
    public static SampleFetchDefinition? FindLuaName(string luaName) => s_byLuaName.GetValueOrDefault(luaName);

    /// <summary>Every fetch name, aliases included.</summary>
    public static IEnumerable<string> Names => s_byName.Keys;

    private static void Add(string name, SampleType output, SampleArgSpec args, SampleDirection direction,
        Func<HttpExchange, SampleArgs, object?> fetch, Func<HttpExchange, SampleArgs, IEnumerable<object>>? each = null,
        Func<SampleArgs, string?>? check = null) =>
        s_byName.Add(name, new SampleFetchDefinition(name, output, args, direction, fetch, each) { Check = check });

    private static void AddBody(string name, SampleType output, SampleArgSpec args, Func<HttpExchange, SampleArgs, object?> fetch,
        Func<HttpExchange, SampleArgs, IEnumerable<object>>? each = null, Func<SampleArgs, string?>? check = null) =>
        s_byName.Add(name, new SampleFetchDefinition(name, output, args, SampleDirection.Request, fetch, each) { Check = check, NeedsBody = true });

    private static long? AdvertisedLength(HttpExchange exchange) =>
        long.TryParse(exchange.RequestHeaders.GetLast("content-length"), NumberStyles.None, CultureInfo.InvariantCulture, out long length) ? length : null;

    // req.body_param([name]): the body as a form, "a=1&b=2", values not decoded.
    private static IEnumerable<object> BodyParameters(HttpExchange exchange, SampleArgs args) =>
        HeaderValues.QueryParameters(SampleValue.BytesToString(exchange.RequestBody), args.Text(0), null).Select(v => (object)Encoding.UTF8.GetBytes(v));

    private static void Alias(string alias, string name) => s_byName.Add(alias, s_byName[name]);

    private static void AddHeaderFetches(string hdr, string fhdr, Func<HttpExchange, HttpHeaders> headers, SampleDirection direction)
    {
        // hdr splits a line at its commas, fhdr takes whole lines; with no occurrence a sample
        // expression takes the last value and an ACL tries every one.
        Add(hdr, SampleType.Str, HeaderArgs, direction,
            (x, a) => Occurrence(headers(x), a, split: true), (x, a) => Each(headers(x), a, split: true, v => v));
        Add(fhdr, SampleType.Str, HeaderArgs, direction,
            (x, a) => Occurrence(headers(x), a, split: false), (x, a) => Each(headers(x), a, split: false, v => v));
    }

    private static string? Name(SampleArgs args) => args.Has(0) && args.Text(0).Length > 0 ? args.Text(0) : null;

    private static string? Occurrence(HttpHeaders headers, SampleArgs args, bool split) =>
        HeaderValues.Occurrence(HeaderValues.Of(headers, Name(args), split), args.Number(1));

    private static IEnumerable<object> Each(HttpHeaders headers, SampleArgs args, bool split, Func<string, object?> convert)
    {
        if (args.Has(1) && args.Number(1) != 0)
        {
            if (Occurrence(headers, args, split) is { } one && convert(one) is { } value)
            {
                yield return value;
            }
            yield break;
        }
        foreach (string line in HeaderValues.Of(headers, Name(args), split))
        {
            if (convert(line) is { } value)
            {
                yield return value;
            }
        }
    }

    // hdr_ip: an IPv4 address (possibly followed by a port) or an IPv6 address.
    private static object? HeaderIp(string? value)
    {
        if (value is null)
        {
            return null;
        }
        if (IPAddress.TryParse(value, out var address))
        {
            return address;
        }
        int colon = value.LastIndexOf(':');
        return colon > 0 && IPAddress.TryParse(value.AsSpan(0, colon), out address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
            ? address
            : null;
    }

    // hdr_val: the value's leading integer (strl2ic).
    private static object? HeaderInteger(string? value) => value is null ? null : SampleValue.ReadInt64(value, out _);

    // req.cook(name): the last cookie of that name; with no name, the first cookie.
    private static object? CookieValue(HttpHeaders headers, SampleArgs args, bool response)
    {
        string name = args.Text(0);
        return name.Length == 0
            ? HeaderValues.Cookies(headers, name, response).FirstOrDefault()
            : HeaderValues.Cookies(headers, name, response).LastOrDefault();
    }

    private static IEnumerable<object> QueryParameters(HttpExchange exchange, SampleArgs args) =>
        HeaderValues.QueryParameters(exchange.Query, args.Text(0), args.Text(1) is [var delimiter] ? delimiter : null);

    // req.hdrs: the header block as HAProxy rebuilds it, names in lower case, ending with the empty line.
    private static string HeaderBlock(HttpHeaders headers)
    {
        var block = new System.Text.StringBuilder();
        foreach (var (name, value) in headers.Fields)
        {
            block.Append(name.ToLowerInvariant()).Append(": ").Append(value).Append("\r\n");
        }
        return block.Append("\r\n").ToString();
    }

    private static object? Date(SampleArgs args)
    {
        long offset = args.Number(0);
        var now = DateTimeOffset.UtcNow;
        return args.Text(1) switch
        {
            "ms" => now.ToUnixTimeMilliseconds() + offset,
            "us" => (now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10 + offset,
            _ => now.ToUnixTimeSeconds() + offset,
        };
    }

    private static string Version(string protocol) => protocol.StartsWith("HTTP/", StringComparison.Ordinal) ? protocol[5..] switch
    {
        "2" => "2.0",
        "3" => "3.0",
        var version => version,
    } : protocol;

    private static IPAddress? Address(string text) =>
        IPAddress.TryParse(text, out var address) ? (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address) : null;
}
