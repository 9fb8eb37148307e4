using System.Net;
using ActorProxy.Runtime.Config;

namespace ActorProxy.Runtime.Tests.Config;

/// <summary>How HAProxy's http_process_request combines a frontend's and a backend's <c>option forwardfor</c>.</summary>
public sealed class ForwardForTests
{
    private static readonly IPAddress Client = IPAddress.Parse("192.0.2.7");

    private static ForwardFor Option(string text) => ForwardFor.Parse(text, out _)!;

    [Fact]
    public void NeitherSide_AddsNothing() => Assert.Null(ForwardFor.FieldFor(null, null, Client, _ => false));

    [Fact]
    public void TheBackendsHeaderName_WinsOverTheFrontends() =>
        Assert.Equal(("X-Be", "192.0.2.7"), ForwardFor.FieldFor(Option("forwardfor header X-Fe"), Option("forwardfor header X-Be"), Client, _ => false));

    [Fact]
    public void ABackendWithTheDefaultName_StillWins() =>
        Assert.Equal(("X-Forwarded-For", "192.0.2.7"), ForwardFor.FieldFor(Option("forwardfor header X-Fe"), Option("forwardfor"), Client, _ => false));

    [Fact]
    public void IfNone_HoldsOnlyWhenNoSideWithoutItHasTheOption()
    {
        Assert.Null(ForwardFor.FieldFor(Option("forwardfor if-none"), null, Client, _ => true));
        Assert.NotNull(ForwardFor.FieldFor(Option("forwardfor if-none"), Option("forwardfor"), Client, _ => true));
        Assert.NotNull(ForwardFor.FieldFor(Option("forwardfor if-none"), null, Client, _ => false));
    }

    [Fact]
    public void AClientInEitherSidesExcept_GetsNoField()
    {
        Assert.Null(ForwardFor.FieldFor(Option("forwardfor except 192.0.2.0/24"), Option("forwardfor"), Client, _ => false));
        Assert.Null(ForwardFor.FieldFor(Option("forwardfor"), Option("forwardfor except 192.0.2.7"), Client, _ => false));
        Assert.NotNull(ForwardFor.FieldFor(Option("forwardfor except 198.51.100.0/24"), null, Client, _ => false));
    }

    [Fact]
    public void AnIPv4ClientSeenAsIPv6_IsWrittenAsIPv4_AndAnIPv6NetworkNeverHoldsIt()
    {
        var mapped = Client.MapToIPv6();

        Assert.Equal(("X-Forwarded-For", "192.0.2.7"), ForwardFor.FieldFor(Option("forwardfor except ::ffff:192.0.2.0/120"), null, mapped, _ => false));
    }
}
