using System.Net;
using System.Net.Sockets;

namespace ActorProxy.Host.Configuration;

/// <summary>Whether an address a node would listen on is taken, asked by binding it as the
/// listeners do (SO_REUSEADDR, so a port in TIME_WAIT is free) and letting it go at once.</summary>
internal static class PortProbe
{
    /// <summary>Null when <paramref name="endpoint"/> can be bound; else why not.</summary>
    public static string? WhyNotFree(IPEndPoint endpoint)
    {
        using var probe = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        probe.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        try
        {
            probe.Bind(endpoint);
            return null;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return $"{endpoint} is in use by another process";
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressNotAvailable)
        {
            return $"{endpoint.Address} is not an address of this machine";
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AccessDenied)
        {
            return $"{endpoint} needs privileges this process does not have";
        }
    }
}
