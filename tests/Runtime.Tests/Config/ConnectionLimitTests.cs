using ActorProxy.Runtime.Config;

namespace ActorProxy.Runtime.Tests.Config;

public class ConnectionLimitTests
{
    [Theory]
    // HAProxy 2.6.12 (Debian) with ulimit -n 512, two threads and two listeners: Maxconn 242.
    [InlineData(512, 0, 2, 2, 242)]
    [InlineData(512, 20, 2, 2, 242)]
    // A process that holds more than HAProxy's 20 reserved descriptors sets aside what it holds.
    [InlineData(512, 150, 1, 2, 177)]
    // Never below HAProxy's DEFAULT_MAXCONN.
    [InlineData(128, 100, 1, 2, 100)]
    [InlineData(1048576, 150, 3, 8, 524199)]
    public void Derive_AsHaproxyDoes_TwoDescriptorsPerConnection(long fdLimit, int openFiles, int listeners, int threads, int expected)
    {
        Assert.Equal(expected, ConnectionLimit.Derive(fdLimit, openFiles, listeners, threads));
    }

    [Fact]
    public void FileDescriptorLimit_IsThisProcesss()
    {
        long limit = ConnectionLimit.FileDescriptorLimit();

        Assert.True(limit > ConnectionLimit.OpenFiles(), $"limit {limit}");
    }
}

public class HttpTuneTests
{
    [Theory]
    [InlineData(16384, 1024, 15360)]
    // HAProxy readjusts a maxrewrite larger than half the buffer to half.
    [InlineData(4096, 3000, 2048)]
    public void MaxRequestHead_IsBufsizeLessMaxrewrite(int bufsize, int maxrewrite, int expected)
    {
        Assert.Equal(expected, new HttpTune { BufSize = bufsize, MaxRewrite = maxrewrite }.MaxRequestHead);
    }
}
