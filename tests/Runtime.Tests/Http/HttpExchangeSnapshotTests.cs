using ActorProxy.Runtime.Http;

namespace ActorProxy.Runtime.Tests.Http;

public class HttpExchangeSnapshotTests
{
    [Fact]
    public void ApplyTo_MarksOnlyHeadersThatCameBackDifferent()
    {
        var exchange = new HttpExchange("fe", "GET", "/", null, "HTTP/1.1");
        exchange.RequestHeaders.Add("Host", "example.org");
        exchange.ResponseHeaders.Add("Server", "origin");
        exchange.RequestHeaders.AcceptChanges();
        exchange.ResponseHeaders.AcceptChanges();

        var untouched = HttpExchangeSnapshot.Of(exchange);
        var changed = untouched.ToExchange();
        changed.RequestHeaders.Set("x-tag", "1");
        HttpExchangeSnapshot.Of(untouched.ToExchange()).ApplyTo(exchange);

        Assert.Empty(exchange.RequestHeaders.ChangedNames);
        Assert.Empty(exchange.ResponseHeaders.ChangedNames);

        HttpExchangeSnapshot.Of(changed).ApplyTo(exchange);

        Assert.Contains("x-tag", exchange.RequestHeaders.ChangedNames);
        Assert.Equal("1", exchange.RequestHeaders.GetLast("x-tag"));
        Assert.Empty(exchange.ResponseHeaders.ChangedNames);
    }
}
