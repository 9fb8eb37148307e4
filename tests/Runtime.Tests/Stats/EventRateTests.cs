using ActorProxy.Runtime.Stats;
using Microsoft.Extensions.Time.Testing;

namespace ActorProxy.Runtime.Tests.Stats;

/// <summary>Rates over a second as HAProxy's freq_ctr reads them, on a fake clock.</summary>
public sealed class EventRateTests
{
    private static FakeTimeProvider ClockAtASecondsStart() => new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void WithinASecond_IsItsCount_AndTheMax()
    {
        var clock = ClockAtASecondsStart();
        var rate = new EventRate(clock);

        for (int i = 0; i < 4; i++)
        {
            rate.Count();
        }

        Assert.Equal((4, 4), (rate.PerSecond, rate.Max));
    }

    [Fact]
    public void TheSecondBefore_WeighsWhatIsLeftOfThisOne()
    {
        var clock = ClockAtASecondsStart();
        var rate = new EventRate(clock);
        for (int i = 0; i < 10; i++)
        {
            rate.Count();
        }

        clock.Advance(TimeSpan.FromMilliseconds(1250));
        rate.Count();

        // 1 this second, and 10 of the last one weighed by the 750 ms left of this one.
        Assert.Equal(1 + 7, rate.PerSecond);
        Assert.Equal(10, rate.Max);
    }

    [Fact]
    public void AfterAQuietSecond_IsZero()
    {
        var clock = ClockAtASecondsStart();
        var rate = new EventRate(clock);
        rate.Count();

        clock.Advance(TimeSpan.FromSeconds(2.5));

        Assert.Equal((0, 1), (rate.PerSecond, rate.Max));
    }
}
