namespace ActorProxy.Runtime.Tls;

/// <summary>A <c>crt</c> file that cannot serve: it names the file and what is wrong.</summary>
public sealed class CertificateLoadException(string file, string reason)
    : Exception($"certificate file '{file}' {reason}");
