using ActorProxy.Host.Configuration;
using ActorProxy.Host.Tests.Tls;
using ActorProxy.Runtime.Config;

namespace ActorProxy.Host.Tests.Configuration;

/// <summary>Issue #13, point 1: a bind's <c>ssl crt … alpn …</c> and a server's <c>ssl verify …
/// ca-file … sni …</c> read, and every certificate that cannot serve and every option not carried
/// out refused at check, the file named.</summary>
public sealed class TlsConfigTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("actorproxy-tlsconfig");
    private readonly TestCertificates _authority = new();

    [Fact]
    public void Read_SslBind_LoadsFilesAndFolders_InOrder_WithAlpn()
    {
        _authority.WriteServer(Path.Combine(_directory.FullName, "a.pem"), false, "a.test");
        Directory.CreateDirectory(Path.Combine(_directory.FullName, "more"));
        _authority.WriteServer(Path.Combine(_directory.FullName, "more", "c.pem"), true, "c.test");
        _authority.WriteServer(Path.Combine(_directory.FullName, "more", "b.pem"), false, "b.test", "*.b.test");

        var ssl = Bind("127.0.0.1:8443 ssl crt a.pem crt more alpn h2,http/1.1").Ssl;

        Assert.NotNull(ssl);
        Assert.Equal(["a.test", "b.test", "c.test"], ssl.Certificates.All.Select(c => c.Names[0]));
        Assert.Equal(["h2", "http/1.1"], ssl.Alpn);
        Assert.All(ssl.Certificates.All, c => Assert.True(c.Leaf.HasPrivateKey));
        Assert.Single(ssl.Certificates.All[0].Chain);
    }

    [Fact]
    public void Read_PlainBind_HasNoSsl() => Assert.Null(Bind("127.0.0.1:8080").Ssl);

    [Fact]
    public void Read_ProtoH2_OnABindAndOnServers()
    {
        Assert.True(Bind("127.0.0.1:8080 proto h2").Http2);
        Assert.False(Bind("127.0.0.1:8080").Http2);
        Assert.True(Server("127.0.0.1:9000 proto h2").Http2);
    }

    [Theory]
    [InlineData("frontends.web { bind = \"127.0.0.1:8080 proto h3\" }", "frontends.web.bind", "proto: 'h3' is not a protocol ActorProxy speaks on a bind")]
    [InlineData("frontends.web { bind = \"127.0.0.1:8080 proto h2\", mode = tcp, default-backend = t }, backends.t { mode = tcp }", "frontends.web.bind", "'proto h2' needs mode http")]
    [InlineData("backends.app.servers { s1 = \"127.0.0.1:9000 proto h2\", s2 = \"127.0.0.1:9001\" }", "backends.app.servers", "'proto h2' is on some servers of the backend but not all")]
    [InlineData("backends.app.servers { s1 = \"127.0.0.1:9000 proto h1\" }", "backends.app.servers.s1", "proto: 'h1' is not a protocol ActorProxy speaks to a server")]
    public void Read_ProtoThatCannotBeHonoured_IsRefused(string section, string key, string reason)
    {
        var failure = Assert.Throws<ConfigException>(() => HoconConfigReader.Read($"actorproxy {{ {section} }}", "test.conf", _directory.FullName));

        var error = Assert.Single(failure.Errors);
        Assert.Equal($"actorproxy.{key}", error.Key);
        Assert.Contains(reason, error.Reason);
    }

    [Theory]
    [InlineData("ssl", "'ssl' needs a certificate")]
    [InlineData("crt a.pem", "'crt', 'alpn', 'verify' and 'ca-file' need 'ssl'")]
    [InlineData("ssl crt", "'crt' expects an argument")]
    [InlineData("ssl crt a.pem ciphers HIGH", "bind option 'ciphers' is not supported by ActorProxy")]
    [InlineData("ssl crt a.pem verify required", "'verify required' needs a 'ca-file'")]
    [InlineData("ssl crt a.pem verify sometimes ca-file a.pem", "verify: expected none, optional or required, not 'sometimes'")]
    [InlineData("verify optional", "need 'ssl' on the same bind")]
    [InlineData("ssl crt a.pem alpn h3", "alpn: 'h3' is not a protocol ActorProxy speaks")]
    [InlineData("ssl crt missing.pem", "missing.pem' does not exist")]
    [InlineData("ssl crt empty", "empty' is a folder with no certificate in it")]
    [InlineData("ssl crt nokey.pem", "nokey.pem' holds no private key, and there is no nokey.pem.key beside it")]
    [InlineData("ssl crt garbage.pem", "garbage.pem' holds no PEM certificate")]
    [InlineData("ssl crt wrongkey.pem", "wrongkey.pem' has a private key that cannot be used with its certificate")]
    public void Read_SslBindThatCannotServe_IsRefusedNamingTheFile(string options, string reason)
    {
        _authority.WriteServer(Path.Combine(_directory.FullName, "a.pem"), false, "a.test");
        Directory.CreateDirectory(Path.Combine(_directory.FullName, "empty"));
        _authority.WriteServer(Path.Combine(_directory.FullName, "nokey.pem"), true, "n.test");
        File.Delete(Path.Combine(_directory.FullName, "nokey.pem.key"));
        File.WriteAllText(Path.Combine(_directory.FullName, "garbage.pem"), "not a certificate\n");
        // A certificate with the key of another.
        _authority.WriteServer(Path.Combine(_directory.FullName, "w1.pem"), true, "w1.test");
        _authority.WriteServer(Path.Combine(_directory.FullName, "w2.pem"), true, "w2.test");
        File.WriteAllText(Path.Combine(_directory.FullName, "wrongkey.pem"),
            File.ReadAllText(Path.Combine(_directory.FullName, "w1.pem")) + File.ReadAllText(Path.Combine(_directory.FullName, "w2.pem.key")));

        var failure = Assert.Throws<ConfigException>(() => Bind($"127.0.0.1:8443 {options}"));

        var error = Assert.Single(failure.Errors);
        Assert.Equal("actorproxy.frontends.web.bind", error.Key);
        Assert.Contains(reason, error.Reason);
    }

    [Fact]
    public void Read_SslServer_TakesItsOptions()
    {
        _authority.WriteRoot(Path.Combine(_directory.FullName, "ca.pem"));

        var ssl = Server("127.0.0.1:8443 ssl verify required ca-file ca.pem sni str(app.test) verifyhost other.test").Ssl;

        Assert.NotNull(ssl);
        Assert.True(ssl.Verify);
        Assert.Equal(_authority.Root.Thumbprint, Assert.Single(ssl.Authorities).Thumbprint);
        Assert.Equal(("app.test", "other.test"), (ssl.ServerName, ssl.VerifyHost));
        Assert.Null(Server("127.0.0.1:8080").Ssl);
        Assert.False(Server("127.0.0.1:8443 ssl verify none").Ssl!.Verify);
    }

    [Theory]
    [InlineData("ssl", "verify is enabled by default but no CA file specified")]
    [InlineData("ssl verify required", "verify is enabled by default but no CA file specified")]
    [InlineData("verify none", "need 'ssl' on the same server")]
    [InlineData("ssl verify sometimes", "verify: expected 'none' or 'required', not 'sometimes'")]
    [InlineData("ssl verify none sni req.hdr(host)", "sni 'req.hdr(host)': ActorProxy pools a server's connections by its address")]
    [InlineData("ssl verify required ca-file none.pem", "none.pem' does not exist")]
    [InlineData("ssl verify none check", "server option 'check' is not supported by ActorProxy")]
    public void Read_SslServerThatCannotBeHonoured_IsRefusedNamingTheServer(string options, string reason)
    {
        var failure = Assert.Throws<ConfigException>(() => Server($"127.0.0.1:8443 {options}"));

        var error = Assert.Single(failure.Errors);
        Assert.Equal("actorproxy.backends.app.servers.s1", error.Key);
        Assert.Contains(reason, error.Reason);
    }

    [Fact]
    public void Read_ProtoH2OnAServerOfATcpBackend_IsRefused()
    {
        var failure = Assert.Throws<ConfigException>(() => HoconConfigReader.Read("""
            actorproxy.backends.app { mode = tcp, servers { s1 = "127.0.0.1:8443 ssl verify none proto h2" } }
            """, "test.conf", _directory.FullName));

        Assert.Contains("'proto h2' on a server of a mode tcp backend means nothing", Assert.Single(failure.Errors).Reason);
    }

    private ServerSettings Server(string line) => HoconConfigReader.Read($$"""
        actorproxy.backends.app { servers { s1 = "{{line}}" } }
        """, "test.conf", _directory.FullName).Backends.Single().Servers.Single();

    private FrontendSettings Bind(string bind) => HoconConfigReader.Read($$"""
        actorproxy.frontends.web { bind = "{{bind}}", http-request = [ "return status 200" ] }
        """, "test.conf", _directory.FullName).Frontends.Single();

    public void Dispose()
    {
        _authority.Dispose();
        _directory.Delete(recursive: true);
    }
}
