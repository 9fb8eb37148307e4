using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ActorProxy.Host.Tests.Parity;

/// <summary>Issue #14, point 4: HAProxy's Channel class in a <c>tcp-request content</c> Lua action
/// (with <c>tcp-request inspect-delay</c>), the same script on HAProxy 2.6 and ActorProxy: a
/// getline that waits for its line, every read, edit, send and forward with their results and
/// errors, and what the server then receives (the output, then the input as the script left it).
/// Loaded per thread: a read that waits is refused in the shared state, which may be on another node.</summary>
public sealed class LuaChannelParityTests : IAsyncLifetime
{
    private const string Script = """
        core.register_action("inspect", { "tcp-req" }, function(txn)
          local req, out = txn.req, {}
          local function add(label, ok, ...)
            local values = {}
            for i = 1, select("#", ...) do values[#values + 1] = tostring((select(i, ...))) end
            out[#out + 1] = label .. (ok and "=" or "!") .. table.concat(values, ",")
          end
          local function try(label, f, ...) add(label, pcall(f, req, ...)) end
          try("getline", req.getline)
          try("input", req.input)
          try("output", req.output)
          try("is_resp", req.is_resp)
          try("is_full", req.is_full)
          try("may_recv", req.may_recv)
          try("data", req.data)
          try("data(1,3)", req.data, 1, 3)
          try("data(-2)", req.data, -2)
          try("data(2,0)", req.data, 2, 0)
          try("data(99)", req.data, 99)
          try("data(0,-5)", req.data, 0, -5)
          try("data(x)", req.data, "x")
          try("data(1.5)", req.data, 1.5)
          try("data(1,2,3)", req.data, 1, 2, 3)
          add("req:data(x)", pcall(function() local r = req:data("x") return r end))
          add("req:set({})", pcall(function() local r = req:set({}) return r end))
          add("req:dup(1)", pcall(function() local r = req:dup(1) return r end))
          try("line", req.line)
          try("line(2)", req.line, 2)
          try("dup", req.dup)
          try("dup(1)", req.dup, 1)
          try("append", req.append, "A")
          try("prepend", req.prepend, "P")
          try("insert", req.insert, "<I>", 2)
          try("insert(end)", req.insert, "E")
          try("insert(99)", req.insert, "x", 99)
          try("remove(0,1)", req.remove, 0, 1)
          try("remove(-1)", req.remove, -1)
          try("remove(0,99)", req.remove, 0, 99)
          try("set", req.set, "S", 1, 1)
          try("set(x,0,0)", req.set, "x", 0, 0)
          try("set(all)", req.set, "[", 0, -1)
          try("input", req.input)
          try("append(empty)", req.append, "")
          try("send", req.send, "SENT:")
          try("output", req.output)
          try("forward(1)", req.forward, 1)
          try("output", req.output)
          try("get", req.get)
          try("input", req.input)
          try("get(again)", req.get)
          req:set(table.concat(out, ";") .. "#END#")
        end)
        """;

    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly RuntimeCommandPair _pair = new();
    private readonly TcpTestServer _server = new(UntilEndAsync);

    public async Task InitializeAsync()
    {
        int port = _server.Port;
        string script = Path.Combine(_pair.Directory.FullName, "channel.lua");
        File.WriteAllText(script, Script);
        await _pair.StartAsync($"""
            global
              lua-load-per-thread {script}
            defaults
              mode tcp
              timeout connect 2s
              timeout client 5s
              timeout server 5s
            frontend relay
              bind 127.0.0.1:{_pair.HaproxyPort}
              tcp-request inspect-delay 3s
              tcp-request content lua.inspect
              default_backend server
            backend server
              server s1 127.0.0.1:{port}

            """, $$"""
              frontends.relay {
                bind = "127.0.0.1:{{_pair.ActorProxyPort}}"
                mode = tcp
                tcp-request = [ "inspect-delay 3s", "content lua.inspect" ]
                default-backend = server
              }
              backends.server { mode = tcp, servers { s1 = "127.0.0.1:{{port}}" }, timeout { connect = 2s, server = 5s } }
            """, $", lua-load-per-thread = [ \"{script}\" ]");
    }

    [Fact]
    public async Task ChannelMethods_InATcpContentAction_DoAsOnHaproxy()
    {
        string haproxy = await ExchangeAsync(_pair.HaproxyPort);
        string actorProxy = await ExchangeAsync(_pair.ActorProxyPort);

        Assert.Equal(haproxy, actorProxy);
        Assert.StartsWith("got SENT:", haproxy);
        Assert.Contains("getline=hello\n", haproxy);
    }

    // The line comes in two writes, the first without its end: getline waits for the second.
    private static async Task<string> ExchangeAsync(int port)
    {
        using var client = new TcpClient(AddressFamily.InterNetwork);
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        using var timeout = new CancellationTokenSource(Wait);
        await stream.WriteAsync("hel"u8.ToArray(), timeout.Token);
        await stream.FlushAsync(timeout.Token);
        await Task.Yield();
        await stream.WriteAsync("lo\nworld\n"u8.ToArray(), timeout.Token);
        using var reader = new StreamReader(stream, Encoding.Latin1);
        return await reader.ReadToEndAsync(timeout.Token);
    }

    // The server: what it received up to the script's #END#, then it closes.
    private static async Task UntilEndAsync(NetworkStream stream, CancellationToken cancel)
    {
        var received = new StringBuilder();
        var buffer = new byte[4096];
        int read;
        while (!received.ToString().Contains("#END#", StringComparison.Ordinal) && (read = await stream.ReadAsync(buffer, cancel)) > 0)
        {
            received.Append(Encoding.Latin1.GetString(buffer, 0, read));
        }
        await stream.WriteAsync(Encoding.Latin1.GetBytes("got " + received), cancel);
    }

    public async Task DisposeAsync()
    {
        _server.Dispose();
        await _pair.DisposeAsync();
    }
}
