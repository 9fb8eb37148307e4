namespace ActorProxy.Host.Tests.Logging;

/// <summary>
/// The access log against HAProxy 2.6 itself: the same frontends on both, their lines sent over
/// UDP syslog to a receiver each, the same requests, and the lines compared once what differs by
/// nature is masked (the syslog header's date, tag and pid, dates, client and listening ports,
/// the timers' values — not whether a timer is -1). <c>%B</c> is checked on its own: on each
/// side it is HAProxy's measure of the answer that side sent (the two answers differ: ActorProxy's
/// web server puts a Date field on the proxy's own replies).
/// </summary>
public sealed class AccessLogParityTests(AccessLogPair pair) : IClassFixture<AccessLogPair>
{
    [Theory]
    [InlineData("GET /a?b=c HTTP/1.1\r\nHost: h\r\nUser-Agent: t\"#{|}x\r\nConnection: close\r\n\r\n", true)]
    [InlineData("GET /deny HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", false)]
    [InlineData("GET /return HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", false)]
    [InlineData("GET /redirect HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", false)]
    [InlineData("GET /service HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", false)]
    [InlineData("GET /err HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", true)]
    [InlineData("GET /lua-level HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", true)]
    [InlineData("GET /dead HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", false)]
    public async Task HttpLog_WritesHaproxysLine(string request, bool proxied)
    {
        var (haproxy, actorProxy) = await pair.BothAsync("fe", request, proxied);
        Assert.Equal(haproxy.Line, actorProxy.Line);
        Assert.Equal(haproxy.MeasuredBytes, haproxy.LoggedBytes);
        Assert.Equal(actorProxy.MeasuredBytes, actorProxy.LoggedBytes);
    }

    [Theory]
    [InlineData("POST http://h/p/q?z HTTP/1.1\r\nHost: h\r\nX-A: first\r\nX-A: second\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n")]
    [InlineData("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc")]
    [InlineData("GET /%22x%23?q=%7f HTTP/1.1\r\nHost: h\r\nX-A: \"#\r\nConnection: close\r\n\r\n")]
    public async Task LogFormat_PrintsHaproxysVariables(string request)
    {
        var (haproxy, actorProxy) = await pair.BothAsync("lf", request);
        Assert.Equal(haproxy.Line, actorProxy.Line);
    }

