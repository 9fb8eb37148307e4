using System.Net;
using System.Net.Sockets;
using ActorProxy.Runtime.Samples;

namespace ActorProxy.Runtime.Config;

/// <summary>
/// <c>option forwardfor [except NETWORK] [header NAME] [if-none]</c> of a frontend or a backend:
/// a request forwarded to a server gets a field with the client's address, after every
/// <c>http-request</c> rule, as HAProxy 2.6 adds it (http_process_request).
/// </summary>
/// <param name="Except">Clients in this network get no field.</param>
/// <param name="Header">The field's name; HAProxy's default is <c>X-Forwarded-For</c>.</param>
/// <param name="IfNone">Only when the request has no such field already.</param>
public sealed record ForwardFor(IpNetwork? Except, string Header, bool IfNone)
{
    /// <summary>HAProxy's DEF_XFORWARDFOR_HDR.</summary>
    public const string DefaultHeader = "X-Forwarded-For";

    /// <summary>Parses what follows <c>option</c>: <c>forwardfor</c> and its optional values in any order.</summary>
    /// <returns>The option, or null with <paramref name="error"/> set (HAProxy's own wording).</returns>
    public static ForwardFor? Parse(string text, out string? error)
    {
        string[] words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        IpNetwork? except = null;
        string header = DefaultHeader;
        bool ifNone = false;
        error = null;
        for (int i = 1; i < words.Length; i++)
        {
            switch (words[i])
            {
                case "except" when i + 1 < words.Length && IpNetwork.Parse(words[i + 1], noResolve: true, out _) is { } network:
                    except = network;
                    i++;
                    break;
                case "except":
                    error = "'option forwardfor except' expects <address>[/mask] as argument.";
                    return null;
                case "header" when i + 1 < words.Length:
                    header = words[++i];
                    break;
                case "header":
                    error = "'option forwardfor header' expects <header_name> as argument.";
                    return null;
                case "if-none":
                    ifNone = true;
                    break;
                default:
                    error = "'option forwardfor' only supports optional values: 'except', 'header' and 'if-none'.";
                    return null;
            }
        }
        return new ForwardFor(except, header, ifNone);
    }

    /// <summary>The field to add to a request from <paramref name="client"/> that the frontend's
    /// option (or null) and its backend's (or null) call for, or null for none. As HAProxy: the
    /// backend's header name if it has the option, else the frontend's; <c>if-none</c> holds only
    /// when no side without it has the option; a client in either side's <c>except</c> gets none.</summary>
    /// <param name="frontend">The frontend's option.</param>
    /// <param name="backend">The backend's option.</param>
    /// <param name="client">The client's address.</param>
    /// <param name="hasField">Whether the request carries a field of the given name.</param>
    public static (string Name, string Value)? FieldFor(ForwardFor? frontend, ForwardFor? backend, IPAddress client, Func<string, bool> hasField)
    {
        if (frontend is null && backend is null)
        {
            return null;
        }
        string name = (backend ?? frontend)!.Header;
        bool always = frontend is { IfNone: false } || backend is { IfNone: false };
        if (!always && hasField(name))
        {
            return null;
        }
        var address = client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client;
        if (Excepts(frontend, address) || Excepts(backend, address))
        {
            return null;
        }
        return (name, address.ToString());
    }

    // HAProxy's ipcmp2net: a network of the other family never holds the address.
    private static bool Excepts(ForwardFor? option, IPAddress address) =>
        option?.Except is { } network && network.IsV4 == (address.AddressFamily == AddressFamily.InterNetwork) && network.Contains(address);
}
