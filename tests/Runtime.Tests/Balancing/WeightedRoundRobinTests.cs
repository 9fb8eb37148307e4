using ActorProxy.Runtime.Balancing;

namespace ActorProxy.Runtime.Tests.Balancing;

// The sequences are HAProxy 2.6's (Debian's haproxy, a backend of four servers weighing 3, 1, 2
// and 5 and balance roundrobin, one curl per request, the changes made on its stats socket);
// Host.Tests' WeightParityTests compares the proxies themselves.
public sealed class WeightedRoundRobinTests
{
    private static WeightedRoundRobin FourServers() => new([("s1", 3), ("s2", 1), ("s3", 2), ("s4", 5)]);

    private static string Take(WeightedRoundRobin rotation, int count) =>
        string.Join(' ', Enumerable.Range(0, count).Select(_ => rotation.Next(0, static (_, _) => true)));

    [Fact]
    public void Weights_GiveHaproxysOrder()
    {
        var rotation = FourServers();
        Assert.Equal("s4 s1 s4 s3 s4 s1 s4 s2 s1 s3 s4", Take(rotation, 11));
        Assert.Equal("s4 s1 s4 s3 s4", Take(rotation, 5));
    }

    [Fact]
    public void WeightAndStateChanges_PlaceServersAsHaproxyDoes()
    {
        var rotation = FourServers();
        Take(rotation, 16);
        rotation.SetWeight("s2", 4);
        Assert.Equal("s1 s4 s2 s3 s4 s1 s2 s4 s1 s4 s2 s3 s4", Take(rotation, 13));
        rotation.SetReady("s4", false);
        Assert.Equal("s2 s1 s2 s1 s3 s2 s1 s2 s3", Take(rotation, 9));
        rotation.SetReady("s4", true);
        rotation.SetWeight("s1", 0);
        Assert.Equal("s2 s4 s2 s3 s4 s2 s4 s2 s4 s3 s4 s2 s4 s2", Take(rotation, 14));
        rotation.SetWeight("s1", 1);
        Assert.Equal("s3 s4 s2 s4 s2 s4 s3 s1 s4 s2 s4 s2 s3 s4", Take(rotation, 14));
    }

    [Fact]
    public void EqualWeights_TakeEachServerInTurn()
    {
        var rotation = new WeightedRoundRobin([("a", 1), ("b", 1), ("c", 1)]);
        Assert.Equal("a b c a b c a", Take(rotation, 7));
    }

    [Fact]
    public void NoUsableServer_GivesNone_AndAServerBackInTheRotationIsTaken()
    {
        var rotation = new WeightedRoundRobin([("a", 1), ("b", 0)]);
        rotation.SetReady("a", false);
        Assert.Null(rotation.Next(0, static (_, _) => true));
        rotation.SetReady("a", true);
        Assert.Equal("a a", Take(rotation, 2));
    }

    [Fact]
    public void ASkippedServer_IsNotLost()
    {
        var rotation = new WeightedRoundRobin([("a", 1), ("b", 1), ("c", 1)]);
        Assert.Equal("b", rotation.Next("a", static (avoided, name) => name != avoided));
        Assert.Equal(["a", "c"], Take(rotation, 2).Split(' ').Order());
        Assert.Null(rotation.Next(0, static (_, _) => false));
        Assert.Equal(["a", "b", "c"], Take(rotation, 3).Split(' ').Order());
    }

    [Fact]
    public void ServersThatAllLeaveAndComeBack_AreTakenAgain()
    {
        var rotation = new WeightedRoundRobin([("s1", 2), ("s2", 1)]);
        rotation.SetReady("s1", false);
        rotation.SetReady("s2", false);
        rotation.SetReady("s1", true);
        rotation.SetReady("s2", true);
        Assert.Equal(["s1", "s1", "s2"], Take(rotation, 3).Split(' ').Order());
    }
}
