using System.Net;
using System.Net.Sockets;
using ActorProxy.Runtime.Lua.Api;

namespace ActorProxy.Runtime.Tests.Lua.Api;

public class LuaAddressTests
{
    [Theory]
    [InlineData("127.0.0.1:8080", "127.0.0.1:8080")]
    [InlineData("ipv4@10.0.0.1:80", "10.0.0.1:80")]
    [InlineData("ipv6@[::1]:443", "[::1]:443")]
    [InlineData("[::1]:443", "[::1]:443")]
    public void IpForms_AreEndPoints(string address, string expected) =>
        Assert.Equal(IPEndPoint.Parse(expected), LuaAddress.Parse(address));

    [Fact]
    public void UnixAndHostForms_AreEndPoints()
    {
        Assert.Equal("/run/app.sock", Assert.IsType<UnixDomainSocketEndPoint>(LuaAddress.Parse("unix@/run/app.sock")).ToString());
        var host = Assert.IsType<DnsEndPoint>(LuaAddress.Parse("app.internal:8080"));
        Assert.Equal(("app.internal", 8080), (host.Host, host.Port));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:0")]
    [InlineData("127.0.0.1:70000")]
    [InlineData("ipv4@[::1]:80")]
    [InlineData("ipv6@127.0.0.1:80")]
    [InlineData("tcp@127.0.0.1:80")]
    [InlineData("unix@")]
    [InlineData("ipv4@app.internal:80")]
    public void OtherForms_AreRefused(string address) => Assert.Null(LuaAddress.Parse(address));
}
