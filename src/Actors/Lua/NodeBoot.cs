namespace ActorProxy.Actors.Lua;

/// <summary>Whether this node's boot is over, for the shared state's singleton: started during
/// the boot, it is loaded by the boot's steps (seed 000's order); started later — the previous
/// host left and this node takes over — it loads itself.</summary>
public sealed class NodeBoot
{
    private volatile bool _over;

    /// <summary>True once the node's boot is over.</summary>
    public bool IsOver => _over;

    /// <summary>Marks the boot over.</summary>
    public void Complete() => _over = true;
}
