using ActorProxy.Actors.Serialization;
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

        var serializer = Assert.IsType<ClusterMessageSerializer>(Sys.Serialization.FindSerializerFor(message));
        string manifest = serializer.Manifest(message);
        byte[] bytes = serializer.ToBinary(message);
        object back = serializer.FromBinary(bytes, manifest);

        Assert.IsType(message.GetType(), back);
        // Records holding arrays compare by reference; what they serialise to compares by value.
        Assert.Equal(System.Text.Encoding.UTF8.GetString(bytes), System.Text.Encoding.UTF8.GetString(serializer.ToBinary(back)));
    }

    [Fact]
    public void Samples_KeepTheirTypes_AcrossNodes()
    {
        var exchange = new HttpExchange("web", "GET", "/", null, "HTTP/1.1");
        exchange.Variables.Set("txn.int", 7L);
        exchange.Variables.Set("txn.text", "7");
        exchange.Variables.Set("txn.flag", true);
        exchange.Variables.Set("txn.ip", System.Net.IPAddress.Parse("10.1.2.3"));
        exchange.Variables.Set("txn.bin", new byte[] { 0, 255 });
        var result = new SharedLuaResult(HttpExchangeSnapshot.Of(exchange), 42L, null);

        var back = RoundTrip(result);

        Assert.Equal(42L, back.Sample);
        var variables = back.Exchange.Variables;
        Assert.Equal((7L, "7", true), (variables["txn.int"], variables["txn.text"], variables["txn.flag"]));
        Assert.Equal(new AddressSample("10.1.2.3"), variables["txn.ip"]);
        Assert.Equal(new byte[] { 0, 255 }, variables["txn.bin"]);
    }

    [Fact]
    public void TheLogLevelALuaCallSets_ComesBackFromAnotherNode()
    {
        var exchange = new HttpExchange("web", "GET", "/", null, "HTTP/1.1") { LogLevel = 4 };

        var back = RoundTrip(new SharedLuaResult(HttpExchangeSnapshot.Of(exchange), 1L, null)).Exchange.ToExchange();

        Assert.Equal(4, back.LogLevel);
    }

    [Fact]
    public void ATcpConnectionsBuffer_ReachesTheSharedStateOnAnotherNode_AndComesBackChanged()
    {
        var exchange = new HttpExchange("relay", "", "", null, "") { RequestBuffer = new TcpRequestBuffer(16384) { Data = [1, 2, 3], Final = true } };

        var there = RoundTrip(new SharedLuaResult(HttpExchangeSnapshot.Of(exchange), 1L, null)).Exchange.ToExchange();
        there.RequestBuffer!.Data = [9];
        there.RequestBuffer.Output = [8];
        RoundTrip(new SharedLuaResult(HttpExchangeSnapshot.Of(there), 1L, null)).Exchange.ApplyTo(exchange);

        Assert.Equal([9], exchange.RequestBuffer.Data);
        Assert.Equal([8], exchange.RequestBuffer.Output);
        Assert.True(exchange.RequestBuffer.Final);
    }

    [Fact]
    public void ClientTls_ReachesTheSharedStateOnAnotherNode()
    {
        var tls = new TlsSession("TLSv1.3", "a.test", "h2", "/CN=client", "/CN=Intermediate");
        var exchange = new HttpExchange("web", "GET", "/", null, "HTTP/1.1") { Tls = tls };

        var back = RoundTrip(new SharedLuaResult(HttpExchangeSnapshot.Of(exchange), 1L, null)).Exchange.ToExchange();

        Assert.Equal(tls, back.Tls);
    }

    [Fact]
    public void AdminCommand_KeepsItsKeyAndLevel_AcrossNodes()
    {
        var back = RoundTrip(new AdminCommand("show fd", "key", AdminLevel.Operator));

        Assert.Equal(new AdminCommand("show fd", "key", AdminLevel.Operator), back);
        // An add map payload from another node's tool keeps its lines.
        Assert.Equal(new AdminCommand("add map #0", "key", AdminLevel.Admin, "a 1\nb two words"),
            RoundTrip(new AdminCommand("add map #0", "key", AdminLevel.Admin, "a 1\nb two words")));
    }

    [Fact]
    public void ActorReference_ArrivesAsTheSameActor()
    {
        var back = RoundTrip(new SharedLuaLocated(TestActor));

        Assert.Equal(TestActor, back.SharedLua);
    }

    [Theory]
    [InlineData("System.Object")]
    [InlineData("ActorProxy.Actors.Admin.AdminCommand, ActorProxy.Actors")]
    [InlineData("ProxyNode")]
    [InlineData("HttpExchange")]
    public void UnknownManifest_IsRefused(string manifest)
    {
        var refused = Assert.Throws<System.Runtime.Serialization.SerializationException>(() => Serializer().FromBinary("{}"u8.ToArray(), manifest));

        Assert.Contains($"'{manifest}' is not an ActorProxy cluster message type", refused.Message);
    }

    [Theory]
    [InlineData("{\"Command\":\"show info\",\"Extra\":1}")]
    [InlineData("{\"Command\":")]
    [InlineData("[1]")]
    public void MessageOfAnotherShape_IsRefused(string json)
    {
        Assert.Throws<System.Runtime.Serialization.SerializationException>(() => Serializer().FromBinary(System.Text.Encoding.UTF8.GetBytes(json), nameof(AdminCommand)));
    }

    [Fact]
    public void SampleOfAnotherType_IsRefused()
    {
        byte[] bytes = Serializer().ToBinary(new SharedLuaResult(HttpExchangeSnapshot.Of(new HttpExchange("web", "GET", "/", null, "HTTP/1.1")), 1L, null));
        string json = System.Text.Encoding.UTF8.GetString(bytes).Replace("\"Sample\":1", "\"Sample\":{\"$type\":\"System.IO.FileInfo\"}", StringComparison.Ordinal);

        Assert.Throws<System.Runtime.Serialization.SerializationException>(() => Serializer().FromBinary(System.Text.Encoding.UTF8.GetBytes(json), nameof(SharedLuaResult)));
    }

    [Fact]
    public void LiveObjectInAMessage_DoesNotLeaveItsNode()
    {
        var exchange = new HttpExchange("web", "GET", "/", null, "HTTP/1.1");
        var snapshot = HttpExchangeSnapshot.Of(exchange) with { Variables = new Dictionary<string, object> { ["txn.live"] = new object() } };

        Assert.ThrowsAny<Exception>(() => Serializer().ToBinary(new CallSharedLua(LuaFunctionKind.SampleFetch, "f", snapshot, null, [], 1)));
        Assert.Throws<System.Runtime.Serialization.SerializationException>(() => Serializer().Manifest(new RunHttpRequest(null!, exchange, new TaskCompletionSource())));
    }

    [Fact]
    public void PayloadForAkkasJsonSerializer_IsRefused_WhateverTypeItNames()
    {
        byte[] payload = System.Text.Encoding.UTF8.GetBytes("{\"$type\":\"System.IO.FileInfo, System.Private.CoreLib\",\"OriginalPath\":\"/etc/passwd\"}");

        var refused = Assert.Throws<System.Runtime.Serialization.SerializationException>(() =>
            Sys.Serialization.Deserialize(payload, 1, "System.IO.FileInfo, System.Private.CoreLib"));

        Assert.Contains("Akka's JSON serializer", refused.Message);
    }

    [Fact]
    public void TypeWithoutASerializerOfItsOwn_DoesNotLeaveItsNode()
    {
        var serializer = Sys.Serialization.FindSerializerFor(new Uri("http://example.org/"));

        Assert.IsType<RefusedSerializer>(serializer);
        Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.ToBinary(new Uri("http://example.org/")));
    }

    private ClusterMessageSerializer Serializer() => (ClusterMessageSerializer)Sys.Serialization.FindSerializerForType(typeof(IClusterMessage));

    private T RoundTrip<T>(T message) where T : notnull
    {
        var serializer = Serializer();
        return Assert.IsType<T>(serializer.FromBinary(serializer.ToBinary(message), serializer.Manifest(message)));
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
            new LoadLuaState(2),
            new Maps.ProposeMapChange(3, "hosts.map", new Runtime.Samples.MapChange(Runtime.Samples.MapChangeKind.Add, "a.test", "web", 42), "123"),
            new Maps.MapChangeOrdered("e1", 7, 3, "hosts.map", new Runtime.Samples.MapChange(Runtime.Samples.MapChangeKind.Delete, "#0x00000000002a", "", 0), "123"),
            new Maps.MapSnapshotRequest("e1", 7, TestActor),
            new Maps.MapFollow("e1", 6),
            new Maps.MapSequenceAt("e1", 7),
            new Maps.MapSnapshot("e1", 7, [new Maps.MapSnapshotPart(3, "hosts.map", [new Runtime.Samples.MapEntry(42, "a.test", "web", 1)])]),
            new Stick.StickShare("0123456789ABCDEF", [3, -1], [new Stick.StickRateShare(1_764_000_000_000, 5, 2)], 0, 1_764_000_030_000),
            new LuaStateLoaded(0, [new LuaFunctionName(LuaFunctionKind.SampleFetch, "count"), new LuaFunctionName(LuaFunctionKind.HttpRequestAction, "tag")], ["an error"], ["shared.lua"], "ABCDEF"),
            new RunLuaInit(2),
            new LuaInitDone(0, ["init failed"]),
            new SwitchLuaGeneration(2),
            new LuaGenerationSwitched(1, 2),
            new DropLuaGeneration(3),
            GetLuaStateStatus.Instance,
            new LuaStateStatus(0, 1, 42, 1024, 2, 1, 3, 100, 4, 2, 3, 1),
            new CallSharedLua(LuaFunctionKind.Converter, "shout", snapshot, "in", ["arg"], 2, TestActor),
            new SharedLuaResult(snapshot, 42L, reply),
            LocateSharedLua.Instance,
            new SharedLuaLocated(TestActor),
            new StartTcpService("echo", 7, snapshot),
            new StartLuaCli("greet", ["bob"], 8),
            new TcpServiceOutput(7, [104, 105]),
            new TcpServiceEnded(7, "runtime error: x"),
            new TcpServiceInput(7, [1, 2], End: true),
            new TcpServiceClosed(7),
            new AdminCommand("show info", "a key"),
            DescribeNode.Instance,
            new AdminReply(true, "Name: ActorProxy\n"),
            new AdminReplyPart("    3 : tgid=1\n"),
            new ReadServiceBody(4096),
            new ServiceBodyRead([1, 2], false),
            new StartServiceResponse(reply),
            new WriteServiceBody([3, 4]),
            new ServiceStreamDone(true),
        ];
        return messages.ToDictionary(m => m.GetType().Name);
    }
}
