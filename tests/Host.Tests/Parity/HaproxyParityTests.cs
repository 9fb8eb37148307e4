namespace ActorProxy.Host.Tests.Parity;

/// <summary>
/// Each case's request through HAProxy 2.6 and through ActorProxy, configured with the same lines:
/// the answers (status, reason, header fields, body, and so what the origin received, which it
/// echoes) must be the same (issue #10, point 9).
/// </summary>
public sealed class HaproxyParityTests(HaproxyPair pair) : IClassFixture<HaproxyPair>
{
    public static TheoryData<string> Cases()
    {
        var names = new TheoryData<string>();
        foreach (var @case in HaproxyParityCases.All)
        {
            names.Add(@case.Name);
        }
        return names;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Answer_IsHaproxys(string name)
    {
        var @case = HaproxyParityCases.All.Single(c => c.Name == name);

        string haproxy = await pair.SendAsync(@case, haproxy: true);
        string actorProxy = await pair.SendAsync(@case, haproxy: false);

        if (@case.Expect is not null)
        {
            Assert.Contains(@case.Expect, haproxy, StringComparison.Ordinal);
        }
        Assert.Equal(haproxy, actorProxy);
    }
}
