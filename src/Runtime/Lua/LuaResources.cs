namespace ActorProxy.Runtime.Lua;

/// <summary>The Lua sources embedded in this assembly.</summary>
internal static class LuaResources
{
    /// <summary>The bytes of embedded resource <paramref name="name"/>.</summary>
    public static byte[] Read(string name)
    {
        using var stream = typeof(LuaResources).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The embedded Lua source '{name}' is missing from ActorProxy.Runtime.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
