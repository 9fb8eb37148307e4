namespace ActorProxy.Runtime.Stick;

/// <summary>
/// What a stream or a session tracks (HAProxy's <c>stkctr[MAX_SESS_STKCTR]</c>): up to three
/// entries, sc0 to sc2, each in its table, counted as the stream goes (connections when tracked,
/// requests, errors, bytes) and let go at its end. Used by one stream at a time.
/// </summary>
public sealed class StickCounters
{
    /// <summary>How many counters a stream tracks (MAX_SESS_STKCTR).</summary>
    public const int Slots = 3;

    private readonly (StickTable Table, StickEntry Entry)?[] _tracked = new (StickTable, StickEntry)?[Slots];

    /// <summary>The counters of the session the stream belongs to (tracked by <c>tcp-request
    /// connection</c> rules), which the stream's own ones take precedence over; null for none.</summary>
    public StickCounters? Session { get; set; }

    /// <summary>The table and entry sc<paramref name="slot"/> tracks here, or null.</summary>
    public (StickTable Table, StickEntry Entry)? Own(int slot) => _tracked[slot];

    /// <summary>What sc<paramref name="slot"/> reads: the stream's, else its session's (smp_fetch_sc_stkctr).</summary>
    public (StickTable Table, StickEntry Entry)? Get(int slot) => _tracked[slot] ?? Session?._tracked[slot];

    /// <summary>Tracks <paramref name="entry"/> as sc<paramref name="slot"/> unless it already
    /// tracks one (stream_track_stkctr): one more tracker, one more connection current, counted and in the rate.</summary>
    /// <returns>True when it tracks it now, false when the slot was taken.</returns>
    public bool Track(int slot, StickTable table, StickEntry entry)
    {
        if (_tracked[slot] is not null)
        {
            return false;
        }
        _tracked[slot] = (table, entry);
        long now = table.Now;
        entry.Track();
        entry.Add(StickDataType.ConnCur, null, 1, now);
        entry.Add(StickDataType.ConnCnt, StickDataType.ConnRate, 1, now);
        return true;
    }

    /// <summary>One more HTTP request for every counter tracked (stream_inc_http_req_ctr).</summary>
    public void CountRequest() => ForEach((table, entry) => entry.Add(StickDataType.HttpReqCnt, StickDataType.HttpReqRate, 1, table.Now));

    /// <summary>An error of the client's (a 4xx, a denied request): stream_inc_http_err_ctr.</summary>
    public void CountError() => ForEach((table, entry) => entry.Add(StickDataType.HttpErrCnt, StickDataType.HttpErrRate, 1, table.Now));

    /// <summary>What a response's status counts: 4xx an error, 5xx but 501 and 505 a failure.</summary>
    public void CountStatus(int status)
    {
        if (status is >= 400 and < 500)
        {
            CountError();
        }
        else if (status is >= 500 and < 600 and not 501 and not 505)
        {
            ForEach((table, entry) => entry.Add(StickDataType.HttpFailCnt, StickDataType.HttpFailRate, 1, table.Now));
        }
    }

    /// <summary>Bytes that went through (stream_process_counters).</summary>
    public void CountBytes(long bytesIn, long bytesOut) => ForEach((table, entry) =>
    {
        long now = table.Now;
        if (bytesIn > 0)
        {
            entry.Add(StickDataType.BytesInCnt, StickDataType.BytesInRate, bytesIn, now);
        }
        if (bytesOut > 0)
        {
            entry.Add(StickDataType.BytesOutCnt, StickDataType.BytesOutRate, bytesOut, now);
        }
    });

    /// <summary>The stream is over: what it tracked itself lets go, one connection fewer
    /// (stream_stop_content_counters; a session's go when the session ends).</summary>
    public void Release()
    {
        for (int i = 0; i < Slots; i++)
        {
            if (_tracked[i] is var (table, entry))
            {
                entry.Add(StickDataType.ConnCur, null, entry.Read(StickDataType.ConnCur, table.Now) > 0 ? -1 : 0, table.Now);
                entry.Untrack();
                _tracked[i] = null;
            }
        }
    }

    // Each counter once: the stream's where it tracks one, else the session's.
    private void ForEach(Action<StickTable, StickEntry> count)
    {
        for (int i = 0; i < Slots; i++)
        {
            if (Get(i) is var (table, entry) && !entry.Dropped)
            {
                count(table, entry);
            }
        }
    }
}
