using System.Net;
using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;

namespace ActorProxy.Runtime.Lua.Api;

/// <summary>
/// HAProxy's Socket class (<c>core.tcp()</c>) in one state. Every wait is an operation started
/// here and awaited by the coroutine: the running context records it (see
/// <see cref="LuaContext.PendingOperation"/>), Lua yields, and the state's owner resumes it when
/// the operation completes. Only where yielding is allowed: tasks and TCP services.
/// </summary>
public sealed class LuaSocketApi
{
    private const string Internal = "__actorproxy_socket";
    private static readonly byte[] SocketSource = LuaResources.Read("ActorProxy.Runtime.Lua.Api.Socket.lua");

    private readonly Dictionary<long, LuaSocket> _sockets = [];
    private long _nextId;

    private LuaSocketApi()
    {
    }

    /// <summary>Installs <c>core.tcp</c> into <paramref name="state"/>, which must have <c>core</c>.</summary>
    public static LuaSocketApi Install(LuaState state)
    {
        var api = new LuaSocketApi();
        state.Expose(Internal, "open", api.Open);
        state.Expose(Internal, "connect", api.Connect);
        state.Expose(Internal, "send", api.Send);
        state.Expose(Internal, "receive", api.Receive);
        state.Expose(Internal, "result", api.Result);
        state.Expose(Internal, "settimeout", api.SetTimeout);
        state.Expose(Internal, "close", api.Close);
        // A closed socket has no addresses: nil, as HAProxy's once its peer is gone.
        state.Expose(Internal, "peername", call => api._sockets.GetValueOrDefault(call.GetInteger(1))?.Address(remote: true) is { } peer ? call.Return(peer) : call.ReturnNil());
        state.Expose(Internal, "sockname", call => api._sockets.GetValueOrDefault(call.GetInteger(1))?.Address(remote: false) is { } local ? call.Return(local) : call.ReturnNil());
        state.RunModule(SocketSource, "socket", 0);
        return api;
    }

    private int Open(LuaCall call)
    {
        long id = ++_nextId;
        _sockets.Add(id, new LuaSocket());
        return call.Return(id);
    }

    // connect(id, address, port or nil, tls): nothing once it waits, or HAProxy's error for an
    // address it does not read (LuaAddress.ForSocket), which the Lua side raises.
    private int Connect(LuaCall call)
    {
        var socket = Get(call);
        if (LuaAddress.ForSocket(call.GetString(2), call.IsNoneOrNil(3) ? null : call.GetInteger(3), out string? error) is not { } endPoint)
        {
            return call.Return(error!);
        }
        return Start(call, socket, socket.ConnectAsync(endPoint, tls: call.GetBoolean(4)));
    }

    private int Send(LuaCall call)
    {
        var socket = Get(call);
        return Start(call, socket, socket.SendAsync(call.GetBytes(2)));
    }

