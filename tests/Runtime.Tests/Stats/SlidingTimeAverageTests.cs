using ActorProxy.Runtime.Stats;

namespace ActorProxy.Runtime.Tests.Stats;

/// <summary>HAProxy's averages over the last 1024 samples (swrate_add_dynamic, swrate_avg).</summary>
public sealed class SlidingTimeAverageTests
{
    [Fact]
    public void BeforeTheWindowIsFull_IsTheMeanRoundedUp()
    {
        var time = new SlidingTimeAverage();
        time.Add(1, 1);
        time.Add(2, 2);
        time.Add(4, 3);

        Assert.Equal(3u, time.Average(3));
        Assert.Equal(4, time.Max);
    }

    [Fact]
    public void OnceFull_ANewSampleReplacesAnAverageOne()
    {
        var time = new SlidingTimeAverage();
        for (int i = 1; i <= SlidingTimeAverage.Samples; i++)
        {
            time.Add(10, i);
        }
        Assert.Equal(10u, time.Average(SlidingTimeAverage.Samples));

        // 10240 - 10 + 2058 = 12288: HAProxy's sum, whose average rounds up to 12.
        time.Add(2058, SlidingTimeAverage.Samples + 1);

        Assert.Equal(12u, time.Average(SlidingTimeAverage.Samples + 1));
        Assert.Equal(2058, time.Max);
    }

    [Fact]
    public void NoSample_IsZero() => Assert.Equal(0u, new SlidingTimeAverage().Average(0));
}
