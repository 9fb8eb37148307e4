using ActorProxy.Host.Tests.StatsSocket;

namespace ActorProxy.Host.Tests.Parity;

/// <summary>Issue #14, point 3: HAProxy's runtime map commands on the stats socket (<c>show map</c>,
/// <c>add map</c>, <c>set map</c>, <c>del map</c>, <c>clear map</c>), sent alike to HAProxy 2.6
/// and ActorProxy: the same answers, and the map converters of both see the changes.</summary>
public sealed class MapRuntimeParityTests : IAsyncLifetime
{
    private readonly RuntimeCommandPair _pair = new();

    private string HostsMap => Path.Combine(_pair.Directory.FullName, "hosts.map");

    private string WeightsMap => Path.Combine(_pair.Directory.FullName, "weights.map");

    public async Task InitializeAsync()
    {
        File.WriteAllText(HostsMap, "example.com pool-a\ndup first\ndup second\n");
        File.WriteAllText(WeightsMap, "a 1\n");
        string format = $"v=%[req.hdr(x-k),map({HostsMap},none)] w=%[req.hdr(x-k),map_str_int({WeightsMap},0)]";
        // http-request set-map and del-map, on /set and /del.
        string[] mapRules =
        [
            $"http-request set-map({HostsMap}) %[req.hdr(x-k)] %[req.hdr(x-v)] if {{ path /set }}",
            $"http-request del-map({HostsMap}) %[req.hdr(x-k)] if {{ path /del }}",
            $"http-request set-map({WeightsMap}) %[req.hdr(x-k)] %[req.hdr(x-v)] if {{ path /weight }}",
            "http-request set-map(/not-a-map.map) %[req.hdr(x-k)] x if { path /set }",
        ];
        await _pair.StartAsync($"""
            global
              {_pair.HaproxyStatsSocket}
            defaults
              mode http
              timeout connect 2s
              timeout client 5s
              timeout server 5s
            frontend web
              bind 127.0.0.1:{_pair.HaproxyPort}
            {string.Concat(mapRules.Select(r => "  " + r + "\n"))}  http-request return status 200 content-type text/plain lf-string "{format}"

            """, $$"""
              frontends.web {
                bind = "127.0.0.1:{{_pair.ActorProxyPort}}"
                http-request = [ {{string.Concat(mapRules.Select(r => $"\"{r[13..].Replace("\"", "\\\"", StringComparison.Ordinal)}\", "))}}"return status 200 content-type text/plain lf-string \"{{format}}\"" ]
              }
            """);
    }

    [Fact]
    public async Task MapCommands_AnswerAsHaproxy_AndTheConvertersSeeTheirChanges()
    {
        string[] commands =
        [
            $"show map {HostsMap}",
            $"add map {HostsMap} new.com pool-n",
            $"set map {HostsMap} dup changed",
            $"set map {HostsMap} absent x",
            $"del map {HostsMap} example.com",
            $"del map {HostsMap} absent",
            $"show map {HostsMap}",
            "show map /nowhere.map",
            $"add map {HostsMap} onlykey",
            "add map #{weights} b 7",
            "show map #{weights}",
        ];
        foreach (string command in commands)
        {
            Assert.Equal(await AskAsync(command, haproxy: true), await AskAsync(command, haproxy: false));
        }
        foreach (string key in new[] { "new.com", "dup", "example.com", "b" })
        {
            Assert.Equal(await GetAsync(key, haproxy: true), await GetAsync(key, haproxy: false));
        }
        Assert.Equal("v=pool-n w=0", await GetAsync("new.com", haproxy: false));

        // The first entry's reference, as show map prints it, names it in set map.
        string reference = (await Socat.RunAsync($"show map {HostsMap}\n", _pair.Socket(haproxy: false))).Split(' ')[0];
        // An empty answer: only the empty line that ends every answer.
        Assert.Equal("\n", await Socat.RunAsync($"set map {HostsMap} #{reference} by-reference\n", _pair.Socket(haproxy: false)));
        Assert.Equal("v=by-reference w=0", await GetAsync("dup", haproxy: false));
        foreach (string command in new[] { $"clear map {HostsMap}", $"show map {HostsMap}" })
        {
            Assert.Equal(await AskAsync(command, haproxy: true), await AskAsync(command, haproxy: false));
        }
        Assert.Equal(await GetAsync("dup", haproxy: true), await GetAsync("dup", haproxy: false));
        Assert.Contains("entry_cnt=0", await Socat.RunAsync("show map\n", _pair.Socket(haproxy: false)));
    }

