using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Samples;

namespace ActorProxy.Runtime.Tests.Samples;

public sealed class SampleMapTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("actorproxy-maps");

    [Fact]
    public void RelativeMapFile_IsReadFromTheGivenFolder_WhenTheConfigurationIs()
    {
        File.WriteAllText(Path.Combine(_directory.FullName, "hosts.map"), "a.test pool-a\n");
        var sample = SampleExpression.Parse("str(a.test),map(hosts.map,none)", Files());
        File.Delete(Path.Combine(_directory.FullName, "hosts.map"));

        Assert.Equal("pool-a", sample.Evaluate(new HttpExchange("web", "GET", "/", null, "HTTP/1.1"), null));
    }

    [Fact]
    public void ValueThatIsNotTheOutputType_IsRefused_NamingTheFileAndLine()
    {
        File.WriteAllText(Path.Combine(_directory.FullName, "weights.map"), "# weights\na 1\nb heavy\n");

        var error = Assert.Throws<SampleSyntaxException>(() => SampleExpression.Parse("str(a),map_str_int(weights.map)", Files()));

        Assert.Contains("'map_str_int': map file 'weights.map' line 3: unable to parse 'heavy'", error.Message);
    }

    [Theory]
    [InlineData("str(a),map(missing.map)", "failed to open map file 'missing.map'")]
    [InlineData("str(a),map_str_int(hosts.map,many)", "default value 'many' is not an integer")]
    [InlineData("str(a),map()", "'map': expects the name of a map file")]
    [InlineData("str(a),map_regm(hosts.map)", "unknown converter 'map_regm'")]
    public void BadMapArguments_AreRefused(string expression, string message)
    {
        File.WriteAllText(Path.Combine(_directory.FullName, "hosts.map"), "a 1\n");

        var error = Assert.Throws<SampleSyntaxException>(() => SampleExpression.Parse(expression, Files()));

        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void OneFileMatchedWithSubAndWithEnd_AnswersEachByItsOwnMethod()
    {
        File.WriteAllText(Path.Combine(_directory.FullName, "hosts.map"), "example pool-b\n.org pool-c\n");
        var files = Files();
        var exchange = new HttpExchange("web", "GET", "/", null, "HTTP/1.1");

        Assert.Equal("pool-b", SampleExpression.Parse("str(www.example.org),map_sub(hosts.map)", files).Evaluate(exchange, null));
        Assert.Equal("pool-c", SampleExpression.Parse("str(www.example.org),map_end(hosts.map)", files).Evaluate(exchange, null));
        // One expression for both, named by the first, as HAProxy's get map lists it.
        Assert.Equal(["sub"], files.Maps.All.Single().Expressions.Select(e => PatternExpression.Name(e.Method)));
    }

    private SampleFiles Files() => new(_directory.FullName, new MapReferences());

    public void Dispose() => _directory.Delete(recursive: true);
}
