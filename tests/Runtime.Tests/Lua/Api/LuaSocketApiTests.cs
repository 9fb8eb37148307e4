using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorProxy.Runtime.Lua;
using ActorProxy.Runtime.Tasks;

namespace ActorProxy.Runtime.Tests.Lua.Api;

public sealed class LuaSocketApiTests : IDisposable
{
    private readonly LuaScriptEngine _lua = new();
    private readonly TcpListener _server = new(IPAddress.Loopback, 0);

    public LuaSocketApiTests() => _server.Start();

    private int Port => ((IPEndPoint)_server.LocalEndpoint).Port;

    [Fact]
    public async Task TaskSocket_ConnectsSendsAndReceives_YieldingWhileItWaits()
    {
        var lua = Load($$"""
            core.register_task(function()
              local s = core.tcp()
              s:settimeout(5)
              assert(s:connect("127.0.0.1", {{Port}}) == 1)
              assert(s:send("ping\n") == 5)
              local line = s:receive("*l")
              local two = s:receive(2)
              local rest, err = s:receive("*a")
              s:close()
              result = line .. "|" .. two .. "|" .. rest
            end)
            """);
        var serving = Task.Run(async () =>
        {
            using var client = await _server.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var buffer = new byte[5];
            await stream.ReadExactlyAsync(buffer);
            await stream.WriteAsync(Encoding.ASCII.GetBytes("pong\r\nabcdef"));
        });
        using var task = new LuaTask(1, lua.State, Assert.Single(lua.Core.TakeRegisteredTasks()));

        int waits = await RunAsync(task);
        await serving;

        Assert.True(waits >= 3, $"waited {waits} times");
        lua.State.Execute("assert(result == 'pong|ab|cdef', result)");
    }

    [Fact]
    public async Task Receive_WhenPeerCloses_GivesClosedAndThePartialData()
    {
        var lua = Load($$"""
            core.register_task(function()
              local s = core.tcp()
              s:connect("127.0.0.1", {{Port}})
              local data, err, partial = s:receive("*l")
              result = tostring(data) .. "|" .. err .. "|" .. partial
            end)
            """);
        var serving = Task.Run(async () =>
        {
            using var client = await _server.AcceptTcpClientAsync();
            await client.GetStream().WriteAsync("no newline"u8.ToArray());
        });
        using var task = new LuaTask(1, lua.State, Assert.Single(lua.Core.TakeRegisteredTasks()));

        await RunAsync(task);
        await serving;

        lua.State.Execute("assert(result == 'nil|closed|no newline', result)");
    }

    [Fact]
    public async Task Connect_Refused_ReturnsNilAndReason()
    {
        int closed = Port;
        _server.Stop();
        var lua = Load($$"""
            core.register_task(function()
              local ok, err = core.tcp():connect("127.0.0.1", {{closed}})
              result = tostring(ok) .. "|" .. tostring(err)
            end)
            """);
        using var task = new LuaTask(1, lua.State, Assert.Single(lua.Core.TakeRegisteredTasks()));

        await RunAsync(task);

        // HAProxy's words for any connection that fails.
        lua.State.Execute("assert(result == \"nil|Can't connect\", result)");
    }

    [Fact]
    public async Task ConnectSsl_SpeaksTls_WithoutCheckingTheCertificate_AsHaproxysLuaSockets()
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=self-signed", key,
            System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12(
            created.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx), null);
        var lua = Load($$"""
            core.register_task(function()
              local s = core.tcp()
              s:settimeout(5)
              local connected, reason = s:connect_ssl("127.0.0.1:{{Port}}")
              s:send("hello\n")
              result = tostring(connected) .. "|" .. tostring(reason) .. "|" .. tostring(s:receive("*l"))
              s:close()
            end)
            """);
        var serving = Task.Run(async () =>
        {
            using var client = await _server.AcceptTcpClientAsync();
            using var tls = new System.Net.Security.SslStream(client.GetStream());
            await tls.AuthenticateAsServerAsync(certificate);
            var line = new byte[6];
            await tls.ReadExactlyAsync(line);
            await tls.WriteAsync(Encoding.ASCII.GetBytes("tls:" + Encoding.ASCII.GetString(line)));
        });
        using var task = new LuaTask(1, lua.State, Assert.Single(lua.Core.TakeRegisteredTasks()));

        await RunAsync(task);
        await serving;

        lua.State.Execute("assert(result == '1|nil|tls:hello', result)");
    }

    public void Dispose()
    {
        _server.Stop();
        _lua.Dispose();
    }

    // What the owning actor does: run slices, and wait for operations between them.
    private static async Task<int> RunAsync(LuaTask task)
    {
        int waits = 0;
        while (true)
        {
            var step = task.Step();
            switch (step.Kind)
            {
                case LuaTaskStepKind.WaitOperation:
                    waits++;
                    await step.Operation!.WaitAsync(TimeSpan.FromSeconds(10));
                    break;
                case LuaTaskStepKind.Finished:
                    return waits;
                case LuaTaskStepKind.Failed:
                    throw new InvalidOperationException(step.Error);
            }
        }
    }

    private LoadedLuaState Load(string source) => _lua.Load(source);
}