    [Fact]
    public async Task SetMapAndDelMapRules_ChangeTheMapAsHaproxys()
    {
        foreach (var (path, key, value) in new[] { ("/set", "dup", "set"), ("/set", "fresh", "new"), ("/del", "example.com", ""), ("/weight", "a", "heavy"), ("/weight", "z", "9") })
        {
            Assert.Equal(await GetAsync(key, haproxy: true, path, value), await GetAsync(key, haproxy: false, path, value));
        }
        foreach (string command in new[] { $"show map {HostsMap}", $"show map {WeightsMap}" })
        {
            Assert.Equal(await AskAsync(command, haproxy: true), await AskAsync(command, haproxy: false));
        }
        Assert.Equal("v=new w=0", await GetAsync("fresh", haproxy: false));
        Assert.Equal("v=none w=9", await GetAsync("z", haproxy: false));
    }

    [Fact]
    public async Task AValueTheMapsConvertersCannotRead_IsRefused_AndTheMapKept()
    {
        string answer = await Socat.RunAsync($"add map {WeightsMap} c heavy\n", _pair.Socket(haproxy: false));

        Assert.Equal("unable to parse 'heavy'.\n\n", answer);
        Assert.Equal("v=none w=1", await GetAsync("a", haproxy: false));
        Assert.DoesNotContain(" c ", await AskAsync($"show map {WeightsMap}", haproxy: false));
    }

    [Fact]
    public async Task AddMapWithAPayload_AddsEachLineUntilOneIsRefused_AsHaproxy()
    {
        string[] requests =
        [
            $"add map {WeightsMap} <<\nx 5\ny\t 6\nz  6 7\nw 8\n\n",
            $"add map {WeightsMap} <<\nv\n\n",
            $"add map {WeightsMap} <<\n\n",
            $"add map {WeightsMap} <<\nu 1\n",
            $"add map {HostsMap} <<\nwith.spaces a value with spaces\n\n",
            $"add acl {WeightsMap} <<\nq\n\n",
        ];
        foreach (string request in requests)
        {
            Assert.Equal(await Socat.RunAsync(request, _pair.Socket(haproxy: true)), await Socat.RunAsync(request, _pair.Socket(haproxy: false)));
        }
        foreach (string command in new[] { $"show map {WeightsMap}", $"show map {HostsMap}" })
        {
            Assert.Equal(await AskAsync(command, haproxy: true), await AskAsync(command, haproxy: false));
        }
        Assert.Equal("v=a value with spaces w=0", await GetAsync("with.spaces", haproxy: false));
        Assert.Equal("v=none w=6", await GetAsync("y", haproxy: false));
    }

    // An entry's reference is its address on HAProxy, a number on ActorProxy: both as 0x…. A map's
    // #ID is each proxy's own (HAProxy numbers set-map's references first): "#{weights}" is the
    // weights map's, as that proxy's show map lists it.
    private async Task<string> AskAsync(string command, bool haproxy)
    {
        if (command.Contains("#{weights}", StringComparison.Ordinal))
        {
            string list = await Socat.RunAsync("show map\n", _pair.Socket(haproxy));
            string id = list.Split('\n').Single(line => line.Contains($"({WeightsMap})", StringComparison.Ordinal)).Split(' ')[0];
            command = command.Replace("#{weights}", "#" + id, StringComparison.Ordinal);
        }
        return await _pair.AskAsync(command, haproxy);
    }

    // The body only: the status is always 200.
    private async Task<string> GetAsync(string key, bool haproxy, string path = "/", string value = "") =>
        (await _pair.GetAsync(path, haproxy, ("x-k", key), ("x-v", value)))[4..];

    public async Task DisposeAsync() => await _pair.DisposeAsync();
}
