namespace ActorProxy.Host.Tests.Parity;

/// <summary>Issue #14, point 3: ACL files changed at run time, alike on HAProxy 2.6 and ActorProxy
/// — the runtime's <c>show acl</c>, <c>add acl</c>, <c>del acl</c>, <c>clear acl</c>, the
/// <c>add-acl</c>/<c>del-acl</c> rules, Lua's <c>core.add_acl</c>/<c>core.del_acl</c>, an ACL that
/// loads a map file's keys (<c>-M</c>) — with the same answers, and the ACLs of both then match
/// alike.</summary>
public sealed class AclRuntimeParityTests : IAsyncLifetime
{
    private readonly RuntimeCommandPair _pair = new();

    private string Blocked => Path.Combine(_pair.Directory.FullName, "blocked.acl");

    private string Paths => Path.Combine(_pair.Directory.FullName, "paths.map");

    public async Task InitializeAsync()
    {
        File.WriteAllText(Blocked, "10.0.0.0/8\n# a comment\n  192.168.1.1\n");
        File.WriteAllText(Paths, "/admin internal\n/api public\n");
        File.WriteAllText(Path.Combine(_pair.Directory.FullName, "acl.lua"), $$"""
            core.register_action("lua_acl", { "http-req" }, function(txn)
              local add, del = txn.sf:req_hdr("x-lua-add"), txn.sf:req_hdr("x-lua-del")
              if add ~= "" then core.add_acl("{{Blocked}}", add) end
              if del ~= "" then core.del_acl("{{Blocked}}", del) end
              local _, e = pcall(core.add_acl, "/not-an-acl.acl", "x")
              txn:set_var("txn.error", (tostring(e):gsub("^.-:%d+: ", "")))
            end)
            """);
        string[] acls = [$"blocked req.hdr(x-ip) -m ip -f {Blocked}", $"paths path -M -f {Paths}"];
        string[] rules =
        [
            $"http-request add-acl({Blocked}) %[req.hdr(x-add)] if {{ req.hdr(x-add) -m found }}",
            $"http-request del-acl({Blocked}) %[req.hdr(x-del)] if {{ req.hdr(x-del) -m found }}",
            "http-request lua.lua_acl",
            "http-request return status 403 content-type text/plain lf-string \"blocked %[var(txn.error)]\" if blocked",
            $"http-request return status 200 content-type text/plain lf-string \"path %[path,map({Paths},none)] %[var(txn.error)]\" if paths",
            "http-request return status 200 content-type text/plain lf-string \"open %[var(txn.error)]\"",
        ];
        await _pair.StartAsync($"""
            global
              {_pair.HaproxyStatsSocket}
              lua-load {_pair.Directory.FullName}/acl.lua
            defaults
              mode http
              timeout connect 2s
              timeout client 5s
              timeout server 5s
            frontend web
              bind 127.0.0.1:{_pair.HaproxyPort}
            {string.Concat(acls.Select(a => "  acl " + a + "\n"))}{string.Concat(rules.Select(r => "  " + r + "\n"))}
            """, $$"""
              frontends.web {
                bind = "127.0.0.1:{{_pair.ActorProxyPort}}"
                acl = [ {{string.Join(", ", acls.Select(Quoted))}} ]
                http-request = [ {{string.Join(", ", rules.Select(r => Quoted(r["http-request ".Length..])))}} ]
              }
            """, ", lua-load = [ \"acl.lua\" ]");
    }

    [Fact]
    public async Task AclCommands_AnswerAsHaproxy_AndTheAclsSeeTheirChanges()
    {
        string[] commands =
        [
            $"show acl {Blocked}",
            $"add acl {Blocked} 1.2.3.4",
            $"add acl {Blocked} not-an-ip",
            $"show acl {Blocked}",
            $"del acl {Blocked} 192.168.1.1",
            $"del acl {Blocked} 9.9.9.9",
            $"del acl {Blocked}",
            $"add acl {Blocked}",
            "show acl /nowhere.acl",
            $"add acl {Paths} /new",
            $"show acl {Paths}",
            $"show map {Paths}",
            $"show map {Blocked}",
        ];
        foreach (string command in commands)
        {
            Assert.Equal(await AskAsync(command, haproxy: true), await AskAsync(command, haproxy: false));
        }
        foreach (string ip in new[] { "10.1.2.3", "1.2.3.4", "192.168.1.1", "8.8.8.8" })
        {
            Assert.Equal(await GetAsync("/x", haproxy: true, ("x-ip", ip)), await GetAsync("/x", haproxy: false, ("x-ip", ip)));
        }
        Assert.Equal("403 blocked 'add_acl': unknown acl file '/not-an-acl.acl'", await GetAsync("/x", haproxy: false, ("x-ip", "1.2.3.4")));

        foreach (string command in new[] { $"clear acl {Blocked}", $"show acl {Blocked}" })
        {
            Assert.Equal(await AskAsync(command, haproxy: true), await AskAsync(command, haproxy: false));
        }
        Assert.Equal(await GetAsync("/x", haproxy: true, ("x-ip", "10.1.2.3")), await GetAsync("/x", haproxy: false, ("x-ip", "10.1.2.3")));
        // Both list the files' references among the ACLs and the maps (numbers and descriptions are each proxy's own).
        Assert.Contains($"({Blocked}) pattern loaded from file '{Blocked}' used by acl", await AskAsync("show acl", haproxy: false));
        Assert.Contains($"({Paths}) pattern loaded from file '{Paths}' used by map", await AskAsync("show map", haproxy: false));
    }

    [Fact]
    public async Task AddAclAndDelAclRulesAndLua_ChangeTheFileAsHaproxys()
    {
        (string, string)[][] requests =
        [
            [("x-add", "172.16.0.0/12")],
            [("x-add", "172.16.0.0/12")],
            [("x-add", "not-an-ip")],
            [("x-ip", "172.16.5.5")],
            [("x-del", "10.0.0.0/8")],
            [("x-ip", "10.9.9.9")],
            [("x-lua-add", "8.8.8.8")],
            [("x-ip", "8.8.8.8")],
            [("x-lua-del", "8.8.8.8")],
            [("x-ip", "8.8.8.8")],
        ];
        foreach (var headers in requests)
        {
            Assert.Equal(await GetAsync("/x", haproxy: true, headers), await GetAsync("/x", haproxy: false, headers));
        }
        Assert.Equal(await AskAsync($"show acl {Blocked}", haproxy: true), await AskAsync($"show acl {Blocked}", haproxy: false));
        Assert.Equal("200 open 'add_acl': unknown acl file '/not-an-acl.acl'", await GetAsync("/x", haproxy: false, ("x-ip", "8.8.8.8")));
        Assert.Equal("200 path public 'add_acl': unknown acl file '/not-an-acl.acl'", await GetAsync("/api", haproxy: false));
    }

    private static string Quoted(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private Task<string> AskAsync(string command, bool haproxy) => _pair.AskAsync(command, haproxy);

    private Task<string> GetAsync(string path, bool haproxy, params (string Name, string Value)[] headers) => _pair.GetAsync(path, haproxy, headers);

    public async Task DisposeAsync() => await _pair.DisposeAsync();
}
