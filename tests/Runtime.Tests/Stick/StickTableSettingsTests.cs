using ActorProxy.Runtime.Stick;

namespace ActorProxy.Runtime.Tests.Stick;

/// <summary>The stick-table line as HAProxy's parse_stick_table reads it, and its refusals.</summary>
public sealed class StickTableSettingsTests
{
    [Fact]
    public void ALine_GivesTypeSizeExpireAndStores()
    {
        var table = StickTableSettings.Parse("web", "type string len 16 size 100k expire 30s store http_req_rate(10s),conn_cur store gpc0");
        Assert.Equal(StickKeyType.Text, table.Type);
        Assert.Equal(16, table.KeyLength);
        Assert.Equal(102_400, table.Size);
        Assert.Equal(30_000, table.Expire);
        Assert.Equal(10_000u, table.Stores[StickDataType.HttpReqRate]);
        Assert.True(table.Stores.ContainsKey(StickDataType.ConnCur));
        Assert.True(table.Stores.ContainsKey(StickDataType.Gpc0));
        Assert.Equal(31, StickTableSettings.Parse("t", "type string size 1").KeyLength);
    }

    [Fact]
    public void Shape_IsWhatNodesMustAgreeOn_NotSizeOrExpire()
    {
        var table = StickTableSettings.Parse("web", "type string len 16 size 100k expire 30s store http_req_rate(10s),conn_cur store gpc0");

        Assert.Equal("type string len 16 store gpc0,conn_cur,http_req_rate(10000)", table.Shape);
        Assert.Equal(table.Shape, StickTableSettings.Parse("web", "type string len 16 size 1 store gpc0,conn_cur,http_req_rate(10s)").Shape);
        Assert.NotEqual(table.Shape, StickTableSettings.Parse("web", "type string len 16 size 100k store gpc0,conn_cur,http_req_rate(1m)").Shape);
    }

    [Theory]
    [InlineData("size 10", "stick-table: missing type")]
    [InlineData("type ip", "stick-table: missing size")]
    [InlineData("type mac size 1", "stick-table: unknown type 'mac'")]
    [InlineData("type ip size 1 store http_req_rate", "stick-table: missing argument to store option 'http_req_rate'")]
    [InlineData("type ip size 1 store gpc0(10s)", "stick-table: unexpected argument to store option 'gpc0'")]
    [InlineData("type ip size 1 store bogus", "stick-table: unknown store option 'bogus'")]
    [InlineData("type ip size 1 store conn_rate(10s", "stick-table: missing closing parenthesis after store option 'conn_rate'")]
    [InlineData("type ip size 1x", "stick-table: unexpected character 'x' in argument of 'size'")]
    [InlineData("type ip size 1 expire 30y", "stick-table: unexpected character 'y' in argument of 'expire'")]
    [InlineData("type ip size 1 expire 30d", "stick-table: timer overflow in argument <30d> to <expire>, maximum value is 2147483647 ms (~24.8 days)")]
    [InlineData("type ip size 1 peers mypeers", "stick-table: 'peers' is not supported: ActorProxy shares stick tables with its cluster's nodes by itself (no peers section)")]
    [InlineData("type ip size 1 store server_id", "stick-table: store option 'server_id' is not supported: server_id serves 'stick on' persistence, which ActorProxy does not have")]
    [InlineData("type ip size 1 nopurge", "stick-table: 'nopurge' is not supported: a full table refuses new entries instead of dropping the oldest, which ActorProxy does not do yet")]
    [InlineData("type ip size 1 whatever", "stick-table: unknown argument 'whatever'")]
    public void AWrongLine_IsRefusedSayingWhy(string line, string error) =>
        Assert.Equal(error, Assert.Throws<FormatException>(() => StickTableSettings.Parse("web", line)).Message);
}
