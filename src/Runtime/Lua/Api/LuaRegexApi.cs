using System.Text;
using System.Text.RegularExpressions;

namespace ActorProxy.Runtime.Lua.Api;

/// <summary>
/// HAProxy's Regex class in one state (hlua_fcn.c): <c>Regex.new(regex, case_sensitive)</c>
/// compiles (true and the regex, or false and why not), <c>exec</c> says whether it matches
/// anywhere in a string, <c>match</c> also gives the whole match then each group, at most 20
/// strings, up to the first group that took no part. Lua strings are bytes, and so are
/// HAProxy's regexes (PCRE2 without UTF): each byte is one character here too. As HAProxy, a
/// subject as long as a buffer (<c>tune.bufsize</c>) or longer matches nothing.
/// </summary>
public sealed class LuaRegexApi
{
    private const string Internal = "__actorproxy_regex";
    private const int MaxMatches = 20;
    private static readonly byte[] Source = LuaResources.Read("ActorProxy.Runtime.Lua.Api.Regex.lua");
    // A pattern that runs this long is stopped, as the rules' regexes are.
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    private readonly Dictionary<long, Regex> _regexes = [];
    private readonly int _bufferSize;
    private long _next;

    private LuaRegexApi(int bufferSize) => _bufferSize = bufferSize;

    /// <summary>Installs the <c>Regex</c> class into <paramref name="state"/>; subjects of
    /// <paramref name="bufferSize"/> bytes or more match nothing.</summary>
    public static LuaRegexApi Install(LuaState state, int bufferSize)
    {
        var api = new LuaRegexApi(bufferSize);
        state.Expose(Internal, "compile", api.Compile);
        state.Expose(Internal, "exec", call => call.Return(api.Find(call) is { Success: true }));
        state.Expose(Internal, "match", api.Match);
        state.Expose(Internal, "free", call =>
        {
            api._regexes.Remove(call.GetInteger(1));
            return call.Return();
        });
        state.RunModule(Source, "regex", 0);
        return api;
    }

    // compile(regex, case_sensitive) → id, or nil and HAProxy's message.
    private int Compile(LuaCall call)
    {
        string pattern = Encoding.Latin1.GetString(call.GetBytes(1));
        var options = RegexOptions.CultureInvariant | (call.GetBoolean(2) ? RegexOptions.None : RegexOptions.IgnoreCase);
        try
        {
            var regex = new Regex(pattern, options, MatchTimeout);
            long id = ++_next;
            _regexes.Add(id, regex);
            return call.Return(id);
        }
        catch (ArgumentException e)
        {
            // HAProxy's words around its regex library's; the library's own differ (PCRE2 there).
            return call.ReturnNil() + call.Return($"regex '{pattern}' is invalid ({e.Message})");
        }
    }

    // match(id, subject) → whether it matched, and the whole match then the groups.
    private int Match(LuaCall call)
    {
        if (Find(call) is not { Success: true } found)
        {
            return call.Return(false) + call.ReturnList([]);
        }
        var strings = new List<byte[]>();
        foreach (Group group in found.Groups)
        {
            if (!group.Success || strings.Count == MaxMatches)
            {
                break;
            }
            strings.Add(Encoding.Latin1.GetBytes(group.Value));
        }
        return call.Return(true) + call.ReturnList(strings);
    }

    private System.Text.RegularExpressions.Match? Find(LuaCall call)
    {
        var regex = _regexes[call.GetInteger(1)];
        byte[] subject = call.GetBytes(2);
        if (subject.Length >= _bufferSize)
        {
            return null;
        }
        try
        {
            return regex.Match(Encoding.Latin1.GetString(subject));
        }
        catch (RegexMatchTimeoutException)
        {
            return null;
        }
    }
}
