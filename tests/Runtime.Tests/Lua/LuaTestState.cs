using ActorProxy.Runtime.Lua;

namespace ActorProxy.Runtime.Tests.Lua;

/// <summary>A state on its own allocator, disposed together.</summary>
internal sealed class LuaTestState : IDisposable
{
    public LuaTestState(LuaTune? tune = null, TimeProvider? time = null, int id = 1, bool completeBoot = false)
    {
        Allocator = new LuaAllocator();
        State = new LuaState(id, Allocator, tune ?? new LuaTune(), time);
        if (completeBoot)
        {
            Allocator.CompleteBoot();
        }
    }

    public LuaAllocator Allocator { get; }

    public LuaState State { get; }

    /// <summary>Defines the source and returns a reference to its global function <paramref name="name"/>.</summary>
    public int Function(string source, string name)
    {
        State.Execute(source, "=test");
        return State.GetGlobalFunction(name);
    }

    public void Dispose()
    {
        State.Dispose();
        Allocator.Dispose();
    }
}
