using ActorProxy.Runtime.Config;
using ActorProxy.Runtime.Lua.Api;

namespace ActorProxy.Runtime.Lua;

/// <summary>A state with the HAProxy API installed and its configured files run.</summary>
/// <param name="State">The state.</param>
/// <param name="Core">Its <c>core</c> class, which holds its init functions.</param>
/// <param name="Http">Its TXN/HTTP/AppletHTTP classes, which run its registered functions on transactions.</param>
/// <param name="Tcp">Its AppletTCP class, which serves TCP sessions with its services.</param>
public sealed record LoadedLuaState(LuaState State, LuaCoreApi Core, LuaHttpApi Http, LuaTcpApi Tcp)
{
    /// <summary>Creates state <paramref name="id"/> of <paramref name="generation"/> in <paramref name="engine"/>, installs
    /// <c>core</c> and runs <paramref name="files"/> in order (<c>hlua_init_state</c>, then
    /// <c>hlua_load_state</c> per file). On failure the state is closed and removed.</summary>
    /// <param name="engine">The engine the state belongs to.</param>
    /// <param name="generation">The generation it belongs to: its functions go into that generation's registry.</param>
    /// <param name="id">0 for the shared state, the worker number otherwise.</param>
    /// <param name="files">The files to run.</param>
    /// <param name="directive">The directive that named the files, for messages.</param>
    /// <exception cref="LuaScriptException">A file failed; the message names the directive, the
    /// state, and Lua's file:line.</exception>
    public static LoadedLuaState Create(LuaEngine engine, LuaGeneration generation, int id, IReadOnlyList<LuaFile> files, string directive)
    {
        var state = engine.CreateState(id, generation.Number);
        try
        {
            var core = LuaCoreApi.Install(state, generation.Registry);
            LuaSocketApi.Install(state);
            LuaHttpClientApi.Install(state);
            LuaMapApi.Install(state, engine.Maps);
            LuaProxyApi.Install(state, engine.Proxies);
            LuaRegexApi.Install(state, engine.BufferSize);
            var http = LuaHttpApi.Install(state, generation.Registry);
            var tcp = LuaTcpApi.Install(state, generation.Registry);
            // The files' bodies may register functions: at boot, and when a state is loaded
            // again after a failure.
            state.LoadingFiles = true;
            foreach (var file in files)
            {
                try
                {
                    state.RunFile(file.Path, file.Name);
                }
                catch (LuaScriptException e)
                {
                    string where = id == 0 ? "shared state" : $"thread {id}";
                    throw new LuaScriptException($"{directive} '{file.Name}' ({where}): {e.Message}", e);
                }
            }
            state.LoadingFiles = false;
            LuaProxyApi.Publish(state);
            return new LoadedLuaState(state, core, http, tcp);
        }
        catch
        {
            engine.CloseState(id, generation.Number);
            throw;
        }
    }
}
