using System.Net;
using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Samples;

namespace ActorProxy.Runtime.Tests.Samples;

/// <summary>The fetches whose values differ from one run to the next, so that no parity case can
/// compare them with HAProxy's: each is checked for what HAProxy documents of it.</summary>
public sealed class InternalFetchesTests
{
    private readonly HttpExchange _exchange = new("fe", "GET", "/", null, "HTTP/1.1") { Thread = 1 };

    [Fact]
    public void Date_IsTheEpochSecond_WithItsOffsetAndUnit()
    {
        long before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        long seconds = (long)Evaluate("date")!;
        long later = (long)Evaluate("date(3600)")!;
        long milliseconds = (long)Evaluate("date(0,ms)")!;

        Assert.InRange(seconds, before, before + 5);
        Assert.InRange(later - seconds, 3595, 3605);
        Assert.InRange(milliseconds / 1000 - seconds, -1, 5);
    }

    [Fact]
    public void Rand_StaysBelowItsRange()
    {
        for (int i = 0; i < 200; i++)
        {
            Assert.InRange((long)Evaluate("rand(10)")!, 0, 9);
        }
    }

    [Fact]
    public void Uuid_IsAVersion4Uuid_NewEachTime()
    {
        string first = (string)Evaluate("uuid")!;

        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", first);
        Assert.NotEqual(first, Evaluate("uuid(4)"));
    }

    [Fact]
    public void HostnameThreadAndEnv_AreTheMachinesTheWorkersAndTheProcesss()
    {
        Environment.SetEnvironmentVariable("ACTORPROXY_TEST_ENV", "set");

        Assert.Equal(Dns.GetHostName(), Evaluate("hostname"));
        Assert.Equal(1L, Evaluate("thread"));
        Assert.Equal("set", Evaluate("env(ACTORPROXY_TEST_ENV)"));
        Assert.Null(Evaluate("env(ACTORPROXY_TEST_UNSET)"));
    }

    private object? Evaluate(string expression) => SampleExpression.Parse(expression).Evaluate(_exchange, null);
}
