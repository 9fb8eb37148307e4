using System.Net;
using ActorProxy.Runtime.Http;
using ActorProxy.Runtime.Samples;
using static ActorProxy.Runtime.Samples.SampleArgKind;

namespace ActorProxy.Runtime.Stick;

/// <summary>
/// The stick counters' fetches (<c>sc_*</c>, <c>sc0_*</c> to <c>sc2_*</c>, <c>src_*</c>,
/// <c>table_avl</c>, <c>table_cnt</c>) and the <c>table_*</c> and <c>in_table</c> converters,
/// with HAProxy 2.6's names and results (stick_table.c): a counter that tracks nothing gives no
/// sample, a key with no entry gives 0, a data type the table does not store gives no sample.
/// </summary>
internal static class StickSamples
{
    // What a fetch or converter reads of an entry, by the name after its prefix.
    private static readonly Dictionary<string, Func<StickEntry, long, long?>> Readers = new(StringComparer.Ordinal)
    {
        ["conn_cur"] = Read(StickDataType.ConnCur),
        ["conn_cnt"] = Read(StickDataType.ConnCnt),
        ["conn_rate"] = Read(StickDataType.ConnRate),
        ["sess_cnt"] = Read(StickDataType.SessCnt),
        ["sess_rate"] = Read(StickDataType.SessRate),
        ["http_req_cnt"] = Read(StickDataType.HttpReqCnt),
        ["http_req_rate"] = Read(StickDataType.HttpReqRate),
        ["http_err_cnt"] = Read(StickDataType.HttpErrCnt),
        ["http_err_rate"] = Read(StickDataType.HttpErrRate),
        ["http_fail_cnt"] = Read(StickDataType.HttpFailCnt),
        ["http_fail_rate"] = Read(StickDataType.HttpFailRate),
        ["bytes_in_rate"] = Read(StickDataType.BytesInRate),
        ["bytes_out_rate"] = Read(StickDataType.BytesOutRate),
        ["kbytes_in"] = (e, now) => e.Read(StickDataType.BytesInCnt, now) >> 10,
        ["kbytes_out"] = (e, now) => e.Read(StickDataType.BytesOutCnt, now) >> 10,
        ["gpc0_rate"] = Read(StickDataType.Gpc0Rate),
        ["gpc1_rate"] = Read(StickDataType.Gpc1Rate),
        ["get_gpc0"] = Read(StickDataType.Gpc0),
        ["get_gpc1"] = Read(StickDataType.Gpc1),
        ["get_gpt0"] = Read(StickDataType.Gpt0),
        ["inc_gpc0"] = Increment(StickDataType.Gpc0, StickDataType.Gpc0Rate),
        ["inc_gpc1"] = Increment(StickDataType.Gpc1, StickDataType.Gpc1Rate),
        ["clr_gpc0"] = Clear(StickDataType.Gpc0),
        ["clr_gpc1"] = Clear(StickDataType.Gpc1),
        ["trackers"] = (e, _) => e.Trackers,
    };

    // The converters' names for the same readers (table_X), those that only read.
    private static readonly string[] ConverterReads =
    [
        "conn_cur", "conn_cnt", "conn_rate", "sess_cnt", "sess_rate", "http_req_cnt", "http_req_rate", "http_err_cnt",
        "http_err_rate", "http_fail_cnt", "http_fail_rate", "bytes_in_rate", "bytes_out_rate", "kbytes_in", "kbytes_out",
        "gpc0_rate", "gpc1_rate", "trackers",
    ];

    // The src_ fetches that make the entry when there is none (smp_create_src_stkctr).
    private static readonly HashSet<string> Creating = ["inc_gpc0", "inc_gpc1", "clr_gpc0", "clr_gpc1"];

    /// <summary>Every stick counter fetch.</summary>
    public static IEnumerable<SampleFetchDefinition> Fetches()
    {
        foreach (var (name, reader) in Readers)
        {
            yield return new SampleFetchDefinition("sc_" + name, SampleType.SInt, new(1, SInt, Str), SampleDirection.Any,
                (x, a) => Tracked(x, (int)a.Number(0), a) is var (table, entry) ? ValueOf(entry, table, reader) : null)
            { Check = CounterCheck, Prepare = AlternateTable(1) };
            for (int slot = 0; slot < StickCounters.Slots; slot++)
            {
                int counter = slot;
                yield return new SampleFetchDefinition($"sc{slot}_{name}", SampleType.SInt, new(0, Str), SampleDirection.Any,
                    (x, a) => Tracked(x, counter, a) is var (table, entry) ? ValueOf(entry, table, reader) : null)
                { Prepare = AlternateTable(0) };
            }
            bool creates = Creating.Contains(name);
            yield return new SampleFetchDefinition("src_" + name, SampleType.SInt, new(0, Str), SampleDirection.Any,
                (x, a) => Source(x, (StickTable)a.Prepared!, creates) is var (table, entry) ? ValueOf(entry, table, reader) : null)
            { Prepare = (a, files) => files.Table(a.Text(0).Length > 0 ? a.Text(0) : null) };
        }
        yield return new SampleFetchDefinition("src_updt_conn_cnt", SampleType.SInt, new(0, Str), SampleDirection.Any,
            (x, a) => Source(x, (StickTable)a.Prepared!, create: true) is var (table, entry) ? UpdateConnections(entry!, table) : null)
        { Prepare = (a, files) => files.Table(a.Text(0).Length > 0 ? a.Text(0) : null) };
        yield return new SampleFetchDefinition("sc_tracked", SampleType.Bool, new(1, SInt, Str), SampleDirection.Any,
            (x, a) => Tracked(x, (int)a.Number(0), a) is not null)
        { Check = CounterCheck, Prepare = AlternateTable(1) };
        for (int slot = 0; slot < StickCounters.Slots; slot++)
        {
            int counter = slot;
            yield return new SampleFetchDefinition($"sc{slot}_tracked", SampleType.Bool, new(0, Str), SampleDirection.Any,
                (x, a) => Tracked(x, counter, a) is not null)
            { Prepare = AlternateTable(0) };
        }
        yield return new SampleFetchDefinition("table_avl", SampleType.SInt, new(0, Str), SampleDirection.Any,
            (_, a) => (long)(((StickTable)a.Prepared!).Settings.Size - ((StickTable)a.Prepared!).Count))
        { Prepare = (a, files) => files.Table(a.Text(0).Length > 0 ? a.Text(0) : null) };
        yield return new SampleFetchDefinition("table_cnt", SampleType.SInt, new(0, Str), SampleDirection.Any,
            (_, a) => (long)((StickTable)a.Prepared!).Count)
        { Prepare = (a, files) => files.Table(a.Text(0).Length > 0 ? a.Text(0) : null) };
    }

