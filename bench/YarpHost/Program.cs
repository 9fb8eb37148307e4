using Yarp.ReverseProxy.Configuration;

// YarpHost LISTEN_PORT DESTINATION_URL [inline]: the plainest YARP proxy, one route, one
// destination. With `inline`, socket completions and Kestrel's processing run on the I/O threads,
// as ActorProxy runs them, to show what that setting alone is worth to YARP.
if (args.Length is < 2 or > 3 || !int.TryParse(args[0], out int port) || (args.Length == 3 && args[2] != "inline"))
{
    Console.Error.WriteLine("usage: YarpHost LISTEN_PORT DESTINATION_URL [inline]");
    return 2;
}
bool inline = args.Length == 3;
if (inline)
{
    Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
}
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
if (inline)
{
    builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = true);
}
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, port));
builder.Services.AddReverseProxy().LoadFromMemory(
    [new RouteConfig { RouteId = "all", ClusterId = "origin", Match = new RouteMatch { Path = "{**catch-all}" } }],
    [new ClusterConfig { ClusterId = "origin", Destinations = new Dictionary<string, DestinationConfig> { ["o"] = new() { Address = args[1] } } }]);
var app = builder.Build();
app.MapReverseProxy();
app.Run();
return 0;
