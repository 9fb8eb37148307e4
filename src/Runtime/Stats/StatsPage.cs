using System.Globalization;
using System.Net;
using System.Text;

namespace ActorProxy.Runtime.Stats;

/// <summary>
/// HAProxy's stats page (<c>stats uri</c>): a table per proxy, as HAProxy draws it: its frontend
/// line, or its servers then its backend line, with the queue, session rates, sessions, bytes,
/// denials, errors, warnings and the servers' states, from the same rows as <c>show stat</c>. Each
/// cell names its <c>show stat</c> field (<c>data-field</c>) and each row its proxy and line, so that
/// a program can read the page as well as a person.
/// </summary>
public static class StatsPage
{
    private static readonly (string Group, (string Field, string Title)[] Columns)[] Groups =
    [
        ("Queue", [("qcur", "Cur"), ("qmax", "Max")]),
        ("Session rate", [("rate", "Cur"), ("rate_max", "Max"), ("rate_lim", "Limit")]),
        ("Sessions", [("scur", "Cur"), ("smax", "Max"), ("slim", "Limit"), ("stot", "Total"), ("lbtot", "LbTot"), ("lastsess", "Last")]),
        ("Bytes", [("bin", "In"), ("bout", "Out")]),
        ("Denied", [("dreq", "Req"), ("dresp", "Resp")]),
        ("Errors", [("ereq", "Req"), ("econ", "Conn"), ("eresp", "Resp")]),
        ("Warnings", [("wretr", "Retr"), ("wredis", "Redis")]),
        ("Server", [("status", "Status"), ("lastchg", "LastChk"), ("weight", "Wght"), ("act", "Act"), ("bck", "Bck")]),
    ];

    private const string Style = """
        body { font-family: Arial, Helvetica, sans-serif; font-size: 12px; background: #fff; color: #000; }
        h1 { font-size: 18px; color: #fff; background: #20a0a0; padding: 4px 8px; margin: 0 0 8px 0; }
        table.proxy { border-collapse: collapse; margin-bottom: 14px; }
        table.proxy caption { text-align: left; font-weight: bold; font-size: 13px; background: #20a0a0; color: #fff; padding: 2px 6px; }
        th, td { border: 1px solid #999; padding: 1px 4px; text-align: right; white-space: nowrap; }
        th { background: #b0b0d0; font-weight: normal; }
        td.name { text-align: left; font-weight: bold; }
        tr.frontend, tr.backend { background: #e8e8f8; }
        tr.up { background: #c0ffc0; }
        tr.nocheck { background: #e0ffe0; }
        tr.down { background: #ff9090; }
        tr.maint { background: #c0c0ff; }
        tr.drain { background: #ffd090; }
        p.info { margin: 0 0 10px 0; }
        """;

    /// <summary>The page for <paramref name="rows"/>; <paramref name="refresh"/> is said in the page
    /// (the refresh itself is the response's <c>Refresh</c> field, as HAProxy sends it).</summary>
    public static string Render(IReadOnlyList<StatRow> rows, string node, TimeSpan uptime, TimeSpan? refresh)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Statistics Report for ActorProxy</title><style>")
            .Append(Style).Append("</style></head><body>\n<h1>ActorProxy statistics</h1>\n<p class=\"info\">node ")
            .Append(WebUtility.HtmlEncode(node))
            .Append(CultureInfo.InvariantCulture, $", uptime {(int)uptime.TotalDays}d {uptime:hh\\:mm\\:ss}")
            .Append(refresh is { } every ? $", refreshed every {every.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s" : "")
            .Append("</p>\n");
        foreach (var proxy in rows.GroupBy(r => (r.Proxy, Frontend: r.Name == "FRONTEND")))
        {
            Table(html, proxy.Key.Proxy, proxy.ToArray());
        }
        return html.Append("</body></html>\n").ToString();
    }

    private static void Table(StringBuilder html, string proxy, IReadOnlyList<StatRow> rows)
    {
        string name = WebUtility.HtmlEncode(proxy);
        html.Append("<table class=\"proxy\" data-proxy=\"").Append(name).Append("\"><caption>").Append(name).Append("</caption>\n<thead><tr><th rowspan=\"2\"></th>");
        foreach (var (group, columns) in Groups)
        {
            html.Append(CultureInfo.InvariantCulture, $"<th colspan=\"{columns.Length}\">{group}</th>");
        }
        html.Append("</tr><tr>");
        foreach (var (_, title) in Groups.SelectMany(g => g.Columns))
        {
            html.Append("<th>").Append(title).Append("</th>");
        }
        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in rows)
        {
            string line = WebUtility.HtmlEncode(row.Name);
            html.Append("<tr class=\"").Append(ClassOf(row)).Append("\" data-name=\"").Append(line).Append("\"><td class=\"name\">")
                .Append(row.Name is "FRONTEND" ? "Frontend" : row.Name is "BACKEND" ? "Backend" : line).Append("</td>");
            foreach (var (field, _) in Groups.SelectMany(g => g.Columns))
            {
                html.Append("<td data-field=\"").Append(field).Append("\">").Append(WebUtility.HtmlEncode(row[field])).Append("</td>");
            }
            html.Append("</tr>\n");
        }
        html.Append("</tbody></table>\n");
    }

    // HAProxy's colours: a line's kind, a server's state.
    private static string ClassOf(StatRow row) => row.Name switch
    {
        "FRONTEND" => "frontend",
        "BACKEND" => "backend " + (row["status"] == "UP" ? "up" : "down"),
        _ => row["status"] switch
        {
            "no check" => "server nocheck",
            "UP" => "server up",
            "MAINT" => "server maint",
            "DRAIN" => "server drain",
            _ => "server down",
        },
    };
}
