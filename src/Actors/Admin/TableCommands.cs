using System.Globalization;
using System.Text;
using ActorProxy.Runtime.Stick;

namespace ActorProxy.Actors.Admin;

/// <summary>HAProxy's runtime stick table commands (management.txt 9.3, stick_table.c's CLI):
/// <c>show table [NAME [data.TYPE OP VALUE]… | [key KEY]]</c>, <c>clear table NAME [data.TYPE OP
/// VALUE]… | key KEY</c>, <c>set table NAME key KEY [data.TYPE VALUE]…</c>, with HAProxy's answers
/// and errors. Values are the cluster's: every node's share summed.</summary>
internal static class TableCommands
{
    // STKTABLE_FILTER_LEN: at most four data conditions.
    private const int MaxFilters = 4;

    /// <summary>True for the words of a table command.</summary>
    public static bool Handles(string[] words) => words is ["show" or "clear" or "set", "table", ..];

    /// <summary>Runs <paramref name="words"/> on <paramref name="tables"/>; <paramref name="operator"/>
    /// is false for a user-level socket, which sees the tables' heads but not their entries.</summary>
    public static AdminReply Run(StickTables tables, string[] words, bool @operator)
    {
        string action = words[0];
        if (words.Length < 3)
        {
            return action == "show" ? new AdminReply(true, string.Concat(tables.All.Select(Head))) : ArgumentsError(action);
        }
        if (tables.Find(words[2]) is not { } table)
        {
            return new AdminReply(false, "No such table\n");
        }
        if (words.Length > 3 && words[3] == "key")
        {
            return ByKey(table, action, words, @operator);
        }
        if (words.Length > 3 && !words[3].StartsWith("data.", StringComparison.Ordinal))
        {
            return ArgumentsError(action);
        }
        if (action == "set" && words.Length > 3)
        {
            return new AdminReply(false, "content-based lookup is only supported with the \"show\" and \"clear\" actions\n");
        }
        if (Filters(table, words) is { Error: { } error })
        {
            return new AdminReply(false, error);
        }
        var filters = Filters(table, words).Filters;
        var matching = (Func<StickEntry, bool>)(entry => filters.All(f => f.Matches(table, entry)));
        // HAProxy's set table with neither key nor filter walks the table as clear does, and
        // removes what no stream tracks.
        if (action is "clear" or "set")
        {
            if (@operator)
            {
                table.Clear(matching);
            }
            return new AdminReply(true, "");
        }
        var text = new StringBuilder(Head(table));
        if (!@operator)
        {
            return new AdminReply(true, text.Append("# contents not dumped due to insufficient privileges\n").ToString());
        }
        foreach (var entry in table.Entries().Where(matching))
        {
            text.Append(Line(table, entry));
        }
        return new AdminReply(true, text.ToString());
    }

