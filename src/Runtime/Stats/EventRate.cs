namespace ActorProxy.Runtime.Stats;

/// <summary>
/// Events per second, as HAProxy's <c>freq_ctr</c> over a one-second period: the count of the
/// current second plus the previous second's, weighted by how much of the current second is
/// left (<c>read_freq_ctr</c>); and the most counted in one second (<c>*_max</c>, which HAProxy
/// raises to the current second's count at each event).
/// </summary>
public sealed class EventRate(TimeProvider time)
{
    private readonly Lock _lock = new();
    private long _second = long.MinValue;
    private int _current;
    private int _previous;
    private int _max;

    /// <summary>Counts one event now.</summary>
    public void Count()
    {
        lock (_lock)
        {
            Rotate(time.GetUtcNow().ToUnixTimeMilliseconds() / 1000);
            _current++;
            _max = Math.Max(_max, _current);
        }
    }

    /// <summary>The rate now (HAProxy's <c>rate</c>, <c>req_rate</c>, <c>conn_rate</c>).</summary>
    public int PerSecond
    {
        get
        {
            long now = time.GetUtcNow().ToUnixTimeMilliseconds();
            lock (_lock)
            {
                Rotate(now / 1000);
                long left = 1000 - now % 1000;
                return _current + (int)(_previous * left / 1000);
            }
        }
    }

    /// <summary>The most events counted within one second.</summary>
    public int Max
    {
        get
        {
            lock (_lock)
            {
                return _max;
            }
        }
    }

    private void Rotate(long second)
    {
        if (second == _second)
        {
            return;
        }
        _previous = second == _second + 1 ? _current : 0;
        _current = 0;
        _second = second;
    }
}