    /// <summary>The <c>table_*</c> converters and <c>in_table</c>: the sample is the key.</summary>
    public static IEnumerable<SampleConverterDefinition> Converters()
    {
        foreach (string name in ConverterReads.Append("gpt0").Append("gpc0").Append("gpc1"))
        {
            var reader = Readers[name switch { "gpt0" => "get_gpt0", "gpc0" => "get_gpc0", "gpc1" => "get_gpc1", _ => name }];
            yield return new SampleConverterDefinition("table_" + name, SampleType.Any, SampleType.SInt, new(1, Str),
                (s, a, _) => KeyEntry(s, (StickTable)a.Prepared!) is var (table, entry) ? ValueOf(entry, table, reader) : null)
            { Prepare = (a, files) => files.Table(a.Text(0)) };
        }
        yield return new SampleConverterDefinition("in_table", SampleType.Any, SampleType.Bool, new(1, Str),
            (s, a, _) => KeyEntry(s, (StickTable)a.Prepared!) is (_, not null))
        { Prepare = (a, files) => files.Table(a.Text(0)) };
    }

    private static Func<StickEntry, long, long?> Read(StickDataType type) => (entry, now) => entry.Read(type, now);

    // sc_inc_gpc0: one more, in the rate too; the counter's new value.
    private static Func<StickEntry, long, long?> Increment(StickDataType count, StickDataType rate) => (entry, now) =>
    {
        if (entry.Read(count, now) is null && entry.Read(rate, now) is null)
        {
            return null;
        }
        entry.Add(count, rate, 1, now);
        return entry.Read(count, now) ?? 0;
    };

    // sc_clr_gpc0: the value it had, and 0 from now on.
    private static Func<StickEntry, long, long?> Clear(StickDataType count) => (entry, now) =>
    {
        if (entry.Read(count, now) is not { } before)
        {
            return null;
        }
        entry.Set(count, 0, now);
        return before;
    };

    // A value of an entry, 0 for none; no sample when the table does not store it.
    private static object? ValueOf(StickEntry? entry, StickTable table, Func<StickEntry, long, long?> reader)
    {
        if (entry is null)
        {
            return 0L;
        }
        return reader(entry, table.Now) is { } value ? value : null;
    }

    // src_updt_conn_cnt: one more connection counted, and the count.
    private static object? UpdateConnections(StickEntry entry, StickTable table)
    {
        long now = table.Now;
        if (entry.Read(StickDataType.ConnCnt, now) is null)
        {
            return null;
        }
        entry.Add(StickDataType.ConnCnt, StickDataType.ConnRate, 1, now);
        return entry.Read(StickDataType.ConnCnt, now);
    }

    private static string? CounterCheck(SampleArgs args) =>
        args.Number(0) is >= 0 and < StickCounters.Slots ? null : $"invalid stick counter {args.Number(0)} (expected 0 to {StickCounters.Slots - 1})";

    // The optional table argument of the sc fetches: the same key is looked up there.
    private static Func<SampleArgs, SampleFiles, object> AlternateTable(int index) =>
        (a, files) => new Alternate(a.Text(index).Length > 0 ? files.Table(a.Text(index)) : null);

    // What counter N tracks (the stream's, else the session's), or in the alternate table the
    // entry of the same key (null entry when it has none).
    private static (StickTable Table, StickEntry? Entry)? Tracked(HttpExchange exchange, int slot, SampleArgs args)
    {
        if (exchange.Tracked?.Get(slot) is not var (table, entry))
        {
            return null;
        }
        return args.Prepared is Alternate { Table: { } other } ? (other, other.Lookup(entry.Key)) : (table, entry);
    }

    // The client's address as the table's key, and its entry (made for the fetches that count).
    private static (StickTable Table, StickEntry? Entry)? Source(HttpExchange exchange, StickTable table, bool create)
    {
        if (!IPAddress.TryParse(exchange.ClientAddress, out var address) || StickKey.FromSample(address, table.Settings) is not { } key)
        {
            return null;
        }
        var entry = create ? table.GetOrCreate(key) : table.Lookup(key);
        return create && entry is null ? null : (table, entry);
    }

    private static (StickTable Table, StickEntry? Entry)? KeyEntry(object sample, StickTable table) =>
        StickKey.FromSample(sample, table.Settings) is { } key ? (table, table.Lookup(key)) : null;

    private sealed record Alternate(StickTable? Table);
}
