using ActorProxy.Runtime.Stick;

namespace ActorProxy.Runtime.Tests.Stick;

/// <summary>HAProxy's freq_ctr arithmetic: the current period's events, the previous period's in
/// proportion of what is left, the low-rate correction, and both periods gone after two.</summary>
public sealed class FrequencyCounterTests
{
    private const uint Period = 10_000;

    [Fact]
    public void EventsOfTheCurrentPeriod_AreTheRate()
    {
        var counter = new FrequencyCounter();
        counter.Add(1_000_000, Period, 1);
        counter.Add(1_002_000, Period, 1);
        counter.Add(1_004_000, Period, 1);
        Assert.Equal(3u, counter.Rate(1_005_000, Period));
    }

    [Fact]
    public void ThePreviousPeriod_FadesAsTheCurrentOneGoes()
    {
        var counter = new FrequencyCounter();
        for (int i = 0; i < 10; i++)
        {
            counter.Add(1_000_000 + i, Period, 1);
        }
        // A quarter into the next period: three quarters of the previous ten, and none new.
        Assert.Equal(7u, counter.Rate(1_012_500, Period));
        counter.Add(1_012_500, Period, 2);
        Assert.Equal(9u, counter.Rate(1_012_500, Period));
    }

    [Fact]
    public void OneEventAlone_DoesNotFlap()
    {
        var counter = new FrequencyCounter();
        counter.Add(1_000_000, Period, 1);
        Assert.Equal(1u, counter.Rate(1_011_000, Period));
        Assert.Equal(1u, counter.Rate(1_019_000, Period));
    }

    [Fact]
    public void TwoPeriodsWithoutEvents_ForgetEverything()
    {
        var counter = new FrequencyCounter();
        counter.Add(1_000_000, Period, 5);
        Assert.Equal(0u, counter.Rate(1_020_001, Period));
        counter.Add(1_030_000, Period, 1);
        Assert.Equal(0u, counter.Previous);
        Assert.Equal(1u, counter.Rate(1_030_000, Period));
    }

    [Fact]
    public void TotalsOfSeveralCounters_AddUpBeforeTheDivision()
    {
        var a = new FrequencyCounter();
        var b = new FrequencyCounter();
        a.Add(1_000_000, Period, 3);
        b.Add(1_000_000, Period, 4);
        Assert.Equal(7ul, (a.Total(1_001_000, Period) + b.Total(1_001_000, Period)) / Period);
    }
}
