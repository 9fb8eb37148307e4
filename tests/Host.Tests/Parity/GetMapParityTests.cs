namespace ActorProxy.Host.Tests.Parity;

/// <summary>Issue #14, point 3: the runtime's <c>get map</c> and <c>get acl</c>, alike on HAProxy
/// 2.6 and ActorProxy: a line per way the configuration matches a file's patterns (converters of
/// several methods and output types, ACLs with and without <c>-i</c>),
/// each saying whether the value matches, which key or pattern, and the value with its type.</summary>
public sealed class GetMapParityTests : IAsyncLifetime
{
    private readonly RuntimeCommandPair _pair = new();

    private string Hosts => Path.Combine(_pair.Directory.FullName, "hosts.map");

    private string Networks => Path.Combine(_pair.Directory.FullName, "networks.map");

    private string Weights => Path.Combine(_pair.Directory.FullName, "weights.map");

    public async Task InitializeAsync()
    {
        File.WriteAllText(Hosts, "example.com pool-a\nexample pool-b\n.org pool-c\n");
        File.WriteAllText(Networks, "10.0.0.0/8 10.0.0.10\n10.1.0.0/16 10.1.0.1\n");
        File.WriteAllText(Weights, "a 1\nab 22\n");
        string format = string.Join(' ', new[]
        {
            $"%[req.hdr(x-k),map({Hosts},none)]", $"%[req.hdr(x-k),map_beg({Hosts},none)]", $"%[req.hdr(x-k),map_sub({Hosts},none)]",
            $"%[req.hdr(x-k),map_str_int({Weights},0)]",
            $"%[req.hdr(x-k),map_beg_int({Weights},0)]", $"%[src,map_ip({Networks},none)]", $"%[src,map_ip_ip({Networks},127.0.0.1)]",
        });
        string[] acls = [$"host req.hdr(host) -i -M -f {Hosts}", $"exact req.hdr(host) -M -f {Hosts}", "own req.hdr(x-own) alpha beta", $"nets src -M -f {Networks}",
            "chosen req.hdr(x-chosen) -u 1 gamma", "later req.hdr(x-later) -u 9 delta"];
        string rule = $"return status 200 content-type text/plain lf-string \"{format}\"";
        await _pair.StartAsync($"""
            {_pair.HaproxyHead()}
            frontend web
              bind 127.0.0.1:{_pair.HaproxyPort}
            {string.Concat(acls.Select(a => "  acl " + a + "\n"))}  http-request deny if own host exact nets chosen later
              http-request {rule}

            """, $$"""
              frontends.web {
                bind = "127.0.0.1:{{_pair.ActorProxyPort}}"
                acl = [ {{string.Join(", ", acls.Select(Quoted))}} ]
                http-request = [ "deny if own host exact nets chosen later", {{Quoted(rule)}} ]
              }
            """);
    }

    [Theory]
    [InlineData("get map {hosts} example.com")]
    [InlineData("get map {hosts} www.example.org")]
    [InlineData("get map {hosts} nothing-here")]
    [InlineData("get map {hosts} EXAMPLE.COM")]
    [InlineData("get acl {hosts} EXAMPLE.COM")]
    [InlineData("get acl {hosts} zzz")]
    [InlineData("get map {weights} ab")]
    [InlineData("get map {weights} abc")]
    [InlineData("get map {networks} 10.1.2.3")]
    [InlineData("get map {networks} 10.9.9.9")]
    [InlineData("get map {networks} not-an-address")]
    [InlineData("get acl {networks} 10.2.3.4")]
    [InlineData("get acl {weights} ab")]
    [InlineData("get map {hosts}")]
    [InlineData("get map")]
    [InlineData("get acl")]
    [InlineData("get acl #1 gamma")]
    [InlineData("get acl #9 delta")]
    [InlineData("get acl #2 x")]
    [InlineData("get map /nowhere.map x")]
    [InlineData("get acl /nowhere.acl x")]
    public async Task GetMapAndGetAcl_AnswerAsHaproxy(string command)
    {
        command = command.Replace("{hosts}", Hosts, StringComparison.Ordinal).Replace("{networks}", Networks, StringComparison.Ordinal)
            .Replace("{weights}", Weights, StringComparison.Ordinal);

        Assert.Equal(await _pair.AskAsync(command, haproxy: true), await _pair.AskAsync(command, haproxy: false));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("example.com")]
    [InlineData("www.example.org")]
    [InlineData("a")]
    public async Task TheConverters_FindWhatGetMapFinds(string key)
    {
        var haproxy = await _pair.GetAsync("/", haproxy: true, ("x-k", key));

        Assert.Equal(haproxy, await _pair.GetAsync("/", haproxy: false, ("x-k", key)));
        if (key == "abc")
        {
            // map_beg takes the longest prefix (HAProxy's prefix tree), not the first in the file.
            Assert.Contains(" 0 22 ", haproxy);
        }
    }

    [Fact]
    public async Task AnAclsOwnPatterns_AreLookedUpByTheirNumber()
    {
        foreach (bool haproxy in new[] { true, false })
        {
            string list = await _pair.AskAsync("show acl", haproxy);
            string id = list.Split('\n').Single(line => line.Contains("acl 'req.hdr'", StringComparison.Ordinal) && line.EndsWith("entry_cnt=2", StringComparison.Ordinal)).Split(' ')[0];
            Assert.Equal("type=str, case=sensitive, match=yes, idx=tree, pattern=\"beta\"\n\n", await _pair.AskAsync($"get acl #{id} beta", haproxy));
        }
    }

    [Fact]
    public async Task TheFilesNumbers_SkipThoseAnAclsUChose()
    {
        // Each file's number and name, as both list them (the descriptions say where each is used, in each one's file).
        static string Numbers(string list) => string.Join('\n', list.Split('\n').Where(l => l.Contains(" (/", StringComparison.Ordinal)).Select(l => l[..l.IndexOf(')', StringComparison.Ordinal)]));
        string haproxy = Numbers(await _pair.AskAsync("show map", haproxy: true));

        Assert.Equal(haproxy, Numbers(await _pair.AskAsync("show map", haproxy: false)));
        Assert.StartsWith("0 (", haproxy);
        Assert.DoesNotContain("\n1 (", haproxy);
    }

    private static string Quoted(string text) => $"\"{text.Replace("\"", "\\\"", StringComparison.Ordinal)}\"";

    public async Task DisposeAsync() => await _pair.DisposeAsync();
}