    private int Receive(LuaCall call)
    {
        var socket = Get(call);
        string pattern = call.GetString(2);
        if (pattern is not ("*l" or "*a") && !int.TryParse(pattern, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            return call.Fail($"{call.Name}: pattern must be '*l', '*a' or a number of bytes, not '{pattern}'");
        }
        return Start(call, socket, socket.ReceiveAsync(pattern));
    }

    // result(id) → the outcome of the last operation: value, or nil + reason (+ partial data).
    private int Result(LuaCall call)
    {
        var socket = Get(call);
        var (value, error, partial) = socket.TakeResult();
        if (error is null)
        {
            return value is byte[] bytes ? call.Return(bytes) : call.Return((long)(value ?? 1L));
        }
        return call.ReturnNil() + call.Return(error) + call.Return(partial ?? []);
    }

    private int SetTimeout(LuaCall call)
    {
        double seconds = call.GetNumber(2);
        Get(call).Timeout = seconds > 0 ? TimeSpan.FromSeconds(seconds) : System.Threading.Timeout.InfiniteTimeSpan;
        return call.Return();
    }

    private int Close(LuaCall call)
    {
        if (_sockets.Remove(call.GetInteger(1), out var socket))
        {
            socket.Dispose();
        }
        return call.Return();
    }

    private LuaSocket Get(LuaCall call) =>
        _sockets.TryGetValue(call.GetInteger(1), out var socket) ? socket : throw new LuaArgumentException($"{call.Name}: the socket is closed");

    private static int Start(LuaCall call, LuaSocket socket, Task operation)
    {
        if (call.State.Running is not { } context)
        {
            socket.Dispose();
            return call.Fail($"{call.Name}: sockets can only wait inside a task or a service");
        }
        context.AwaitOperation(operation);
        return call.Return();
    }

    // One stream socket (TCP or Unix, with TLS for connect_ssl) with a read buffer; each
    // operation stores its outcome for result().
    private sealed class LuaSocket : IDisposable
    {
        // HAProxy's Lua sockets' TLS: a server line's `ssl verify none`, no SNI.
        private static readonly Config.ServerSsl Unverified = new(Verify: false, [], ServerName: null, VerifyHost: null);

        private readonly MemoryStream _buffer = new();
        private Socket? _socket;
        private Stream? _stream;
        private (object? Value, string? Error, byte[]? Partial) _result;

        public TimeSpan Timeout { get; set; } = System.Threading.Timeout.InfiniteTimeSpan;

        // HAProxy's hlua_socket_info: ADDRESS:PORT, [ADDRESS]:PORT for IPv6, a Unix socket's
        // path; null when not connected.
        public string? Address(bool remote)
        {
            if (_socket is not { Connected: true } socket)
            {
                return null;
            }
            switch (remote ? socket.RemoteEndPoint : socket.LocalEndPoint)
            {
                case IPEndPoint endPoint:
                    var address = endPoint.Address.IsIPv4MappedToIPv6 ? endPoint.Address.MapToIPv4() : endPoint.Address;
                    return address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]:{endPoint.Port}" : $"{address}:{endPoint.Port}";
                case UnixDomainSocketEndPoint unix:
                    return unix.ToString();
                default:
                    return null;
            }
        }

        public (object? Value, string? Error, byte[]? Partial) TakeResult() => _result;

        // HAProxy answers a connection that fails, whatever the reason, with "Can't connect".
        // connect_ssl checks no certificate, as HAProxy's Lua sockets do not.
        public Task ConnectAsync(EndPoint endPoint, bool tls) => Run(async cancel =>
        {
            var socket = endPoint is UnixDomainSocketEndPoint
                ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
                : new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            _stream?.Dispose();
            _stream = null;
            _socket?.Dispose();
            _socket = socket;
            try
            {
                await socket.ConnectAsync(endPoint, cancel);
                Stream stream = new NetworkStream(socket, ownsSocket: false);
                if (tls)
                {
                    var secure = new SslStream(stream, leaveInnerStreamOpen: false);
                    await secure.AuthenticateAsClientAsync(Unverified.ClientOptions(http2: false), cancel);
                    stream = secure;
                }
                _stream = stream;
            }
            catch (Exception e) when (e is SocketException or IOException or System.Security.Authentication.AuthenticationException)
            {
                return (null, "Can't connect", null);
            }
            return (1L, null, null);
        });

        public Task SendAsync(byte[] data) => Run(async cancel =>
        {
            await Connected.WriteAsync(data, cancel);
            return ((long)data.Length, null, null);
        });

        public Task ReceiveAsync(string pattern) => Run(async cancel =>
        {
            while (true)
            {
                if (TryTake(pattern, out var taken))
                {
                    return (taken, null, null);
                }
                var chunk = new byte[16384];
                int read = await Connected.ReadAsync(chunk, cancel);
                if (read == 0)
                {
                    byte[] rest = TakeAll();
                    return pattern == "*a" ? (rest, null, null) : (null, "closed", rest);
                }
                _buffer.Write(chunk, 0, read);
            }
        });

        // Sending or receiving before a connection fails as a socket not connected does.
        private Stream Connected => _stream ?? throw new SocketException((int)SocketError.NotConnected);

        public void Dispose()
        {
            _stream?.Dispose();
            _socket?.Dispose();
            _buffer.Dispose();
        }

        private async Task Run(Func<CancellationToken, Task<(object?, string?, byte[]?)>> operation)
        {
            using var timeout = new CancellationTokenSource(Timeout);
            try
            {
                _result = await operation(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _result = (null, "timeout", TakeAll());
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
            {
                _result = (null, e.Message, TakeAll());
            }
        }

        private bool TryTake(string pattern, out byte[] taken)
        {
            var data = _buffer.GetBuffer().AsSpan(0, (int)_buffer.Length);
            int count = -1;
            int skip = 0;
            if (pattern == "*l")
            {
                int newline = data.IndexOf((byte)'\n');
                if (newline >= 0)
                {
                    count = newline > 0 && data[newline - 1] == '\r' ? newline - 1 : newline;
                    skip = newline + 1 - count;
                }
            }
            else if (pattern != "*a" && data.Length >= int.Parse(pattern, CultureInfo.InvariantCulture))
            {
                count = int.Parse(pattern, CultureInfo.InvariantCulture);
            }
            if (count < 0)
            {
                taken = [];
                return false;
            }
            taken = data[..count].ToArray();
            byte[] rest = data[(count + skip)..].ToArray();
            _buffer.SetLength(0);
            _buffer.Write(rest);
            return true;
        }

        private byte[] TakeAll()
        {
            byte[] all = _buffer.ToArray();
            _buffer.SetLength(0);
            return all;
        }
    }
}
