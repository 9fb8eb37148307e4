using ActorProxy.Actors.Lua;
using ActorProxy.Actors.Node;
using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Lua;

namespace ActorProxy.Actors.Tests.Lua;

public class SharedLuaMessagesTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly string[] Arguments = ["arg"];

    public SharedLuaMessagesTests() : base(ProxyNode.DefaultAkkaConfig)
    {
    }

    [Fact]
    public void CallAndAnswer_SurviveAkkasSerializer_SoTheSingletonMayBeRemote()
    {
        var exchange = new HttpExchange("web", "POST", "/api", "a=1", "HTTP/1.1") { ClientAddress = "127.0.0.1", ClientPort = 4242, RequestBody = [1, 2, 3] };
        exchange.RequestHeaders.Add("Host", "example.org");
        exchange.RequestHeaders.Add("Cookie", "a");
        exchange.RequestHeaders.Add("Cookie", "b");
        exchange.Variables.Set("txn.count", 7L);
        exchange.Variables.Set("txn.name", "x");
        exchange.Variables.Set("txn.flag", true);
        var call = new CallSharedLua(LuaFunctionKind.Converter, "shout", HttpExchangeSnapshot.Of(exchange), "in", Arguments, 1);
        var reply = HttpReply.Text(201, "text/plain", "made");
        var answer = new SharedLuaResult(HttpExchangeSnapshot.Of(exchange), 42L, HttpReplySnapshot.Of(reply));

        var callBack = RoundTrip(call);
        var answerBack = RoundTrip(answer);

        var restored = callBack.Exchange.ToExchange();
        Assert.Equal(("POST", "/api", "a=1", "127.0.0.1", 4242), (restored.Method, restored.Path, restored.Query, restored.ClientAddress, restored.ClientPort));
        Assert.Equal(["a", "b"], restored.RequestHeaders.GetValues("cookie"));
        Assert.Equal([1, 2, 3], restored.RequestBody);
        Assert.Equal(7L, restored.Variables["txn.count"]);
        Assert.Equal("x", restored.Variables["txn.name"]);
        Assert.Equal(true, restored.Variables["txn.flag"]);
        Assert.Equal("in", callBack.Input);
        Assert.Equal(["arg"], callBack.Arguments);
        Assert.Equal(42L, answerBack.Sample);
        Assert.Equal("made", System.Text.Encoding.UTF8.GetString(answerBack.Reply!.ToReply().Body.ToArray()));
    }

    [Fact]
    public void LocateAndLocated_SurviveAkkasSerializer()
    {
        Assert.NotNull(RoundTrip(LocateSharedLua.Instance));
        Assert.Equal(TestActor, RoundTrip(new SharedLuaLocated(TestActor)).SharedLua);
    }

    [Fact]
    public void Snapshot_AppliedBack_CarriesWhatLuaChanged()
    {
        var exchange = new HttpExchange("web", "GET", "/old", null, "HTTP/1.1");
        exchange.RequestHeaders.Add("X-Old", "1");
        var copy = HttpExchangeSnapshot.Of(exchange).ToExchange();
        copy.Path = "/new";
        copy.RequestHeaders.Remove("X-Old");
        copy.RequestHeaders.Add("X-New", "2");
        copy.Variables.Set("txn.v", "set");

        HttpExchangeSnapshot.Of(copy).ApplyTo(exchange);

        Assert.Equal("/new", exchange.Path);
        Assert.Null(exchange.RequestHeaders.GetLast("x-old"));
        Assert.Equal("2", exchange.RequestHeaders.GetLast("x-new"));
        Assert.Equal("set", exchange.Variables["txn.v"]);
    }

    // As remoting does it: the serializer's id and the message's manifest travel with the bytes.
    private T RoundTrip<T>(T message) where T : class
    {
        var serializer = Sys.Serialization.FindSerializerFor(message);
        string manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
        return Assert.IsType<T>(Sys.Serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier, manifest));
    }
}
