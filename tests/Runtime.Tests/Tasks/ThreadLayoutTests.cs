using ActorProxy.Runtime.Tasks;

namespace ActorProxy.Runtime.Tests.Tasks;

public class ThreadLayoutTests
{
    [Fact]
    public void OneGroup_HoldsEveryThread()
    {
        var layout = new ThreadLayout(threads: 4, groups: 1);

        Assert.All(Enumerable.Range(1, 4), thread => Assert.Equal(1, layout.GroupOf(thread)));
        Assert.Equal(0b1111UL, layout.MaskOf(1));
        Assert.Equal(0b0100UL, layout.LocalBitOf(3));
    }

    [Fact]
    public void UnevenSplit_FirstGroupsTakeOneMore()
    {
        var layout = new ThreadLayout(threads: 5, groups: 2);

        Assert.Equal([1, 2, 3], layout.ThreadsOf(1));
        Assert.Equal([4, 5], layout.ThreadsOf(2));
        Assert.Equal(0b111UL, layout.MaskOf(1));
        Assert.Equal(0b11UL, layout.MaskOf(2));
        Assert.Equal(2, layout.GroupOf(4));
        Assert.Equal(0b01UL, layout.LocalBitOf(4));
        Assert.Equal(0b10UL, layout.LocalBitOf(5));
    }

    [Fact]
    public void SixtyFourThreadsInAGroup_FillsTheMask()
    {
        var layout = new ThreadLayout(threads: 64, groups: 1);

        Assert.Equal(ulong.MaxValue, layout.MaskOf(1));
        Assert.Equal(1UL << 63, layout.LocalBitOf(64));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(2, 3)]
    [InlineData(65, 1)]
    public void ImpossibleLayouts_Throw(int threads, int groups)
    {
        Assert.ThrowsAny<ArgumentOutOfRangeException>(() => new ThreadLayout(threads, groups));
    }
}
