using Yarp.ReverseProxy.Configuration;

// YarpHost LISTEN_PORT DESTINATION_URL: the plainest YARP proxy, one route, one destination.
if (args.Length != 2 || !int.TryParse(args[0], out int port))
{
    Console.Error.WriteLine("usage: YarpHost LISTEN_PORT DESTINATION_URL");
    return 2;
}
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, port));
builder.Services.AddReverseProxy().LoadFromMemory(
    [new RouteConfig { RouteId = "all", ClusterId = "origin", Match = new RouteMatch { Path = "{**catch-all}" } }],
    [new ClusterConfig { ClusterId = "origin", Destinations = new Dictionary<string, DestinationConfig> { ["o"] = new() { Address = args[1] } } }]);
var app = builder.Build();
app.MapReverseProxy();
app.Run();
return 0;
