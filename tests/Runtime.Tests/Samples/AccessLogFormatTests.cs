using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Logging;
using ActorProxy.Runtime.Samples;

namespace ActorProxy.Runtime.Tests.Samples;

/// <summary>An access log's log-format as HAProxy 2.6's sess_build_logline prints it; the
/// differential tests against HAProxy itself are AccessLogParityTests.</summary>
public sealed class AccessLogFormatTests
{
    private static readonly DateTimeOffset Accepted = new(2026, 12, 1, 18, 57, 41, 559, TimeSpan.FromHours(1));

    private static AccessLogEntry Entry() => new()
    {
        ClientAddress = "192.0.2.1",
        ClientPort = 40000,
        LocalAddress = "127.0.0.1",
        LocalPort = 8080,
        Frontend = "fe",
        Backend = "be",
        Server = "s1",
        AcceptDate = Accepted,
        Handshake = 2,
        Idle = 5,
        RequestReceived = 10,
        Queued = 11,
        Connected = 13,
        ResponseReceived = 20,
        Closed = 25,
        BytesIn = 60,
        BytesOut = 77,
        Status = 200,
        RequestLine = "GET /a?b=1 HTTP/1.1",
        ActiveConnections = 2,
        FrontendConnections = 1,
    };

    private static string Render(string format, AccessLogEntry? entry = null) => LogFormat.ParseAccessLog(format).Render(entry ?? Entry());

    [Fact]
    public void HttpLog_IsHaproxysLine() =>
        Assert.Equal("192.0.2.1:40000 [01/Dec/2026:18:57:41.566] fe be/s1 3/1/2/7/18 200 77 - - ---- 2/1/0/0/0 0/0 \"GET /a?b=1 HTTP/1.1\"",
            Render(LogFormat.HttpLog));

    [Fact]
    public void TcpLog_IsHaproxysLine() =>
        Assert.Equal("192.0.2.1:40000 [01/Dec/2026:18:57:41.559] fe be/s1 1/2/25 77 -- 2/1/0/0/0 0/0", Render(LogFormat.TcpLog));

    [Fact]
    public void StepsThatDidNotHappen_AreMinusOne()
    {
        var entry = Entry();
        (entry.Queued, entry.Connected, entry.ResponseReceived) = (-1, -1, -1);
        Assert.Equal("3/-1/-1/-1/18", Render("%TR/%Tw/%Tc/%Tr/%Ta", entry));
    }

    [Fact]
    public void Dates_AreHaproxys()
    {
        Assert.Equal("01/Dec/2026:17:57:41 +0000 01/Dec/2026:18:57:41 +0100 1796147861 559", Render("%T %Tl %Ts %ms"));
        Assert.Equal("01/Dec/2026:17:57:41 +0000 01/Dec/2026:18:57:41 +0100", Render("%trg %trl"));
    }

    [Fact]
    public void RunsOfSpaces_PrintAsOne_AndNoneComesFirst() => Assert.Equal("fe be", Render("  %f    %b"));

    [Fact]
    public void AbsentCaptures_PrintNothing_AndTheirSpacesMerge() => Assert.Equal("fe be", Render("%f %hr %hs %b"));

    [Fact]
    public void AnEmptyVariable_KeepsTheSpacesAroundIt()
    {
        var entry = Entry();
        entry.RequestLine = "GET /a HTTP/1.1";
        Assert.Equal("/a  HTTP/1.1", Render("%HP %HQ %HV", entry));
    }

    [Fact]
    public void Captures_AreFramedAndEncoded()
    {
        var entry = Entry();
        entry.RequestCaptures = ["h\"#{|}", null];
        Assert.Equal("{h#22#23#7B#7C#7D|} h#22#23#7B#7C#7D - \"h#22#23#7B#7C#7D\" \"\"", Render("%hr %hrl %{+Q}hrl", entry));
    }

    [Fact]
    public void AMissingValue_IsADash_OrEmptyQuotes() => Assert.Equal("- \"\" - -", Render("%sslv %{+Q}sslv %CC %[var(txn.nope)]"));

    [Fact]
    public void TheRequestLine_IsEncoded_AndBadRequestWithoutOne()
    {
        var entry = Entry();
        entry.RequestLine = "GET /\"x#\u007f HTTP/1.1";
        Assert.Equal("GET /#22x#23#7F HTTP/1.1 /#22x#23#7F", Render("%r %HU", entry));
        entry.RequestLine = null;
        Assert.Equal("\"<BADREQ>\" <BADREQ> <BADREQ>", Render("%{+Q}r %HM %HPO", entry));
    }

    [Fact]
    public void PathOnly_DropsSchemeAuthorityAndQuery()
    {
        var entry = Entry();
        entry.RequestLine = "POST http://h/p/q?z HTTP/1.1";
        Assert.Equal("http://h/p/q?z http://h/p/q /p/q ?z", Render("%HU %HP %HPO %HQ", entry));
    }

    [Fact]
    public void ARedispatch_IsAPlusBeforeTheRetries()
    {
        var entry = Entry();
        (entry.Retries, entry.Redispatched) = (1, true);
        Assert.Equal("+1", Render("%rc", entry));
    }

    [Fact]
    public void ConnectionSamples_ReadTheTransaction()
    {
        var entry = Entry();
        entry.Transaction = new HttpExchange("fe", "GET", "/", null, "HTTP/1.1") { ClientAddress = "192.0.2.9" };
        Assert.Equal("[192.0.2.9] [-]", Render("[%[src]] [%[var(txn.nope)]]", entry));
    }

    [Theory]
    [InlineData("%[req.hdr(host)]", "sample fetch <req.hdr(host)> may not be reliably used here because it needs HTTP request or response data, which is not available when the log line is written")]
    [InlineData("%[lua.x]", "'%[lua.x]': an access log line is written after the transaction, when no Lua runs for it; ActorProxy takes no Lua sample in a log-format")]
    [InlineData("%rt", "format variable '%rt' is not supported by ActorProxy: ActorProxy numbers no request")]
    [InlineData("%zz", "no such format variable 'zz'. If you wanted to emit the '%' character verbatim, you need to use '%%'")]
    public void WhatALineCannotPrint_IsRefused(string format, string error) =>
        Assert.Equal(error, Assert.Throws<SampleSyntaxException>(() => LogFormat.ParseAccessLog(format)).Message);

    [Fact]
    public void ALogOnlyVariable_IsRefusedInARulesFormat() =>
        Assert.Equal("format variable '%Tr' is only known to ActorProxy in a log-format (it reads what the whole transaction did)",
            Assert.Throws<SampleSyntaxException>(() => LogFormat.Parse("%Tr")).Message);
}