    // table_process_entry_per_key.
    private static AdminReply ByKey(StickTable table, string action, string[] words, bool @operator)
    {
        if (words.Length < 5 || words[4].Length == 0)
        {
            return new AdminReply(false, "Key value expected\n");
        }
        if (table.Settings.Type == StickKeyType.Binary)
        {
            string verb = action switch { "show" => "Showing keys from", "clear" => "Removing keys from", _ => "Inserting keys into" };
            return new AdminReply(false, $"{verb} tables of type other than ip, ipv6, string and integer is not supported\n");
        }
        if (StickKey.Parse(words[4], table.Settings) is not { } key)
        {
            return new AdminReply(false, "Invalid key\n");
        }
        if (!@operator)
        {
            return new AdminReply(true, "");
        }
        switch (action)
        {
            case "show":
                return new AdminReply(true, table.Lookup(key) is { } entry ? Head(table) + Line(table, entry) : "");
            case "clear":
                return table.Remove(key) ? new AdminReply(true, "") : new AdminReply(false, "Entry currently in use, cannot remove\n");
        }
        if (table.GetOrCreate(key) is not { } created)
        {
            return new AdminReply(false, "Unable to allocate a new entry\n");
        }
        for (int at = 5; at < words.Length; at += 2)
        {
            if (!words[at].StartsWith("data.", StringComparison.Ordinal))
            {
                return new AdminReply(false, "\"data.<type>\" followed by a value expected\n");
            }
            if (StickDataTypes.Find(words[at][5..]) is not { } type)
            {
                return new AdminReply(false, "Unknown data type\n");
            }
            if (!table.Layout.Stores(type))
            {
                return new AdminReply(false, "Data type not stored in this table\n");
            }
            if (at + 1 >= words.Length || !long.TryParse(words[at + 1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
            {
                return new AdminReply(false, "Require a valid integer value to store\n");
            }
            created.Set(type, value, table.Now);
        }
        return new AdminReply(true, "");
    }

    // table_prepare_data_request: up to four data.TYPE OP VALUE conditions.
    private static (IReadOnlyList<StickFilter> Filters, string? Error) Filters(StickTable table, string[] words)
    {
        var filters = new List<StickFilter>();
        int i = 0;
        for (; i < MaxFilters && 3 + 3 * i < words.Length; i++)
        {
            string name = words[3 + 3 * i];
            if (StickDataTypes.Find(name.StartsWith("data.", StringComparison.Ordinal) ? name[5..] : "") is not { } type)
            {
                return ([], $"Filter entry #{i + 1}: Unknown data type\n");
            }
            if (!table.Layout.Stores(type))
            {
                return ([], $"Filter entry #{i + 1}: Data type not stored in this table\n");
            }
            string op = 4 + 3 * i < words.Length ? words[4 + 3 * i] : "";
            if (!StickFilter.Operators.Contains(op))
            {
                return ([], $"Filter entry #{i + 1}: Require and operator among \"eq\", \"ne\", \"le\", \"ge\", \"lt\", \"gt\"\n");
            }
            if (5 + 3 * i >= words.Length || !long.TryParse(words[5 + 3 * i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
            {
                return ([], $"Filter entry #{i + 1}: Require a valid integer value to compare against\n");
            }
            filters.Add(new StickFilter(type, op, value));
        }
        if (3 + 3 * i < words.Length)
        {
            return ([], $"Detected extra data in filter, {3 + 3 * i + 1}th word of input, after '{words[2 + 3 * i]}'\n");
        }
        return (filters, null);
    }

    private static AdminReply ArgumentsError(string action) => new(false, action switch
    {
        "show" => "Optional argument only supports \"data.<store_data_type>\" <operator> <value> and key <key>\n",
        "clear" => "Required arguments: <table> \"data.<store_data_type>\" <operator> <value> or <table> key <key>\n",
        _ => "Required arguments: <table> key <key> [data.<store_data_type> <value>]*\n",
    });

    // table_dump_head_to_buffer.
    private static string Head(StickTable table) => string.Create(CultureInfo.InvariantCulture,
        $"# table: {table.Name}, type: {table.Settings.TypeName}, size:{table.Settings.Size}, used:{table.Count}\n");

    // table_dump_entry_to_buffer: the data in HAProxy's order, rates with their period.
    private static string Line(StickTable table, StickEntry entry)
    {
        long now = table.Now;
        long expire = entry.ExpireAt;
        var line = new StringBuilder();
        line.Append(CultureInfo.InvariantCulture, $"0x{entry.Id:x}: key={StickKey.Display(entry.Key, table.Settings.Type)} use={entry.Trackers} exp={(expire == 0 ? 0 : Math.Max(0, expire - now))}");
        foreach (var type in StickDataTypes.All.Where(table.Layout.Stores))
        {
            string name = StickDataTypes.Name(type);
            line.Append(' ').Append(StickDataTypes.IsRate(type) ? $"{name}({table.Layout.Periods[type]})" : name).Append('=')
                .Append((entry.Read(type, now) ?? 0).ToString(CultureInfo.InvariantCulture));
        }
        return line.Append('\n').ToString();
    }
}
