namespace ActorProxy.Runtime.Samples;

/// <summary>Where the files a sample reads come from while a configuration is read: the folder
/// relative names start from, and the configuration's maps, each file read once.</summary>
/// <param name="BaseDirectory">The configuration's folder.</param>
/// <param name="Maps">The configuration's maps.</param>
public sealed record SampleFiles(string BaseDirectory, MapReferences Maps)
{
    /// <summary>Relative to the current folder, with maps of their own (tests, Lua's samples).</summary>
    public static SampleFiles Current() => new(Environment.CurrentDirectory, new MapReferences());
}
