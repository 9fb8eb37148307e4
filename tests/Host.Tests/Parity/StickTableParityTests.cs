using System.Text.RegularExpressions;

namespace ActorProxy.Host.Tests.Parity;

/// <summary>Issue #14, point 7, on one node: stick tables alike on HAProxy 2.6 and ActorProxy —
/// <c>http-request track-sc0</c> counting requests, rates, current connections and errors, the
/// classic rate limit (<c>deny … if { sc_http_req_rate(0) gt N }</c>), <c>sc-inc-gpc0</c> and
/// <c>sc-set-gpt0</c>, the <c>sc_*</c>, <c>sc0_*</c>, <c>src_*</c>, <c>table_*</c> fetches and
/// converters, and the runtime's <c>show table</c>, <c>set table</c>, <c>clear table</c> with the
/// same answers.</summary>
public sealed class StickTableParityTests : IAsyncLifetime
{
    private readonly RuntimeCommandPair _pair = new();

    public async Task InitializeAsync()
    {
        string table = "type ip size 100 expire 60s store http_req_cnt,http_req_rate(60s),conn_cur,conn_cnt,http_err_cnt,gpc0,gpc0_rate(60s),gpt0,bytes_in_cnt";
        string keys = "type string len 8 size 10 store http_req_cnt";
        string[] rules =
        [
            "http-request track-sc0 src",
            "http-request track-sc1 req.hdr(x-user) table users if { req.hdr(x-user) -m found }",
            "http-request sc-inc-gpc0(0) if { path_beg /inc }",
            "http-request sc-set-gpt0(0) 7 if { path_beg /tag }",
            "http-request deny deny_status 429 if { sc_http_req_rate(0) gt 6 }",
            "http-request return status 404 if { path_beg /missing }",
            "http-request return status 200 content-type text/plain lf-string \"cnt=%[sc0_http_req_cnt] rate=%[sc_http_req_rate(0)] cur=%[sc0_conn_cur] conns=%[sc0_conn_cnt] err=%[sc0_http_err_cnt] gpc0=%[sc0_get_gpc0] gpt0=%[sc0_get_gpt0] src=%[src_http_req_cnt] user=%[sc1_http_req_cnt] tracked=%[sc1_tracked] avl=%[table_avl] used=%[table_cnt(users)] in=%[req.hdr(x-user),in_table(users)] byuser=%[req.hdr(x-user),table_http_req_cnt(users)] none=%[sc2_http_req_cnt]\"",
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
              stick-table {table}
            {string.Concat(rules.Select(r => "  " + r + "\n"))}
            backend users
              stick-table {keys}

            """, $$"""
              frontends.web {
                bind = "127.0.0.1:{{_pair.ActorProxyPort}}"
                stick-table = "{{table}}"
                http-request = [ {{string.Join(", ", rules.Select(r => Quoted(r["http-request ".Length..])))}} ]
              }
              backends.users { stick-table = "{{keys}}" }
            """);
    }

    [Fact]
    public async Task TrackedCounters_CountAndLimitAsHaproxy()
    {
        (string Path, (string, string)[] Headers)[] requests =
        [
            ("/", []),
            ("/inc", []),
            ("/inc", [("x-user", "alice")]),
            ("/tag", [("x-user", "a-very-long-user")]),
            ("/missing", []),
            ("/", [("x-user", "alice")]),
            ("/", []),
            ("/", []),
            ("/", []),
        ];
        foreach (var (path, headers) in requests)
        {
            Assert.Equal(await _pair.GetAsync(path, haproxy: true, headers), await _pair.GetAsync(path, haproxy: false, headers));
        }
        string limited = await _pair.GetAsync("/", haproxy: false);
        Assert.StartsWith("429", limited);
        Assert.Equal(await _pair.GetAsync("/", haproxy: true), limited);
        foreach (string command in new[] { "show table", "show table web", "show table users", "show table users key alice", "show table web data.gpc0 gt 1", "show table nowhere" })
        {
            Assert.Equal(await AskAsync(command, haproxy: true), await AskAsync(command, haproxy: false));
        }
    }

    [Fact]
    public async Task SetAndClearTable_AnswerAsHaproxy_AndTheRulesSeeThem()
    {
        Assert.Equal(await _pair.GetAsync("/", haproxy: true), await _pair.GetAsync("/", haproxy: false));
        string[] commands =
        [
            // With neither key nor filter, HAProxy's set table removes what no stream tracks, as clear does.
            "set table web",
            "show table web",
            "set table web key 127.0.0.1 data.gpc0 41 data.gpt0 3",
            "set table web key 127.0.0.1 data.nothing 1",
            "set table web key 127.0.0.1 data.http_fail_cnt 1",
            "set table web key 127.0.0.1 data.gpc0 x",
            "set table web key not-an-ip data.gpc0 1",
            "set table users key bob data.http_req_cnt 5",
            "show table users",
            "clear table users key bob",
            "clear table users key carol",
            "show table users",
            "clear table web data.gpc0 gt 100",
            "clear table web data.gpc0 eq",
            "show table web data.gpc0",
            "set table nowhere key a",
        ];
        foreach (string command in commands)
        {
            Assert.Equal(await AskAsync(command, haproxy: true), await AskAsync(command, haproxy: false));
        }
        Assert.Equal(await _pair.GetAsync("/inc", haproxy: true), await _pair.GetAsync("/inc", haproxy: false));
        string counted = await _pair.GetAsync("/", haproxy: false);
        Assert.Contains("gpc0=42 gpt0=3", counted);
        Assert.Equal(await _pair.GetAsync("/", haproxy: true), counted);
        Assert.Equal(await AskAsync("show table web", haproxy: true), await AskAsync("show table web", haproxy: false));
    }

    // An entry's reference and its milliseconds left differ between any two runs.
    private async Task<string> AskAsync(string command, bool haproxy) =>
        Regex.Replace(Regex.Replace(await _pair.AskAsync(command, haproxy), "^0x[0-9a-f]+:", "0x…:", RegexOptions.Multiline), @"exp=\d+", "exp=…");

    private static string Quoted(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    public async Task DisposeAsync() => await _pair.DisposeAsync();
}
