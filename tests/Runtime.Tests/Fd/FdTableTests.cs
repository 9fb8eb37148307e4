using ActorProxy.Runtime.Fd;
using ActorProxy.Runtime.Tasks;

namespace ActorProxy.Runtime.Tests.Fd;

public class FdTableTests
{
    private readonly FdTable _table = new(1024, new ThreadLayout(threads: 4, groups: 2));

    [Fact]
    public void Insert_StoresOwnerTgidAndGroupLimitedMask()
    {
        var owner = new object();

        _table.Insert(7, owner, "conn", tgid: 2, threadMask: 0b1111);

        var entry = _table[7];
        Assert.Same(owner, entry.Owner);
        Assert.Equal(2, entry.Tgid);
        Assert.Equal(0, entry.RefCount);
        Assert.Equal(0b11UL, entry.ThreadMask);
        Assert.Equal(2u, entry.RefcTgid);
    }

    [Fact]
    public void Insert_IntoAnEntryInUse_FailsLoudly()
    {
        _table.Insert(7, new object(), "conn", 1, 1);

        var failure = Assert.Throws<FdTableException>(() => _table.Insert(7, new object(), "conn", 1, 1));

        Assert.Contains("fd 7: insert into an entry in use", failure.Message);
    }

    [Fact]
    public void Insert_WithNoThreadOfTheGroup_FailsLoudly()
    {
        // Group 2 holds threads 3 and 4: local bits 0b11 of its own mask; 0b100 is none of them.
        var failure = Assert.Throws<FdTableException>(() => _table.Insert(8, new object(), "conn", 2, 0b100));

        Assert.Contains("has no thread of group 2", failure.Message);
        Assert.Null(_table[8].Owner);
    }

    [Fact]
    public void Grab_SucceedsOnlyForTheOwningGroup_AndBlocksTgidChangeAndClose()
    {
        _table.Insert(9, new object(), "conn", 1, 1);

        Assert.False(_table.TryGrab(9, 2));
        Assert.True(_table.TryGrab(9, 1));
        Assert.Equal(1, _table.GetTgid(9));
        Assert.Equal(0x0001_0001u, _table[9].RefcTgid);
        Assert.False(_table.TryChangeTgid(9, 2));
        Assert.Throws<FdTableException>(() => _table.Delete(9));

        Assert.Equal(0, _table.Drop(9));
        Assert.True(_table.TryChangeTgid(9, 2));
        Assert.Equal(2, _table.GetTgid(9));
    }

    [Fact]
    public void Delete_LeavesTheEntryCleanForReuse()
    {
        _table.Insert(10, new object(), "conn", 1, 1);
        _table.SetRunning(10, 1);

        _table.Delete(10);

        var entry = _table[10];
        Assert.Null(entry.Owner);
        Assert.Equal(0u, entry.RefcTgid);
        Assert.Equal(0UL, entry.RunningMask);
        Assert.False(_table.TryGrab(10, 1));
        _table.Insert(10, new object(), "conn", 2, 0b10);
        Assert.Equal(2, _table.GetTgid(10));
    }

    [Fact]
    public void Drop_WithoutReference_FailsLoudly()
    {
        _table.Insert(11, new object(), "conn", 1, 1);

        Assert.Throws<FdTableException>(() => _table.Drop(11));
    }

    [Fact]
    public void RunningMask_SetAndClearPerThread()
    {
        _table.Insert(12, new object(), "conn", 1, 0b11);

        Assert.Equal(0b01UL, _table.SetRunning(12, 0b01));
        Assert.Equal(0b11UL, _table.SetRunning(12, 0b10));
        Assert.Equal(0b10UL, _table.ClearRunning(12, 0b01));
    }

    [Fact]
    public void OutsideTheTable_Fails()
    {
        Assert.Throws<FdTableException>(() => _table.Insert(4096, new object(), "conn", 1, 1));
    }

    [Fact]
    public async Task Hammering_GrabDropAndClose_FromSeveralThreads_KeepsTheWordExact()
    {
        const int rounds = 20_000;
        int closes = 0;
        for (int fd = 100; fd < 104; fd++)
        {
            _table.Insert(fd, new object(), "conn", 1, 1);
        }
        using var start = new Barrier(4);
        var grabbers = Enumerable.Range(0, 3).Select(_ => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            for (int i = 0; i < rounds; i++)
            {
                int fd = 100 + i % 4;
                if (_table.TryGrab(fd, 1))
                {
                    // While the reference is held, nobody may close the fd or move it.
                    Assert.Equal(1, _table.GetTgid(fd));
                    Assert.NotNull(_table[fd].Owner);
                    _table.Drop(fd);
                }
            }
        }, TaskCreationOptions.LongRunning)).ToArray();
        var closer = Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            for (int i = 0; i < rounds; i++)
            {
                int fd = 100 + i % 4;
                try
                {
                    _table.Delete(fd);
                    Interlocked.Increment(ref closes);
                    _table.Insert(fd, new object(), "conn", 1, 1);
                }
                catch (FdTableException)
                {
                    // Refused while a reference was held, as it must be.
                }
            }
        }, TaskCreationOptions.LongRunning);

        await Task.WhenAll([.. grabbers, closer]);

        Assert.True(closes > 0);
        for (int fd = 100; fd < 104; fd++)
        {
            Assert.Equal(0, _table[fd].RefCount);
        }
    }
}
