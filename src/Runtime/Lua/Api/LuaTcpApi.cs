namespace ActorProxy.Runtime.Lua.Api;

/// <summary>HAProxy's AppletTCP class in one state, and the factory of the TCP sessions its
/// services serve.</summary>
public sealed class LuaTcpApi
{
    private const string Internal = "__actorproxy_tcp";
    private static readonly byte[] TcpSource = LuaResources.Read("ActorProxy.Runtime.Lua.Api.Tcp.lua");

    private readonly LuaState _state;
    private readonly LuaFunctionRegistry _registry;
    private int _serviceEntry;
    private int _cliEntry;
    private LuaTcpService? _current;

    private LuaTcpApi(LuaState state, LuaFunctionRegistry registry)
    {
        _state = state;
        _registry = registry;
    }

    /// <summary>Installs AppletTCP into <paramref name="state"/>.</summary>
    public static LuaTcpApi Install(LuaState state, LuaFunctionRegistry registry)
    {
        var api = new LuaTcpApi(state, registry);
        state.Expose(Internal, "receive", api.Receive);
        state.Expose(Internal, "getline", api.GetLine);
        state.Expose(Internal, "send", api.Send);
        state.Expose(Internal, "get_var", call => LuaHttpApi.GetVariable(call, api.Current(call).Session.Variables));
        state.Expose(Internal, "set_var", call => LuaHttpApi.SetVariable(call, api.Current(call).Session.Variables));
        state.Expose(Internal, "fetch", call => LuaHttpApi.FetchFromLua(call, api.Current(call).Session));
        state.Expose(Internal, "convert", call => LuaHttpApi.ConvertFromLua(call, api.Current(call).Session));
        var entries = state.RunModule(TcpSource, "tcp", 2);
        (api._serviceEntry, api._cliEntry) = (entries[0], entries[1]);
        return api;
    }

    /// <summary>A new session of service <c>lua.</c><paramref name="name"/> for the connection
    /// <paramref name="session"/>, not started yet; what Lua sends goes to <paramref name="output"/>.</summary>
    /// <exception cref="LuaScriptException">This state has no such service.</exception>
    public LuaTcpService Open(string name, Http.HttpExchange session, Action<ReadOnlyMemory<byte>> output)
    {
        var function = _registry.Find(LuaFunctionKind.Service, name);
        if (function is null || !function.IsIn(_state.Id))
        {
            throw new LuaScriptException($"Lua service 'lua.{name}' is not registered in Lua state {_state.Id}.");
        }
        return new LuaTcpService(this, _state, _serviceEntry, function.GetReference(_state.Id), session, output, []);
    }

    /// <summary>A new run of the CLI command registered as <paramref name="path"/>
    /// (<c>core.register_cli</c>) with <paramref name="arguments"/>; what it sends goes to
    /// <paramref name="output"/>, and it reads an empty input.</summary>
    /// <exception cref="LuaScriptException">This state has no such command.</exception>
    public LuaTcpService OpenCli(string path, IReadOnlyList<string> arguments, Action<ReadOnlyMemory<byte>> output)
    {
        var function = _registry.Find(LuaFunctionKind.CliKeyword, path);
        if (function is null || !function.IsIn(_state.Id))
        {
            throw new LuaScriptException($"Lua CLI command '{path}' is not registered in Lua state {_state.Id}.");
        }
        var session = new LuaTcpService(this, _state, _cliEntry, function.GetReference(_state.Id),
            new Http.HttpExchange("cli", "", "", null, ""), output, arguments);
        session.AddInput([], end: true);
        return session;
    }

    internal LuaExecResult Run(LuaTcpService service, LuaContext context)
    {
        _current = service;
        try
        {
            return context.Resume(yieldAllowed: true);
        }
        finally
        {
            _current = null;
        }
    }

    private LuaTcpService Current(LuaCall call) =>
        _current ?? throw new LuaArgumentException($"{call.Name}: no TCP session is running in this state");

    private int Receive(LuaCall call)
    {
        var service = Current(call);
        long? size = call.IsNoneOrNil(1) ? null : Math.Max(0, call.GetInteger(1));
        if (service.Take(size) is { } data)
        {
            return call.Return(data);
        }
        service.WaitsForInput = true;
        return call.ReturnNil();
    }

    private int GetLine(LuaCall call)
    {
        var service = Current(call);
        if (service.TakeLine() is { } line)
        {
            return call.Return(line);
        }
        service.WaitsForInput = true;
        return call.ReturnNil();
    }

    private int Send(LuaCall call)
    {
        Current(call).Output(call.GetBytes(1));
        return call.Return();
    }
}
