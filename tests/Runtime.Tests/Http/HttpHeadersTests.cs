using ActorProxy.Runtime.Http;

namespace ActorProxy.Runtime.Tests.Http;

public class HttpHeadersTests
{
    [Fact]
    public void Version_MovesOnEveryChange_AndOnlyThen()
    {
        var headers = new HttpHeaders();
        headers.Add("Cookie", "a");
        headers.Add("cookie", "b");
        int version = headers.Version;

        Assert.Equal(["a", "b"], headers.GetValues("COOKIE"));
        Assert.Equal("b", headers.GetLast("cookie"));
        Assert.Equal(version, headers.Version);

        headers.Set("x-new", "1");
        Assert.NotEqual(version, headers.Version);
        version = headers.Version;
        headers.Replace("cookie", new System.Text.RegularExpressions.Regex("a"), "c");
        Assert.NotEqual(version, headers.Version);
        Assert.Equal(["c", "b"], headers.GetValues("cookie"));
        version = headers.Version;
        headers.Remove("x-new");
        Assert.NotEqual(version, headers.Version);
    }
}
