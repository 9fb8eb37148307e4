using ActorProxy.Actors.Admin;
using ActorProxy.Actors.Lua;
using ActorProxy.Actors.Node;
using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Lua;

namespace ActorProxy.Actors.Tests;

/// <summary>Every message that may cross nodes (<see cref="IClusterMessage"/>) goes through the
/// serializer reference.conf binds to it, and comes back equal (issue #11, point 3).</summary>
public sealed class ClusterMessagesTests : Akka.TestKit.Xunit2.TestKit
{
    public ClusterMessagesTests() : base(ProxyNode.DefaultAkkaConfig)
    {
    }

    public static TheoryData<string> MessageTypes()
    {
        var types = new TheoryData<string>();
        foreach (var type in typeof(IClusterMessage).Assembly.GetTypes().Where(t => t.IsClass && typeof(IClusterMessage).IsAssignableFrom(t)))
        {
            types.Add(type.Name);
        }
        return types;
    }

    [Theory]
    [MemberData(nameof(MessageTypes))]
    public void Message_RoundTripsThroughTheConfiguredSerializer(string typeName)
    {
        Assert.True(Samples().TryGetValue(typeName, out var message), $"{typeName} is an IClusterMessage with no sample in this test: add one.");

        var serializer = Sys.Serialization.FindSerializerFor(message);
        byte[] bytes = serializer.ToBinary(message);
        object back = serializer.FromBinary(bytes, message.GetType());

        Assert.IsType<Akka.Serialization.NewtonSoftJsonSerializer>(serializer);
        Assert.IsType(message.GetType(), back);
        // Records holding arrays compare by reference; what they serialise to compares by value.
        Assert.Equal(System.Text.Encoding.UTF8.GetString(bytes), System.Text.Encoding.UTF8.GetString(serializer.ToBinary(back)));
    }

    private Dictionary<string, object> Samples()
    {
        var exchange = new HttpExchange("web", "POST", "/api", "a=1", "HTTP/1.1") { ClientAddress = "127.0.0.1", ClientPort = 4242, RequestBody = [1, 2, 3] };
        exchange.RequestHeaders.Add("Cookie", "a");
        exchange.Variables.Set("txn.count", 7L);
        exchange.Variables.Set("sess.user", "u");
        exchange.Variables.Set("txn.ip", System.Net.IPAddress.Parse("10.1.2.3"));
        exchange.Variables.Set("txn.bin", new byte[] { 0, 255 });
        var snapshot = HttpExchangeSnapshot.Of(exchange);
        var reply = HttpReplySnapshot.Of(HttpReply.Text(201, "text/plain", "made"));
        object[] messages =
        [
            LoadLuaState.Instance,
            new LuaStateLoaded(0, [new LuaFunctionName(LuaFunctionKind.SampleFetch, "count"), new LuaFunctionName(LuaFunctionKind.HttpRequestAction, "tag")], ["an error"], ["shared.lua"], "ABCDEF"),
            RunLuaInit.Instance,
            new LuaInitDone(0, ["init failed"]),
            StartLuaTasks.Instance,
            GetLuaStateStatus.Instance,
            new LuaStateStatus(0, 1, 42, 1024, 2, 1, 3, 100, 4),
            new CallSharedLua(LuaFunctionKind.Converter, "shout", snapshot, "in", ["arg"]),
            new SharedLuaResult(snapshot, 42L, reply),
            LocateSharedLua.Instance,
            new SharedLuaLocated(TestActor),
            new StartTcpService("echo", 7, snapshot),
            new StartLuaCli("greet", ["bob"], 8),
            new TcpServiceOutput(7, [104, 105]),
            new TcpServiceEnded(7, "runtime error: x"),
            new TcpServiceInput(7, [1, 2], End: true),
            new TcpServiceClosed(7),
            new AdminCommand("show info"),
            new AdminReply(true, "Name: ActorProxy\n"),
        ];
        return messages.ToDictionary(m => m.GetType().Name);
    }
}
