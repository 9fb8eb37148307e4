using ActorProxy.Actors.Node;
using Akka.Actor;
using Akka.Configuration;
using Akka.Remote;
using Akka.Remote.Transport;

namespace ActorProxy.Actors.Tests.Cluster;

/// <summary>What the in-process cluster tests share: node systems that join a seed, Akka's
/// throttler between them (a blackhole both ways is a cut; unthrottled heals it), and the stop of
/// nodes in order.</summary>
internal static class ClusterNodes
{
    /// <summary>ActorProxy's defaults with Akka's throttler adapter, which can cut a node off.</summary>
    public static Config Cuttable { get; } = ConfigurationFactory
        .ParseString("akka.remote.dot-netty.tcp.applied-adapters = [trttl]")
        .WithFallback(ProxyNode.DefaultAkkaConfig);

    /// <summary>A system of <paramref name="config"/> that joins <paramref name="seed"/>.</summary>
    public static ActorSystem Joining(Address seed, Config config) => ActorSystem.Create("cluster", ConfigurationFactory
        .ParseString($"akka.cluster.seed-nodes = [\"{seed}\"]")
        .WithFallback(config));

    /// <summary>Sets <paramref name="mode"/> between <paramref name="node"/> and each of the others, both ways.</summary>
    public static async Task ThrottleAsync(ActorSystem node, ThrottleMode mode, params ActorSystem[] others)
    {
        var address = Akka.Cluster.Cluster.Get(node).SelfAddress;
        foreach (var other in others)
        {
            var otherAddress = Akka.Cluster.Cluster.Get(other).SelfAddress;
            Assert.True(await Transport(other).ManagementCommand(new SetThrottle(address, ThrottleTransportAdapter.Direction.Both, mode)));
            Assert.True(await Transport(node).ManagementCommand(new SetThrottle(otherAddress, ThrottleTransportAdapter.Direction.Both, mode)));
        }
    }

    private static RemoteTransport Transport(ActorSystem system) => ((IRemoteActorRefProvider)((ExtendedActorSystem)system).Provider).Transport;

    /// <summary>Stops the nodes, the joiners (the last) first.</summary>
    public sealed class Stopping(params ProxyNode[] nodes) : IAsyncDisposable
    {
        /// <inheritdoc/>
        public async ValueTask DisposeAsync()
        {
            foreach (var node in nodes.Reverse())
            {
                await node.DisposeAsync();
            }
        }
    }
}
