using ActorProxy.Runtime.Http;

namespace ActorProxy.Runtime.Samples;

/// <summary>What a transaction and its access log line both tell of where a request came and
/// went: the <c>%ci %cp %fi %fp %f %ft %b %s %sslv</c> of a log-format string.</summary>
public interface ILogSubject
{
    /// <summary>The client's address.</summary>
    string ClientAddress { get; }

    /// <summary>The client's port.</summary>
    int ClientPort { get; }

    /// <summary>The address the client connected to.</summary>
    string LocalAddress { get; }

    /// <summary>The port the client connected to.</summary>
    int LocalPort { get; }

    /// <summary>The frontend's name.</summary>
    string Frontend { get; }

    /// <summary>The client's TLS session, or null in clear text.</summary>
    TlsSession? Tls { get; }

    /// <summary>The backend chosen, or null before (or without) one.</summary>
    string? Backend { get; }

    /// <summary>The server chosen (or the service that answered), or null.</summary>
    string? Server { get; }
}
