namespace ActorProxy.Runtime.Tasks;

/// <summary>
/// How <c>threads</c> workers split into <c>thread-groups</c>, as HAProxy does: groups take
/// consecutive threads, as evenly as possible, the first groups taking one more when the division
/// is not exact. A thread is known globally by its number (1..N, <c>tid + 1</c>) and inside its
/// group by its bit in the group's thread mask.
/// </summary>
public sealed class ThreadLayout
{
    private readonly int[] _group;
    private readonly int[] _firstOfGroup;

    /// <summary>Lays out <paramref name="threads"/> workers in <paramref name="groups"/> groups.</summary>
    public ThreadLayout(int threads, int groups)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(groups, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(groups, threads);
        Threads = threads;
        Groups = groups;
        _group = new int[threads + 1];
        _firstOfGroup = new int[groups + 2];
        int next = 1;
        for (int g = 1; g <= groups; g++)
        {
            int size = threads / groups + (g <= threads % groups ? 1 : 0);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(size, 64, nameof(threads));
            _firstOfGroup[g] = next;
            for (int i = 0; i < size; i++)
            {
                _group[next++] = g;
            }
        }
        _firstOfGroup[groups + 1] = next;
    }

    /// <summary>Number of worker threads.</summary>
    public int Threads { get; }

    /// <summary>Number of thread groups.</summary>
    public int Groups { get; }

    /// <summary>The group (tgid, 1-based) of thread <paramref name="thread"/> (1-based).</summary>
    public int GroupOf(int thread) => _group[CheckThread(thread)];

    /// <summary>The bit of thread <paramref name="thread"/> in its group's thread mask (<c>ti->ltid_bit</c>).</summary>
    public ulong LocalBitOf(int thread) => 1UL << (CheckThread(thread) - _firstOfGroup[GroupOf(thread)]);

    /// <summary>The mask of every thread of group <paramref name="group"/> (<c>tg->threads_enabled</c>).</summary>
    public ulong MaskOf(int group)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(group, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(group, Groups);
        int size = _firstOfGroup[group + 1] - _firstOfGroup[group];
        return size == 64 ? ulong.MaxValue : (1UL << size) - 1;
    }

    /// <summary>The threads of group <paramref name="group"/>, in order.</summary>
    public IEnumerable<int> ThreadsOf(int group)
    {
        ulong mask = MaskOf(group);
        for (int i = 0; i < 64 && ((mask >> i) & 1) != 0; i++)
        {
            yield return _firstOfGroup[group] + i;
        }
    }

    private int CheckThread(int thread)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(thread, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(thread, Threads);
        return thread;
    }
}
