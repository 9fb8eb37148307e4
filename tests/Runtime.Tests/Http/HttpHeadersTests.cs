using ActorProxy.Runtime.Http;

namespace ActorProxy.Runtime.Tests.Http;

public class HttpHeadersTests
{
    [Fact]
    public void ChangedNames_ListEachTouchedFieldOnce_AndReadsChangeNothing()
    {
        var headers = new HttpHeaders();
        headers.Add("Cookie", "a");
        headers.Add("cookie", "b");
        headers.Add("Host", "example.org");
        headers.AcceptChanges();

        Assert.Equal(["a", "b"], headers.GetValues("COOKIE"));
        Assert.Equal("b", headers.GetLast("cookie"));
        Assert.Empty(headers.ChangedNames);

        headers.Set("x-new", "1");
        headers.ReplaceLines("COOKIE", value => value == "a" ? "c" : null);
        headers.Remove("X-New");
        headers.Add("cookie", "d");

        Assert.False(headers.WasCleared);
        Assert.Equal(["x-new", "COOKIE"], headers.ChangedNames);
        Assert.Equal(["c", "b", "d"], headers.GetValues("cookie"));
        Assert.Null(headers.GetLast("x-new"));
    }

    [Fact]
    public void Clear_MakesTheWholeSetNew_UntilAccepted()
    {
        var headers = new HttpHeaders();
        headers.Add("Host", "example.org");
        headers.AcceptChanges();

        headers.Clear();
        headers.Add("x-only", "1");

        Assert.True(headers.WasCleared);
        headers.AcceptChanges();
        Assert.False(headers.WasCleared);
        Assert.Empty(headers.ChangedNames);
        Assert.Equal("1", headers.GetLast("x-only"));
    }
}