    [Fact]
    public async Task ConnectionWithoutRequest_IsLoggedAsBadRequest_UnlessDontLogNull()
    {
        await AccessLogPair.CloseAtOnceAsync(pair.Port("fe", haproxy: true));
        string haproxyLine = pair.Normalise(await pair.HaproxyLog.NextAsync(), "fe");
        await AccessLogPair.CloseAtOnceAsync(pair.Port("fe", haproxy: false));
        string actorProxyLine = pair.Normalise(await pair.ActorProxyLog.NextAsync(), "fe");
        await AccessLogPair.CloseAtOnceAsync(pair.Port("quiet", haproxy: true));
        await AccessLogPair.CloseAtOnceAsync(pair.Port("quiet", haproxy: false));
        Assert.Contains("\"<BADREQ>\"", haproxyLine);
        // A connection of the test before may still be counted (%ac/%fc) by either proxy as this
        // line is written (HAProxy 2.6 once counted 2/2 here): a race, not compared.
        Assert.Equal(WithoutConnectionCounts(haproxyLine), WithoutConnectionCounts(actorProxyLine));
        // The quiet frontend's empty connection wrote nothing: its next line is its next request's.
        // Whether that empty connection is still counted then (%ac/%fc) is a race on both.
        var (haproxy, actorProxy) = await pair.BothAsync("quiet", "GET /after HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
        Assert.Contains("/after", haproxy.Line);
        Assert.Equal(WithoutConnectionCounts(haproxy.Line), WithoutConnectionCounts(actorProxy.Line));
    }

    [Fact]
    public async Task SetLogLevelSilent_WritesNoLine()
    {
        foreach (bool side in new[] { true, false })
        {
            await AccessLogPair.SendAsync(pair.Port("fe", side), "GET /silent HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
        }
        var (haproxy2, actorProxy) = await pair.BothAsync("fe", "GET /after-silent HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
        Assert.Contains("/after-silent", haproxy2.Line);
        Assert.Equal(haproxy2.Line, actorProxy.Line);
    }

    [Fact]
    public async Task NoFormat_LogsEachConnectionAsItIsAccepted()
    {
        var (haproxy, actorProxy) = await pair.BothAsync("plain", "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
        Assert.StartsWith("<134>Connect from 127.0.0.1:P to 127.0.0.1:FP (plain/HTTP)", haproxy.Line);
        Assert.Equal(haproxy.Line, actorProxy.Line);
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("tcpdead")]
    public async Task TcpLog_WritesHaproxysLine(string frontend)
    {
        var (haproxy, actorProxy) = await pair.BothAsync(frontend, "GET / HTTP/1.0\r\n\r\n");
        Assert.Equal(haproxy.Line, actorProxy.Line);
    }


    [Fact]
    public async Task OverTls_TheFrontendHasItsTilde_AndTheProtocolIsLogged()
    {
        var (haproxy, actorProxy) = await pair.BothAsync("tls", port => pair.SendTlsAsync(port, "GET /tls HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"));
        Assert.Contains(" tls~ origin/s1 ", haproxy.Line);
        Assert.Contains(" TLSv1.3 ", haproxy.Line);
        Assert.Equal(haproxy.Line, actorProxy.Line);
        Assert.Equal(haproxy.MeasuredBytes, haproxy.LoggedBytes);
        Assert.Equal(actorProxy.MeasuredBytes, actorProxy.LoggedBytes);
    }

    [Fact]
    public async Task OverHttp2_TheRequestLineHasTheAbsoluteUri()
    {
        var (haproxy, actorProxy) = await pair.BothAsync("h2", port => AccessLogPair.SendHttp2Async(port, "/over-h2?x=1"));
        Assert.EndsWith("\"GET http://127.0.0.1:FP/over-h2?x=1 HTTP/2.0\"", haproxy.Line);
        Assert.Equal(haproxy.Line, actorProxy.Line);
    }

    [Fact]
    public async Task TcpContentReject_IsLogged_ButAConnectionRejectIsNot()
    {
        foreach (bool side in new[] { true, false })
        {
            try
            {
                await AccessLogPair.SendAsync(pair.Port("rejected", side), "x");
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException)
            {
                // Rejected as it connected: reset, at the connect or at the write.
            }
        }
        var (haproxy, actorProxy) = await pair.BothAsync("refused", "x");
        Assert.Contains(" refused refused/<NOSRV> -1/-1/N 0 PR ", haproxy.Line);
        Assert.Equal(haproxy.Line, actorProxy.Line);
    }

    private static string WithoutConnectionCounts(string line) =>
        System.Text.RegularExpressions.Regex.Replace(line, @" \d+/\d+/(\d+/\d+/\+?\d+ \d+/\d+ )", " A/F/$1");

    [Theory]
    [InlineData("/clf?a=\"b\"")]
    [InlineData("/dead")]
    public async Task HttplogClf_AndLogSeparateErrors_AreHaproxys(string path)
    {
        var (haproxy, actorProxy) = await pair.BothAsync("clf", $"GET {path} HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
        // A 503 is an error: level err (<131>) with log-separate-errors, info (<134>) otherwise.
        Assert.StartsWith(path == "/dead" ? "<131>127.0.0.1 - - [" : "<134>127.0.0.1 - - [", haproxy.Line);
        Assert.Contains(path == "/dead" ? " 503 " : " 200 ", haproxy.Line);
        Assert.Equal(Clf(haproxy.Line), Clf(actorProxy.Line));
    }

    // CLF writes its date, the client's port, the accept's milliseconds, the size and the timers as
    // plain numbers: each is a number (a -1 stays); the size is checked elsewhere, the answers differ.
    private static string Clf(string line) =>
        System.Text.RegularExpressions.Regex.Replace(
            System.Text.RegularExpressions.Regex.Replace(line, @"\[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d \+0000\]", "[DATE]"),
            @"(?<= )\d+(?= )", "N");
}
